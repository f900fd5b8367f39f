//! `GET /integrations`, `GET /integrations/{uniqueKey}`, `GET /providers`,
//! `GET /providers/{provider}` and the generated logos.

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::app::AppState;
use crate::clock::iso;
use crate::config::{AuthMode, IntegrationConfig};
use crate::error::{ApiError, FieldError};
use crate::extract::{EmptyQuery, KeyPath, SecretKey, SessionOrSecret};
use crate::html;
use crate::ids::is_valid_provider_config_key;
use crate::schema::query_pairs;

fn logo_url(state: &AppState, headers: &HeaderMap, integration: &IntegrationConfig) -> String {
    integration.logo.clone().unwrap_or_else(|| {
        format!("{}/images/template-logos/{}.svg", state.origins.api_base(headers), integration.provider)
    })
}

/// Nango's `ApiPublicIntegration`: `{unique_key, provider, display_name, logo,
/// forward_webhooks, created_at, updated_at}`.
fn integration_json(state: &AppState, headers: &HeaderMap, i: &IntegrationConfig) -> Map<String, Value> {
    let created = iso(state.started_at);
    let mut data = Map::new();
    data.insert("unique_key".into(), json!(i.unique_key));
    data.insert("provider".into(), json!(i.provider));
    data.insert("display_name".into(), json!(i.display_name));
    data.insert("logo".into(), json!(logo_url(state, headers, i)));
    data.insert("forward_webhooks".into(), json!(true));
    data.insert("created_at".into(), json!(created));
    data.insert("updated_at".into(), json!(created));
    data
}

/// `GET /integrations` (session token or secret key) → `{data: [...]}`, filtered by the
/// session's `allowed_integrations`.
pub(super) async fn list_integrations(
    State(state): State<Arc<AppState>>,
    SessionOrSecret(session): SessionOrSecret,
    _: EmptyQuery,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    // Ordered by provider, then creation (the configuration's order), as Nango lists them.
    let mut listed: Vec<&crate::config::IntegrationConfig> = state
        .config
        .integrations
        .iter()
        .filter(|i| session.as_ref().is_none_or(|s| s.allows(&i.unique_key)))
        .collect();
    listed.sort_by(|a, b| a.provider.cmp(&b.provider));
    let data: Vec<Value> =
        listed.into_iter().map(|i| Value::Object(integration_json(&state, &headers, i))).collect();
    Ok(Json(json!({ "data": data })))
}

/// `GET /integrations/{uniqueKey}[?include=webhook,credentials]` (secret key) → `{data:
/// {...}}`, with `webhook_url` (null: the dev server receives no provider webhooks) and
/// `credentials` (the fake provider's client for OAuth2, else null) when included; 404
/// `not_found`.
pub(super) async fn get_integration(
    State(state): State<Arc<AppState>>,
    KeyPath(key): KeyPath,
    _: SecretKey,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let mut include = Vec::new();
    let mut errors = Vec::new();
    for (k, v) in query_pairs(query.as_deref()) {
        if k == "include" || k == "include[]" {
            for part in v.split(',').map(str::trim) {
                if part == "webhook" || part == "credentials" {
                    include.push(part.to_owned());
                } else {
                    // zod 4: `include` is a union (one value or a list).
                    errors.push(FieldError::new("invalid_union", "Invalid input", &["include"]));
                }
            }
        } else {
            errors.push(FieldError::unrecognized(&k));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid_query(errors));
    }
    let Some(integration) = state.integration(&key) else {
        return Err(ApiError::not_found("not_found", "Integration does not exist"));
    };
    let mut data = integration_json(&state, &headers, integration);
    if include.iter().any(|i| i == "webhook") {
        data.insert("webhook_url".into(), Value::Null);
    }
    if include.iter().any(|i| i == "credentials") {
        let credentials = if integration.auth_mode == AuthMode::OAuth2 {
            json!({
                "type": "OAUTH2",
                "client_id": state.oauth_client_id,
                "client_secret": state.oauth_client_secret,
                "scopes": integration.scopes.join(","),
                "webhook_secret": null,
            })
        } else {
            Value::Null
        };
        data.insert("credentials".into(), credentials);
    }
    Ok(Json(json!({ "data": data })))
}

/// Nango's provider object (a template of its `providers.yaml` with `name` and `logo_url`).
fn provider_json(state: &AppState, headers: &HeaderMap, integration: &IntegrationConfig) -> Value {
    let provider = &integration.provider;
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
    data.insert("logo_url".into(), json!(logo_url(state, headers, integration)));
    if integration.auth_mode == AuthMode::OAuth2 {
        let base = state.origins.api_base(headers);
        data.insert("authorization_url".into(), json!(format!("{base}/fake-oauth/authorize")));
        data.insert("token_url".into(), json!(format!("{base}/fake-oauth/token")));
        data.insert("default_scopes".into(), json!(integration.scopes));
    }
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
    Value::Object(data)
}

/// The providers the integrations use, one entry per provider name, in the integrations'
/// order.
fn providers(state: &AppState) -> Vec<&IntegrationConfig> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for integration in &state.config.integrations {
        if !seen.contains(&&integration.provider) {
            seen.push(&integration.provider);
            out.push(integration);
        }
    }
    out
}

/// `GET /providers[?search=TEXT]` (session token or secret key) → `{data: [provider...]}`:
/// the providers the integrations use, those whose name contains `search` (any case).
pub(super) async fn list_providers(
    State(state): State<Arc<AppState>>,
    _: SessionOrSecret,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let mut search = None;
    for (k, v) in query_pairs(query.as_deref()) {
        match k.as_str() {
            "search" if is_valid_provider_config_key(&v) => search = Some(v.to_lowercase()),
            "search" => {
                return Err(ApiError::invalid_query(vec![FieldError::new(
                    "invalid_string",
                    "Invalid search",
                    &["search"],
                )]));
            }
            _ => {
                return Err(ApiError::invalid_query(vec![FieldError::unrecognized(&k)]));
            }
        }
    }
    let data: Vec<Value> = providers(&state)
        .into_iter()
        .filter(|i| search.as_ref().is_none_or(|s| i.provider.to_lowercase().contains(s.as_str())))
        .map(|i| provider_json(&state, &headers, i))
        .collect();
    Ok(Json(json!({ "data": data })))
}

/// `GET /providers/{provider}` (session token or secret key) → `{data: provider}`; 404
/// `not_found` for a provider no integration uses.
pub(super) async fn get_provider(
    State(state): State<Arc<AppState>>,
    KeyPath(provider): KeyPath,
    _: SessionOrSecret,
    _: EmptyQuery,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let Some(integration) = state.config.integrations.iter().find(|i| i.provider == provider) else {
        return Err(ApiError::not_found("not_found", format!("Unknown provider {provider}")));
    };
    Ok(Json(json!({ "data": provider_json(&state, &headers, integration) })))
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
