//! Nango's auth webhooks: after a connection is created or re-authorized, and when a refresh
//! fails, a JSON body POSTed to `webhook_url`, signed as Nango signs it (`dev-server/README.md`,
//! "Webhooks"). Delivery runs in its own task with retries: it never delays or fails the flow.

use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::store::{Connection, Upsert};

/// The environment name the webhooks carry.
pub(crate) const ENVIRONMENT: &str = "dev";

/// Attempts per webhook (the first plus retries).
const ATTEMPTS: u32 = 4;
/// Wait before the first retry; doubled for each further one.
const FIRST_BACKOFF: Duration = Duration::from_millis(200);

/// What happened to the connection (the webhook's `operation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AuthOperation {
    /// A new connection.
    Creation,
    /// An existing connection was authorized again (a reconnect session, or the same id).
    Override,
    /// A token refresh (only its failures are sent, as Nango does by default).
    Refresh,
}

impl From<Upsert> for AuthOperation {
    fn from(upsert: Upsert) -> Self {
        match upsert {
            Upsert::Created => Self::Creation,
            Upsert::Overridden => Self::Override,
        }
    }
}

impl AuthOperation {
    fn as_str(self) -> &'static str {
        match self {
            Self::Creation => "creation",
            Self::Override => "override",
            Self::Refresh => "refresh",
        }
    }
}

/// The body of an auth webhook for `connection`: `error` is `(type, description)` of a failure.
pub(crate) fn auth_body(
    connection: &Connection,
    operation: AuthOperation,
    error: Option<(&str, &str)>,
) -> Value {
    let mut body = Map::new();
    body.insert("from".into(), json!("nango"));
    body.insert("type".into(), json!("auth"));
    body.insert("connectionId".into(), json!(connection.connection_id));
    body.insert("providerConfigKey".into(), json!(connection.provider_config_key));
    body.insert("authMode".into(), json!(connection.auth_mode.as_str()));
    body.insert("provider".into(), json!(connection.provider));
    body.insert("environment".into(), json!(ENVIRONMENT));
    body.insert("operation".into(), json!(operation.as_str()));
    body.insert("success".into(), json!(error.is_none()));
    body.insert("tags".into(), Value::Object(connection.tags.clone()));
    if let Some(user) = &connection.end_user {
        let mut end_user = Map::new();
        end_user.insert("endUserId".into(), user.get("id").cloned().unwrap_or(Value::Null));
        if let Some(email) = user.get("email") {
            end_user.insert("endUserEmail".into(), email.clone());
        }
        if let Some(org) = connection.organization.as_ref().and_then(|o| o.get("id")) {
            end_user.insert("organizationId".into(), org.clone());
        }
        let tags = user.get("tags").filter(|t| t.is_object()).cloned().unwrap_or_else(|| json!({}));
        end_user.insert("tags".into(), tags);
        body.insert("endUser".into(), Value::Object(end_user));
    }
    if let Some((kind, description)) = error {
        body.insert("error".into(), json!({ "type": kind, "description": description }));
    }
    Value::Object(body)
}

/// `X-Nango-Hmac-Sha256`: the hex HMAC-SHA256 of the raw body with the signing key.
pub(crate) fn hmac_signature(key: &str, body: &[u8]) -> String {
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()).unwrap_or_else(|_| unreachable!());
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// The legacy `X-Nango-Signature`: hex SHA-256 of the key followed by the body.
pub(crate) fn legacy_signature(key: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(key.as_bytes());
    hash.update(body);
    hex::encode(hash.finalize())
}

/// Sends `body` to the configured webhook URL, if any, in a task of its own: up to
/// [`ATTEMPTS`] tries with doubling waits, retrying network errors and 5xx answers (not 3xx or
/// 4xx), one log line per attempt. The task ends early when the server shuts down.
pub(crate) fn send(state: &AppState, body: &Value) {
    let Some(url) = state.config.webhook_url.clone() else { return };
    let raw = body.to_string();
    let key = &state.config.webhook_signing_key;
    let hmac = hmac_signature(key, raw.as_bytes());
    let legacy = legacy_signature(key, raw.as_bytes());
    let what = format!(
        "webhook auth/{} for {}",
        body.get("operation").and_then(Value::as_str).unwrap_or("?"),
        body.get("connectionId").and_then(Value::as_str).unwrap_or("?")
    );
    let http = state.http.clone();
    let log = state.config.log_events;
    let mut shutdown = state.shutdown.clone();
    let deliver = async move {
        let mut wait = FIRST_BACKOFF;
        for attempt in 1..=ATTEMPTS {
            let sent = http
                .post(&url)
                .header("content-type", "application/json")
                .header("user-agent", concat!("nango-dev-server/", env!("CARGO_PKG_VERSION")))
                .header("x-nango-hmac-sha256", &hmac)
                .header("x-nango-signature", &legacy)
                .body(raw.clone())
                .send()
                .await;
            let (outcome, retry) = match sent {
                Ok(res) if res.status().is_success() => (format!("{}", res.status().as_u16()), false),
                Ok(res) => (format!("{}", res.status().as_u16()), res.status().is_server_error()),
                Err(e) => (format!("error: {e}"), true),
            };
            let last = !retry || attempt == ATTEMPTS;
            if log {
                let next =
                    if last { String::new() } else { format!(", retrying in {} ms", wait.as_millis()) };
                eprintln!(
                    "[nango-dev-server] {what} -> {url}: {outcome} (attempt {attempt}/{ATTEMPTS}{next})"
                );
            }
            if last {
                return;
            }
            tokio::time::sleep(wait).await;
            wait *= 2;
        }
    };
    tokio::spawn(async move {
        tokio::select! {
            () = deliver => {}
            _ = shutdown.wait_for(|stop| *stop) => {}
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_rfc_4231_and_plain_sha256() {
        // RFC 4231, test case 2.
        assert_eq!(
            hmac_signature("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            legacy_signature("ab", b"c"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
