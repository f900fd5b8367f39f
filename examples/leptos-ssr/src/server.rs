//! The server (`ssr`): axum routes for the page, the sign-in form, the server functions and
//! the wasm package; cookie sessions in memory.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Form, Request, State};
use axum::http::header::{CACHE_CONTROL, COOKIE, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use leptos::prelude::*;
use leptos::reactive::computed::ScopedFuture;
use nango_backend::{ConnectSessionRequest, EndUser, Nango};
use serde::Deserialize;
use tower_http::services::ServeDir;

use crate::{App, PageData, User};

/// The session cookie's name.
const COOKIE_NAME: &str = "sid";

/// What the server needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The secret-key client (the session minting).
    pub nango: Nango,
    /// Nango's API as the browser reaches it.
    pub api_url: String,
    /// The Connect UI's URL.
    pub connect_ui_url: String,
    /// The wasm-bindgen output of the `hydrate` build (`app.js`, `app_bg.wasm`), served at `/pkg`.
    pub pkg_dir: PathBuf,
    /// The integrations a session may connect (`None`: all of the environment's).
    pub allowed_integrations: Option<Vec<String>>,
    /// Extra tags at the start of `<head>` (the end-to-end tests record console messages with it).
    pub head_html: String,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    sessions: Mutex<HashMap<String, User>>,
}

/// The server's state: the config and the cookie sessions.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Inner>);

impl AppState {
    /// The signed-in user of a request (its `sid` cookie).
    fn user_of(&self, headers: &HeaderMap) -> Option<User> {
        let sid = headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|pair| pair.trim().strip_prefix(COOKIE_NAME)?.strip_prefix('='))?;
        self.0.sessions.lock().ok()?.get(sid).cloned()
    }
}

/// The app's routes.
pub fn app(config: Config) -> Router {
    // Inventory registers server functions too; explicit registration also works where it
    // cannot (and costs nothing here).
    server_fn::axum::register_explicit::<crate::NangoSession>();
    let pkg = ServeDir::new(&config.pkg_dir);
    let state = AppState(Arc::new(Inner { config, sessions: Mutex::default() }));
    Router::new()
        .route("/", get(page))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/api/{*server_fn}", post(server_fns))
        .nest_service("/pkg", pkg)
        .with_state(state)
}

/// The server function's body: the signed-in user's session, minted with the secret key.
pub(crate) async fn mint_session() -> Result<String, ServerFnError> {
    let state = use_context::<AppState>().ok_or_else(|| ServerFnError::new("no app state"))?;
    let parts = use_context::<Parts>().ok_or_else(|| ServerFnError::new("no request"))?;
    let user = state.user_of(&parts.headers).ok_or_else(|| ServerFnError::new("sign in first"))?;
    let mut request = ConnectSessionRequest::new(EndUser::new(&user.id).display_name(&user.name));
    if let Some(keys) = &state.0.config.allowed_integrations {
        request = request.allowed_integrations(keys);
    }
    let session = state.0.config.nango.create_connect_session(&request).await.map_err(ServerFnError::new)?;
    Ok(session.token)
}

/// Runs the server function the path names, with the request and the state in its context
/// (what `leptos_axum::handle_server_fns` does).
async fn server_fns(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let request = Request::from_parts(parts.clone(), body);
    let owner = Owner::new();
    let run = owner.with(|| {
        provide_context(parts);
        provide_context(state);
        ScopedFuture::new(server_fn::axum::handle_server_fn(request))
    });
    let mut response = run.await;
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Renders the app to HTML (synchronously: the hooks' client-side state is thread-local).
fn render(page: &PageData) -> String {
    let owner = Owner::new();
    let page = page.clone();
    owner.with(move || view! { <App page /> }.to_html())
}

async fn page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let config = &state.0.config;
    let page = PageData {
        user: state.user_of(&headers),
        api_url: config.api_url.clone(),
        connect_ui_url: config.connect_ui_url.clone(),
    };
    let body = render(&page);
    // JSON in a script element: `<` escaped, so no `</script>` can end it early.
    let data = serde_json::to_string(&page).unwrap_or_default().replace('<', "\\u003c");
    let html = format!(
        r#"<!doctype html>
<html lang="en">
<head>
{head}
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nango × Leptos SSR</title>
<script id="page-data" type="application/json">{data}</script>
<script type="module">import init, {{ hydrate }} from '/pkg/app.js'; init({{ module_or_path: '/pkg/app_bg.wasm' }}).then(hydrate);</script>
</head>
<body><div id="app">{body}</div></body>
</html>"#,
        head = config.head_html,
    );
    ([(CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

#[derive(Deserialize)]
struct SignIn {
    name: String,
}

/// `POST /login` (the form): a cookie session for that name. A demo: any name signs in.
async fn login(State(state): State<AppState>, Form(form): Form<SignIn>) -> Response {
    let name = form.name.trim();
    if name.is_empty() || name.len() > 100 {
        return (StatusCode::BAD_REQUEST, "a name of 1 to 100 characters, please").into_response();
    }
    let sid: String = {
        use rand::Rng;
        let bytes: [u8; 16] = rand::rng().random();
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    };
    let id = format!("user-{}", name.to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
    let user = User { id, name: name.to_owned() };
    if let Ok(mut sessions) = state.0.sessions.lock() {
        sessions.insert(sid.clone(), user);
    }
    let cookie = format!("{COOKIE_NAME}={sid}; Path=/; HttpOnly; SameSite=Lax");
    (StatusCode::SEE_OTHER, [(SET_COOKIE, cookie), (LOCATION, "/".to_owned())]).into_response()
}

async fn logout() -> Response {
    let cookie = format!("{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    (StatusCode::SEE_OTHER, [(SET_COOKIE, cookie), (LOCATION, "/".to_owned())]).into_response()
}
