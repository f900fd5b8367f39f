//! The hooks' options: plain data with builder methods.

use dioxus::prelude::*;
use nango_frontend::{AuthError, AuthSuccess, ConnectUiEvent, ConnectUiOptions, TokenSource};

/// Options of [`use_connect_ui_with_options`](crate::use_connect_ui_with_options): those of
/// [`ConnectUiOptions`], the session token source and the event callbacks.
///
/// Every render's options are handed to the core: the newest render's callbacks are called,
/// the newest token source is used (the same source keeps its cached token, a different one
/// fetches its own), the other options are read
/// when [`open`] shows the Connect UI.
///
/// [`open`]: crate::UseConnectUiHandle::open
#[derive(Clone, Default, PartialEq, Debug)]
#[non_exhaustive]
pub struct UseConnectUiOptions {
    /// The core's options: base URL, API URL (default: the provider's host), language, theme,
    /// closed-window detection.
    pub connect_ui: ConnectUiOptions,
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

    /// Sets the core's options (URLs, language, theme, closed-window detection).
    pub fn connect_ui(mut self, options: ConnectUiOptions) -> Self {
        self.connect_ui = options;
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

    /// The core's options, with the callbacks.
    pub(crate) fn to_core(&self) -> ConnectUiOptions {
        let mut core = self.connect_ui.clone();
        if let Some(h) = self.on_event {
            core = core.on_event(move |e| h.call(e.clone()));
        }
        if let Some(h) = self.on_connect {
            core = core.on_connect(move |c| h.call(c.clone()));
        }
        if let Some(h) = self.on_close {
            core = core.on_close(move || h.call(()));
        }
        if let Some(h) = self.on_error {
            core = core.on_error(move |e| h.call(e.clone()));
        }
        core
    }
}

/// Options of [`use_auth_with_options`](crate::use_auth_with_options).
#[derive(Clone, Default, PartialEq, Debug)]
#[non_exhaustive]
pub struct UseAuthOptions {
    /// Where connect session tokens come from. The hook fetches one when the component mounts,
    /// so that [`run`](crate::UseAuthHandle::run) can open the popup at once; each run gets it
    /// for itself (the provider's client is not changed). Without a source, the
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
