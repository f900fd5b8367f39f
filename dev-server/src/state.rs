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

/// Upper bounds on what clients can make the server keep in memory: entries, and the bytes
/// those entries hold (estimated by [`Footprint`]).
pub(crate) const MAX_SESSIONS: usize = 100_000;
pub(crate) const MAX_SESSION_BYTES: usize = 64 * 1024 * 1024;
pub(crate) const MAX_PENDING_FLOWS: usize = 100_000;
pub(crate) const MAX_FLOW_BYTES: usize = 64 * 1024 * 1024;
pub(crate) const MAX_CODES: usize = 100_000;
pub(crate) const MAX_CODE_BYTES: usize = 32 * 1024 * 1024;
pub(crate) const MAX_USED_STATES: usize = 100_000;
pub(crate) const MAX_USED_STATE_BYTES: usize = 32 * 1024 * 1024;
pub(crate) const MAX_REFRESH_TOKENS: usize = 100_000;
pub(crate) const MAX_REFRESH_TOKEN_BYTES: usize = 32 * 1024 * 1024;
pub(crate) const MAX_CONNECTIONS: usize = 100_000;
pub(crate) const MAX_CONNECTION_BYTES: usize = 128 * 1024 * 1024;

/// Length of the fake provider's authorization codes (24 random bytes as hex).
pub(crate) const CODE_LEN: usize = 48;

/// What an entry of a [`Bounded`] map costs besides its own bytes (hash slot, allocations).
const ENTRY_OVERHEAD: usize = 128;

/// An estimate of the heap bytes a stored value holds.
pub(crate) trait Footprint {
    /// Bytes, roughly (string lengths plus a little per allocation).
    fn footprint(&self) -> usize;
}

impl Footprint for String {
    fn footprint(&self) -> usize {
        self.len()
    }
}

impl<T: Footprint> Footprint for Option<T> {
    fn footprint(&self) -> usize {
        self.as_ref().map_or(0, Footprint::footprint)
    }
}

impl Footprint for Value {
    fn footprint(&self) -> usize {
        16 + match self {
            Value::String(s) => s.len(),
            Value::Array(a) => a.iter().map(Footprint::footprint).sum(),
            Value::Object(m) => m.footprint(),
            _ => 0,
        }
    }
}

impl Footprint for Map<String, Value> {
    fn footprint(&self) -> usize {
        self.iter().map(|(k, v)| 16 + k.len() + v.footprint()).sum()
    }
}

/// A map capped in entries and in bytes: an insert that would pass either cap is refused.
#[derive(Debug)]
pub(crate) struct Bounded<V> {
    map: HashMap<String, (V, usize)>,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
}

impl<V: Footprint> Bounded<V> {
    pub(crate) fn new(max_entries: usize, max_bytes: usize) -> Self {
        Self { map: HashMap::new(), bytes: 0, max_entries, max_bytes }
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// The bytes held (estimated).
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        self.map.get(key).map(|(v, _)| v)
    }

    /// Mutable access; the change must not grow the value (its size is not recounted).
    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.map.get_mut(key).map(|(v, _)| v)
    }

    pub(crate) fn remove(&mut self, key: &str) -> Option<V> {
        let (v, size) = self.map.remove(key)?;
        self.bytes = self.bytes.saturating_sub(size);
        Some(v)
    }

    /// Whether an entry of `size` bytes fits.
    fn fits(&self, size: usize) -> bool {
        self.map.len() < self.max_entries && self.bytes.saturating_add(size) <= self.max_bytes
    }

    /// Inserts (replacing an entry of the same key), or gives the value back when a cap
    /// would be passed.
    pub(crate) fn insert(&mut self, key: String, value: V) -> Result<(), V> {
        let size = ENTRY_OVERHEAD + key.len() + value.footprint();
        let _ = self.remove(&key);
        if !self.fits(size) {
            return Err(value);
        }
        self.bytes += size;
        self.map.insert(key, (value, size));
        Ok(())
    }

    /// Keeps the entries for which `keep` is true.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&str, &V) -> bool) {
        let mut freed = 0;
        self.map.retain(|k, (v, size)| {
            let kept = keep(k, v);
            if !kept {
                freed += *size;
            }
            kept
        });
        self.bytes = self.bytes.saturating_sub(freed);
    }

    /// Removes and returns the entries for which `take` is true.
    pub(crate) fn take_where(&mut self, mut take: impl FnMut(&V) -> bool) -> Vec<(String, V)> {
        let keys: Vec<String> =
            self.map.iter().filter(|(_, (v, _))| take(v)).map(|(k, _)| k.clone()).collect();
        keys.into_iter().filter_map(|k| self.remove(&k).map(|v| (k, v))).collect()
    }

    /// Removes the `n` entries with the smallest `age_key` (the oldest).
    pub(crate) fn evict_oldest<K: Ord>(&mut self, n: usize, age_key: impl Fn(&V) -> K) {
        let mut ages: Vec<(K, String)> = self.map.iter().map(|(k, (v, _))| (age_key(v), k.clone())).collect();
        ages.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, key) in ages.into_iter().take(n) {
            let _ = self.remove(&key);
        }
    }
}

/// How long a used OAuth state is remembered, so that a replayed callback can still be
/// reported on the flow's socket.
const USED_STATE_MEMORY: Duration = Duration::from_secs(30 * 60);
/// A pending OAuth flow without a session expires after this long.
const FLOW_TTL: Duration = Duration::from_secs(15 * 60);
/// How long a refresh token of the fake provider lives unused (then the sweep forgets it and a
/// refresh grant with it is `invalid_grant`, as a provider's expired refresh token).
pub(crate) const REFRESH_TOKEN_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

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
/// Times outside 1970..=9999 (which the format cannot show) are clamped to those years.
pub(crate) fn iso(t: SystemTime) -> String {
    // 9999-12-31T23:59:59.999Z
    let last = SystemTime::UNIX_EPOCH + Duration::from_millis(253_402_300_799_999);
    let t = t.clamp(SystemTime::UNIX_EPOCH, last);
    let mut out = String::new();
    let _ = std::fmt::Write::write_fmt(&mut out, format_args!("{}", humantime::format_rfc3339_millis(t)));
    out
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

impl SessionSettings {
    /// The tags of a connection made with this session, as Nango derives them: `end_user_id`,
    /// `end_user_email`, `end_user_display_name` from the end user, `organization_id` and
    /// `organization_display_name` from the organization, then the end user's own `tags`
    /// (keys lowercased), then the session's `tags`, each overriding the previous.
    pub(crate) fn connection_tags(&self) -> Map<String, Value> {
        derived_tags(self.end_user.as_ref(), self.organization.as_ref(), self.tags.as_ref())
    }
}

/// Connection tags as Nango derives them from an end user (`{id, email?, display_name?,
/// tags?}`), an organization (`{id, display_name?}`) and explicit tags, in that order of
/// precedence (see [`SessionSettings::connection_tags`]).
pub(crate) fn derived_tags(
    end_user: Option<&Value>,
    organization: Option<&Value>,
    explicit: Option<&Map<String, Value>>,
) -> Map<String, Value> {
    let mut tags = Map::new();
    let mut copy = |from: Option<&Value>, field: &str, tag: &str| {
        if let Some(Value::String(v)) = from.and_then(|o| o.get(field))
            && !v.is_empty()
        {
            tags.insert(tag.to_owned(), Value::String(v.clone()));
        }
    };
    copy(end_user, "id", "end_user_id");
    copy(end_user, "email", "end_user_email");
    copy(end_user, "display_name", "end_user_display_name");
    copy(organization, "id", "organization_id");
    copy(organization, "display_name", "organization_display_name");
    let own = end_user.and_then(|u| u.get("tags")).and_then(Value::as_object);
    for (k, v) in own.into_iter().flatten() {
        tags.insert(k.to_lowercase(), v.clone());
    }
    tags.extend(explicit.cloned().unwrap_or_default());
    tags
}

impl Footprint for Arc<Session> {
    fn footprint(&self) -> usize {
        let s = &self.settings;
        self.token.len()
            + s.end_user.footprint()
            + s.organization.footprint()
            + s.allowed_integrations.as_ref().map_or(0, |l| l.iter().map(|k| 24 + k.len()).sum())
            + s.integrations_config_defaults.as_ref().map_or(0, Footprint::footprint)
            + s.overrides.as_ref().map_or(0, Footprint::footprint)
            + s.tags.as_ref().map_or(0, Footprint::footprint)
            + s.reconnect_connection_id.footprint()
    }
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
    pub organization: Option<Value>,
    pub tags: Option<Map<String, Value>>,
    pub expires_at: SystemTime,
    /// What the fake provider was asked for: the approval must carry the same values.
    pub scope: String,
    pub code_challenge: String,
    /// The code the fake provider issued for this flow, if any (one per flow: a new approval
    /// replaces it).
    pub code: Option<String>,
}

impl Footprint for PendingFlow {
    fn footprint(&self) -> usize {
        self.provider_config_key.len()
            + self.connection_id.len()
            + self.ws_client_id.footprint()
            + self.session_token.footprint()
            + self.code_verifier.len()
            + self.redirect_uri.len()
            + self.connection_config.footprint()
            + self.end_user.footprint()
            + self.organization.footprint()
            + self.tags.as_ref().map_or(0, Footprint::footprint)
            + self.scope.len()
            + self.code_challenge.len()
            + CODE_LEN // `code`, set later in place
    }
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

impl Footprint for UsedState {
    fn footprint(&self) -> usize {
        self.provider_config_key.len() + self.connection_id.len() + self.ws_client_id.footprint()
    }
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

/// A refresh token the fake provider issued and that was not used yet.
#[derive(Debug, Clone)]
pub(crate) struct IssuedRefresh {
    pub scope: String,
    pub expires_at: SystemTime,
}

impl Footprint for IssuedRefresh {
    fn footprint(&self) -> usize {
        self.scope.len()
    }
}

impl Footprint for AuthCode {
    fn footprint(&self) -> usize {
        self.client_id.len() + self.redirect_uri.len() + self.code_challenge.len() + self.scope.len()
    }
}

impl Footprint for Connection {
    fn footprint(&self) -> usize {
        ENTRY_OVERHEAD
            + self.connection_id.len()
            + self.provider_config_key.len()
            + self.provider.len()
            + self.end_user.footprint()
            + self.organization.footprint()
            + self.tags.footprint()
            + self.connection_config.footprint()
            + self.credentials.footprint()
            + self.metadata.footprint()
    }
}

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
    /// The organization of the session that created it (`{id, display_name?}`).
    pub organization: Option<Value>,
    /// Tags: those Nango derives from the session's end user and organization, then the
    /// session's own `tags`.
    pub tags: Map<String, Value>,
    /// Connection config (`params[...]` and session defaults).
    pub connection_config: Map<String, Value>,
    /// The credentials (the fake provider's tokens, or what the credential endpoint received).
    pub credentials: Value,
    /// Custom metadata (`POST`/`PATCH /connections/metadata`); empty at creation.
    pub metadata: Map<String, Value>,
    /// Whether `metadata` is answered as `null`: never set on a connection an OAuth2 flow made
    /// (as real Nango stores those; credential routes store `{}`).
    pub metadata_null: bool,
    /// When a backend last read the credentials (`GET /connections/{id}`).
    pub last_fetched: Option<SystemTime>,
    /// Whether the connection awaits an outbound installation.
    pub pending: bool,
}

/// Whether [`AppState::upsert_connection`] created the connection or re-authorized it: the
/// auth webhook's `operation` (`creation` / `override`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Upsert {
    Created,
    Overridden,
}

impl From<Upsert> for crate::webhooks::AuthOperation {
    fn from(upsert: Upsert) -> Self {
        match upsert {
            Upsert::Created => Self::Creation,
            Upsert::Overridden => Self::Override,
        }
    }
}

/// A connection about to be stored.
#[derive(Debug)]
pub(crate) struct NewConnection<'a> {
    pub integration: &'a IntegrationConfig,
    pub connection_id: String,
    pub end_user: Option<Value>,
    pub organization: Option<Value>,
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
    pub sessions: Mutex<Bounded<Arc<Session>>>,
    pub flows: Mutex<Bounded<PendingFlow>>,
    pub used_states: Mutex<Bounded<UsedState>>,
    pub codes: Mutex<Bounded<AuthCode>>,
    /// Refresh tokens the fake provider issued and not yet rotated, with their scope.
    pub refresh_tokens: Mutex<Bounded<IssuedRefresh>>,
    pub connections: Mutex<Vec<Connection>>,
    /// Bytes held by `connections` (estimated), updated under its lock.
    pub connection_bytes: AtomicUsize,
    pub next_connection_id: AtomicU64,
    pub ws_clients: Mutex<HashMap<String, mpsc::UnboundedSender<WsCommand>>>,
    /// Open WebSockets, subscribed or not, counted before the upgrade.
    pub open_sockets: AtomicUsize,
    /// How many WebSockets may be open at once: `max_websockets`, or less when the
    /// open-file limit is lower.
    pub max_sockets: usize,
    /// Fault injection for tests.
    pub faults: Mutex<Faults>,
    /// The telemetry beacons accepted, oldest first (at most `routes::telemetry::MAX_RECORDED`).
    pub telemetry: Mutex<std::collections::VecDeque<Value>>,
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
        max_sockets: usize,
    ) -> Self {
        let started_at = config.clock.now();
        Self {
            config,
            api_addr,
            connect_ui_addr,
            started_at,
            sessions: Mutex::new(Bounded::new(MAX_SESSIONS, MAX_SESSION_BYTES)),
            flows: Mutex::new(Bounded::new(MAX_PENDING_FLOWS, MAX_FLOW_BYTES)),
            used_states: Mutex::new(Bounded::new(MAX_USED_STATES, MAX_USED_STATE_BYTES)),
            codes: Mutex::new(Bounded::new(MAX_CODES, MAX_CODE_BYTES)),
            refresh_tokens: Mutex::new(Bounded::new(MAX_REFRESH_TOKENS, MAX_REFRESH_TOKEN_BYTES)),
            connections: Mutex::default(),
            connection_bytes: AtomicUsize::new(0),
            next_connection_id: AtomicU64::new(1),
            ws_clients: Mutex::default(),
            open_sockets: AtomicUsize::new(0),
            max_sockets,
            faults: Mutex::default(),
            telemetry: Mutex::default(),
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
        let base_path = self.config.api_base_path();
        match request_host(headers) {
            Some(host) => format!("http://{host}{base_path}"),
            None => format!("http://{}{base_path}", self.api_addr),
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
        format!("http://{host}:{}{}", self.api_addr.port(), self.config.api_base_path())
    }

    /// `origin` (an `Origin` header) is one of this server's own page origins: the API
    /// listener (where `--serve` mounts the demos) under a loopback name, `public_url`, or an
    /// entry of `allowed_origins`. `null` and anything unparsable are not.
    pub(crate) fn is_demo_origin_allowed(&self, origin: &str) -> bool {
        let Some(origin) = normalized_origin(origin) else { return false };
        let port = self.api_addr.port();
        ["127.0.0.1", "localhost", "[::1]"].iter().any(|host| origin == format!("http://{host}:{port}"))
            || self.config.public_url.as_deref().and_then(normalized_origin).is_some_and(|o| o == origin)
            || self.config.allowed_origins.iter().filter_map(|o| normalized_origin(o)).any(|o| o == origin)
    }

    /// Origins that may open the WebSocket: pages on a loopback host (any port: an app under
    /// development), the configured public URLs, and `allowed_origins`. Not other websites.
    pub(crate) fn is_websocket_origin_allowed(&self, origin: &str) -> bool {
        let Some(url) = url::Url::parse(origin).ok().filter(|u| matches!(u.scheme(), "http" | "https"))
        else {
            return false;
        };
        let loopback = match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
            None => false,
        };
        loopback
            || self.is_demo_origin_allowed(origin)
            || self
                .config
                .connect_ui_url
                .as_deref()
                .and_then(normalized_origin)
                .is_some_and(|o| normalized_origin(origin).is_some_and(|given| given == o))
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
        let full =
            |sessions: &mut Bounded<Arc<Session>>, s: Arc<Session>| sessions.insert(s.token.clone(), s);
        if let Err(session) = full(&mut sessions, Arc::clone(&session)) {
            sessions.retain(|_, s| s.expires_at > now);
            if full(&mut sessions, session).is_err() {
                return Err(ApiError::new(
                    axum::http::StatusCode::TOO_MANY_REQUESTS,
                    "too_many_sessions",
                    "Too many live connect sessions (or too many bytes in them) on this dev server",
                ));
            }
        }
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
    pub(crate) fn upsert_connection(&self, new: NewConnection<'_>) -> Result<(Connection, Upsert), ApiError> {
        let now = self.now();
        let mut connections = lock(&self.connections);
        let held = self.connection_bytes.load(Ordering::Relaxed);
        let incoming =
            new.connection_config.footprint() + new.credentials.footprint() + new.end_user.footprint();
        if held.saturating_add(incoming) > MAX_CONNECTION_BYTES {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "resource_capped",
                "This dev server holds too many bytes of connections; restart it",
            ));
        }
        let key = &new.integration.unique_key;
        if let Some(existing) = connections
            .iter_mut()
            .find(|c| &c.provider_config_key == key && c.connection_id == new.connection_id)
        {
            let old_size = existing.footprint();
            existing.updated = now;
            // The old credentials' refresh token goes with them (a new auth replaced it).
            if refresh_token_of(&existing.credentials) != refresh_token_of(&new.credentials) {
                self.forget_refresh_token(&existing.credentials);
            }
            existing.credentials = new.credentials;
            existing.connection_config = new.connection_config;
            existing.pending = new.pending;
            if new.end_user.is_some() {
                existing.end_user = new.end_user;
            }
            if new.organization.is_some() {
                existing.organization = new.organization;
            }
            if let Some(tags) = new.tags {
                existing.tags = tags;
            }
            let size = existing.footprint();
            self.connection_bytes
                .store(held.saturating_sub(old_size).saturating_add(size), Ordering::Relaxed);
            return Ok((existing.clone(), Upsert::Overridden));
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
            organization: new.organization,
            tags: new.tags.unwrap_or_default(),
            connection_config: new.connection_config,
            credentials: new.credentials,
            metadata: Map::new(),
            metadata_null: new.integration.auth_mode == AuthMode::OAuth2,
            last_fetched: None,
            pending: new.pending,
        };
        self.connection_bytes.fetch_add(connection.footprint(), Ordering::Relaxed);
        connections.push(connection.clone());
        Ok((connection, Upsert::Created))
    }

    /// Changes the connection `(key, connection_id)` with `change`, keeping the byte count;
    /// `None` when there is no such connection, 400 `resource_capped` when the change would
    /// pass the cap (nothing changed then).
    pub(crate) fn update_connection<T>(
        &self,
        key: &str,
        connection_id: &str,
        change: impl FnOnce(&mut Connection) -> T,
    ) -> Result<Option<T>, ApiError> {
        let mut connections = lock(&self.connections);
        let Some(existing) =
            connections.iter_mut().find(|c| c.provider_config_key == key && c.connection_id == connection_id)
        else {
            return Ok(None);
        };
        let held = self.connection_bytes.load(Ordering::Relaxed);
        let old_size = existing.footprint();
        let mut changed = existing.clone();
        let out = change(&mut changed);
        let size = changed.footprint();
        let total = held.saturating_sub(old_size).saturating_add(size);
        if size > old_size && total > MAX_CONNECTION_BYTES {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "resource_capped",
                "This dev server holds too many bytes of connections; restart it",
            ));
        }
        *existing = changed;
        self.connection_bytes.store(total, Ordering::Relaxed);
        Ok(Some(out))
    }

    /// Sets (`replace`) or merges the metadata of every connection in `ids` of integration
    /// `key`, all or none, under one lock. `Ok(Err(id))` names the first connection that does
    /// not exist; 400 `resource_capped` when the bytes would pass the cap.
    pub(crate) fn set_metadata(
        &self,
        key: &str,
        ids: &[String],
        metadata: &Map<String, Value>,
        replace: bool,
    ) -> Result<Result<(), String>, ApiError> {
        let now = self.now();
        let mut connections = lock(&self.connections);
        let mut changed = Vec::with_capacity(ids.len());
        for (n, id) in ids.iter().enumerate() {
            if ids.get(..n).is_some_and(|before| before.contains(id)) {
                continue;
            }
            let found = connections
                .iter()
                .enumerate()
                .find(|(_, c)| c.provider_config_key == key && &c.connection_id == id);
            let Some((index, c)) = found else {
                return Ok(Err(id.clone()));
            };
            let mut c = c.clone();
            if replace {
                c.metadata = metadata.clone();
                c.metadata_null = false;
            } else {
                c.metadata.extend(metadata.clone());
                c.metadata_null = false;
            }
            c.updated = now;
            changed.push((index, c));
        }
        let held = self.connection_bytes.load(Ordering::Relaxed);
        let mut total = held;
        for (index, c) in &changed {
            let old = connections.get(*index).map_or(0, Footprint::footprint);
            total = total.saturating_sub(old).saturating_add(c.footprint());
        }
        if total > held && total > MAX_CONNECTION_BYTES {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "resource_capped",
                "This dev server holds too many bytes of connections; restart it",
            ));
        }
        for (index, c) in changed {
            if let Some(slot) = connections.get_mut(index) {
                *slot = c;
            }
        }
        self.connection_bytes.store(total, Ordering::Relaxed);
        Ok(Ok(()))
    }

    /// Deletes the connection `(key, connection_id)`; whether it existed.
    pub(crate) fn delete_connection(&self, key: &str, connection_id: &str) -> bool {
        let mut connections = lock(&self.connections);
        let Some(index) =
            connections.iter().position(|c| c.provider_config_key == key && c.connection_id == connection_id)
        else {
            return false;
        };
        let removed = connections.remove(index);
        self.forget_refresh_token(&removed.credentials);
        let held = self.connection_bytes.load(Ordering::Relaxed);
        self.connection_bytes.store(held.saturating_sub(removed.footprint()), Ordering::Relaxed);
        true
    }

    /// Forgets the fake provider's refresh token held in `credentials`, if any.
    fn forget_refresh_token(&self, credentials: &Value) {
        if let Some(token) = refresh_token_of(credentials) {
            let _ = lock(&self.refresh_tokens).remove(token);
        }
    }

    /// Remembers a refresh token the fake provider issued, for [`REFRESH_TOKEN_TTL`]. When the
    /// memory is full the oldest eighth is forgotten, so that issuing never fails.
    pub(crate) fn remember_refresh_token(&self, token: String, scope: String) {
        let issued = IssuedRefresh { scope, expires_at: self.now() + REFRESH_TOKEN_TTL };
        let mut tokens = lock(&self.refresh_tokens);
        if let Err(issued) = tokens.insert(token.clone(), issued) {
            let n = tokens.len() / 8 + 1;
            tokens.evict_oldest(n, |r| r.expires_at);
            let _ = tokens.insert(token, issued);
        }
    }

    /// Uses up a refresh token: its scope, if it was issued, unused and not expired.
    pub(crate) fn take_refresh_token(&self, token: &str) -> Option<String> {
        let issued = lock(&self.refresh_tokens).remove(token)?;
        (issued.expires_at > self.now()).then_some(issued.scope)
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

    /// The faults switched on.
    pub(crate) fn faults(&self) -> Faults {
        lock(&self.faults).clone()
    }

    /// Drops expired sessions, flows, codes and remembered states.
    pub(crate) fn sweep(&self) {
        let now = self.now();
        lock(&self.sessions).retain(|_, s| s.expires_at > now);
        let expired = lock(&self.flows).take_where(|f| f.expires_at <= now);
        for (state, flow) in expired {
            self.end_flow(state, &flow, self.expiry_reason(&flow));
        }
        lock(&self.codes).retain(|_, c| c.expires_at > now);
        lock(&self.refresh_tokens).retain(|_, r| r.expires_at > now);
        lock(&self.used_states)
            .retain(|_, u| now.duration_since(u.used_at).map(|d| d < USED_STATE_MEMORY).unwrap_or(true));
    }

    /// Why an expired flow ended.
    pub(crate) fn expiry_reason(&self, flow: &PendingFlow) -> StateEnd {
        let session_live = flow.session_token.as_deref().is_none_or(|t| self.session(t).is_ok());
        if session_live { StateEnd::FlowExpired } else { StateEnd::SessionExpired }
    }

    /// Remembers that `state` is no longer pending.
    /// When the memory is full the oldest eighth is forgotten (a late callback of those
    /// is then reported as an unknown state).
    pub(crate) fn end_flow(&self, state: String, flow: &PendingFlow, end: StateEnd) {
        let used = UsedState {
            provider_config_key: flow.provider_config_key.clone(),
            connection_id: flow.connection_id.clone(),
            ws_client_id: flow.ws_client_id.clone(),
            end,
            used_at: self.now(),
        };
        let mut used_states = lock(&self.used_states);
        if let Err(used) = used_states.insert(state.clone(), used) {
            let n = used_states.len() / 8 + 1;
            used_states.evict_oldest(n, |u| u.used_at);
            let _ = used_states.insert(state, used);
        }
    }

    /// When a new OAuth flow expires: with its session, and at most [`FLOW_TTL`] from now.
    pub(crate) fn flow_expiry(&self, session: Option<&Session>) -> SystemTime {
        let cap = self.now() + FLOW_TTL;
        session.map_or(cap, |s| s.expires_at.min(cap))
    }
}

/// The `refresh_token` of stored credentials (OAuth2 ones hold one).
fn refresh_token_of(credentials: &Value) -> Option<&str> {
    credentials.get("refresh_token").and_then(Value::as_str)
}

/// `scheme://host[:port]` of an http(s) URL or origin.
pub(crate) fn normalized_origin(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok().filter(|u| matches!(u.scheme(), "http" | "https"))?;
    Some(parsed.origin().ascii_serialization())
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
    fn issuing_refresh_tokens_never_fails_when_the_memory_is_full() {
        let (_tx, rx) = watch::channel(false);
        let addr = SocketAddr::from(([127, 0, 0, 1], 0));
        let state = AppState::new(DevServerConfig::for_tests(), addr, addr, rx, 1);
        for n in 0..MAX_REFRESH_TOKENS {
            state.remember_refresh_token(format!("r{n}"), String::new());
        }
        state.remember_refresh_token("newest".into(), "scope".into());
        assert_eq!(state.take_refresh_token("newest").as_deref(), Some("scope"), "the newest is kept");
        assert!(lock(&state.refresh_tokens).len() < MAX_REFRESH_TOKENS, "the oldest were forgotten");
        assert_eq!(state.take_refresh_token("newest"), None, "used up");
    }

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
    fn iso_never_panics_past_year_9999() {
        let far = SystemTime::UNIX_EPOCH + Duration::from_secs(400_000_000_000);
        assert_eq!(iso(far), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn bounded_maps_cap_entries_and_bytes() {
        let mut m: Bounded<String> = Bounded::new(3, 10_000);
        for i in 0..3 {
            assert!(m.insert(format!("k{i}"), "v".into()).is_ok());
        }
        assert!(m.insert("k3".into(), "v".into()).is_err(), "entry cap");
        assert!(m.insert("k0".into(), "w".into()).is_ok(), "replacing is not growing");
        let mut m: Bounded<String> = Bounded::new(1000, 10_000);
        assert!(m.insert("big".into(), "x".repeat(9_000)).is_ok());
        assert!(m.insert("big2".into(), "x".repeat(2_000)).is_err(), "byte cap");
        assert!(m.bytes() >= 9_000);
        let _ = m.remove("big");
        assert_eq!(m.bytes(), 0);
        assert!(m.insert("big2".into(), "x".repeat(2_000)).is_ok());
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
