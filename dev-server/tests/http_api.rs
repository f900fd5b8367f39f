//! Connect sessions, integrations, providers, connections, CORS and error shapes, over real
//! HTTP against an in-process server on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::time::{Duration, SystemTime};

use common::{TestServer, start_server, start_with};
use nango_dev_server::{DevServerConfig, ManualClock};
use serde_json::{Value, json};

/// Real Nango's error shapes (`tests/fixtures/real-nango`): a validation error has `errors`
/// and no `message`, a few route errors only a `code`, the others a `message`.
fn assert_error(body: &Value, code: &str) {
    assert_eq!(body["error"]["code"], code, "body: {body}");
    let bare = matches!(code, "integration_not_allowed" | "invalid_auth_mode" | "unknown_provider_config");
    if body["error"]["errors"].is_array() || bare {
        assert!(body["error"].get("message").is_none(), "no message in {body}");
    } else {
        assert!(body["error"]["message"].is_string(), "message in {body}");
    }
}

async fn manual_server() -> (TestServer, ManualClock) {
    let clock = ManualClock::starting_now();
    let config = DevServerConfig { clock: clock.clock(), ..DevServerConfig::for_tests() };
    (start_with(config).await, clock)
}

#[tokio::test]
async fn create_session_answers_nango_shape() {
    let (t, clock) = manual_server().await;
    let res = t
        .post_session(json!({
            "end_user": {"id": "u1", "email": "u1@example.com", "display_name": "U One", "tags": {"plan": "pro"}},
            "organization": {"id": "org1", "display_name": "Org"},
            "allowed_integrations": ["github-dev", "api-key-dev"],
            "integrations_config_defaults": {"api-key-dev": {"connection_config": {"subdomain": "acme"}}},
            "tags": {"team": "a"}
        }))
        .await;
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.unwrap();
    let data = &body["data"];
    let token = data["token"].as_str().unwrap();
    let hex = token.strip_prefix("nango_connect_session_").unwrap();
    assert_eq!(hex.len(), 64);
    assert!(hex.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    assert!(data["connect_link"].as_str().unwrap().contains(token));
    let expires: SystemTime = humantime::parse_rfc3339(data["expires_at"].as_str().unwrap()).unwrap();
    let ttl = expires.duration_since(clock.now()).unwrap();
    assert!(ttl <= Duration::from_secs(1800) && ttl > Duration::from_secs(1790), "{ttl:?}");

    let (status, body) = t.get_json("/connect/session", Some(&format!("Bearer {token}"))).await;
    assert_eq!(status, 200);
    let data = &body["data"];
    assert_eq!(data["endUser"]["id"], "u1");
    assert_eq!(data["endUser"]["email"], "u1@example.com");
    assert_eq!(data["endUser"]["display_name"], "U One");
    assert_eq!(data["endUser"]["organization"]["id"], "org1");
    assert_eq!(data["allowed_integrations"], json!(["github-dev", "api-key-dev"]));
    assert_eq!(data["integrations_config_defaults"]["api-key-dev"]["connection_config"]["subdomain"], "acme");
    assert_eq!(data["connectUISettings"]["defaultTheme"], "system");
    assert_eq!(data["connectUISettings"]["showWatermark"], true);
    assert_eq!(data["connectUISettings"]["theme"]["light"]["primary"], "#00B2E3");
    assert_eq!(data["connectUISettings"]["theme"]["dark"]["primary"], "#00B2E3");
    assert_eq!(data["websocketsPath"], "/");
    assert!(data.get("isReconnecting").is_none());
}

#[tokio::test]
async fn create_session_rejects_bad_requests() {
    let t = start_server().await;
    let url = t.url("/connect/sessions");
    let body = json!({"end_user": {"id": "u1"}}).to_string();

    // No / malformed / wrong secret.
    let res =
        t.http.post(&url).header("content-type", "application/json").body(body.clone()).send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert_error(&res.json().await.unwrap(), "missing_auth_header");
    let res = t
        .http
        .post(&url)
        .header("authorization", "Basic abc")
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_error(&res.json().await.unwrap(), "invalid_secret_key_format");
    let res = t
        .http
        .post(&url)
        .header("authorization", "Bearer wrong")
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_error(&res.json().await.unwrap(), "invalid_secret_key_format");
    let res = t
        .http
        .post(&url)
        .header("authorization", "Bearer 9a1f2c3d-1111-4222-8333-444455556666")
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_error(&res.json().await.unwrap(), "unknown_account");

    // Non-JSON content type.
    let res = t
        .http
        .post(&url)
        .header("authorization", t.secret())
        .header("content-type", "text/plain")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    assert_error(&res.json().await.unwrap(), "invalid_content_type");

    // Malformed JSON.
    let res = t
        .http
        .post(&url)
        .header("authorization", t.secret())
        .header("content-type", "application/json")
        .body("{\"end_user\":")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_error(&res.json().await.unwrap(), "invalid_json");

    // Oversized body.
    let huge = format!("{{\"end_user\":{{\"id\":\"{}\"}}}}", "x".repeat(300 * 1024));
    let res = t
        .http
        .post(&url)
        .header("authorization", t.secret())
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    assert_error(&res.json().await.unwrap(), "payload_too_large");

    // Query string not allowed.
    let res = t
        .http
        .post(t.url("/connect/sessions?x=1"))
        .header("authorization", t.secret())
        .json(&json!({"end_user": {"id": "u"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_error(&res.json().await.unwrap(), "invalid_query_params");

    for (bad, path) in [
        (json!({}), json!(["end_user"])),
        (json!({"end_user": {"email": "a@b.cd"}}), json!(["end_user", "id"])),
        (json!({"end_user": {"id": ""}}), json!(["end_user", "id"])),
        (json!({"end_user": {"id": "u", "email": "nope"}}), json!(["end_user", "email"])),
        // zod 4 reports unknown keys on the object that has them.
        (json!({"end_user": {"id": "u", "role": "x"}}), json!(["end_user"])),
        (
            json!({"end_user": {"id": "u"}, "allowed_integrations": ["nope"]}),
            json!(["allowed_integrations", "0"]),
        ),
        (
            json!({"end_user": {"id": "u"}, "allowed_integrations": "github-dev"}),
            json!(["allowed_integrations"]),
        ),
        (
            json!({"end_user": {"id": "u"}, "integrations_config_defaults": {"nope": {}}}),
            json!(["integrations_config_defaults", "nope"]),
        ),
        (json!({"end_user": {"id": "u"}, "surprise": 1}), json!([])),
        (json!([1, 2]), json!([])),
    ] {
        let res = t.post_session(bad.clone()).await;
        assert_eq!(res.status(), 400, "{bad}");
        let body: Value = res.json().await.unwrap();
        assert_error(&body, "invalid_body");
        let paths: Vec<Value> =
            body["error"]["errors"].as_array().unwrap().iter().map(|e| e["path"].clone()).collect();
        assert!(paths.contains(&path), "{bad}: expected {path} in {paths:?}");
    }
}

#[tokio::test]
async fn session_token_errors_and_reuse() {
    let t = start_server().await;
    let token = t.session().await;
    // Reusable until expiry.
    for _ in 0..3 {
        let (status, _) = t.get_json("/connect/session", Some(&format!("Bearer {token}"))).await;
        assert_eq!(status, 200);
    }
    let (status, body) = t.get_json("/connect/session", None).await;
    assert_eq!(status, 401);
    assert_error(&body, "missing_auth_header");
    let (status, body) = t.get_json("/connect/session", Some("Bearer nango_connect_session_123")).await;
    assert_eq!(status, 401);
    assert_error(&body, "invalid_connect_session_token_format");
    let unknown = format!("Bearer nango_connect_session_{}", "a".repeat(64));
    let (status, body) = t.get_json("/connect/session", Some(&unknown)).await;
    assert_eq!(status, 401);
    assert_error(&body, "unknown_connect_session_token");
    let (status, body) = t.get_json("/connect/session?x=1", Some(&format!("Bearer {token}"))).await;
    assert_eq!(status, 400);
    assert_error(&body, "invalid_query_params");

    // DELETE → 204, then unknown.
    let res = t
        .http
        .delete(t.url("/connect/session"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (status, body) = t.get_json("/connect/session", Some(&format!("Bearer {token}"))).await;
    assert_eq!(status, 401);
    assert_error(&body, "unknown_connect_session_token");
    let res = t
        .http
        .delete(t.url("/connect/session"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn session_expires_after_thirty_minutes_with_injected_clock() {
    let (t, clock) = manual_server().await;
    let token = t.session().await;
    let bearer = format!("Bearer {token}");
    clock.advance(Duration::from_secs(29 * 60));
    assert_eq!(t.get_json("/connect/session", Some(&bearer)).await.0, 200);
    let (status, _) = t
        .post_auth(
            &format!("/api-auth/api-key/api-key-dev?connect_session_token={token}"),
            Some(json!({"apiKey": "dev-key-ok"})),
        )
        .await;
    assert_eq!(status, 200, "still valid at 29 min");

    clock.advance(Duration::from_secs(61));
    let (status, body) = t.get_json("/connect/session", Some(&bearer)).await;
    assert_eq!(status, 401);
    assert_error(&body, "unknown_connect_session_token");
    let (status, body) = t
        .post_auth(
            &format!("/api-auth/api-key/api-key-dev?connect_session_token={token}"),
            Some(json!({"apiKey": "dev-key-ok"})),
        )
        .await;
    assert_eq!(status, 401);
    assert_error(&body, "unknown_connect_session_token");
    let (status, _) = t.get_json("/integrations", Some(&bearer)).await;
    assert_eq!(status, 401);
    t.server.sweep();
    assert_eq!(t.get_json("/connect/session", Some(&bearer)).await.0, 401);
}

#[tokio::test]
async fn integrations_are_filtered_by_session() {
    let t = start_server().await;
    let (status, body) = t.get_json("/integrations", Some(&t.secret())).await;
    assert_eq!(status, 200);
    let all = body["data"].as_array().unwrap();
    assert_eq!(all.len(), 12);
    for item in all {
        for field in ["unique_key", "provider", "display_name", "logo", "created_at", "updated_at"] {
            assert!(item[field].is_string(), "{field} in {item}");
        }
    }
    let mut modes = Vec::new();
    for item in all {
        let provider = item["provider"].as_str().unwrap();
        let (status, body) = t.get_json(&format!("/providers/{provider}"), Some(&t.secret())).await;
        assert_eq!(status, 200);
        modes.push(body["data"]["auth_mode"].as_str().unwrap().to_owned());
    }
    for mode in [
        "OAUTH2",
        "OAUTH2_CC",
        "API_KEY",
        "BASIC",
        "NONE",
        "TBA",
        "JWT",
        "BILL",
        "TWO_STEP",
        "SIGNATURE",
        "AWS_SIGV4",
    ] {
        assert!(modes.iter().any(|m| m == mode), "{mode}");
    }

    let token = t.session_with(json!({"allowed_integrations": ["github-dev", "basic-dev"]})).await;
    let (status, body) = t.get_json("/integrations", Some(&format!("Bearer {token}"))).await;
    assert_eq!(status, 200);
    let keys: Vec<&str> =
        body["data"].as_array().unwrap().iter().map(|i| i["unique_key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["github-dev", "basic-dev"]);

    // The logo is served locally.
    let logo = body["data"][0]["logo"].as_str().unwrap();
    assert!(logo.starts_with(&t.base), "{logo}");
    let res = t.http.get(logo).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    assert!(res.text().await.unwrap().starts_with("<svg"));

    let (status, body) = t.get_json("/integrations", None).await;
    assert_eq!(status, 401);
    assert_error(&body, "missing_auth_header");
    let (status, body) = t.get_json("/integrations", Some("Bearer nope")).await;
    assert_eq!(status, 401);
    assert_error(&body, "invalid_secret_key_format");
}

#[tokio::test]
async fn providers_describe_auth_mode_and_fields() {
    let t = start_server().await;
    let token = format!("Bearer {}", t.session().await);
    let (status, body) = t.get_json("/providers/stripe", Some(&token)).await;
    assert_eq!(status, 200);
    let data = &body["data"];
    assert_eq!(data["name"], "stripe");
    assert_eq!(data["auth_mode"], "API_KEY");
    assert!(data["display_name"].is_string());
    assert!(data["docs_connect"].is_string());
    assert!(data["logo_url"].as_str().unwrap().ends_with("/images/template-logos/stripe.svg"));
    assert_eq!(data["credentials"]["apiKey"]["title"], "API Key");
    assert_eq!(data["credentials"]["apiKey"]["secret"], true);

    let (status, body) = t.get_json("/providers/netsuite-tba", Some(&t.secret())).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["auth_mode"], "TBA");
    assert_eq!(body["data"]["connection_config"]["accountId"]["optional"], true);
    let (_, body) = t.get_json("/providers/github", Some(&token)).await;
    assert_eq!(body["data"]["auth_mode"], "OAUTH2");
    assert!(body["data"].get("credentials").is_none());

    let (status, body) = t.get_json("/providers/unknown-provider", Some(&token)).await;
    assert_eq!(status, 404);
    assert_error(&body, "not_found");
    let (status, _) = t.get_json("/providers/stripe", None).await;
    assert_eq!(status, 401);
    let (status, body) = t.get_json("/providers/bad%24name", Some(&token)).await;
    assert_eq!(status, 400);
    assert_error(&body, "invalid_uri_params");
}

#[tokio::test]
async fn cors_is_open_and_preflights_allow_auth_headers() {
    let t = start_server().await;
    for path in ["/connect/sessions", "/connect/session", "/api-auth/api-key/api-key-dev", "/integrations"] {
        let res = t
            .http
            .request(reqwest::Method::OPTIONS, t.url(path))
            .header("origin", "http://localhost:8080")
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization,content-type")
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
        let h = res.headers();
        assert_eq!(h["access-control-allow-origin"], "*", "{path}");
        let allowed = h["access-control-allow-headers"].to_str().unwrap().to_lowercase();
        assert!(allowed.contains("authorization") && allowed.contains("content-type"), "{allowed}");
        assert!(h["access-control-allow-methods"].to_str().unwrap().contains("POST"));
    }
    // A preflight without the requested-headers list still allows both.
    let res = t
        .http
        .request(reqwest::Method::OPTIONS, t.url("/integrations"))
        .header("origin", "http://a.test")
        .send()
        .await
        .unwrap();
    let allowed = res.headers()["access-control-allow-headers"].to_str().unwrap().to_lowercase();
    assert!(allowed.contains("authorization") && allowed.contains("content-type"));

    // Actual responses, errors included.
    let res =
        t.http.get(t.url("/integrations")).header("origin", "http://localhost:8080").send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["access-control-allow-origin"], "*");

    // Telemetry: credentialed, so the origin is echoed.
    let res = t
        .http
        .request(reqwest::Method::OPTIONS, t.url("/connect/telemetry"))
        .header("origin", "http://localhost:3009")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], "http://localhost:3009");
    assert_eq!(res.headers()["access-control-allow-credentials"], "true");
    let token = t.session().await;
    let res = t
        .http
        .post(t.url("/connect/telemetry"))
        .header("origin", "http://localhost:3009")
        .header("content-type", "text/plain;charset=UTF-8")
        .body(json!({"event": "open", "token": token, "timestamp": now_ms(), "dimensions": {"integration": "github-dev"}}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(res.headers()["access-control-allow-origin"], "http://localhost:3009");
    assert_eq!(res.headers()["access-control-allow-credentials"], "true");
}

/// Now, in milliseconds since the epoch (what the page's `timestamp` is near).
fn now_ms() -> u64 {
    u64::try_from(SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_millis()).unwrap()
}

/// Now as `JSON.stringify(new Date())` writes it.
fn iso_now() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

#[tokio::test]
async fn telemetry_validates_as_nango() {
    let t = start_server().await;
    let token = t.session().await;
    let now = now_ms();
    let post = |body: Value| t.http.post(t.url("/connect/telemetry")).body(body.to_string()).send();
    let res = post(json!({"event": "nope", "token": token, "timestamp": now})).await.unwrap();
    assert_eq!(res.status(), 400);
    assert_error(&res.json().await.unwrap(), "invalid_body");
    let res = post(json!({"event": "open", "timestamp": now})).await.unwrap();
    assert_eq!(res.status(), 401);
    let res = post(json!({"event": "open", "token": format!("nango_connect_session_{}", "b".repeat(64)), "timestamp": now})).await.unwrap();
    assert_eq!(res.status(), 401);
    assert_error(&res.json().await.unwrap(), "unknown_connect_session_token");
    let res = post(json!({"event": "click:close", "token": token, "timestamp": now})).await.unwrap();
    assert_eq!(res.status(), 204);
    // The timestamp: a date within two hours of the server's clock, as text or milliseconds.
    let two_hours = 2 * 60 * 60 * 1000;
    for (timestamp, status) in [
        (json!(now - two_hours + 60_000), 204),
        (json!(now + two_hours - 60_000), 204),
        (json!(now - two_hours - 60_000), 400),
        (json!(now + two_hours + 60_000), 400),
        (json!(1), 400),
        (json!("not a date"), 400),
        (json!(null), 400),
    ] {
        let res = post(json!({"event": "open", "token": token, "timestamp": timestamp})).await.unwrap();
        assert_eq!(res.status(), status, "{timestamp}");
    }
    let res =
        post(json!({"event": "open", "token": token, "timestamp": now - two_hours - 60_000})).await.unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["errors"][0]["code"], "custom", "{body}");
    assert_eq!(body["error"]["errors"][0]["path"], json!(["timestamp"]), "{body}");
    // `dimensions.integration` is an integration key; the query must be empty.
    let bad =
        json!({"event": "open", "token": token, "timestamp": now, "dimensions": {"integration": "no/slash"}});
    assert_eq!(post(bad).await.unwrap().status(), 400);
    let res = t
        .http
        .post(t.url("/connect/telemetry?x=1"))
        .body(json!({"event": "open", "token": token, "timestamp": now}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_error(&res.json().await.unwrap(), "invalid_query_params");
}

#[tokio::test]
async fn accepted_beacons_are_recorded_for_tests() {
    let t = start_with(DevServerConfig { fault_routes: true, ..DevServerConfig::for_tests() }).await;
    let token = t.session().await;
    let post = |body: Value| t.http.post(t.url("/connect/telemetry")).body(body.to_string()).send();
    let beacon_now = json!({"event": "view:integration", "token": token, "timestamp": iso_now(),
        "dimensions": {"integration": "github-dev"}});
    assert_eq!(post(beacon_now.clone()).await.unwrap().status(), 204);
    assert_eq!(
        post(json!({"event": "nope", "token": token, "timestamp": now_ms()})).await.unwrap().status(),
        400
    );
    assert_eq!(t.server.telemetry(), std::slice::from_ref(&beacon_now), "only the accepted beacon");
    let (status, body) = t.get_json("/dev/telemetry", None).await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({ "data": [beacon_now] }));
    // The list is for the dev pages only, as `/dev/faults`.
    let res =
        t.http.get(t.url("/dev/telemetry")).header("origin", "https://evil.example").send().await.unwrap();
    assert_eq!(res.status(), 403);
    // Without `fault_routes` there is no such route.
    let plain = start_server().await;
    assert_eq!(plain.get_json("/dev/telemetry", None).await.0, 404);
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json_errors() {
    let t = start_server().await;
    let (status, body) = t.get_json("/no/such/path", None).await;
    assert_eq!(status, 404);
    assert_error(&body, "not_found");
    let res = t.http.put(t.url("/connect/sessions")).send().await.unwrap();
    assert_eq!(res.status(), 405);
    assert_error(&res.json().await.unwrap(), "method_not_allowed");
    // A plain GET on the WebSocket path describes it.
    let (status, body) = t.get_json("/", None).await;
    assert_eq!(status, 200);
    assert_eq!(body["name"], "nango-dev-server");
}

#[tokio::test]
async fn demo_session_mints_a_session_without_auth() {
    let t = start_server().await;
    let own = t.base.clone();
    let res = t.http.post(t.url("/demo/session")).header("origin", &own).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["access-control-allow-origin"], own.as_str());
    let body: Value = res.json().await.unwrap();
    let token = body["token"].as_str().unwrap();
    assert!(token.starts_with("nango_connect_session_"));
    assert!(body["expires_at"].is_string());
    assert!(body["connect_link"].is_string());
    let (status, session) = t.get_json("/connect/session", Some(&format!("Bearer {token}"))).await;
    assert_eq!(status, 200);
    assert_eq!(session["data"]["endUser"]["id"], "demo-user");
    assert!(session["data"].get("allowed_integrations").is_none());

    let res = t
        .http
        .post(t.url("/demo/session"))
        .json(&json!({"allowed_integrations": ["github-dev"]}))
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    let (_, session) =
        t.get_json("/connect/session", Some(&format!("Bearer {}", body["token"].as_str().unwrap()))).await;
    assert_eq!(session["data"]["allowed_integrations"], json!(["github-dev"]));

    let res = t
        .http
        .post(t.url("/demo/session"))
        .json(&json!({"allowed_integrations": ["nope"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_error(&res.json().await.unwrap(), "invalid_body");
}

#[tokio::test]
async fn reconnect_session_reauthorizes_the_same_connection() {
    let t = start_server().await;
    let token = t.session().await;
    let (status, body) = t
        .post_auth(
            &format!("/api-auth/api-key/api-key-dev?connect_session_token={token}"),
            Some(json!({"apiKey": "dev-key-ok"})),
        )
        .await;
    assert_eq!(status, 200);
    let connection_id = body["connectionId"].as_str().unwrap().to_owned();

    let res = t
        .http
        .post(t.url("/connect/sessions/reconnect"))
        .header("authorization", t.secret())
        .json(&json!({"connection_id": connection_id, "integration_id": "api-key-dev"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.unwrap();
    let reconnect = body["data"]["token"].as_str().unwrap().to_owned();
    let (_, session) = t.get_json("/connect/session", Some(&format!("Bearer {reconnect}"))).await;
    assert_eq!(session["data"]["isReconnecting"], true);
    assert_eq!(session["data"]["allowed_integrations"], json!(["api-key-dev"]));
    assert_eq!(session["data"]["endUser"]["id"], "u1", "end user carried over from the connection");

    let (status, body) = t
        .post_auth(
            &format!("/api-auth/api-key/api-key-dev?connect_session_token={reconnect}"),
            Some(json!({"apiKey": "dev-key-ok"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["connectionId"], connection_id.as_str());
    assert_eq!(t.connections().await.len(), 1);
    let (status, body) = t
        .post_auth(
            &format!("/api-auth/basic/basic-dev?connect_session_token={reconnect}"),
            Some(json!({"username": "dev-user", "password": "dev-password"})),
        )
        .await;
    assert_eq!(status, 400);
    assert_error(&body, "integration_not_allowed");

    for bad in [
        json!({"connection_id": "nope", "integration_id": "api-key-dev"}),
        json!({"connection_id": connection_id, "integration_id": "basic-dev"}),
        json!({"integration_id": "api-key-dev"}),
        json!({"connection_id": connection_id, "integration_id": "api-key-dev", "allowed_integrations": []}),
    ] {
        let res = t
            .http
            .post(t.url("/connect/sessions/reconnect"))
            .header("authorization", t.secret())
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{bad}");
        assert_error(&res.json().await.unwrap(), "invalid_body");
    }
    let res = t.http.post(t.url("/connect/sessions/reconnect")).json(&json!({})).send().await.unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn connections_list_and_detail() {
    let t = start_server().await;
    let token = t.session_with(json!({"tags": {"team": "a"}})).await;
    let (s1, b1) = t
        .post_auth(
            &format!("/api-auth/api-key/api-key-dev?connect_session_token={token}&params[subdomain]=acme"),
            Some(json!({"apiKey": "dev-key-ok"})),
        )
        .await;
    let (s2, _) = t
        .post_auth(&format!("/auth/unauthenticated/unauthenticated-dev?connect_session_token={token}"), None)
        .await;
    assert_eq!((s1, s2), (200, 200));
    let list = t.connections().await;
    assert_eq!(list.len(), 2);
    // Newest first, as Nango lists them.
    let first = &list[1];
    assert_eq!(first["connection_id"], b1["connectionId"]);
    assert_eq!(first["provider_config_key"], "api-key-dev");
    assert_eq!(first["provider"], "stripe");
    assert_eq!(first["end_user"]["id"], "u1");
    assert_eq!(first["tags"]["team"], "a");
    assert!(first["created"].is_string() && first["id"].is_u64());
    assert!(first.get("credentials").is_none(), "the list carries no credentials");

    let (status, body) =
        t.get_json("/connections?integrationId=unauthenticated-dev", Some(&t.secret())).await;
    assert_eq!(status, 200);
    assert_eq!(body["connections"].as_array().unwrap().len(), 1);
    let (_, body) = t
        .get_json(
            &format!("/connection?connectionId={}", b1["connectionId"].as_str().unwrap()),
            Some(&t.secret()),
        )
        .await;
    assert_eq!(body["connections"].as_array().unwrap().len(), 1);
    let (_, body) = t.get_json("/connection?endUserId=someone-else", Some(&t.secret())).await;
    assert_eq!(body["connections"].as_array().unwrap().len(), 0);
    let (status, body) = t.get_json("/connection?bogus=1", Some(&t.secret())).await;
    assert_eq!(status, 400);
    assert_error(&body, "invalid_query_params");
    let (status, body) = t.get_json("/connection", None).await;
    assert_eq!(status, 401);
    assert_error(&body, "missing_auth_header");
    let token_auth = format!("Bearer {token}");
    assert_eq!(t.get_json("/connection", Some(&token_auth)).await.0, 401, "a session token cannot list");

    let detail = t.connection("api-key-dev", b1["connectionId"].as_str().unwrap()).await;
    assert_eq!(detail["credentials"]["apiKey"], "dev-key-ok");
    assert_eq!(detail["credentials"]["type"], "API_KEY");
    assert_eq!(detail["connection_config"]["subdomain"], "acme");
    let (status, body) =
        t.get_json("/connection/nope?provider_config_key=api-key-dev", Some(&t.secret())).await;
    assert_eq!(status, 404);
    assert_error(&body, "not_found");
    assert_eq!(t.server.connections().len(), 2);
}

#[tokio::test]
async fn connect_ui_port_serves_a_placeholder() {
    let t = start_server().await;
    let res = t.http.get(format!("{}/connect/?apiURL=x", t.server.connect_ui_url())).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("placeholder"), "{html}");
    assert!(html.contains(&t.server.api_addr().port().to_string()));
    assert_ne!(t.server.api_addr(), t.server.connect_ui_addr());
}

#[tokio::test]
async fn static_dirs_are_served_with_index_fallback() {
    let dir = std::env::temp_dir().join(format!("nango-dev-server-test-{}", std::process::id()));
    let ui = dir.join("ui");
    let app = dir.join("app");
    std::fs::create_dir_all(&ui).unwrap();
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(ui.join("index.html"), "<p>real connect ui</p>").unwrap();
    std::fs::write(app.join("index.html"), "<p>demo app</p>").unwrap();
    std::fs::write(app.join("app.js"), "console.log(1)").unwrap();
    let config = DevServerConfig {
        connect_ui_dir: Some(ui.clone()),
        serve: vec![format!("/yew={}", app.display()).parse().unwrap()],
        ..DevServerConfig::for_tests()
    };
    let t = start_with(config).await;
    let get = |url: String| async move {
        let res = reqwest::get(url).await.unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    };
    assert_eq!(get(t.url("/yew/app.js")).await, (200, "console.log(1)".into()));
    assert_eq!(get(t.url("/yew/")).await, (200, "<p>demo app</p>".into()));
    assert_eq!(get(t.url("/yew/some/client/route")).await, (200, "<p>demo app</p>".into()));
    assert_eq!(
        get(format!("{}/connect/", t.server.connect_ui_url())).await,
        (200, "<p>real connect ui</p>".into())
    );
    // API routes are still there.
    assert_eq!(t.get_json("/integrations", Some(&t.secret())).await.0, 200);

    // A mount may not shadow the API.
    let bad = DevServerConfig {
        serve: vec![format!("/connect={}", app.display()).parse().unwrap()],
        ..DevServerConfig::for_tests()
    };
    assert!(nango_dev_server::start(bad).await.is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn config_files_load_in_json_and_toml() {
    let dir = std::env::temp_dir().join(format!("nango-dev-server-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json_path = dir.join("c.json");
    std::fs::write(
        &json_path,
        r#"{"secret_key": "s3cret", "integrations": [{"unique_key": "only", "provider": "p", "display_name": "Only", "auth_mode": "API_KEY", "valid_credentials": [{"apiKey": "k"}]}]}"#,
    )
    .unwrap();
    let toml_path = dir.join("c.toml");
    std::fs::write(
        &toml_path,
        "api_port = 0\nconnect_ui_port = 0\n[[integrations]]\nunique_key = \"t\"\nprovider = \"p\"\ndisplay_name = \"T\"\nauth_mode = \"OAUTH2\"\n",
    )
    .unwrap();
    let mut config = DevServerConfig::from_file(&json_path).unwrap();
    assert_eq!(config.integrations.len(), 1);
    assert_eq!(config.api_port, 3003, "defaults fill the rest");
    config.api_port = 0;
    config.connect_ui_port = 0;
    let t = start_with(config).await;
    let (status, body) = t.get_json("/integrations", Some("Bearer s3cret")).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"][0]["unique_key"], "only");
    let toml = DevServerConfig::from_file(&toml_path).unwrap();
    assert_eq!(toml.integrations[0].unique_key, "t");
    std::fs::write(&json_path, r#"{"nope": 1}"#).unwrap();
    assert!(DevServerConfig::from_file(&json_path).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn shutdown_closes_the_listeners() {
    let t = start_server().await;
    let addr = t.server.api_addr();
    let (mut ws, _) = t.ws().await;
    t.server.shutdown().await;
    // The socket is closed by the server.
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        use futures_util::StreamExt;
        loop {
            match ws.next().await {
                None | Some(Err(_)) => break,
                Some(Ok(m)) if m.is_close() => break,
                _ => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "socket closed on shutdown");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "listener closed");
}

/// `--nango-host`: the demo backend mints sessions on another Nango (here a second dev server
/// standing in for Nango Cloud), and the token it hands out is valid there.
#[tokio::test]
async fn demo_session_can_be_minted_on_a_remote_nango() {
    let remote = start_server().await;
    let mut config = DevServerConfig::for_tests();
    config.remote_nango = Some(nango_dev_server::RemoteNango {
        host: remote.base.clone(),
        secret_key: remote.server.secret_key().to_owned(),
    });
    let local = start_with(config).await;
    let answer: Value =
        local.http.post(local.url("/demo/session")).send().await.unwrap().json().await.unwrap();
    let token = answer["token"].as_str().expect("a token").to_owned();
    let on_remote =
        remote.http.get(remote.url("/connect/session")).bearer_auth(&token).send().await.unwrap().status();
    assert_eq!(on_remote, 200, "the token is a session of the remote Nango");
    let on_local =
        local.http.get(local.url("/connect/session")).bearer_auth(&token).send().await.unwrap().status();
    assert_eq!(on_local, 401, "not a session of the local server");

    // A wrong secret key: the remote's refusal comes back as a typed 502.
    let mut config = DevServerConfig::for_tests();
    config.remote_nango =
        Some(nango_dev_server::RemoteNango { host: remote.base.clone(), secret_key: "wrong".into() });
    let bad = start_with(config).await;
    let response = bad.http.post(bad.url("/demo/session")).send().await.unwrap();
    assert_eq!(response.status(), 502);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "remote_nango_error");
}

/// Issue 14 item 1: `POST /demo/session` mints sessions (on a real Nango with `--nango-host`)
/// only for the demo pages' own origin; never `Access-Control-Allow-Origin: *`.
#[tokio::test]
async fn demo_session_answers_only_the_demo_pages_origin() {
    let local = start_server().await;
    // A remote Nango that does not exist: a refused caller must be refused before any call.
    let remote = start_with(DevServerConfig {
        remote_nango: Some(nango_dev_server::RemoteNango {
            host: "http://127.0.0.1:9".into(),
            secret_key: "sk".into(),
        }),
        ..DevServerConfig::for_tests()
    })
    .await;
    for t in [&local, &remote] {
        for origin in ["http://evil.test", "http://localhost:8080", "null", "http://127.0.0.1:1"] {
            // A "simple" request: no content type, no preflight.
            let res = t.http.post(t.url("/demo/session")).header("origin", origin).send().await.unwrap();
            assert_eq!(res.status(), 403, "{origin}");
            assert!(res.headers().get("access-control-allow-origin").is_none(), "{origin}");
            let body: Value = res.json().await.unwrap();
            assert_error(&body, "forbidden_origin");
            let res = t
                .http
                .request(reqwest::Method::OPTIONS, t.url("/demo/session"))
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .send()
                .await
                .unwrap();
            assert!(res.headers().get("access-control-allow-origin").is_none(), "preflight {origin}");
        }
        // A browser request without Origin but marked cross-site.
        let res =
            t.http.post(t.url("/demo/session")).header("sec-fetch-site", "cross-site").send().await.unwrap();
        assert_eq!(res.status(), 403);
        // The API's own origin under each loopback name is the demo pages'.
        let port = t.server.api_addr().port();
        for host in ["127.0.0.1", "localhost"] {
            let own = format!("http://{host}:{port}");
            let res = t
                .http
                .request(reqwest::Method::OPTIONS, t.url("/demo/session"))
                .header("origin", &own)
                .header("access-control-request-method", "POST")
                .send()
                .await
                .unwrap();
            assert_eq!(res.headers()["access-control-allow-origin"], own.as_str());
        }
    }
    let res = local
        .http
        .post(local.url("/demo/session"))
        .header("origin", local.base.as_str())
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_ne!(res.headers()["access-control-allow-origin"], "*");
    // A tool without Origin (curl, the E2E harness) still gets a session, with no `*` either.
    let res = local.http.post(local.url("/demo/session")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("access-control-allow-origin").is_none());
    // `allowed_origins` lets a demo served elsewhere in.
    let t = start_with(DevServerConfig {
        allowed_origins: vec!["http://localhost:8080".into()],
        ..DevServerConfig::for_tests()
    })
    .await;
    let res =
        t.http.post(t.url("/demo/session")).header("origin", "http://localhost:8080").send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["access-control-allow-origin"], "http://localhost:8080");
}

/// Issue 14 item 9: the default keys are random per start; the old published key is refused.
#[tokio::test]
async fn default_keys_are_random_per_start() {
    let (a, b) = (start_server().await, start_server().await);
    assert_ne!(a.server.secret_key(), b.server.secret_key());
    assert_ne!(a.server.public_key(), b.server.public_key());
    for published in ["nango_dev_secret_key_do_not_use_in_production", b.server.secret_key()] {
        let (status, body) = a.get_json("/connection", Some(&format!("Bearer {published}"))).await;
        assert_eq!(status, 401, "{body}");
    }
    let (status, _) = a.get_json("/connection", Some(&a.secret())).await;
    assert_eq!(status, 200);
    // A fixed key only when given.
    let fixed =
        start_with(DevServerConfig { secret_key: "given-key".into(), ..DevServerConfig::for_tests() }).await;
    assert_eq!(fixed.server.secret_key(), "given-key");
}

/// Issue 14 item 14: lifetimes that would overflow the clock or the date format are refused
/// at start instead of panicking on the first session.
#[tokio::test]
async fn huge_lifetimes_are_refused_at_start() {
    for config in [
        DevServerConfig { session_ttl_secs: u64::MAX, ..DevServerConfig::for_tests() },
        DevServerConfig { session_ttl_secs: 300_000_000_000, ..DevServerConfig::for_tests() },
        DevServerConfig { oauth_code_ttl_secs: u64::MAX, ..DevServerConfig::for_tests() },
        DevServerConfig { ws_max_lifetime_secs: u64::MAX, ..DevServerConfig::for_tests() },
    ] {
        match nango_dev_server::start(config).await {
            Err(nango_dev_server::StartError::Config(e)) => assert!(e.to_string().contains("between"), "{e}"),
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("a huge lifetime must be refused at start"),
        }
    }
}

#[tokio::test]
async fn a_base_path_prefixes_every_route_as_a_reverse_proxy() {
    let t = start_with(DevServerConfig { base_path: "/nango/".into(), ..DevServerConfig::for_tests() }).await;
    assert!(t.base.ends_with("/nango"), "api_url names the prefix: {}", t.base);
    let token = t.session().await;
    let auth = format!("Bearer {token}");
    let (status, session) = t.get_json("/connect/session", Some(&auth)).await;
    assert_eq!(status, 200);
    assert_eq!(session["data"]["websocketsPath"], "/", "the server's own path, without the prefix");
    let (_, list) = t.get_json("/integrations", Some(&auth)).await;
    let logo = list["data"][0]["logo"].as_str().unwrap();
    assert!(logo.starts_with(&format!("{}/images/", t.base)), "links carry the prefix: {logo}");
    // Outside the prefix there is nothing.
    let origin = t.base.trim_end_matches("/nango").to_owned();
    let res =
        t.http.get(format!("{origin}/connect/session")).header("authorization", &auth).send().await.unwrap();
    assert_eq!(res.status(), 404);
    // The WebSocket and the OAuth flow (redirects, the fake provider's form) are under the
    // prefix too.
    let (mut ws, id) = t.ws().await;
    let result = t
        .drive_popup(
            &format!("/oauth/connect/github-dev?connect_session_token={token}&ws_client_id={id}"),
            "approve",
        )
        .await;
    assert_eq!(result.status, 200, "{}", result.page);
    assert!(result.callback_url.contains("/nango/oauth/callback"), "{}", result.callback_url);
    assert_eq!(common::next_json(&mut ws).await["message_type"], "success");
    assert!(t.server.websocket_url().ends_with("/nango/"), "{}", t.server.websocket_url());
    let bad = DevServerConfig { base_path: "nango".into(), ..DevServerConfig::for_tests() };
    assert!(bad.validate().is_err());
}
