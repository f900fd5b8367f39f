//! Shared in-memory state: sessions, OAuth flows, codes, connections, WebSocket clients.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use axum::http::HeaderMap;
use serde_json::{Map, Value};
use tokio::sync::{mpsc, watch};

use crate::config::{AuthMode, DevServerConfig, IntegrationConfig};
use crate::error::ApiError;

/// Prefix of connect session tokens.
pub(crate) const SESSION_TOKEN_PREFIX: &str = "nango_connect_session_";

/// Upper bounds on what clients can make the server keep in memory.
pub(crate) const MAX_SESSIONS: usize = 100_000;
pub(crate) const MAX_PENDING_FLOWS: usize = 100_000;
pub(crate) const MAX_WS_CLIENTS: usize = 20_000;
pub(crate) const MAX_CONNECTIONS: usize = 100_000;

/// How long a used OAuth state is remembered, so that a replayed callback can still be
/// reported on the flow's socket.
const USED_STATE_MEMORY: Duration = Duration::from_secs(30 * 60);
/// A pending OAuth flow without a session expires after this long.
const FLOW_TTL: Duration = Duration::from_secs(15 * 60);

/// Locks a mutex, ignoring poisoning (no invariant spans a panic here).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `n` random bytes as lowercase hex.
pub(crate) fn random_hex(n: usize) -> String {
    let bytes: Vec<u8> = (0..n).map(|_| rand::random::<u8>()).collect();
    hex::encode(bytes)
}

/// A random UUID v4.
pub(crate) fn uuid_v4() -> String {
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        h.get(0..8).unwrap_or_default(),
        h.get(8..12).unwrap_or_default(),
        h.get(12..16).unwrap_or_default(),
        h.get(16..20).unwrap_or_default(),
        h.get(20..32).unwrap_or_default()
    )
}

/// `2024-01-02T03:04:05.678Z`, as JavaScript's `toISOString`.
pub(crate) fn iso(t: SystemTime) -> String {
    humantime::format_rfc3339_millis(t).to_string()
}

/// Whether `token` has the shape `nango_connect_session_` + 64 lowercase hex characters.
pub(crate) fn is_session_token_format(token: &str) -> bool {
    token.strip_prefix(SESSION_TOKEN_PREFIX).is_some_and(|rest| {
        rest.len() == 64 && rest.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// A connect session.
#[derive(Debug)]
pub(crate) struct Session {
    pub token: String,
    pub expires_at: SystemTime,
    /// What it was created with.
    pub settings: SessionSettings,
}

impl Session {
    pub(crate) fn allows(&self, key: &str) -> bool {
        self.settings.allowed_integrations.as_ref().is_none_or(|allowed| allowed.iter().any(|k| k == key))
    }

    /// `integrations_config_defaults[key].connection_config`, if any.
    pub(crate) fn connection_config_defaults(&self, key: &str) -> Map<String, Value> {
        self.settings
            .integrations_config_defaults
            .as_ref()
            .and_then(|d| d.get(key))
            .and_then(|d| d.get("connection_config"))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    }
}

/// What a session is created with.
#[derive(Debug, Default)]
pub(crate) struct SessionSettings {
    pub end_user: Option<Value>,
    pub organization: Option<Value>,
    pub allowed_integrations: Option<Vec<String>>,
    pub integrations_config_defaults: Option<Map<String, Value>>,
    pub overrides: Option<Map<String, Value>>,
    pub tags: Option<Map<String, Value>>,
    /// Set for reconnect sessions: the connection id being re-authorized.
    pub reconnect_connection_id: Option<String>,
}

/// An OAuth flow between `/oauth/connect` and `/oauth/callback`, keyed by its `state`.
#[derive(Debug, Clone)]
pub(crate) struct PendingFlow {
    pub provider_config_key: String,
    pub connection_id: String,
    pub ws_client_id: Option<String>,
    pub session_token: Option<String>,
    pub code_verifier: String,
    pub redirect_uri: String,
    pub connection_config: Map<String, Value>,
    pub end_user: Option<Value>,
    pub tags: Option<Map<String, Value>>,
    pub expires_at: SystemTime,
}

/// Why a state is no longer pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StateEnd {
    /// A callback consumed it.
    Used,
    /// Its connect session expired first.
    SessionExpired,
    /// The flow took too long.
    FlowExpired,
}

/// A state that is no longer pending, remembered to report a late or replayed callback on
/// the flow's socket.
#[derive(Debug, Clone)]
pub(crate) struct UsedState {
    pub provider_config_key: String,
    pub connection_id: String,
    pub ws_client_id: Option<String>,
    pub end: StateEnd,
    pub used_at: SystemTime,
}

/// An authorization code issued by the fake provider.
#[derive(Debug, Clone)]
pub(crate) struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub scope: String,
    pub expires_at: SystemTime,
    pub used: bool,
}

/// A connection stored by a successful auth.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Connection {
    /// Numeric id (Nango's `id`).
    pub id: u64,
    /// The connection id (`connection_id`).
    pub connection_id: String,
    /// The integration key (`provider_config_key`).
    pub provider_config_key: String,
    /// The provider template name.
    pub provider: String,
    /// The integration's auth mode.
    pub auth_mode: AuthMode,
    /// Creation time.
    pub created: SystemTime,
    /// Last (re)authorization time.
    pub updated: SystemTime,
    /// The end user of the session that created it, as given to `POST /connect/sessions`.
    pub end_user: Option<Value>,
    /// Tags of the session that created it.
    pub tags: Map<String, Value>,
    /// Connection config (`params[...]` and session defaults).
    pub connection_config: Map<String, Value>,
    /// The credentials (the fake provider's tokens, or what the credential endpoint received).
    pub credentials: Value,
    /// Whether the connection awaits an outbound installation.
    pub pending: bool,
}

/// A connection about to be stored.
#[derive(Debug)]
pub(crate) struct NewConnection<'a> {
    pub integration: &'a IntegrationConfig,
    pub connection_id: String,
    pub end_user: Option<Value>,
    pub tags: Option<Map<String, Value>>,
    pub connection_config: Map<String, Value>,
    pub credentials: Value,
    pub pending: bool,
}

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct AppState {
    pub config: DevServerConfig,
    pub api_addr: SocketAddr,
    pub connect_ui_addr: SocketAddr,
    pub started_at: SystemTime,
    pub sessions: Mutex<HashMap<String, Arc<Session>>>,
    pub flows: Mutex<HashMap<String, PendingFlow>>,
    pub used_states: Mutex<HashMap<String, UsedState>>,
    pub codes: Mutex<HashMap<String, AuthCode>>,
    pub connections: Mutex<Vec<Connection>>,
    pub next_connection_id: AtomicU64,
    pub ws_clients: Mutex<HashMap<String, mpsc::UnboundedSender<String>>>,
    /// Open WebSockets, subscribed or not.
    pub open_sockets: AtomicUsize,
    pub shutdown: watch::Receiver<bool>,
    pub http: reqwest::Client,
    /// Client id of this server at its own fake OAuth provider.
    pub oauth_client_id: String,
    /// Client secret of this server at its own fake OAuth provider (random per start).
    pub oauth_client_secret: String,
}

impl AppState {
    pub(crate) fn new(
        config: DevServerConfig,
        api_addr: SocketAddr,
        connect_ui_addr: SocketAddr,
        shutdown: watch::Receiver<bool>,
    ) -> Self {
        let started_at = config.clock.now();
        Self {
            config,
            api_addr,
            connect_ui_addr,
            started_at,
            sessions: Mutex::default(),
            flows: Mutex::default(),
            used_states: Mutex::default(),
            codes: Mutex::default(),
            connections: Mutex::default(),
            next_connection_id: AtomicU64::new(1),
            ws_clients: Mutex::default(),
            open_sockets: AtomicUsize::new(0),
            shutdown,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
            oauth_client_id: "nango-dev-server".into(),
            oauth_client_secret: random_hex(24),
        }
    }

    pub(crate) fn now(&self) -> SystemTime {
        self.config.clock.now()
    }

    pub(crate) fn log(&self, message: impl AsRef<str>) {
        if self.config.log_events {
            eprintln!("[nango-dev-server] {}", message.as_ref());
        }
    }

    /// Base URL of the API as the caller reaches it.
    pub(crate) fn api_base(&self, headers: &HeaderMap) -> String {
        if let Some(url) = &self.config.public_url {
            return url.trim_end_matches('/').to_owned();
        }
        match request_host(headers) {
            Some(host) => format!("http://{host}"),
            None => format!("http://{}", self.api_addr),
        }
    }

    /// Base URL of the Connect UI, on the same host name the caller used for the API.
    pub(crate) fn connect_ui_base(&self, headers: &HeaderMap) -> String {
        if let Some(url) = &self.config.connect_ui_url {
            return url.trim_end_matches('/').to_owned();
        }
        let host = request_host_name(headers).unwrap_or_else(|| self.connect_ui_addr.ip().to_string());
        format!("http://{host}:{}", self.connect_ui_addr.port())
    }

    /// Base URL of the API for a page served on the Connect UI port.
    pub(crate) fn api_base_from_other_port(&self, headers: &HeaderMap) -> String {
        if let Some(url) = &self.config.public_url {
            return url.trim_end_matches('/').to_owned();
        }
        let host = request_host_name(headers).unwrap_or_else(|| self.api_addr.ip().to_string());
        format!("http://{host}:{}", self.api_addr.port())
    }

    pub(crate) fn integration(&self, key: &str) -> Option<&IntegrationConfig> {
        self.config.integration(key)
    }

    pub(crate) fn create_session(&self, settings: SessionSettings) -> Result<Arc<Session>, ApiError> {
        let now = self.now();
        let session = Arc::new(Session {
            token: format!("{SESSION_TOKEN_PREFIX}{}", random_hex(32)),
            expires_at: now + Duration::from_secs(self.config.session_ttl_secs),
            settings,
        });
        let mut sessions = lock(&self.sessions);
        if sessions.len() >= MAX_SESSIONS {
            sessions.retain(|_, s| s.expires_at > now);
            if sessions.len() >= MAX_SESSIONS {
                return Err(ApiError::new(
                    axum::http::StatusCode::TOO_MANY_REQUESTS,
                    "too_many_sessions",
                    "Too many live connect sessions on this dev server",
                ));
            }
        }
        sessions.insert(session.token.clone(), Arc::clone(&session));
        Ok(session)
    }

    /// A live session: 401 `invalid_connect_session_token_format` or
    /// `unknown_connect_session_token` otherwise (expired tokens are unknown, as in Nango).
    pub(crate) fn session(&self, token: &str) -> Result<Arc<Session>, ApiError> {
        if !is_session_token_format(token) {
            return Err(ApiError::unauthorized(
                "invalid_connect_session_token_format",
                "Authentication failed. The provided connect session token is not following correct format: nango_connect_session_RANDOM",
            ));
        }
        let now = self.now();
        let mut sessions = lock(&self.sessions);
        match sessions.get(token) {
            Some(s) if s.expires_at > now => Ok(Arc::clone(s)),
            Some(_) => {
                sessions.remove(token);
                Err(ApiError::unknown_session_token())
            }
            None => Err(ApiError::unknown_session_token()),
        }
    }

    pub(crate) fn delete_session(&self, token: &str) {
        lock(&self.sessions).remove(token);
    }

    pub(crate) fn find_connection(&self, key: &str, connection_id: &str) -> Option<Connection> {
        lock(&self.connections)
            .iter()
            .find(|c| c.provider_config_key == key && c.connection_id == connection_id)
            .cloned()
    }

    /// Creates or replaces the connection `(integration, connection_id)`.
    pub(crate) fn upsert_connection(&self, new: NewConnection<'_>) -> Result<Connection, ApiError> {
        let now = self.now();
        let mut connections = lock(&self.connections);
        let key = &new.integration.unique_key;
        if let Some(existing) = connections
            .iter_mut()
            .find(|c| &c.provider_config_key == key && c.connection_id == new.connection_id)
        {
            existing.updated = now;
            existing.credentials = new.credentials;
            existing.connection_config = new.connection_config;
            existing.pending = new.pending;
            if new.end_user.is_some() {
                existing.end_user = new.end_user;
            }
            if let Some(tags) = new.tags {
                existing.tags = tags;
            }
            return Ok(existing.clone());
        }
        if connections.len() >= MAX_CONNECTIONS {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "resource_capped",
                "This dev server holds too many connections; restart it",
            ));
        }
        let connection = Connection {
            id: self.next_connection_id.fetch_add(1, Ordering::Relaxed),
            connection_id: new.connection_id,
            provider_config_key: key.clone(),
            provider: new.integration.provider.clone(),
            auth_mode: new.integration.auth_mode,
            created: now,
            updated: now,
            end_user: new.end_user,
            tags: new.tags.unwrap_or_default(),
            connection_config: new.connection_config,
            credentials: new.credentials,
            pending: new.pending,
        };
        connections.push(connection.clone());
        Ok(connection)
    }

    /// Sends `message` to a WebSocket client and forgets the client id, as Nango does after
    /// publishing a flow's result. Returns whether a socket received it.
    pub(crate) fn push(&self, ws_client_id: &str, message: &Value) -> bool {
        let sender = lock(&self.ws_clients).remove(ws_client_id);
        sender.is_some_and(|tx| tx.send(message.to_string()).is_ok())
    }

    /// Drops expired sessions, flows, codes and remembered states.
    pub(crate) fn sweep(&self) {
        let now = self.now();
        lock(&self.sessions).retain(|_, s| s.expires_at > now);
        let expired: Vec<(String, PendingFlow)> = {
            let mut flows = lock(&self.flows);
            let states: Vec<String> =
                flows.iter().filter(|(_, f)| f.expires_at <= now).map(|(s, _)| s.clone()).collect();
            states.into_iter().filter_map(|s| flows.remove(&s).map(|f| (s, f))).collect()
        };
        for (state, flow) in expired {
            self.end_flow(state, &flow, self.expiry_reason(&flow));
        }
        lock(&self.codes).retain(|_, c| c.expires_at > now);
        lock(&self.used_states)
            .retain(|_, u| now.duration_since(u.used_at).map(|d| d < USED_STATE_MEMORY).unwrap_or(true));
    }

    /// Why an expired flow ended.
    pub(crate) fn expiry_reason(&self, flow: &PendingFlow) -> StateEnd {
        let session_live = flow.session_token.as_deref().is_none_or(|t| self.session(t).is_ok());
        if session_live { StateEnd::FlowExpired } else { StateEnd::SessionExpired }
    }

    /// Remembers that `state` is no longer pending.
    pub(crate) fn end_flow(&self, state: String, flow: &PendingFlow, end: StateEnd) {
        lock(&self.used_states).insert(
            state,
            UsedState {
                provider_config_key: flow.provider_config_key.clone(),
                connection_id: flow.connection_id.clone(),
                ws_client_id: flow.ws_client_id.clone(),
                end,
                used_at: self.now(),
            },
        );
    }

    /// When a new OAuth flow expires: with its session, and at most [`FLOW_TTL`] from now.
    pub(crate) fn flow_expiry(&self, session: Option<&Session>) -> SystemTime {
        let cap = self.now() + FLOW_TTL;
        session.map_or(cap, |s| s.expires_at.min(cap))
    }
}

/// The host name of the `Host` header, without its port (IPv6 literals keep their brackets).
fn request_host_name(headers: &HeaderMap) -> Option<String> {
    let host = request_host(headers)?;
    let name = host
        .rsplit_once(':')
        .filter(|(name, port)| {
            !name.is_empty() && !name.ends_with(':') && port.bytes().all(|b| b.is_ascii_digit())
        })
        .map_or(host.as_str(), |(name, _)| name);
    Some(name.to_owned())
}

/// The `Host` header if it looks like `name[:port]`.
fn request_host(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(axum::http::header::HOST)?.to_str().ok()?;
    let ok = !host.is_empty()
        && host.len() <= 255
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]_".contains(&b));
    ok.then(|| host.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::is_uuid_v4;

    #[test]
    fn session_token_format() {
        let token = format!("{SESSION_TOKEN_PREFIX}{}", random_hex(32));
        assert!(is_session_token_format(&token));
        assert!(!is_session_token_format(&token.to_uppercase()));
        assert!(!is_session_token_format("nango_connect_session_0123456789abcdef"));
        assert!(!is_session_token_format(&format!("{SESSION_TOKEN_PREFIX}{}", "g".repeat(64))));
    }

    #[test]
    fn ids_are_uuid_v4() {
        for _ in 0..100 {
            assert!(is_uuid_v4(&uuid_v4()));
        }
        assert_ne!(uuid_v4(), uuid_v4());
    }

    #[test]
    fn iso_times_have_milliseconds() {
        assert_eq!(iso(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn host_names_drop_the_port() {
        let mut headers = HeaderMap::new();
        headers.insert(axum::http::header::HOST, "localhost:3003".parse().unwrap_or_else(|_| unreachable!()));
        assert_eq!(request_host_name(&headers).as_deref(), Some("localhost"));
        headers.insert(axum::http::header::HOST, "[::1]:3003".parse().unwrap_or_else(|_| unreachable!()));
        assert_eq!(request_host_name(&headers).as_deref(), Some("[::1]"));
        headers.insert(axum::http::header::HOST, "evil.test/<x>".parse().unwrap_or_else(|_| unreachable!()));
        assert_eq!(request_host(&headers), None);
    }
}
