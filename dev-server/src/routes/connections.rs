//! The connection endpoints a backend calls with the secret key, in Nango's shapes
//! (`dev-server/README.md`, "Develop your backend against the dev server"): list, get (with
//! `refresh_token` and `force_refresh`), import, delete, and the metadata endpoints. Each is served
//! under `/connection…` (Nango's deprecated paths) and `/connections…` (the current ones).

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::app::AppState;
use crate::clock::iso;
use crate::config::{AuthMode, is_valid_provider_config_key};
use crate::error::{ApiError, FieldError};
use crate::extract::{
    RawBody, Validator, is_valid_connection_id, parse_json, query_pairs, require_empty_query,
    require_json_content_type, require_object, require_secret_key,
};
use crate::ids::uuid_v4;
use crate::store::{Connection, NewConnection, derived_tags};
use crate::webhooks::{self, AuthOperation};

use super::oauth::refresh_access_token;

/// Nango's `ApiEndUser`: `{id, display_name, email, tags, organization}`, or `null`.
fn end_user_json(c: &Connection) -> Value {
    let Some(user) = &c.end_user else { return Value::Null };
    let field = |v: &Value, k: &str| v.get(k).cloned().unwrap_or(Value::Null);
    let organization = c
        .organization
        .as_ref()
        .map_or(Value::Null, |o| json!({ "id": field(o, "id"), "display_name": field(o, "display_name") }));
    json!({
        "id": field(user, "id"),
        "display_name": field(user, "display_name"),
        "email": field(user, "email"),
        "tags": field(user, "tags"),
        "organization": organization,
    })
}

/// The fields a listed connection and a full one share.
fn connection_fields(c: &Connection) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("id".into(), json!(c.id));
    fields.insert("connection_id".into(), json!(c.connection_id));
    fields.insert("provider_config_key".into(), json!(c.provider_config_key));
    fields.insert("provider".into(), json!(c.provider));
    fields.insert("errors".into(), json!([]));
    fields.insert("end_user".into(), end_user_json(c));
    fields.insert("tags".into(), json!(c.tags));
    let metadata = if c.metadata_null { Value::Null } else { json!(c.metadata) };
    fields.insert("metadata".into(), metadata);
    fields
}

/// An item of `GET /connections`: no credentials.
fn list_item(c: &Connection) -> Value {
    let mut item = connection_fields(c);
    item.insert("created".into(), json!(iso(c.created)));
    Value::Object(item)
}

/// `GET /connections/{id}`: Nango's `ApiPublicConnectionFull`. The refresh token is left out
/// of the credentials (and of `raw`) unless `refresh_token` is asked for, as in Nango.
fn full(c: &Connection, with_refresh_token: bool) -> Value {
    let mut credentials = c.credentials.clone();
    if !with_refresh_token && let Some(creds) = credentials.as_object_mut() {
        creds.remove("refresh_token");
        if let Some(raw) = creds.get_mut("raw").and_then(Value::as_object_mut) {
            raw.remove("refresh_token");
        }
    }
    let mut full = connection_fields(c);
    full.insert("connection_config".into(), json!(c.connection_config));
    full.insert("webhook_url_override".into(), Value::Null);
    full.insert("created_at".into(), json!(iso(c.created)));
    full.insert("updated_at".into(), json!(iso(c.updated)));
    full.insert("last_fetched_at".into(), json!(c.last_fetched.map(iso)));
    full.insert("credentials".into(), credentials);
    Value::Object(full)
}

/// Zod's `stringbool`, as Nango parses its boolean query parameters.
fn string_bool(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" | "y" | "enabled" => Some(true),
        "false" | "0" | "no" | "off" | "n" | "disabled" => Some(false),
        _ => None,
    }
}

/// The `{connectionId}` path segment: 400 `invalid_uri_params` unless it matches Nango's
/// `connectionIdSchema`.
fn connection_id_path(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    let invalid = |message: String| ApiError {
        errors: vec![FieldError::new("invalid_string", message, &["connectionId"])],
        ..ApiError::bad_request("invalid_uri_params", "The URL path is invalid").bare()
    };
    let Path(id) = path.map_err(|e| invalid(e.body_text()))?;
    if is_valid_connection_id(&id) { Ok(id) } else { Err(invalid("Invalid connection id".into())) }
}

/// A query of only `provider_config_key` (required) and the boolean flags in `flags`
/// (zod's `.strict()`): the key and the flags that are true.
fn key_and_flags(query: Option<&str>, flags: &[&str]) -> Result<(String, Vec<String>), ApiError> {
    let mut key = None;
    let mut set = Vec::new();
    let mut errors = Vec::new();
    for (k, v) in query_pairs(query) {
        if k == "provider_config_key" {
            if is_valid_provider_config_key(&v) {
                key = Some(v);
            } else {
                errors.push(FieldError::new("invalid_string", "Invalid integration key", &[&k]));
            }
        } else if flags.contains(&k.as_str()) {
            match string_bool(&v) {
                Some(true) => set.push(k),
                Some(false) => {}
                None => errors.push(FieldError::new("invalid_type", "Expected a boolean string", &[&k])),
            }
        } else {
            errors.push(FieldError::unrecognized(&k));
        }
    }
    match key {
        Some(key) if errors.is_empty() => Ok((key, set)),
        _ => {
            if key.is_none()
                && !errors.iter().any(|e| e.path.first().is_some_and(|p| p == "provider_config_key"))
            {
                errors.push(FieldError::invalid_type("string", None, &["provider_config_key"]));
            }
            Err(ApiError::invalid_query(errors))
        }
    }
}

/// `GET /connections` (and `/connection`), secret key → `{connections: [...]}`, oldest first.
/// Filters: `connectionId`, `search` (part of the connection id or of the end user's id,
/// email or name), `endUserId`, `endUserOrganizationId`, `integrationId` (comma list),
/// `tags[k]=v` (all must match), `limit` (1 to 2000), `page` (from 0).
pub(super) async fn list(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    require_secret_key(&state, &headers)?;
    let mut connection_id = None;
    let mut search = None;
    let mut integrations: Option<Vec<String>> = None;
    let mut end_user_id = None;
    let mut organization_id = None;
    let mut tags: Vec<(String, String)> = Vec::new();
    let mut limit = 10_000_usize;
    let mut page = 0_usize;
    let mut errors = Vec::new();
    for (k, v) in query_pairs(query.as_deref()) {
        let length_ok = !v.is_empty() && v.len() <= 255;
        let bad_length = || FieldError::new("too_small", "String must contain 1 to 255 character(s)", &[&k]);
        match k.as_str() {
            "connectionId" | "search" | "endUserId" | "endUserOrganizationId" | "integrationId"
                if !length_ok =>
            {
                errors.push(bad_length());
            }
            "connectionId" => connection_id = Some(v),
            "search" => search = Some(v.to_lowercase()),
            "endUserId" => end_user_id = Some(v),
            "endUserOrganizationId" => organization_id = Some(v),
            "integrationId" => integrations = Some(v.split(',').map(|s| s.trim().to_owned()).collect()),
            "limit" => match v.parse::<usize>() {
                Ok(n) if (1..=2000).contains(&n) => limit = n,
                Ok(0) => {
                    errors.push(FieldError::new("too_small", "Too small: expected number to be >=1", &[&k]))
                }
                _ => errors.push(FieldError::new("too_big", "Too big: expected number to be <=2000", &[&k])),
            },
            "page" => match v.parse::<usize>() {
                Ok(n) => page = n,
                Err(_) => errors.push(FieldError::new("invalid_type", "Expected a number from 0", &[&k])),
            },
            _ => match k.strip_prefix("tags[").and_then(|t| t.strip_suffix(']')) {
                Some(tag) if !tag.is_empty() && !v.is_empty() => tags.push((tag.to_lowercase(), v)),
                _ => errors.push(FieldError::unrecognized(&k)),
            },
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid_query(errors));
    }
    let user_field = |c: &Connection, k: &str| {
        c.end_user.as_ref().and_then(|u| u.get(k)).and_then(Value::as_str).map(str::to_owned)
    };
    // Newest first, as Nango orders by `created_at desc, id desc`.
    let connections: Vec<Value> = state.store.with_connections(|all| {
        all.iter()
            .rev()
            .filter(|c| connection_id.as_ref().is_none_or(|id| &c.connection_id == id))
            .filter(|c| integrations.as_ref().is_none_or(|keys| keys.contains(&c.provider_config_key)))
            .filter(|c| end_user_id.as_ref().is_none_or(|id| user_field(c, "id").as_ref() == Some(id)))
            .filter(|c| {
                organization_id.as_ref().is_none_or(|id| {
                    c.organization.as_ref().and_then(|o| o.get("id")).and_then(Value::as_str) == Some(id)
                })
            })
            .filter(|c| tags.iter().all(|(k, v)| c.tags.get(k).and_then(Value::as_str) == Some(v)))
            .filter(|c| {
                search.as_ref().is_none_or(|s| {
                    std::iter::once(Some(c.connection_id.clone()))
                        .chain(["id", "email", "display_name"].map(|k| user_field(c, k)))
                        .flatten()
                        .any(|text| text.to_lowercase().contains(s.as_str()))
                })
            })
            .skip(page.saturating_mul(limit))
            .take(limit)
            .map(list_item)
            .collect()
    });
    Ok(Json(json!({ "connections": connections })))
}

/// `GET /connections/{connectionId}?provider_config_key=KEY[&refresh_token][&force_refresh]`
/// (and `/connection/{id}`), secret key → the connection with its credentials. 400
/// `unknown_provider_config`, 404 `not_found`; with `force_refresh` an OAuth2 connection runs
/// a refresh-token grant at the fake provider: a refused refresh answers 400
/// `invalid_credentials` and sends the `refresh` webhook with `success: false`.
pub(super) async fn get_one(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    require_secret_key(&state, &headers)?;
    let (key, flags) =
        key_and_flags(query.as_deref(), &["refresh_token", "force_refresh", "refresh_github_app_jwt_token"])?;
    let connection_id = connection_id_path(path)?;
    if state.integration(&key).is_none() {
        return Err(ApiError::bad_request("unknown_provider_config", "Provider does not exists"));
    }
    let connection = state
        .store
        .find_connection(&key, &connection_id)
        .ok_or_else(|| ApiError::not_found("not_found", "Failed to find connection"))?;
    let has = |flag: &str| flags.iter().any(|f| f == flag);
    let refreshable = connection.auth_mode == AuthMode::OAuth2 && !connection.pending;
    if has("force_refresh") && refreshable {
        let refresh_token = connection
            .credentials
            .get("refresh_token")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        match refresh_access_token(&state, &refresh_token).await {
            Ok(credentials) => {
                state.store.update_connection(&key, &connection_id, |c| {
                    c.credentials = credentials;
                    c.updated = state.now();
                })?;
                state.log(format!("{key}: connection {connection_id} refreshed"));
            }
            Err(message) => {
                state.log(format!("{key}: refresh of {connection_id} failed: {message}"));
                let body = webhooks::auth_body(
                    &connection,
                    AuthOperation::Refresh,
                    Some(("refresh_token_external_error", &message)),
                );
                webhooks::send(&state, &body);
                return Err(ApiError::bad_request(
                    "invalid_credentials",
                    "The external API returned an error when trying to refresh the access token. Please try again later.",
                ));
            }
        }
    }
    let now = state.now();
    let fetched = state.store.update_connection(&key, &connection_id, |c| {
        c.last_fetched = Some(now);
        c.clone()
    })?;
    let connection = fetched.ok_or_else(|| ApiError::not_found("not_found", "Failed to find connection"))?;
    Ok(Json(full(&connection, has("refresh_token"))))
}

/// `DELETE /connections/{connectionId}?provider_config_key=KEY` (and `/connection/{id}`),
/// secret key → 200 `{success: true}`; 400 `unknown_connection` as Nango answers.
pub(super) async fn delete_one(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    require_secret_key(&state, &headers)?;
    let connection_id = connection_id_path(path)?;
    let (key, _) = key_and_flags(query.as_deref(), &[])?;
    if !state.store.delete_connection(&key, &connection_id) {
        return Err(ApiError::bad_request(
            "unknown_connection",
            format!("No connection {connection_id:?} for integration {key:?}"),
        )
        .bare());
    }
    state.log(format!("{key}: connection {connection_id} deleted"));
    Ok(Json(json!({ "success": true })))
}

/// Checks the `credentials` of an import as Nango's discriminated union does (by `type`, each
/// variant strict) and returns what to store.
fn import_credentials(
    value: Option<&Value>,
    errors: &mut Vec<FieldError>,
) -> Option<(String, Map<String, Value>)> {
    let Some(creds) = value.and_then(Value::as_object) else {
        errors.push(FieldError::new("invalid_type", "Expected object", &["credentials"]));
        return None;
    };
    let kind = creds.get("type").and_then(Value::as_str).unwrap_or_default().to_owned();
    let mut v = Validator::new(creds);
    match kind.as_str() {
        "OAUTH2" => {
            v.string("access_token", 1);
            v.optional_string("refresh_token", 1);
            if let Some(at) = v.optional_string("expires_at", 1)
                && humantime::parse_rfc3339_weak(&at).is_err()
            {
                v.errors.push(FieldError::new("invalid_date", "Invalid date", &["expires_at"]));
            }
            if creds.get("config_override").is_some_and(|c| !c.is_object()) {
                v.errors.push(FieldError::new("invalid_type", "Expected object", &["config_override"]));
            }
            v.deny_unknown(&["type", "access_token", "refresh_token", "expires_at", "config_override"]);
        }
        "API_KEY" => {
            v.string("apiKey", 1);
            v.deny_unknown(&["type", "apiKey"]);
        }
        "BASIC" => {
            v.string("username", 0);
            v.string("password", 0);
            v.deny_unknown(&["type", "username", "password"]);
        }
        "NONE" => v.deny_unknown(&["type"]),
        _ => v.errors.push(FieldError::new(
            "invalid_union_discriminator",
            "Expected 'OAUTH2' | 'API_KEY' | 'BASIC' | 'NONE' (the types the dev server imports)",
            &["type"],
        )),
    }
    let ok = v.errors.is_empty();
    errors.extend(v.errors.into_iter().map(|mut e| {
        e.path.insert(0, "credentials".into());
        e
    }));
    ok.then(|| (kind, creds.clone()))
}

/// `POST /connections` (secret key): imports a connection whose credentials the backend
/// already has (`{provider_config_key, connection_id?, credentials: {type, …}, metadata?,
/// connection_config?, end_user?, tags?}`) → 200 the connection, with its credentials, and the
/// auth webhook (`creation`, or `override` for an existing id). 404 `not_found` (integration),
/// 400 `invalid_body` (also a `type` other than the integration's auth mode),
/// `connection_test_failed` (API key and basic credentials the fake test refuses).
pub(super) async fn post_import(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: RawBody,
) -> Result<Response, ApiError> {
    require_json_content_type(&headers)?;
    require_secret_key(&state, &headers)?;
    require_empty_query(query.as_deref())?;
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
    let end_user = obj.get("end_user").and_then(|u| super::connect::end_user(u, &mut errors));
    if let Some(tags) = obj.get("tags") {
        super::connect::string_map(tags, "tags", &mut errors);
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
    } else if !super::credentials::passes_test(integration, &credentials) {
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

/// Sets (POST, 201) or merges (PATCH, 200) metadata on one connection or a list of them, all
/// or none; the answer echoes the body. 404 `unknown_connection`.
async fn metadata(
    state: &AppState,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &RawBody,
    replace: bool,
) -> Result<Response, ApiError> {
    require_json_content_type(headers)?;
    require_secret_key(state, headers)?;
    require_empty_query(query)?;
    let obj = require_object(parse_json(&body.0)?)?;
    let mut v = Validator::new(&obj);
    let key = v.string("provider_config_key", 1);
    if key.as_deref().is_some_and(|k| !is_valid_provider_config_key(k)) {
        v.errors.push(FieldError::new("invalid_string", "Invalid integration key", &["provider_config_key"]));
    }
    let ids: Vec<String> = match obj.get("connection_id") {
        Some(Value::String(id)) => vec![id.clone()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    let id_count = match obj.get("connection_id") {
        Some(Value::Array(list)) => list.len(),
        Some(_) => 1,
        None => 0,
    };
    if id_count == 0 || ids.len() != id_count || !ids.iter().all(|id| is_valid_connection_id(id)) {
        v.errors.push(FieldError::new(
            "invalid_union",
            "Expected a connection id or a list of connection ids",
            &["connection_id"],
        ));
    }
    let metadata = obj.get("metadata").and_then(Value::as_object).cloned();
    if metadata.is_none() {
        v.errors.push(FieldError::invalid_type("record", obj.get("metadata"), &["metadata"]));
    }
    v.deny_unknown(&["connection_id", "provider_config_key", "metadata"]);
    let (Some(key), Some(metadata), true) = (key, metadata, v.errors.is_empty()) else {
        return Err(ApiError::invalid_body(v.errors));
    };
    if let Err(missing) = state.store.set_metadata(&key, &ids, &metadata, replace)? {
        let mut message = format!(
            "Connection with connection id {missing} and provider config key {key} not found. Please make sure the connection exists in the Nango dashboard"
        );
        if ids.len() > 1 {
            message
                .push_str(". No actions were taken on any of the connections as a result of this failure.");
        }
        return Err(ApiError::not_found("unknown_connection", message));
    }
    let status = if replace { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(Value::Object(obj))).into_response())
}

/// `POST /connections/metadata` (and `/connection/metadata`): replaces the metadata.
pub(super) async fn post_metadata(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: RawBody,
) -> Result<Response, ApiError> {
    metadata(&state, query.as_deref(), &headers, &body, true).await
}

/// `PATCH /connections/metadata` (and `/connection/metadata`): merges into the metadata.
pub(super) async fn patch_metadata(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: RawBody,
) -> Result<Response, ApiError> {
    metadata(&state, query.as_deref(), &headers, &body, false).await
}

/// The deprecated `POST`/`PATCH /connection/{connectionId}/metadata`: the body is the metadata
/// object, the integration is the `Provider-Config-Key` header (or `provider_config_key`
/// query); 201 / 200 echoing the body, 404 `unknown_connection`.
async fn legacy_metadata(
    state: &AppState,
    path: Result<Path<String>, PathRejection>,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &RawBody,
    replace: bool,
) -> Result<Response, ApiError> {
    require_json_content_type(headers)?;
    require_secret_key(state, headers)?;
    let connection_id = connection_id_path(path)?;
    let from_query = query_pairs(query).into_iter().find(|(k, _)| k == "provider_config_key").map(|(_, v)| v);
    let from_header = headers.get("provider-config-key").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let Some(key) = from_query.or(from_header).filter(|k| is_valid_provider_config_key(k)) else {
        return Err(ApiError::bad_request(
            "missing_provider_config_key",
            "Missing the Provider-Config-Key header (or provider_config_key query)",
        ));
    };
    let metadata = require_object(parse_json(&body.0)?)?;
    if state.store.set_metadata(&key, &[connection_id], &metadata, replace)?.is_err() {
        return Err(ApiError::not_found(
            "unknown_connection",
            "No connection matching the provided params of 'connection_id' and 'provider_config_key'.",
        ));
    }
    let status = if replace { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(Value::Object(metadata))).into_response())
}

/// `POST /connection/{connectionId}/metadata`.
pub(super) async fn legacy_post_metadata(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: RawBody,
) -> Result<Response, ApiError> {
    legacy_metadata(&state, path, query.as_deref(), &headers, &body, true).await
}

/// `PATCH /connection/{connectionId}/metadata`.
pub(super) async fn legacy_patch_metadata(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: RawBody,
) -> Result<Response, ApiError> {
    legacy_metadata(&state, path, query.as_deref(), &headers, &body, false).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boolean_query_values_parse_as_zod_stringbool() {
        assert_eq!(string_bool("TRUE"), Some(true));
        assert_eq!(string_bool("0"), Some(false));
        assert_eq!(string_bool("maybe"), None);
    }

    #[test]
    fn the_key_is_required_and_unknown_flags_are_refused() {
        assert!(key_and_flags(Some("provider_config_key=a&force_refresh=true"), &["force_refresh"]).is_ok());
        for bad in
            ["", "force_refresh=true", "provider_config_key=a&x=1", "provider_config_key=a&force_refresh=2"]
        {
            let err = key_and_flags(Some(bad), &["force_refresh"]).err();
            assert_eq!(err.map(|e| e.code), Some("invalid_query_params"), "{bad}");
        }
    }
}
