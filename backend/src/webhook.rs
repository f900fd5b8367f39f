//! Nango's webhooks: the signature check and the typed events.
//!
//! Nango signs each webhook with the environment's webhook signing key: the header
//! `X-Nango-Hmac-Sha256` is the hex HMAC-SHA256 of the raw body. As the official Node SDK's
//! `verifyIncomingWebhookRequest`, only that header counts (the legacy `X-Nango-Signature` alone
//! is refused), its hex digits may be of either case, and the body must be checked as received,
//! before any JSON parsing.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The signature header.
pub const SIGNATURE_HEADER: &str = "x-nango-hmac-sha256";

/// Why a webhook was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// No `X-Nango-Hmac-Sha256` header (or not text).
    #[error("the webhook has no X-Nango-Hmac-Sha256 header")]
    MissingSignature,
    /// The signature does not match the body and the signing key.
    #[error("the webhook's signature does not match its body")]
    BadSignature,
    /// No signing key was configured (`Nango::webhook_signing_key`).
    #[error("no webhook signing key is configured")]
    NoSigningKey,
    /// The body is signed but is not a webhook (not JSON, or a field has the wrong type).
    #[error("the webhook's body is not Nango's: {0}")]
    Malformed(#[source] serde_json::Error),
}

/// Checks the signature of a webhook: `X-Nango-Hmac-Sha256` must be the hex HMAC-SHA256 of
/// `raw_body` with `signing_key`. The comparison takes the same time wherever it differs.
pub fn verify_signature(signing_key: &str, raw_body: &[u8], headers: &HeaderMap) -> Result<(), WebhookError> {
    let header =
        headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()).ok_or(WebhookError::MissingSignature)?;
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(signing_key.as_bytes()) else {
        // HMAC takes keys of any length; this cannot happen, and refusing is the safe answer.
        return Err(WebhookError::BadSignature);
    };
    mac.update(raw_body);
    let expected = mac.finalize().into_bytes();
    // As the Node SDK: 64 hex digits (either case), their bytes compared in constant time.
    match hex::decode(header) {
        Ok(given)
            if given.len() == expected.len() && bool::from(given.as_slice().ct_eq(expected.as_slice())) =>
        {
            Ok(())
        }
        _ => Err(WebhookError::BadSignature),
    }
}

/// Checks the signature, then parses the body into a [`WebhookEvent`].
pub fn verify_webhook(
    signing_key: &str,
    raw_body: &[u8],
    headers: &HeaderMap,
) -> Result<WebhookEvent, WebhookError> {
    verify_signature(signing_key, raw_body, headers)?;
    WebhookEvent::parse(raw_body)
}

/// A webhook from Nango, by `type`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WebhookEvent {
    /// `type: "auth"`: a connection was created, re-authorized, or failed to refresh.
    Auth(Box<AuthEvent>),
    /// `type: "sync"`: a sync finished (the body as is).
    Sync(Value),
    /// `type: "forward"`: a provider's own webhook, forwarded (the body as is).
    Forward(Value),
    /// Any other type (the body as is).
    Other(Value),
}

impl WebhookEvent {
    /// Parses a (verified) body.
    pub fn parse(raw_body: &[u8]) -> Result<Self, WebhookError> {
        let value: Value = serde_json::from_slice(raw_body).map_err(WebhookError::Malformed)?;
        Ok(match value.get("type").and_then(Value::as_str) {
            Some("auth") => {
                Self::Auth(Box::new(AuthEvent::deserialize(&value).map_err(WebhookError::Malformed)?))
            }
            Some("sync") => Self::Sync(value),
            Some("forward") => Self::Forward(value),
            _ => Self::Other(value),
        })
    }
}

/// What an auth webhook reports.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthOperation {
    /// A new connection.
    Creation,
    /// An existing connection authorized again (a reconnect session, the same connection id).
    Override,
    /// A token refresh (sent when it failed).
    Refresh,
    /// An operation this crate does not name.
    Other(String),
}

impl<'de> Deserialize<'de> for AuthOperation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match String::deserialize(d)?.as_str() {
            "creation" => Self::Creation,
            "override" => Self::Override,
            "refresh" => Self::Refresh,
            other => Self::Other(other.to_owned()),
        })
    }
}

/// The auth webhook (`NangoAuthWebhookBody`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AuthEvent {
    /// The connection: store it for the end user.
    pub connection_id: String,
    /// The integration key.
    pub provider_config_key: String,
    /// The provider.
    #[serde(default)]
    pub provider: String,
    /// The auth mode (`OAUTH2`, `API_KEY`, …).
    #[serde(default)]
    pub auth_mode: String,
    /// The environment (`dev`, `prod`, …).
    #[serde(default)]
    pub environment: String,
    /// What happened.
    pub operation: AuthOperation,
    /// Whether it worked.
    pub success: bool,
    /// The end user of the session that made the connection (absent for imports).
    #[serde(default)]
    pub end_user: Option<WebhookEndUser>,
    /// The connection's tags (`end_user_id`, `organization_id`, …).
    #[serde(default)]
    pub tags: Option<BTreeMap<String, String>>,
    /// Why it failed, when `success` is false.
    #[serde(default)]
    pub error: Option<WebhookFailure>,
}

impl AuthEvent {
    /// The end user's id: from `endUser`, else the `end_user_id` tag.
    pub fn end_user_id(&self) -> Option<&str> {
        self.end_user
            .as_ref()
            .map(|u| u.end_user_id.as_str())
            .or_else(|| self.tags.as_ref()?.get("end_user_id").map(String::as_str))
    }
}

/// `endUser` of an auth webhook.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WebhookEndUser {
    /// Your app's id of the user.
    pub end_user_id: String,
    /// Their email.
    #[serde(default)]
    pub end_user_email: Option<String>,
    /// Their organization's id.
    #[serde(default)]
    pub organization_id: Option<String>,
    /// Their tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// `error` of a failed auth webhook.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct WebhookFailure {
    /// Its type (e.g. `refresh_token_external_error`).
    #[serde(rename = "type")]
    pub kind: String,
    /// What went wrong.
    #[serde(default)]
    pub description: String,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn signed(key: &str, body: &str) -> HeaderMap {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(body.as_bytes());
        let mut headers = HeaderMap::new();
        headers.insert(SIGNATURE_HEADER, hex::encode(mac.finalize().into_bytes()).parse().unwrap());
        headers
    }

    const BODY: &str = r#"{"from":"nango","type":"auth","operation":"creation","success":true,"connectionId":"c1","providerConfigKey":"github","provider":"github","authMode":"OAUTH2","environment":"dev","endUser":{"endUserId":"u1","tags":{}}}"#;

    #[test]
    fn a_signed_auth_webhook_is_verified_and_typed() {
        let event = verify_webhook("k", BODY.as_bytes(), &signed("k", BODY)).unwrap();
        let WebhookEvent::Auth(auth) = event else { panic!("auth expected") };
        assert_eq!(
            (auth.operation, auth.success, auth.connection_id.as_str()),
            (AuthOperation::Creation, true, "c1")
        );
        assert_eq!(auth.end_user.as_ref().map(|u| u.end_user_id.as_str()), Some("u1"));
    }

    #[test]
    fn a_changed_body_a_wrong_key_or_no_header_is_refused() {
        let headers = signed("k", BODY);
        let changed = BODY.replace("c1", "c2");
        assert!(matches!(verify_webhook("k", changed.as_bytes(), &headers), Err(WebhookError::BadSignature)));
        assert!(matches!(
            verify_webhook("other", BODY.as_bytes(), &headers),
            Err(WebhookError::BadSignature)
        ));
        assert!(matches!(
            verify_webhook("k", BODY.as_bytes(), &HeaderMap::new()),
            Err(WebhookError::MissingSignature)
        ));
        let mut short = HeaderMap::new();
        let hex = headers[SIGNATURE_HEADER].to_str().unwrap().to_owned();
        short.insert(SIGNATURE_HEADER, hex[..62].parse().unwrap());
        assert!(matches!(verify_signature("k", BODY.as_bytes(), &short), Err(WebhookError::BadSignature)));
        let mut upper = HeaderMap::new();
        upper.insert(SIGNATURE_HEADER, hex.to_uppercase().parse().unwrap());
        assert!(verify_signature("k", BODY.as_bytes(), &upper).is_ok(), "either case, as the Node SDK");
    }

    #[test]
    fn a_signed_body_that_is_not_a_webhook_is_malformed() {
        let body = r#"{"type":"auth","operation":"creation"}"#;
        assert!(matches!(
            verify_webhook("k", body.as_bytes(), &signed("k", body)),
            Err(WebhookError::Malformed(_))
        ));
        let other = r#"{"type":"async_action","id":1}"#;
        assert!(matches!(
            verify_webhook("k", other.as_bytes(), &signed("k", other)),
            Ok(WebhookEvent::Other(_))
        ));
    }
}
