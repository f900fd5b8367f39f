//! `DELETE /connections/{connectionId}`.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use serde_json::{Value, json};

use crate::app::AppState;
use crate::error::ApiError;
use crate::extract::{SecretKey, connection_id_path};
use crate::schema::key_and_flags;

/// `DELETE /connections/{connectionId}?provider_config_key=KEY` (and `/connection/{id}`),
/// secret key → 200 `{success: true}`; 400 `unknown_connection` as Nango answers.
pub(in crate::routes) async fn delete_one(
    State(state): State<Arc<AppState>>,
    _: SecretKey,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
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
