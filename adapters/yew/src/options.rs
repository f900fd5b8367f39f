//! The hooks' options: plain data with builder methods, turned into the core's options.

use nango_frontend::{AuthError, AuthSuccess, ConnectUiEvent, ConnectUiOptions, TokenSource};
use yew::Callback;

/// Options of [`use_connect_ui_with_options`](crate::use_connect_ui_with_options): those of
/// [`ConnectUiOptions`], the session token source, and callbacks. Every render's options are
/// handed to the core: the latest callbacks are called, the latest token source is used (the
/// same source keeps its cached token, a different one fetches its own), the other options apply
/// at the next [`open`](crate::UseConnectUiHandle::open).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct UseConnectUiOptions {
    /// The core's options: base URL, API URL (default: the provider's host), language, theme,
    /// closed-window detection.
    pub connect_ui: ConnectUiOptions,
    /// Where session tokens come from; the Connect UI shows at once and gets the token when it
    /// arrives. Without one, the provider's client token is used (or call `set_session_token`).
    pub session_token: Option<TokenSource>,
    /// Called with every event.
    pub on_event: Option<Callback<ConnectUiEvent>>,
    /// Called when the user connected an account.
    pub on_connect: Option<Callback<AuthSuccess>>,
    /// Called when the Connect UI closed itself.
    pub on_close: Option<Callback<()>>,
    /// Called with `Error` events, and when the Connect UI cannot be shown.
    pub on_error: Option<Callback<AuthError>>,
}

impl UseConnectUiOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the core's options (URLs, language, theme, closed-window detection).
    pub fn connect_ui(mut self, options: ConnectUiOptions) -> Self {
        self.connect_ui = options;
        self
    }

    /// Sets where session tokens come from.
    pub fn session_token(mut self, source: TokenSource) -> Self {
        self.session_token = Some(source);
        self
    }

    /// Sets the callback called with every event.
    pub fn on_event(mut self, callback: impl Into<Callback<ConnectUiEvent>>) -> Self {
        self.on_event = Some(callback.into());
        self
    }

    /// Sets the callback called when an account was connected.
    pub fn on_connect(mut self, callback: impl Into<Callback<AuthSuccess>>) -> Self {
        self.on_connect = Some(callback.into());
        self
    }

    /// Sets the callback called when the Connect UI closed itself.
    pub fn on_close(mut self, callback: impl Into<Callback<()>>) -> Self {
        self.on_close = Some(callback.into());
        self
    }

    /// Sets the callback called with errors.
    pub fn on_error(mut self, callback: impl Into<Callback<AuthError>>) -> Self {
        self.on_error = Some(callback.into());
        self
    }

    /// The core's options, with the callbacks.
    pub(crate) fn to_core(&self) -> ConnectUiOptions {
        let mut core = self.connect_ui.clone();
        if let Some(cb) = self.on_event.clone() {
            core = core.on_event(move |e| cb.emit(e.clone()));
        }
        if let Some(cb) = self.on_connect.clone() {
            core = core.on_connect(move |c| cb.emit(c.clone()));
        }
        if let Some(cb) = self.on_close.clone() {
            core = core.on_close(move || cb.emit(()));
        }
        if let Some(cb) = self.on_error.clone() {
            core = core.on_error(move |e| cb.emit(e.clone()));
        }
        core
    }
}

/// Options of [`use_auth_with_options`](crate::use_auth_with_options).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct UseAuthOptions {
    /// Where connect session tokens come from. A token is fetched on mount, so that it is there
    /// when the user clicks; each run gets it for itself (the provider's client is not changed).
    pub session_token: Option<TokenSource>,
}

impl UseAuthOptions {
    /// No token source: the client's own token is used.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets where session tokens come from.
    pub fn session_token(mut self, source: TokenSource) -> Self {
        self.session_token = Some(source);
        self
    }
}
