//! The metadata endpoints: `POST`/`PATCH /connections/metadata` and the deprecated
//! `POST`/`PATCH /connection/{connectionId}/metadata`.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::app::AppState;
use crate::error::{ApiError, FieldError};
use crate::extract::{CheckedBody, JsonContentType, SecretJson, SecretKey, connection_id_path};
use crate::ids::{is_valid_connection_id, is_valid_provider_config_key};
use crate::schema::{Validator, parse_json, query_pairs, require_object};

/// The metadata handlers' `SET` for `POST`: the metadata is set.
pub(in crate::routes) const REPLACE: bool = true;
/// The metadata handlers' `SET` for `PATCH`: the metadata is merged into.
pub(in crate::routes) const MERGE: bool = false;

/// `POST` (`SET` = [`REPLACE`]) or `PATCH` ([`MERGE`]) `/connections/metadata` (and
/// `/connection/metadata`): sets (201) or merges into (200) the metadata of one connection or
/// a list of them, all or none; the answer echoes the body. 404 `unknown_connection`.
pub(in crate::routes) async fn metadata<const SET: bool>(
    State(state): State<Arc<AppState>>,
    CheckedBody(_, body): SecretJson,
) -> Result<Response, ApiError> {
    let replace = SET;
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

/// The deprecated `POST`/`PATCH /connection/{connectionId}/metadata`: the body is the metadata
/// object, the integration is the `Provider-Config-Key` header (or `provider_config_key`
/// query); 201 / 200 echoing the body, 404 `unknown_connection`.
pub(in crate::routes) async fn legacy_metadata<const SET: bool>(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    CheckedBody(_, body): CheckedBody<(JsonContentType, SecretKey)>,
) -> Result<Response, ApiError> {
    let replace = SET;
    let connection_id = connection_id_path(path)?;
    let from_query =
        query_pairs(query.as_deref()).into_iter().find(|(k, _)| k == "provider_config_key").map(|(_, v)| v);
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
