//! `GET /connection` (alias `/connections`) and `GET /connection/{id}`: what was stored, with
//! the secret key, in Nango's shapes.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use serde_json::{Value, json};

use crate::error::{ApiError, FieldError};
use crate::extract::{query_pairs, require_secret_key};
use crate::state::{AppState, Connection, iso, lock};

fn public_json(c: &Connection) -> Value {
    json!({
        "id": c.id,
        "connection_id": c.connection_id,
        "provider_config_key": c.provider_config_key,
        "provider": c.provider,
        "errors": [],
        "end_user": c.end_user,
        "tags": c.tags,
        "metadata": null,
        "created": iso(c.created),
    })
}

/// `GET /connection?connectionId=&integrationId=a,b&endUserId=` (secret key) →
/// `{connections: [{id, connection_id, provider_config_key, provider, errors, end_user, tags,
/// metadata, created}]}`, oldest first.
pub(super) async fn list(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    require_secret_key(&state, &headers)?;
    let mut connection_id = None;
    let mut integrations: Option<Vec<String>> = None;
    let mut end_user_id = None;
    let mut errors = Vec::new();
    for (k, v) in query_pairs(query.as_deref()) {
        match k.as_str() {
            "connectionId" => connection_id = Some(v),
            "integrationId" => {
                integrations = Some(v.split(',').map(|s| s.trim().to_owned()).collect());
            }
            "endUserId" => end_user_id = Some(v),
            "search" | "limit" | "page" | "endUserOrganizationId" => {}
            _ => errors.push(FieldError::new("unrecognized_keys", "Unrecognized key", &[&k])),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid_query(errors));
    }
    let connections: Vec<Value> = lock(&state.connections)
        .iter()
        .filter(|c| connection_id.as_ref().is_none_or(|id| &c.connection_id == id))
        .filter(|c| integrations.as_ref().is_none_or(|keys| keys.contains(&c.provider_config_key)))
        .filter(|c| {
            end_user_id.as_ref().is_none_or(|id| {
                c.end_user.as_ref().and_then(|u| u.get("id")).and_then(Value::as_str) == Some(id.as_str())
            })
        })
        .map(public_json)
        .collect();
    Ok(Json(json!({ "connections": connections })))
}

/// `GET /connection/{connection_id}?provider_config_key=KEY` (secret key) → the connection
/// with its `credentials` and `connection_config`; 404 `unknown_connection`.
pub(super) async fn get_one(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    require_secret_key(&state, &headers)?;
    let Path(connection_id) =
        path.map_err(|e| ApiError::bad_request("invalid_uri_params", format!("Invalid connection id: {e}")))?;
    let key = query_pairs(query.as_deref())
        .into_iter()
        .find(|(k, _)| k == "provider_config_key")
        .map(|(_, v)| v)
        .ok_or_else(|| {
            ApiError::invalid_query(vec![FieldError::new(
                "invalid_type",
                "Required",
                &["provider_config_key"],
            )])
        })?;
    let connection = state.find_connection(&key, &connection_id).ok_or_else(|| {
        ApiError::not_found(
            "unknown_connection",
            format!("No connection {connection_id:?} for integration {key:?}"),
        )
    })?;
    let mut body = public_json(&connection);
    if let Some(obj) = body.as_object_mut() {
        obj.insert("credentials".into(), connection.credentials.clone());
        obj.insert("connection_config".into(), Value::Object(connection.connection_config.clone()));
        obj.insert("updated_at".into(), json!(iso(connection.updated)));
        obj.insert("pending".into(), json!(connection.pending));
    }
    Ok(Json(body))
}
