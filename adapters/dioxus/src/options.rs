//! The hooks' options: plain data with builder methods.

use dioxus::prelude::*;
use nango_frontend::{AuthError, AuthSuccess, ConnectUiEvent, ConnectUiOptions, Theme, TokenSource};

/// Options of [`use_connect_ui_with_options`](crate::use_connect_ui_with_options): those of
/// [`ConnectUiOptions`], the session token source and the event callbacks.
///
/// Callbacks are read "latest value" style (the newest render's are called); pass stable ones
/// (component props, or [`use_callback`]). The other options are read when [`open`] shows
/// the Connect UI. The token source is read once, on the first render.
///
/// [`open`]: crate::UseConnectUiHandle::open
#[derive(Clone, Default, PartialEq, Debug)]
#[non_exhaustive]
pub struct UseConnectUiOptions {
    /// Where the Connect UI is served from (default `https://connect.nango.dev`).
    pub base_url: Option<String>,
    /// The Nango API the Connect UI talks to (default `https://api.nango.dev`).
    pub api_url: Option<String>,
    /// Treat a closed OAuth popup as a failure inside the Connect UI.
    pub detect_closed_auth_window: bool,
    /// Language code, e.g. `en` or `fr`.
    pub lang: Option<String>,
    /// Forces a theme over the dashboard's setting.
    pub theme: Option<Theme>,
    /// Where session tokens come from; without one, the [`NangoProvider`](crate::NangoProvider)
    /// client's session token is used, or [`set_session_token`](crate::UseConnectUiHandle::set_session_token).
    pub session_token: Option<TokenSource>,
    /// Called with every event.
    pub on_event: Option<EventHandler<ConnectUiEvent>>,
    /// Called when the user connected an account.
    pub on_connect: Option<EventHandler<AuthSuccess>>,
    /// Called when the Connect UI closed itself (not after [`close`](crate::UseConnectUiHandle::close)).
    pub on_close: Option<EventHandler<()>>,
    /// Called with `Error` events, and when the Connect UI cannot be shown.
    pub on_error: Option<EventHandler<AuthError>>,
}

impl UseConnectUiOptions {
    /// The defaults: Nango Cloud's Connect UI and API, no callbacks.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the Connect UI URL.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }
    /// Sets the API URL passed to the Connect UI.
    pub fn api_url(mut self, url: impl Into<String>) -> Self {
        self.api_url = Some(url.into());
        self
    }
    /// Treats a closed OAuth popup as a failure.
    pub fn detect_closed_auth_window(mut self, detect: bool) -> Self {
        self.detect_closed_auth_window = detect;
        self
    }
    /// Sets the language.
    pub fn lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = Some(lang.into());
        self
    }
    /// Forces a theme.
    pub fn theme(mut self, theme: Theme) -> Self {
        self.theme = Some(theme);
        self
    }
    /// Sets where session tokens come from (a fixed token, or a fetch from your backend).
    pub fn session_token(mut self, source: TokenSource) -> Self {
        self.session_token = Some(source);
        self
    }
    /// Sets the callback for every event.
    pub fn on_event(mut self, handler: EventHandler<ConnectUiEvent>) -> Self {
        self.on_event = Some(handler);
        self
    }
    /// Sets the callback for new connections.
    pub fn on_connect(mut self, handler: EventHandler<AuthSuccess>) -> Self {
        self.on_connect = Some(handler);
        self
    }
    /// Sets the callback for the Connect UI closing itself.
    pub fn on_close(mut self, handler: EventHandler<()>) -> Self {
        self.on_close = Some(handler);
        self
    }
    /// Sets the callback for errors.
    pub fn on_error(mut self, handler: EventHandler<AuthError>) -> Self {
        self.on_error = Some(handler);
        self
    }

    pub(crate) fn core_options(&self) -> ConnectUiOptions {
        let mut options = ConnectUiOptions::new().detect_closed_auth_window(self.detect_closed_auth_window);
        options.base_url.clone_from(&self.base_url);
        options.api_url.clone_from(&self.api_url);
        options.lang.clone_from(&self.lang);
        options.theme = self.theme;
        options
    }
}

/// Options of [`use_auth_with_options`](crate::use_auth_with_options).
#[derive(Clone, Default, PartialEq, Debug)]
#[non_exhaustive]
pub struct UseAuthOptions {
    /// Where connect session tokens come from. The hook fetches one when the component mounts,
    /// so that [`run`](crate::UseAuthHandle::run) can open the popup at once; without a source, the
    /// [`NangoProvider`](crate::NangoProvider) client's own token (or public key) is used.
    pub session_token: Option<TokenSource>,
}

impl UseAuthOptions {
    /// No token source.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets where session tokens come from.
    pub fn session_token(mut self, source: TokenSource) -> Self {
        self.session_token = Some(source);
        self
    }
}
