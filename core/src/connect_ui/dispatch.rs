//! What an accepted message does: the state updated, the reaction (token, close), then the
//! app's callbacks and the subscribers, called after the state is released.

use super::{UiRef, UiState, write};
use crate::ConnectUiEvent;

/// Handles one accepted message: updates state, reacts (token, close) and notifies.
pub(crate) fn deliver(ui: &UiRef, event: Option<ConnectUiEvent>) {
    if let Some(event) = event {
        dispatch(ui, event);
    }
}

pub(super) fn dispatch(ui: &UiRef, event: ConnectUiEvent) {
    let (options, listeners, closed_dom, closed_fetch) = {
        let Some(mut state) = write(ui) else { return };
        let (mut closed_dom, mut closed_fetch) = (None, None);
        match &event {
            ConnectUiEvent::Ready => {
                state.ready = true;
                post_token(&state);
            }
            ConnectUiEvent::Close => {
                state.ready = false;
                closed_fetch = state.fetch.take();
                closed_dom = state.dom.take();
            }
            ConnectUiEvent::Error { error_type, .. } if crate::error::is_session_refused(error_type) => {
                if let Some(tokens) = &state.tokens {
                    tokens.invalidate();
                }
            }
            _ => {}
        }
        state.snapshot.apply(&event);
        let o = &state.options;
        let callbacks = (o.on_event.clone(), o.on_connect.clone(), o.on_close.clone(), o.on_error.clone());
        (callbacks, state.listeners.clone(), closed_dom, closed_fetch)
    };
    drop(closed_fetch);
    let (on_event, on_connect, on_close, on_error) = options;
    if let Some(dom) = closed_dom {
        dom.remove();
    }
    if let Some(on_event) = &on_event {
        on_event(&event);
    }
    match (&event, event.as_error()) {
        (ConnectUiEvent::Connect(connection), _) => {
            if let Some(cb) = &on_connect {
                cb(connection);
            }
        }
        (ConnectUiEvent::Close, _) => {
            if let Some(cb) = &on_close {
                cb();
            }
        }
        (_, Some(error)) => {
            if let Some(cb) = &on_error {
                cb(&error);
            }
        }
        _ => {}
    }
    listeners.notify(&Some(event));
}

pub(super) fn post_token(state: &UiState) {
    if let (Some(token), Some(dom)) = (&state.token, &state.dom) {
        dom.post_token(token);
    }
}
