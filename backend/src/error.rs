//! Errors: Nango's `{"error": {"code", "message"?, "errors"?}}`, typed.

use std::fmt;

use serde::Deserialize;
use serde_json::Value;

/// What can go wrong with a call to Nango.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Nango answered with its error shape (`{"error": {"code", …}}`).
    #[error("{0}")]
    Api(Box<ApiError>),
    /// Nango could not be reached, or the connection broke (includes timeouts).
    #[error("cannot reach Nango: {0}")]
    Network(#[source] reqwest::Error),
    /// Nango answered something that is neither its error shape nor the expected result.
    #[error("Nango answered HTTP {status} with an unexpected body ({reason}): {snippet}")]
    UnexpectedResponse {
        /// The HTTP status.
        status: u16,
        /// Why the body was refused (the parse error).
        reason: String,
        /// The start of the body.
        snippet: String,
    },
    /// The client's configuration is unusable (e.g. the host is not an http(s) URL).
    #[error("invalid configuration: {0}")]
    Config(String),
}

impl Error {
    /// Nango's error, when it answered one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Nango's error code, when it answered one.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.api().map(|e| &e.code)
    }
}

/// An error answered by Nango.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status (Nango's TBA endpoint answers some errors with 200).
    pub status: u16,
    /// `error.code`.
    pub code: ErrorCode,
    /// `error.message`: the real server leaves it out for some codes.
    pub message: Option<String>,
    /// `error.errors`: the validation issues of an `invalid_body` or `invalid_query_params`.
    pub errors: Vec<FieldIssue>,
    /// `error.payload`, when present (extra context some errors carry).
    pub payload: Option<Value>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nango answered HTTP {}: {}", self.status, self.code)?;
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        for issue in &self.errors {
            write!(f, "; {}", issue)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// One validation issue of an `invalid_body` / `invalid_query_params` error (zod's shape).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct FieldIssue {
    /// The issue's code (`invalid_type`, `unrecognized_keys`, `custom`, …).
    #[serde(default)]
    pub code: String,
    /// What is wrong.
    #[serde(default)]
    pub message: String,
    /// Where, as path segments (`["end_user", "email"]`; indexes as text).
    #[serde(default, deserialize_with = "path_segments")]
    pub path: Vec<String>,
}

impl fmt::Display for FieldIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}: {}", self.code, self.path.join("."), self.message)
    }
}

fn path_segments<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let segments = Option::<Vec<Value>>::deserialize(d)?.unwrap_or_default();
    Ok(segments
        .into_iter()
        .map(|s| match s {
            Value::String(s) => s,
            other => other.to_string(),
        })
        .collect())
}

macro_rules! codes {
    ($($variant:ident => $text:literal),* $(,)?) => {
        /// Nango's error codes that a backend meets; any other is [`ErrorCode::Other`].
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $(#[doc = concat!("`", $text, "`")] $variant,)*
            /// A code this crate does not name.
            Other(String),
        }

        impl ErrorCode {
            /// The code as Nango writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)*
                    Self::Other(code) => code,
                }
            }
        }

        impl From<&str> for ErrorCode {
            fn from(code: &str) -> Self {
                match code {
                    $($text => Self::$variant,)*
                    other => Self::Other(other.to_owned()),
                }
            }
        }
    };
}

codes! {
    MissingAuthHeader => "missing_auth_header",
    MalformedAuthHeader => "malformed_auth_header",
    UnknownAccount => "unknown_account",
    InvalidBody => "invalid_body",
    InvalidQueryParams => "invalid_query_params",
    InvalidUriParams => "invalid_uri_params",
    InvalidContentType => "invalid_content_type",
    PayloadTooLarge => "payload_too_large",
    NotFound => "not_found",
    UnknownProviderConfig => "unknown_provider_config",
    UnknownConnection => "unknown_connection",
    MissingProviderConfigKey => "missing_provider_config_key",
    InvalidCredentials => "invalid_credentials",
    ConnectionTestFailed => "connection_test_failed",
    ResourceCapped => "resource_capped",
    TooManyRequests => "too_many_requests",
    ServerError => "server_error",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `{"error": {...}}` as Nango writes it; every part but `code` optional.
#[derive(Deserialize)]
struct Envelope {
    error: Body,
}

#[derive(Deserialize)]
struct Body {
    code: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    errors: Option<Vec<FieldIssue>>,
    #[serde(default)]
    payload: Option<Value>,
}

/// Nango's error in `body`, whatever the status (a body with an `error` object is a failure).
pub(crate) fn api_error(status: u16, body: &Value) -> Option<ApiError> {
    if !body.get("error").is_some_and(Value::is_object) {
        return None;
    }
    let Envelope { error } = Envelope::deserialize(body).ok()?;
    Some(ApiError {
        status,
        code: ErrorCode::from(error.code.as_str()),
        message: error.message.filter(|m| !m.is_empty()),
        errors: error.errors.unwrap_or_default(),
        payload: error.payload,
    })
}

/// The first 200 bytes or so of a body, cut on a character boundary.
pub(crate) fn snippet(body: &str) -> String {
    let mut end = body.len().min(200);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    body.get(..end).unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn an_error_without_a_message_is_still_typed() {
        let e = api_error(404, &json!({"error": {"code": "not_found"}})).unwrap();
        assert_eq!((e.status, &e.code, e.message.as_deref()), (404, &ErrorCode::NotFound, None));
        assert_eq!(e.to_string(), "Nango answered HTTP 404: not_found");
    }

    #[test]
    fn validation_issues_and_unknown_codes_are_kept() {
        let body = json!({"error": {"code": "brand_new", "message": "m",
            "errors": [{"code": "invalid_type", "message": "Expected string", "path": ["end_user", 0]}]}});
        let e = api_error(400, &body).unwrap();
        assert_eq!(e.code, ErrorCode::Other("brand_new".into()));
        assert_eq!(e.errors[0].path, vec!["end_user".to_owned(), "0".to_owned()]);
        assert!(e.to_string().contains("invalid_type at end_user.0: Expected string"), "{e}");
    }

    #[test]
    fn bodies_without_an_error_object_are_not_errors() {
        assert!(api_error(200, &json!({"data": []})).is_none());
        assert!(api_error(500, &json!({"error": "text"})).is_none());
        assert!(api_error(500, &json!({"error": {"message": "no code"}})).is_none());
    }

    #[test]
    fn codes_round_trip() {
        for code in ["invalid_body", "unknown_connection", "server_error", "x"] {
            assert_eq!(ErrorCode::from(code).as_str(), code);
        }
        assert_eq!(snippet("é".repeat(150).as_str()).len(), 200);
    }
}
