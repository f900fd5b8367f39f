//! The fake provider's refresh tokens: they die with their connection (deleted, or re-authorized
//! with new tokens), expire after `REFRESH_TOKEN_TTL` unused, and never fill the server's memory
//! so that code exchanges fail.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::time::Duration;

use common::*;
use nango_dev_server::{DevServerConfig, ManualClock};
use serde_json::Value;

/// Connects through the whole popup flow (a new connection, or `reconnect`'s again); returns
/// the connection id and its refresh token.
async fn connect(t: &TestServer, reconnect: Option<&str>) -> (String, String) {
    let token = match reconnect {
        None => t.session().await,
        Some(connection_id) => {
            let body = serde_json::json!({"connection_id": connection_id, "integration_id": "github-dev"});
            let res = t
                .http
                .post(t.url("/connect/sessions/reconnect"))
                .header("authorization", t.secret())
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 201);
            let body: Value = res.json().await.unwrap();
            body["data"]["token"].as_str().unwrap().to_owned()
        }
    };
    let (mut ws, id) = t.ws().await;
    let query = format!("/oauth/connect/github-dev?connect_session_token={token}&ws_client_id={id}");
    let result = t.drive_popup(&query, "approve").await;
    assert_eq!(result.status, 200, "{}", result.page);
    let message = next_json(&mut ws).await;
    assert_eq!(message["message_type"], "success", "{message}");
    let connection_id = message["connection_id"].as_str().unwrap().to_owned();
    let refresh_token = refresh_token_of(t, &connection_id).await;
    (connection_id, refresh_token)
}

async fn refresh_token_of(t: &TestServer, connection_id: &str) -> String {
    let path = format!("/connections/{connection_id}?provider_config_key=github-dev&refresh_token=true");
    let (status, body) = t.get_json(&path, Some(&t.secret())).await;
    assert_eq!(status, 200, "{body}");
    body["credentials"]["refresh_token"].as_str().unwrap().to_owned()
}

/// A refresh-token grant at the fake provider, as Nango would send it.
async fn refresh(t: &TestServer, refresh_token: &str) -> (u16, Value) {
    let (client_id, client_secret) = t.server.fake_oauth_client();
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
        ("client_id", client_id),
        ("client_secret", client_secret),
    ];
    let res = t.http.post(t.url("/fake-oauth/token")).form(&form).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

#[tokio::test]
async fn a_deleted_connections_refresh_token_is_refused() {
    let t = start_server().await;
    let (id, held) = connect(&t, None).await;
    let res = t
        .http
        .delete(t.url(&format!("/connections/{id}?provider_config_key=github-dev")))
        .header("authorization", t.secret())
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let (status, body) = refresh(&t, &held).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
}

#[tokio::test]
async fn a_reauthorized_connection_drops_its_old_refresh_token() {
    let t = start_server().await;
    let (id, old) = connect(&t, None).await;
    let (again, new) = connect(&t, Some(&id)).await;
    assert_eq!(again, id, "the same connection, re-authorized");
    assert_ne!(new, old);
    let (status, body) = refresh(&t, &old).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    let (status, body) = refresh(&t, &new).await;
    assert_eq!(status, 200, "the new one works: {body}");
}

#[tokio::test]
async fn refresh_tokens_expire_and_are_swept() {
    let clock = ManualClock::starting_now();
    let t = start_with(DevServerConfig { clock: clock.clock(), ..DevServerConfig::for_tests() }).await;
    let (_, token) = connect(&t, None).await;
    clock.advance(Duration::from_secs(7 * 24 * 3600 + 1));
    t.server.sweep();
    let (status, body) = refresh(&t, &token).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
}
