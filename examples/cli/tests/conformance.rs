//! The official JS SDK's recorded traffic (`core/tests/fixtures/js-sdk-wire.json`), replayed
//! against the native driver: a local server stands in for the recorded Nango host, records
//! what the driver sends (credential POSTs: method, URL, content type, body; OAuth: the socket's
//! path and the URL handed to the opener) and answers what the recording says (the reply, the
//! socket's messages). Every scenario of an auth call runs, but those the native driver cannot
//! meet: a blocked popup and a popup closed by the user (no popup natively, see
//! `docs/auth-lifecycle.md`), and the JS bug the protocol test already documents (`outbound`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::ws::{Message, WebSocketUpgrade, rejection::WebSocketUpgradeRejection};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use nango_frontend::native::set_opener;
use nango_frontend::{AuthOptions, Nango, NangoConfig};
use serde_json::Value;

#[path = "../../../core/tests/js_sdk/mod.rs"]
mod js_sdk;
use js_sdk::{as_pair, decoded, expected_result, ops, s};

/// The JS call's arguments as (key, options), as the protocol's conformance test reads them,
/// with a timeout of a test's size.
fn options(args: &[Value]) -> (String, AuthOptions) {
    let (key, options) = js_sdk::options(args);
    (key, options.timeout(Duration::from_secs(10)))
}

/// The recorded host, replaced by the local server's origin.
fn localize(text: &str, origin: &str) -> String {
    let ws_origin = origin.replacen("http", "ws", 1);
    text.replace("https://nango.example.com", origin)
        .replace("http://localhost:3003", origin)
        .replace("wss://nango.example.com", &ws_origin)
        .replace("ws://localhost:3003", &ws_origin)
}

fn config(nango: &Value, origin: &str) -> NangoConfig {
    let mut c = NangoConfig::new();
    if let Some(h) = nango.get("host") {
        c = c.host(localize(&s(h), origin));
    }
    if let Some(t) = nango.get("connectSessionToken") {
        c = c.connect_session_token(s(t));
    }
    if let Some(k) = nango.get("publicKey") {
        c = c.public_key(s(k));
    }
    if let Some(p) = nango.get("websocketsPath") {
        c = c.websockets_path(s(p));
    }
    c
}

#[derive(Debug, Clone)]
struct Request {
    method: Method,
    uri: String,
    content_type: Option<String>,
    body: String,
}

#[derive(Clone)]
struct Script {
    status: StatusCode,
    reply: String,
    socket_messages: Vec<String>,
    requests: Arc<Mutex<Vec<Request>>>,
    sockets: Arc<Mutex<Vec<String>>>,
}

async fn handle(
    script: Script,
    upgrade: Option<WebSocketUpgrade>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(upgrade) = upgrade {
        script.sockets.lock().unwrap().push(uri.path().to_owned());
        return upgrade.on_upgrade(move |mut socket| async move {
            for message in script.socket_messages {
                if socket.send(Message::Text(message.into())).await.is_err() {
                    return;
                }
            }
            while let Some(Ok(_)) = socket.recv().await {}
        });
    }
    let path = uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
    if method == Method::GET && uri.path() == "/connect/session" {
        // The driver's session check (the JS SDK has none): a live session.
        return (StatusCode::OK, r#"{"data":{}}"#).into_response();
    }
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = String::from_utf8_lossy(&body).into_owned();
    script.requests.lock().unwrap().push(Request { method, uri: path, content_type, body });
    (script.status, [("content-type", "application/json")], script.reply).into_response()
}

async fn replay(scenario: &Value) {
    let name = s(&scenario["name"]);
    let input = &scenario["input"];
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let (status, reply) = match input.get("server_reply") {
        Some(r) => {
            (if r["ok"] == true { StatusCode::OK } else { StatusCode::BAD_REQUEST }, r["body"].to_string())
        }
        None => (StatusCode::OK, scenario.get("result").map(Value::to_string).unwrap_or_default()),
    };
    let socket_messages = input
        .get("websocket_messages")
        .and_then(Value::as_array)
        .map(|m| m.iter().map(Value::to_string).collect())
        .unwrap_or_default();
    let script = Script { status, reply, socket_messages, requests: Arc::default(), sockets: Arc::default() };
    let app = Router::new().fallback({
        let script = script.clone();
        move |upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
              method: Method,
              uri: Uri,
              headers: HeaderMap,
              body: Bytes| { handle(script.clone(), upgrade.ok(), method, uri, headers, body) }
    });
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let opened = Rc::new(RefCell::new(Vec::<String>::new()));
    let log = opened.clone();
    set_opener(move |url: &str| {
        log.borrow_mut().push(url.to_owned());
        Ok(())
    });
    let nango = Nango::new(config(&input["nango"], &origin)).unwrap();
    let (key, opts) = options(input["args"].as_array().unwrap());
    let future = match input["call"].as_str().unwrap() {
        "auth" => nango.auth(&key, opts),
        "reconnect" => nango.reconnect(&key, opts),
        "create" => nango.create(&key, opts),
        other => panic!("{other}"),
    };
    let result = future.await;
    assert_eq!(as_pair(result), expected_result(scenario), "{name}");

    let requests = script.requests.lock().unwrap().clone();
    let fetches = ops(scenario, "fetch");
    assert_eq!(requests.len(), fetches.len(), "{name}: {requests:?}");
    for (ours, theirs) in requests.iter().zip(fetches) {
        assert_eq!(ours.method.as_str(), s(&theirs["method"]), "{name}");
        assert_eq!(ours.content_type.as_deref(), theirs["headers"]["Content-Type"].as_str(), "{name}");
        let url = format!("{origin}{}", ours.uri);
        assert_eq!(decoded(&url), decoded(&localize(&s(&theirs["url"]), &origin)), "{name}");
        let body = if ours.body.is_empty() { Value::Null } else { serde_json::from_str(&ours.body).unwrap() };
        assert_eq!(body, theirs["body"], "{name}");
    }
    let sockets: Vec<_> = ops(scenario, "WebSocket")
        .iter()
        .map(|w| url::Url::parse(&localize(&s(&w["url"]), &origin)).unwrap().path().to_owned())
        .collect();
    assert_eq!(*script.sockets.lock().unwrap(), sockets, "{name}: the socket's path");
    let expected: Vec<_> =
        ops(scenario, "popup.location").iter().map(|w| decoded(&localize(&s(&w["url"]), &origin))).collect();
    let navigations: Vec<_> = opened.borrow().iter().map(|u| decoded(u)).collect();
    assert_eq!(navigations, expected, "{name}: what the browser was sent to");
    server.abort();
}

#[tokio::test(flavor = "current_thread")]
async fn the_recorded_auth_scenarios_put_the_same_requests_on_the_wire() {
    let scenarios: Vec<Value> =
        serde_json::from_str(include_str!("../../../core/tests/fixtures/js-sdk-wire.json")).unwrap();
    let mut ran = Vec::new();
    for scenario in &scenarios {
        let input = &scenario["input"];
        let call = input["call"].as_str().unwrap_or_default();
        let popup = input.get("popup").and_then(Value::as_str);
        let name = s(&scenario["name"]);
        if !["auth", "reconnect", "create"].contains(&call)
            || matches!(popup, Some("blocked" | "closed_by_user_after_ack"))
            || name == "outbound"
        {
            continue;
        }
        replay(scenario).await;
        ran.push(name);
    }
    assert_eq!(ran.len(), 27, "{ran:?}");
}
