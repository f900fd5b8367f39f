//! The options of `use_connect_ui_with_options`.

use nango_frontend::{AuthError, AuthSuccess, ConnectUiEvent, ConnectUiOptions, Nango, TokenSource};
use yew::Callback;

/// Options of [`use_connect_ui_with_options`](crate::use_connect_ui_with_options): those of [`ConnectUiOptions`], the session
/// token source, and callbacks (the latest render's callbacks are called; changing them does not
/// re-bind anything). URL, language and theme changes apply at the next [`open`](crate::UseConnectUiHandle::open).
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

    /// The core's options: the API URL defaults to the client's host, as in the JS SDK.
    pub(crate) fn connect_ui_options(&self, client: Option<&Nango>) -> ConnectUiOptions {
        let options = self.connect_ui.clone();
        match client {
            Some(client) => client.connect_ui_options(options),
            None => options,
        }
    }
}
