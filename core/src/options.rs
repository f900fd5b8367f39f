//! Options of the auth calls and the typed credentials.

use std::fmt;
use std::time::Duration;

use crate::json::{Json, JsonObject};
use crate::{AuthError, AuthErrorType, TokenSource};

/// How long an auth may run when [`AuthOptions::timeout`] is not set: 25 minutes, below the
/// 30-minute life of a connect session token (`docs/auth-lifecycle.md`).
///
/// A flow still running when its session expires cannot succeed any more; ending it before
/// leaves time to fetch a fresh token and try again.
pub const DEFAULT_AUTH_TIMEOUT: Duration = Duration::from_secs(25 * 60);

/// The timeout an auth runs with.
pub(crate) fn effective_timeout(timeout: Option<Duration>) -> Duration {
    timeout.unwrap_or(DEFAULT_AUTH_TIMEOUT)
}

/// Options of [`Nango::auth`](crate::Nango::auth), [`reconnect`](crate::Nango::reconnect) and
/// [`create`](crate::Nango::create).
///
/// ```
/// use nango_frontend::{AuthOptions, Credentials};
/// let options = AuthOptions::new()
///     .connection_id("user-42")
///     .param("subdomain", "acme")
///     .credentials(Credentials::api_key("sk_live_…"));
/// assert_eq!(options.params, vec![("subdomain".to_owned(), "acme".to_owned())]);
/// ```
///
/// `Debug` never shows the credentials, the HMAC digest or the assertion option (a private key).
#[derive(Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct AuthOptions {
    /// The connection id (legacy public-key flows; a session-token server rejects it).
    pub connection_id: Option<String>,
    /// Connection configuration (`params[K]=V`), in order.
    pub params: Vec<(String, String)>,
    /// HMAC digest, for environments that require it.
    pub hmac: Option<String>,
    /// User-specific OAuth scopes (Slack).
    pub user_scope: Vec<String>,
    /// Extra OAuth authorization URL parameters; `None` removes a template parameter.
    pub authorization_params: Vec<(String, Option<String>)>,
    /// Credentials; none means OAuth (a popup), except for [`Nango::create`](crate::Nango::create).
    pub credentials: Option<Credentials>,
    /// End the auth with `window_closed` as soon as the OAuth popup reads closed.
    ///
    /// Off by default, as in the official SDK: a provider page that sends
    /// `Cross-Origin-Opener-Policy` makes the popup read closed while the user is still signing
    /// in. Without it a popup that reads closed ends the auth with `window_closed` only after
    /// [`CLOSED_POPUP_GRACE`](crate::protocol::oauth::CLOSED_POPUP_GRACE) without a result
    /// (at once if it closed before Nango's page was asked to load). See
    /// `docs/auth-lifecycle.md`.
    pub detect_closed_auth_window: bool,
    /// Two-step auth's `assertionOption`.
    pub assertion_option: Option<Json>,
    /// End the auth with `timeout` after this long; `None` means [`DEFAULT_AUTH_TIMEOUT`]
    /// (25 minutes). The official SDK waits forever; `Duration::MAX` does that here.
    ///
    /// Checked every half second for OAuth popups. Any `Duration` works: one past what a
    /// browser timer can hold (2³¹ − 1 ms, about 24.8 days) never fires.
    pub timeout: Option<Duration>,
}

impl AuthOptions {
    /// Empty options: OAuth with a generated connection id.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the connection id.
    pub fn connection_id(mut self, id: impl Into<String>) -> Self {
        self.connection_id = Some(id.into());
        self
    }

    /// Adds a connection configuration parameter.
    pub fn param(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.push((key.into(), value.into()));
        self
    }

    /// Sets the HMAC digest.
    pub fn hmac(mut self, hmac: impl Into<String>) -> Self {
        self.hmac = Some(hmac.into());
        self
    }

    /// Adds user scopes.
    pub fn user_scope<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.user_scope.extend(scopes.into_iter().map(Into::into));
        self
    }

    /// Adds an authorization URL parameter (`None` removes the template's one).
    pub fn authorization_param(mut self, key: impl Into<String>, value: Option<String>) -> Self {
        self.authorization_params.push((key.into(), value));
        self
    }

    /// Sets the credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Turns immediate closed-popup detection on or off (see the field's documentation).
    pub fn detect_closed_auth_window(mut self, detect: bool) -> Self {
        self.detect_closed_auth_window = detect;
        self
    }

    /// Sets two-step auth's assertion option.
    pub fn assertion_option(mut self, option: impl Into<Json>) -> Self {
        self.assertion_option = Some(option.into());
        self
    }

    /// Gives up after `timeout` instead of [`DEFAULT_AUTH_TIMEOUT`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

impl fmt::Debug for AuthOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |set: bool| if set { Some("…") } else { None };
        f.debug_struct("AuthOptions")
            .field("connection_id", &self.connection_id)
            .field("params", &self.params)
            .field("hmac", &hidden(self.hmac.is_some()))
            .field("user_scope", &self.user_scope)
            .field("authorization_params", &self.authorization_params)
            .field("credentials", &self.credentials)
            .field("detect_closed_auth_window", &self.detect_closed_auth_window)
            .field("assertion_option", &hidden(self.assertion_option.is_some()))
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Options of the adapters' `use_auth_with_options` hooks (`nango-yew`, `nango-dioxus`,
/// `nango-leptos`, which re-export it): where the hook's [`AuthRunner`](crate::AuthRunner) gets
/// connect session tokens ([`set_token_source`](crate::AuthRunner::set_token_source)).
///
/// ```
/// use nango_frontend::{TokenSource, UseAuthOptions};
/// let options = UseAuthOptions::new().session_token(TokenSource::backend("/api/nango-session"));
/// assert!(options.session_token.is_some());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct UseAuthOptions {
    /// Where connect session tokens come from. The hook fetches one when the component mounts,
    /// so that a run can open its popup at once; each run gets it for itself (the provider's
    /// client is not changed). Without a source, the provider client's own token (or public
    /// key) is used.
    pub session_token: Option<TokenSource>,
}

impl UseAuthOptions {
    /// No token source: the provider client's own token is used.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets where session tokens come from.
    pub fn session_token(mut self, source: TokenSource) -> Self {
        self.session_token = Some(source);
        self
    }
}

/// Credentials for the auth modes that need no popup, plus OAuth client overrides.
///
/// Each variant maps to one Nango endpoint (`docs/protocol.md` §3).
///
/// `Debug` shows the variant only, never a key, secret or password.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum Credentials {
    /// API key: `POST /api-auth/api-key/{key}`.
    ApiKey {
        /// The key.
        api_key: String,
    },
    /// Basic auth: `POST /api-auth/basic/{key}`.
    Basic {
        /// User name.
        username: Option<String>,
        /// Password.
        password: Option<String>,
    },
    /// JWT: `POST /auth/jwt/{key}`, the fields sent as given (e.g. `type`, `privateKey`, `issuerId`).
    Jwt(JsonObject),
    /// NetSuite-style token-based auth: `POST /auth/tba/{key}`.
    Tba {
        /// Token id.
        token_id: String,
        /// Token secret.
        token_secret: String,
        /// OAuth client id override.
        oauth_client_id_override: Option<String>,
        /// OAuth client secret override.
        oauth_client_secret_override: Option<String>,
    },
    /// Two-step auth: `POST /auth/two-step/{key}`, the fields sent as given with `type: TWO_STEP`.
    TwoStep(JsonObject),
    /// Signature auth: `POST /auth/signature/{key}`.
    Signature {
        /// User name.
        username: String,
        /// Password.
        password: String,
    },
    /// AWS SigV4 role assumption: `POST /auth/aws-sigv4/{key}` (external id goes in `params`).
    AwsSigV4 {
        /// The role's ARN.
        role_arn: String,
        /// AWS region.
        region: Option<String>,
    },
    /// Bill.com: `POST /auth/bill/{key}`.
    Bill {
        /// User name.
        username: String,
        /// Password.
        password: String,
        /// Organization id.
        organization_id: String,
        /// Developer key.
        dev_key: String,
    },
    /// OAuth2 client credentials: `POST /oauth2/auth/{key}`.
    OAuth2ClientCredentials {
        /// Client id.
        client_id: String,
        /// Client secret.
        client_secret: Option<String>,
        /// Private key, instead of a secret.
        client_private_key: Option<String>,
        /// Certificate that goes with the private key.
        client_certificate: Option<String>,
    },
    /// OAuth (popup) with the end user's own OAuth app: sent in the popup's query.
    OAuthClientOverride {
        /// Client id override.
        client_id: String,
        /// Client secret override.
        client_secret: String,
        /// Refresh token override.
        refresh_token: Option<String>,
    },
    /// An outbound installation (e.g. a Shopify app install): `POST /auth/oauth-outbound/{key}`, no body.
    OutboundInstallation,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let variant = match self {
            Self::ApiKey { .. } => "ApiKey",
            Self::Basic { .. } => "Basic",
            Self::Jwt(_) => "Jwt",
            Self::Tba { .. } => "Tba",
            Self::TwoStep(_) => "TwoStep",
            Self::Signature { .. } => "Signature",
            Self::AwsSigV4 { .. } => "AwsSigV4",
            Self::Bill { .. } => "Bill",
            Self::OAuth2ClientCredentials { .. } => "OAuth2ClientCredentials",
            Self::OAuthClientOverride { .. } => "OAuthClientOverride",
            Self::OutboundInstallation => "OutboundInstallation",
        };
        f.debug_struct(variant).finish_non_exhaustive()
    }
}

impl Credentials {
    /// API key credentials.
    pub fn api_key(key: impl Into<String>) -> Self {
        Self::ApiKey { api_key: key.into() }
    }

    /// Basic credentials.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self::Basic { username: Some(username.into()), password: Some(password.into()) }
    }

    /// Reads credentials given as the JavaScript SDK takes them (`{apiKey}`, `{username,
    /// password}`, `{type: "JWT", …}`, …), choosing the auth mode by the same rules.
    ///
    /// Useful when credentials come from a form or a config file. A non-object, or an object
    /// that matches no auth mode, is a `missing_credentials` error.
    ///
    /// ```
    /// use nango_frontend::{Credentials, Json};
    /// let creds = Credentials::from_json(Json::parse(r#"{"apiKey": "k"}"#).unwrap()).unwrap();
    /// assert_eq!(creds, Credentials::api_key("k"));
    /// ```
    pub fn from_json(value: Json) -> Result<Self, AuthError> {
        let Json::Object(mut obj) = value else {
            return Err(missing("Credentials must be a JSON object"));
        };
        let ty = obj.get("type").and_then(Json::as_str).map(str::to_owned);
        let has = |obj: &JsonObject, k: &str| obj.contains_key(k);
        let text = |obj: &JsonObject, k: &str| -> Option<String> {
            match obj.get(k) {
                Some(Json::String(s)) => Some(s.clone()),
                Some(Json::Null) | None => None,
                Some(other) => Some(other.to_json_string()),
            }
        };
        let req = |obj: &JsonObject, k: &str| text(obj, k).unwrap_or_default();
        match ty.as_deref() {
            Some("TWO_STEP") => {
                obj.remove("type");
                return Ok(Self::TwoStep(obj));
            }
            Some("SIGNATURE") if has(&obj, "username") && has(&obj, "password") => {
                return Ok(Self::Signature {
                    username: req(&obj, "username"),
                    password: req(&obj, "password"),
                });
            }
            Some("AWS_SIGV4") if has(&obj, "role_arn") => {
                return Ok(Self::AwsSigV4 { role_arn: req(&obj, "role_arn"), region: text(&obj, "region") });
            }
            _ => {}
        }
        if ["username", "password", "organization_id", "dev_key"].iter().all(|k| has(&obj, k)) {
            return Ok(Self::Bill {
                username: req(&obj, "username"),
                password: req(&obj, "password"),
                organization_id: req(&obj, "organization_id"),
                dev_key: req(&obj, "dev_key"),
            });
        }
        if has(&obj, "apiKey") {
            return Ok(Self::ApiKey { api_key: req(&obj, "apiKey") });
        }
        if has(&obj, "username") || has(&obj, "password") {
            return Ok(Self::Basic { username: text(&obj, "username"), password: text(&obj, "password") });
        }
        if has(&obj, "privateKey") || ty.as_deref() == Some("JWT") {
            return Ok(Self::Jwt(obj));
        }
        if has(&obj, "token_id") && has(&obj, "token_secret") {
            return Ok(Self::Tba {
                token_id: req(&obj, "token_id"),
                token_secret: req(&obj, "token_secret"),
                oauth_client_id_override: text(&obj, "oauth_client_id_override"),
                oauth_client_secret_override: text(&obj, "oauth_client_secret_override"),
            });
        }
        if has(&obj, "client_id") && (has(&obj, "client_secret") || has(&obj, "client_private_key")) {
            return Ok(Self::OAuth2ClientCredentials {
                client_id: req(&obj, "client_id"),
                client_secret: text(&obj, "client_secret"),
                client_private_key: text(&obj, "client_private_key"),
                client_certificate: text(&obj, "client_certificate"),
            });
        }
        if has(&obj, "oauth_client_id_override") && has(&obj, "oauth_client_secret_override") {
            return Ok(Self::OAuthClientOverride {
                client_id: req(&obj, "oauth_client_id_override"),
                client_secret: req(&obj, "oauth_client_secret_override"),
                refresh_token: text(&obj, "oauth_refresh_token_override"),
            });
        }
        Err(missing("The credentials match no Nango auth mode"))
    }
}

fn missing(message: &str) -> AuthError {
    AuthError::new(AuthErrorType::MissingCredentials, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_credentials() {
        let options = AuthOptions::new().credentials(Credentials::basic("someone", "secret-password"));
        let shown = format!("{options:?}");
        assert!(!shown.contains("secret") && !shown.contains("someone"), "{shown}");
        assert!(shown.contains("Basic"), "{shown}");
        assert_eq!(format!("{:?}", Credentials::api_key("secret-key")), "ApiKey { .. }");
        let two_step = AuthOptions::new()
            .assertion_option(Json::parse(r#"{"privateKey":"-----BEGIN secret-pem"}"#).unwrap())
            .hmac("secret-digest");
        let shown = format!("{two_step:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("assertion_option: Some(\"…\")"), "{shown}");
    }

    #[test]
    fn debug_of_a_plan_never_shows_tokens_or_bodies() {
        let config = crate::config::ClientConfig::new(
            crate::NangoConfig::new().connect_session_token("nango_connect_session_secret"),
        )
        .unwrap();
        let mut basic = AuthOptions::new().credentials(Credentials::basic("someone", "secret-password"));
        let token = crate::config::AuthToken(config.config.token.as_ref());
        let post =
            crate::protocol::plan_auth(&config, token, crate::protocol::AuthCall::Auth, "b", &mut basic)
                .unwrap();
        let shown = format!("{post:?}");
        assert!(!shown.contains("secret") && !shown.contains("someone"), "{shown}");
        assert!(shown.contains("/api-auth/basic/b?connect_session_token=…"), "{shown}");
        let popup = crate::protocol::plan_auth(
            &config,
            token,
            crate::protocol::AuthCall::Auth,
            "g",
            &mut AuthOptions::new(),
        );
        let shown = format!("{:?}", popup.unwrap());
        assert!(!shown.contains("secret"), "{shown}");
    }
}
