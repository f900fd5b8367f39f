//! The two routers (API and Connect UI) and the middleware they share.

mod catalog;
mod connect;
mod connections;
mod credentials;
mod fake_provider;
mod oauth;
mod telemetry;
mod ws;

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::services::{ServeDir, ServeFile};

use crate::app::AppState;

use crate::error::{ApiError, FieldError};
use crate::html;

use connections::{MERGE, REPLACE};
use credentials::Kind;

/// A static directory with `index.html` fallback for client-side routing.
type StaticDir = ServeDir<ServeFile>;

fn static_dir(dir: &Path) -> StaticDir {
    ServeDir::new(dir).append_index_html_on_directories(true).fallback(ServeFile::new(dir.join("index.html")))
}

/// The API listener: Nango's public endpoints, the fake OAuth provider, the WebSocket, the
/// dev helpers and the `--serve` mounts.
pub(crate) fn api_router(state: Arc<AppState>) -> Router {
    let mut router = Router::new()
        .route("/connect/sessions", post(connect::post_sessions))
        .route("/connect/sessions/reconnect", post(connect::post_reconnect))
        .route("/connect/session", get(connect::get_session).delete(connect::delete_session))
        .route("/connect/telemetry", post(telemetry::post))
        .route("/demo/session", post(connect::demo_session))
        .route("/integrations", get(catalog::list_integrations))
        .route("/integrations/{key}", get(catalog::get_integration))
        .route("/providers", get(catalog::list_providers))
        .route("/providers/{provider}", get(catalog::get_provider))
        .route("/images/template-logos/{file}", get(catalog::logo))
        .route("/oauth/connect/{key}", get(oauth::connect))
        .route("/oauth/callback", get(oauth::callback))
        .route(
            "/fake-oauth/authorize",
            get(fake_provider::authorize_page).post(fake_provider::authorize_decision),
        )
        .route("/fake-oauth/token", post(fake_provider::token))
        .route("/connection", get(connections::list))
        .route("/connections", get(connections::list).post(connections::post_import))
        .route(
            "/connection/metadata",
            post(connections::metadata::<REPLACE>).patch(connections::metadata::<MERGE>),
        )
        .route(
            "/connections/metadata",
            post(connections::metadata::<REPLACE>).patch(connections::metadata::<MERGE>),
        )
        .route("/connection/{connection_id}", get(connections::get_one).delete(connections::delete_one))
        .route("/connections/{connection_id}", get(connections::get_one).delete(connections::delete_one))
        .route(
            "/connection/{connection_id}/metadata",
            post(connections::legacy_metadata::<REPLACE>).patch(connections::legacy_metadata::<MERGE>),
        );
    if state.config.fault_routes {
        router =
            router.route("/dev/faults", post(set_faults)).route("/dev/telemetry", get(telemetry::recorded));
    }
    for (path, kind) in [
        ("/api-auth/api-key/{key}", Kind::ApiKey),
        ("/api-auth/basic/{key}", Kind::Basic),
        ("/auth/jwt/{key}", Kind::Jwt),
        ("/auth/tba/{key}", Kind::Tba),
        ("/auth/two-step/{key}", Kind::TwoStep),
        ("/auth/signature/{key}", Kind::Signature),
        ("/auth/aws-sigv4/{key}", Kind::AwsSigV4),
        ("/auth/bill/{key}", Kind::Bill),
        ("/auth/unauthenticated/{key}", Kind::Unauthenticated),
        ("/auth/oauth-outbound/{key}", Kind::Outbound),
        ("/oauth2/auth/{key}", Kind::OAuth2Cc),
    ] {
        router = router.route(
            path,
            post(move |state, key, query, headers, body| {
                credentials::handle(kind, state, key, query, headers, body)
            }),
        );
    }

    let root_mount = state
        .config
        .serve
        .iter()
        .find(|m| m.path.trim_end_matches('/').is_empty())
        .map(|m| static_dir(&m.dir));
    router = router.route(
        &state.config.websockets_path,
        get({
            let root_mount = root_mount.clone();
            move |state: axum::extract::State<Arc<AppState>>, req: Request| {
                ws::handler(state, root_mount.clone(), req)
            }
        }),
    );
    for mount in &state.config.serve {
        let path = mount.path.trim_end_matches('/');
        if !path.is_empty() {
            router = router.nest_service(path, static_dir(&mount.dir));
        }
    }
    router = match root_mount {
        Some(root) => router.fallback_service(root),
        None => router.fallback(not_found),
    };
    let base_path = state.config.api_base_path().to_owned();
    let router = router
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(Arc::clone(&state), cors))
        .layer(middleware::from_fn_with_state(Arc::clone(&state), delay))
        .with_state(state);
    // Behind a reverse proxy's prefix: the routes see their paths without it, as Nango does.
    if base_path.is_empty() {
        router
    } else {
        Router::new().nest_service(&base_path, router).fallback(not_found)
    }
}

/// Marks a response as not cacheable (OAuth pages and token answers).
fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `POST /dev/faults` (only with `fault_routes`): replaces the faults with the JSON body.
async fn set_faults(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    body: crate::extract::RawBody,
) -> Result<StatusCode, ApiError> {
    let faults: crate::Faults = serde_json::from_slice(&body.0).map_err(|e| {
        ApiError::invalid_body(vec![FieldError::new(
            "invalid_body",
            format!("Not a faults object: {e}"),
            &[],
        )])
    })?;
    state.log(format!("faults set: {faults:?}"));
    state.store.set_faults(faults);
    Ok(StatusCode::NO_CONTENT)
}

/// The `delay_ms` fault: every API response waits that long first.
async fn delay(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let ms = state.store.faults().delay_ms;
    if ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
    next.run(req).await
}

/// The Connect UI listener: the configured built app, or a placeholder page.
pub(crate) fn connect_ui_router(state: Arc<AppState>) -> Router {
    match &state.config.connect_ui_dir {
        Some(dir) => Router::new().fallback_service(static_dir(dir)),
        None => Router::new().fallback(get(move |headers: axum::http::HeaderMap| {
            let api = state.origins.api_base_from_other_port(&headers);
            async move { Html(html::connect_ui_placeholder(&api)) }
        })),
    }
}

async fn not_found(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::not_found("not_found", format!("No route for {method} {}", uri.path()))
}

async fn method_not_allowed(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{method} is not allowed on {}", uri.path()),
    )
}

/// The headers Nango's public API allows in preflights.
const ALLOWED_HEADERS: &str = "Authorization, Content-Type, Accept, Origin, X-Requested-With, Nango-Activity-Log-Id, Nango-Is-Dry-Run, Nango-Is-Sync, Provider-Config-Key, Connection-Id, Sentry-Trace, Baggage";
const EXPOSED_HEADERS: &str = "Authorization, Etag, Content-Type, Content-Length, X-Nango-Signature, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset";

/// CORS as Nango's public API: `*` everywhere, except `/connect/telemetry` (sent with
/// `navigator.sendBeacon`, a credentialed request) which echoes the caller's origin with
/// `Access-Control-Allow-Credentials: true`, and the dev helpers `/demo/session` and
/// `/dev/…`, which answer only the demo pages' own origins (never `*`).
async fn cors(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let origin = req.headers().get(header::ORIGIN).cloned();
    let path = req.uri().path();
    let credentialed = path == "/connect/telemetry";
    let dev_helper = path == "/demo/session" || path.starts_with("/dev/");
    let is_preflight = req.method() == Method::OPTIONS;
    let requested_headers = req.headers().get(header::ACCESS_CONTROL_REQUEST_HEADERS).cloned();
    // Nango's telemetry CORS names the Connect UI's origin; a caller without `Origin` gets it.
    let connect_ui_origin = (credentialed && origin.is_none())
        .then(|| {
            HeaderValue::from_str(state.origins.connect_ui_base(req.headers()).trim_end_matches('/')).ok()
        })
        .flatten();

    if dev_helper {
        let allowed =
            origin.as_ref().and_then(|o| o.to_str().ok()).filter(|o| state.origins.is_demo_origin_allowed(o));
        let allowed = allowed.and_then(|o| HeaderValue::from_str(o).ok());
        let browser_cross_site = req
            .headers()
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes() != b"same-origin" && v.as_bytes() != b"none");
        if !is_preflight && allowed.is_none() && (origin.is_some() || browser_cross_site) {
            state.log(format!("{path} refused for origin {origin:?}"));
            let mut refused = ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden_origin",
                "Only the demo pages served by this dev server (or allowed_origins) may call this",
            )
            .into_response();
            refused.headers_mut().append(header::VARY, HeaderValue::from_static("Origin"));
            return refused;
        }
        let mut response =
            if is_preflight { StatusCode::NO_CONTENT.into_response() } else { next.run(req).await };
        let h = response.headers_mut();
        h.append(header::VARY, HeaderValue::from_static("Origin"));
        if let Some(origin) = allowed {
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            if is_preflight {
                h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("POST"));
                h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("Content-Type"));
                h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
            }
        }
        return response;
    }

    let mut response =
        if is_preflight { StatusCode::NO_CONTENT.into_response() } else { next.run(req).await };
    let h = response.headers_mut();
    match (credentialed, origin) {
        (true, Some(origin)) => {
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            h.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
            h.append(header::VARY, HeaderValue::from_static("Origin"));
        }
        (true, None) if connect_ui_origin.is_some() => {
            if let Some(ui) = connect_ui_origin {
                h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, ui);
            }
            h.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
            h.append(header::VARY, HeaderValue::from_static("Origin"));
        }
        _ => {
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
        }
    }
    if is_preflight {
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(if credentialed {
                "POST"
            } else {
                "GET, HEAD, PUT, PATCH, POST, DELETE"
            }),
        );
        let allow_headers = match requested_headers {
            Some(requested) if !credentialed => requested,
            _ if credentialed => HeaderValue::from_static("Authorization, Content-Type"),
            _ => HeaderValue::from_static(ALLOWED_HEADERS),
        };
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, allow_headers);
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static(if credentialed { "36000" } else { "600" }),
        );
    } else {
        h.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSED_HEADERS));
    }
    response
}
