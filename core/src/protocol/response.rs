//! Parsing what the server answers to a credential POST.

use crate::json::{Json, JsonObject, JsonRead};
use crate::text::concat;
use crate::url::decimal;
use crate::{AuthError, AuthErrorType};

/// A connection was made.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct AuthSuccess {
    /// The integration's unique key.
    pub provider_config_key: String,
    /// The new connection's id.
    pub connection_id: String,
    /// The connection waits for an asynchronous step (e.g. a webhook) to complete.
    #[cfg_attr(feature = "serde", serde(default))]
    pub is_pending: bool,
}

impl AuthSuccess {
    /// Reads `{providerConfigKey, connectionId, isPending?}` (the HTTP and Connect UI shape).
    pub fn from_json(value: &Json) -> Option<Self> {
        Self::from_value(value)
    }

    /// Reads a success from a parsed object (`&Json`, or a `JsValue` in the browser).
    pub(crate) fn from_value(value: impl JsonRead) -> Option<Self> {
        Some(Self {
            provider_config_key: value.text("providerConfigKey")?,
            connection_id: value.text("connectionId")?,
            is_pending: value.field("isPending").and_then(|v| v.boolean()).unwrap_or(false),
        })
    }

    /// Writes `{providerConfigKey, connectionId, isPending}`.
    pub fn to_json(&self) -> Json {
        let object: JsonObject = [
            ("providerConfigKey", Json::from(self.provider_config_key.as_str())),
            ("connectionId", Json::from(self.connection_id.as_str())),
            ("isPending", Json::from(self.is_pending)),
        ]
        .into_iter()
        .collect();
        Json::Object(object)
    }
}

/// Turns a credential POST's answer into a result.
///
/// Any body holding an `error` object is an error, whatever the status: Nango's `/auth/tba`
/// reports a failed credential test as HTTP 200 with an error body. A body that is not the
/// documented JSON is an `invalid_response` error, never a panic.
pub fn parse_auth_response(status: u16, body: &str) -> Result<AuthSuccess, AuthError> {
    auth_result(status, Json::parse(body).as_ref(), body)
}

/// [`parse_auth_response`] on a body already parsed (`None`: it is not JSON).
pub(crate) fn auth_result(
    status: u16,
    value: Option<impl JsonRead>,
    body: &str,
) -> Result<AuthSuccess, AuthError> {
    let Some(value) = value else {
        return Err(AuthError::invalid_response(concat(&[
            "Nango answered HTTP ",
            &decimal(status.into()),
            " with a body that is not JSON: ",
            &snippet(body),
        ])));
    };
    if let Some(error) = server_error(&value) {
        return Err(error);
    }
    if !(200..300).contains(&status) {
        return Err(AuthError::new(
            AuthErrorType::UnknownError,
            concat(&["Nango answered HTTP ", &decimal(status.into()), ": ", &snippet(body)]),
        ));
    }
    AuthSuccess::from_value(value).ok_or_else(|| {
        AuthError::invalid_response(concat(&[
            "Nango's answer lacks providerConfigKey/connectionId: ",
            &snippet(body),
        ]))
    })
}

/// The error a body reports: `{"error": {"code", "message"}}`, or the older
/// `{"error": "message", "type": "code"}`.
pub(crate) fn server_error(value: &impl JsonRead) -> Option<AuthError> {
    let error = value.field("error")?;
    if error.is_object() {
        let code = error.text("code").unwrap_or_else(|| "unknown_error".to_owned());
        let message = error.text("message").unwrap_or_else(|| code.clone());
        return Some(AuthError::new(AuthErrorType::from_code(&code), message));
    }
    let message = error.string()?;
    let code = value.text("type").unwrap_or_else(|| "unknown_error".to_owned());
    Some(AuthError::new(AuthErrorType::from_code(&code), message))
}

/// Reads the session token from a backend's answer (`{"token"}` or Nango's
/// `{"data": {"token"}}`), for [`TokenSource::backend`](crate::TokenSource::backend).
pub fn parse_token_response(status: u16, body: &str) -> Result<String, AuthError> {
    token_result(status, Json::parse(body).as_ref(), body)
}

/// [`parse_token_response`] on a body already parsed (`None`: it is not JSON).
pub(crate) fn token_result(
    status: u16,
    value: Option<impl JsonRead>,
    body: &str,
) -> Result<String, AuthError> {
    let status_text = decimal(status.into());
    let Some(value) = value else {
        return Err(AuthError::invalid_response(concat(&[
            "The token endpoint answered HTTP ",
            &status_text,
            ", not JSON: ",
            &snippet(body),
        ])));
    };
    if let Some(error) = server_error(&value) {
        return Err(error);
    }
    let token = value.field("token").or_else(|| value.field("data").and_then(|d| d.field("token")));
    match token.and_then(|t| t.string()) {
        Some(token) if (200..300).contains(&status) && !token.is_empty() => Ok(token),
        _ => Err(AuthError::invalid_response(concat(&[
            "The token endpoint answered HTTP ",
            &status_text,
            " without a token: ",
            &snippet(body),
        ]))),
    }
}

/// The first 200 bytes or so of a body, cut on a character boundary.
fn snippet(body: &str) -> String {
    const MAX: usize = 200;
    if body.len() <= MAX {
        return body.to_owned();
    }
    let cut = (0..=MAX).rev().find(|&i| body.is_char_boundary(i)).unwrap_or(0);
    concat(&[body.get(..cut).unwrap_or_default(), "…"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_from_a_backend() {
        assert_eq!(parse_token_response(200, r#"{"token":"t"}"#).unwrap(), "t");
        assert_eq!(parse_token_response(201, r#"{"data":{"token":"t","expires_at":"x"}}"#).unwrap(), "t");
        assert_eq!(
            parse_token_response(200, r#"{"data":{}}"#).unwrap_err().kind,
            AuthErrorType::InvalidResponse
        );
        assert_eq!(parse_token_response(500, "oops").unwrap_err().kind, AuthErrorType::InvalidResponse);
        let e = parse_token_response(401, r#"{"error":{"code":"unauthorized","message":"no"}}"#).unwrap_err();
        assert_eq!(e.error_type(), "unauthorized");
    }

    #[test]
    fn success_and_errors() {
        let ok = parse_auth_response(200, r#"{"providerConfigKey":"p","connectionId":"c"}"#).unwrap();
        assert_eq!(
            ok,
            AuthSuccess { provider_config_key: "p".into(), connection_id: "c".into(), is_pending: false }
        );
        let tba = parse_auth_response(200, r#"{"error":{"code":"connection_test_failed","message":"m"}}"#);
        assert_eq!(tba.unwrap_err().kind, AuthErrorType::ConnectionTestFailed);
        let capped =
            parse_auth_response(400, r#"{"error":{"code":"resource_capped","message":"cap"}}"#).unwrap_err();
        assert_eq!((capped.kind, capped.message.as_str()), (AuthErrorType::ResourceCapped, "cap"));
        let legacy = parse_auth_response(400, r#"{"error":"bad","type":"invalid_body"}"#).unwrap_err();
        assert_eq!(legacy.kind, AuthErrorType::Other("invalid_body".into()));
        let html = parse_auth_response(502, "<html>Bad gateway</html>").unwrap_err();
        assert_eq!(html.kind, AuthErrorType::InvalidResponse);
        assert!(html.message.contains("502"));
        let empty = parse_auth_response(500, "{}").unwrap_err();
        assert_eq!(empty.kind, AuthErrorType::UnknownError);
        let partial = parse_auth_response(200, r#"{"connectionId":"c"}"#).unwrap_err();
        assert_eq!(partial.kind, AuthErrorType::InvalidResponse);
    }
}
