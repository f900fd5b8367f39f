//! # nango-backend
//!
//! [Nango](https://nango.dev) for Rust backends: what `@nangohq/node` is for Node. A typed async
//! client for the secret-key API (connect sessions, connections and their credentials and
//! metadata, integrations, providers), webhook verification with typed events, and, with the
//! `axum` feature, the endpoint behind the frontend kit's `TokenSource::backend` in one line.
//! Built on reqwest with rustls (no OpenSSL).
//!
//! ```no_run
//! use nango_backend::{ConnectSessionRequest, EndUser, Nango};
//!
//! # async fn run() -> Result<(), nango_backend::Error> {
//! let nango = Nango::new(std::env::var("NANGO_SECRET_KEY").unwrap_or_default());
//! let session = nango
//!     .create_connect_session(
//!         &ConnectSessionRequest::new(EndUser::new("user-123").email("ada@example.com"))
//!             .allowed_integrations(["github"]),
//!     )
//!     .await?;
//! // Hand `session.token` to the frontend; Nango's webhook then names the new connection.
//! # let _ = session; Ok(()) }
//! ```
//!
//! Errors are [`Error`]: Nango's own (`{"error": {"code", …}}`, as [`ApiError`] with an
//! [`ErrorCode`]), the network's, or an answer of the wrong shape. No call panics on what the
//! network sends, and every request has a timeout (30 s unless you give your own
//! [`reqwest::Client`]).
//!
//! Develop against the local dev server (`cargo install nango-dev-server`): its API emulates
//! these endpoints and sends the auth webhooks signed as Nango signs them.

#![deny(missing_docs, missing_debug_implementations)]

#[cfg(feature = "axum")]
pub mod axum;
mod error;
mod types;
mod webhook;

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub use error::{ApiError, Error, ErrorCode, FieldIssue};
pub use types::*;
pub use webhook::{
    AuthEvent, AuthOperation, SIGNATURE_HEADER, WebhookEndUser, WebhookError, WebhookEvent, WebhookFailure,
    verify_signature, verify_webhook,
};

/// Nango Cloud's API.
pub const CLOUD_HOST: &str = "https://api.nango.dev";
/// The timeout of each request with the default HTTP client.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A client of Nango's secret-key API. Cheap to clone (the HTTP client is shared). `Debug`
/// never shows the keys.
#[derive(Clone)]
pub struct Nango {
    host: String,
    secret_key: String,
    webhook_signing_key: Option<String>,
    http: reqwest::Client,
}

impl fmt::Debug for Nango {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Nango")
            .field("host", &self.host)
            .field("webhook_signing_key", &self.webhook_signing_key.as_ref().map(|_| "…"))
            .finish_non_exhaustive()
    }
}

impl Nango {
    /// A client of Nango Cloud with this environment's secret key.
    pub fn new(secret_key: impl Into<String>) -> Self {
        let http = reqwest::Client::builder()
            .timeout(DEFAULT_TIMEOUT)
            .connect_timeout(Duration::from_secs(10))
            .build()
            // Building fails only when the TLS backend cannot start; reqwest's default client
            // then fails each request with that error instead of panicking here.
            .unwrap_or_default();
        Self { host: CLOUD_HOST.to_owned(), secret_key: secret_key.into(), webhook_signing_key: None, http }
    }

    /// A client from the environment: `NANGO_SECRET_KEY` (required), `NANGO_HOST` (default
    /// Nango Cloud) and `NANGO_WEBHOOK_SIGNING_KEY` (optional), the Node SDK's names.
    pub fn from_env() -> Result<Self, Error> {
        let key = std::env::var("NANGO_SECRET_KEY")
            .map_err(|_| Error::Config("NANGO_SECRET_KEY is not set".into()))?;
        let mut nango = Self::new(key);
        if let Ok(host) = std::env::var("NANGO_HOST") {
            nango = nango.host(&host)?;
        }
        if let Ok(key) = std::env::var("NANGO_WEBHOOK_SIGNING_KEY") {
            nango = nango.webhook_signing_key(key);
        }
        Ok(nango)
    }

    /// Talks to this Nango instead of Cloud: a self-hosted server's URL (with its base path, if
    /// any) or the dev server's (`http://127.0.0.1:3003`).
    pub fn host(self, host: &str) -> Result<Self, Error> {
        let mut url = Url::parse(host).map_err(|e| Error::Config(format!("host {host:?}: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
            return Err(Error::Config(format!("host {host:?}: not an http(s) URL")));
        }
        url.set_query(None);
        url.set_fragment(None);
        Ok(Self { host: url.into(), ..self })
    }

    /// The key that signs this environment's webhooks (for [`Nango::verify_webhook`]).
    pub fn webhook_signing_key(self, key: impl Into<String>) -> Self {
        Self { webhook_signing_key: Some(key.into()), ..self }
    }

    /// Uses this HTTP client (its timeouts, proxy, TLS settings) instead of the default.
    pub fn http_client(self, http: reqwest::Client) -> Self {
        Self { http, ..self }
    }

    /// The API's URL.
    pub fn host_url(&self) -> &str {
        &self.host
    }

    // ---- Connect sessions ------------------------------------------------------------------

    /// `POST /connect/sessions`: a session token for the frontend (Connect UI or headless auth).
    pub async fn create_connect_session(
        &self,
        request: &ConnectSessionRequest,
    ) -> Result<ConnectSession, Error> {
        let data: Data<ConnectSession> =
            self.send(Method::POST, &["connect", "sessions"], &[], Some(request)).await?;
        Ok(data.data)
    }

    /// `POST /connect/sessions/reconnect`: a session that re-authorizes one connection.
    pub async fn create_reconnect_session(
        &self,
        request: &ReconnectSessionRequest,
    ) -> Result<ConnectSession, Error> {
        let data: Data<ConnectSession> =
            self.send(Method::POST, &["connect", "sessions", "reconnect"], &[], Some(request)).await?;
        Ok(data.data)
    }

    // ---- Connections -----------------------------------------------------------------------

    /// `GET /connections`, oldest first, with filters.
    pub async fn list_connections(&self, filter: &ListConnections) -> Result<Vec<Connection>, Error> {
        let list: ConnectionList =
            self.send(Method::GET, &["connections"], &filter.query(), None::<&()>).await?;
        Ok(list.connections)
    }

    /// `GET /connections/{id}`: one connection with its credentials; `options` can force a
    /// token refresh (`force_refresh`) and include the refresh token.
    pub async fn get_connection(
        &self,
        provider_config_key: &str,
        connection_id: &str,
        options: GetConnection,
    ) -> Result<ConnectionFull, Error> {
        let mut query = vec![("provider_config_key".to_owned(), provider_config_key.to_owned())];
        if options.force_refresh {
            query.push(("force_refresh".to_owned(), "true".to_owned()));
        }
        if options.refresh_token {
            query.push(("refresh_token".to_owned(), "true".to_owned()));
        }
        self.send(Method::GET, &["connections", connection_id], &query, None::<&()>).await
    }

    /// `DELETE /connections/{id}`.
    pub async fn delete_connection(
        &self,
        provider_config_key: &str,
        connection_id: &str,
    ) -> Result<(), Error> {
        let query = [("provider_config_key".to_owned(), provider_config_key.to_owned())];
        let _: Value =
            self.send(Method::DELETE, &["connections", connection_id], &query, None::<&()>).await?;
        Ok(())
    }

    /// The metadata of a connection (read with [`get_connection`](Self::get_connection)).
    pub async fn get_metadata(
        &self,
        provider_config_key: &str,
        connection_id: &str,
    ) -> Result<Map<String, Value>, Error> {
        Ok(self.get_connection(provider_config_key, connection_id, GetConnection::new()).await?.metadata)
    }

    /// `POST /connections/metadata`: replaces the metadata of these connections (all or none).
    pub async fn set_metadata(
        &self,
        provider_config_key: &str,
        connection_ids: &[String],
        metadata: &Map<String, Value>,
    ) -> Result<(), Error> {
        self.metadata(Method::POST, provider_config_key, connection_ids, metadata).await
    }

    /// `PATCH /connections/metadata`: merges into the metadata of these connections.
    pub async fn update_metadata(
        &self,
        provider_config_key: &str,
        connection_ids: &[String],
        metadata: &Map<String, Value>,
    ) -> Result<(), Error> {
        self.metadata(Method::PATCH, provider_config_key, connection_ids, metadata).await
    }

    /// `POST` (replace) or `PATCH` (merge) `/connections/metadata`.
    async fn metadata(
        &self,
        method: Method,
        provider_config_key: &str,
        connection_ids: &[String],
        metadata: &Map<String, Value>,
    ) -> Result<(), Error> {
        let body = MetadataBody { connection_id: connection_ids, provider_config_key, metadata };
        let _: Value = self.send(method, &["connections", "metadata"], &[], Some(&body)).await?;
        Ok(())
    }

    // ---- Integrations and providers --------------------------------------------------------

    /// `GET /integrations`.
    pub async fn list_integrations(&self) -> Result<Vec<Integration>, Error> {
        let data: Data<Vec<Integration>> =
            self.send(Method::GET, &["integrations"], &[], None::<&()>).await?;
        Ok(data.data)
    }

    /// `GET /integrations/{uniqueKey}`.
    pub async fn get_integration(&self, unique_key: &str) -> Result<Integration, Error> {
        let data: Data<Integration> =
            self.send(Method::GET, &["integrations", unique_key], &[], None::<&()>).await?;
        Ok(data.data)
    }

    /// `GET /providers`, optionally those whose name contains `search`.
    pub async fn list_providers(&self, search: Option<&str>) -> Result<Vec<Provider>, Error> {
        let query: Vec<_> = search.map(|s| ("search".to_owned(), s.to_owned())).into_iter().collect();
        let data: Data<Vec<Provider>> = self.send(Method::GET, &["providers"], &query, None::<&()>).await?;
        Ok(data.data)
    }

    /// `GET /providers/{provider}`.
    pub async fn get_provider(&self, provider: &str) -> Result<Provider, Error> {
        let data: Data<Provider> = self.send(Method::GET, &["providers", provider], &[], None::<&()>).await?;
        Ok(data.data)
    }

    // ---- Webhooks --------------------------------------------------------------------------

    /// Verifies a webhook with the configured signing key (the raw body, before any parsing)
    /// and parses it. See [`verify_webhook`](crate::verify_webhook()).
    pub fn verify_webhook(&self, raw_body: &[u8], headers: &HeaderMap) -> Result<WebhookEvent, WebhookError> {
        let key = self.webhook_signing_key.as_deref().ok_or(WebhookError::NoSigningKey)?;
        verify_webhook(key, raw_body, headers)
    }

    // ---- Transport -------------------------------------------------------------------------

    fn url(&self, segments: &[&str], query: &[(String, String)]) -> Result<Url, Error> {
        let mut url =
            Url::parse(&self.host).map_err(|e| Error::Config(format!("host {}: {e}", self.host)))?;
        {
            let mut path = url
                .path_segments_mut()
                .map_err(|()| Error::Config(format!("host {}: not a base URL", self.host)))?;
            path.pop_if_empty();
            // Each segment percent-encoded: a connection id with `/` or `?` stays one segment.
            path.extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        segments: &[&str],
        query: &[(String, String)],
        body: Option<&impl Serialize>,
    ) -> Result<T, Error> {
        let mut request = self.http.request(method, self.url(segments, query)?).bearer_auth(&self.secret_key);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(Error::Network)?;
        let status = response.status().as_u16();
        let text = response.text().await.map_err(Error::Network)?;
        let unexpected =
            |reason: String| Error::UnexpectedResponse { status, reason, snippet: error::snippet(&text) };
        let value: Value = match serde_json::from_str(&text) {
            Ok(value) => value,
            // 204 and other empty successes.
            Err(_) if text.is_empty() && (200..300).contains(&status) => Value::Null,
            Err(e) => return Err(unexpected(format!("not JSON: {e}"))),
        };
        // Any body with an `error` object is a failure, whatever the status (Nango's TBA
        // endpoint answers some with 200).
        if let Some(api) = error::api_error(status, &value) {
            return Err(Error::Api(Box::new(api)));
        }
        if !(200..300).contains(&status) {
            return Err(unexpected("an error status without Nango's error object".into()));
        }
        serde_json::from_value(value).map_err(|e| unexpected(e.to_string()))
    }
}
