//! Nango's JSON error shapes, as a real Nango answers them (`tests/fixtures/real-nango`):
//! `{"error": {"code", "message"?, "errors"?}}`, and for the authentication middleware's
//! errors `{"error": {"message", "code", "payload": {}}}`. Validation errors (`invalid_body`,
//! `invalid_query_params`, ...) carry `errors` and no `message`; several route errors
//! (`unknown_provider_config`, `invalid_auth_mode`, ...) only a `code`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// One validation issue, as Nango's `zodErrorToHTTP` lists them.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub code: &'static str,
    pub message: String,
    pub path: Vec<String>,
}

impl FieldError {
    pub(crate) fn new(code: &'static str, message: impl Into<String>, path: &[&str]) -> Self {
        Self { code, message: message.into(), path: path.iter().map(|p| (*p).to_owned()).collect() }
    }

    /// A key zod's `.strict()` refuses: zod 4 reports it on the object itself (an empty path
    /// for the body or the query).
    pub(crate) fn unrecognized(key: &str) -> Self {
        Self::unrecognized_at(key, &[])
    }

    /// A key zod's `.strict()` refuses in the object at `path`.
    pub(crate) fn unrecognized_at(key: &str, path: &[&str]) -> Self {
        Self::unrecognized_keys(&[key], path)
    }

    /// zod 4's one issue for all the keys `.strict()` refuses in an object.
    pub(crate) fn unrecognized_keys(keys: &[&str], path: &[&str]) -> Self {
        let list: Vec<String> = keys.iter().map(|k| serde_json::Value::from(*k).to_string()).collect();
        let s = if keys.len() > 1 { "s" } else { "" };
        Self::new("unrecognized_keys", format!("Unrecognized key{s}: {}", list.join(", ")), path)
    }

    /// zod 4's `invalid_type` issue: `Invalid input: expected {expected}, received {what}`.
    pub(crate) fn invalid_type(expected: &str, received: Option<&serde_json::Value>, path: &[&str]) -> Self {
        Self::new(
            "invalid_type",
            format!("Invalid input: expected {expected}, received {}", received_name(received)),
            path,
        )
    }

    /// zod 4's `too_small` issue for a string shorter than `min`.
    pub(crate) fn too_short(min: usize, path: &[&str]) -> Self {
        Self::new("too_small", format!("Too small: expected string to have >={min} characters"), path)
    }
}

/// How zod 4 names the type of what it received.
pub(crate) fn received_name(v: Option<&serde_json::Value>) -> &'static str {
    match v {
        None => "undefined",
        Some(serde_json::Value::Null) => "null",
        Some(serde_json::Value::Bool(_)) => "boolean",
        Some(serde_json::Value::Number(_)) => "number",
        Some(serde_json::Value::String(_)) => "string",
        Some(serde_json::Value::Array(_)) => "array",
        Some(serde_json::Value::Object(_)) => "object",
    }
}

/// An API error answered as JSON.
#[derive(Clone, Debug)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    /// The text: in the body unless `bare`, and in logs and WebSocket pushes either way.
    pub message: String,
    pub errors: Vec<FieldError>,
    /// The body has no `message` (as real Nango's for this error).
    pub bare: bool,
    /// The body has `payload: {}` (real Nango's authentication errors).
    pub payload: bool,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), errors: Vec::new(), bare: false, payload: false }
    }

    /// The same error without `message` in its body.
    pub(crate) fn bare(self) -> Self {
        Self { bare: true, ..self }
    }

    pub(crate) fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// A 401 of the authentication middleware: `{message, code, payload: {}}`.
    pub(crate) fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Self { payload: true, ..Self::new(StatusCode::UNAUTHORIZED, code, message) }
    }

    /// 400 `invalid_body` with the issues found.
    pub(crate) fn invalid_body(errors: Vec<FieldError>) -> Self {
        Self { errors, ..Self::bad_request("invalid_body", "The request body is invalid").bare() }
    }

    /// 400 `invalid_query_params` with the issues found.
    pub(crate) fn invalid_query(errors: Vec<FieldError>) -> Self {
        Self { errors, ..Self::bad_request("invalid_query_params", "The query string is invalid").bare() }
    }

    pub(crate) fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    pub(crate) fn unknown_provider_config(key: &str) -> Self {
        Self::not_found(
            "unknown_provider_config",
            format!("There is no Provider Configuration matching the key {key:?}"),
        )
        .bare()
    }

    pub(crate) fn unknown_session_token() -> Self {
        Self::unauthorized(
            "unknown_connect_session_token",
            "Authentication failed. The provided connect session token does not match any account.",
        )
    }

    /// The JSON body of this error.
    pub(crate) fn body(&self) -> serde_json::Value {
        let mut error = serde_json::Map::new();
        if !self.bare {
            error.insert("message".into(), self.message.clone().into());
        }
        error.insert("code".into(), self.code.into());
        if self.payload {
            error.insert("payload".into(), serde_json::json!({}));
        }
        if !self.errors.is_empty() {
            error.insert("errors".into(), serde_json::to_value(&self.errors).unwrap_or_default());
        }
        serde_json::json!({ "error": error })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}
