//! The axum extractors of the API: the checks Nango runs before a route's own code (JSON
//! content type, authentication, empty query, path parameters) and the body, each answering
//! Nango's error when it fails. A handler lists them in Nango's order: axum runs the
//! arguments left to right, and [`CheckedBody`] reads the body first and then runs its checks,
//! for the routes where Nango refuses an oversized body before anything else. What a value
//! must look like is [`crate::schema`]'s to say.

mod auth;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::error::{ApiError, FieldError};
use crate::ids::{is_valid_connection_id, is_valid_provider_config_key};
use crate::schema::require_empty_query;

pub(crate) use auth::{SecretKey, SessionOrSecret, SessionToken, authenticate_query, same_secret};

/// The raw request body, read up to the configured limit (413 `payload_too_large` beyond).
#[derive(Debug)]
pub(crate) struct RawBody(pub Bytes);

impl FromRequest<Arc<AppState>> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let limit = state.config.max_body_bytes;
        let too_large = || {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("The request body is larger than {limit} bytes"),
            )
        };
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        match axum::body::to_bytes(req.into_body(), limit).await {
            Ok(bytes) => Ok(Self(bytes)),
            Err(_) => Err(too_large()),
        }
    }
}

/// The body read first ([`RawBody`], 413 past the limit), then the checks `C` (one extractor
/// or a tuple of them, run left to right): `CheckedBody<(JsonContentType, SecretKey,
/// EmptyQuery)>` answers 413, then 415, then 401, then 400, as Nango does.
#[derive(Debug)]
pub(crate) struct CheckedBody<C>(pub C, pub RawBody);

impl<C> FromRequest<Arc<AppState>> for CheckedBody<C>
where
    C: FromRequestParts<Arc<AppState>>,
    C::Rejection: IntoResponse,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let raw = RawBody::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let checks = C::from_request_parts(&mut parts, state).await.map_err(IntoResponse::into_response)?;
        Ok(Self(checks, raw))
    }
}

/// The checks of a secret-key JSON endpoint, in Nango's order: the body (413), the content
/// type (415), the secret key (401), no query (400).
pub(crate) type SecretJson = CheckedBody<(JsonContentType, SecretKey, EmptyQuery)>;

/// The content type is absent or JSON, else 415 `invalid_content_type` (Nango's
/// `jsonContentTypeMiddleware`).
#[derive(Debug)]
pub(crate) struct JsonContentType;

impl<S: Send + Sync> FromRequestParts<S> for JsonContentType {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Self::check(&parts.headers)
    }
}

impl JsonContentType {
    /// The check itself, for a handler that must run something else first.
    pub(crate) fn check(headers: &HeaderMap) -> Result<Self, ApiError> {
        match headers.get(header::CONTENT_TYPE) {
            None => Ok(Self),
            Some(v) if v.to_str().is_ok_and(|s| s.starts_with("application/json")) => Ok(Self),
            Some(_) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "invalid_content_type",
                "Content-Type header must be application/json",
            )),
        }
    }
}

/// The query string is empty, else 400 `invalid_query_params` (Nango's `requireEmptyQuery`).
#[derive(Debug)]
pub(crate) struct EmptyQuery;

impl<S: Send + Sync> FromRequestParts<S> for EmptyQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        require_empty_query(parts.uri.query()).map(|()| Self)
    }
}

/// The `{key}` path segment of the auth endpoints, checked against Nango's
/// `providerConfigKeySchema` (400 `invalid_uri_params`).
#[derive(Debug)]
pub(crate) struct KeyPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for KeyPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let invalid = |message: String| invalid_uri_params("providerConfigKey", message);
        let Path(key) =
            Path::<String>::from_request_parts(parts, state).await.map_err(|e| invalid(e.body_text()))?;
        if is_valid_provider_config_key(&key) {
            Ok(Self(key))
        } else {
            Err(invalid("Invalid integration key".into()))
        }
    }
}

/// 400 `invalid_uri_params`: the path parameter `name` is not what Nango's schema accepts.
fn invalid_uri_params(name: &str, message: String) -> ApiError {
    ApiError {
        errors: vec![FieldError::new("invalid_string", message, &[name])],
        ..ApiError::bad_request("invalid_uri_params", "The URL path is invalid").bare()
    }
}

/// The `{connectionId}` path segment: 400 `invalid_uri_params` unless it matches Nango's
/// `connectionIdSchema`. A function, not an extractor: the routes check it after the query.
pub(crate) fn connection_id_path(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    let invalid = |message: String| invalid_uri_params("connectionId", message);
    let Path(id) = path.map_err(|e| invalid(e.body_text()))?;
    if is_valid_connection_id(&id) { Ok(id) } else { Err(invalid("Invalid connection id".into())) }
}

#[cfg(test)]
mod tests {
    use crate::{DevServerConfig, start};

    /// `POST /connect/sessions` answers its errors in Nango's order: an oversized body first,
    /// then the content type, then the secret key, then the query.
    #[tokio::test]
    async fn checked_bodies_answer_in_nangos_order() {
        let Ok(server) = start(DevServerConfig::for_tests()).await else { panic!("the server starts") };
        let url = format!("{}/connect/sessions", server.api_url());
        let http = reqwest::Client::new();
        let huge = "x".repeat(server.config().max_body_bytes + 1);
        let send = |url: String, body: String, content_type: &'static str, secret: Option<String>| {
            let mut request = http.post(url).header("content-type", content_type).body(body);
            if let Some(secret) = secret {
                request = request.bearer_auth(secret);
            }
            async move {
                let Ok(res) = request.send().await else { panic!("the request is answered") };
                let status = res.status().as_u16();
                let body: serde_json::Value = res.json().await.unwrap_or_default();
                (status, body["error"]["code"].as_str().unwrap_or_default().to_owned())
            }
        };
        let secret = Some(server.secret_key().to_owned());
        let query = format!("{url}?x=1");
        assert_eq!(send(query.clone(), huge, "text/plain", None).await, (413, "payload_too_large".into()));
        assert_eq!(
            send(query.clone(), "{}".into(), "text/plain", None).await,
            (415, "invalid_content_type".into())
        );
        assert_eq!(
            send(query.clone(), "{".into(), "application/json", None).await,
            (401, "missing_auth_header".into())
        );
        assert_eq!(
            send(query, "{".into(), "application/json", secret.clone()).await,
            (400, "invalid_query_params".into())
        );
        assert_eq!(send(url, "{".into(), "application/json", secret).await, (400, "invalid_json".into()));
        server.shutdown().await;
    }
}
