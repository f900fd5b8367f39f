//! `GET /integrations`, `GET /providers/{provider}` and the generated logos.

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::config::IntegrationConfig;
use crate::error::ApiError;
use crate::extract::{require_empty_query, require_session_or_secret};
use crate::html;
use crate::state::{AppState, iso};

use super::KeyPath;

fn logo_url(state: &AppState, headers: &HeaderMap, integration: &IntegrationConfig) -> String {
    integration.logo.clone().unwrap_or_else(|| {
        format!("{}/images/template-logos/{}.svg", state.api_base(headers), integration.provider)
    })
}

/// `GET /integrations` (session token or secret key) → `{data: [...]}`, filtered by the
/// session's `allowed_integrations`.
pub(super) async fn list_integrations(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let session = require_session_or_secret(&state, &headers)?;
    require_empty_query(query.as_deref())?;
    let created = iso(state.started_at);
    let data: Vec<Value> = state
        .config
        .integrations
        .iter()
        .filter(|i| session.as_ref().is_none_or(|s| s.allows(&i.unique_key)))
        .map(|i| {
            json!({
                "unique_key": i.unique_key,
                "provider": i.provider,
                "display_name": i.display_name,
                "logo": logo_url(&state, &headers, i),
                "auth_mode": i.auth_mode.as_str(),
                "forward_webhooks": true,
                "created_at": created,
                "updated_at": created,
            })
        })
        .collect();
    Ok(Json(json!({ "data": data })))
}

/// `GET /providers/{provider}` (session token or secret key) → `{data: {name, display_name,
/// auth_mode, logo_url, docs, docs_connect, credentials?, connection_config?, installation?,
/// assertion_option?}}`; 404
/// `not_found` for a provider no integration uses.
pub(super) async fn get_provider(
    State(state): State<Arc<AppState>>,
    KeyPath(provider): KeyPath,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    require_session_or_secret(&state, &headers)?;
    require_empty_query(query.as_deref())?;
    let Some(integration) = state.config.integrations.iter().find(|i| i.provider == provider) else {
        return Err(ApiError::not_found("not_found", format!("Unknown provider {provider}")));
    };
    let docs = format!("https://docs.nango.dev/integrations/all/{provider}");
    let mut data = Map::new();
    data.insert("name".into(), json!(provider));
    data.insert("display_name".into(), json!(integration.display_name));
    data.insert("auth_mode".into(), json!(integration.auth_mode.as_str()));
    data.insert("categories".into(), json!(["dev"]));
    data.insert("docs".into(), json!(docs));
    data.insert(
        "docs_connect".into(),
        json!(integration.docs_connect.clone().unwrap_or_else(|| format!("{docs}/connect"))),
    );
    data.insert("logo_url".into(), json!(logo_url(&state, &headers, integration)));
    if !integration.credentials.is_empty() {
        data.insert("credentials".into(), json!(integration.credentials));
    }
    if !integration.connection_config.is_empty() {
        data.insert("connection_config".into(), json!(integration.connection_config));
    }
    if let Some(installation) = &integration.installation {
        data.insert("installation".into(), json!(installation));
    }
    if !integration.assertion_option.is_empty() {
        data.insert("assertion_option".into(), json!(integration.assertion_option));
    }
    Ok(Json(json!({ "data": data })))
}

/// `GET /images/template-logos/{provider}.svg`: a generated logo (no network needed).
pub(super) async fn logo(KeyPath(file): KeyPath) -> Response {
    let name = file.strip_suffix(".svg").unwrap_or(&file);
    let mut response = html::logo_svg(name).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    response
}
