//! Snapshots that UI adapters render: pure reducers, shared by the adapters.

use crate::{AuthError, AuthSuccess, ConnectUiEvent};

/// What a Connect UI handle has seen: a synchronous snapshot for adapters to render
/// (see [`ConnectUi::snapshot`](crate::ConnectUi::snapshot)).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectUiSnapshot {
    /// The iframe is in the page.
    pub is_open: bool,
    /// The Connect UI said `ready`.
    pub is_ready: bool,
    /// The latest event.
    pub last_event: Option<ConnectUiEvent>,
    /// The latest `Error` event, as an error.
    pub last_error: Option<AuthError>,
    /// Every connection made through this handle, oldest first.
    pub connections: Vec<AuthSuccess>,
}

impl ConnectUiSnapshot {
    /// Folds one event in.
    pub fn apply(&mut self, event: &ConnectUiEvent) {
        match event {
            ConnectUiEvent::Ready => self.is_ready = true,
            ConnectUiEvent::Close => {
                self.is_open = false;
                self.is_ready = false;
            }
            ConnectUiEvent::Connect(connection) if !self.connections.contains(connection) => {
                self.connections.push(connection.clone());
            }
            ConnectUiEvent::Error { .. } => self.last_error = event.as_error(),
            _ => {}
        }
        self.last_event = Some(event.clone());
    }
}

/// Where a headless auth run is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AuthState {
    /// Nothing ran yet.
    #[default]
    Idle,
    /// An auth is running (popup open, or request in flight).
    Pending,
    /// The last run made this connection.
    Connected(AuthSuccess),
    /// The last run failed.
    Failed(AuthError),
}

impl AuthState {
    /// The state after a run ended.
    pub fn from_result(result: Result<AuthSuccess, AuthError>) -> Self {
        match result {
            Ok(success) => Self::Connected(success),
            Err(error) => Self::Failed(error),
        }
    }

    /// Whether an auth is running.
    pub fn is_pending(&self) -> bool {
        matches!(self, Self::Pending)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_folds_events() {
        let c = AuthSuccess { provider_config_key: "p".into(), connection_id: "c".into(), is_pending: false };
        let mut s = ConnectUiSnapshot { is_open: true, ..Default::default() };
        s.apply(&ConnectUiEvent::Ready);
        s.apply(&ConnectUiEvent::Connect(c.clone()));
        s.apply(&ConnectUiEvent::Connect(c.clone()));
        s.apply(&ConnectUiEvent::Error { error_type: "window_closed".into(), error_message: "m".into() });
        assert!(s.is_ready && s.is_open);
        assert_eq!(s.connections, vec![c], "a duplicate connect event is counted once");
        assert_eq!(s.last_error.as_ref().map(|e| e.error_type()), Some("window_closed"));
        s.apply(&ConnectUiEvent::Close);
        assert!(!s.is_open && !s.is_ready);
        assert_eq!(s.last_event, Some(ConnectUiEvent::Close));
    }
}
