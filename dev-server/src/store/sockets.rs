//! The open WebSockets: how many there are (capped), and the channel to each subscribed one.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::mpsc;

use super::bounded::lock;
use super::{Store, StoreError};

/// What the server sends to a WebSocket's task.
#[derive(Debug)]
pub(crate) enum WsCommand {
    /// A flow named this socket (`/oauth/connect?ws_client_id=…`): it is no longer idle.
    Claimed,
    /// A message to send.
    Text(String),
    /// Drop the connection without a close frame (fault injection).
    Drop,
}

/// One counted open socket: reserved before the upgrade, released on drop (also when the
/// upgrade never happens), so that a burst cannot pass the cap.
#[derive(Debug)]
pub(crate) struct SocketSlot(Arc<AtomicUsize>);

impl Drop for SocketSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Store {
    /// Counts one more open socket, unless [`max_sockets`](Self::max_sockets) are open.
    pub(crate) fn reserve_socket(&self) -> Result<SocketSlot, StoreError> {
        self.open_sockets
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| (n < self.max_sockets).then_some(n + 1))
            .map(|_| SocketSlot(Arc::clone(&self.open_sockets)))
            .map_err(|_| StoreError::TooManySockets)
    }

    /// How many WebSockets may be open at once: `max_websockets`, or less when the open-file
    /// limit is lower.
    pub(crate) fn max_sockets(&self) -> usize {
        self.max_sockets
    }

    /// Subscribes the socket `ws_client_id` to what flows push to it.
    pub(crate) fn subscribe_socket(&self, ws_client_id: String, tx: mpsc::UnboundedSender<WsCommand>) {
        lock(&self.ws_clients).insert(ws_client_id, tx);
    }

    /// Forgets the socket `ws_client_id` (it closed).
    pub(crate) fn unsubscribe_socket(&self, ws_client_id: &str) {
        lock(&self.ws_clients).remove(ws_client_id);
    }

    /// Sends `message` to a WebSocket client and forgets the client id, as Nango does after
    /// publishing a flow's result. Returns whether the client's socket was there (with the
    /// `push_delay_ms` fault the message follows later).
    pub(crate) fn push(&self, ws_client_id: &str, message: &Value) -> bool {
        let Some(tx) = lock(&self.ws_clients).remove(ws_client_id) else { return false };
        let command = WsCommand::Text(message.to_string());
        match self.faults().push_delay_ms {
            0 => tx.send(command).is_ok(),
            ms => {
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    let _ = tx.send(command);
                });
                true
            }
        }
    }

    /// Tells a WebSocket's task something without forgetting its id.
    pub(crate) fn tell_socket(&self, ws_client_id: &str, command: WsCommand) {
        if let Some(tx) = lock(&self.ws_clients).get(ws_client_id) {
            let _ = tx.send(command);
        }
    }
}
