//! Request parsing shared by the handlers: bodies, query strings, credentials.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use serde_json::{Map, Value};

use crate::app::AppState;
use crate::error::{ApiError, FieldError};
use crate::ids::{SESSION_TOKEN_PREFIX, is_uuid_v4};
use crate::store::Session;

/// The raw request body, read up to the configured limit (413 `payload_too_large` beyond).
#[derive(Debug)]
pub(crate) struct RawBody(pub Bytes);

impl FromRequest<Arc<AppState>> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let limit = state.config.max_body_bytes;
        let too_large = || {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("The request body is larger than {limit} bytes"),
            )
        };
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        match axum::body::to_bytes(req.into_body(), limit).await {
            Ok(bytes) => Ok(Self(bytes)),
            Err(_) => Err(too_large()),
        }
    }
}

/// 415 `invalid_content_type` unless the content type is absent or JSON (Nango's
/// `jsonContentTypeMiddleware`).
pub(crate) fn require_json_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    match headers.get(header::CONTENT_TYPE) {
        None => Ok(()),
        Some(v) if v.to_str().is_ok_and(|s| s.starts_with("application/json")) => Ok(()),
        Some(_) => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "invalid_content_type",
            "Content-Type header must be application/json",
        )),
    }
}

/// Parses a JSON body; an empty body is `None`. Malformed JSON → 400 `invalid_json` (Node's
/// parser message), as express answers before any route runs.
pub(crate) fn parse_json(body: &[u8]) -> Result<Option<Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(body)
        .map(Some)
        .map_err(|e| ApiError::bad_request("invalid_json", format!("Malformed JSON: {e}")))
}

/// A body that must be a JSON object. No body is an empty object (express's `req.body`).
pub(crate) fn require_object(body: Option<Value>) -> Result<Map<String, Value>, ApiError> {
    match body {
        Some(Value::Object(map)) => Ok(map),
        None => Ok(Map::new()),
        Some(other) => {
            Err(ApiError::invalid_body(vec![FieldError::invalid_type("object", Some(&other), &[])]))
        }
    }
}

/// A body that must be empty or `{}` (Nango's `z.object({}).strict()`).
pub(crate) fn require_empty(body: Option<Value>) -> Result<(), ApiError> {
    match body {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Object(map)) if map.is_empty() => Ok(()),
        Some(Value::Object(map)) => {
            let keys: Vec<&str> = map.keys().map(String::as_str).collect();
            Err(ApiError::invalid_body(vec![FieldError::unrecognized_keys(&keys, &[])]))
        }
        Some(other) => {
            Err(ApiError::invalid_body(vec![FieldError::invalid_type("object", Some(&other), &[])]))
        }
    }
}

/// Decoded query pairs. `params[k]=v` and `params%5Bk%5D=v` decode to the same pair.
pub(crate) fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect()).unwrap_or_default()
}

/// 400 `invalid_query_params` unless the query is empty (Nango's `requireEmptyQuery`: one zod
/// issue naming every key).
pub(crate) fn require_empty_query(raw: Option<&str>) -> Result<(), ApiError> {
    let pairs = query_pairs(raw);
    if pairs.is_empty() {
        return Ok(());
    }
    let mut keys: Vec<&str> = Vec::new();
    for (k, _) in &pairs {
        if !keys.contains(&k.as_str()) {
            keys.push(k);
        }
    }
    Err(ApiError::invalid_query(vec![FieldError::unrecognized_keys(&keys, &[])]))
}

/// The query string of the auth endpoints (`docs/protocol.md` §2).
#[derive(Debug, Default, Clone)]
pub(crate) struct AuthQuery {
    pub connection_id: Option<String>,
    pub public_key: Option<String>,
    pub connect_session_token: Option<String>,
    pub params: BTreeMap<String, String>,
    pub hmac: Option<String>,
    pub user_scope: Option<String>,
    pub credentials: BTreeMap<String, String>,
    pub authorization_params: BTreeMap<String, String>,
    pub ws_client_id: Option<String>,
}

fn bracketed<'a>(key: &'a str, prefix: &str) -> Option<&'a str> {
    key.strip_prefix(prefix)?.strip_prefix('[')?.strip_suffix(']')
}

impl AuthQuery {
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        let mut q = Self::default();
        for (k, v) in query_pairs(raw) {
            if let Some(name) = bracketed(&k, "params") {
                q.params.insert(name.to_owned(), v);
            } else if let Some(name) = bracketed(&k, "credentials") {
                q.credentials.insert(name.to_owned(), v);
            } else if let Some(name) = bracketed(&k, "authorization_params") {
                q.authorization_params.insert(name.to_owned(), v);
            } else {
                let slot = match k.as_str() {
                    "connection_id" => &mut q.connection_id,
                    "public_key" => &mut q.public_key,
                    "connect_session_token" => &mut q.connect_session_token,
                    "hmac" => &mut q.hmac,
                    "user_scope" => &mut q.user_scope,
                    "ws_client_id" => &mut q.ws_client_id,
                    _ => continue,
                };
                *slot = Some(v);
            }
        }
        q
    }

    /// `params[...]` as a JSON object.
    pub(crate) fn params_object(&self) -> Map<String, Value> {
        self.params.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect()
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

/// The `connection_id` query parameter of an auth call: well-formed, and absent with a session
/// token (Nango answers 400 `invalid_query_params` to both).
pub(crate) fn check_connection_id(caller: &Caller, q: &AuthQuery) -> Result<(), ApiError> {
    let Some(id) = &q.connection_id else { return Ok(()) };
    let issue = if !is_valid_connection_id(id) {
        FieldError::new("invalid_format", CONNECTION_ID_PATTERN_MESSAGE, &["connection_id"])
    } else if matches!(caller, Caller::Session(_)) {
        FieldError::new("custom", "connection_id is forbidden when using session token", &["connection_id"])
    } else {
        return Ok(());
    };
    Err(ApiError::invalid_query(vec![issue]))
}

/// zod 4's message for a connection id outside Nango's `connectionIdSchema`.
pub(crate) const CONNECTION_ID_PATTERN_MESSAGE: &str =
    r#"Invalid string: must match pattern /^[a-zA-Z0-9,.;:=+~[\]|@${}"'\\/_ -]+$/"#;

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
pub(crate) fn bearer(headers: &HeaderMap) -> Result<String, ApiError> {
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
pub(crate) fn require_secret_key(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
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
pub(crate) fn require_session(state: &AppState, headers: &HeaderMap) -> Result<Arc<Session>, ApiError> {
    let token = bearer(headers)?;
    Ok(state.store.session(&token)?)
}

/// Nango's `connectSessionOrSecretKeyAuth`: a token with the session prefix must be a live
/// session; anything else must be the secret key.
pub(crate) fn require_session_or_secret(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Arc<Session>>, ApiError> {
    let token = bearer(headers)?;
    if token.starts_with(SESSION_TOKEN_PREFIX) {
        return Ok(Some(state.store.session(&token)?));
    }
    require_secret_key(state, headers).map(|()| None)
}

/// Nango's `connectionIdSchema`: `^[a-zA-Z0-9,.;:=+~[\]|@${}"'\\/_ -]+$`, at most 255.
pub(crate) fn is_valid_connection_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 255
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b",.;:=+~[]|@${}\"'\\/_ -".contains(&b))
}

/// A small validator over a JSON object, collecting issues as Nango's zod schemas would.
#[derive(Debug)]
pub(crate) struct Validator<'a> {
    pub obj: &'a Map<String, Value>,
    pub errors: Vec<FieldError>,
}

impl<'a> Validator<'a> {
    pub(crate) fn new(obj: &'a Map<String, Value>) -> Self {
        Self { obj, errors: Vec::new() }
    }

    /// A required string of at least `min` characters.
    pub(crate) fn string(&mut self, key: &str, min: usize) -> Option<String> {
        match self.obj.get(key) {
            None | Some(Value::Null) => {
                self.errors.push(FieldError::invalid_type("string", self.obj.get(key), &[key]));
                None
            }
            v => self.check_string(key, v, min),
        }
    }

    /// An optional string of at least `min` characters when present.
    pub(crate) fn optional_string(&mut self, key: &str, min: usize) -> Option<String> {
        match self.obj.get(key) {
            None => None,
            v => self.check_string(key, v, min),
        }
    }

    fn check_string(&mut self, key: &str, v: Option<&Value>, min: usize) -> Option<String> {
        match v {
            Some(Value::String(s)) if s.chars().count() >= min => Some(s.clone()),
            Some(Value::String(_)) => {
                self.errors.push(FieldError::too_short(min, &[key]));
                None
            }
            other => {
                self.errors.push(FieldError::invalid_type("string", other, &[key]));
                None
            }
        }
    }

    /// Records every key not in `allowed` (zod's `.strict()`).
    pub(crate) fn deny_unknown(&mut self, allowed: &[&str]) {
        let unknown: Vec<&str> =
            self.obj.keys().map(String::as_str).filter(|k| !allowed.contains(k)).collect();
        if !unknown.is_empty() {
            self.errors.push(FieldError::unrecognized_keys(&unknown, &[]));
        }
    }

    pub(crate) fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() { Ok(()) } else { Err(ApiError::invalid_body(self.errors)) }
    }
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

    #[test]
    fn literal_and_encoded_brackets_decode_alike() {
        let literal = AuthQuery::parse(Some(
            "connect_session_token=t&params[sub]=a%20b%26c&authorization_params[prompt]=consent&credentials[oauth_client_id_override]=cid",
        ));
        let encoded = AuthQuery::parse(Some(
            "connect_session_token=t&params%5Bsub%5D=a%20b%26c&authorization_params%5Bprompt%5D=consent&credentials%5Boauth_client_id_override%5D=cid",
        ));
        for q in [&literal, &encoded] {
            assert_eq!(q.params.get("sub").map(String::as_str), Some("a b&c"));
            assert_eq!(q.authorization_params.get("prompt").map(String::as_str), Some("consent"));
            assert_eq!(q.credentials.get("oauth_client_id_override").map(String::as_str), Some("cid"));
            assert_eq!(q.connect_session_token.as_deref(), Some("t"));
        }
    }

    #[test]
    fn connection_ids_follow_nangos_schema() {
        assert!(is_valid_connection_id("user@example.com"));
        assert!(is_valid_connection_id("{\"a\": [1]}"));
        assert!(!is_valid_connection_id(""));
        assert!(!is_valid_connection_id("a\u{0}b"));
        assert!(!is_valid_connection_id(&"a".repeat(256)));
    }
}
