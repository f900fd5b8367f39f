//! Server configuration: ports, keys, integrations. Deserializable from JSON or TOML.
//!
//! This module holds the types; `integrations` the default integrations' data and `validate`
//! the checks run at start (`DevServerConfig::validate`).

mod integrations;
mod validate;

pub use integrations::{DEV_API_KEY, DEV_PASSWORD, DEV_USERNAME, default_integrations};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::clock::Clock;

/// The longest a configured lifetime (`session_ttl_secs`, `oauth_code_ttl_secs`,
/// `ws_max_lifetime_secs`, `ws_idle_secs`) may be: 10 years. Longer values would overflow the
/// clock or the date format; they are refused at start.
pub const MAX_TTL_SECS: u64 = 10 * 365 * 24 * 60 * 60;

/// Default most WebSockets open at once.
pub const DEFAULT_MAX_WEBSOCKETS: usize = 20_000;

/// The largest `max_body_bytes` accepted: 16 MiB.
pub const MAX_BODY_BYTES_LIMIT: usize = 16 * 1024 * 1024;

/// Default API port (Nango's local default).
pub const DEFAULT_API_PORT: u16 = 3003;

/// Default Connect UI port (Nango's local default).
pub const DEFAULT_CONNECT_UI_PORT: u16 = 3009;

/// Lifetime of a connect session token (Nango: 30 minutes).
pub const DEFAULT_SESSION_TTL_SECS: u64 = 30 * 60;

/// How a provider authenticates, as Nango names it (`auth_mode` in `/providers/{provider}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum AuthMode {
    /// OAuth 2 authorization-code flow (popup + WebSocket), served by the built-in fake provider.
    /// Also the mode of outbound-installation integrations (`/auth/oauth-outbound`).
    #[serde(rename = "OAUTH2")]
    OAuth2,
    /// OAuth 2 client credentials (`/oauth2/auth/{key}`).
    #[serde(rename = "OAUTH2_CC")]
    OAuth2Cc,
    /// API key (`/api-auth/api-key/{key}`).
    ApiKey,
    /// User name and password (`/api-auth/basic/{key}`).
    Basic,
    /// No credentials (`/auth/unauthenticated/{key}`).
    None,
    /// NetSuite token-based auth (`/auth/tba/{key}`).
    Tba,
    /// JWT built from a private key (`/auth/jwt/{key}`).
    Jwt,
    /// Bill.com (`/auth/bill/{key}`).
    Bill,
    /// Two-step token exchange (`/auth/two-step/{key}`).
    TwoStep,
    /// Signature-based (`/auth/signature/{key}`).
    Signature,
    /// AWS SigV4 role assumption (`/auth/aws-sigv4/{key}`).
    #[serde(rename = "AWS_SIGV4")]
    AwsSigV4,
}

impl AuthMode {
    /// Nango's spelling of the mode.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OAuth2 => "OAUTH2",
            Self::OAuth2Cc => "OAUTH2_CC",
            Self::ApiKey => "API_KEY",
            Self::Basic => "BASIC",
            Self::None => "NONE",
            Self::Tba => "TBA",
            Self::Jwt => "JWT",
            Self::Bill => "BILL",
            Self::TwoStep => "TWO_STEP",
            Self::Signature => "SIGNATURE",
            Self::AwsSigV4 => "AWS_SIGV4",
        }
    }
}

/// One credential or connection-config field, as `/providers/{provider}` describes it to a
/// Connect UI. Every attribute is optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FieldSpec {
    /// Field type, usually `"string"`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Help text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Example value (placeholder).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    /// Whether the value is a secret (masked input).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<bool>,
    /// Whether the field may be left empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
    /// Whether the field is hidden.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
    /// Whether the value is filled automatically.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automated: Option<bool>,
    /// Default value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_value: Option<String>,
    /// Allowed values.
    #[serde(rename = "enum", skip_serializing_if = "Option::is_none")]
    pub allowed_values: Option<Vec<String>>,
    /// Format hint (`uri`, `hostname`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Validation regex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Text shown before the input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Text shown after the input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    /// Display order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<u32>,
    /// Anchor in the provider's connect docs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_section: Option<String>,
}

impl FieldSpec {
    fn text(title: &str, example: &str, order: u32) -> Self {
        Self {
            kind: Some("string".into()),
            title: Some(title.into()),
            description: Some(format!("Dev server: use {example}")),
            example: Some(example.into()),
            order: Some(order),
            ..Self::default()
        }
    }

    fn secret(title: &str, example: &str, order: u32) -> Self {
        Self { secret: Some(true), ..Self::text(title, example, order) }
    }
}

/// An integration (Nango's "provider config"): the `unique_key` used in every auth URL, the
/// provider template it uses, and what the fake connection test accepts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntegrationConfig {
    /// The integration id (`providerConfigKey`), e.g. `github-dev`.
    pub unique_key: String,
    /// The provider template name, served by `GET /providers/{provider}`.
    pub provider: String,
    /// Human-readable name.
    pub display_name: String,
    /// How it authenticates.
    pub auth_mode: AuthMode,
    /// Credential sets the fake connection test accepts: a request passes when its body holds
    /// every field of one of these sets with the same value. Empty: any well-formed body passes.
    #[serde(default)]
    pub valid_credentials: Vec<Map<String, Value>>,
    /// Credential fields shown by a Connect UI (`credentials` in `/providers/{provider}`).
    #[serde(default)]
    pub credentials: BTreeMap<String, FieldSpec>,
    /// Connection-config fields (`connection_config` in `/providers/{provider}`).
    #[serde(default)]
    pub connection_config: BTreeMap<String, FieldSpec>,
    /// Documentation link shown by a Connect UI.
    #[serde(default)]
    pub docs_connect: Option<String>,
    /// Logo URL; by default a generated logo served by this server.
    #[serde(default)]
    pub logo: Option<String>,
    /// OAuth scopes requested from the fake provider (OAuth2 only).
    #[serde(default)]
    pub scopes: Vec<String>,
    /// `installation` in `/providers/{provider}`: `outbound` when the connection starts on
    /// the provider's side (`/auth/oauth-outbound/{key}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installation: Option<String>,
    /// Two-step assertion fields (`assertion_option` in `/providers/{provider}`), sent by a
    /// Connect UI as `assertionOption`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub assertion_option: BTreeMap<String, FieldSpec>,
}

impl IntegrationConfig {
    /// An integration with no credential test and no field descriptions.
    pub fn new(
        unique_key: impl Into<String>,
        provider: impl Into<String>,
        display_name: impl Into<String>,
        auth_mode: AuthMode,
    ) -> Self {
        Self {
            unique_key: unique_key.into(),
            provider: provider.into(),
            display_name: display_name.into(),
            auth_mode,
            valid_credentials: Vec::new(),
            credentials: BTreeMap::new(),
            connection_config: BTreeMap::new(),
            docs_connect: None,
            logo: None,
            scopes: Vec::new(),
            installation: None,
            assertion_option: BTreeMap::new(),
        }
    }

    fn accepting(mut self, fields: &[(&str, &str)]) -> Self {
        let set = fields.iter().map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned()))).collect();
        self.valid_credentials.push(set);
        self
    }

    fn field(mut self, name: &str, spec: FieldSpec) -> Self {
        self.credentials.insert(name.to_owned(), spec);
        self
    }

    fn config_field(mut self, name: &str, spec: FieldSpec) -> Self {
        self.connection_config.insert(name.to_owned(), spec);
        self
    }
}

/// The Connect UI look, answered as `connectUISettings` by `GET /connect/session`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectUiSettings {
    /// `light`, `dark` or `system`.
    #[serde(rename = "defaultTheme")]
    pub default_theme: String,
    /// Whether the "secured by Nango" watermark shows.
    #[serde(rename = "showWatermark")]
    pub show_watermark: bool,
    /// Primary colour of the light theme.
    pub light_primary: String,
    /// Primary colour of the dark theme.
    pub dark_primary: String,
}

impl Default for ConnectUiSettings {
    fn default() -> Self {
        Self {
            default_theme: "system".into(),
            show_watermark: true,
            light_primary: "#00B2E3".into(),
            dark_primary: "#00B2E3".into(),
        }
    }
}

impl ConnectUiSettings {
    /// The JSON Nango answers: `{defaultTheme, showWatermark, theme: {light: {primary}, dark: {primary}}}`.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "defaultTheme": self.default_theme,
            "showWatermark": self.show_watermark,
            "theme": {
                "light": { "primary": self.light_primary },
                "dark": { "primary": self.dark_primary },
            },
        })
    }
}

/// A static directory mounted on the API listener (`--serve PATH=DIR`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaticMount {
    /// URL path prefix, e.g. `/yew`; `/` mounts at the root.
    pub path: String,
    /// Directory served; unknown paths fall back to its `index.html`.
    pub dir: PathBuf,
}

impl std::str::FromStr for StaticMount {
    type Err = ConfigError;

    /// Parses `PATH=DIR`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (path, dir) =
            s.split_once('=').ok_or_else(|| ConfigError::Invalid(format!("expected PATH=DIR, got {s:?}")))?;
        Ok(Self { path: path.to_owned(), dir: PathBuf::from(dir) })
    }
}

/// A real Nango that `POST /demo/session` forwards to.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoteNango {
    /// Its API URL, e.g. `https://api.nango.dev`.
    pub host: String,
    /// Its secret key (never printed).
    pub secret_key: String,
}

impl std::fmt::Debug for RemoteNango {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteNango").field("host", &self.host).field("secret_key", &"…").finish()
    }
}

/// The end user that `POST /demo/session` creates sessions for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoEndUser {
    /// End-user id.
    pub id: String,
    /// E-mail.
    pub email: String,
    /// Display name.
    pub display_name: String,
}

impl Default for DemoEndUser {
    fn default() -> Self {
        Self {
            id: "demo-user".into(),
            email: "demo-user@example.com".into(),
            display_name: "Demo User".into(),
        }
    }
}

/// Everything the dev server needs. `Default` gives Nango's local ports, the dev keys and the
/// [default integrations](default_integrations). A config file (JSON, or TOML when the file
/// name ends in `.toml`) may set any subset of the fields; `integrations`, when present,
/// replaces the default set.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DevServerConfig {
    /// API (and WebSocket) port on 127.0.0.1; 0 picks a free port.
    pub api_port: u16,
    /// Connect UI port on 127.0.0.1; 0 picks a free port.
    pub connect_ui_port: u16,
    /// Secret key accepted as `Authorization: Bearer …` on backend endpoints. `Default` makes
    /// a random one (a UUID v4, as Nango's) for each config: a fixed key only when given.
    pub secret_key: String,
    /// Legacy public key accepted as `public_key=` on auth endpoints (a UUID v4). `Default`
    /// makes a random one for each config.
    pub public_key: String,
    /// Path of the WebSocket endpoint (Nango's `websocketsPath`, default `/`).
    pub websockets_path: String,
    /// A prefix in front of every API route, as a reverse proxy adds for a self-hosted Nango
    /// under, say, `/nango` (the routes themselves, and `websocketsPath`, stay the same).
    /// Empty (the default): none.
    pub base_path: String,
    /// Public base URL of the API as browsers reach it, used in links this server hands out
    /// (logos, connect links). Default: the `Host` of each request, else `http://127.0.0.1:{port}`.
    pub public_url: Option<String>,
    /// Base URL of the Connect UI used in `connect_link`. Default: `http://localhost:{port}`.
    pub connect_ui_url: Option<String>,
    /// Directory of a built Connect UI app, served on the Connect UI port with `index.html`
    /// fallback. Default: a placeholder page.
    pub connect_ui_dir: Option<PathBuf>,
    /// Static directories mounted on the API listener.
    pub serve: Vec<StaticMount>,
    /// Connect session lifetime in seconds (default 1800).
    pub session_ttl_secs: u64,
    /// How long an authorization code of the fake provider stays valid, in seconds.
    pub oauth_code_ttl_secs: u64,
    /// A WebSocket is closed by the server after this many seconds, so abandoned sockets
    /// whose flow never ends do not pile up.
    pub ws_max_lifetime_secs: u64,
    /// Most WebSockets open at once (default 20,000; lowered at start to fit the open-file
    /// limit). More are refused with 503 before the upgrade.
    pub max_websockets: usize,
    /// A WebSocket that no `/oauth/connect` has named after this many seconds is closed by the
    /// server (default 60): a socket without a flow holds no resource for long.
    pub ws_idle_secs: u64,
    /// Largest accepted request body in bytes (larger → 413 `payload_too_large`).
    pub max_body_bytes: usize,
    /// Origins, besides the API's own loopback origins, allowed to call `POST /demo/session`
    /// and to open the WebSocket (e.g. `http://localhost:8080` for a demo served elsewhere).
    /// Each is `scheme://host[:port]`.
    pub allowed_origins: Vec<String>,
    /// What `GET /connect/session` answers as `connectUISettings`.
    pub connect_ui_settings: ConnectUiSettings,
    /// The end user of `POST /demo/session`.
    pub demo_end_user: DemoEndUser,
    /// When set, `POST /demo/session` mints sessions on this Nango (Cloud or self-hosted)
    /// with its secret key instead of locally: the demos then run against real Nango.
    pub remote_nango: Option<RemoteNango>,
    /// The integrations this server knows.
    pub integrations: Vec<IntegrationConfig>,
    /// Print one line per notable event (session created, connection stored, flow failed).
    pub log_events: bool,
    /// Serve `POST /dev/faults` (JSON [`Faults`](crate::Faults)) to switch faults on for
    /// tests. Off by default; never for a server other pages can reach.
    pub fault_routes: bool,
    /// Where auth webhooks are POSTed after a connection is created or re-authorized (and
    /// when a refresh fails), signed as Nango signs them. Default: none, no webhooks.
    pub webhook_url: Option<String>,
    /// The environment's webhook signing key: `X-Nango-Hmac-Sha256` is the hex HMAC-SHA256 of
    /// the raw body with it (the SDK's `webhookSigningKey`). `Default` makes a random one.
    pub webhook_signing_key: String,
    /// Clock used for every expiry decision (not part of the file format).
    #[serde(skip)]
    pub clock: Clock,
}

impl Default for DevServerConfig {
    fn default() -> Self {
        Self {
            api_port: DEFAULT_API_PORT,
            connect_ui_port: DEFAULT_CONNECT_UI_PORT,
            secret_key: crate::ids::uuid_v4(),
            public_key: crate::ids::uuid_v4(),
            websockets_path: "/".into(),
            base_path: String::new(),
            public_url: None,
            connect_ui_url: None,
            connect_ui_dir: None,
            serve: Vec::new(),
            session_ttl_secs: DEFAULT_SESSION_TTL_SECS,
            oauth_code_ttl_secs: 10 * 60,
            ws_max_lifetime_secs: 60 * 60,
            ws_idle_secs: 60,
            max_websockets: DEFAULT_MAX_WEBSOCKETS,
            max_body_bytes: 256 * 1024,
            allowed_origins: Vec::new(),
            connect_ui_settings: ConnectUiSettings::default(),
            demo_end_user: DemoEndUser::default(),
            remote_nango: None,
            integrations: default_integrations(),
            log_events: false,
            fault_routes: false,
            webhook_url: None,
            webhook_signing_key: crate::ids::uuid_v4(),
            clock: Clock::system(),
        }
    }
}

/// A config that cannot be loaded or used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid JSON/TOML for [`DevServerConfig`].
    #[error("cannot parse config file {path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// A value is unusable.
    #[error("invalid config: {0}")]
    Invalid(String),
}

impl DevServerConfig {
    /// The defaults with ports 0, for in-process tests.
    pub fn for_tests() -> Self {
        Self { api_port: 0, connect_ui_port: 0, ..Self::default() }
    }

    /// [`base_path`](Self::base_path) without trailing slashes (`""` when none).
    pub fn api_base_path(&self) -> &str {
        self.base_path.trim_end_matches('/')
    }

    /// Loads a config file: TOML when the name ends in `.toml`, JSON otherwise. Missing fields
    /// take their defaults.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { path: path.to_owned(), source })?;
        let is_toml = path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("toml"));
        let parsed = if is_toml {
            toml::from_str(&text).map_err(|e| e.to_string())
        } else {
            serde_json::from_str(&text).map_err(|e| e.to_string())
        };
        parsed.map_err(|message| ConfigError::Parse { path: path.to_owned(), message })
    }

    /// Looks up an integration by its unique key.
    pub fn integration(&self, unique_key: &str) -> Option<&IntegrationConfig> {
        self.integrations.iter().find(|i| i.unique_key == unique_key)
    }
}
