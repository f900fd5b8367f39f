//! Parsing what the server answers to a credential POST.

use crate::json::{Json, JsonObject};
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
        Some(Self {
            provider_config_key: value.str_field("providerConfigKey")?.to_owned(),
            connection_id: value.str_field("connectionId")?.to_owned(),
            is_pending: value.get("isPending").and_then(Json::as_bool).unwrap_or(false),
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
    let ok = (200..300).contains(&status);
    let Some(value) = Json::parse(body) else {
        return Err(AuthError::invalid_response(
            [
                "Nango answered HTTP ",
                &decimal(status.into()),
                " with a body that is not JSON: ",
                &snippet(body),
            ]
            .concat(),
        ));
    };
    if let Some(error) = server_error(&value) {
        return Err(error);
    }
    if !ok {
        return Err(AuthError::new(
            AuthErrorType::UnknownError,
            ["Nango answered HTTP ", &decimal(status.into()), ": ", &snippet(body)].concat(),
        ));
    }
    AuthSuccess::from_json(&value).ok_or_else(|| {
        AuthError::invalid_response(
            ["Nango's answer lacks providerConfigKey/connectionId: ", &snippet(body)].concat(),
        )
    })
}

/// Reads Nango's error shape `{"error": {"code", "message"}}` (and the older `{"error": "text",
/// "type": "code"}`).
pub(crate) fn server_error(value: &Json) -> Option<AuthError> {
    match value.get("error")? {
        error @ Json::Object(_) => {
            let code = error.str_field("code").unwrap_or("unknown_error");
            let message = error.str_field("message").unwrap_or(code);
            Some(AuthError::new(AuthErrorType::from_code(code), message))
        }
        Json::String(message) => {
            let code = value.str_field("type").unwrap_or("unknown_error");
            Some(AuthError::new(AuthErrorType::from_code(code), message.as_str()))
        }
        _ => None,
    }
}

/// Reads a session token from a backend's answer: `{"token": …}` or `{"data": {"token": …}}`.
pub fn parse_token_response(status: u16, body: &str) -> Result<String, AuthError> {
    let value = Json::parse(body).ok_or_else(|| {
        AuthError::invalid_response(format!(
            "The token endpoint answered HTTP {status}, not JSON: {}",
            snippet(body)
        ))
    })?;
    if let Some(error) = server_error(&value) {
        return Err(error);
    }
    let token = value.get("token").or_else(|| value.get("data").and_then(|d| d.get("token")));
    match token.and_then(Json::as_str) {
        Some(token) if (200..300).contains(&status) && !token.is_empty() => Ok(token.to_owned()),
        _ => Err(AuthError::invalid_response(
            [
                "The token endpoint answered HTTP ",
                &decimal(status.into()),
                " without a token: ",
                &snippet(body),
            ]
            .concat(),
        )),
    }
}

/// The first 200 bytes or so of a body, cut on a character boundary.
fn snippet(body: &str) -> String {
    const MAX: usize = 200;
    if body.len() <= MAX {
        return body.to_owned();
    }
    let cut = (0..=MAX).rev().find(|&i| body.is_char_boundary(i)).unwrap_or(0);
    [body.get(..cut).unwrap_or_default(), "…"].concat()
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
