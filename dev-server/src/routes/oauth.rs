//! Nango's side of the OAuth popup flow: `GET /oauth/connect/{key}` redirects to the provider
//! (the built-in fake one, `fake_provider.rs`), `GET /oauth/callback` exchanges the code at its
//! token endpoint over HTTP, stores the connection, pushes the result on the WebSocket and
//! renders the closing page (`dev-server/README.md`, "The OAuth flow").

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::config::AuthMode;
use crate::error::ApiError;
use crate::extract::authenticate_query;
use crate::html::{self, FlowOutcome};
use crate::ids::{is_valid_provider_config_key, random_hex, uuid_v4};
use crate::schema::{AuthQuery, check_connection_id, query_pairs};
use crate::store::{NewConnection, PendingFlow, StateEnd, WsCommand};

use crate::webhooks;

use super::fake_provider::pkce_challenge;
use super::no_store;

/// Where the fake provider sends the browser back.
const CALLBACK_PATH: &str = "/oauth/callback";

/// Longest `/oauth/connect` query accepted: Node's default header limit (16 KiB), which a
/// real Nango answers with 431 before any route runs.
const MAX_CONNECT_QUERY: usize = 16 * 1024;

/// Ends a flow in error: pushes `{"message_type":"error",...}` on the flow's socket (when
/// known) and renders the closing page with `status`.
fn fail_flow(
    state: &AppState,
    status: StatusCode,
    ws_client_id: Option<&str>,
    provider_config_key: Option<&str>,
    connection_id: Option<&str>,
    error_type: &str,
    message: &str,
) -> Response {
    state.log(format!("oauth flow failed ({}): {error_type}: {message}", provider_config_key.unwrap_or("?")));
    if let Some(ws) = ws_client_id {
        let mut push = json!({
            "message_type": "error",
            "error_type": error_type,
            "error_desc": message,
        });
        if let Some(obj) = push.as_object_mut() {
            if let Some(key) = provider_config_key {
                obj.insert("provider_config_key".into(), json!(key));
            }
            if let Some(id) = connection_id {
                obj.insert("connection_id".into(), json!(id));
            }
        }
        state.store.push(ws, &push);
    }
    let page = html::callback_page(&FlowOutcome::Error {
        error_type: error_type.to_owned(),
        message: message.to_owned(),
    });
    (status, Html(page)).into_response()
}

/// How `/oauth/connect` refused a start.
enum Refusal {
    /// Before the flow exists (authentication, query, session scope, reconnect target): a JSON
    /// error in the popup and nothing on the socket, as real Nango's middleware and checks
    /// answer.
    Json(ApiError),
    /// Once the integration is looked up (unknown, not OAuth2): Nango's 400 auth page carrying
    /// `window.__nangoOAuthError`, and the error pushed on `ws_client_id`'s socket with the
    /// connection id the flow would have had.
    Page { error: ApiError, connection_id: String },
}

impl From<ApiError> for Refusal {
    fn from(e: ApiError) -> Self {
        Self::Json(e)
    }
}

/// `GET /oauth/connect/{key}`: checks the caller and the integration, opens a pending flow
/// (state + PKCE) and redirects (302) to the fake provider. As real Nango: a refused caller,
/// query, session scope or reconnect target gets a JSON error and nothing on the socket (the
/// SDK's popup shows the JSON; the kit's core ends the auth on its own); an unknown or
/// non-OAuth2 integration gets the 400 auth page and the error on the socket.
pub(super) async fn connect(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let query = query.unwrap_or_default();
    let q = AuthQuery::parse(Some(query.as_str()).filter(|q| q.len() <= MAX_CONNECT_QUERY));
    if let Some(ws) = q.ws_client_id.as_deref() {
        // A flow names this socket: it is no longer idle.
        state.store.tell_socket(ws, WsCommand::Claimed);
    }
    let key = path.map(|Path(k)| k).ok();
    let faults = state.store.faults();
    if faults.oauth_connect_json_error {
        // What a real Nango does on a failed start (e.g. an expired session): a JSON error in
        // the popup, nothing on the socket.
        state.log("oauth/connect: fault injected, JSON error page and nothing on the socket");
        return no_store(ApiError::unknown_session_token().into_response());
    }
    let started = if query.len() > MAX_CONNECT_QUERY {
        Err(Refusal::Json(ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "request_too_large",
            format!("The query is longer than {MAX_CONNECT_QUERY} bytes"),
        )))
    } else {
        start_flow(&state, key.as_deref(), &q, &headers)
    };
    match started {
        Ok(location) => {
            if faults.drop_socket_mid_flow
                && let Some(ws) = q.ws_client_id.as_deref()
            {
                state.log("oauth/connect: fault injected, dropping the flow's WebSocket");
                state.store.tell_socket(ws, WsCommand::Drop);
            }
            let response = (StatusCode::FOUND, [(header::LOCATION, location)], "Redirecting to the provider")
                .into_response();
            no_store(response)
        }
        Err(Refusal::Json(err)) => {
            state.log(format!(
                "oauth/connect refused ({}): {}: {}",
                key.as_deref().unwrap_or("?"),
                err.code,
                err.message
            ));
            no_store(err.into_response())
        }
        Err(Refusal::Page { error, connection_id }) => no_store(fail_flow(
            &state,
            StatusCode::BAD_REQUEST,
            q.ws_client_id.as_deref(),
            key.as_deref(),
            Some(&connection_id),
            error.code,
            &error.message,
        )),
    }
}

fn start_flow(
    state: &AppState,
    key: Option<&str>,
    q: &AuthQuery,
    headers: &HeaderMap,
) -> Result<String, Refusal> {
    let caller = authenticate_query(state, q)?;
    let key = key
        .filter(|k| is_valid_provider_config_key(k))
        .ok_or_else(|| ApiError::bad_request("invalid_uri_params", "Invalid integration key"))?;
    check_connection_id(caller.session().is_some(), q)?;
    let mut connection_id = q.connection_id.clone().unwrap_or_else(uuid_v4);
    // Nango's `WSErrBuilder` texts, type `provider_config_err`.
    let Some(integration) = state.integration(key) else {
        return Err(Refusal::Page {
            error: ApiError::bad_request(
                "provider_config_err",
                format!("Could not find a Provider Config matching the {key:?} key."),
            ),
            connection_id,
        });
    };
    if integration.auth_mode != AuthMode::OAuth2 {
        // Real Nango finds no OAuth client on an integration of another auth mode.
        return Err(Refusal::Page {
            error: ApiError::bad_request(
                "provider_config_err",
                format!("Provider Config {key:?} is missing client ID, secret and/or scopes."),
            ),
            connection_id,
        });
    }
    let session = caller.session();
    if session.is_some_and(|s| !s.allows(key)) {
        return Err(ApiError::bad_request(
            "integration_not_allowed",
            format!("Integration {key:?} is not allowed by this connect session"),
        )
        .bare()
        .into());
    }
    if let Some(reconnect) = session.and_then(|s| s.settings.reconnect_connection_id.as_ref()) {
        if state.store.find_connection(key, reconnect).is_none() {
            return Err(ApiError::bad_request(
                "invalid_connection",
                "The connection being reconnected no longer exists",
            )
            .bare()
            .into());
        }
        connection_id = reconnect.clone();
    }

    let mut connection_config = q.params_object();
    let mut authorization_params: BTreeMap<String, String> = q
        .authorization_params
        .iter()
        .filter(|(_, v)| v.as_str() != "undefined")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Some(s) = session {
        connection_config.extend(s.connection_config_defaults(key));
        let enforced = s
            .settings
            .integrations_config_defaults
            .as_ref()
            .and_then(|d| d.get(key))
            .and_then(|d| d.get("authorization_params"))
            .and_then(Value::as_object);
        for (k, v) in enforced.into_iter().flatten() {
            if let Some(v) = v.as_str() {
                authorization_params.insert(k.clone(), v.to_owned());
            }
        }
    }
    let scope = connection_config
        .get("oauth_scopes_override")
        .and_then(Value::as_str)
        .map_or_else(|| integration.scopes.join(" "), str::to_owned);

    let api_base = state.origins.api_base(headers);
    let redirect_uri = format!("{api_base}{CALLBACK_PATH}");
    let oauth_state = random_hex(32);
    let code_verifier = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let code_challenge = pkce_challenge(&code_verifier);
    let mut authorize = url::Url::parse(&format!("{api_base}/fake-oauth/authorize"))
        .map_err(|e| Refusal::from(ApiError::bad_request("invalid_host", format!("Bad Host header: {e}"))))?;
    {
        let mut pairs = authorize.query_pairs_mut();
        for (k, v) in &authorization_params {
            if !matches!(
                k.as_str(),
                "response_type"
                    | "client_id"
                    | "redirect_uri"
                    | "state"
                    | "scope"
                    | "code_challenge"
                    | "code_challenge_method"
            ) {
                pairs.append_pair(k, v);
            }
        }
        pairs
            .append_pair("response_type", "code")
            .append_pair("client_id", &state.oauth_client_id)
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("state", &oauth_state)
            .append_pair("scope", &scope)
            .append_pair("code_challenge", &code_challenge)
            .append_pair("code_challenge_method", "S256");
    }

    let flow = PendingFlow {
        provider_config_key: key.to_owned(),
        connection_id,
        ws_client_id: q.ws_client_id.clone().filter(|w| !w.is_empty()),
        session_token: session.map(|s| s.token.clone()),
        code_verifier,
        redirect_uri,
        connection_config,
        end_user: session.and_then(|s| s.settings.end_user.clone()),
        organization: session.and_then(|s| s.settings.organization.clone()),
        tags: session.map(|s| s.settings.connection_tags()),
        expires_at: state.store.flow_expiry(session.map(|s| s.as_ref())),
        scope,
        code_challenge,
        code: None,
    };
    state.store.start_flow(oauth_state, flow).map_err(ApiError::from)?;
    Ok(authorize.into())
}

/// `GET /oauth/callback?code&state` (or `?error&state`): consumes the state (single use),
/// exchanges the code at the fake provider's token endpoint over HTTP with the PKCE verifier,
/// stores the connection, pushes the result on the flow's socket and renders the closing page.
pub(super) async fn callback(State(state): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Response {
    let pairs: BTreeMap<String, String> = query_pairs(query.as_deref()).into_iter().collect();
    // A missing or unknown state names no flow: the page says so and no socket hears of it
    // (any site could otherwise end a running flow with a navigation).
    let response = match param(&pairs, "state") {
        None => fail_flow(
            &state,
            StatusCode::BAD_REQUEST,
            None,
            None,
            None,
            "invalid_oauth_state",
            "The callback has no state parameter",
        ),
        Some(oauth_state) => {
            let flow = state.store.take_flow(oauth_state);
            match flow {
                Some(flow) => finish_flow(&state, oauth_state, flow, &pairs).await,
                None => replayed_or_unknown(&state, oauth_state),
            }
        }
    };
    no_store(response)
}

fn replayed_or_unknown(state: &AppState, oauth_state: &str) -> Response {
    let ended = state.store.ended_flow(oauth_state);
    let Some(ended) = ended else {
        return fail_flow(
            state,
            StatusCode::BAD_REQUEST,
            None,
            None,
            None,
            "invalid_oauth_state",
            "No OAuth flow matches this state: it is unknown or long expired",
        );
    };
    let (error_type, message) = match ended.end {
        StateEnd::Used => {
            ("state_err", "Invalid state parameter passed in the callback: this state was already used")
        }
        StateEnd::SessionExpired => (
            "unknown_connect_session_token",
            "The connect session expired before the authorization completed",
        ),
        StateEnd::FlowExpired => {
            ("state_err", "Invalid state parameter passed in the callback: the authorization took too long")
        }
    };
    fail_flow(
        state,
        StatusCode::BAD_REQUEST,
        ended.ws_client_id.as_deref(),
        Some(&ended.provider_config_key),
        Some(&ended.connection_id),
        error_type,
        message,
    )
}

/// A non-empty query parameter.
fn param<'a>(pairs: &'a BTreeMap<String, String>, key: &str) -> Option<&'a str> {
    pairs.get(key).map(String::as_str).filter(|v| !v.is_empty())
}

async fn finish_flow(
    state: &AppState,
    oauth_state: &str,
    flow: PendingFlow,
    pairs: &BTreeMap<String, String>,
) -> Response {
    let get = |k: &str| param(pairs, k);
    let ws = flow.ws_client_id.as_deref();
    let key = flow.provider_config_key.as_str();
    let cid = flow.connection_id.as_str();
    let fail = |error_type: &str, message: &str| {
        fail_flow(state, StatusCode::BAD_REQUEST, ws, Some(key), Some(cid), error_type, message)
    };

    let expired = state.now() >= flow.expires_at;
    let session_gone = flow.session_token.as_deref().is_some_and(|t| state.store.session(t).is_err());
    if session_gone || expired {
        let end = if session_gone { StateEnd::SessionExpired } else { StateEnd::FlowExpired };
        state.store.end_flow(oauth_state.to_owned(), &flow, end);
        return replayed_or_unknown(state, oauth_state);
    }
    state.store.end_flow(oauth_state.to_owned(), &flow, StateEnd::Used);

    if let Some(error) = get("error") {
        let mut context = format!("error: {error}");
        if let Some(desc) = get("error_description") {
            context.push_str("; error_description: ");
            context.push_str(desc);
        }
        return fail(
            "callback_err",
            &format!("Did not get authorization code in the callback. Provider error: {context}"),
        );
    }
    let Some(code) = get("code") else {
        return fail("callback_err", "Did not get authorization code in the callback.");
    };
    let Some(integration) = state.integration(key) else {
        return fail(
            "provider_config_err",
            &format!("Could not find a Provider Config matching the {key:?} key."),
        );
    };

    let tokens = match exchange_code(state, code, &flow).await {
        Ok(tokens) => tokens,
        Err(message) => return fail("token_err", &message),
    };
    let credentials = oauth2_credentials(state, tokens, None);
    let stored = state.store.upsert_connection(NewConnection {
        integration,
        connection_id: flow.connection_id.clone(),
        end_user: flow.end_user.clone(),
        organization: flow.organization.clone(),
        tags: flow.tags.clone(),
        connection_config: flow.connection_config.clone(),
        credentials,
        pending: false,
    });
    let (connection, upsert) = match stored {
        Ok(stored) => stored,
        Err(err) => {
            let err = ApiError::from(err);
            return fail(err.code, &err.message);
        }
    };
    state.log(format!("{key}: connection {cid} stored (OAUTH2)"));
    webhooks::send(state, &webhooks::auth_body(&connection, upsert.into(), None));
    if let Some(ws) = ws {
        state.store.push(
            ws,
            &json!({
                "message_type": "success",
                "provider_config_key": key,
                "connection_id": cid,
                "is_pending": false,
            }),
        );
    }
    Html(html::callback_page(&FlowOutcome::Success)).into_response()
}

/// Nango's OAuth2 credentials from a token response: `{type, access_token, refresh_token,
/// expires_at, raw}`. A refresh answer without a new refresh token keeps `previous_refresh`.
fn oauth2_credentials(
    state: &AppState,
    tokens: serde_json::Map<String, Value>,
    previous_refresh: Option<&str>,
) -> Value {
    let expires_at = tokens
        .get("expires_in")
        .and_then(Value::as_u64)
        .map(|secs| crate::clock::iso(state.now() + std::time::Duration::from_secs(secs)));
    let refresh_token =
        tokens.get("refresh_token").and_then(Value::as_str).or(previous_refresh).map(str::to_owned);
    let mut tokens = tokens;
    if let Some(at) = &expires_at {
        // Nango adds the computed expiry to the provider's raw answer.
        tokens.insert("expires_at".into(), json!(at));
    }
    let mut credentials = serde_json::Map::new();
    credentials.insert("type".into(), json!("OAUTH2"));
    credentials.insert("access_token".into(), tokens.get("access_token").cloned().unwrap_or(Value::Null));
    if let Some(token) = refresh_token {
        credentials.insert("refresh_token".into(), json!(token));
    }
    if let Some(at) = expires_at {
        credentials.insert("expires_at".into(), json!(at));
    }
    credentials.insert("raw".into(), Value::Object(tokens));
    Value::Object(credentials)
}

/// Runs a refresh-token grant at the fake provider's token endpoint, over real HTTP, and
/// returns the new credentials (a `force_refresh` of `GET /connections/{id}`), or the
/// provider's error as text.
pub(super) async fn refresh_access_token(state: &AppState, refresh_token: &str) -> Result<Value, String> {
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
        ("client_id", state.oauth_client_id.as_str()),
        ("client_secret", state.oauth_client_secret.as_str()),
    ];
    let tokens = token_request(state, &form).await?;
    Ok(oauth2_credentials(state, tokens, Some(refresh_token)))
}

/// Exchanges the code at the fake provider's token endpoint, over real HTTP.
async fn exchange_code(
    state: &AppState,
    code: &str,
    flow: &PendingFlow,
) -> Result<serde_json::Map<String, Value>, String> {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", flow.redirect_uri.as_str()),
        ("client_id", state.oauth_client_id.as_str()),
        ("client_secret", state.oauth_client_secret.as_str()),
        ("code_verifier", flow.code_verifier.as_str()),
    ];
    token_request(state, &form).await
}

/// POSTs `form` to the fake provider's token endpoint: the token response, or the error as text.
async fn token_request(
    state: &AppState,
    form: &[(&str, &str)],
) -> Result<serde_json::Map<String, Value>, String> {
    let url = format!("http://{}{}/fake-oauth/token", state.api_addr, state.config.api_base_path());
    let response = state
        .http
        .post(url)
        .form(form)
        .send()
        .await
        .map_err(|e| format!("Error contacting the provider's token endpoint: {e}"))?;
    let status = response.status();
    let body: Value = response
        .json()
        .await
        .map_err(|e| format!("The provider's token endpoint answered invalid JSON: {e}"))?;
    if !status.is_success() {
        let error = body.get("error").and_then(Value::as_str).unwrap_or("unknown");
        let desc = body.get("error_description").and_then(Value::as_str).unwrap_or("");
        return Err(format!("The token endpoint refused the grant: {error}: {desc}"));
    }
    match body {
        Value::Object(map) if map.get("access_token").is_some_and(Value::is_string) => Ok(map),
        _ => Err("The provider's token response has no access_token".into()),
    }
}
