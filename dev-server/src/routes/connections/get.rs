//! `GET /connections/{connectionId}`: one connection with its credentials, refreshed on demand.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use serde_json::Value;

use super::views::full;
use crate::app::AppState;
use crate::config::AuthMode;
use crate::error::ApiError;
use crate::extract::{SecretKey, connection_id_path};
use crate::routes::oauth::refresh_access_token;
use crate::schema::key_and_flags;
use crate::webhooks::{self, AuthOperation};

/// `GET /connections/{connectionId}?provider_config_key=KEY[&refresh_token][&force_refresh]`
/// (and `/connection/{id}`), secret key → the connection with its credentials. 400
/// `unknown_provider_config`, 404 `not_found`; with `force_refresh` an OAuth2 connection runs
/// a refresh-token grant at the fake provider: a refused refresh answers 400
/// `invalid_credentials` and sends the `refresh` webhook with `success: false`.
pub(in crate::routes) async fn get_one(
    State(state): State<Arc<AppState>>,
    _: SecretKey,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
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
