//! Reading the official JS SDK's recorded traffic (`core/tests/fixtures/js-sdk-wire.json`):
//! shared by the protocol's conformance test (`core/tests/conformance.rs`) and the native
//! driver's (`examples/cli/tests/conformance.rs`, which includes this file by path).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use nango_frontend::{AuthError, AuthOptions, AuthSuccess, Credentials, Json};
use serde_json::Value;

pub fn s(v: &Value) -> String {
    v.as_str().unwrap().to_owned()
}

pub fn ours(v: &Value) -> Json {
    Json::parse(&v.to_string()).unwrap()
}

/// The JS call's arguments as (key, options).
pub fn options(args: &[Value]) -> (String, AuthOptions) {
    let key = s(&args[0]);
    let mut o = AuthOptions::new();
    let mut rest = &args[1..];
    if let Some(Value::String(id)) = rest.first() {
        o = o.connection_id(id.clone());
        rest = &rest[1..];
    }
    let Some(js) = rest.first() else { return (key, o) };
    for (k, v) in js.get("params").and_then(Value::as_object).into_iter().flatten() {
        o = o.param(k.clone(), s(v));
    }
    if let Some(h) = js.get("hmac") {
        o = o.hmac(s(h));
    }
    if let Some(scopes) = js.get("user_scope").and_then(Value::as_array) {
        o = o.user_scope(scopes.iter().map(s));
    }
    for (k, v) in js.get("authorization_params").and_then(Value::as_object).into_iter().flatten() {
        o = o.authorization_param(k.clone(), v.as_str().map(str::to_owned));
    }
    if let Some(c) = js.get("credentials") {
        o = o.credentials(Credentials::from_json(ours(c)).unwrap());
    }
    if js.get("installation").and_then(Value::as_str) == Some("outbound") {
        o = o.credentials(Credentials::OutboundInstallation);
    }
    if js.get("detectClosedAuthWindow") == Some(&Value::Bool(true)) {
        o = o.detect_closed_auth_window(true);
    }
    if let Some(a) = js.get("assertionOption") {
        o = o.assertion_option(ours(a));
    }
    (key, o)
}

/// Scheme, host, path and the *decoded* query pairs: the server decodes the query, so that is
/// what must agree (`docs/protocol.md` §2), not the bytes.
pub fn decoded(url: &str) -> (String, Vec<(String, String)>) {
    let mut u = url::Url::parse(url).unwrap();
    let pairs = u.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    // The whole URL but its query (scheme, host, port, path): a wrong port or host fails.
    u.set_query(None);
    u.set_fragment(None);
    (u.to_string(), pairs)
}

pub fn expected_result(scenario: &Value) -> Result<AuthSuccess, (String, String)> {
    if let Some(e) = scenario.get("error") {
        return Err((s(&e["type"]), s(&e["message"])));
    }
    Ok(AuthSuccess::from_json(&ours(&scenario["result"])).unwrap())
}

pub fn as_pair(r: Result<AuthSuccess, AuthError>) -> Result<AuthSuccess, (String, String)> {
    r.map_err(|e| (e.error_type().to_owned(), e.message))
}

pub fn ops<'a>(scenario: &'a Value, op: &str) -> Vec<&'a Value> {
    scenario["wire"].as_array().unwrap().iter().filter(|w| w["op"] == op).collect()
}
