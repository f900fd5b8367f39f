//! `use_connect_ui`: Nango's Connect UI as a `Copy` handle over the core's [`ConnectUi`].

use leptos::prelude::*;
use nango_frontend::{
    AuthError, AuthSuccess, ConnectUi, ConnectUiEvent, ConnectUiOptions, Subscription, TokenSource,
};

use crate::use_nango;

/// Options of [`use_connect_ui_with_options`]: the core's and the session token source.
#[derive(Clone, Default, PartialEq, Debug)]
#[non_exhaustive]
pub struct UseConnectUiOptions {
    /// The core's options; the API URL defaults to the provider's host.
    pub connect_ui: ConnectUiOptions,
    /// Where session tokens come from (else the provider client's token, or `set_session_token`'s).
    pub session_token: Option<TokenSource>,
}

impl UseConnectUiOptions {
    /// The defaults: Nango Cloud's Connect UI and API, no callbacks.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the core's options (URLs, language, theme, closed-window detection, callbacks).
    pub fn connect_ui(self, options: ConnectUiOptions) -> Self {
        Self { connect_ui: options, ..self }
    }
    /// Sets where session tokens come from (a fixed token, or a fetch from your backend).
    pub fn session_token(self, source: TokenSource) -> Self {
        Self { session_token: Some(source), ..self }
    }
    /// Sets the callback for every event.
    pub fn on_event(self, f: impl Fn(&ConnectUiEvent) + 'static) -> Self {
        Self { connect_ui: self.connect_ui.on_event(f), ..self }
    }
    /// Sets the callback for new connections.
    pub fn on_connect(self, f: impl Fn(&AuthSuccess) + 'static) -> Self {
        Self { connect_ui: self.connect_ui.on_connect(f), ..self }
    }
    /// Sets the callback for the Connect UI closing itself (not after `close()`).
    pub fn on_close(self, f: impl Fn() + 'static) -> Self {
        Self { connect_ui: self.connect_ui.on_close(f), ..self }
    }
    /// Sets the callback for `Error` events and failures to show.
    pub fn on_error(self, f: impl Fn(&AuthError) + 'static) -> Self {
        Self { connect_ui: self.connect_ui.on_error(f), ..self }
    }
}

/// What [`use_connect_ui`] returns (`Copy`): the state as signals, and commands.
#[derive(Clone, Copy, Debug)]
pub struct UseConnectUiReturn {
    /// Whether the iframe is in the page.
    pub is_open: Signal<bool>,
    /// Whether the Connect UI said `ready`.
    pub is_ready: Signal<bool>,
    /// The latest event.
    pub last_event: Signal<Option<ConnectUiEvent>>,
    /// The latest error: an `Error` event, or a failure to show.
    pub last_error: Signal<Option<AuthError>>,
    /// The connections made through this hook, oldest first.
    pub connections: Signal<Vec<AuthSuccess>>,
    ui: StoredValue<(ConnectUi, Subscription), LocalStorage>,
}

/// The Connect UI with default options (the provider's client, if any, gives the token and API).
pub fn use_connect_ui() -> UseConnectUiReturn {
    use_connect_ui_with_options(UseConnectUiOptions::default())
}

/// The Connect UI of this component (see [`ConnectUi`] for what each show uses), mirrored into
/// signals, released on cleanup (iframe and listener removed). Works without a provider; under
/// server-side rendering `open` records `unsupported_environment`.
pub fn use_connect_ui_with_options(
    options: impl Into<Signal<UseConnectUiOptions, LocalStorage>>,
) -> UseConnectUiReturn {
    let (ui, options) = (ConnectUi::default(), options.into());
    ui.set_client(use_nango().ok());
    let snapshot = RwSignal::new(ui.snapshot());
    let watch = ui.watch(move |s| snapshot.set(s.clone()));
    let ui = StoredValue::new_local((ui, watch));
    let handle = UseConnectUiReturn {
        is_open: Memo::new(move |_| snapshot.with(|s| s.is_open)).into(),
        is_ready: Memo::new(move |_| snapshot.with(|s| s.is_ready)).into(),
        last_event: Memo::new(move |_| snapshot.with(|s| s.last_event.clone())).into(),
        last_error: Memo::new(move |_| snapshot.with(|s| s.last_error.clone())).into(),
        connections: Memo::new(move |_| snapshot.with(|s| s.connections.clone())).into(),
        ui,
    };
    let effect = ImmediateEffect::new_isomorphic(move || {
        options.with(|o| {
            handle.with(|ui| {
                ui.set_token_source(o.session_token.clone());
                ui.set_options(o.connect_ui.clone());
            })
        })
    });
    on_cleanup(move || {
        drop(effect);
        handle.with(ConnectUi::release);
    });
    handle
}

impl UseConnectUiReturn {
    fn with(&self, f: impl FnOnce(&ConnectUi)) {
        self.ui.try_with_value(|(ui, _)| f(ui));
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
}
