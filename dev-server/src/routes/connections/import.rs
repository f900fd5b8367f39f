//! `POST /connections`: imports a connection whose credentials the backend already has.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::views::full;
use crate::app::AppState;
use crate::error::{ApiError, FieldError};
use crate::extract::{CheckedBody, SecretJson};
use crate::ids::{is_valid_connection_id, uuid_v4};
use crate::schema::{Validator, end_user, import_credentials, parse_json, require_object, string_map};
use crate::store::{NewConnection, derived_tags};
use crate::webhooks;

/// `POST /connections` (secret key): imports a connection whose credentials the backend
/// already has (`{provider_config_key, connection_id?, credentials: {type, …}, metadata?,
/// connection_config?, end_user?, tags?}`) → 200 the connection, with its credentials, and the
/// auth webhook (`creation`, or `override` for an existing id). 404 `not_found` (integration),
/// 400 `invalid_body` (also a `type` other than the integration's auth mode),
/// `connection_test_failed` (API key and basic credentials the fake test refuses).
pub(in crate::routes) async fn post_import(
    State(state): State<Arc<AppState>>,
    CheckedBody(_, body): SecretJson,
) -> Result<Response, ApiError> {
    let obj = require_object(parse_json(&body.0)?)?;
    let mut v = Validator::new(&obj);
    let key = v.string("provider_config_key", 0);
    let connection_id = v.optional_string("connection_id", 1);
    if connection_id.as_deref().is_some_and(|id| !is_valid_connection_id(id)) {
        v.errors.push(FieldError::new("invalid_string", "Invalid connection id", &["connection_id"]));
    }
    v.optional_string("webhook_url_override", 0);
    for field in ["metadata", "connection_config"] {
        if obj.get(field).is_some_and(|m| !m.is_object()) {
            v.errors.push(FieldError::new("invalid_type", "Expected object", &[field]));
        }
    }
    v.deny_unknown(&[
        "provider_config_key",
        "metadata",
        "connection_config",
        "webhook_url_override",
        "connection_id",
        "credentials",
        "end_user",
        "tags",
    ]);
    let mut errors = v.errors;
    let credentials = import_credentials(obj.get("credentials"), &mut errors);
    let end_user = obj.get("end_user").and_then(|u| end_user(u, &mut errors));
    if let Some(tags) = obj.get("tags") {
        string_map(tags, "tags", &mut errors);
    }
    let (Some(key), Some((kind, credentials)), true) = (key, credentials, errors.is_empty()) else {
        return Err(ApiError::invalid_body(errors));
    };
    let integration = state
        .integration(&key)
        .ok_or_else(|| ApiError::not_found("not_found", "Integration does not exist"))?;
    if integration.auth_mode.as_str() != kind {
        return Err(ApiError::bad_request(
            "invalid_body",
            format!("Provider {} does not support {kind} auth", integration.auth_mode.as_str()),
        ));
    }
    let mut stored = credentials.clone();
    if kind == "OAUTH2" {
        stored.insert("raw".into(), Value::Object(credentials));
    } else if !crate::routes::credentials::passes_test(integration, &credentials) {
        return Err(ApiError::bad_request(
            "connection_test_failed",
            "The credentials are invalid: the connection test call was rejected",
        ));
    }
    let tags = obj.get("tags").and_then(Value::as_object);
    let (connection, upsert) = state.store.upsert_connection(NewConnection {
        integration,
        connection_id: connection_id.unwrap_or_else(uuid_v4),
        tags: Some(derived_tags(end_user.as_ref(), None, tags)),
        end_user,
        organization: None,
        connection_config: obj
            .get("connection_config")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
        credentials: Value::Object(stored),
        pending: false,
    })?;
    let metadata = obj.get("metadata").and_then(Value::as_object).cloned().unwrap_or_default();
    let id = connection.connection_id.clone();
    let _ = state.store.set_metadata(&key, std::slice::from_ref(&id), &metadata, true)?;
    state.log(format!("{key}: connection {id} imported ({kind})"));
    // Nango's import hook names no end user.
    let mut hook = webhooks::auth_body(&connection, upsert.into(), None);
    if let Some(obj) = hook.as_object_mut() {
        obj.remove("endUser");
    }
    webhooks::send(&state, &hook);
    let mut connection = state.store.find_connection(&key, &id).unwrap_or(connection);
    // Nango answers 201 with the credentials just stored, fetched now.
    connection.last_fetched.get_or_insert_with(|| state.now());
    Ok((StatusCode::CREATED, Json(full(&connection, true))).into_response())
}
