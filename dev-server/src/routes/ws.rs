//! The WebSocket endpoint: `connection_ack` with a fresh id, then the flow's result.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Json;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tokio::sync::mpsc;
use tower::ServiceExt as _;

use crate::error::ApiError;
use crate::state::{AppState, MAX_WS_CLIENTS, lock, uuid_v4};

use super::StaticDir;

/// Largest message accepted from a client (clients have nothing to say).
const MAX_CLIENT_MESSAGE: usize = 16 * 1024;

/// `GET` on the websockets path: upgrades WebSocket requests; a plain `GET` gets the root
/// static mount when there is one, else a short JSON description.
pub(super) async fn handler(
    State(state): State<Arc<AppState>>,
    root_mount: Option<StaticDir>,
    req: Request,
) -> Response {
    let (mut parts, body) = req.into_parts();
    match WebSocketUpgrade::from_request_parts(&mut parts, &state).await {
        Ok(upgrade) => {
            if state.open_sockets.load(Ordering::Relaxed) >= MAX_WS_CLIENTS {
                return ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "too_many_websockets",
                    "Too many open WebSockets on this dev server",
                )
                .into_response();
            }
            upgrade
                .max_message_size(MAX_CLIENT_MESSAGE)
                .max_frame_size(MAX_CLIENT_MESSAGE)
                .on_upgrade(move |socket| serve_socket(state, socket))
        }
        Err(_) => match root_mount {
            Some(dir) => match dir.oneshot(Request::from_parts(parts, body)).await {
                Ok(response) => response.into_response(),
                Err(never) => match never {},
            },
            None => Json(json!({
                "name": "nango-dev-server",
                "websocket": "connect here with a WebSocket client to receive connection_ack",
            }))
            .into_response(),
        },
    }
}

async fn serve_socket(state: Arc<AppState>, socket: WebSocket) {
    state.open_sockets.fetch_add(1, Ordering::Relaxed);
    run_socket(&state, socket).await;
    state.open_sockets.fetch_sub(1, Ordering::Relaxed);
}

async fn run_socket(state: &Arc<AppState>, mut socket: WebSocket) {
    let id = uuid_v4();
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    lock(&state.ws_clients).insert(id.clone(), tx);
    let ack = json!({ "message_type": "connection_ack", "ws_client_id": id }).to_string();
    let mut shutdown = state.shutdown.clone();
    if socket.send(Message::Text(ack.into())).await.is_ok() && !*shutdown.borrow() {
        let lifetime = tokio::time::sleep(Duration::from_secs(state.config.ws_max_lifetime_secs));
        tokio::pin!(lifetime);
        // Once the flow's result is pushed the id is forgotten and the channel closes; the
        // socket stays open until the client closes it (Nango never closes it first) or its
        // lifetime ends.
        let mut subscribed = true;
        loop {
            tokio::select! {
                pushed = rx.recv(), if subscribed => match pushed {
                    Some(text) => {
                        if socket.send(Message::Text(text.into())).await.is_err() {
                            break;
                        }
                    }
                    None => subscribed = false,
                },
                incoming = socket.recv() => match incoming {
                    None | Some(Err(_) | Ok(Message::Close(_))) => break,
                    Some(Ok(_)) => {}
                },
                () = &mut lifetime => {
                    let _ = socket
                        .send(Message::Close(Some(CloseFrame {
                            code: 1000,
                            reason: "nango-dev-server: socket lifetime reached".into(),
                        })))
                        .await;
                    break;
                }
                _ = shutdown.changed() => {
                    let _ = socket
                        .send(Message::Close(Some(CloseFrame {
                            code: 1001,
                            reason: "nango-dev-server shutting down".into(),
                        })))
                        .await;
                    break;
                }
            }
        }
    }
    lock(&state.ws_clients).remove(&id);
}
