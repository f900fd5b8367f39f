//! The OAuth popup flow driven over real HTTP and WebSocket: connect → fake provider consent
//! page → approve/deny form → callback → WebSocket push and closing page.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::time::Duration;

use common::{
    TestServer, assert_silent, hidden_fields, location, next_json, query_value, start_server, start_with,
};
use nango_dev_server::{DevServerConfig, ManualClock};
use serde_json::Value;

fn is_uuid(s: &str) -> bool {
    s.len() == 36 && s.chars().filter(|c| *c == '-').count() == 4
}

#[tokio::test]
async fn full_flow_pushes_success_on_the_same_socket() {
    let t = start_server().await;
    let token = t.session().await;
    let (mut ws, id) = t.ws().await;
    assert!(is_uuid(&id), "{id}");

    // Step by step, checking each hop.
    let res = t
        .http
        .get(t.url(&format!("/oauth/connect/github-dev?connect_session_token={token}&ws_client_id={id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let authorize = location(&res);
    assert!(authorize.starts_with(&format!("{}/fake-oauth/authorize?", t.base)), "{authorize}");
    assert_eq!(query_value(&authorize, "response_type").as_deref(), Some("code"));
    assert_eq!(query_value(&authorize, "code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(query_value(&authorize, "code_challenge").unwrap().len(), 43);
    assert_eq!(query_value(&authorize, "scope").as_deref(), Some("read:user repo"));
    assert_eq!(query_value(&authorize, "redirect_uri").unwrap(), format!("{}/oauth/callback", t.base));
    let page = t.http.get(&authorize).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<form method=\"post\""));
    assert!(page.contains("id=\"approve\"") && page.contains("id=\"deny\""));
    assert!(page.contains("GitHub (dev)"));
    let mut form = hidden_fields(&page);
    form.push(("decision".into(), "approve".into()));
    let res = t.http.post(t.url("/fake-oauth/authorize")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let callback = location(&res);
    assert!(callback.starts_with(&format!("{}/oauth/callback?", t.base)));
    let code = query_value(&callback, "code").unwrap();
    let res = t.http.get(&callback).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let page = res.text().await.unwrap();

    let msg = next_json(&mut ws).await;
    assert_eq!(msg["message_type"], "success");
    assert_eq!(msg["provider_config_key"], "github-dev");
    assert_eq!(msg["is_pending"], false);
    let connection_id = msg["connection_id"].as_str().unwrap();
    assert!(is_uuid(connection_id));

    // The closing page announces success to the opener and the channel, and carries no secret.
    assert!(page.contains("data-status=\"success\""));
    assert!(page.contains("nango_oauth_callback_success"));
    assert!(page.contains("nango_oauth_callback_error"));
    assert!(page.contains("window.opener.postMessage(message, \"*\")"));
    assert!(page.contains("new BroadcastChannel(\"nango-oauth-callback\")"));
    assert!(page.contains("nango_oauth_callback_ack"));
    assert!(page.contains("window.close()"));
    assert!(!page.contains(&code), "no code in the page");
    assert!(!page.contains(&token), "no session token in the page");

    let stored = t.connection("github-dev", connection_id).await;
    assert_eq!(stored["provider"], "github");
    let access = stored["credentials"]["access_token"].as_str().unwrap();
    assert!(access.starts_with("fake_access_"));
    assert!(!page.contains(access));
    assert_eq!(stored["end_user"]["id"], "u1");

    // Nango forgets the client id once the result is published: nothing more on this socket.
    assert_silent(&mut ws, 100).await;
}

#[tokio::test]
async fn deny_pushes_an_error_and_renders_the_error_page() {
    let t = start_server().await;
    let token = t.session().await;
    let (mut ws, id) = t.ws().await;
    let result = t
        .drive_popup(
            &format!("/oauth/connect/github-dev?connect_session_token={token}&ws_client_id={id}"),
            "deny",
        )
        .await;
    assert_eq!(result.status, 400);
    assert_eq!(query_value(&result.callback_url, "error").as_deref(), Some("access_denied"));
    let msg = next_json(&mut ws).await;
    assert_eq!(msg["message_type"], "error");
    assert_eq!(msg["error_type"], "callback_err");
    assert!(msg["error_desc"].as_str().unwrap().contains("access_denied"));
    assert_eq!(msg["provider_config_key"], "github-dev");
    assert!(msg["connection_id"].is_string());
    assert!(result.page.contains("data-status=\"error\""));
    assert!(result.page.contains("data-error-type=\"callback_err\""));
    // As real Nango's page: the specific type is on the socket, the page says
    // connection_validation_failed.
    assert!(result.page.contains("\"errorType\":\"connection_validation_failed\""));
    assert!(t.connections().await.is_empty());
}

#[tokio::test]
async fn reused_state_and_reused_code_are_rejected() {
    let t = start_server().await;
    let token = t.session().await;
    let (mut ws, id) = t.ws().await;
    let first = t
        .drive_popup(
            &format!("/oauth/connect/github-dev?connect_session_token={token}&ws_client_id={id}"),
            "approve",
        )
        .await;
    assert_eq!(first.status, 200);
    assert_eq!(next_json(&mut ws).await["message_type"], "success");

    // Replaying the callback: the state is single-use.
    let res = t.http.get(&first.callback_url).send().await.unwrap();
    assert_eq!(res.status(), 400);
    let page = res.text().await.unwrap();
    assert!(page.contains("data-error-type=\"state_err\""), "{page}");

    // A second flow whose callback carries the first (used) code: the token endpoint refuses
    // it, and the error reaches the second flow's socket.
    let (mut ws2, id2) = t.ws().await;
    let res = t
        .http
        .get(t.url(&format!("/oauth/connect/github-dev?connect_session_token={token}&ws_client_id={id2}")))
        .send()
        .await
        .unwrap();
    let state2 = query_value(&location(&res), "state").unwrap();
    let used_code = query_value(&first.callback_url, "code").unwrap();
    let res =
        t.http.get(t.url(&format!("/oauth/callback?code={used_code}&state={state2}"))).send().await.unwrap();
    assert_eq!(res.status(), 400);
    let msg = next_json(&mut ws2).await;
    assert_eq!(msg["message_type"], "error");
    assert_eq!(msg["error_type"], "token_err");
    assert!(msg["error_desc"].as_str().unwrap().contains("invalid_grant"), "{msg}");
    assert_eq!(t.connections().await.len(), 1);
}

/// Issue 14 item 8: a callback with a missing or unknown state names no flow, so it reaches no
/// socket, even with the cookie older versions set to name the popup's socket: any site could
/// otherwise end a running flow with a top-level navigation.
#[tokio::test]
async fn callback_with_a_missing_or_unknown_state_reaches_no_socket() {
    let t = start_server().await;
    let token = t.session().await;
    let (mut ws, id) = t.ws().await;
    let res = t
        .http
        .get(t.url(&format!("/oauth/connect/github-dev?connect_session_token={token}&ws_client_id={id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert!(res.headers().get("set-cookie").is_none(), "no cookie names the socket");
    let authorize = location(&res);
    let cookie = format!("nango_dev_ws_client_id={id}");
    for path in ["/oauth/callback?code=x&state=tampered", "/oauth/callback?code=x", "/oauth/callback"] {
        let res = t.http.get(t.url(path)).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(res.status(), 400, "{path}");
        assert!(res.text().await.unwrap().contains("invalid_oauth_state"), "{path}");
    }
    assert_silent(&mut ws, 300).await;
    // The running flow is intact: approving it still connects, on its socket.
    let page = t.http.get(&authorize).send().await.unwrap().text().await.unwrap();
    let mut form = hidden_fields(&page);
    form.push(("decision".into(), "approve".into()));
    let res = t.http.post(t.url("/fake-oauth/authorize")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let res = t.http.get(location(&res)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(next_json(&mut ws).await["message_type"], "success");
}

#[tokio::test]
async fn session_expiring_mid_flow_ends_in_an_error() {
    let clock = ManualClock::starting_now();
    let t = start_with(DevServerConfig { clock: clock.clock(), ..DevServerConfig::for_tests() }).await;
    let token = t.session().await;
    let (mut ws, id) = t.ws().await;
    let res = t
        .http
        .get(t.url(&format!("/oauth/connect/github-dev?connect_session_token={token}&ws_client_id={id}")))
        .send()
        .await
        .unwrap();
    let authorize = location(&res);
    let page = t.http.get(&authorize).send().await.unwrap().text().await.unwrap();
    let mut form = hidden_fields(&page);
    form.push(("decision".into(), "approve".into()));
    let res = t.http.post(t.url("/fake-oauth/authorize")).form(&form).send().await.unwrap();
    let callback = location(&res);

    clock.advance(Duration::from_secs(31 * 60));
    let res = t.http.get(&callback).send().await.unwrap();
    assert_eq!(res.status(), 400);
    let msg = next_json(&mut ws).await;
    assert_eq!(msg["message_type"], "error");
    assert_eq!(msg["error_type"], "unknown_connect_session_token");
    assert!(t.connections().await.is_empty());
}

#[tokio::test]
async fn expired_flow_swept_before_the_callback_still_reports() {
    let clock = ManualClock::starting_now();
    let t = start_with(DevServerConfig { clock: clock.clock(), ..DevServerConfig::for_tests() }).await;
    let token = t.session().await;
    let res = t
        .http
        .get(t.url(&format!("/oauth/connect/github-dev?connect_session_token={token}&ws_client_id=w1")))
        .send()
        .await
        .unwrap();
    let state = query_value(&location(&res), "state").unwrap();
    clock.advance(Duration::from_secs(31 * 60));
    t.server.sweep();
    let res = t.http.get(t.url(&format!("/oauth/callback?code=c&state={state}"))).send().await.unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("unknown_connect_session_token"));
}

/// `/oauth/connect` failures, as real Nango answers them (`fixtures/real-nango`): a refused
/// caller, query, session scope or reconnect target is a JSON error and nothing on the socket;
/// an unknown or non-OAuth2 integration is the 400 auth page (`window.__nangoOAuthError`) and
/// `provider_config_err` on the socket, once per `ws_client_id`.
#[tokio::test]
async fn connect_errors_answer_as_real_nango() {
    let clock = ManualClock::starting_now();
    let t = start_with(DevServerConfig { clock: clock.clock(), ..DevServerConfig::for_tests() }).await;
    let token = t.session().await;
    let restricted = t.session_with(serde_json::json!({"allowed_integrations": ["api-key-dev"]})).await;

    async fn json_refusal(t: &TestServer, query: &str, status: u16, code: &str) {
        let (mut ws, id) = t.ws().await;
        let res = t.http.get(t.url(&format!("{query}&ws_client_id={id}"))).send().await.unwrap();
        assert_eq!(res.status().as_u16(), status, "{query}");
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/json"), "{query}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], code, "{query}: {body}");
        assert_silent(&mut ws, 300).await;
    }
    async fn page_refusal(t: &TestServer, query: &str, message: &str) {
        let (mut ws, id) = t.ws().await;
        let res = t.http.get(t.url(&format!("{query}&ws_client_id={id}"))).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 400, "{query}");
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let page = res.text().await.unwrap();
        assert!(page.contains("window.__nangoOAuthError = {"), "{query}: {page}");
        assert!(page.contains("\"errorType\":\"connection_validation_failed\""), "{page}");
        assert!(page.contains("nango_oauth_callback_error"));
        let msg = next_json(&mut ws).await;
        assert_eq!(msg["message_type"], "error", "{query}");
        assert_eq!(msg["error_type"], "provider_config_err", "{query}");
        assert_eq!(msg["error_desc"], message, "{query}");
        assert!(msg["connection_id"].is_string(), "{msg}");
        // One message per ws_client_id: a second failure on the same id pushes nothing.
        let res = t.http.get(t.url(&format!("{query}&ws_client_id={id}"))).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 400);
        assert_silent(&mut ws, 300).await;
    }
    page_refusal(
        &t,
        &format!("/oauth/connect/nope?connect_session_token={token}"),
        "Could not find a Provider Config matching the \"nope\" key.",
    )
    .await;
    page_refusal(
        &t,
        &format!("/oauth/connect/api-key-dev?connect_session_token={token}"),
        "Provider Config \"api-key-dev\" is missing client ID, secret and/or scopes.",
    )
    .await;
    json_refusal(
        &t,
        &format!("/oauth/connect/github-dev?connect_session_token={restricted}"),
        400,
        "integration_not_allowed",
    )
    .await;
    json_refusal(
        &t,
        &format!("/oauth/connect/github-dev?connect_session_token={token}&connection_id=c1"),
        400,
        "invalid_query_params",
    )
    .await;
    json_refusal(
        &t,
        "/oauth/connect/github-dev?connect_session_token=bad",
        401,
        "invalid_connect_session_token_format",
    )
    .await;
    json_refusal(&t, "/oauth/connect/github-dev?x=1", 401, "missing_public_key").await;
    json_refusal(
        &t,
        "/oauth/connect/github-dev?public_key=11111111-1111-4111-8111-111111111111",
        401,
        "unknown_account",
    )
    .await;
    clock.advance(Duration::from_secs(1801));
    json_refusal(
        &t,
        &format!("/oauth/connect/github-dev?connect_session_token={token}"),
        401,
        "unknown_connect_session_token",
    )
    .await;

    // Without a ws_client_id: the page alone.
    let res = t
        .http
        .get(t.url(&format!("/oauth/connect/nope?public_key={}", t.server.public_key())))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn public_key_flow_keeps_the_given_connection_id_and_options() {
    let t = start_server().await;
    let (mut ws, id) = t.ws().await;
    let query = format!(
        "/oauth/connect/github-dev?connection_id=conn-7&public_key={}&params%5Bsubdomain%5D=acme&user_scope=a%2Cb&authorization_params%5Bprompt%5D=consent&authorization_params%5Bremoved%5D=undefined&ws_client_id={id}",
        t.server.public_key()
    );
    let res = t.http.get(t.url(&query)).send().await.unwrap();
    let authorize = location(&res);
    assert_eq!(query_value(&authorize, "prompt").as_deref(), Some("consent"));
    assert_eq!(query_value(&authorize, "removed"), None, "\"undefined\" removes a param");
    let result = t.drive_popup(&query, "approve").await;
    assert_eq!(result.status, 200);
    // The first /oauth/connect above opened a flow that never finished; the socket gets the
    // result of the second one.
    let msg = next_json(&mut ws).await;
    assert_eq!(msg["message_type"], "success");
    assert_eq!(msg["connection_id"], "conn-7");
    let stored = t.connection("github-dev", "conn-7").await;
    assert_eq!(stored["connection_config"]["subdomain"], "acme");
}

#[tokio::test]
async fn reconnect_flow_reauthorizes_the_existing_connection() {
    let t = start_server().await;
    let token = t.session().await;
    let (mut ws, id) = t.ws().await;
    t.drive_popup(
        &format!("/oauth/connect/github-dev?connect_session_token={token}&ws_client_id={id}"),
        "approve",
    )
    .await;
    let first = next_json(&mut ws).await;
    let connection_id = first["connection_id"].as_str().unwrap().to_owned();
    let before = t.connection("github-dev", &connection_id).await;

    let res = t
        .http
        .post(t.url("/connect/sessions/reconnect"))
        .header("authorization", t.secret())
        .json(&serde_json::json!({"connection_id": connection_id, "integration_id": "github-dev"}))
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    let reconnect = body["data"]["token"].as_str().unwrap().to_owned();
    let (mut ws2, id2) = t.ws().await;
    let result = t
        .drive_popup(
            &format!("/oauth/connect/github-dev?connect_session_token={reconnect}&ws_client_id={id2}"),
            "approve",
        )
        .await;
    assert_eq!(result.status, 200);
    let msg = next_json(&mut ws2).await;
    assert_eq!(msg["connection_id"], connection_id.as_str());
    let after = t.connection("github-dev", &connection_id).await;
    assert_ne!(before["credentials"]["access_token"], after["credentials"]["access_token"]);
    assert_eq!(t.connections().await.len(), 1);
}

#[tokio::test]
async fn fake_provider_validates_authorize_and_token_requests() {
    let t = start_server().await;
    let token = t.session().await;
    let res = t
        .http
        .get(t.url(&format!("/oauth/connect/github-dev?connect_session_token={token}")))
        .send()
        .await
        .unwrap();
    let authorize = location(&res);
    let mut url = url::Url::parse(&authorize).unwrap();
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();

    let with = |key: &str, value: Option<&str>| {
        let mut u = url.clone();
        u.query_pairs_mut().clear();
        for (k, v) in &pairs {
            if k != key {
                u.query_pairs_mut().append_pair(k, v);
            }
        }
        if let Some(v) = value {
            u.query_pairs_mut().append_pair(key, v);
        }
        u.to_string()
    };
    for (key, value) in [
        ("client_id", Some("someone-else")),
        ("code_challenge", None),
        ("code_challenge_method", Some("plain")),
        ("redirect_uri", Some("http://evil.test/steal")),
        ("state", None),
        ("response_type", Some("token")),
    ] {
        let res = t.http.get(with(key, value)).send().await.unwrap();
        assert_eq!(res.status(), 400, "{key}={value:?}");
        assert!(res.text().await.unwrap().contains("fake-oauth-error"));
    }
    // A decision other than approve/deny.
    let page = t.http.get(&authorize).send().await.unwrap().text().await.unwrap();
    let mut form = hidden_fields(&page);
    form.push(("decision".into(), "maybe".into()));
    let res = t.http.post(t.url("/fake-oauth/authorize")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), 400);

    // Token endpoint: client authentication, PKCE, single use.
    form.pop();
    form.push(("decision".into(), "approve".into()));
    let res = t.http.post(t.url("/fake-oauth/authorize")).form(&form).send().await.unwrap();
    let callback = location(&res);
    let code = query_value(&callback, "code").unwrap();
    let redirect_uri = query_value(&authorize, "redirect_uri").unwrap();
    let (client_id, client_secret) = t.server.fake_oauth_client();
    let exchange = |secret: &str, verifier: &str| {
        let form = [
            ("grant_type", "authorization_code".to_owned()),
            ("code", code.clone()),
            ("redirect_uri", redirect_uri.clone()),
            ("client_id", client_id.to_owned()),
            ("client_secret", secret.to_owned()),
            ("code_verifier", verifier.to_owned()),
        ];
        t.http.post(t.url("/fake-oauth/token")).form(&form).send()
    };
    let res = exchange("wrong", &"v".repeat(43)).await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "invalid_client");
    let res = exchange(client_secret, &"v".repeat(43)).await.unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["error_description"], "PKCE verification failed");
    let res = exchange(client_secret, &"v".repeat(43)).await.unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error_description"], "The authorization code was already used");
    url.set_query(None);
}

#[tokio::test]
async fn websocket_path_is_configurable_and_sockets_are_closed_after_their_lifetime() {
    let t = start_with(DevServerConfig {
        websockets_path: "/ws/".into(),
        ws_max_lifetime_secs: 1,
        ..DevServerConfig::for_tests()
    })
    .await;
    assert!(t.server.websocket_url().ends_with("/ws/"));
    let (mut ws, id) = t.ws().await;
    assert!(is_uuid(&id));
    let (_, other) = t.ws().await;
    assert_ne!(id, other, "a fresh id per socket");
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        use futures_util::StreamExt;
        while let Some(Ok(msg)) = ws.next().await {
            if msg.is_close() {
                return true;
            }
        }
        true
    })
    .await;
    assert_eq!(closed.ok(), Some(true));
    // The session's websocketsPath tells a Connect UI where to connect.
    let token = t.session().await;
    let (_, session) = t.get_json("/connect/session", Some(&format!("Bearer {token}"))).await;
    assert_eq!(session["data"]["websocketsPath"], "/ws/");
}

#[tokio::test]
async fn a_slow_socket_gets_the_result_after_the_callback_page() {
    let t = start_server().await;
    t.server.set_faults(nango_dev_server::Faults::none().push_delay(Duration::from_millis(400)));
    let token = t.session().await;
    let (mut ws, id) = t.ws().await;
    let result = t
        .drive_popup(
            &format!("/oauth/connect/github-dev?connect_session_token={token}&ws_client_id={id}"),
            "deny",
        )
        .await;
    assert!(
        result.page.contains("\"errorType\":\"connection_validation_failed\""),
        "the page reports at once"
    );
    assert_silent(&mut ws, 200).await;
    assert_eq!(next_json(&mut ws).await["error_type"], "callback_err", "then the socket");
}
