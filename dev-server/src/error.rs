//! Nango's JSON error shape: `{"error": {"code", "message", "errors"?}}`.

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

    /// A key zod's `.strict()` refuses.
    pub(crate) fn unrecognized(key: &str) -> Self {
        Self::new("unrecognized_keys", format!("Unrecognized key: {key:?}"), &[key])
    }
}

/// An API error answered as JSON.
#[derive(Clone, Debug)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub errors: Vec<FieldError>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), errors: Vec::new() }
    }

    pub(crate) fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub(crate) fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    /// 400 `invalid_body` with the issues found.
    pub(crate) fn invalid_body(errors: Vec<FieldError>) -> Self {
        Self { errors, ..Self::bad_request("invalid_body", "The request body is invalid") }
    }

    /// 400 `invalid_query_params` with the issues found.
    pub(crate) fn invalid_query(errors: Vec<FieldError>) -> Self {
        Self { errors, ..Self::bad_request("invalid_query_params", "The query string is invalid") }
    }

    pub(crate) fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    pub(crate) fn unknown_provider_config(key: &str) -> Self {
        Self::not_found(
            "unknown_provider_config",
            format!("There is no Provider Configuration matching the key {key:?}"),
        )
    }

    pub(crate) fn unknown_session_token() -> Self {
        Self::unauthorized(
            "unknown_connect_session_token",
            "Authentication failed. The provided connect session token does not match any account.",
        )
    }

    /// The JSON body of this error.
    pub(crate) fn body(&self) -> serde_json::Value {
        let mut error = serde_json::json!({ "code": self.code, "message": self.message });
        if !self.errors.is_empty()
            && let Some(obj) = error.as_object_mut()
        {
            obj.insert("errors".into(), serde_json::to_value(&self.errors).unwrap_or_default());
        }
        serde_json::json!({ "error": error })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}
