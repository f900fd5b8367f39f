//! The credential endpoints (`docs/protocol.md` §3) over real HTTP: known-good and wrong
//! credentials for every default integration, per-endpoint body validation, authentication and
//! query errors, and the official SDK's recorded requests replayed from the fixture.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::collections::BTreeMap;

use common::{TestServer, start_server, start_with};
use nango_dev_server::{AuthMode, DevServerConfig, IntegrationConfig};
use serde_json::{Map, Value, json};

fn assert_error(status: u16, body: &Value, expected_status: u16, code: &str) {
    assert_eq!(status, expected_status, "body: {body}");
    assert_eq!(body["error"]["code"], code, "body: {body}");
}

/// (path, integration, good body, wrong body)
fn credential_cases() -> Vec<(&'static str, &'static str, Option<Value>, Option<Value>)> {
    vec![
        (
            "/api-auth/api-key",
            "api-key-dev",
            Some(json!({"apiKey": "dev-key-ok"})),
            Some(json!({"apiKey": "bad"})),
        ),
        (
            "/api-auth/basic",
            "basic-dev",
            Some(json!({"username": "dev-user", "password": "dev-password"})),
            Some(json!({"username": "dev-user", "password": "x"})),
        ),
        (
            "/auth/tba",
            "tba-dev",
            Some(
                json!({"token_id": "dev-token-id", "token_secret": "dev-token-secret", "oauth_client_id_override": "cid"}),
            ),
            Some(json!({"token_id": "dev-token-id", "token_secret": "x"})),
        ),
        (
            "/auth/jwt",
            "jwt-dev",
            Some(json!({"type": "JWT", "issuerId": "dev-issuer", "privateKey": "dev-private-key"})),
            Some(json!({"issuerId": "dev-issuer", "privateKey": {"id": "i", "secret": "s"}})),
        ),
        (
            "/auth/two-step",
            "two-step-dev",
            Some(
                json!({"type": "TWO_STEP", "username": "dev-user", "password": "dev-password", "client_id": "a"}),
            ),
            Some(json!({"type": "TWO_STEP", "username": "dev-user"})),
        ),
        (
            "/auth/signature",
            "signature-dev",
            Some(json!({"type": "SIGNATURE", "username": "dev-user", "password": "dev-password"})),
            Some(json!({"type": "SIGNATURE", "username": "other", "password": "dev-password"})),
        ),
        (
            "/auth/aws-sigv4",
            "aws-sigv4-dev",
            Some(json!({"role_arn": "arn:aws:iam::123456789012:role/nango-dev", "region": "eu-west-1"})),
            Some(json!({"role_arn": "arn:aws:iam::1:role/r"})),
        ),
        (
            "/auth/bill",
            "bill-dev",
            Some(
                json!({"username": "dev-user", "password": "dev-password", "organization_id": "dev-org", "dev_key": "dev-key-ok"}),
            ),
            Some(
                json!({"username": "dev-user", "password": "dev-password", "organization_id": "other", "dev_key": "dev-key-ok"}),
            ),
        ),
        (
            "/oauth2/auth",
            "oauth2-cc-dev",
            Some(json!({"client_id": "dev-client-id", "client_secret": "dev-client-secret"})),
            Some(json!({"client_id": "dev-client-id", "client_secret": "nope"})),
        ),
        (
            "/oauth2/auth",
            "oauth2-cc-dev",
            Some(
                json!({"client_id": "dev-client-id", "client_private_key": "dev-private-key", "client_certificate": "cert"}),
            ),
            Some(json!({"client_id": "x", "client_private_key": "dev-private-key"})),
        ),
        ("/auth/unauthenticated", "unauthenticated-dev", None, None),
        ("/auth/oauth-outbound", "outbound-dev", None, None),
    ]
}

#[tokio::test]
async fn every_credential_integration_accepts_its_dev_credentials_and_rejects_others() {
    let t = start_server().await;
    let token = t.session().await;
    for (path, key, good, bad) in credential_cases() {
        let url = format!("{path}/{key}?connect_session_token={token}");
        let (status, body) = t.post_auth(&url, good.clone()).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(body["providerConfigKey"], key);
        let id = body["connectionId"].as_str().unwrap();
        let stored = t.connection(key, id).await;
        assert_eq!(stored["end_user"]["id"], "u1");
        let pending = t.server.connections().iter().any(|c| c.connection_id == id && c.pending);
        assert_eq!(pending, key == "outbound-dev", "{key}");

        if bad.is_none() {
            continue;
        }
        let (status, body) = t.post_auth(&url, bad).await;
        if path == "/auth/tba" {
            // Nango's quirk: a failed TBA credential test is HTTP 200 with an error body.
            assert_error(status, &body, 200, "invalid_credentials");
            assert!(body.get("connectionId").is_none());
        } else {
            assert_error(status, &body, 400, "connection_test_failed");
        }
    }
    // Wrong credentials stored nothing.
    assert_eq!(t.connections().await.len(), credential_cases().len());
}

#[tokio::test]
async fn bodies_are_validated_per_endpoint() {
    let t = start_server().await;
    let token = t.session().await;
    let cases: Vec<(&str, &str, Option<Value>, &str)> = vec![
        ("/api-auth/api-key", "api-key-dev", Some(json!({})), "invalid_body"),
        ("/api-auth/api-key", "api-key-dev", Some(json!({"apiKey": ""})), "invalid_body"),
        ("/api-auth/api-key", "api-key-dev", Some(json!({"apiKey": 42})), "invalid_body"),
        (
            "/api-auth/api-key",
            "api-key-dev",
            Some(json!({"apiKey": "dev-key-ok", "extra": 1})),
            "invalid_body",
        ),
        ("/api-auth/api-key", "api-key-dev", None, "invalid_body"),
        ("/api-auth/api-key", "api-key-dev", Some(json!("dev-key-ok")), "invalid_body"),
        ("/api-auth/basic", "basic-dev", Some(json!({})), "invalid_body"),
        ("/api-auth/basic", "basic-dev", Some(json!({"username": 1})), "invalid_body"),
        ("/api-auth/basic", "basic-dev", Some(json!({"username": "u", "apiKey": "x"})), "invalid_body"),
        ("/auth/tba", "tba-dev", Some(json!({"token_id": "a"})), "invalid_body"),
        ("/auth/tba", "tba-dev", Some(json!({"token_id": "a", "token_secret": "b", "x": 1})), "invalid_body"),
        ("/auth/jwt", "jwt-dev", Some(json!(["not", "an", "object"])), "invalid_body"),
        ("/auth/two-step", "two-step-dev", Some(json!(null)), "invalid_body"),
        ("/auth/signature", "signature-dev", Some(json!({"username": "u", "password": "p"})), "invalid_body"),
        ("/auth/aws-sigv4", "aws-sigv4-dev", Some(json!({"region": "eu-west-1"})), "invalid_body"),
        (
            "/auth/aws-sigv4",
            "aws-sigv4-dev",
            Some(json!({"role_arn": "arn", "region": "EU_WEST.evil.com"})),
            "invalid_body",
        ),
        (
            "/auth/aws-sigv4",
            "aws-sigv4-dev",
            Some(json!({"type": "AWS_SIGV4", "role_arn": "arn"})),
            "invalid_body",
        ),
        (
            "/auth/bill",
            "bill-dev",
            Some(json!({"username": "u", "password": "p", "organization_id": "o"})),
            "invalid_body",
        ),
        ("/oauth2/auth", "oauth2-cc-dev", Some(json!({"client_secret": "s"})), "missing_client_id"),
        ("/oauth2/auth", "oauth2-cc-dev", Some(json!({"client_id": "c"})), "missing_client_secret"),
        (
            "/oauth2/auth",
            "oauth2-cc-dev",
            Some(json!({"client_id": 5, "client_secret": "s"})),
            "invalid_body",
        ),
        ("/auth/unauthenticated", "unauthenticated-dev", Some(json!({"x": 1})), "invalid_body"),
    ];
    for (path, key, body, code) in cases {
        let url = format!("{path}/{key}?connect_session_token={token}");
        let (status, answer) = t.post_auth(&url, body.clone()).await;
        assert_error(status, &answer, 400, code);
        if code == "invalid_body" {
            assert!(
                answer["error"]["errors"].is_array() || answer["error"]["message"].is_string(),
                "{answer}"
            );
        }
    }
    // Malformed JSON and a non-JSON content type.
    let url = t.url(&format!("/api-auth/api-key/api-key-dev?connect_session_token={token}"));
    let res = t
        .http
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"apiKey\"")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "invalid_json");
    let res = t
        .http
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("apiKey=dev-key-ok")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "invalid_content_type");
    let res = t
        .http
        .post(&url)
        .header("content-type", "application/json")
        .body(vec![b'x'; 512 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    assert!(t.connections().await.is_empty());
}

#[tokio::test]
async fn authentication_and_query_errors() {
    let t = start_server().await;
    let token = t.session().await;
    let restricted = t.session_with(json!({"allowed_integrations": ["basic-dev"]})).await;
    let good = Some(json!({"apiKey": "dev-key-ok"}));
    let pk = t.server.public_key().to_owned();
    let cases: Vec<(String, u16, &str)> = vec![
        ("/api-auth/api-key/api-key-dev".into(), 401, "missing_public_key"),
        (
            "/api-auth/api-key/api-key-dev?connect_session_token=nango_connect_session_zz".into(),
            401,
            "invalid_connect_session_token_format",
        ),
        (
            format!(
                "/api-auth/api-key/api-key-dev?connect_session_token=nango_connect_session_{}",
                "0".repeat(64)
            ),
            401,
            "unknown_connect_session_token",
        ),
        ("/api-auth/api-key/api-key-dev?public_key=pk-0000-1111".into(), 401, "invalid_public_key"),
        (
            "/api-auth/api-key/api-key-dev?public_key=11111111-1111-4111-8111-111111111111".into(),
            401,
            "unknown_account",
        ),
        (
            format!("/api-auth/api-key/api-key-dev?connect_session_token={token}&connection_id=c1"),
            400,
            "invalid_query_params",
        ),
        (
            format!("/api-auth/api-key/api-key-dev?public_key={pk}&connection_id=bad%00id"),
            400,
            "invalid_query_params",
        ),
        (format!("/api-auth/api-key/nope?connect_session_token={token}"), 404, "unknown_provider_config"),
        (format!("/api-auth/api-key/basic-dev?connect_session_token={token}"), 400, "invalid_auth_mode"),
        (
            format!("/api-auth/api-key/api-key-dev?connect_session_token={restricted}"),
            400,
            "integration_not_allowed",
        ),
        (format!("/api-auth/api-key/bad%24key?connect_session_token={token}"), 400, "invalid_uri_params"),
    ];
    for (url, status, code) in cases {
        let (got, body) = t.post_auth(&url, good.clone()).await;
        assert_error(got, &body, status, code);
    }
    // The session token wins over a public key; a public key allows a chosen connection id.
    let (status, body) = t
        .post_auth(
            &format!("/api-auth/api-key/api-key-dev?public_key={pk}&connection_id=my-conn"),
            good.clone(),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["connectionId"], "my-conn");
    // Re-authorizing the same connection id replaces it.
    let (status, _) = t
        .post_auth(&format!("/api-auth/api-key/api-key-dev?public_key={pk}&connection_id=my-conn"), good)
        .await;
    assert_eq!(status, 200);
    assert_eq!(t.connections().await.len(), 1);
}

#[tokio::test]
async fn bracketed_params_decode_the_same_literal_or_encoded() {
    let t = start_server().await;
    let token = t
        .session_with(json!({
            "integrations_config_defaults": {"api-key-dev": {"connection_config": {"region": "eu"}}}
        }))
        .await;
    let body = Some(json!({"apiKey": "dev-key-ok"}));
    let literal = format!(
        "/api-auth/api-key/api-key-dev?connect_session_token={token}&params[subdomain]=acme&params[weird%20key]=a%20b%26c"
    );
    let encoded = format!(
        "/api-auth/api-key/api-key-dev?connect_session_token={token}&params%5Bsubdomain%5D=acme&params%5Bweird%20key%5D=a%20b%26c"
    );
    let mut configs = Vec::new();
    for url in [literal, encoded] {
        let (status, answer) = t.post_auth(&url, body.clone()).await;
        assert_eq!(status, 200, "{answer}");
        let stored = t.connection("api-key-dev", answer["connectionId"].as_str().unwrap()).await;
        configs.push(stored["connection_config"].clone());
    }
    assert_eq!(configs[0], configs[1]);
    assert_eq!(configs[0], json!({"subdomain": "acme", "weird key": "a b&c", "region": "eu"}));
}

/// The auth mode of a credential endpoint path.
fn mode_of(path: &str) -> Option<AuthMode> {
    Some(match path.rsplit_once('/')?.0 {
        "/api-auth/api-key" => AuthMode::ApiKey,
        "/api-auth/basic" => AuthMode::Basic,
        "/auth/jwt" => AuthMode::Jwt,
        "/auth/tba" => AuthMode::Tba,
        "/auth/two-step" => AuthMode::TwoStep,
        "/auth/signature" => AuthMode::Signature,
        "/auth/aws-sigv4" => AuthMode::AwsSigV4,
        "/auth/bill" => AuthMode::Bill,
        "/oauth2/auth" => AuthMode::OAuth2Cc,
        "/auth/unauthenticated" => AuthMode::None,
        "/auth/oauth-outbound" | "/oauth/connect" => AuthMode::OAuth2,
        _ => return None,
    })
}

struct Replay {
    scenario: String,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Value>,
    /// Expected: Ok(()) for a success, Err(code) for an error result.
    expect: Result<(), String>,
    params: BTreeMap<String, String>,
}

fn load_fixture() -> Vec<Value> {
    let text = include_str!("fixtures/js-sdk-wire.json");
    serde_json::from_str(text).unwrap()
}

/// Every `fetch` the official SDK made, with what the fixture says came of it.
fn fixture_fetches() -> Vec<Replay> {
    let mut out = Vec::new();
    for scenario in load_fixture() {
        let name = scenario["name"].as_str().unwrap().to_owned();
        for op in scenario["wire"].as_array().unwrap() {
            if op["op"] != "fetch" {
                continue;
            }
            assert_eq!(op["method"], "POST", "{name}");
            assert_eq!(op["headers"]["Content-Type"], "application/json", "{name}");
            let url = url::Url::parse(op["url"].as_str().unwrap()).unwrap();
            let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
            let params = query
                .iter()
                .filter_map(|(k, v)| {
                    Some((k.strip_prefix("params[")?.strip_suffix(']')?.to_owned(), v.clone()))
                })
                .collect();
            let expect = match scenario["error"]["type"].as_str() {
                Some(code) => Err(code.to_owned()),
                // The SDK sends only the fields given, and real Nango refuses a basic body
                // without a password (`fixtures/real-nango`, "basic: password missing").
                None if name == "basic_username_only" => Err("invalid_body".to_owned()),
                None => Ok(()),
            };
            let body = match &op["body"] {
                Value::Null => None,
                other => Some(other.clone()),
            };
            out.push(Replay {
                scenario: name.clone(),
                path: url.path().to_owned(),
                query,
                body,
                expect,
                params,
            });
        }
    }
    out
}

/// A server whose integrations carry the fixture's keys, each accepting the credentials the
/// fixture's successful calls sent (so that the fixture's failing call fails).
fn fixture_config(replays: &[Replay]) -> DevServerConfig {
    let mut integrations: BTreeMap<String, IntegrationConfig> = BTreeMap::new();
    for r in replays {
        let (prefix, key) = r.path.rsplit_once('/').unwrap();
        let mode = mode_of(&r.path).unwrap_or_else(|| panic!("unknown endpoint {prefix}"));
        let entry =
            integrations.entry(key.to_owned()).or_insert_with(|| IntegrationConfig::new(key, key, key, mode));
        assert_eq!(entry.auth_mode, mode, "{key} used with two modes");
        if let (Ok(()), Some(Value::Object(body))) = (&r.expect, &r.body) {
            let set: Map<String, Value> = body.clone();
            entry.valid_credentials.push(set);
        }
    }
    let mut config = DevServerConfig::for_tests();
    config.integrations = integrations.into_values().collect();
    // OAuth keys of the popup scenarios.
    for key in ["github", "slack"] {
        config.integrations.push(IntegrationConfig::new(key, key, key, AuthMode::OAuth2));
    }
    config
}

#[tokio::test]
async fn official_sdk_fetches_are_accepted() {
    let replays = fixture_fetches();
    assert!(replays.len() >= 18, "fixture has its fetches: {}", replays.len());
    let t = start_with(fixture_config(&replays)).await;
    let token = t.session().await;
    let pk = t.server.public_key().to_owned();

    for r in &replays {
        // Replay with this server's credentials: the session token, or the public key where
        // the SDK call used one. `docs/protocol.md` §2: a session token forbids connection_id, so a
        // call that names a connection is replayed with the public key (and checked below to
        // be refused with the session token).
        let names_connection = r.query.iter().any(|(k, _)| k == "connection_id");
        let query: Vec<(String, String)> = r
            .query
            .iter()
            .filter(|(k, _)| k != "connect_session_token" && k != "public_key")
            .cloned()
            .chain(std::iter::once(if names_connection {
                ("public_key".to_owned(), pk.clone())
            } else {
                ("connect_session_token".to_owned(), token.clone())
            }))
            .collect();
        let mut url = url::Url::parse(&t.url(&r.path)).unwrap();
        url.query_pairs_mut().extend_pairs(&query);
        let (status, body) = t.post_auth(&url.as_str()[t.base.len()..], r.body.clone()).await;
        match &r.expect {
            Ok(()) => {
                assert_eq!(status, 200, "{}: {body}", r.scenario);
                let key = r.path.rsplit_once('/').unwrap().1;
                assert_eq!(body["providerConfigKey"], key, "{}", r.scenario);
                let id = body["connectionId"].as_str().unwrap();
                if let Some((_, wanted)) = r.query.iter().find(|(k, _)| k == "connection_id") {
                    assert_eq!(id, wanted, "{}", r.scenario);
                }
                let mut stored = t.connection(key, id).await;
                let expected: Map<String, Value> =
                    r.params.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
                if r.path.starts_with("/auth/aws-sigv4/") {
                    // The server adds the external id (a new UUID when none is given).
                    let added = stored["connection_config"].as_object_mut().unwrap().remove("external_id");
                    assert!(
                        added.as_ref().and_then(Value::as_str).is_some_and(|id| id.len() == 36),
                        "{added:?}"
                    );
                }
                assert_eq!(
                    stored["connection_config"],
                    Value::Object(expected),
                    "{}: decoded params",
                    r.scenario
                );
            }
            Err(code) => {
                assert_eq!(status, 400, "{}: {body}", r.scenario);
                assert_eq!(body["error"]["code"], code.as_str(), "{}", r.scenario);
            }
        }
        if names_connection {
            let mut with_token = url::Url::parse(&t.url(&r.path)).unwrap();
            with_token.query_pairs_mut().extend_pairs(r.query.iter().filter(|(k, _)| k != "public_key"));
            with_token.query_pairs_mut().append_pair("connect_session_token", &token);
            let (status, body) = t.post_auth(&with_token.as_str()[t.base.len()..], r.body.clone()).await;
            assert_eq!(status, 400, "{}", r.scenario);
            assert_eq!(body["error"]["code"], "invalid_query_params", "{}", r.scenario);
        }
    }
}

#[tokio::test]
async fn official_sdk_popup_urls_are_accepted() {
    let replays = fixture_fetches();
    let t = start_with(fixture_config(&replays)).await;
    let token = t.session().await;
    let mut seen = 0;
    for scenario in load_fixture() {
        for op in scenario["wire"].as_array().unwrap() {
            if op["op"] != "popup.location" {
                continue;
            }
            seen += 1;
            let original = url::Url::parse(op["url"].as_str().unwrap()).unwrap();
            let raw_query = original.query().unwrap();
            // Swap the credentials in the raw query, keeping the SDK's own encoding
            // (`params%5Bk%5D=v`) byte for byte.
            let names_connection = raw_query.contains("connection_id=");
            let pairs: Vec<String> = raw_query
                .split('&')
                .map(|pair| {
                    if pair.starts_with("connect_session_token=") || pair.starts_with("public_key=") {
                        if names_connection {
                            format!("public_key={}", t.server.public_key())
                        } else {
                            format!("connect_session_token={token}")
                        }
                    } else {
                        pair.to_owned()
                    }
                })
                .collect();
            let url = format!("{}{}?{}", t.base, original.path(), pairs.join("&"));
            let res = t.http.get(&url).send().await.unwrap();
            assert_eq!(res.status(), 302, "{}: {url}", scenario["name"]);
            let authorize = common::location(&res);
            for (k, v) in original.query_pairs() {
                if let Some(name) = k.strip_prefix("authorization_params[").and_then(|k| k.strip_suffix(']'))
                {
                    assert_eq!(
                        common::query_value(&authorize, name).as_deref(),
                        Some(&*v),
                        "{}",
                        scenario["name"]
                    );
                }
            }
        }
    }
    assert!(seen >= 5, "popup urls replayed: {seen}");
}

#[tokio::test]
async fn server_owned_checks_for_the_default_set() {
    // The two JS bugs the protocol lists for credentials: outbound installs need no
    // credentials here, and every query value may carry `&`/`#` when encoded.
    let t: TestServer = start_server().await;
    let token = t.session().await;
    let (status, body) =
        t.post_auth(&format!("/auth/oauth-outbound/outbound-dev?connect_session_token={token}"), None).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = t
        .post_auth(&format!("/auth/unauthenticated/unauthenticated-dev?connect_session_token={token}&params%5Bq%5D=a%26b%23c"), None)
        .await;
    assert_eq!(status, 200);
    let stored = t.connection("unauthenticated-dev", body["connectionId"].as_str().unwrap()).await;
    assert_eq!(stored["connection_config"]["q"], "a&b#c");
}

#[tokio::test]
async fn aws_keeps_the_pages_external_id_and_replaces_others() {
    let t = start_server().await;
    let token = t.session().await;
    let role = json!({"role_arn": "arn:aws:iam::123456789012:role/nango-dev"});
    let shown = "2b0a9a9e-3c1f-4d1e-8a55-0f8e7d6c5b4a";
    let url = |query: &str| format!("/auth/aws-sigv4/aws-sigv4-dev?connect_session_token={token}{query}");
    let (status, body) =
        t.post_auth(&url(&format!("&params%5Bexternal_id%5D={shown}")), Some(role.clone())).await;
    assert_eq!(status, 200, "{body}");
    let stored = t.connection("aws-sigv4-dev", body["connectionId"].as_str().unwrap()).await;
    assert_eq!(stored["connection_config"]["external_id"], shown, "the id the user put in the trust policy");
    for query in ["&params%5Bexternal_id%5D=not-a-uuid", ""] {
        let (_, body) = t.post_auth(&url(query), Some(role.clone())).await;
        let stored = t.connection("aws-sigv4-dev", body["connectionId"].as_str().unwrap()).await;
        let id = stored["connection_config"]["external_id"].as_str().unwrap();
        assert!(id != shown && id != "not-a-uuid" && id.len() == 36, "a fresh UUID: {id}");
    }
}

#[tokio::test]
async fn two_step_assertion_options_are_tested_but_not_stored() {
    let mut integration =
        IntegrationConfig::new("assert-dev", "assert-demo", "Assertion (dev)", AuthMode::TwoStep);
    let accepted: Map<String, Value> = serde_json::from_value(
        json!({"clientId": "c", "assertionOption": {"privateKey": "dev-private-key"}}),
    )
    .unwrap();
    integration.valid_credentials.push(accepted);
    integration.assertion_option.insert("privateKey".into(), Default::default());
    let t =
        start_with(DevServerConfig { integrations: vec![integration], ..DevServerConfig::for_tests() }).await;
    let token = t.session().await;
    let (_, provider) = t.get_json("/providers/assert-demo", Some(&format!("Bearer {token}"))).await;
    assert!(provider["data"]["assertion_option"]["privateKey"].is_object(), "{provider}");
    let url = format!("/auth/two-step/assert-dev?connect_session_token={token}");
    let wrong = json!({"type": "TWO_STEP", "clientId": "c", "assertionOption": {"privateKey": "x"}});
    assert_error_code(t.post_auth(&url, Some(wrong)).await, "connection_test_failed");
    let good =
        json!({"type": "TWO_STEP", "clientId": "c", "assertionOption": {"privateKey": "dev-private-key"}});
    let (status, body) = t.post_auth(&url, Some(good)).await;
    assert_eq!(status, 200, "{body}");
    let stored = t.connection("assert-dev", body["connectionId"].as_str().unwrap()).await;
    assert_eq!(stored["credentials"]["clientId"], "c", "{stored}");
    assert!(stored["credentials"].get("assertionOption").is_none(), "{stored}");
}

#[tokio::test]
async fn outbound_integrations_say_so() {
    let t = start_server().await;
    let token = format!("Bearer {}", t.session().await);
    let (_, shopify) = t.get_json("/providers/shopify", Some(&token)).await;
    assert_eq!(shopify["data"]["installation"], "outbound", "{shopify}");
    let (_, github) = t.get_json("/providers/github", Some(&token)).await;
    assert!(github["data"].get("installation").is_none(), "{github}");
}

fn assert_error_code((status, body): (u16, Value), code: &str) {
    assert_error(status, &body, 400, code);
}
