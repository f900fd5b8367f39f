//! The credential endpoints of `docs/protocol.md` §3 (no popup): body validation per endpoint, the
//! fake connection test, and the stored connection.

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::app::AppState;
use crate::config::{AuthMode, IntegrationConfig};
use crate::error::{ApiError, FieldError};
use crate::extract::{JsonContentType, KeyPath, RawBody, authenticate_query};
use crate::ids::{is_uuid_v4, uuid_v4};
use crate::schema::{AuthQuery, Validator, check_connection_id, parse_json, require_empty, require_object};
use crate::store::NewConnection;
use crate::webhooks;

/// Which credential endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    ApiKey,
    Basic,
    Jwt,
    Tba,
    TwoStep,
    Signature,
    AwsSigV4,
    Bill,
    OAuth2Cc,
    Unauthenticated,
    Outbound,
}

impl Kind {
    fn auth_mode(self) -> AuthMode {
        match self {
            Self::ApiKey => AuthMode::ApiKey,
            Self::Basic => AuthMode::Basic,
            Self::Jwt => AuthMode::Jwt,
            Self::Tba => AuthMode::Tba,
            Self::TwoStep => AuthMode::TwoStep,
            Self::Signature => AuthMode::Signature,
            Self::AwsSigV4 => AuthMode::AwsSigV4,
            Self::Bill => AuthMode::Bill,
            Self::OAuth2Cc => AuthMode::OAuth2Cc,
            Self::Unauthenticated => AuthMode::None,
            Self::Outbound => AuthMode::OAuth2,
        }
    }

    /// Validates the body as Nango's controller for this endpoint does and returns the
    /// credentials to test and store.
    fn validate(self, body: Option<Value>) -> Result<Map<String, Value>, ApiError> {
        match self {
            Self::Unauthenticated => {
                require_empty(body)?;
                return Ok(Map::new());
            }
            // Nango does not look at the body of an outbound installation.
            Self::Outbound => return Ok(Map::new()),
            // Nango checks the client credentials by hand, with dedicated codes.
            Self::OAuth2Cc => return validate_client_credentials(body),
            _ => {}
        }
        let obj = require_object(body)?;
        let mut v = Validator::new(&obj);
        match self {
            Self::ApiKey => {
                v.string("apiKey", 1);
                v.deny_unknown(&["apiKey"]);
            }
            Self::Basic => {
                // As Nango: both keys, strings (empty allowed).
                v.string("username", 0);
                v.string("password", 0);
                v.deny_unknown(&["username", "password"]);
            }
            Self::Tba => {
                v.string("token_id", 1);
                v.string("token_secret", 1);
                v.optional_string("oauth_client_id_override", 0);
                v.optional_string("oauth_client_secret_override", 0);
                v.deny_unknown(&[
                    "token_id",
                    "token_secret",
                    "oauth_client_id_override",
                    "oauth_client_secret_override",
                ]);
            }
            Self::Signature => {
                v.string("username", 1);
                v.string("password", 1);
                v.string("type", 1);
                v.deny_unknown(&["username", "password", "type"]);
            }
            Self::AwsSigV4 => {
                v.string("role_arn", 1);
                if let Some(region) = v.optional_string("region", 1)
                    && (region.len() > 64
                        || !region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
                {
                    v.errors.push(FieldError::new(
                        "invalid_string",
                        "AWS region must contain only lowercase letters, digits, and hyphens",
                        &["region"],
                    ));
                }
                v.deny_unknown(&["role_arn", "region"]);
            }
            Self::Bill => {
                for field in ["username", "password", "organization_id", "dev_key"] {
                    v.string(field, 1);
                }
                v.deny_unknown(&["username", "password", "organization_id", "dev_key"]);
            }
            // Loose objects: any fields, passed on as given.
            Self::Jwt | Self::TwoStep => {}
            Self::Unauthenticated | Self::Outbound | Self::OAuth2Cc => {}
        }
        v.finish()?;
        Ok(obj)
    }
}

fn validate_client_credentials(body: Option<Value>) -> Result<Map<String, Value>, ApiError> {
    let obj = match body {
        None => Map::new(),
        other => require_object(other)?,
    };
    let mut v = Validator::new(&obj);
    let client_id = v.optional_string("client_id", 0);
    let secret = v.optional_string("client_secret", 0);
    let private_key = v.optional_string("client_private_key", 0);
    v.optional_string("client_certificate", 0);
    v.finish()?;
    if client_id.is_none_or(|c| c.is_empty()) {
        return Err(ApiError::bad_request("missing_client_id", "Missing client_id in the request body"));
    }
    if secret.is_none_or(|s| s.is_empty()) && private_key.is_none_or(|k| k.is_empty()) {
        return Err(ApiError::bad_request(
            "missing_client_secret",
            "Missing client_secret (or client_private_key) in the request body",
        ));
    }
    Ok(obj)
}

/// The fake connection test: passes when the body holds every field of one accepted set.
pub(super) fn passes_test(integration: &IntegrationConfig, credentials: &Map<String, Value>) -> bool {
    integration.valid_credentials.is_empty()
        || integration
            .valid_credentials
            .iter()
            .any(|set| set.iter().all(|(k, v)| credentials.get(k) == Some(v)))
}

/// One handler for every credential endpoint, in Nango's order of checks: content type,
/// authentication, body, query, integration, auth mode, allowed integrations, reconnect,
/// connection test.
pub(super) async fn handle(
    kind: Kind,
    State(state): State<Arc<AppState>>,
    KeyPath(key): KeyPath,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: RawBody,
) -> Result<Response, ApiError> {
    if let Some(status) = state.store.faults().credential_status {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return Err(ApiError::new(status, "server_error", "An unexpected error occurred (fault injected)"));
    }
    JsonContentType::check(&headers)?;
    let q = AuthQuery::parse(query.as_deref());
    let caller = authenticate_query(&state, &q)?;
    let credentials = kind.validate(parse_json(&body.0)?)?;

    check_connection_id(caller.session().is_some(), &q)?;
    let integration = state.integration(&key).ok_or_else(|| ApiError::unknown_provider_config(&key))?;
    if integration.auth_mode != kind.auth_mode() {
        return Err(ApiError::bad_request(
            "invalid_auth_mode",
            format!(
                "Integration {key:?} uses auth mode {}, not {}",
                integration.auth_mode.as_str(),
                kind.auth_mode().as_str()
            ),
        )
        .bare());
    }
    let session = caller.session();
    if session.is_some_and(|s| !s.allows(&key)) {
        return Err(ApiError::bad_request(
            "integration_not_allowed",
            format!("Integration {key:?} is not allowed by this connect session"),
        )
        .bare());
    }
    let mut connection_id = q.connection_id.clone().unwrap_or_else(uuid_v4);
    let mut reconnected = None;
    if let Some(reconnect) = session.and_then(|s| s.settings.reconnect_connection_id.as_ref()) {
        let Some(existing) = state.store.find_connection(&key, reconnect) else {
            return Err(ApiError::bad_request(
                "invalid_connection",
                "The connection being reconnected no longer exists",
            )
            .bare());
        };
        reconnected = Some(existing);
        connection_id = reconnect.clone();
    }

    if !passes_test(integration, &credentials) {
        state.log(format!("{key}: connection test failed"));
        if kind == Kind::Tba {
            // Nango quirk, reproduced on purpose: `/auth/tba` reports a failed credential
            // test with HTTP 200 and an `error` object in the body (code
            // `invalid_credentials`). Clients must treat any body with `error` as a failure.
            return Ok(Json(json!({
                "error": {
                    "code": "invalid_credentials",
                    "message": "The provided credentials did not succeed in a test API call",
                }
            }))
            .into_response());
        }
        return Err(ApiError::bad_request(
            "connection_test_failed",
            "The credentials are invalid: the connection test call was rejected",
        ));
    }

    let mut connection_config = q.params_object();
    if let Some(s) = session {
        connection_config.extend(s.connection_config_defaults(&key));
    }
    if kind == Kind::AwsSigV4 {
        // As Nango: the reconnected connection's external id, else the client's when it is a
        // UUID (the Connect UI shows it for the role's trust policy), else a new one.
        let stored = reconnected.as_ref().and_then(|c| c.connection_config.get("external_id")).cloned();
        let given = connection_config
            .get("external_id")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|id| is_uuid_v4(id))
            .map(|id| json!(id));
        connection_config.insert("external_id".into(), stored.or(given).unwrap_or_else(|| json!(uuid_v4())));
    }
    let mut stored = Map::new();
    stored.insert("type".into(), json!(integration.auth_mode.as_str()));
    stored.extend(credentials);
    // Two-step: `assertionOption` signs the token request; Nango does not keep it.
    stored.remove("assertionOption");
    let (connection, upsert) = state.store.upsert_connection(NewConnection {
        integration,
        connection_id,
        end_user: session.and_then(|s| s.settings.end_user.clone()),
        organization: session.and_then(|s| s.settings.organization.clone()),
        tags: session.map(|s| s.settings.connection_tags()),
        connection_config,
        credentials: Value::Object(stored),
        pending: kind == Kind::Outbound,
    })?;
    state.log(format!(
        "{key}: connection {} stored ({})",
        connection.connection_id,
        integration.auth_mode.as_str()
    ));
    if !connection.pending {
        webhooks::send(&state, &webhooks::auth_body(&connection, upsert.into(), None));
    }
    Ok((
        StatusCode::OK,
        Json(json!({
            "connectionId": connection.connection_id,
            "providerConfigKey": key,
        })),
    )
        .into_response())
}
