//! `use_connect_ui`: Nango's Connect UI as a `Copy` handle with read-only signals.

use std::fmt;

use dioxus::prelude::*;
use nango_frontend::{
    AuthError, AuthSuccess, ClientToken, ConnectUi, ConnectUiEvent, ConnectUiOptions, SessionTokens,
    Subscription,
};

use crate::{UseConnectUiOptions, try_use_nango};

/// What the hook keeps between renders (in a `CopyValue` owned by the component).
struct Shared {
    /// The Connect UI, the options it was made with, and our subscription to it.
    current: Option<(ConnectUi, ConnectUiOptions, Subscription)>,
    latest: UseConnectUiOptions,
    tokens: Option<SessionTokens>,
    client: Option<nango_frontend::Nango>,
    /// The token given with `set_session_token`, for a Connect UI made again later.
    token: Option<String>,
    /// Connections made through Connect UIs this hook made before the current one.
    carried: Vec<AuthSuccess>,
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
        let signals = Signals {
            is_open: Signal::new(false),
            is_ready: Signal::new(false),
            last_event: Signal::new(None),
            last_error: Signal::new(None),
            connections: Signal::new(Vec::new()),
        };
        let tokens = options.session_token.clone().map(SessionTokens::new);
        let shared = Shared {
            current: None,
            latest: options.clone(),
            tokens,
            client,
            token: None,
            carried: Vec::new(),
            signals,
        };
        let handle = UseConnectUiHandle {
            shared: CopyValue::new(shared),
            is_open: signals.is_open.into(),
            is_ready: signals.is_ready.into(),
            last_event: signals.last_event.into(),
            last_error: signals.last_error.into(),
            connections: signals.connections.into(),
        };
        // An invalid base URL is reported by `open`.
        let _ = rebuild(handle.shared);
        handle
    });
    let mut shared = handle.shared;
    if shared.peek().latest != options {
        shared.write().latest = options;
    }
    use_drop(move || {
        let current = shared.try_write().ok().and_then(|mut shared| shared.current.take());
        if let Some((ui, _, subscription)) = current {
            drop(subscription);
            ui.close();
        }
    });
    handle
}

/// Makes a Connect UI from the latest options and subscribes to it (dropping the previous one).
fn rebuild(mut shared: CopyValue<Shared>) -> Result<ConnectUi, AuthError> {
    let options = shared.peek().latest.core_options();
    let ui = ConnectUi::new(options.clone())?;
    let subscription = ui.subscribe(move |event| on_event(shared, event));
    let previous = shared.write().current.replace((ui.clone(), options, subscription));
    if let Some((old, _, _)) = previous {
        let mut shared = shared.write();
        for connection in old.snapshot().connections {
            if !shared.carried.contains(&connection) {
                shared.carried.push(connection);
            }
        }
    }
    Ok(ui)
}

/// Copies the current snapshot into the signals (only the values that changed).
fn sync(shared: CopyValue<Shared>) {
    let Ok(state) = shared.try_peek() else { return };
    let Some((ui, _, _)) = &state.current else { return };
    let snapshot = ui.snapshot();
    let mut connections = state.carried.clone();
    connections.extend(snapshot.connections.into_iter().filter(|c| !state.carried.contains(c)));
    let mut s = state.signals;
    drop(state);
    set_if_changed(&mut s.is_open, snapshot.is_open);
    set_if_changed(&mut s.is_ready, snapshot.is_ready);
    // A Connect UI made again after an options change starts without them: keep the old ones.
    if snapshot.last_event.is_some() {
        set_if_changed(&mut s.last_event, snapshot.last_event);
    }
    if snapshot.last_error.is_some() {
        set_if_changed(&mut s.last_error, snapshot.last_error);
    }
    set_if_changed(&mut s.connections, connections);
}

fn set_if_changed<T: PartialEq + 'static>(signal: &mut Signal<T>, value: T) {
    if signal.try_peek().is_ok_and(|current| *current != value) {
        signal.set(value);
    }
}

fn on_event(shared: CopyValue<Shared>, event: &ConnectUiEvent) {
    sync(shared);
    let Ok(state) = shared.try_peek() else { return };
    let latest = &state.latest;
    let (on_event, on_connect, on_close, on_error) =
        (latest.on_event, latest.on_connect, latest.on_close, latest.on_error);
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
    /// Shows the Connect UI (a no-op while it is open). With a token source, it shows at once
    /// and gets the token when the source answers. Failures go to `last_error` and `on_error`.
    pub fn open(&self) {
        if let Err(error) = self.try_open() {
            let Ok(state) = self.shared.try_peek() else { return };
            let (mut last_error, on_error) = (state.signals.last_error, state.latest.on_error);
            drop(state);
            last_error.set(Some(error.clone()));
            if let Some(handler) = on_error {
                handler.call(error);
            }
        }
    }

    fn try_open(&self) -> Result<(), AuthError> {
        let (current, stale, tokens, token) = {
            let Ok(state) = self.shared.try_peek() else { return Ok(()) };
            let current = state.current.as_ref().map(|(ui, options, _)| (ui.clone(), options.clone()));
            let stale = current
                .as_ref()
                .is_none_or(|(ui, options)| !ui.is_open() && *options != state.latest.core_options());
            let client_token = match state.client.as_ref().and_then(|c| c.config().token) {
                Some(ClientToken::ConnectSession(token)) => Some(token),
                _ => None,
            };
            (current, stale, state.tokens.clone(), state.token.clone().or(client_token))
        };
        let ui = match current {
            Some((ui, _)) if !stale => ui,
            _ => rebuild(self.shared)?,
        };
        let result = match (&tokens, token) {
            (Some(tokens), _) => ui.show_with_tokens(tokens),
            (None, Some(token)) => {
                ui.set_session_token(token);
                ui.show()
            }
            (None, None) => ui.show(),
        };
        sync(self.shared);
        result
    }

    /// Closes the Connect UI (no `close` event is reported for it).
    pub fn close(&self) {
        if let Some(ui) = self.ui() {
            ui.close();
        }
        sync(self.shared);
    }

    /// Hands the Connect UI a session token (at once if it is ready, else on `ready`).
    pub fn set_session_token(&self, token: impl Into<String>) {
        let token = token.into();
        let mut shared = self.shared;
        if let Ok(mut state) = shared.try_write() {
            state.token = Some(token.clone());
        }
        if let Some(ui) = self.ui() {
            ui.set_session_token(token);
        }
    }

    fn ui(&self) -> Option<ConnectUi> {
        self.shared.try_peek().ok()?.current.as_ref().map(|(ui, _, _)| ui.clone())
    }

    /// Whether the iframe is in the page.
    pub fn is_open(&self) -> ReadSignal<bool> {
        self.is_open
    }
    /// Whether the Connect UI said `ready`.
    pub fn is_ready(&self) -> ReadSignal<bool> {
        self.is_ready
    }
    /// The latest event.
    pub fn last_event(&self) -> ReadSignal<Option<ConnectUiEvent>> {
        self.last_event
    }
    /// The latest error: an `Error` event, or a failure to show the Connect UI.
    pub fn last_error(&self) -> ReadSignal<Option<AuthError>> {
        self.last_error
    }
    /// The connections made through this hook, oldest first.
    pub fn connections(&self) -> ReadSignal<Vec<AuthSuccess>> {
        self.connections
    }
}
