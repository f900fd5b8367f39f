//! `use_connect_ui`: Nango's Connect UI as a `Copy` handle over the core's [`ConnectUi`].

use leptos::prelude::*;
use nango_frontend::{AuthError, AuthSuccess, ConnectUi, ConnectUiEvent, ConnectUiOptions, TokenSource};

use crate::{Held, HookField, HookOptions, Stored, use_nango, with_held};

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
    pub is_open: HookField<bool>,
    /// Whether the Connect UI said `ready`.
    pub is_ready: HookField<bool>,
    /// The latest event.
    pub last_event: HookField<Option<ConnectUiEvent>>,
    /// The latest error: an `Error` event, or a failure to show.
    pub last_error: HookField<Option<AuthError>>,
    /// The connections made through this hook, oldest first.
    pub connections: HookField<Vec<AuthSuccess>>,
    ui: Stored,
}

/// The Connect UI with default options (the provider's client, if any, gives the token and API).
pub fn use_connect_ui() -> UseConnectUiReturn {
    use_connect_ui_with_options(UseConnectUiOptions::default())
}

/// The Connect UI of this component (see [`ConnectUi`] for what each show uses), mirrored into
/// signals, released on cleanup (iframe and listener removed). Works without a provider; under
/// server-side rendering `open` records `unsupported_environment`.
pub fn use_connect_ui_with_options(options: impl HookOptions<UseConnectUiOptions>) -> UseConnectUiReturn {
    let ui = ConnectUi::default();
    ui.set_client(use_nango().ok());
    let snapshot = RwSignal::new(crate::field::Mirror { ui: ui.snapshot(), ..Default::default() });
    let (is_open, is_ready, last_event, last_error) = (
        HookField::new(snapshot, |s| &s.ui.is_open),
        HookField::new(snapshot, |s| &s.ui.is_ready),
        HookField::new(snapshot, |s| &s.ui.last_event),
        HookField::new(snapshot, |s| &s.ui.last_error),
    );
    let connections = HookField::new(snapshot, |s| &s.ui.connections);
    // The new snapshot replaces the old one untracked; then only the changed fields notify.
    // Connections only grow (the core appends new ones, never removes): their count tells.
    let watch = ui.watch(move |new| {
        let changed = snapshot.with_untracked(|old| {
            let old = &old.ui;
            [
                (old.is_open != new.is_open, is_open.changed),
                (old.is_ready != new.is_ready, is_ready.changed),
                (old.last_event != new.last_event, last_event.changed),
                (old.last_error != new.last_error, last_error.changed),
                (old.connections.len() != new.connections.len(), connections.changed),
            ]
        });
        snapshot.write_untracked().ui = new.clone();
        for (changed, trigger) in changed {
            if changed {
                trigger.notify();
            }
        }
    });
    let handle = UseConnectUiReturn {
        is_open,
        is_ready,
        last_event,
        last_error,
        connections,
        ui: StoredValue::new_local(Held::Ui(ui, watch)),
    };
    options.watch(move |o| {
        handle.with(|ui| {
            ui.set_token_source(o.session_token.clone());
            ui.set_options(o.connect_ui.clone());
        })
    });
    on_cleanup(move || {
        handle.with(ConnectUi::release);
    });
    handle
}

impl UseConnectUiReturn {
    fn with(&self, f: impl FnOnce(&ConnectUi)) {
        let mut ui = None;
        with_held(self.ui, &mut |held| {
            if let Held::Ui(u, _) = held {
                ui = Some(u.clone());
            }
        });
        if let Some(ui) = ui {
            f(&ui);
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
}
