//! Request and response types of the secret-key API, from Nango's API reference. Responses are
//! read leniently (unknown fields ignored, `null` where a list or map is expected read as empty),
//! so that a newer Nango does not break an older backend.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// `null` (or a missing field) as the type's default.
fn null_default<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Who connects: `end_user` of a connect session.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EndUser {
    /// Your app's id of the user (required, 1 to 255 characters).
    pub id: String,
    /// Their email, shown in the Connect UI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Their name, shown in the Connect UI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Free tags, copied onto the connection's tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

impl EndUser {
    /// An end user with your app's id for them.
    pub fn new(id: impl Into<String>) -> Self {
        Self { id: id.into(), ..Self::default() }
    }
    /// Sets the email.
    pub fn email(self, email: impl Into<String>) -> Self {
        Self { email: Some(email.into()), ..self }
    }
    /// Sets the display name.
    pub fn display_name(self, name: impl Into<String>) -> Self {
        Self { display_name: Some(name.into()), ..self }
    }
    /// Adds a tag.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.get_or_insert_with(BTreeMap::new).insert(key.into(), value.into());
        self
    }
}

/// The organization the end user belongs to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Organization {
    /// Your app's id of the organization.
    pub id: String,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

impl Organization {
    /// An organization with your app's id for it.
    pub fn new(id: impl Into<String>) -> Self {
        Self { id: id.into(), display_name: None }
    }
    /// Sets the name.
    pub fn display_name(self, name: impl Into<String>) -> Self {
        Self { display_name: Some(name.into()), ..self }
    }
}

/// Per-integration defaults of a session (`integrations_config_defaults[key]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct IntegrationConfigDefaults {
    /// OAuth scopes asked for on the user's behalf (comma-separated), where the provider has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_scopes: Option<String>,
    /// Extra query parameters of the provider's authorization URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_params: Option<BTreeMap<String, String>>,
    /// Connection config values (e.g. `oauth_scopes_override`, a subdomain).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection_config: Option<Map<String, Value>>,
}

impl IntegrationConfigDefaults {
    /// No defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `user_scopes`.
    pub fn user_scopes(self, scopes: impl Into<String>) -> Self {
        Self { user_scopes: Some(scopes.into()), ..self }
    }
    /// Adds an authorization parameter.
    pub fn authorization_param(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.authorization_params.get_or_insert_with(BTreeMap::new).insert(key.into(), value.into());
        self
    }
    /// Adds a connection config value.
    pub fn connection_config(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.connection_config.get_or_insert_with(Map::new).insert(key.into(), value.into());
        self
    }
}

/// The body of `POST /connect/sessions`.
///
/// ```
/// use nango_backend::{ConnectSessionRequest, EndUser, Organization};
/// let request = ConnectSessionRequest::new(EndUser::new("user-123").email("ada@example.com"))
///     .organization(Organization::new("org-9"))
///     .allowed_integrations(["github", "slack"]);
/// # let _ = request;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ConnectSessionRequest {
    /// Who connects.
    pub end_user: EndUser,
    /// Their organization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<Organization>,
    /// The integrations the session may connect (all when `None`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_integrations: Option<Vec<String>>,
    /// Per-integration defaults, by integration key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integrations_config_defaults: Option<BTreeMap<String, IntegrationConfigDefaults>>,
    /// Tags of the connections this session makes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

impl ConnectSessionRequest {
    /// A session for `end_user`, every integration allowed.
    pub fn new(end_user: EndUser) -> Self {
        Self { end_user, ..Self::default() }
    }
    /// Sets the organization.
    pub fn organization(self, organization: Organization) -> Self {
        Self { organization: Some(organization), ..self }
    }
    /// Allows only these integrations.
    pub fn allowed_integrations<I: IntoIterator<Item = S>, S: Into<String>>(self, keys: I) -> Self {
        Self { allowed_integrations: Some(keys.into_iter().map(Into::into).collect()), ..self }
    }
    /// Sets the defaults of one integration.
    pub fn integration_defaults(
        mut self,
        key: impl Into<String>,
        defaults: IntegrationConfigDefaults,
    ) -> Self {
        self.integrations_config_defaults.get_or_insert_with(BTreeMap::new).insert(key.into(), defaults);
        self
    }
    /// Adds a tag of the connections this session makes.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.get_or_insert_with(BTreeMap::new).insert(key.into(), value.into());
        self
    }
}

impl From<EndUser> for ConnectSessionRequest {
    fn from(end_user: EndUser) -> Self {
        Self::new(end_user)
    }
}

/// The body of `POST /connect/sessions/reconnect`: a session that re-authorizes one connection.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ReconnectSessionRequest {
    /// The connection to re-authorize.
    pub connection_id: String,
    /// Its integration key.
    pub integration_id: String,
    /// Who re-authorizes (else the connection's end user).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_user: Option<EndUser>,
    /// Their organization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<Organization>,
    /// Per-integration defaults, by integration key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integrations_config_defaults: Option<BTreeMap<String, IntegrationConfigDefaults>>,
}

impl ReconnectSessionRequest {
    /// A reconnect session for `connection_id` of integration `integration_id`.
    pub fn new(integration_id: impl Into<String>, connection_id: impl Into<String>) -> Self {
        Self { connection_id: connection_id.into(), integration_id: integration_id.into(), ..Self::default() }
    }
    /// Sets who re-authorizes.
    pub fn end_user(self, end_user: EndUser) -> Self {
        Self { end_user: Some(end_user), ..self }
    }
    /// Sets the organization.
    pub fn organization(self, organization: Organization) -> Self {
        Self { organization: Some(organization), ..self }
    }
    /// Sets the defaults of one integration.
    pub fn integration_defaults(
        mut self,
        key: impl Into<String>,
        defaults: IntegrationConfigDefaults,
    ) -> Self {
        self.integrations_config_defaults.get_or_insert_with(BTreeMap::new).insert(key.into(), defaults);
        self
    }
}

/// A connect session: its token goes to the frontend (`TokenSource`), nothing else does.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ConnectSession {
    /// The session token (`nango_connect_session_…`), valid for 30 minutes.
    pub token: String,
    /// A link to Nango's hosted Connect UI for this session.
    #[serde(default)]
    pub connect_link: Option<String>,
    /// When the token expires (RFC 3339).
    pub expires_at: String,
}

/// Never shows the token.
impl fmt::Debug for ConnectSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectSession").field("expires_at", &self.expires_at).finish_non_exhaustive()
    }
}

/// Filters of `GET /connections` (all optional).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ListConnections {
    /// Only this connection id.
    pub connection_id: Option<String>,
    /// A part of the connection id or of the end user's id, email or name.
    pub search: Option<String>,
    /// Only this end user's.
    pub end_user_id: Option<String>,
    /// Only this organization's.
    pub end_user_organization_id: Option<String>,
    /// Only these integrations'.
    pub integration_ids: Vec<String>,
    /// Only connections with all these tags.
    pub tags: BTreeMap<String, String>,
    /// At most this many (Nango: 1 to 2000).
    pub limit: Option<u32>,
    /// The page (with `limit`), from 0.
    pub page: Option<u32>,
}

impl ListConnections {
    /// No filter.
    pub fn new() -> Self {
        Self::default()
    }
    /// Only this connection id.
    pub fn connection_id(self, id: impl Into<String>) -> Self {
        Self { connection_id: Some(id.into()), ..self }
    }
    /// A part of the connection id or of the end user's id, email or name.
    pub fn search(self, text: impl Into<String>) -> Self {
        Self { search: Some(text.into()), ..self }
    }
    /// Only this end user's.
    pub fn end_user_id(self, id: impl Into<String>) -> Self {
        Self { end_user_id: Some(id.into()), ..self }
    }
    /// Only this organization's.
    pub fn end_user_organization_id(self, id: impl Into<String>) -> Self {
        Self { end_user_organization_id: Some(id.into()), ..self }
    }
    /// Only this integration's (repeat for several).
    pub fn integration_id(mut self, key: impl Into<String>) -> Self {
        self.integration_ids.push(key.into());
        self
    }
    /// Only connections with this tag (repeat: all must match).
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.insert(key.into(), value.into());
        self
    }
    /// At most this many.
    pub fn limit(self, limit: u32) -> Self {
        Self { limit: Some(limit), ..self }
    }
    /// The page, from 0.
    pub fn page(self, page: u32) -> Self {
        Self { page: Some(page), ..self }
    }

    pub(crate) fn query(&self) -> Vec<(String, String)> {
        let mut q = Vec::new();
        let mut push = |k: &str, v: Option<&String>| {
            if let Some(v) = v {
                q.push((k.to_owned(), v.clone()));
            }
        };
        push("connectionId", self.connection_id.as_ref());
        push("search", self.search.as_ref());
        push("endUserId", self.end_user_id.as_ref());
        push("endUserOrganizationId", self.end_user_organization_id.as_ref());
        if !self.integration_ids.is_empty() {
            q.push(("integrationId".to_owned(), self.integration_ids.join(",")));
        }
        for (k, v) in &self.tags {
            q.push((format!("tags[{k}]"), v.clone()));
        }
        if let Some(limit) = self.limit {
            q.push(("limit".to_owned(), limit.to_string()));
        }
        if let Some(page) = self.page {
            q.push(("page".to_owned(), page.to_string()));
        }
        q
    }
}

/// Options of `GET /connections/{id}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct GetConnection {
    /// Refresh the OAuth token now, even if it has not expired.
    pub force_refresh: bool,
    /// Include the refresh token in the credentials.
    pub refresh_token: bool,
}

impl GetConnection {
    /// No refresh, no refresh token.
    pub fn new() -> Self {
        Self::default()
    }
    /// Refreshes the OAuth token now.
    pub fn force_refresh(self, yes: bool) -> Self {
        Self { force_refresh: yes, ..self }
    }
    /// Includes the refresh token.
    pub fn refresh_token(self, yes: bool) -> Self {
        Self { refresh_token: yes, ..self }
    }
}

/// An error recorded on a connection.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ConnectionError {
    /// Its type (e.g. `auth`, `sync`).
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The log that tells more.
    #[serde(default)]
    pub log_id: String,
}

/// The end user of a connection, as Nango answers it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ConnectionEndUser {
    /// Your app's id of the user.
    pub id: String,
    /// Their email.
    #[serde(default)]
    pub email: Option<String>,
    /// Their name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Their tags.
    #[serde(default, deserialize_with = "null_default")]
    pub tags: BTreeMap<String, String>,
    /// Their organization.
    #[serde(default)]
    pub organization: Option<Organization>,
}

/// A connection as `GET /connections` lists it (no credentials).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Connection {
    /// Nango's numeric id.
    pub id: u64,
    /// The connection id (what webhooks and the frontend name).
    pub connection_id: String,
    /// The integration key.
    pub provider_config_key: String,
    /// The provider (e.g. `github`).
    pub provider: String,
    /// When it was created (RFC 3339).
    #[serde(default)]
    pub created: String,
    /// Its metadata (`null` in some of Nango's lists: read as empty).
    #[serde(default, deserialize_with = "null_default")]
    pub metadata: Map<String, Value>,
    /// Its tags.
    #[serde(default, deserialize_with = "null_default")]
    pub tags: BTreeMap<String, String>,
    /// Its errors.
    #[serde(default, deserialize_with = "null_default")]
    pub errors: Vec<ConnectionError>,
    /// Its end user.
    #[serde(default)]
    pub end_user: Option<ConnectionEndUser>,
}

#[derive(Deserialize)]
pub(crate) struct ConnectionList {
    pub(crate) connections: Vec<Connection>,
}

/// A connection with its credentials (`GET /connections/{id}`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ConnectionFull {
    /// Nango's numeric id.
    pub id: u64,
    /// The connection id.
    pub connection_id: String,
    /// The integration key.
    pub provider_config_key: String,
    /// The provider.
    pub provider: String,
    /// Its errors.
    #[serde(default, deserialize_with = "null_default")]
    pub errors: Vec<ConnectionError>,
    /// Its end user.
    #[serde(default)]
    pub end_user: Option<ConnectionEndUser>,
    /// Its metadata.
    #[serde(default, deserialize_with = "null_default")]
    pub metadata: Map<String, Value>,
    /// Its connection config (e.g. a subdomain).
    #[serde(default, deserialize_with = "null_default")]
    pub connection_config: Map<String, Value>,
    /// Its tags.
    #[serde(default, deserialize_with = "null_default")]
    pub tags: BTreeMap<String, String>,
    /// When it was created.
    #[serde(default)]
    pub created_at: String,
    /// When it was last changed.
    #[serde(default)]
    pub updated_at: String,
    /// When its credentials were last read.
    #[serde(default)]
    pub last_fetched_at: Option<String>,
    /// The credentials to call the provider with.
    pub credentials: Credentials,
}

/// A connection's credentials, by auth mode. `Debug` never shows a secret.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum Credentials {
    /// `OAUTH2`.
    OAuth2 {
        /// The access token.
        access_token: String,
        /// The refresh token (only with `GetConnection::new().refresh_token(true)`).
        refresh_token: Option<String>,
        /// When the access token expires (RFC 3339).
        expires_at: Option<String>,
        /// The provider's token response as is.
        raw: Map<String, Value>,
    },
    /// `API_KEY`.
    ApiKey {
        /// The key.
        api_key: String,
    },
    /// `BASIC`.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: String,
    },
    /// `NONE`: the integration needs no credentials.
    None,
    /// Any other auth mode, as Nango sent it (`type` included).
    Other(Map<String, Value>),
}

impl Credentials {
    /// The auth mode (`OAUTH2`, `API_KEY`, …).
    pub fn auth_mode(&self) -> &str {
        match self {
            Self::OAuth2 { .. } => "OAUTH2",
            Self::ApiKey { .. } => "API_KEY",
            Self::Basic { .. } => "BASIC",
            Self::None => "NONE",
            Self::Other(map) => map.get("type").and_then(Value::as_str).unwrap_or_default(),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credentials::{}(…)", self.auth_mode())
    }
}

impl<'de> Deserialize<'de> for Credentials {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let map = Map::<String, Value>::deserialize(d)?;
        let text = |key: &str| map.get(key).and_then(Value::as_str).map(str::to_owned);
        let required =
            |key: &str| text(key).ok_or_else(|| D::Error::custom(format!("credentials lack `{key}`")));
        Ok(match map.get("type").and_then(Value::as_str) {
            Some("OAUTH2") => Self::OAuth2 {
                access_token: required("access_token")?,
                refresh_token: text("refresh_token"),
                expires_at: text("expires_at"),
                raw: map.get("raw").and_then(Value::as_object).cloned().unwrap_or_default(),
            },
            Some("API_KEY") => Self::ApiKey { api_key: required("apiKey")? },
            Some("BASIC") => Self::Basic {
                username: text("username").unwrap_or_default(),
                password: text("password").unwrap_or_default(),
            },
            Some("NONE") => Self::None,
            _ => Self::Other(map),
        })
    }
}

/// `POST`/`PATCH /connections/metadata`'s body.
#[derive(Serialize)]
pub(crate) struct MetadataBody<'a> {
    pub(crate) connection_id: &'a [String],
    pub(crate) provider_config_key: &'a str,
    pub(crate) metadata: &'a Map<String, Value>,
}

/// An integration (`GET /integrations`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Integration {
    /// Its key (the `provider_config_key` of its connections).
    pub unique_key: String,
    /// Its provider.
    pub provider: String,
    /// Its name.
    #[serde(default)]
    pub display_name: String,
    /// Its logo URL.
    #[serde(default)]
    pub logo: Option<String>,
    /// Whether the provider's webhooks are forwarded.
    #[serde(default)]
    pub forward_webhooks: Option<bool>,
    /// When it was created.
    #[serde(default)]
    pub created_at: String,
    /// When it was last changed.
    #[serde(default)]
    pub updated_at: String,
}

/// A provider template (`GET /providers`): how its auth works and which fields it asks for.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Provider {
    /// Its name (e.g. `github`).
    pub name: String,
    /// Its display name.
    #[serde(default)]
    pub display_name: String,
    /// Its auth mode (`OAUTH2`, `API_KEY`, …).
    pub auth_mode: String,
    /// Its categories.
    #[serde(default, deserialize_with = "null_default")]
    pub categories: Vec<String>,
    /// Its documentation.
    #[serde(default)]
    pub docs: Option<String>,
    /// Its logo.
    #[serde(default)]
    pub logo_url: Option<String>,
    /// Every other field of the template (URLs, scopes, credential and config fields).
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

#[derive(Deserialize)]
pub(crate) struct Data<T> {
    pub(crate) data: T,
}
