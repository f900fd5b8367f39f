//! Faults a test switches on to see how clients cope: error pages, dropped sockets, slow
//! answers, refused refreshes.

use std::time::Duration;

/// Faults a test can switch on ([`crate::RunningServer::set_faults`], or `POST /dev/faults` when
/// the server runs with `fault_routes`). All off by default.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Faults {
    /// `GET /oauth/connect` answers like a real Nango on a failed start: a JSON error page
    /// (401 `unknown_connect_session_token`, as for an expired session) and nothing on the
    /// socket.
    pub oauth_connect_json_error: bool,
    /// `GET /oauth/connect` drops the flow's WebSocket (no close frame) once the flow has
    /// started.
    pub drop_socket_mid_flow: bool,
    /// Credential POSTs (`/api-auth/*`, `/auth/*`, `/oauth2/auth/*`) answer this 5xx status
    /// with Nango's `{"error":{"code":"server_error",…}}`.
    pub credential_status: Option<u16>,
    /// Every API response is delayed this long, in milliseconds.
    pub delay_ms: u64,
    /// The fake provider refuses refresh-token grants (`invalid_grant`), as when the user
    /// revoked the app: a `force_refresh` then fails.
    pub refresh_grant_error: bool,
    /// A flow's result reaches its WebSocket this long after the callback, in milliseconds
    /// (a slow socket: the callback page's own message then arrives first).
    pub push_delay_ms: u64,
}

impl Faults {
    /// No fault.
    pub fn none() -> Self {
        Self::default()
    }

    /// See [`oauth_connect_json_error`](Self::oauth_connect_json_error).
    pub fn oauth_connect_json_error(mut self) -> Self {
        self.oauth_connect_json_error = true;
        self
    }

    /// See [`drop_socket_mid_flow`](Self::drop_socket_mid_flow).
    pub fn drop_socket_mid_flow(mut self) -> Self {
        self.drop_socket_mid_flow = true;
        self
    }

    /// See [`credential_status`](Self::credential_status).
    pub fn credential_status(mut self, status: u16) -> Self {
        self.credential_status = Some(status);
        self
    }

    /// See [`refresh_grant_error`](Self::refresh_grant_error).
    pub fn refresh_grant_error(mut self) -> Self {
        self.refresh_grant_error = true;
        self
    }

    /// See [`delay_ms`](Self::delay_ms).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self
    }

    /// See [`push_delay_ms`](Self::push_delay_ms).
    pub fn push_delay(mut self, delay: Duration) -> Self {
        self.push_delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self
    }
}
