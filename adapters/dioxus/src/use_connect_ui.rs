//! `use_connect_ui`: Nango's Connect UI as a `Copy` handle with read-only signals.

use std::fmt;

use dioxus::prelude::*;
use nango_frontend::{AuthError, AuthSuccess, ConnectUi, ConnectUiEvent, Nango, SessionTokens, Subscription};

use crate::{UseConnectUiOptions, try_use_nango};

/// What the hook keeps between renders (in a `CopyValue` owned by the component).
struct Shared {
    /// One Connect UI for the component's lifetime; options apply on each `open`.
    ui: ConnectUi,
    subscription: Option<Subscription>,
    latest: UseConnectUiOptions,
    tokens: Option<SessionTokens>,
    client: Option<Nango>,
    /// The token given with `set_session_token` (it wins over the client's).
    token: Option<String>,
    signals: Signals,
}

#[derive(Clone, Copy)]
struct Signals {
    is_open: Signal<bool>,
    is_ready: Signal<bool>,
    last_event: Signal<Option<ConnectUiEvent>>,
    last_error: Signal<Option<AuthError>>,
    connections: Signal<Vec<AuthSuccess>>,
}

/// The handle [`use_connect_ui`] returns: commands and read-only signals. `Copy`.
#[derive(Clone, Copy, PartialEq)]
pub struct UseConnectUiHandle {
    shared: CopyValue<Shared>,
    signals: ReadSignals,
}

#[derive(Clone, Copy, PartialEq)]
struct ReadSignals {
    is_open: ReadSignal<bool>,
    is_ready: ReadSignal<bool>,
    last_event: ReadSignal<Option<ConnectUiEvent>>,
    last_error: ReadSignal<Option<AuthError>>,
    connections: ReadSignal<Vec<AuthSuccess>>,
}

impl fmt::Debug for UseConnectUiHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UseConnectUiHandle").finish_non_exhaustive()
    }
}

/// The Connect UI with default options (Nango Cloud); see [`use_connect_ui_with_options`].
pub fn use_connect_ui() -> UseConnectUiHandle {
    use_connect_ui_with_options(UseConnectUiOptions::default())
}

/// The Connect UI: [`open`](UseConnectUiHandle::open) shows it (and fetches a session token
/// if needed), its events update the handle's signals and call the callbacks. Unmounting the
/// component removes the iframe and its `message` listener.
pub fn use_connect_ui_with_options(options: UseConnectUiOptions) -> UseConnectUiHandle {
    let client = try_use_nango();
    let handle = use_hook(|| {
        let s = Signals {
            is_open: Signal::new(false),
            is_ready: Signal::new(false),
            last_event: Signal::new(None),
            last_error: Signal::new(None),
            connections: Signal::new(Vec::new()),
        };
        // The real options are applied (and checked) by `open`.
        let ui = ConnectUi::default();
        let tokens = options.session_token.clone().map(SessionTokens::new);
        let mut shared = CopyValue::new(Shared {
            ui: ui.clone(),
            subscription: None,
            latest: options.clone(),
            tokens,
            client,
            token: None,
            signals: s,
        });
        let subscription = ui.subscribe(move |event| on_event(shared, event));
        shared.write().subscription = Some(subscription);
        let signals = ReadSignals {
            is_open: s.is_open.into(),
            is_ready: s.is_ready.into(),
            last_event: s.last_event.into(),
            last_error: s.last_error.into(),
            connections: s.connections.into(),
        };
        UseConnectUiHandle { shared, signals }
    });
    let mut shared = handle.shared;
    if shared.peek().latest != options {
        shared.write().latest = options;
    }
    use_drop(move || {
        if let Ok(mut state) = shared.try_write() {
            state.subscription = None;
            state.ui.close();
        }
    });
    handle
}

/// Copies the Connect UI's snapshot into the signals (only the values that changed).
fn sync(shared: CopyValue<Shared>) {
    let Ok(state) = shared.try_peek() else { return };
    let (snapshot, mut s) = (state.ui.snapshot(), state.signals);
    drop(state);
    set_if_changed(&mut s.is_open, snapshot.is_open);
    set_if_changed(&mut s.is_ready, snapshot.is_ready);
    set_if_changed(&mut s.last_event, snapshot.last_event);
    if snapshot.last_error.is_some() {
        set_if_changed(&mut s.last_error, snapshot.last_error);
    }
    set_if_changed(&mut s.connections, snapshot.connections);
}

fn set_if_changed<T: PartialEq + 'static>(signal: &mut Signal<T>, value: T) {
    if signal.try_peek().is_ok_and(|current| *current != value) {
        signal.set(value);
    }
}

fn on_event(shared: CopyValue<Shared>, event: &ConnectUiEvent) {
    sync(shared);
    let Ok(state) = shared.try_peek() else { return };
    let l = &state.latest;
    let (on_event, on_connect, on_close, on_error) = (l.on_event, l.on_connect, l.on_close, l.on_error);
    drop(state);
    if let Some(handler) = on_event {
        handler.call(event.clone());
    }
    match (event, event.as_error()) {
        (ConnectUiEvent::Connect(connection), _) => on_connect.map(|h| h.call(connection.clone())),
        (ConnectUiEvent::Close, _) => on_close.map(|h| h.call(())),
        (_, Some(error)) => on_error.map(|h| h.call(error)),
        _ => None,
    };
}

impl UseConnectUiHandle {
    /// Shows the Connect UI (a no-op while it is open), with the options of the latest render.
    /// With a token source, it shows at once and gets the token when the source answers.
    /// Failures go to `last_error` and `on_error`.
    pub fn open(&self) {
        let Ok(state) = self.shared.try_peek() else { return };
        // The client fills the token and API URL; a token given with `set_session_token` wins.
        let mut options = state.latest.connect_ui.clone();
        if let Some(client) = &state.client {
            options = client.connect_ui_options(options);
        }
        if let Some(token) = state.token.clone() {
            options.session_token = Some(token);
        }
        let (ui, tokens) = (state.ui.clone(), state.tokens.clone());
        let (mut last_error, on_error) = (state.signals.last_error, state.latest.on_error);
        drop(state);
        let shown =
            (if ui.is_open() { Ok(()) } else { ui.set_options(options) }).and_then(|()| match &tokens {
                Some(tokens) => ui.show_with_tokens(tokens),
                None => ui.show(),
            });
        sync(self.shared);
        if let Err(error) = shown {
            last_error.set(Some(error.clone()));
            if let Some(handler) = on_error {
                handler.call(error);
            }
        }
    }

    /// Closes the Connect UI (no `close` event is reported for it).
    pub fn close(&self) {
        if let Ok(state) = self.shared.try_peek() {
            state.ui.close();
        }
        sync(self.shared);
    }

    /// Hands the Connect UI a session token (at once if it is ready, else on `ready`).
    pub fn set_session_token(&self, token: impl Into<String>) {
        let token = token.into();
        let mut shared = self.shared;
        if let Ok(mut state) = shared.try_write() {
            state.token = Some(token.clone());
            state.ui.set_session_token(token);
        }
    }

    /// Whether the iframe is in the page.
    pub fn is_open(&self) -> ReadSignal<bool> {
        self.signals.is_open
    }
    /// Whether the Connect UI said `ready`.
    pub fn is_ready(&self) -> ReadSignal<bool> {
        self.signals.is_ready
    }
    /// The latest event.
    pub fn last_event(&self) -> ReadSignal<Option<ConnectUiEvent>> {
        self.signals.last_event
    }
    /// The latest error: an `Error` event, or a failure to show the Connect UI.
    pub fn last_error(&self) -> ReadSignal<Option<AuthError>> {
        self.signals.last_error
    }
    /// The connections made through this hook, oldest first.
    pub fn connections(&self) -> ReadSignal<Vec<AuthSuccess>> {
        self.signals.connections
    }
}
