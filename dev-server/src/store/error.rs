//! What the stores refuse, and the Nango error each refusal is answered with.

use axum::http::StatusCode;

use crate::error::ApiError;

/// Why a store refused a lookup or a write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum StoreError {
    /// The token is not `nango_connect_session_` + 64 hex characters.
    #[error("the connect session token is malformed")]
    SessionTokenFormat,
    /// No live session has this token (expired tokens are unknown, as in Nango).
    #[error("no live connect session has this token")]
    UnknownSession,
    /// The sessions store is full (entries or bytes).
    #[error("too many connect sessions")]
    TooManySessions,
    /// The pending-flows store is full (entries or bytes).
    #[error("too many pending OAuth flows")]
    TooManyFlows,
    /// As many WebSockets are open as the server allows.
    #[error("too many open WebSockets")]
    TooManySockets,
    /// The connections store holds its most connections.
    #[error("too many connections")]
    TooManyConnections,
    /// The connections store would pass its byte cap.
    #[error("too many bytes of connections")]
    TooManyConnectionBytes,
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        let capped = |message: &str| ApiError::bad_request("resource_capped", message);
        match err {
            StoreError::SessionTokenFormat => ApiError::unauthorized(
                "invalid_connect_session_token_format",
                "Authentication failed. The provided connect session token is not following correct format: nango_connect_session_RANDOM",
            ),
            StoreError::UnknownSession => ApiError::unknown_session_token(),
            StoreError::TooManySessions => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_sessions",
                "Too many live connect sessions (or too many bytes in them) on this dev server",
            ),
            StoreError::TooManyFlows => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "too_many_pending_flows",
                "Too many OAuth flows (or too many bytes in them) in progress on this dev server",
            ),
            StoreError::TooManySockets => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "too_many_websockets",
                "Too many open WebSockets on this dev server",
            ),
            StoreError::TooManyConnections => {
                capped("This dev server holds too many connections; restart it")
            }
            StoreError::TooManyConnectionBytes => {
                capped("This dev server holds too many bytes of connections; restart it")
            }
        }
    }
}
