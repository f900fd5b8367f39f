//! Property test of the backend API: generated requests, valid and invalid (methods, paths,
//! query strings, bodies, auth), against one server holding real connections. Whatever comes
//! in, the answer is never a 5xx, every error is Nango's `{"error": {"code", "message"}}`, and
//! a valid request succeeds. `PROPTEST_CASES` sets the number of cases (default 300).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(300)
}

/// A request as generated.
#[derive(Clone, Debug)]
struct Req {
    method: &'static str,
    path: String,
    query: String,
    body: Option<Vec<u8>>,
    json_type: bool,
    auth: Auth,
}

#[derive(Clone, Copy, Debug)]
enum Auth {
    Secret,
    None,
    Garbage,
}

/// The connection ids the server holds (see `seeded`) and some it does not.
fn connection_id() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("conn-a".to_owned()),
        Just("conn-b".to_owned()),
        "[a-zA-Z0-9@._-]{1,20}",
        // Anything, percent-encoded into the path.
        any::<String>().prop_map(|s| url::form_urlencoded::byte_serialize(s.as_bytes()).collect()),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![Just("api-key-dev".to_owned()), Just("github-dev".to_owned()), "[a-z~:. _-]{0,12}",]
}

fn flag_value() -> impl Strategy<Value = String> {
    prop_oneof![Just("true".to_owned()), Just("false".to_owned()), Just("1".to_owned()), "[a-z0-9]{0,5}"]
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Query pairs: the documented keys with valid or invalid values, and unknown keys.
fn query() -> impl Strategy<Value = String> {
    let pair = prop_oneof![
        key().prop_map(|k| format!("provider_config_key={}", encode(&k))),
        flag_value().prop_map(|v| format!("force_refresh={v}")),
        flag_value().prop_map(|v| format!("refresh_token={v}")),
        connection_id().prop_map(|c| format!("connectionId={c}")),
        "[a-zA-Z@]{0,8}".prop_map(|s| format!("search={s}")),
        "[a-z]{0,6}".prop_map(|s| format!("endUserId={s}")),
        "[a-z,-]{0,12}".prop_map(|s| format!("integrationId={s}")),
        "[a-z_]{0,8}".prop_map(|s| format!("tags[{s}]=x")),
        "-?[0-9]{0,5}".prop_map(|n| format!("limit={n}")),
        "-?[0-9]{0,5}".prop_map(|n| format!("page={n}")),
        prop_oneof![Just("webhook"), Just("credentials"), Just("x")].prop_map(|v| format!("include={v}")),
        ("[a-z%\\[\\]]{1,8}", "[a-z%]{0,8}").prop_map(|(k, v)| format!("{k}={v}")),
    ];
    prop::collection::vec(pair, 0..4).prop_map(|pairs| pairs.join("&"))
}

/// Bodies: valid metadata bodies, other JSON, and bytes that are not JSON.
fn body() -> impl Strategy<Value = Option<Vec<u8>>> {
    let ids = prop_oneof![
        connection_id().prop_map(Value::String),
        prop::collection::vec(connection_id().prop_map(Value::String), 0..3).prop_map(Value::Array),
        any::<i64>().prop_map(|n| json!(n)),
    ];
    let metadata = prop_oneof![
        Just(json!({"plan": "pro"})),
        Just(json!({})),
        Just(json!([1, 2])),
        Just(Value::Null),
        "[a-z]{0,5}".prop_map(Value::String),
    ];
    let metadata_body = (ids, key(), metadata, any::<bool>()).prop_map(|(ids, key, metadata, extra)| {
        let mut body = json!({"connection_id": ids, "provider_config_key": key, "metadata": metadata});
        if extra {
            body["unexpected"] = json!(true);
        }
        body.to_string().into_bytes()
    });
    let import_body =
        (key(), prop::sample::select(vec!["API_KEY", "OAUTH2", "BASIC", "NONE", "TBA", ""]), any::<bool>())
            .prop_map(|(key, kind, full)| {
                let credentials = if full {
                    json!({"type": kind, "apiKey": "dev-key-ok", "access_token": "a"})
                } else {
                    json!({"type": kind})
                };
                json!({"provider_config_key": key, "credentials": credentials}).to_string().into_bytes()
            });
    prop_oneof![
        Just(None),
        metadata_body.prop_map(Some),
        import_body.prop_map(Some),
        Just(Some(b"{\"a\":1}".to_vec())),
        Just(Some(b"[]".to_vec())),
        prop::collection::vec(any::<u8>(), 0..40).prop_map(Some),
    ]
}

fn request() -> impl Strategy<Value = Req> {
    let route = prop_oneof![
        connection_id().prop_map(|id| ("GET", format!("/connections/{id}"))),
        connection_id().prop_map(|id| ("GET", format!("/connection/{id}"))),
        connection_id().prop_map(|id| ("DELETE", format!("/connections/{id}"))),
        Just(("GET", "/connections".to_owned())),
        Just(("GET", "/connection".to_owned())),
        Just(("POST", "/connections/metadata".to_owned())),
        Just(("PATCH", "/connection/metadata".to_owned())),
        connection_id().prop_map(|id| ("POST", format!("/connection/{id}/metadata"))),
        connection_id().prop_map(|id| ("PATCH", format!("/connection/{id}/metadata"))),
        Just(("GET", "/providers".to_owned())),
        key().prop_map(|k| ("GET", format!("/providers/{}", encode(&k)))),
        Just(("GET", "/integrations".to_owned())),
        key().prop_map(|k| ("GET", format!("/integrations/{}", encode(&k)))),
        Just(("POST", "/connect/sessions/reconnect".to_owned())),
        Just(("PUT", "/connections/metadata".to_owned())),
        Just(("POST", "/connections".to_owned())),
    ];
    let auth = prop_oneof![8 => Just(Auth::Secret), 1 => Just(Auth::None), 1 => Just(Auth::Garbage)];
    (route, query(), body(), prop::bool::weighted(0.9), auth).prop_map(
        |((method, path), query, body, json_type, auth)| Req { method, path, query, body, json_type, auth },
    )
}

/// The server, with connections `conn-a` (API key) and `conn-b` (unauthenticated).
async fn seeded() -> common::TestServer {
    let t = common::start_server().await;
    for (path, id, body) in [
        ("/api-auth/api-key/api-key-dev", "conn-a", Some(json!({"apiKey": "dev-key-ok"}))),
        ("/auth/unauthenticated/unauthenticated-dev", "conn-b", None),
    ] {
        let (status, body) = t
            .post_auth(&format!("{path}?public_key={}&connection_id={id}", t.server.public_key()), body)
            .await;
        assert_eq!(status, 200, "{body}");
    }
    t
}

async fn send(t: &common::TestServer, req: &Req) -> (u16, String) {
    let url =
        if req.query.is_empty() { t.url(&req.path) } else { t.url(&format!("{}?{}", req.path, req.query)) };
    let mut r = t.http.request(reqwest::Method::from_bytes(req.method.as_bytes()).unwrap(), url);
    r = match req.auth {
        Auth::Secret => r.header("authorization", t.secret()),
        Auth::Garbage => r.header("authorization", "Bearer not-the-key"),
        Auth::None => r,
    };
    if req.json_type {
        r = r.header("content-type", "application/json").header("provider-config-key", "api-key-dev");
    }
    if let Some(body) = &req.body {
        r = r.body(body.clone());
    }
    let res = r.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

/// Nango's error shapes, strictly (`fixtures/real-nango`): `{"error": {"code": string,
/// "message"?: string, "errors"?: [...], "payload"?: {}}}`, with `errors` (validation) or
/// `payload` (authentication) never beside each other, and a `message` beside `payload`.
fn is_nango_error(text: &str) -> bool {
    let Ok(Value::Object(top)) = serde_json::from_str::<Value>(text) else { return false };
    let Some(Value::Object(error)) = top.get("error") else { return false };
    top.len() == 1
        && error.get("code").is_some_and(Value::is_string)
        && error.get("message").is_none_or(Value::is_string)
        && error.keys().all(|k| matches!(k.as_str(), "code" | "message" | "errors" | "payload"))
        && error.get("errors").is_none_or(Value::is_array)
        && error.get("payload").is_none_or(|p| p.as_object().is_some_and(Map::is_empty))
        && !(error.contains_key("errors") && error.contains_key("payload"))
        && (!error.contains_key("payload") || error.contains_key("message"))
}

#[test]
fn generated_requests_never_get_a_5xx_and_errors_are_nangos() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let t = rt.block_on(seeded());
    let config = ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() };
    proptest!(config, |(req in request())| {
        let (status, text) = rt.block_on(send(&t, &req));
        prop_assert!(status < 500, "{req:?} answered {status}: {text}");
        if status >= 400 {
            prop_assert!(is_nango_error(&text), "{req:?} answered {status} with {text}");
        } else {
            prop_assert!(serde_json::from_str::<Value>(&text).is_ok(), "{req:?} answered {status} with {text}");
        }
    });
}

#[test]
fn generated_valid_requests_succeed() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let t = rt.block_on(seeded());
    let config = ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() };
    let valid = (
        prop::sample::select(vec![("conn-a", "api-key-dev"), ("conn-b", "unauthenticated-dev")]),
        prop::collection::btree_map("[a-z]{1,8}", any::<i64>(), 0..4),
        any::<bool>(),
        prop::sample::select(vec!["true", "false", "1", "0", "yes", "no"]),
        prop::sample::select(vec!["/connection", "/connections"]),
    );
    proptest!(config, |(((id, key), metadata, merge, flag, base) in valid)| {
        let metadata_body = json!({"connection_id": id, "provider_config_key": key, "metadata": metadata});
        let method = if merge { "PATCH" } else { "POST" };
        let set = Req {
            method,
            path: format!("{base}/metadata"),
            query: String::new(),
            body: Some(metadata_body.to_string().into_bytes()),
            json_type: true,
            auth: Auth::Secret,
        };
        let (status, text) = rt.block_on(send(&t, &set));
        prop_assert_eq!(status, if merge { 200 } else { 201 }, "{}", text);
        let get = Req {
            method: "GET",
            path: format!("{base}/{id}"),
            query: format!("provider_config_key={key}&refresh_token={flag}&force_refresh={flag}"),
            body: None,
            json_type: false,
            auth: Auth::Secret,
        };
        let (status, text) = rt.block_on(send(&t, &get));
        prop_assert_eq!(status, 200, "{}", text);
        let connection: Value = serde_json::from_str(&text).unwrap();
        for (k, v) in &metadata {
            prop_assert_eq!(&connection["metadata"][k], &json!(v));
        }
        let list = Req {
            method: "GET",
            path: base.to_owned(),
            query: format!("connectionId={id}&integrationId={key}&limit=5&page=0"),
            body: None,
            json_type: false,
            auth: Auth::Secret,
        };
        let (status, text) = rt.block_on(send(&t, &list));
        prop_assert_eq!(status, 200, "{}", text);
        let listed: Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(listed["connections"].as_array().map(Vec::len), Some(1));
    });
}
