//! `use_connect_ui`: Nango's Connect UI as a `Copy` handle over the core's [`ConnectUi`].

use dioxus::prelude::*;
use nango_frontend::{
    AuthError, AuthSuccess, ConnectUi, ConnectUiEvent, ConnectUiOptions, ConnectUiSnapshot, Subscription,
    TokenSource,
};

use crate::use_nango;

/// Options of [`use_connect_ui_with_options`]: the core's [`ConnectUiOptions`] (the callbacks
/// go straight into them) and the session token source. Every render's options are handed to
/// the core: the newest callbacks are called, the newest token source is used (the same source
/// keeps its cached token), the other options are read when [`open`](UseConnectUiHandle::open)
/// shows the Connect UI.
#[derive(Clone, Default, PartialEq, Debug)]
#[non_exhaustive]
pub struct UseConnectUiOptions {
    /// The core's options: URLs (the API's defaults to the provider's host), language, theme,
    /// closed-window detection, callbacks.
    pub connect_ui: ConnectUiOptions,
    /// Where session tokens come from; without one, the [`NangoProvider`](crate::NangoProvider)
    /// client's session token is used, or [`set_session_token`](UseConnectUiHandle::set_session_token).
    pub session_token: Option<TokenSource>,
}

impl UseConnectUiOptions {
    /// The defaults: Nango Cloud's Connect UI and API, no callbacks.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the core's options; the callbacks set before are kept where `options` has none.
    pub fn connect_ui(mut self, options: ConnectUiOptions) -> Self {
        let earlier = std::mem::take(&mut self.connect_ui);
        Self { connect_ui: options.or_callbacks_of(earlier), ..self }
    }
    /// Sets where session tokens come from (a fixed token, or a fetch from your backend).
    pub fn session_token(self, source: TokenSource) -> Self {
        Self { session_token: Some(source), ..self }
    }
    /// Sets the callback for every event.
    pub fn on_event(self, h: EventHandler<ConnectUiEvent>) -> Self {
        Self { connect_ui: self.connect_ui.on_event(move |e| h.call(e.clone())), ..self }
    }
    /// Sets the callback for new connections.
    pub fn on_connect(self, h: EventHandler<AuthSuccess>) -> Self {
        Self { connect_ui: self.connect_ui.on_connect(move |c| h.call(c.clone())), ..self }
    }
    /// Sets the callback for the Connect UI closing itself (not after [`close`](UseConnectUiHandle::close)).
    pub fn on_close(self, h: EventHandler<()>) -> Self {
        Self { connect_ui: self.connect_ui.on_close(move || h.call(())), ..self }
    }
    /// Sets the callback for `Error` events and failures to show.
    pub fn on_error(self, h: EventHandler<AuthError>) -> Self {
        Self { connect_ui: self.connect_ui.on_error(move |e| h.call(e.clone())), ..self }
    }
}

/// The handle [`use_connect_ui`] returns: commands, and the state as a signal (reading it
/// subscribes the component). `Copy`.
#[derive(Clone, Copy, PartialEq)]
pub struct UseConnectUiHandle {
    ui: CopyValue<(ConnectUi, Subscription)>,
    snapshot: ReadSignal<ConnectUiSnapshot>,
}

impl std::fmt::Debug for UseConnectUiHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.snapshot.peek().fmt(f)
    }
}

/// The Connect UI with default options (the provider's client, if any, gives the token and API).
pub fn use_connect_ui() -> UseConnectUiHandle {
    use_connect_ui_with_options(UseConnectUiOptions::default())
}

/// The Connect UI of this component (see [`ConnectUi`] for what each show uses): made once,
/// mirrored into a signal, released on unmount (iframe and listener removed). Works without a
/// [`NangoProvider`](crate::NangoProvider); under server-side rendering `open` records
/// `unsupported_environment`. In a desktop app (feature `native`) `open` opens the session's
/// Connect UI link in the system browser instead: no iframe, no events from that page (the
/// app's backend hears of the connection from Nango's auth webhook).
pub fn use_connect_ui_with_options(options: UseConnectUiOptions) -> UseConnectUiHandle {
    let client = use_nango().ok();
    let handle = use_hook(|| {
        let ui = ConnectUi::default();
        let snapshot = Signal::new(ui.snapshot());
        let watch = ui.watch(move |s| Signal::set(&mut { snapshot }, s.clone()));
        UseConnectUiHandle { ui: CopyValue::new((ui, watch)), snapshot: snapshot.into() }
    });
    handle.with(|ui| {
        ui.set_client(client);
        ui.set_token_source(options.session_token);
        ui.set_options(options.connect_ui);
    });
    use_drop(move || handle.with(ConnectUi::release));
    handle
}

impl UseConnectUiHandle {
    fn with(&self, f: impl FnOnce(&ConnectUi)) {
        if let Ok(held) = self.ui.try_peek() {
            f(&held.0);
        }
    }
    /// Shows the Connect UI (a no-op while open); a failure goes to `last_error` and `on_error`.
    pub fn open(&self) {
        self.with(|ui| drop(ui.show()));
    }
    /// Closes the Connect UI (no `on_close`: the app asked for it).
    pub fn close(&self) {
        self.with(ConnectUi::close);
    }
    /// Hands the Connect UI a session token; it wins over every default until replaced.
    pub fn set_session_token(&self, token: impl Into<String>) {
        self.with(move |ui| ui.set_session_token(token));
    }
    /// The whole state, as a signal.
    pub fn snapshot(&self) -> ReadSignal<ConnectUiSnapshot> {
        self.snapshot
    }
    /// Whether the iframe is in the page.
    pub fn is_open(&self) -> bool {
        self.snapshot.read().is_open
    }
    /// Whether the Connect UI said `ready`.
    pub fn is_ready(&self) -> bool {
        self.snapshot.read().is_ready
    }
    /// The latest event.
    pub fn last_event(&self) -> Option<ConnectUiEvent> {
        self.snapshot.read().last_event.clone()
    }
    /// The latest error: an `Error` event, or a failure to show.
    pub fn last_error(&self) -> Option<AuthError> {
        self.snapshot.read().last_error.clone()
    }
    /// The connections made through this hook, oldest first.
    pub fn connections(&self) -> Vec<AuthSuccess> {
        self.snapshot.read().connections.clone()
    }
}
