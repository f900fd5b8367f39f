//! Connect sessions: `POST /connect/sessions`, `POST /connect/sessions/reconnect`,
//! `GET`/`DELETE /connect/session`, and the dev-only
//! `POST /demo/session`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::app::AppState;
use crate::clock::iso;
use crate::config::RemoteNango;
use crate::error::{ApiError, FieldError};
use crate::extract::{CheckedBody, EmptyQuery, JsonContentType, SecretJson, SessionToken};
use crate::ids::is_valid_connection_id;
use crate::schema::{self, Validator, common_fields, parse_json, require_empty, require_object};
use crate::store::{Session, SessionSettings};

fn session_created(state: &AppState, headers: &HeaderMap, session: &Session) -> Value {
    let connect_link = format!(
        "{}/?session_token={}&apiURL={}",
        state.origins.connect_ui_base(headers),
        session.token,
        url::form_urlencoded::byte_serialize(state.origins.api_base(headers).as_bytes()).collect::<String>()
    );
    json!({
        "token": session.token,
        "connect_link": connect_link,
        "expires_at": iso(session.expires_at),
    })
}

/// `POST /connect/sessions` (secret key) → 201 `{data: {token, connect_link, expires_at}}`.
pub(super) async fn post_sessions(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    CheckedBody(_, body): SecretJson,
) -> Result<Response, ApiError> {
    let obj = require_object(parse_json(&body.0)?)?;
    let new = schema::new_session(&obj, |key| state.integration(key).is_some())?;

    let session = state.store.create_session(new)?;
    state.log(format!(
        "connect session created (allowed: {})",
        session.settings.allowed_integrations.as_ref().map_or_else(|| "all".to_owned(), |a| a.join(","))
    ));
    Ok((StatusCode::CREATED, Json(json!({ "data": session_created(&state, &headers, &session) })))
        .into_response())
}

/// `POST /connect/sessions/reconnect` (secret key): a session allowed only the connection's
/// integration, which re-authorizes that connection.
pub(super) async fn post_reconnect(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    CheckedBody(_, body): SecretJson,
) -> Result<Response, ApiError> {
    let obj = require_object(parse_json(&body.0)?)?;
    let mut errors = Vec::new();
    let mut new = SessionSettings::default();
    common_fields(&|key| state.integration(key).is_some(), &obj, &mut new, &mut errors);
    let mut v = Validator::new(&obj);
    let connection_id = v.string("connection_id", 1);
    let integration_id = v.string("integration_id", 1);
    if connection_id.as_deref().is_some_and(|c| !is_valid_connection_id(c)) {
        v.errors.push(FieldError::new("invalid_string", "Invalid connection id", &["connection_id"]));
    }
    v.deny_unknown(&[
        "connection_id",
        "integration_id",
        "end_user",
        "organization",
        "integrations_config_defaults",
        "overrides",
        "webhook_url_override",
        "tags",
    ]);
    errors.extend(v.errors);
    let (Some(connection_id), Some(integration_id), true) =
        (connection_id, integration_id, errors.is_empty())
    else {
        return Err(ApiError::invalid_body(errors));
    };
    let Some(connection) = state.store.find_connection(&integration_id, &connection_id) else {
        return Err(ApiError::bad_request("invalid_body", "ConnectionID or IntegrationId does not exists"));
    };
    // The re-authorized connection keeps who it belongs to unless the session says otherwise.
    if new.end_user.is_none() {
        new.end_user = connection.end_user.clone();
    }
    if new.organization.is_none() {
        new.organization = connection.organization.clone();
    }
    if new.tags.is_none() {
        new.tags = Some(connection.tags.clone());
    }
    new.allowed_integrations = Some(vec![integration_id]);
    new.reconnect_connection_id = Some(connection.connection_id);
    let session = state.store.create_session(new)?;
    Ok((StatusCode::CREATED, Json(json!({ "data": session_created(&state, &headers, &session) })))
        .into_response())
}

/// `GET /connect/session` (session token) → what a Connect UI needs to render.
pub(super) async fn get_session(
    State(state): State<Arc<AppState>>,
    SessionToken(session): SessionToken,
    _: EmptyQuery,
) -> Result<Json<Value>, ApiError> {
    let end_user = session.settings.end_user.as_ref().map(|u| {
        let field = |k: &str| u.get(k).cloned().unwrap_or(Value::Null);
        let organization = session.settings.organization.as_ref().map_or(Value::Null, |o| {
            json!({
                "id": o.get("id").cloned().unwrap_or(Value::Null),
                "display_name": o.get("display_name").cloned().unwrap_or(Value::Null),
            })
        });
        json!({
            "id": field("id"),
            "display_name": field("display_name"),
            "email": field("email"),
            "tags": field("tags"),
            "organization": organization,
        })
    });
    let mut data = Map::new();
    data.insert("endUser".into(), end_user.unwrap_or(Value::Null));
    data.insert("connectUISettings".into(), state.config.connect_ui_settings.to_json());
    if let Some(allowed) = &session.settings.allowed_integrations {
        data.insert("allowed_integrations".into(), json!(allowed));
    }
    if let Some(defaults) = &session.settings.integrations_config_defaults {
        let mapped: Map<String, Value> = defaults
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    json!({
                        "connection_config": v.get("connection_config").cloned().unwrap_or(Value::Null),
                        "authorization_params": v.get("authorization_params").cloned().unwrap_or(Value::Null),
                    }),
                )
            })
            .collect();
        data.insert("integrations_config_defaults".into(), Value::Object(mapped));
    }
    if session.settings.reconnect_connection_id.is_some() {
        data.insert("isReconnecting".into(), Value::Bool(true));
    }
    if let Some(overrides) = &session.settings.overrides {
        data.insert("overrides".into(), Value::Object(overrides.clone()));
    }
    data.insert("websocketsPath".into(), Value::String(state.config.websockets_path.clone()));
    Ok(Json(json!({ "data": data })))
}

/// `DELETE /connect/session` (session token) → 204; the token is unknown afterwards.
pub(super) async fn delete_session(
    State(state): State<Arc<AppState>>,
    CheckedBody((_, SessionToken(session), _), body): CheckedBody<(
        JsonContentType,
        SessionToken,
        EmptyQuery,
    )>,
) -> Result<StatusCode, ApiError> {
    require_empty(parse_json(&body.0)?)?;
    state.store.delete_session(&session.token);
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /demo/session` against a real Nango: `POST {host}/connect/sessions` with its secret key,
/// answering its `data` (or its error, as Nango sent it).
async fn remote_demo_session(state: &AppState, remote: &RemoteNango) -> Result<Json<Value>, ApiError> {
    let user = &state.config.demo_end_user;
    let body =
        json!({ "end_user": { "id": user.id, "email": user.email, "display_name": user.display_name } });
    let url = format!("{}/connect/sessions", remote.host.trim_end_matches('/'));
    let unreachable = |e: reqwest::Error| {
        ApiError::new(StatusCode::BAD_GATEWAY, "remote_nango_unreachable", format!("{url}: {e}"))
    };
    let response = state
        .http
        .post(&url)
        .bearer_auth(&remote.secret_key)
        .json(&body)
        .send()
        .await
        .map_err(unreachable)?;
    let status = response.status();
    let answer: Value = response.json().await.map_err(unreachable)?;
    match answer.get("data") {
        Some(data) if status.is_success() => Ok(Json(data.clone())),
        _ => {
            let message =
                answer.pointer("/error/message").and_then(Value::as_str).unwrap_or("no data in the answer");
            Err(ApiError::new(
                StatusCode::BAD_GATEWAY,
                "remote_nango_error",
                format!("{url} answered {status}: {message}"),
            ))
        }
    }
}

/// `POST /demo/session` (no auth; dev only): mints a connect session for the configured demo
/// end user, as an app's backend would with the secret key, and answers
/// `{token, connect_link, expires_at}` (the `data` of `POST /connect/sessions`). An optional
/// JSON body `{allowed_integrations?: [...]}` restricts the session.
pub(super) async fn demo_session(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    CheckedBody(_, body): CheckedBody<JsonContentType>,
) -> Result<Json<Value>, ApiError> {
    if let Some(remote) = &state.config.remote_nango {
        return remote_demo_session(&state, remote).await;
    }
    let mut new = SessionSettings {
        end_user: Some(json!({
            "id": state.config.demo_end_user.id,
            "email": state.config.demo_end_user.email,
            "display_name": state.config.demo_end_user.display_name,
        })),
        ..SessionSettings::default()
    };
    if let Some(body) = parse_json(&body.0)? {
        let obj = require_object(Some(body))?;
        let mut v = Validator::new(&obj);
        v.deny_unknown(&["allowed_integrations"]);
        if let Some(list) = obj.get("allowed_integrations") {
            let keys: Option<Vec<String>> =
                list.as_array().and_then(|l| l.iter().map(|k| k.as_str().map(str::to_owned)).collect());
            match keys {
                Some(keys) => {
                    for (i, key) in keys.iter().enumerate() {
                        if state.integration(key).is_none() {
                            let index = i.to_string();
                            v.errors.push(FieldError::new(
                                "custom",
                                "Integration does not exist",
                                &["allowed_integrations", &index],
                            ));
                        }
                    }
                    new.allowed_integrations = Some(keys);
                }
                None => v.errors.push(FieldError::new(
                    "invalid_type",
                    "Expected an array of integration keys",
                    &["allowed_integrations"],
                )),
            }
        }
        v.finish()?;
    }
    let session = state.store.create_session(new)?;
    state.log("demo connect session created");
    Ok(Json(session_created(&state, &headers, &session)))
}
