//! Who is calling: the secret key, a connect session token or the public key, checked as
//! Nango's authentication middlewares check them (and answer their 401s).

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

use crate::app::AppState;
use crate::error::ApiError;
use crate::ids::{SESSION_TOKEN_PREFIX, is_uuid_v4};
use crate::schema::AuthQuery;
use crate::store::Session;

/// The caller holds the secret key (`Authorization: Bearer`; Nango's `secretKeyAuth`).
#[derive(Debug)]
pub(crate) struct SecretKey;

impl FromRequestParts<Arc<AppState>> for SecretKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        require_secret_key(state, &parts.headers).map(|()| Self)
    }
}

/// The live connect session of `Authorization: Bearer` (Nango's `connectSessionAuth`).
#[derive(Debug)]
pub(crate) struct SessionToken(pub Arc<Session>);

impl FromRequestParts<Arc<AppState>> for SessionToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        require_session(state, &parts.headers).map(Self)
    }
}

/// A live connect session or the secret key in `Authorization: Bearer` (Nango's
/// `connectSessionOrSecretKeyAuth`): the session, or `None` for the secret key.
#[derive(Debug)]
pub(crate) struct SessionOrSecret(pub Option<Arc<Session>>);

impl FromRequestParts<Arc<AppState>> for SessionOrSecret {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        require_session_or_secret(state, &parts.headers).map(Self)
    }
}

/// Who called an auth endpoint.
#[derive(Debug, Clone)]
pub(crate) enum Caller {
    Session(Arc<Session>),
    PublicKey,
}

impl Caller {
    pub(crate) fn session(&self) -> Option<&Arc<Session>> {
        match self {
            Self::Session(s) => Some(s),
            Self::PublicKey => None,
        }
    }
}

/// Nango's `connectSessionOrPublicKeyAuth`: the session token in the query wins, else the
/// public key.
pub(crate) fn authenticate_query(state: &AppState, q: &AuthQuery) -> Result<Caller, ApiError> {
    if let Some(token) = q.connect_session_token.as_deref().filter(|t| !t.is_empty()) {
        return state.store.session(token).map(Caller::Session).map_err(ApiError::from);
    }
    let Some(key) = q.public_key.as_deref().filter(|k| !k.is_empty()) else {
        return Err(ApiError::unauthorized(
            "missing_public_key",
            "Authentication failed. The request is missing a valid public key parameter.",
        ));
    };
    if !is_uuid_v4(key) {
        return Err(ApiError::unauthorized(
            "invalid_public_key",
            "Authentication failed. The provided public key is not a UUID v4.",
        ));
    }
    if !same_secret(key, &state.config.public_key) {
        return Err(unknown_account());
    }
    Ok(Caller::PublicKey)
}

fn unknown_account() -> ApiError {
    ApiError::unauthorized(
        "unknown_account",
        "Authentication failed. The provided authorization header does not match any account.",
    )
}

/// The bearer token of the `Authorization` header: 401 `missing_auth_header` /
/// `malformed_auth_header` otherwise.
fn bearer(headers: &HeaderMap) -> Result<String, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(ApiError::unauthorized(
            "missing_auth_header",
            "Authentication failed. The request is missing the Authorization header.",
        ));
    };
    let token =
        value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).map(str::trim).filter(|t| !t.is_empty());
    token.map(str::to_owned).ok_or_else(|| {
        ApiError::unauthorized(
            "malformed_auth_header",
            "Authentication failed. The Authorization header is malformed.",
        )
    })
}

/// The secret key in `Authorization: Bearer` (Nango's `secretKeyAuth`: what follows
/// `Bearer `, or the whole header, must be a UUID v4, else 401 `invalid_secret_key_format`; a
/// configured key that is no UUID is still accepted).
fn require_secret_key(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(bearer(headers).err().unwrap_or_else(unknown_account));
    };
    let value = value.to_str().unwrap_or("");
    let token = value.rsplit("Bearer ").next().unwrap_or(value).trim();
    if same_secret(token, &state.config.secret_key) {
        Ok(())
    } else if !is_uuid_v4(token) {
        Err(ApiError::unauthorized(
            "invalid_secret_key_format",
            "Authentication failed. The provided secret key is not a UUID v4.",
        ))
    } else {
        Err(unknown_account())
    }
}

/// Compares a secret the client sent with ours in constant time: how long the comparison takes
/// says nothing of how many leading bytes matched (the length may show, as in Nango).
pub(crate) fn same_secret(given: &str, ours: &str) -> bool {
    use subtle::ConstantTimeEq;
    bool::from(given.as_bytes().ct_eq(ours.as_bytes()))
}

/// A session token in `Authorization: Bearer`.
fn require_session(state: &AppState, headers: &HeaderMap) -> Result<Arc<Session>, ApiError> {
    let token = bearer(headers)?;
    Ok(state.store.session(&token)?)
}

/// Nango's `connectSessionOrSecretKeyAuth`: a token with the session prefix must be a live
/// session; anything else must be the secret key.
fn require_session_or_secret(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Arc<Session>>, ApiError> {
    let token = bearer(headers)?;
    if token.starts_with(SESSION_TOKEN_PREFIX) {
        return Ok(Some(state.store.session(&token)?));
    }
    require_secret_key(state, headers).map(|()| None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_match_only_in_full() {
        let ours = "3b6c1f2e-9d4a-4c1b-8e7f-0a1b2c3d4e5f";
        assert!(same_secret(ours, ours));
        for given in [
            "",
            "3b6c1f2e",
            "3b6c1f2e-9d4a-4c1b-8e7f-0a1b2c3d4e5",
            "3b6c1f2e-9d4a-4c1b-8e7f-0a1b2c3d4e5f0",
            "3B6C1F2E-9d4a-4c1b-8e7f-0a1b2c3d4e5f",
        ] {
            assert!(!same_secret(given, ours), "{given:?}");
        }
    }
}
