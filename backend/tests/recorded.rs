//! The client against what a real Nango answered: each test serves one exchange recorded from
//! Nango's open-source server (`dev-server/tests/fixtures/real-nango/exchanges.json`, see
//! `dev-server/README.md`), checks that the client's request has the recorded method and path,
//! and that the recorded answer reads as the typed success or error it is. The placeholders of
//! the fixture (`<uuid>`, `<timestamp>`, …) become values of their type.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::sync::{Arc, Mutex};

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use nango_backend::{
    ConnectSessionRequest, Credentials, EndUser, ErrorCode, GetConnection, ListConnections, Nango,
    ReconnectSessionRequest,
};
use serde_json::{Map, Value};

const SECRET: &str = "3b6c1f2e-9d4a-4c1b-8e7f-0a1b2c3d4e5f";

fn fixture() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../dev-server/tests/fixtures/real-nango/exchanges.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("the recorded fixture")).unwrap()
}

/// A placeholder's sample value: whole-string placeholders keep their JSON type.
fn fill(v: &Value) -> Value {
    match v {
        Value::String(s) if s == "<int>" => Value::from(7),
        Value::String(s) => Value::String(
            s.replace("<uuid>", "5d3a8c1e-2b4f-4a6d-9e8c-7b1a2c3d4e5f")
                .replace("<timestamp>", "2026-12-06T12:00:00.000Z")
                .replace("<session_token>", &format!("nango_connect_session_{}", "ab".repeat(32)))
                .replace("<connect_ui_origin>", "http://127.0.0.1:3009")
                .replace("<origin>", "http://127.0.0.1:3003")
                .replace("<string>", "recorded"),
        ),
        Value::Array(a) => Value::Array(a.iter().map(fill).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), fill(v))).collect::<Map<_, _>>()),
        other => other.clone(),
    }
}

/// Whether a recorded path (with `{{variables}}`) names the path the client asked for.
fn same_path(recorded: &str, asked: &str) -> bool {
    let (recorded, asked): (Vec<_>, Vec<_>) = (recorded.split('/').collect(), asked.split('/').collect());
    recorded.len() == asked.len()
        && recorded.iter().zip(&asked).all(|(r, a)| r == a || (r.starts_with("{{") && r.ends_with("}}")))
}

/// A client of a server that answers the exchange `name` to whatever it is asked, and what it
/// was asked (method, path).
async fn serving(name: &str) -> (Nango, Arc<Mutex<Vec<(String, String)>>>, Value) {
    let fixture = fixture();
    let exchange = fixture["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no recorded exchange {name:?}"))
        .clone();
    let response = exchange["response"].clone();
    let asked = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&asked);
    let app = axum::Router::new().fallback(move |request: Request| {
        let (response, log) = (response.clone(), Arc::clone(&log));
        async move {
            log.lock().unwrap().push((request.method().to_string(), request.uri().path().to_owned()));
            let status = StatusCode::from_u16(response["status"].as_u64().unwrap() as u16).unwrap();
            let answer: Response = match response.get("body") {
                Some(body) if !body.is_null() => (status, axum::Json(fill(body))).into_response(),
                _ => status.into_response(),
            };
            answer
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (Nango::new(SECRET).host(&url).unwrap(), asked, exchange["request"].clone())
}

/// The client asked once, with the recorded method and path.
fn asked_as_recorded(asked: &Mutex<Vec<(String, String)>>, request: &Value) {
    let asked = asked.lock().unwrap();
    let [(method, path)] = &asked[..] else { panic!("one request expected: {asked:?}") };
    assert_eq!(method, request["method"].as_str().unwrap());
    assert!(same_path(request["path"].as_str().unwrap(), path), "{path} vs {}", request["path"]);
}

/// Runs `call` against the exchange `name`: its error code, or `None` for a success.
macro_rules! recorded {
    ($name:literal, |$nango:ident| $call:expr) => {{
        let ($nango, asked, request) = serving($name).await;
        let result = $call.await;
        asked_as_recorded(&asked, &request);
        result
    }};
}

fn code<T: std::fmt::Debug>(result: Result<T, nango_backend::Error>) -> (u16, ErrorCode, Option<String>) {
    let error = result.expect_err("an error was recorded");
    let api = error.api().unwrap_or_else(|| panic!("a typed Nango error: {error}"));
    (api.status, api.code.clone(), api.message.clone())
}

#[tokio::test]
async fn connect_sessions_and_their_refusals() {
    let request = ConnectSessionRequest::new(EndUser::new("u1"));
    let session = recorded!("sessions: created", |n| n.create_connect_session(&request)).unwrap();
    assert!(session.token.starts_with("nango_connect_session_"));
    assert!(session.connect_link.is_some_and(|l| l.contains("session_token=")));

    let err = recorded!("sessions: unknown secret key", |n| n.create_connect_session(&request));
    let (status, code_, _) = code(err);
    assert_eq!((status, code_), (401, ErrorCode::UnknownAccount));

    let err =
        recorded!("sessions: unknown allowed_integrations entry", |n| n.create_connect_session(&request));
    let error = err.expect_err("recorded as an error");
    let api = error.api().unwrap();
    assert_eq!((api.status, &api.code, &api.message), (400, &ErrorCode::InvalidBody, &None));
    assert!(!api.errors.is_empty(), "zod's issues are kept: {api:?}");

    let reconnect = ReconnectSessionRequest::new("basic-dev", "c");
    let session =
        recorded!("reconnect: session for the basic connection", |n| n.create_reconnect_session(&reconnect));
    assert!(session.unwrap().token.starts_with("nango_connect_session_"));
    let err = recorded!("reconnect: unknown connection", |n| n.create_reconnect_session(&reconnect));
    assert_eq!(code(err).1, ErrorCode::InvalidBody);
}

#[tokio::test]
async fn connections_read_and_their_refusals() {
    let list = recorded!("connections: list", |n| n.list_connections(&ListConnections::new())).unwrap();
    assert!(!list.is_empty());
    assert!(list.iter().all(|c| !c.provider_config_key.is_empty()));
    let err =
        recorded!("connections: list, bad limit", |n| n.list_connections(&ListConnections::new().limit(0)));
    assert_eq!(code(err).1, ErrorCode::InvalidQueryParams);

    let basic = recorded!("connections: one", |n| n.get_connection("basic-dev", "c", GetConnection::new()));
    assert!(matches!(basic.unwrap().credentials, Credentials::Basic { .. }));
    let oauth = recorded!("oauth flow: the connection", |n| n.get_connection(
        "fake-oauth-dev",
        "c",
        GetConnection::new()
    ));
    assert!(matches!(oauth.unwrap().credentials, Credentials::OAuth2 { .. }));

    let err = recorded!("connections: one, unknown", |n| n.get_connection(
        "basic-dev",
        "nope-connection",
        GetConnection::new()
    ));
    let (status, code_, _) = code(err);
    assert_eq!((status, code_), (404, ErrorCode::NotFound));
}

#[tokio::test]
async fn connections_changed_and_their_refusals() {
    let (ids, metadata) = (vec!["c".to_owned()], Map::from_iter([("plan".to_owned(), Value::from("pro"))]));
    recorded!("connections: set metadata", |n| n.set_metadata("basic-dev", &ids, &metadata)).unwrap();
    recorded!("connections: update metadata", |n| n.update_metadata("basic-dev", &ids, &metadata)).unwrap();
    let err = recorded!("connections: set metadata, unknown connection", |n| n.set_metadata(
        "basic-dev",
        &ids,
        &metadata
    ));
    assert_eq!(code(err).1, ErrorCode::UnknownConnection);

    recorded!("connections: delete", |n| n.delete_connection("api-key-dev", "imported-1")).unwrap();
    let err = recorded!("connections: delete again", |n| n.delete_connection("api-key-dev", "imported-1"));
    let (status, code, message) = code(err);
    assert_eq!((status, code), (400, ErrorCode::UnknownConnection));
    assert_eq!(message, None, "real Nango says no more than the code here");
}

#[tokio::test]
async fn integrations_and_providers() {
    let integrations =
        recorded!("integrations: list with the secret key", |n| n.list_integrations()).unwrap();
    assert!(integrations.iter().any(|i| i.unique_key == "api-key-dev"), "{integrations:?}");
    let one = recorded!("integrations: one", |n| n.get_integration("api-key-dev")).unwrap();
    assert_eq!(one.provider, "private-api-bearer");
    let err = recorded!("integrations: unknown", |n| n.get_integration("nope-dev"));
    let (status, code_, _) = code(err);
    assert_eq!((status, code_), (404, ErrorCode::NotFound));

    let provider = recorded!("providers: one", |n| n.get_provider("private-api-bearer")).unwrap();
    assert_eq!(provider.name, "private-api-bearer");
    let found = recorded!("providers: search", |n| n.list_providers(Some("private-api"))).unwrap();
    assert!(!found.is_empty());
    let err = recorded!("providers: unknown", |n| n.get_provider("nope-provider"));
    assert_eq!(code(err).1, ErrorCode::NotFound);
}
