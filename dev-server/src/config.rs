//! Server configuration: ports, keys, integrations. Deserializable from JSON or TOML.

use std::collections::{BTreeMap, HashSet};
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

/// The known-good API key of the default `api-key-dev` integration.
pub const DEV_API_KEY: &str = "dev-key-ok";

/// The known-good user name of the default basic, signature, two-step and Bill integrations.
pub const DEV_USERNAME: &str = "dev-user";

/// The known-good password of the default basic, signature, two-step and Bill integrations.
pub const DEV_PASSWORD: &str = "dev-password";

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

/// The built-in integrations: one per auth mode, each with known-good dev credentials.
///
/// | key | auth mode | credentials that pass |
/// |---|---|---|
/// | `github-dev` | OAUTH2 | approve on the fake provider's page |
/// | `api-key-dev` | API_KEY | `apiKey` = `dev-key-ok` |
/// | `basic-dev` | BASIC | `dev-user` / `dev-password` |
/// | `unauthenticated-dev` | NONE | none |
/// | `tba-dev` | TBA | `token_id` = `dev-token-id`, `token_secret` = `dev-token-secret` |
/// | `jwt-dev` | JWT | `issuerId` = `dev-issuer`, `privateKey` = `dev-private-key` |
/// | `two-step-dev` | TWO_STEP | `username` = `dev-user`, `password` = `dev-password` |
/// | `signature-dev` | SIGNATURE | `dev-user` / `dev-password` |
/// | `aws-sigv4-dev` | AWS_SIGV4 | `role_arn` = `arn:aws:iam::123456789012:role/nango-dev` |
/// | `bill-dev` | BILL | `dev-user` / `dev-password`, `organization_id` = `dev-org`, `dev_key` = `dev-key-ok` |
/// | `oauth2-cc-dev` | OAUTH2_CC | `client_id` = `dev-client-id` with `client_secret` = `dev-client-secret` or `client_private_key` = `dev-private-key` |
/// | `outbound-dev` | OAUTH2 (outbound installation) | none: creates a pending connection |
pub fn default_integrations() -> Vec<IntegrationConfig> {
    use AuthMode as M;
    let mut github = IntegrationConfig::new("github-dev", "github", "GitHub (dev)", M::OAuth2);
    github.scopes = vec!["read:user".into(), "repo".into()];
    vec![
        github,
        IntegrationConfig::new("api-key-dev", "stripe", "Stripe (API key, dev)", M::ApiKey)
            .accepting(&[("apiKey", DEV_API_KEY)])
            .field("apiKey", FieldSpec::secret("API Key", DEV_API_KEY, 1)),
        IntegrationConfig::new("basic-dev", "jira-basic", "Jira (basic auth, dev)", M::Basic)
            .accepting(&[("username", DEV_USERNAME), ("password", DEV_PASSWORD)])
            .field("username", FieldSpec::text("User Name", DEV_USERNAME, 1))
            .field("password", FieldSpec::secret("Password", DEV_PASSWORD, 2)),
        IntegrationConfig::new(
            "unauthenticated-dev",
            "unauthenticated",
            "Public API (no auth, dev)",
            M::None,
        ),
        IntegrationConfig::new("tba-dev", "netsuite-tba", "NetSuite (TBA, dev)", M::Tba)
            .accepting(&[("token_id", "dev-token-id"), ("token_secret", "dev-token-secret")])
            .field("token_id", FieldSpec::text("Token ID", "dev-token-id", 1))
            .field("token_secret", FieldSpec::secret("Token Secret", "dev-token-secret", 2))
            .config_field(
                "accountId",
                FieldSpec { optional: Some(true), ..FieldSpec::text("Account ID", "1234567", 1) },
            ),
        IntegrationConfig::new("jwt-dev", "ghost-admin", "Ghost (JWT, dev)", M::Jwt)
            .accepting(&[("issuerId", "dev-issuer"), ("privateKey", "dev-private-key")])
            .field("issuerId", FieldSpec::text("Issuer ID", "dev-issuer", 1))
            .field("privateKey", FieldSpec::secret("Private Key", "dev-private-key", 2)),
        IntegrationConfig::new("two-step-dev", "two-step-demo", "Two-step token (dev)", M::TwoStep)
            .accepting(&[("username", DEV_USERNAME), ("password", DEV_PASSWORD)])
            .field("username", FieldSpec::text("User Name", DEV_USERNAME, 1))
            .field("password", FieldSpec::secret("Password", DEV_PASSWORD, 2)),
        IntegrationConfig::new("signature-dev", "emarsys", "Emarsys (signature, dev)", M::Signature)
            .accepting(&[("username", DEV_USERNAME), ("password", DEV_PASSWORD)])
            .field("username", FieldSpec::text("User Name", DEV_USERNAME, 1))
            .field("password", FieldSpec::secret("Secret", DEV_PASSWORD, 2)),
        IntegrationConfig::new("aws-sigv4-dev", "aws", "AWS (SigV4, dev)", M::AwsSigV4)
            .accepting(&[("role_arn", "arn:aws:iam::123456789012:role/nango-dev")])
            .field("role_arn", FieldSpec::text("Role ARN", "arn:aws:iam::123456789012:role/nango-dev", 1))
            .field("region", FieldSpec { optional: Some(true), ..FieldSpec::text("Region", "eu-west-1", 2) }),
        IntegrationConfig::new("bill-dev", "bill", "Bill (dev)", M::Bill)
            .accepting(&[
                ("username", DEV_USERNAME),
                ("password", DEV_PASSWORD),
                ("organization_id", "dev-org"),
                ("dev_key", DEV_API_KEY),
            ])
            .field("username", FieldSpec::text("User Name", DEV_USERNAME, 1))
            .field("password", FieldSpec::secret("Password", DEV_PASSWORD, 2))
            .field("organization_id", FieldSpec::text("Organization ID", "dev-org", 3))
            .field("dev_key", FieldSpec::secret("Developer Key", DEV_API_KEY, 4)),
        IntegrationConfig::new(
            "oauth2-cc-dev",
            "oauth2-cc-demo",
            "OAuth2 client credentials (dev)",
            M::OAuth2Cc,
        )
        .accepting(&[("client_id", "dev-client-id"), ("client_secret", "dev-client-secret")])
        .accepting(&[("client_id", "dev-client-id"), ("client_private_key", "dev-private-key")])
        .field("client_id", FieldSpec::text("Client ID", "dev-client-id", 1))
        .field("client_secret", FieldSpec::secret("Client Secret", "dev-client-secret", 2)),
        IntegrationConfig {
            installation: Some("outbound".into()),
            ..IntegrationConfig::new("outbound-dev", "shopify", "Shopify (outbound install, dev)", M::OAuth2)
        },
    ]
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
    /// Clock used for every expiry decision (not part of the file format).
    #[serde(skip)]
    pub clock: Clock,
}

impl Default for DevServerConfig {
    fn default() -> Self {
        Self {
            api_port: DEFAULT_API_PORT,
            connect_ui_port: DEFAULT_CONNECT_UI_PORT,
            secret_key: crate::state::uuid_v4(),
            public_key: crate::state::uuid_v4(),
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

/// API paths a static mount may not shadow.
const RESERVED_PREFIXES: &[&str] = &[
    "/connect",
    "/oauth",
    "/oauth2",
    "/auth",
    "/api-auth",
    "/integrations",
    "/providers",
    "/connection",
    "/connections",
    "/fake-oauth",
    "/demo",
    "/dev",
    "/images",
];

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

    /// Checks that the config can be served.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        if self.secret_key.trim().is_empty() {
            return invalid("secret_key must not be empty".into());
        }
        if !is_uuid_v4(&self.public_key) {
            return invalid(format!("public_key must be a UUID v4 (as Nango's), got {:?}", self.public_key));
        }
        if !self.websockets_path.starts_with('/') {
            return invalid("websockets_path must start with '/'".into());
        }
        if !self.base_path.is_empty() && !self.base_path.starts_with('/') {
            return invalid("base_path must be empty or start with '/'".into());
        }
        for (name, value) in [
            ("session_ttl_secs", self.session_ttl_secs),
            ("oauth_code_ttl_secs", self.oauth_code_ttl_secs),
            ("ws_max_lifetime_secs", self.ws_max_lifetime_secs),
            ("ws_idle_secs", self.ws_idle_secs),
        ] {
            if !(1..=MAX_TTL_SECS).contains(&value) {
                return invalid(format!(
                    "{name} must be between 1 and {MAX_TTL_SECS} (10 years), got {value}"
                ));
            }
        }
        if !(1..=100_000).contains(&self.max_websockets) {
            return invalid(format!(
                "max_websockets must be between 1 and 100000, got {}",
                self.max_websockets
            ));
        }
        if !(1024..=MAX_BODY_BYTES_LIMIT).contains(&self.max_body_bytes) {
            return invalid(format!(
                "max_body_bytes must be between 1024 and {MAX_BODY_BYTES_LIMIT}, got {}",
                self.max_body_bytes
            ));
        }
        for origin in &self.allowed_origins {
            let parsed = url::Url::parse(origin).ok().filter(|u| matches!(u.scheme(), "http" | "https"));
            if parsed.is_none_or(|u| u.origin().ascii_serialization() != origin.trim_end_matches('/')) {
                return invalid(format!("allowed_origins entry {origin:?} must be scheme://host[:port]"));
            }
        }
        let mut keys = HashSet::new();
        for integration in &self.integrations {
            if !is_valid_provider_config_key(&integration.unique_key) {
                return invalid(format!(
                    "integration key {:?} must match [a-zA-Z0-9~:.@ _-]{{1,255}}",
                    integration.unique_key
                ));
            }
            if !keys.insert(integration.unique_key.as_str()) {
                return invalid(format!("duplicate integration key {:?}", integration.unique_key));
            }
            if integration.provider.is_empty()
                || !integration.provider.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                return invalid(format!(
                    "provider name {:?} must match [a-zA-Z0-9_-]+",
                    integration.provider
                ));
            }
        }
        for mount in &self.serve {
            let path = mount.path.trim_end_matches('/');
            if !mount.path.starts_with('/') {
                return invalid(format!("mount path {:?} must start with '/'", mount.path));
            }
            if path.contains(['{', '}', '*']) {
                return invalid(format!("mount path {:?} has reserved characters", mount.path));
            }
            if RESERVED_PREFIXES.iter().any(|p| path == *p || path.starts_with(&format!("{p}/")))
                || (!path.is_empty() && path == self.websockets_path.trim_end_matches('/'))
            {
                return invalid(format!("mount path {:?} would shadow an API path", mount.path));
            }
            if !mount.dir.is_dir() {
                return invalid(format!("{} is not a directory", mount.dir.display()));
            }
        }
        if let Some(dir) = &self.connect_ui_dir
            && !dir.is_dir()
        {
            return invalid(format!("{} is not a directory", dir.display()));
        }
        Ok(())
    }
}

/// Whether `s` is a UUID v4 (Nango's format for secret and public keys).
pub(crate) fn is_uuid_v4(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.len() != 36 {
        return false;
    }
    bytes.iter().enumerate().all(|(i, b)| match i {
        8 | 13 | 18 | 23 => *b == b'-',
        14 => *b == b'4',
        19 => matches!(b, b'8' | b'9' | b'a' | b'b' | b'A' | b'B'),
        _ => b.is_ascii_hexdigit(),
    })
}

/// Nango's `providerConfigKeySchema`: `^[a-zA-Z0-9~:.@ _-]+$`, at most 255 characters.
pub(crate) fn is_valid_provider_config_key(s: &str) -> bool {
    !s.is_empty() && s.len() <= 255 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"~:.@ _-".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_cover_every_auth_mode() {
        let config = DevServerConfig::default();
        assert!(config.validate().is_ok());
        let modes: HashSet<AuthMode> = config.integrations.iter().map(|i| i.auth_mode).collect();
        for mode in [
            AuthMode::OAuth2,
            AuthMode::OAuth2Cc,
            AuthMode::ApiKey,
            AuthMode::Basic,
            AuthMode::None,
            AuthMode::Tba,
            AuthMode::Jwt,
            AuthMode::Bill,
            AuthMode::TwoStep,
            AuthMode::Signature,
            AuthMode::AwsSigV4,
        ] {
            assert!(modes.contains(&mode), "{mode:?}");
            let json = serde_json::to_value(mode).unwrap_or_default();
            assert_eq!(json, mode.as_str());
        }
    }

    #[test]
    fn default_keys_are_random_per_config() {
        let (a, b) = (DevServerConfig::default(), DevServerConfig::default());
        assert_ne!(a.secret_key, b.secret_key);
        assert_ne!(a.public_key, b.public_key);
        assert_ne!(a.secret_key, "nango_dev_secret_key_do_not_use_in_production");
        assert_ne!(a.public_key, "00000000-0000-4000-8000-000000000000");
        assert!(is_uuid_v4(&a.secret_key) && is_uuid_v4(&a.public_key));
        // A file that names no key gets random ones too; a file that names one keeps it.
        let parsed: DevServerConfig = serde_json::from_str("{}").unwrap_or_default();
        assert_ne!(parsed.secret_key, a.secret_key);
        let fixed: DevServerConfig = serde_json::from_str(r#"{"secret_key": "fixed"}"#).unwrap_or_default();
        assert_eq!(fixed.secret_key, "fixed");
    }

    #[test]
    fn out_of_range_lifetimes_and_limits_are_refused() {
        for huge in [u64::MAX, MAX_TTL_SECS + 1] {
            for config in [
                DevServerConfig { session_ttl_secs: huge, ..DevServerConfig::for_tests() },
                DevServerConfig { oauth_code_ttl_secs: huge, ..DevServerConfig::for_tests() },
                DevServerConfig { ws_max_lifetime_secs: huge, ..DevServerConfig::for_tests() },
                DevServerConfig { ws_idle_secs: huge, ..DevServerConfig::for_tests() },
            ] {
                assert!(config.validate().is_err(), "{huge}");
            }
        }
        assert!(DevServerConfig { ws_idle_secs: 0, ..DevServerConfig::for_tests() }.validate().is_err());
        assert!(
            DevServerConfig { max_body_bytes: usize::MAX, ..DevServerConfig::for_tests() }
                .validate()
                .is_err()
        );
        assert!(
            DevServerConfig { session_ttl_secs: MAX_TTL_SECS, ..DevServerConfig::for_tests() }
                .validate()
                .is_ok()
        );
        let origins =
            |o: &str| DevServerConfig { allowed_origins: vec![o.into()], ..DevServerConfig::for_tests() };
        assert!(origins("http://localhost:8080").validate().is_ok());
        assert!(origins("http://localhost:8080/app").validate().is_err());
        assert!(origins("*").validate().is_err());
    }

    #[test]
    fn invalid_configs_are_refused() {
        let mut dup = DevServerConfig::for_tests();
        let first = dup.integrations.first().cloned();
        dup.integrations.extend(first);
        assert!(dup.validate().is_err());
        let bad_key = DevServerConfig { public_key: "pk-0000".into(), ..DevServerConfig::for_tests() };
        assert!(bad_key.validate().is_err());
        let bad_ws = DevServerConfig { websockets_path: "ws".into(), ..DevServerConfig::for_tests() };
        assert!(bad_ws.validate().is_err());
        let defaults = DevServerConfig::default();
        assert!(is_uuid_v4(&defaults.public_key));
        assert!(!is_uuid_v4("00000000-0000-1000-8000-000000000000"));
        assert!("/app=dist".parse::<StaticMount>().is_ok());
        assert!("dist".parse::<StaticMount>().is_err());
    }
}
