//! The backend API's contract: every response of the secret-key endpoints and every auth
//! webhook, parsed into strict structs (unknown fields refused, required fields required,
//! nullable fields present) written from Nango's API reference and the `@nangohq/types`
//! 0.71.10 declarations. A shape that drifts from Nango's fails here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
// Many fields are only there to be checked by deserialization (present, typed), never read.
#![allow(dead_code)]

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use common::{TestServer, start_with};
use hmac::{Hmac, Mac};
use nango_dev_server::{DevServerConfig, Faults};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use sha2::Sha256;
use tokio::sync::mpsc;

/// A field that must be present and may be `null` (serde treats a missing `Option` as `None`
/// unless the field has its own deserializer).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    Option::deserialize(d)
}

// ---- Shapes, from Nango's API reference ------------------------------------------------------

/// `StdError`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StdError {
    error: StdErrorBody,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StdErrorBody {
    code: String,
    /// Absent on validation errors and some route errors, as real Nango answers them
    /// (`fixtures/real-nango`).
    message: Option<String>,
    errors: Option<Vec<Map<String, Value>>>,
    /// `{}` on the authentication middleware's errors.
    payload: Option<Map<String, Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Data<T> {
    data: T,
}

/// `ConnectSession`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectSession {
    token: String,
    connect_link: Option<String>,
    expires_at: String,
}

/// `ConnectionError`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectionError {
    #[serde(rename = "type")]
    kind: String,
    log_id: String,
}

/// `ConnectionEndUser` (`ApiEndUser` in the types: every key present).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EndUser {
    id: String,
    #[serde(deserialize_with = "present")]
    email: Option<String>,
    #[serde(deserialize_with = "present")]
    display_name: Option<String>,
    #[serde(deserialize_with = "present")]
    tags: Option<BTreeMap<String, String>>,
    #[serde(deserialize_with = "present")]
    organization: Option<Organization>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Organization {
    id: String,
    #[serde(deserialize_with = "present")]
    display_name: Option<String>,
}

/// An item of `GET /connections`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectionListItem {
    id: u64,
    connection_id: String,
    provider: String,
    provider_config_key: String,
    created: String,
    #[serde(deserialize_with = "present")]
    metadata: Option<Map<String, Value>>,
    tags: BTreeMap<String, String>,
    errors: Vec<ConnectionError>,
    #[serde(deserialize_with = "present")]
    end_user: Option<EndUser>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectionList {
    connections: Vec<ConnectionListItem>,
}

/// `AllAuthCredentials`, the variants the default integrations produce.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
enum Credentials {
    #[serde(rename = "OAUTH2")]
    OAuth2 {
        access_token: String,
        refresh_token: Option<String>,
        expires_at: Option<String>,
        config_override: Option<Map<String, Value>>,
        raw: Map<String, Value>,
    },
    #[serde(rename = "API_KEY")]
    ApiKey {
        #[serde(rename = "apiKey")]
        api_key: String,
    },
    #[serde(rename = "BASIC")]
    Basic { username: String, password: String },
    #[serde(rename = "NONE")]
    None {},
}

/// `ConnectionFull` (`ApiPublicConnectionFull` in the types, which adds
/// `webhook_url_override`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectionFull {
    id: u64,
    connection_id: String,
    provider_config_key: String,
    provider: String,
    errors: Vec<ConnectionError>,
    #[serde(deserialize_with = "present")]
    end_user: Option<EndUser>,
    /// `null` on a connection an OAuth2 flow made and no metadata was set on (recorded from a
    /// real Nango), an object otherwise.
    #[serde(deserialize_with = "present")]
    metadata: Option<Map<String, Value>>,
    connection_config: Map<String, Value>,
    tags: BTreeMap<String, String>,
    created_at: String,
    updated_at: String,
    /// A string in the reference, `string | null` in the types (null until first read).
    #[serde(deserialize_with = "present")]
    last_fetched_at: Option<String>,
    #[serde(deserialize_with = "present")]
    webhook_url_override: Option<String>,
    credentials: Credentials,
}

/// `MetadataBody`: `connection_id` is a string or a list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MetadataBody {
    connection_id: Value,
    provider_config_key: String,
    metadata: Map<String, Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Success {
    success: bool,
}

/// `Integration`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Integration {
    unique_key: String,
    display_name: String,
    provider: String,
    logo: Option<String>,
    created_at: String,
    updated_at: String,
    forward_webhooks: Option<bool>,
}

/// `IntegrationFull`: `Integration` plus what `include` asks for.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IntegrationFull {
    unique_key: String,
    display_name: String,
    provider: String,
    logo: Option<String>,
    created_at: String,
    updated_at: String,
    forward_webhooks: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    webhook_url: Option<String>,
    #[serde(default, deserialize_with = "present")]
    credentials: Option<IntegrationCredentials>,
}

/// `IntegrationCredentials`, the OAuth variant.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IntegrationCredentials {
    #[serde(rename = "type")]
    kind: String,
    client_id: String,
    client_secret: String,
    #[serde(deserialize_with = "present")]
    scopes: Option<String>,
    #[serde(deserialize_with = "present")]
    webhook_secret: Option<String>,
}

/// `Provider` (the `BaseProvider` fields the dev server fills, with `logo_url` and
/// `docs_connect` of the types' `ApiProvider`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Provider {
    name: String,
    display_name: String,
    auth_mode: String,
    docs: String,
    docs_connect: Option<String>,
    logo_url: Option<String>,
    categories: Option<Vec<String>>,
    authorization_url: Option<String>,
    token_url: Option<String>,
    default_scopes: Option<Vec<String>>,
    credentials: Option<BTreeMap<String, ProviderField>>,
    connection_config: Option<BTreeMap<String, ProviderField>>,
    /// Only `outbound` (the connection starts on the provider's side).
    installation: Option<Installation>,
    /// Two-step providers: the fields sent as `assertionOption`.
    assertion_option: Option<BTreeMap<String, ProviderField>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Installation {
    Outbound,
}

/// A credential or connection-config field of a provider template.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderField {
    #[serde(rename = "type")]
    kind: String,
    title: String,
    description: Option<String>,
    example: Option<String>,
    pattern: Option<String>,
    format: Option<String>,
    secret: Option<bool>,
    optional: Option<bool>,
    hidden: Option<bool>,
    automated: Option<bool>,
    default_value: Option<String>,
    order: Option<u32>,
    doc_section: Option<String>,
    prefix: Option<String>,
    suffix: Option<String>,
}

/// `NangoAuthWebhookBody`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct AuthWebhook {
    from: String,
    #[serde(rename = "type")]
    kind: String,
    connection_id: String,
    auth_mode: String,
    provider_config_key: String,
    provider: String,
    environment: String,
    operation: String,
    success: bool,
    tags: Option<BTreeMap<String, String>>,
    end_user: Option<WebhookEndUser>,
    error: Option<WebhookError>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct WebhookEndUser {
    end_user_id: String,
    organization_id: Option<String>,
    end_user_email: Option<String>,
    tags: BTreeMap<String, String>,
}

/// `ErrorPayload`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WebhookError {
    #[serde(rename = "type")]
    kind: String,
    description: String,
}

// ---- Helpers ---------------------------------------------------------------------------------

const AUTH_MODES: &[&str] = &[
    "OAUTH1",
    "OAUTH2",
    "OAUTH2_CC",
    "BASIC",
    "API_KEY",
    "APP_STORE",
    "CUSTOM",
    "APP",
    "NONE",
    "TBA",
    "JWT",
    "BILL",
    "TWO_STEP",
    "SIGNATURE",
    "AWS_SIGV4",
    "INSTALL_PLUGIN",
];

fn assert_time(what: &str, value: &str) {
    assert!(humantime::parse_rfc3339(value).is_ok(), "{what} {value:?} is not an RFC 3339 date-time");
}

/// Parses `body` strictly as `T`, naming the endpoint on failure.
fn shape<T: DeserializeOwned>(what: &str, body: &Value) -> T {
    match serde_json::from_value(body.clone()) {
        Ok(v) => v,
        Err(e) => panic!("{what}: not Nango's shape ({e}): {body}"),
    }
}

struct Call {
    status: u16,
    body: Value,
}

async fn get(t: &TestServer, path: &str) -> Call {
    call(t, "GET", path, None, true).await
}

async fn call(t: &TestServer, method: &str, path: &str, body: Option<Value>, auth: bool) -> Call {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = t.http.request(method, t.url(path));
    if auth {
        req = req.header("authorization", t.secret());
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    Call { status, body: serde_json::from_str(&text).unwrap_or(Value::Null) }
}

/// Expects `status` and Nango's error shape with `code`.
fn assert_error(what: &str, c: &Call, status: u16, code: &str) {
    assert_eq!(c.status, status, "{what}: {}", c.body);
    let err: StdError = shape(what, &c.body);
    assert_eq!(err.error.code, code, "{what}");
    // A message, except on validation errors (their `errors` say it); authentication errors
    // carry `payload: {}`.
    match (&err.error.message, &err.error.errors) {
        (None, Some(errors)) => assert!(!errors.is_empty(), "{what}"),
        (Some(message), None) => assert!(!message.is_empty(), "{what}"),
        // Route errors real Nango answers with their code alone.
        (None, None)
            if matches!(
                code,
                "unknown_connection"
                    | "unknown_provider_config"
                    | "invalid_auth_mode"
                    | "integration_not_allowed"
                    | "invalid_connection"
            ) => {}
        _ => panic!("{what}: a message or validation errors: {}", c.body),
    }
    assert_eq!(err.error.payload.is_some(), c.status == 401, "{what}: payload on 401s: {}", c.body);
}

/// A webhook as received: its raw body and headers.
#[derive(Debug)]
struct Received {
    body: String,
    headers: HeaderMap,
}

/// A webhook receiver on 127.0.0.1: answers each delivery with the next status of `statuses`
/// (then 200) and forwards what it received.
async fn receiver(statuses: Vec<u16>) -> (String, mpsc::UnboundedReceiver<Received>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let statuses = std::sync::Arc::new(std::sync::Mutex::new(statuses.into_iter()));
    let app = axum::Router::new().route(
        "/webhooks/nango",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let tx = tx.clone();
            let statuses = std::sync::Arc::clone(&statuses);
            async move {
                let _ = tx.send(Received { body, headers });
                let next = statuses.lock().unwrap().next().unwrap_or(200);
                StatusCode::from_u16(next).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/webhooks/nango"), rx)
}

async fn next_webhook(rx: &mut mpsc::UnboundedReceiver<Received>) -> Received {
    tokio::time::timeout(Duration::from_secs(10), rx.recv()).await.expect("a webhook within 10 s").unwrap()
}

const SIGNING_KEY: &str = "whsec-contract-test";

/// Checks the signature headers of a delivery and returns its body, strictly parsed.
fn verified(received: &Received) -> AuthWebhook {
    let header = |name: &str| received.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(SIGNING_KEY.as_bytes()).unwrap();
    mac.update(received.body.as_bytes());
    assert_eq!(header("x-nango-hmac-sha256"), hex::encode(mac.finalize().into_bytes()));
    let legacy = <Sha256 as sha2::Digest>::digest(format!("{SIGNING_KEY}{}", received.body));
    assert_eq!(header("x-nango-signature"), hex::encode(legacy));
    assert_eq!(header("content-type"), "application/json");
    shape("auth webhook", &serde_json::from_str(&received.body).unwrap())
}

async fn server_with_webhooks(url: &str) -> TestServer {
    start_with(DevServerConfig {
        webhook_url: Some(url.to_owned()),
        webhook_signing_key: SIGNING_KEY.into(),
        ..DevServerConfig::for_tests()
    })
    .await
}

/// A session for an end user with an email, a name, tags and an organization.
async fn rich_session(t: &TestServer) -> String {
    let res = t
        .post_session(json!({
            "end_user": { "id": "u-42", "email": "ada@example.com", "display_name": "Ada", "tags": { "Plan": "pro" } },
            "organization": { "id": "org-7", "display_name": "Acme" },
            "tags": { "team": "core" },
        }))
        .await;
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.unwrap();
    let session: Data<ConnectSession> = shape("POST /connect/sessions", &body);
    assert_time("expires_at", &session.data.expires_at);
    assert!(session.data.connect_link.is_some());
    session.data.token
}

// ---- Tests -----------------------------------------------------------------------------------

#[test]
fn the_shapes_refuse_what_nango_does_not_send() {
    // The checker itself must be able to fail: an extra field, a missing one, a wrong type.
    let item = json!({"id": 1, "connection_id": "c", "provider": "p", "provider_config_key": "k",
        "created": "2024-01-01T00:00:00.000Z", "metadata": null, "tags": {}, "errors": [], "end_user": null});
    assert!(serde_json::from_value::<ConnectionListItem>(item.clone()).is_ok());
    let mut extra = item.clone();
    extra["auth_mode"] = json!("API_KEY");
    assert!(serde_json::from_value::<ConnectionListItem>(extra).is_err());
    let mut missing = item;
    missing.as_object_mut().unwrap().remove("end_user");
    assert!(serde_json::from_value::<ConnectionListItem>(missing).is_err());
    assert!(
        serde_json::from_value::<Credentials>(json!({"type": "API_KEY", "apiKey": "k", "x": 1})).is_err()
    );
    assert!(serde_json::from_value::<Credentials>(json!({"type": "OAUTH2", "access_token": "a"})).is_err());
}

#[tokio::test]
async fn every_backend_endpoint_answers_nangos_shapes() {
    let (url, mut hooks) = receiver(Vec::new()).await;
    let t = server_with_webhooks(&url).await;
    let token = rich_session(&t).await;

    // An API-key connection and an OAuth connection, made as the frontend makes them.
    let (status, created) = t
        .post_auth(
            &format!("/api-auth/api-key/api-key-dev?connect_session_token={token}&params[subdomain]=acme"),
            Some(json!({"apiKey": "dev-key-ok"})),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let api_id = created["connectionId"].as_str().unwrap().to_owned();
    let hook = verified(&next_webhook(&mut hooks).await);
    assert_eq!((hook.from.as_str(), hook.kind.as_str()), ("nango", "auth"));
    assert_eq!((hook.operation.as_str(), hook.success), ("creation", true));
    assert_eq!(hook.connection_id, api_id);
    assert_eq!((hook.auth_mode.as_str(), hook.provider.as_str()), ("API_KEY", "stripe"));
    assert_eq!((hook.provider_config_key.as_str(), hook.environment.as_str()), ("api-key-dev", "dev"));
    let tags = hook.tags.unwrap();
    assert_eq!(tags.get("end_user_id").map(String::as_str), Some("u-42"));
    assert_eq!(tags.get("end_user_email").map(String::as_str), Some("ada@example.com"));
    assert_eq!(tags.get("organization_id").map(String::as_str), Some("org-7"));
    assert_eq!(tags.get("team").map(String::as_str), Some("core"));
    assert_eq!(tags.get("plan").map(String::as_str), Some("pro"), "end user tags, keys lowercased");
    let end_user = hook.end_user.unwrap();
    assert_eq!(end_user.end_user_id, "u-42");
    assert_eq!(end_user.end_user_email.as_deref(), Some("ada@example.com"));
    assert_eq!(end_user.organization_id.as_deref(), Some("org-7"));
    assert_eq!(end_user.tags.get("Plan").map(String::as_str), Some("pro"));
    assert!(hook.error.is_none());

    let popup =
        t.drive_popup(&format!("/oauth/connect/github-dev?connect_session_token={token}"), "approve").await;
    assert_eq!(popup.status, 200);
    let hook = verified(&next_webhook(&mut hooks).await);
    assert_eq!((hook.operation.as_str(), hook.auth_mode.as_str()), ("creation", "OAUTH2"));
    let oauth_id = hook.connection_id.clone();

    // Re-authorizing through a reconnect session is an `override`.
    let c = call(
        &t,
        "POST",
        "/connect/sessions/reconnect",
        Some(json!({"connection_id": api_id, "integration_id": "api-key-dev"})),
        true,
    )
    .await;
    assert_eq!(c.status, 201, "{}", c.body);
    let reconnect: Data<ConnectSession> = shape("POST /connect/sessions/reconnect", &c.body);
    let (status, _) = t
        .post_auth(
            &format!(
                "/api-auth/api-key/api-key-dev?connect_session_token={}&params[subdomain]=acme",
                reconnect.data.token
            ),
            Some(json!({"apiKey": "dev-key-ok"})),
        )
        .await;
    assert_eq!(status, 200);
    let hook = verified(&next_webhook(&mut hooks).await);
    assert_eq!((hook.operation.as_str(), hook.connection_id.as_str()), ("override", api_id.as_str()));
    assert_eq!(hook.tags.unwrap().get("team").map(String::as_str), Some("core"), "tags kept");

    // Lists, under both paths, with each filter.
    for path in ["/connections", "/connection"] {
        let c = call(&t, "GET", path, None, true).await;
        assert_eq!(c.status, 200);
        let list: ConnectionList = shape(path, &c.body);
        assert_eq!(list.connections.len(), 2);
        // Newest first, as Nango lists them: the API key connection was made first.
        let first = &list.connections[1];
        assert_eq!((first.connection_id.as_str(), first.provider.as_str()), (api_id.as_str(), "stripe"));
        assert_eq!(first.provider_config_key, "api-key-dev");
        assert_time("created", &first.created);
        assert!(first.errors.is_empty() && first.id >= 1);
        assert_eq!(first.tags.get("end_user_id").map(String::as_str), Some("u-42"));
        let user = first.end_user.as_ref().unwrap();
        assert_eq!((user.id.as_str(), user.email.as_deref()), ("u-42", Some("ada@example.com")));
        assert_eq!(user.display_name.as_deref(), Some("Ada"));
        assert_eq!(user.tags.as_ref().and_then(|t| t.get("Plan")).map(String::as_str), Some("pro"));
        let org = user.organization.as_ref().unwrap();
        assert_eq!((org.id.as_str(), org.display_name.as_deref()), ("org-7", Some("Acme")));
    }
    for (query, expected) in [
        (format!("connectionId={api_id}"), 1),
        ("integrationId=github-dev,api-key-dev".to_owned(), 2),
        ("integrationId=github-dev".to_owned(), 1),
        ("endUserId=u-42".to_owned(), 2),
        ("endUserId=nobody".to_owned(), 0),
        ("endUserOrganizationId=org-7".to_owned(), 2),
        ("tags[team]=core&tags[end_user_id]=u-42".to_owned(), 2),
        ("tags[team]=other".to_owned(), 0),
        ("search=ADA".to_owned(), 2),
        ("search=zzz".to_owned(), 0),
        ("limit=1".to_owned(), 1),
        ("limit=1&page=1".to_owned(), 1),
        ("limit=1&page=2".to_owned(), 0),
    ] {
        let c = call(&t, "GET", &format!("/connections?{query}"), None, true).await;
        let list: ConnectionList = shape(&query, &c.body);
        assert_eq!(list.connections.len(), expected, "{query}");
    }

    // One connection with credentials; the refresh token only when asked for.
    let c =
        call(&t, "GET", &format!("/connections/{api_id}?provider_config_key=api-key-dev"), None, true).await;
    assert_eq!(c.status, 200, "{}", c.body);
    let full: ConnectionFull = shape("GET /connections/{id}", &c.body);
    assert!(matches!(&full.credentials, Credentials::ApiKey { api_key } if api_key == "dev-key-ok"));
    assert_eq!(full.connection_config.get("subdomain"), Some(&json!("acme")));
    assert!(full.metadata.is_some_and(|m| m.is_empty()), "{{}} for an API key connection");
    assert!(full.errors.is_empty() && full.webhook_url_override.is_none());
    assert_eq!((full.provider.as_str(), full.provider_config_key.as_str()), ("stripe", "api-key-dev"));
    assert_eq!(
        (full.connection_id.as_str(), full.tags.get("team").map(String::as_str)),
        (api_id.as_str(), Some("core"))
    );
    assert!(full.id >= 1 && full.end_user.is_some());
    let fetched = full.last_fetched_at.as_ref().expect("a read sets last_fetched_at");
    for time in [&full.created_at, &full.updated_at, fetched] {
        assert_time("connection time", time);
    }

    let oauth_path = format!("/connection/{oauth_id}?provider_config_key=github-dev");
    let c = call(&t, "GET", &oauth_path, None, true).await;
    let Credentials::OAuth2 { access_token, refresh_token, expires_at, raw, config_override } =
        shape::<ConnectionFull>(&oauth_path, &c.body).credentials
    else {
        panic!("OAuth2 credentials expected: {}", c.body);
    };
    assert!(refresh_token.is_none() && !raw.contains_key("refresh_token"), "no refresh token by default");
    assert!(access_token.starts_with("fake_access_") && config_override.is_none());
    assert_time("expires_at", &expires_at.unwrap());
    let c = call(&t, "GET", &format!("{oauth_path}&refresh_token=true"), None, true).await;
    let Credentials::OAuth2 { refresh_token: Some(first_refresh), .. } =
        shape::<ConnectionFull>("refresh_token=true", &c.body).credentials
    else {
        panic!("a refresh token expected: {}", c.body);
    };

    // force_refresh runs a refresh-token grant at the fake provider: new tokens (rotated).
    let c = call(&t, "GET", &format!("{oauth_path}&force_refresh=true&refresh_token=true"), None, true).await;
    assert_eq!(c.status, 200, "{}", c.body);
    let Credentials::OAuth2 { access_token: refreshed, refresh_token: Some(second_refresh), .. } =
        shape::<ConnectionFull>("force_refresh=true", &c.body).credentials
    else {
        panic!("refreshed OAuth2 credentials expected: {}", c.body);
    };
    assert_ne!(refreshed, access_token);
    assert_ne!(second_refresh, first_refresh);

    // A refused refresh: 400 invalid_credentials and the `refresh` webhook, success false.
    t.server.set_faults(Faults::none().refresh_grant_error());
    let c = call(&t, "GET", &format!("{oauth_path}&force_refresh=true"), None, true).await;
    assert_error("failed refresh", &c, 400, "invalid_credentials");
    let hook = verified(&next_webhook(&mut hooks).await);
    assert_eq!((hook.operation.as_str(), hook.success), ("refresh", false));
    let error = hook.error.unwrap();
    assert_eq!(error.kind, "refresh_token_external_error");
    assert!(error.description.contains("invalid_grant"), "{}", error.description);
    t.server.set_faults(Faults::none());

    // Metadata: set (201) then merge (200), one id or a list; both paths; the legacy path.
    let set =
        json!({"connection_id": api_id, "provider_config_key": "api-key-dev", "metadata": {"a": 1, "b": 2}});
    let c = call(&t, "POST", "/connections/metadata", Some(set.clone()), true).await;
    assert_eq!(c.status, 201);
    let echoed: MetadataBody = shape("POST /connections/metadata", &c.body);
    assert_eq!((echoed.connection_id, echoed.provider_config_key.as_str()), (json!(api_id), "api-key-dev"));
    assert_eq!(echoed.metadata.get("b"), Some(&json!(2)));
    let merge = json!({"connection_id": [api_id], "provider_config_key": "api-key-dev", "metadata": {"b": 3, "c": 4}});
    let c = call(&t, "PATCH", "/connection/metadata", Some(merge), true).await;
    assert_eq!(c.status, 200);
    let _: MetadataBody = shape("PATCH /connection/metadata", &c.body);
    let c =
        call(&t, "GET", &format!("/connections/{api_id}?provider_config_key=api-key-dev"), None, true).await;
    assert_eq!(
        shape::<ConnectionFull>("after metadata", &c.body).metadata,
        json!({"a": 1, "b": 3, "c": 4}).as_object().cloned()
    );
    let legacy = t
        .http
        .post(t.url(&format!("/connection/{api_id}/metadata")))
        .header("authorization", t.secret())
        .header("provider-config-key", "api-key-dev")
        .json(&json!({"only": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(legacy.status(), 201);
    let c = call(&t, "GET", &format!("/connections?connectionId={api_id}"), None, true).await;
    let list: ConnectionList = shape("list after legacy metadata", &c.body);
    assert_eq!(list.connections[0].metadata, json!({"only": true}).as_object().cloned());
    let both = json!({"connection_id": [api_id, "missing"], "provider_config_key": "api-key-dev", "metadata": {"x": 1}});
    let c = call(&t, "POST", "/connections/metadata", Some(both), true).await;
    assert_error("metadata on a missing connection", &c, 404, "unknown_connection");
    let c = get(&t, &format!("/connections/{api_id}?provider_config_key=api-key-dev")).await;
    let after = shape::<ConnectionFull>("after a refused list", &c.body).metadata;
    assert_eq!(after.map(Value::Object), Some(json!({"only": true})), "all or none: nothing was set");

    // Providers and integrations.
    let c = call(&t, "GET", "/providers", None, true).await;
    let providers: Data<Vec<Provider>> = shape("GET /providers", &c.body);
    assert_eq!(providers.data.len(), 12);
    for p in &providers.data {
        assert!(AUTH_MODES.contains(&p.auth_mode.as_str()), "{}", p.auth_mode);
        assert!(!p.display_name.is_empty() && p.docs.starts_with("https://"));
        assert!(p.logo_url.as_deref().is_some_and(|l| l.ends_with(".svg")) && p.docs_connect.is_some());
        let c = call(&t, "GET", &format!("/providers/{}", p.name), None, true).await;
        let one: Data<Provider> = shape("GET /providers/{provider}", &c.body);
        assert_eq!(one.data.name, p.name);
    }
    let github = providers.data.iter().find(|p| p.name == "github").unwrap();
    assert!(github.authorization_url.as_deref().is_some_and(|u| u.ends_with("/fake-oauth/authorize")));
    assert!(github.token_url.is_some() && github.default_scopes.is_some() && github.categories.is_some());
    let stripe = providers.data.iter().find(|p| p.name == "stripe").unwrap();
    let field = &stripe.credentials.as_ref().unwrap()["apiKey"];
    assert_eq!((field.kind.as_str(), field.secret), ("string", Some(true)));
    assert!(!field.title.is_empty());
    let c = call(&t, "GET", "/providers?search=GIT", None, true).await;
    assert_eq!(shape::<Data<Vec<Provider>>>("search", &c.body).data.len(), 1);

    let c = call(&t, "GET", "/integrations", None, true).await;
    let integrations: Data<Vec<Integration>> = shape("GET /integrations", &c.body);
    assert_eq!(integrations.data.len(), 12);
    for i in &integrations.data {
        assert_time("created_at", &i.created_at);
        assert_time("updated_at", &i.updated_at);
        assert!(i.logo.is_some() && i.forward_webhooks.is_some() && !i.display_name.is_empty());
        let c = call(&t, "GET", &format!("/integrations/{}", i.unique_key), None, true).await;
        let one: Data<IntegrationFull> = shape("GET /integrations/{uniqueKey}", &c.body);
        assert_eq!(
            (one.data.unique_key.as_str(), one.data.provider.as_str()),
            (i.unique_key.as_str(), i.provider.as_str())
        );
        assert!(one.data.webhook_url.is_none() && one.data.credentials.is_none());
    }
    let c = call(&t, "GET", "/integrations/github-dev?include=webhook,credentials", None, true).await;
    let full: Data<IntegrationFull> = shape("include", &c.body);
    assert!(c.body["data"].get("webhook_url").is_some_and(Value::is_null));
    let creds = full.data.credentials.unwrap();
    assert_eq!((creds.kind.as_str(), creds.scopes.as_deref()), ("OAUTH2", Some("read:user,repo")));
    assert!(!creds.client_id.is_empty() && !creds.client_secret.is_empty() && creds.webhook_secret.is_none());
    assert!(full.data.logo.is_some() && full.data.forward_webhooks == Some(true));
    assert!(
        !full.data.display_name.is_empty()
            && !full.data.created_at.is_empty()
            && !full.data.updated_at.is_empty()
    );

    // Errors, always Nango's shape.
    assert_error(
        "unknown connection",
        &get(&t, "/connections/nope?provider_config_key=api-key-dev").await,
        404,
        "not_found",
    );
    assert_error(
        "unknown integration",
        &get(&t, "/connections/nope?provider_config_key=nope").await,
        400,
        "unknown_provider_config",
    );
    assert_error("no key", &get(&t, &format!("/connections/{api_id}")).await, 400, "invalid_query_params");
    assert_error(
        "bad flag",
        &get(&t, &format!("/connections/{api_id}?provider_config_key=api-key-dev&force_refresh=maybe")).await,
        400,
        "invalid_query_params",
    );
    assert_error("bad filter", &get(&t, "/connections?limit=0").await, 400, "invalid_query_params");
    assert_error("unknown provider", &get(&t, "/providers/nope").await, 404, "not_found");
    assert_error("unknown integration key", &get(&t, "/integrations/nope").await, 404, "not_found");
    assert_error(
        "bad include",
        &get(&t, "/integrations/github-dev?include=secrets").await,
        400,
        "invalid_query_params",
    );
    assert_error("no auth", &call(&t, "GET", "/connections", None, false).await, 401, "missing_auth_header");
    let bad_body = json!({"connection_id": 5, "provider_config_key": "api-key-dev", "metadata": []});
    assert_error(
        "bad metadata body",
        &call(&t, "POST", "/connections/metadata", Some(bad_body), true).await,
        400,
        "invalid_body",
    );

    // Delete: 200 {success}, then the connection is gone.
    let path = format!("/connections/{api_id}?provider_config_key=api-key-dev");
    let c = call(&t, "DELETE", &path, None, true).await;
    assert_eq!(c.status, 200);
    assert!(shape::<Success>("DELETE /connections/{id}", &c.body).success);
    assert_error("deleted", &get(&t, &path).await, 404, "not_found");
    assert_error("deleted twice", &call(&t, "DELETE", &path, None, true).await, 400, "unknown_connection");
    assert_eq!(t.server.connections().len(), 1);
}

#[tokio::test]
async fn webhook_deliveries_retry_server_errors_and_never_block_the_flow() {
    // Two 503s, then 200: three deliveries of the same signed body.
    let (url, mut hooks) = receiver(vec![503, 503]).await;
    let t = server_with_webhooks(&url).await;
    let token = t.session().await;
    let (status, body) = t
        .post_auth(
            &format!("/api-auth/api-key/api-key-dev?connect_session_token={token}"),
            Some(json!({"apiKey": "dev-key-ok"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let first = next_webhook(&mut hooks).await;
    let second = next_webhook(&mut hooks).await;
    let third = next_webhook(&mut hooks).await;
    assert_eq!(first.body, second.body);
    assert_eq!(second.body, third.body);
    assert_eq!(verified(&third).connection_id, body["connectionId"].as_str().unwrap());
    assert!(
        tokio::time::timeout(Duration::from_millis(1500), hooks.recv()).await.is_err(),
        "no fourth delivery"
    );

    // A 4xx is not retried.
    let (url, mut hooks) = receiver(vec![400]).await;
    let t = server_with_webhooks(&url).await;
    let token = t.session().await;
    let (status, _) = t
        .post_auth(&format!("/auth/unauthenticated/unauthenticated-dev?connect_session_token={token}"), None)
        .await;
    assert_eq!(status, 200);
    let _ = next_webhook(&mut hooks).await;
    assert!(tokio::time::timeout(Duration::from_millis(1000), hooks.recv()).await.is_err(), "a 400 is final");

    // Nothing listens: the flow still succeeds and the connection is stored.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let t = server_with_webhooks(&format!("http://{closed}/webhooks")).await;
    let token = t.session().await;
    let (status, _) = t
        .post_auth(&format!("/auth/unauthenticated/unauthenticated-dev?connect_session_token={token}"), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(t.server.connections().len(), 1);
}

#[tokio::test]
async fn importing_a_connection_answers_nangos_shape_and_sends_the_webhook() {
    let (url, mut hooks) = receiver(Vec::new()).await;
    let t = server_with_webhooks(&url).await;
    let import = |body: Value| call(&t, "POST", "/connections", Some(body), true);

    let c = import(json!({
        "provider_config_key": "api-key-dev",
        "connection_id": "imported-1",
        "credentials": {"type": "API_KEY", "apiKey": "dev-key-ok"},
        "metadata": {"source": "import"},
        "end_user": {"id": "u-9", "email": "u9@example.com"},
        "tags": {"team": "ops"},
    }))
    .await;
    assert_eq!(c.status, 201, "{}", c.body);
    let full: ConnectionFull = shape("POST /connections", &c.body);
    assert_eq!(full.connection_id, "imported-1");
    assert!(matches!(&full.credentials, Credentials::ApiKey { api_key } if api_key == "dev-key-ok"));
    assert_eq!(full.metadata.map(Value::Object), Some(json!({"source": "import"})));
    assert_eq!(full.tags.get("end_user_id").map(String::as_str), Some("u-9"));
    assert_eq!(full.tags.get("team").map(String::as_str), Some("ops"));
    let hook = verified(&next_webhook(&mut hooks).await);
    assert_eq!((hook.operation.as_str(), hook.connection_id.as_str()), ("creation", "imported-1"));
    assert!(hook.end_user.is_none(), "Nango's import webhook names no end user");

    let c = import(json!({
        "provider_config_key": "github-dev",
        "credentials": {"type": "OAUTH2", "access_token": "at", "refresh_token": "rt", "expires_at": "2030-01-01T00:00:00Z"},
    }))
    .await;
    assert_eq!(c.status, 201, "{}", c.body);
    let Credentials::OAuth2 { access_token, refresh_token, raw, .. } =
        shape::<ConnectionFull>("OAuth import", &c.body).credentials
    else {
        panic!("OAuth2 credentials expected: {}", c.body);
    };
    assert_eq!((access_token.as_str(), refresh_token.as_deref()), ("at", Some("rt")));
    assert_eq!(raw.get("access_token"), Some(&json!("at")));
    assert_eq!(verified(&next_webhook(&mut hooks).await).auth_mode, "OAUTH2");

    // Importing the same id again is an override.
    let again = json!({"provider_config_key": "api-key-dev", "connection_id": "imported-1",
        "credentials": {"type": "API_KEY", "apiKey": "dev-key-ok"}});
    assert_eq!(import(again).await.status, 201, "Nango answers 201 to an override too");
    assert_eq!(verified(&next_webhook(&mut hooks).await).operation, "override");

    for (what, body, status, code) in [
        (
            "unknown integration",
            json!({"provider_config_key": "nope", "credentials": {"type": "NONE"}}),
            404,
            "not_found",
        ),
        (
            "wrong type",
            json!({"provider_config_key": "api-key-dev", "credentials": {"type": "BASIC", "username": "a", "password": "b"}}),
            400,
            "invalid_body",
        ),
        (
            "refused key",
            json!({"provider_config_key": "api-key-dev", "credentials": {"type": "API_KEY", "apiKey": "wrong"}}),
            400,
            "connection_test_failed",
        ),
        (
            "extra field",
            json!({"provider_config_key": "api-key-dev", "credentials": {"type": "API_KEY", "apiKey": "dev-key-ok", "x": 1}}),
            400,
            "invalid_body",
        ),
        ("no credentials", json!({"provider_config_key": "api-key-dev"}), 400, "invalid_body"),
        (
            "bad date",
            json!({"provider_config_key": "github-dev", "credentials": {"type": "OAUTH2", "access_token": "a", "expires_at": "soon"}}),
            400,
            "invalid_body",
        ),
    ] {
        assert_error(what, &import(body).await, status, code);
    }
    assert_eq!(t.server.connections().len(), 2);
}
