//! The fake OAuth2 provider, playing the third-party service (not Nango): the consent page
//! `GET`/`POST /fake-oauth/authorize` and the token endpoint `POST /fake-oauth/token`
//! (authorization codes, PKCE S256; `dev-server/README.md`, "The OAuth flow").

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::extract::RawBody;
use crate::html::{self, AuthorizeView};
use crate::ids::random_hex;
use crate::schema::query_pairs;
use crate::store::{AuthCode, CODE_LEN, CodeRefused};

use super::no_store;

/// S256 PKCE challenge of a verifier.
pub(crate) fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The authorization request parameters the fake provider checks.
struct AuthorizeRequest {
    client_id: String,
    redirect_uri: String,
    state: String,
    scope: String,
    code_challenge: String,
}

/// Validates an authorization request (query of the GET, form of the POST) against the live
/// flow its `state` names: the provider only serves flows this Nango started, and every
/// parameter must be the one that flow sent (the whole redirect URI, origin and path, the
/// scope and the PKCE challenge).
fn authorize_request(app: &AppState, params: &BTreeMap<String, String>) -> Result<AuthorizeRequest, String> {
    let get = |k: &str| params.get(k).cloned().unwrap_or_default();
    let client_id = get("client_id");
    if client_id != app.oauth_client_id {
        return Err("invalid_client: unknown client_id".into());
    }
    if params.contains_key("response_type") && get("response_type") != "code" {
        return Err("unsupported_response_type: only the code flow is supported".into());
    }
    let state = get("state");
    if state.is_empty() {
        return Err("invalid_request: missing state".into());
    }
    let Some(flow) = app.store.flow(&state).filter(|f| f.expires_at > app.now()) else {
        return Err("invalid_request: no authorization in progress has this state".into());
    };
    let redirect_uri = get("redirect_uri");
    if redirect_uri != flow.redirect_uri {
        return Err("invalid_request: redirect_uri is not this Nango's callback URL".into());
    }
    if get("code_challenge_method") != "S256" {
        return Err("invalid_request: code_challenge_method must be S256".into());
    }
    let code_challenge = get("code_challenge");
    if code_challenge != flow.code_challenge {
        return Err("invalid_request: a PKCE S256 code_challenge is required".into());
    }
    let scope = get("scope");
    if scope != flow.scope {
        return Err("invalid_scope: the scope differs from the authorization request".into());
    }
    Ok(AuthorizeRequest { client_id, redirect_uri, state, scope, code_challenge })
}

/// `GET /fake-oauth/authorize`: the consent page with `#approve` and `#deny` buttons.
pub(super) async fn authorize_page(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
) -> Response {
    let params: BTreeMap<String, String> = query_pairs(query.as_deref()).into_iter().collect();
    let request = match authorize_request(&state, &params) {
        Ok(r) => r,
        Err(message) => {
            return (StatusCode::BAD_REQUEST, Html(html::provider_error_page(&message))).into_response();
        }
    };
    let integration_name = state
        .store
        .flow(&request.state)
        .and_then(|f| state.integration(&f.provider_config_key))
        .map_or_else(|| "An application".to_owned(), |i| i.display_name.clone());
    let view = AuthorizeView {
        integration_name: &integration_name,
        scope: &request.scope,
        fields: vec![
            ("client_id", request.client_id.as_str()),
            ("redirect_uri", request.redirect_uri.as_str()),
            ("state", request.state.as_str()),
            ("scope", request.scope.as_str()),
            ("code_challenge", request.code_challenge.as_str()),
            ("code_challenge_method", "S256"),
        ],
    };
    no_store(Html(html::authorize_page(&view)).into_response())
}

/// `POST /fake-oauth/authorize` (form): `decision=approve` redirects (303) to the callback with
/// a single-use code; `decision=deny` with `error=access_denied`.
pub(super) async fn authorize_decision(State(state): State<Arc<AppState>>, body: RawBody) -> Response {
    let params: BTreeMap<String, String> = url::form_urlencoded::parse(&body.0).into_owned().collect();
    let request = match authorize_request(&state, &params) {
        Ok(r) => r,
        Err(message) => {
            return (StatusCode::BAD_REQUEST, Html(html::provider_error_page(&message))).into_response();
        }
    };
    let Ok(mut target) = url::Url::parse(&request.redirect_uri) else {
        return (StatusCode::BAD_REQUEST, Html(html::provider_error_page("invalid redirect_uri")))
            .into_response();
    };
    match params.get("decision").map(String::as_str) {
        Some("approve") => {
            let code = random_hex(CODE_LEN / 2);
            let issued = AuthCode {
                client_id: request.client_id,
                redirect_uri: request.redirect_uri.clone(),
                code_challenge: request.code_challenge,
                scope: request.scope,
                expires_at: state.now() + std::time::Duration::from_secs(state.config.oauth_code_ttl_secs),
                used: false,
            };
            let issued = state.store.issue_code(&request.state, code.clone(), issued);
            if !issued {
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    Html(html::provider_error_page("temporarily_unavailable: too many authorization codes")),
                )
                    .into_response();
            }
            target.query_pairs_mut().append_pair("code", &code).append_pair("state", &request.state);
        }
        Some("deny") => {
            target
                .query_pairs_mut()
                .append_pair("error", "access_denied")
                .append_pair("error_description", "The user denied the authorization request")
                .append_pair("state", &request.state);
        }
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                Html(html::provider_error_page("invalid_request: decision must be approve or deny")),
            )
                .into_response();
        }
    }
    no_store(Redirect::to(target.as_str()).into_response())
}

fn token_error(status: StatusCode, error: &str, description: &str) -> Response {
    no_store((status, Json(json!({ "error": error, "error_description": description }))).into_response())
}

/// `POST /fake-oauth/token` (form): the authorization-code grant (RFC 6749 §4.1.3) checks the
/// client, the code (known, not expired, not used before), the redirect URI and the PKCE
/// verifier; the refresh-token grant (§6) the client and the refresh token. Errors use the OAuth
/// shape `{error, error_description}` (this endpoint is the third-party provider, not Nango).
pub(super) async fn token(State(state): State<Arc<AppState>>, headers: HeaderMap, body: RawBody) -> Response {
    let params: BTreeMap<String, String> = url::form_urlencoded::parse(&body.0).into_owned().collect();
    let get = |k: &str| params.get(k).map(String::as_str).unwrap_or_default();
    let (client_id, client_secret) = basic_credentials(&headers)
        .unwrap_or_else(|| (get("client_id").to_owned(), get("client_secret").to_owned()));
    // Both compared in full, each in constant time: no early exit says which one was wrong.
    let client_ok = crate::extract::same_secret(&client_id, &state.oauth_client_id);
    let secret_ok = crate::extract::same_secret(&client_secret, &state.oauth_client_secret);
    if !(client_ok & secret_ok) {
        return token_error(StatusCode::UNAUTHORIZED, "invalid_client", "Client authentication failed");
    }
    match get("grant_type") {
        "authorization_code" => {}
        "refresh_token" => return refresh_grant(&state, get("refresh_token")),
        _ => {
            return token_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "Only authorization_code and refresh_token are supported",
            );
        }
    }
    let now = state.now();
    let scope = {
        let code = match state.store.use_code(get("code")) {
            Ok(code) => code,
            Err(CodeRefused::Unknown) => {
                return token_error(StatusCode::BAD_REQUEST, "invalid_grant", "Unknown authorization code");
            }
            Err(CodeRefused::AlreadyUsed) => {
                return token_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The authorization code was already used",
                );
            }
        };
        if code.expires_at <= now {
            return token_error(StatusCode::BAD_REQUEST, "invalid_grant", "The authorization code expired");
        }
        if code.client_id != client_id || code.redirect_uri != get("redirect_uri") {
            return token_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "redirect_uri or client_id does not match the authorization request",
            );
        }
        let verifier = get("code_verifier");
        if !(43..=128).contains(&verifier.len()) || pkce_challenge(verifier) != code.code_challenge {
            return token_error(StatusCode::BAD_REQUEST, "invalid_grant", "PKCE verification failed");
        }
        code.scope.clone()
    };
    issue_tokens(&state, scope)
}

/// A token response with a new access token and a new refresh token (remembered for a later
/// refresh grant).
fn issue_tokens(state: &AppState, scope: String) -> Response {
    let refresh_token = format!("fake_refresh_{}", random_hex(20));
    state.store.remember_refresh_token(refresh_token.clone(), scope.clone());
    no_store(
        Json(json!({
            "access_token": format!("fake_access_{}", random_hex(20)),
            "token_type": "Bearer",
            "expires_in": 3600,
            "refresh_token": refresh_token,
            "scope": scope,
        }))
        .into_response(),
    )
}

/// The refresh-token grant (RFC 6749 §6): a known refresh token is used up and replaced by a
/// new pair (rotation); an unknown, used or expired one (or one whose connection was deleted
/// or re-authorized), or the `refresh_grant_error` fault, is `invalid_grant`.
fn refresh_grant(state: &AppState, refresh_token: &str) -> Response {
    if state.store.faults().refresh_grant_error {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "The refresh token was revoked (fault injected)",
        );
    }
    let Some(scope) = state.store.take_refresh_token(refresh_token) else {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Unknown or already used refresh token",
        );
    };
    issue_tokens(state, scope)
}

/// `Authorization: Basic base64(id:secret)`.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_matches_rfc_7636_appendix_b() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
