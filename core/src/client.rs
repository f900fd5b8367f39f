//! The client: configuration plus the entry points.

use std::cell::Cell;
use std::fmt;
use std::rc::Rc;

use crate::config::{AuthToken, ClientConfig, ClientToken, NangoConfig};
use crate::protocol::{AuthCall, AuthPlan, plan_auth};
use crate::task::{AuthFuture, PendingAuth};
use crate::text::concat;
use crate::{AuthError, AuthOptions, ConnectUi, ConnectUiOptions, platform};

/// A Nango frontend client, the equivalent of the JS SDK's `new Nango(…)`.
///
/// Cheap to clone; clones share the configuration and the pending auth (a new auth on any clone
/// ends the previous one with a `cancelled` error, releasing its popup and socket).
///
/// ```no_run
/// use nango_frontend::{AuthOptions, Credentials, Nango, NangoConfig};
/// # async fn run() -> Result<(), nango_frontend::AuthError> {
/// let nango = Nango::new(NangoConfig::new().connect_session_token("nango_connect_session_…"))?;
/// // In a click handler: the popup opens before `auth` returns.
/// let connection = nango.auth("github", AuthOptions::new()).await?;
/// let api = nango.auth("stripe", AuthOptions::new().credentials(Credentials::api_key("sk_…"))).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Nango {
    inner: Rc<Inner>,
}

struct Inner {
    /// The configuration without its token (`config.token` is always `None`: the token is
    /// `token`, the one part that changes).
    config: ClientConfig,
    token: Cell<Option<ClientToken>>,
    pending: Cell<PendingAuth>,
}

/// Cells rather than `RefCell`s: nothing here can be borrowed twice, so no borrow can panic
/// (a `RefCell` borrow's panic links `core::fmt` padding and a location per call site).
impl Inner {
    /// The token, read without a borrow (taken out and put back).
    fn token(&self) -> Option<ClientToken> {
        let token = self.token.take();
        let copy = token.clone();
        self.token.set(token);
        copy
    }

    fn session_token(&self) -> Option<String> {
        match self.token() {
            Some(ClientToken::ConnectSession(token)) => Some(token),
            _ => None,
        }
    }
}

impl fmt::Debug for Nango {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let endpoints = &self.inner.config.endpoints;
        f.debug_struct("Nango")
            .field("host", &endpoints.host)
            .field("ws_url", &endpoints.ws_url)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Nango {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Nango {
    /// Validates `config` (an invalid host is `invalid_host_url`) and makes a client.
    pub fn new(config: NangoConfig) -> Result<Self, AuthError> {
        let mut config = ClientConfig::new(config)?;
        let token = Cell::new(config.config.token.take());
        Ok(Self { inner: Rc::new(Inner { config, token, pending: Cell::default() }) })
    }

    /// The client a framework adapter's provider offers: `client`, or one made from `config`.
    /// Exactly one of them must be given, else `invalid_provider_setup`; an invalid `config` is
    /// the error [`Nango::new`] gives.
    ///
    /// ```
    /// use nango_frontend::{AuthErrorType, Nango, NangoConfig};
    /// assert!(Nango::from_provider(None, Some(NangoConfig::new())).is_ok());
    /// let neither = Nango::from_provider(None, None).unwrap_err();
    /// assert_eq!(neither.kind, AuthErrorType::InvalidProviderSetup);
    /// let bad = Nango::from_provider(None, Some(NangoConfig::new().host("nope"))).unwrap_err();
    /// assert_eq!(bad.kind, AuthErrorType::InvalidHostUrl);
    /// ```
    pub fn from_provider(client: Option<Nango>, config: Option<NangoConfig>) -> Result<Self, AuthError> {
        match (client, config) {
            (Some(client), None) => Ok(client),
            (None, Some(config)) => Self::new(config),
            _ => Err(AuthError::invalid_provider_setup(
                "The Nango provider needs exactly one of `config` and `client`",
            )),
        }
    }

    /// The configuration the client was made with.
    pub fn config(&self) -> NangoConfig {
        NangoConfig { token: self.inner.token(), ..self.inner.config.config.clone() }
    }

    /// The connect session token, if the client has one.
    pub fn session_token(&self) -> Option<String> {
        self.inner.session_token()
    }

    /// Replaces the connect session token, e.g. after fetching a fresh one.
    pub fn set_connect_session_token(&self, token: impl Into<String>) {
        self.inner.token.set(Some(ClientToken::ConnectSession(token.into())));
    }

    /// Connects an account: an OAuth popup, or a credential POST when `options` carries
    /// credentials.
    ///
    /// Not an `async fn`: the popup is opened before this returns, so call it directly in the
    /// click handler (Safari blocks popups opened after an `await`), then await the future.
    /// Natively (feature `native`) the work starts when the future is first polled: the
    /// socket opens, and the system browser once Nango acknowledges it.
    pub fn auth(&self, provider_config_key: &str, options: AuthOptions) -> AuthFuture {
        self.start(AuthCall::Auth, provider_config_key, options, None)
    }

    /// Re-authorizes an existing connection; needs a connect session token (made with
    /// `/connect/sessions/reconnect`), else `missing_connect_session_token`.
    pub fn reconnect(&self, provider_config_key: &str, options: AuthOptions) -> AuthFuture {
        self.start(AuthCall::Reconnect, provider_config_key, options, None)
    }

    /// Creates a connection to an integration that needs no auth (auth mode `NONE`).
    pub fn create(&self, provider_config_key: &str, options: AuthOptions) -> AuthFuture {
        self.start(AuthCall::Create, provider_config_key, options, None)
    }

    /// Ends the pending auth, if any, with a `cancelled` error.
    pub fn cancel_pending_auth(&self) {
        self.inner.pending.take().cancel(AuthError::cancelled("The auth was cancelled"));
    }

    /// Opens the Connect UI with this client's defaults for what `options` leave out (see
    /// [`connect_ui_options`](Self::connect_ui_options)).
    pub fn open_connect_ui(&self, options: ConnectUiOptions) -> Result<ConnectUi, AuthError> {
        let ui = ConnectUi::new(options)?;
        ui.set_client(Some(self.clone()));
        ui.show()?;
        Ok(ui)
    }

    /// Completes Connect UI options from the client: its session token, and its host as the
    /// API URL, unless `options` has them. (The JS SDK always defaults the API URL to Nango
    /// Cloud, which sends a Connect UI opened by a self-hosted or local client to the wrong API.)
    pub fn connect_ui_options(&self, mut options: ConnectUiOptions) -> ConnectUiOptions {
        if options.session_token.is_none() {
            options.session_token = self.inner.session_token();
        }
        if options.api_url.is_none() {
            options.api_url = Some(self.inner.config.endpoints.host.clone());
        }
        options
    }

    /// What the Connect UI takes from this client: its host (as the API URL) and its session token.
    pub(crate) fn defaults(&self) -> (String, Option<String>) {
        (self.inner.config.endpoints.host.clone(), self.inner.session_token())
    }

    /// What an auth call would do, without doing it: the credential POST, or the OAuth flow
    /// (popup URL, WebSocket URL). Errors are those the call would end with before any I/O.
    ///
    /// ```
    /// use nango_frontend::{AuthOptions, Credentials, Nango, NangoConfig};
    /// use nango_frontend::protocol::{AuthCall, AuthPlan};
    /// let nango = Nango::new(NangoConfig::new().public_key("pk").host("http://localhost:3003")).unwrap();
    /// let plan = nango.plan(AuthCall::Auth, "stripe", &AuthOptions::new().credentials(Credentials::api_key("k")));
    /// let Ok(AuthPlan::Post(post)) = plan else { panic!() };
    /// assert_eq!(post.url, "http://localhost:3003/api-auth/api-key/stripe?public_key=pk");
    /// assert_eq!(post.body.as_deref(), Some(r#"{"apiKey":"k"}"#));
    /// ```
    pub fn plan(
        &self,
        call: AuthCall,
        provider_config_key: &str,
        options: &AuthOptions,
    ) -> Result<AuthPlan, AuthError> {
        let token = self.inner.token();
        plan_auth(
            &self.inner.config,
            AuthToken(token.as_ref()),
            call,
            provider_config_key,
            &mut options.clone(),
        )
    }

    /// Starts an auth; `token`, when given, is this call's connect session token (the client's
    /// own configuration is not changed).
    pub(crate) fn start(
        &self,
        call: AuthCall,
        key: &str,
        mut options: AuthOptions,
        token: Option<String>,
    ) -> AuthFuture {
        // The client's token is taken out for the plan and put back: read in place, not copied.
        let (given, own) = (token.map(ClientToken::ConnectSession), self.inner.token.take());
        let config = &self.inner.config;
        let plan = plan_auth(config, AuthToken(given.as_ref().or(own.as_ref())), call, key, &mut options);
        self.inner.token.set(own);
        let plan = match plan {
            Ok(plan) => plan,
            Err(error) => return AuthFuture::ready(Err(error)),
        };
        self.inner.pending.take().cancel(AuthError::cancelled("Another auth started on this client"));
        if config.config.debug {
            let target = match &plan {
                AuthPlan::Post(request) => request.url.as_str(),
                AuthPlan::Popup(flow) => flow.connect_url(),
            };
            platform::log(&concat(&["auth ", key, ": ", &crate::url::redact_query(target)]));
        }
        let future = match plan {
            AuthPlan::Post(request) => platform::start_post(request, options.timeout),
            AuthPlan::Popup(flow) => platform::start_popup(flow, &config.config),
        };
        self.inner.pending.set(future.pending());
        future
    }
}
