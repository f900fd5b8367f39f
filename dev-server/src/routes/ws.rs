//! The WebSocket endpoint: `connection_ack` with a fresh id, then the flow's result.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tokio::sync::mpsc;
use tower::ServiceExt as _;

use crate::app::AppState;
use crate::error::ApiError;
use crate::ids::uuid_v4;
use crate::store::WsCommand;

use super::StaticDir;

/// Largest message accepted from a client (clients have nothing to say).
const MAX_CLIENT_MESSAGE: usize = 16 * 1024;
/// Read buffer of each socket (tungstenite's default is 128 KiB, allocated per socket).
const READ_BUFFER: usize = 4 * 1024;
/// Write buffer of each socket: the server sends a few short JSON messages.
const WRITE_BUFFER: usize = 4 * 1024;
const MAX_WRITE_BUFFER: usize = 64 * 1024;

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
            let origin = parts.headers.get(header::ORIGIN).map(|o| o.to_str().unwrap_or("null"));
            if let Some(origin) = origin.filter(|o| !state.origins.is_websocket_origin_allowed(o)) {
                state.log(format!("WebSocket refused: origin {origin:?} is not allowed"));
                return ApiError::new(
                    StatusCode::FORBIDDEN,
                    "forbidden_origin",
                    "This origin may not open the dev server's WebSocket (see allowed_origins)",
                )
                .into_response();
            }
            let slot = match state.store.reserve_socket() {
                Ok(slot) => slot,
                Err(full) => return ApiError::from(full).into_response(),
            };
            upgrade
                .read_buffer_size(READ_BUFFER)
                .write_buffer_size(WRITE_BUFFER)
                .max_write_buffer_size(MAX_WRITE_BUFFER)
                .max_message_size(MAX_CLIENT_MESSAGE)
                .max_frame_size(MAX_CLIENT_MESSAGE)
                .on_upgrade(move |socket| async move {
                    run_socket(&state, socket).await;
                    drop(slot);
                })
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

async fn close(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let _ = socket.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
}

async fn run_socket(state: &Arc<AppState>, mut socket: WebSocket) {
    let id = uuid_v4();
    let (tx, mut rx) = mpsc::unbounded_channel::<WsCommand>();
    state.store.subscribe_socket(id.clone(), tx);
    let ack = json!({ "message_type": "connection_ack", "ws_client_id": id }).to_string();
    let mut shutdown = state.shutdown.clone();
    if socket.send(Message::Text(ack.into())).await.is_ok() && !*shutdown.borrow() {
        let lifetime = tokio::time::sleep(Duration::from_secs(state.config.ws_max_lifetime_secs));
        tokio::pin!(lifetime);
        let idle = tokio::time::sleep(Duration::from_secs(state.config.ws_idle_secs));
        tokio::pin!(idle);
        // Once the flow's result is pushed the id is forgotten and the channel closes; the
        // socket stays open until the client closes it (Nango never closes it first) or its
        // lifetime ends. A socket that no flow names within `ws_idle_secs` is closed.
        let mut subscribed = true;
        let mut claimed = false;
        loop {
            tokio::select! {
                pushed = rx.recv(), if subscribed => match pushed {
                    Some(WsCommand::Text(text)) => {
                        claimed = true;
                        if socket.send(Message::Text(text.into())).await.is_err() {
                            break;
                        }
                    }
                    Some(WsCommand::Claimed) => claimed = true,
                    Some(WsCommand::Drop) => break,
                    None => subscribed = false,
                },
                incoming = socket.recv() => match incoming {
                    None | Some(Err(_) | Ok(Message::Close(_))) => break,
                    Some(Ok(_)) => {}
                },
                () = &mut idle, if !claimed => {
                    close(&mut socket, 1000, "nango-dev-server: no flow named this socket").await;
                    break;
                }
                () = &mut lifetime => {
                    close(&mut socket, 1000, "nango-dev-server: socket lifetime reached").await;
                    break;
                }
                _ = shutdown.changed() => {
                    close(&mut socket, 1001, "nango-dev-server shutting down").await;
                    break;
                }
            }
        }
    }
    state.store.unsubscribe_socket(&id);
}
