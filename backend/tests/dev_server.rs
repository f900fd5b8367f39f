//! `nango-backend` against the dev server (in-process, free ports): every call of the client,
//! the auth webhooks it verifies, its typed errors, and the axum session endpoint.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use nango_backend::{
    AuthOperation, ConnectSessionRequest, Credentials, EndUser, Error, ErrorCode, GetConnection,
    IntegrationConfigDefaults, ListConnections, Nango, Organization, ReconnectSessionRequest, WebhookError,
    WebhookEvent,
};
use nango_dev_server::{DevServerConfig, Faults, RunningServer};
use serde_json::{Map, Value, json};
use tokio::sync::mpsc;

const SIGNING_KEY: &str = "whsec-backend-test";

/// A webhook receiver that verifies each delivery with the client and forwards the result.
async fn receiver(nango: Nango) -> (String, mpsc::UnboundedReceiver<Result<WebhookEvent, WebhookError>>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/webhooks/nango",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let (tx, nango) = (tx.clone(), nango.clone());
            async move {
                let verified = nango.verify_webhook(&body, &headers);
                let status = if verified.is_ok() { StatusCode::OK } else { StatusCode::UNAUTHORIZED };
                let _ = tx.send(verified);
                status
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/webhooks/nango"), rx)
}

async fn next_auth(
    rx: &mut mpsc::UnboundedReceiver<Result<WebhookEvent, WebhookError>>,
) -> nango_backend::AuthEvent {
    let event =
        tokio::time::timeout(Duration::from_secs(10), rx.recv()).await.expect("a webhook within 10 s");
    match event.unwrap() {
        Ok(WebhookEvent::Auth(auth)) => *auth,
        other => panic!("an auth webhook expected: {other:?}"),
    }
}

/// A dev server sending webhooks to a receiver that verifies them with `nango`.
async fn stack() -> (RunningServer, Nango, mpsc::UnboundedReceiver<Result<WebhookEvent, WebhookError>>) {
    // The receiver needs the client, the client the server's URL: the key is fixed first.
    let config = DevServerConfig { webhook_signing_key: SIGNING_KEY.into(), ..DevServerConfig::for_tests() };
    let verifier = Nango::new("unused").webhook_signing_key(SIGNING_KEY);
    let (url, rx) = receiver(verifier).await;
    let server = nango_dev_server::start(DevServerConfig { webhook_url: Some(url), ..config }).await.unwrap();
    let nango = Nango::new(server.secret_key()).host(&server.api_url()).unwrap();
    (server, nango, rx)
}

/// What the frontend does with a session token: the API-key credential POST.
async fn frontend_connects_api_key(server: &RunningServer, token: &str) -> String {
    let url = format!("{}/api-auth/api-key/api-key-dev?connect_session_token={token}", server.api_url());
    let res = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(r#"{"apiKey":"dev-key-ok"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    body["connectionId"].as_str().unwrap().to_owned()
}

/// What the OAuth popup does: `/oauth/connect` → the fake provider's consent → approve →
/// callback.
async fn frontend_connects_oauth(server: &RunningServer, token: &str) {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let api = server.api_url();
    let res = http
        .get(format!("{api}/oauth/connect/github-dev?connect_session_token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let authorize = res.headers()["location"].to_str().unwrap().to_owned();
    let page = http.get(&authorize).send().await.unwrap().text().await.unwrap();
    let mut form: Vec<(String, String)> = page
        .split("<input type=\"hidden\" ")
        .skip(1)
        .map(|chunk| {
            let field = |attr: &str| {
                let start = chunk.find(attr).unwrap() + attr.len();
                let rest = &chunk[start..];
                rest[..rest.find('"').unwrap()].replace("&quot;", "\"").replace("&amp;", "&")
            };
            (field("name=\""), field("value=\""))
        })
        .collect();
    form.push(("decision".into(), "approve".into()));
    let res = http.post(format!("{api}/fake-oauth/authorize")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let callback = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(http.get(&callback).send().await.unwrap().status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backend_mints_sessions_verifies_webhooks_and_uses_connections() {
    let (server, nango, mut hooks) = stack().await;

    // A session for the signed-in user, with everything a session can carry.
    let request = ConnectSessionRequest::new(
        EndUser::new("user-123").email("ada@example.com").display_name("Ada").tag("Plan", "pro"),
    )
    .organization(Organization::new("org-9").display_name("Acme"))
    .allowed_integrations(["api-key-dev", "github-dev"])
    .integration_defaults("github-dev", IntegrationConfigDefaults::new().user_scopes("repo"))
    .tag("team", "core");
    let session = nango.create_connect_session(&request).await.unwrap();
    assert!(session.token.starts_with("nango_connect_session_"), "{session:?}");
    assert!(session.connect_link.as_deref().is_some_and(|l| l.contains(&session.token)));
    assert!(!format!("{session:?}").contains(&session.token), "Debug hides the token");

    // The frontend connects; the webhook, verified, names the connection and the user.
    let id = frontend_connects_api_key(&server, &session.token).await;
    let created = next_auth(&mut hooks).await;
    assert_eq!((created.operation.clone(), created.success), (AuthOperation::Creation, true));
    assert_eq!(
        (created.connection_id.as_str(), created.provider_config_key.as_str()),
        (id.as_str(), "api-key-dev")
    );
    assert_eq!((created.auth_mode.as_str(), created.provider.as_str()), ("API_KEY", "stripe"));
    assert_eq!(created.end_user_id(), Some("user-123"));
    let tags = created.tags.as_ref().unwrap();
    assert_eq!((tags["organization_id"].as_str(), tags["team"].as_str()), ("org-9", "core"));

    // Lists, with each filter.
    let all = nango.list_connections(&ListConnections::new()).await.unwrap();
    assert_eq!(all.len(), 1);
    let listed = &all[0];
    assert_eq!((listed.connection_id.as_str(), listed.provider.as_str()), (id.as_str(), "stripe"));
    let user = listed.end_user.as_ref().unwrap();
    assert_eq!(
        (user.id.as_str(), user.email.as_deref(), user.display_name.as_deref()),
        ("user-123", Some("ada@example.com"), Some("Ada"))
    );
    assert_eq!(user.organization.as_ref().map(|o| o.id.as_str()), Some("org-9"));
    for (filter, expected) in [
        (ListConnections::new().end_user_id("user-123"), 1),
        (ListConnections::new().end_user_id("nobody"), 0),
        (ListConnections::new().end_user_organization_id("org-9"), 1),
        (ListConnections::new().connection_id(&id), 1),
        (ListConnections::new().integration_id("github-dev"), 0),
        (ListConnections::new().integration_id("github-dev").integration_id("api-key-dev"), 1),
        (ListConnections::new().tag("team", "core").tag("organization_id", "org-9"), 1),
        (ListConnections::new().tag("team", "other"), 0),
        (ListConnections::new().search("ADA"), 1),
        (ListConnections::new().limit(1).page(1), 0),
    ] {
        assert_eq!(nango.list_connections(&filter).await.unwrap().len(), expected, "{filter:?}");
    }

    // One connection with its credentials; Debug hides them.
    let full = nango.get_connection("api-key-dev", &id, GetConnection::new()).await.unwrap();
    assert!(matches!(&full.credentials, Credentials::ApiKey { api_key } if api_key == "dev-key-ok"));
    assert!(!format!("{full:?}").contains("dev-key-ok"), "Debug hides the credentials");
    assert!(full.last_fetched_at.is_some() && full.tags.contains_key("end_user_id"));

    // Metadata: set, merge, read.
    let ids = vec![id.clone()];
    let set: Map<String, Value> = json!({"plan": "pro", "seats": 3}).as_object().cloned().unwrap();
    nango.set_metadata("api-key-dev", &ids, &set).await.unwrap();
    let merge: Map<String, Value> = json!({"seats": 5}).as_object().cloned().unwrap();
    nango.update_metadata("api-key-dev", &ids, &merge).await.unwrap();
    assert_eq!(
        Value::Object(nango.get_metadata("api-key-dev", &id).await.unwrap()),
        json!({"plan": "pro", "seats": 5})
    );
    let missing = vec![id.clone(), "missing".to_owned()];
    let err = nango.set_metadata("api-key-dev", &missing, &set).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::UnknownConnection), "{err}");

    // Reconnect: a reconnect session; the user authorizes again → `override`.
    let reconnect =
        nango.create_reconnect_session(&ReconnectSessionRequest::new("api-key-dev", &id)).await.unwrap();
    assert_eq!(frontend_connects_api_key(&server, &reconnect.token).await, id);
    let again = next_auth(&mut hooks).await;
    assert_eq!((again.operation, again.connection_id.as_str()), (AuthOperation::Override, id.as_str()));

    // Integrations and providers.
    let integrations = nango.list_integrations().await.unwrap();
    assert!(integrations.iter().any(|i| i.unique_key == "github-dev" && i.provider == "github"));
    assert_eq!(nango.get_integration("api-key-dev").await.unwrap().provider, "stripe");
    let providers = nango.list_providers(None).await.unwrap();
    assert_eq!(providers.len(), integrations.len());
    let found = nango.list_providers(Some("GIT")).await.unwrap();
    assert_eq!(found.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["github"]);
    let github = nango.get_provider("github").await.unwrap();
    assert_eq!(github.auth_mode, "OAUTH2");
    assert!(
        github
            .rest
            .get("authorization_url")
            .and_then(Value::as_str)
            .is_some_and(|u| u.ends_with("/fake-oauth/authorize"))
    );

    // Delete: gone, and a second delete is Nango's `unknown_connection`.
    nango.delete_connection("api-key-dev", &id).await.unwrap();
    let err = nango.get_connection("api-key-dev", &id, GetConnection::new()).await.unwrap_err();
    assert_eq!((err.code(), err.api().map(|e| e.status)), (Some(&ErrorCode::NotFound), Some(404)), "{err}");
    let err = nango.delete_connection("api-key-dev", &id).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::UnknownConnection), "{err}");
    assert!(server.connections().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn force_refresh_rotates_oauth_tokens_and_a_refused_refresh_is_typed() {
    let (server, nango, mut hooks) = stack().await;
    let session =
        nango.create_connect_session(&ConnectSessionRequest::new(EndUser::new("u-1"))).await.unwrap();
    frontend_connects_oauth(&server, &session.token).await;
    let created = next_auth(&mut hooks).await;
    assert_eq!((created.operation, created.auth_mode.as_str()), (AuthOperation::Creation, "OAUTH2"));
    let id = created.connection_id;

    let with_refresh = GetConnection::new().refresh_token(true);
    let first = nango.get_connection("github-dev", &id, GetConnection::new()).await.unwrap();
    let Credentials::OAuth2 { access_token, refresh_token: None, expires_at: Some(_), .. } =
        first.credentials
    else {
        panic!("OAuth2 credentials without the refresh token by default: {:?}", first.credentials);
    };
    let refreshed = nango.get_connection("github-dev", &id, with_refresh.force_refresh(true)).await.unwrap();
    let Credentials::OAuth2 { access_token: new_token, refresh_token: Some(_), .. } = refreshed.credentials
    else {
        panic!("refreshed OAuth2 credentials: {:?}", refreshed.credentials);
    };
    assert_ne!(new_token, access_token, "force_refresh ran a refresh-token grant");

    // The provider refuses: Nango's `invalid_credentials`, and the `refresh` webhook.
    server.set_faults(Faults::none().refresh_grant_error());
    let err =
        nango.get_connection("github-dev", &id, GetConnection::new().force_refresh(true)).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidCredentials), "{err}");
    let failed = next_auth(&mut hooks).await;
    assert_eq!((failed.operation, failed.success), (AuthOperation::Refresh, false));
    assert_eq!(failed.error.map(|e| e.kind), Some("refresh_token_external_error".to_owned()));
}

#[tokio::test]
async fn nangos_refusals_are_typed_errors() {
    let server = nango_dev_server::start(DevServerConfig::for_tests()).await.unwrap();
    let nango = Nango::new(server.secret_key()).host(&server.api_url()).unwrap();

    // An unknown integration in `allowed_integrations`: `invalid_body` with its issues.
    let request = ConnectSessionRequest::new(EndUser::new("u")).allowed_integrations(["nope"]);
    let err = nango.create_connect_session(&request).await.unwrap_err();
    let api = err.api().unwrap();
    assert_eq!((api.status, &api.code), (400, &ErrorCode::InvalidBody));
    assert_eq!(api.errors[0].path, ["allowed_integrations", "0"]);
    assert_eq!(api.message, None, "real Nango's validation errors carry issues, not a message");

    // A wrong key.
    let wrong = Nango::new("not-the-key").host(&server.api_url()).unwrap();
    let err = wrong.list_connections(&ListConnections::new()).await.unwrap_err();
    assert_eq!(err.api().map(|e| e.status), Some(401), "{err}");

    // Unknown things.
    let err = nango.get_connection("nope", "x", GetConnection::new()).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::UnknownProviderConfig));
    let err = nango.get_provider("nope").await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::NotFound));
    let err = nango.list_connections(&ListConnections::new().limit(0)).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidQueryParams));

    // A connection id that is not a path segment stays one (percent-encoded): Nango judges it
    // as the connection id, not as a path or a query.
    let err = nango.get_connection("api-key-dev", "a/b?c", GetConnection::new()).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidUriParams), "{err}");
    assert_eq!(err.api().unwrap().errors[0].path, ["connectionId"]);

    // Nothing listens: a network error, no hang.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let gone = Nango::new("k").host(&format!("http://{closed}")).unwrap();
    assert!(matches!(gone.list_integrations().await, Err(Error::Network(_))));

    // Bad hosts are refused up front.
    for host in ["not a url", "ftp://example.com", "mailto:a@b"] {
        assert!(matches!(Nango::new("k").host(host), Err(Error::Config(_))), "{host}");
    }
    // Debug never shows the key.
    assert!(!format!("{nango:?}").contains(server.secret_key()));
}

/// What no dev server answers, but a real Nango or a proxy in front of it can: an error
/// without `message`, an HTML page, a body of the wrong shape.
#[tokio::test]
async fn answers_of_other_shapes_are_typed_errors() {
    let app = axum::Router::new()
        .route(
            "/integrations",
            axum::routing::get(|| async { (StatusCode::NOT_FOUND, r#"{"error":{"code":"not_found"}}"#) }),
        )
        .route(
            "/providers",
            axum::routing::get(|| async { (StatusCode::BAD_GATEWAY, "<html>Bad gateway</html>") }),
        )
        .route("/connections", axum::routing::get(|| async { (StatusCode::OK, r#"{"connections": 5}"#) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let nango = Nango::new("k").host(&format!("http://{addr}")).unwrap();

    let err = nango.list_integrations().await.unwrap_err();
    let api = err.api().unwrap();
    assert_eq!((api.status, &api.code, api.message.as_deref()), (404, &ErrorCode::NotFound, None));
    assert!(matches!(nango.list_providers(None).await, Err(Error::UnexpectedResponse { status: 502, .. })));
    assert!(matches!(
        nango.list_connections(&ListConnections::new()).await,
        Err(Error::UnexpectedResponse { status: 200, .. })
    ));
}

mod session_endpoint {
    use super::*;
    use axum::http::request::Parts;

    async fn user_of(request: Parts) -> Option<EndUser> {
        let id = request.headers.get("x-user")?.to_str().ok()?;
        Some(EndUser::new(id))
    }

    async fn serve(nango: Nango) -> String {
        let app: axum::Router = axum::Router::new()
            .route("/api/nango-session", nango_backend::axum::session_endpoint(nango, user_of));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}/api/nango-session")
    }

    #[tokio::test]
    async fn answers_the_token_for_the_signed_in_user_and_refuses_the_others() {
        let server = nango_dev_server::start(DevServerConfig::for_tests()).await.unwrap();
        let nango = Nango::new(server.secret_key()).host(&server.api_url()).unwrap();
        let url = serve(nango).await;
        let http = reqwest::Client::new();

        // The frontend's POST (no body) for a signed-in user → a token for that user.
        let res = http.post(&url).header("x-user", "ada").send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["cache-control"], "no-store");
        let token = res.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
        let session: Value = http
            .get(format!("{}/connect/session", server.api_url()))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(session["data"]["endUser"]["id"], "ada", "{session}");

        // Nobody signed in: 401, nothing minted.
        let res = http.post(&url).send().await.unwrap();
        assert_eq!(res.status(), 401);
        assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "unauthenticated");

        // Another website's page: 403, even with a user.
        let res = http
            .post(&url)
            .header("x-user", "ada")
            .header("sec-fetch-site", "cross-site")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "forbidden_origin");

        // Only POST.
        assert_eq!(http.get(&url).header("x-user", "ada").send().await.unwrap().status(), 405);
    }

    #[tokio::test]
    async fn a_refusal_by_nango_is_a_502_with_nangos_code() {
        let server = nango_dev_server::start(DevServerConfig::for_tests()).await.unwrap();
        // A well-formed key of no account (a malformed one is `invalid_secret_key_format`).
        let wrong_key = "00000000-0000-4000-8000-000000000000";
        let url = serve(Nango::new(wrong_key).host(&server.api_url()).unwrap()).await;
        let res = reqwest::Client::new().post(&url).header("x-user", "ada").send().await.unwrap();
        assert_eq!(res.status(), 502);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unknown_account", "{body}");
        assert!(!body.to_string().contains(wrong_key), "the key never reaches the browser: {body}");
    }
}
