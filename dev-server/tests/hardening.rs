//! Issue 14: the dev server under hostile or broken callers (fake-provider memory, redirect
//! check, WebSocket limits and origin, idle sockets) and the fault modes tests switch on.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::time::{Duration, Instant};

use common::{
    TestServer, assert_silent, hidden_fields, location, next_json, query_value, start_server, start_with,
};
use futures_util::{SinkExt, StreamExt};
use nango_dev_server::{DevServerConfig, Faults};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// Starts a flow on a fresh socket; returns the authorize URL, the socket and its id.
async fn start_flow(t: &TestServer) -> (String, common::Ws, String) {
    let token = t.session().await;
    let (ws, id) = t.ws().await;
    let res = t
        .http
        .get(t.url(&format!("/oauth/connect/github-dev?connect_session_token={token}&ws_client_id={id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    (location(&res), ws, id)
}

/// The consent form of a flow, as the page renders it.
async fn consent_form(t: &TestServer, authorize: &str) -> Vec<(String, String)> {
    let page = t.http.get(authorize).send().await.unwrap().text().await.unwrap();
    hidden_fields(&page)
}

fn replace(form: &[(String, String)], key: &str, value: &str) -> Vec<(String, String)> {
    form.iter().map(|(k, v)| (k.clone(), if k == key { value.to_owned() } else { v.clone() })).collect()
}

// Item 3: approvals need a live flow, keep one code per flow, and carry the flow's scope.
#[tokio::test]
async fn approvals_need_a_live_flow_and_keep_one_code_per_flow() {
    let t = start_server().await;
    let (client_id, _) = t.server.fake_oauth_client();
    let forged = [
        ("client_id", client_id.to_owned()),
        ("redirect_uri", t.url("/oauth/callback")),
        ("state", "f".repeat(64)),
        ("scope", "x".repeat(200_000)),
        ("code_challenge", "a".repeat(43)),
        ("code_challenge_method", "S256".to_owned()),
        ("decision", "approve".to_owned()),
    ];
    for _ in 0..20 {
        let res = t.http.post(t.url("/fake-oauth/authorize")).form(&forged).send().await.unwrap();
        assert_eq!(res.status(), 400, "an approval without a live flow");
    }
    let page_query: Vec<(&str, String)> =
        forged.iter().map(|(k, v)| (*k, if *k == "scope" { "repo".to_owned() } else { v.clone() })).collect();
    let res = t.http.get(t.url("/fake-oauth/authorize")).query(&page_query).send().await.unwrap();
    assert_eq!(res.status(), 400, "the consent page too");
    assert_eq!(t.server.memory_report().codes, (0, 0));

    let (authorize, _ws, _) = start_flow(&t).await;
    let mut form = consent_form(&t, &authorize).await;
    form.push(("decision".into(), "approve".into()));
    // The scope (and the challenge) must be the flow's: a caller cannot store its own.
    for (key, value) in [("scope", "x".repeat(200_000)), ("code_challenge", "b".repeat(43))] {
        let res = t
            .http
            .post(t.url("/fake-oauth/authorize"))
            .form(&replace(&form, key, &value))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{key}");
    }
    let mut last = String::new();
    for _ in 0..30 {
        let res = t.http.post(t.url("/fake-oauth/authorize")).form(&form).send().await.unwrap();
        assert_eq!(res.status(), 303);
        last = location(&res);
    }
    let report = t.server.memory_report();
    assert_eq!(report.codes.0, 1, "one code per flow: {report:?}");
    assert!(report.codes.1 < 2_000, "{report:?}");
    // The last code is the one that works.
    let res = t.http.get(&last).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

// Item 3: stored sizes are bounded: an oversized `/oauth/connect` query stores no flow.
#[tokio::test]
async fn oversized_connect_queries_store_nothing() {
    let t = start_server().await;
    let token = t.session().await;
    let (mut ws, id) = t.ws().await;
    let big = "p".repeat(20 * 1024);
    let res = t
        .http
        .get(t.url(&format!(
            "/oauth/connect/github-dev?connect_session_token={token}&ws_client_id={id}&params[big]={big}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 431);
    assert_eq!(t.server.memory_report().flows, (0, 0));
    assert_silent(&mut ws, 200).await;
    // Under the limit a flow holds what it was given, and is counted in bytes.
    let params = "p".repeat(10 * 1024);
    let res = t
        .http
        .get(t.url(&format!("/oauth/connect/github-dev?connect_session_token={token}&params[p]={params}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let (n, bytes) = t.server.memory_report().flows;
    assert_eq!(n, 1);
    assert!(bytes > 10 * 1024, "{bytes}");
}

// Item 7: the redirect URI must be the flow's whole callback URL (origin and path).
#[tokio::test]
async fn redirects_only_to_the_flows_own_callback_url() {
    let t = start_server().await;
    let (authorize, _ws, _) = start_flow(&t).await;
    let mut form = consent_form(&t, &authorize).await;
    form.push(("decision".into(), "approve".into()));
    let port = t.server.api_addr().port();
    for evil in [
        format!("http://127.0.0.1:{}/oauth/callback", port.wrapping_add(1)),
        format!("http://evil.localhost:{port}/oauth/callback"),
        "http://evil.test/oauth/callback".to_owned(),
        format!("https://127.0.0.1:{port}/oauth/callback"),
    ] {
        let res = t
            .http
            .post(t.url("/fake-oauth/authorize"))
            .form(&replace(&form, "redirect_uri", &evil))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{evil}");
        assert!(res.headers().get("location").is_none(), "{evil}");
        let mut url = url::Url::parse(&authorize).unwrap();
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .into_owned()
            .map(|(k, v)| if k == "redirect_uri" { (k, evil.clone()) } else { (k, v) })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(&pairs);
        assert_eq!(t.http.get(url.as_str()).send().await.unwrap().status(), 400, "page {evil}");
    }
    let res = t.http.post(t.url("/fake-oauth/authorize")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert!(location(&res).starts_with(&t.url("/oauth/callback?")));
}

// Item 4: the socket cap is counted before the upgrade, so a burst cannot pass it.
#[tokio::test]
async fn a_burst_of_websockets_cannot_pass_the_cap() {
    let t = start_with(DevServerConfig { max_websockets: 5, ..DevServerConfig::for_tests() }).await;
    assert_eq!(t.server.max_websockets(), 5);
    let url = t.server.websocket_url();
    let attempts = (0..40).map(|_| tokio_tungstenite::connect_async(url.clone()));
    let results = futures_util::future::join_all(attempts).await;
    let mut open = Vec::new();
    let mut refused = 0;
    for r in results {
        match r {
            Ok((ws, _)) => open.push(ws),
            Err(tokio_tungstenite::tungstenite::Error::Http(res)) => {
                assert_eq!(res.status(), 503);
                refused += 1;
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(open.len(), 5, "refused {refused}");
    assert_eq!(t.server.memory_report().open_websockets, 5);
    // Closing one frees its slot.
    let mut first = open.remove(0);
    first.close(None).await.unwrap();
    drop(first);
    let deadline = Instant::now() + Duration::from_secs(5);
    while t.server.memory_report().open_websockets > 4 {
        assert!(Instant::now() < deadline, "the slot was never freed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (_ws, _) = t.ws().await;
}

// Item 4: pages of other websites cannot open the WebSocket.
#[tokio::test]
async fn websockets_check_the_origin() {
    let t = start_server().await;
    let with_origin = |origin: &str| {
        let mut req = t.server.websocket_url().into_client_request().unwrap();
        req.headers_mut().insert("origin", origin.parse().unwrap());
        tokio_tungstenite::connect_async(req)
    };
    for evil in ["http://evil.test", "null", "https://localhost.evil.test"] {
        match with_origin(evil).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(res)) => assert_eq!(res.status(), 403, "{evil}"),
            other => panic!("{evil}: {:?}", other.map(|_| ())),
        }
    }
    for fine in ["http://localhost:5173", "http://127.0.0.1:8080", &t.base, "http://[::1]:3000"] {
        let (mut ws, _) = with_origin(fine).await.unwrap_or_else(|e| panic!("{fine}: {e}"));
        assert_eq!(next_json(&mut ws).await["message_type"], "connection_ack");
    }
}

// Item 4: a socket that no flow names is closed after `ws_idle_secs`; a named one is not.
#[tokio::test]
async fn idle_sockets_without_a_flow_are_closed() {
    let t = start_with(DevServerConfig { ws_idle_secs: 1, ..DevServerConfig::for_tests() }).await;
    let (mut idle, _) = t.ws().await;
    let (_authorize, mut busy, _) = start_flow(&t).await;
    let started = Instant::now();
    let frame = loop {
        match tokio::time::timeout(Duration::from_secs(5), idle.next()).await.expect("closed within 5 s") {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => {}
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(frame.map(|f| u16::from(f.code)), Some(1000));
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_silent(&mut busy, 1_500).await;
    busy.send(Message::Ping(vec![1].into())).await.expect("the flow's socket is still open");
}

// Faults: `/oauth/connect` answers Nango's JSON error page and says nothing on the socket.
#[tokio::test]
async fn fault_oauth_connect_json_error() {
    let t = start_server().await;
    t.server.set_faults(Faults::none().oauth_connect_json_error());
    let token = t.session().await;
    let (mut ws, id) = t.ws().await;
    let res = t
        .http
        .get(t.url(&format!("/oauth/connect/github-dev?connect_session_token={token}&ws_client_id={id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unknown_connect_session_token");
    assert_silent(&mut ws, 500).await;
}

// Faults: the flow's socket is dropped (no close frame) once the flow has started.
#[tokio::test]
async fn fault_drop_socket_mid_flow() {
    let t = start_server().await;
    t.server.set_faults(Faults::none().drop_socket_mid_flow());
    let (authorize, mut ws, _) = start_flow(&t).await;
    assert!(query_value(&authorize, "state").is_some());
    let end = tokio::time::timeout(Duration::from_secs(5), ws.next()).await.expect("dropped within 5 s");
    assert!(!matches!(end, Some(Ok(Message::Text(_)))), "{end:?}");
    assert!(!matches!(end, Some(Ok(Message::Close(Some(_))))), "no close frame: {end:?}");
}

// Faults: credential POSTs answer 5xx; every response can be delayed.
#[tokio::test]
async fn fault_credential_5xx_and_delay() {
    let t = start_server().await;
    let token = t.session().await;
    t.server.set_faults(Faults::none().credential_status(503).delay(Duration::from_millis(300)));
    let started = Instant::now();
    let (status, body) = t
        .post_auth(
            &format!("/api-auth/api-key/api-key-dev?connect_session_token={token}"),
            Some(json!({"apiKey": "dev-key-ok"})),
        )
        .await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(status, 503);
    assert_eq!(body["error"]["code"], "server_error");
    t.server.set_faults(Faults::none());
    let (status, _) = t
        .post_auth(
            &format!("/api-auth/api-key/api-key-dev?connect_session_token={token}"),
            Some(json!({"apiKey": "dev-key-ok"})),
        )
        .await;
    assert_eq!(status, 200);
}

// Faults: the admin route exists only with `fault_routes`, and only for the server's own pages.
#[tokio::test]
async fn fault_route_is_off_by_default() {
    let t = start_server().await;
    let res = t.http.post(t.url("/dev/faults")).body(r#"{"delay_ms": 1}"#).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let t = start_with(DevServerConfig { fault_routes: true, ..DevServerConfig::for_tests() }).await;
    let res = t
        .http
        .post(t.url("/dev/faults"))
        .header("origin", "http://evil.test")
        .body(r#"{"credential_status": 500}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = t.http.post(t.url("/dev/faults")).body(r#"{"credential_status": 500}"#).send().await.unwrap();
    assert_eq!(res.status(), 204);
    let token = t.session().await;
    let (status, _) = t
        .post_auth(
            &format!("/api-auth/api-key/api-key-dev?connect_session_token={token}"),
            Some(json!({"apiKey": "dev-key-ok"})),
        )
        .await;
    assert_eq!(status, 500);
    let res = t.http.post(t.url("/dev/faults")).body(r#"{"nope": 1}"#).send().await.unwrap();
    assert_eq!(res.status(), 400);
}
