//! A fullstack Leptos app: axum renders the page on the server (`ssr`), the browser hydrates it
//! (`hydrate`), and a `#[server]` function mints the Nango connect session with
//! `nango-backend`, for the user signed in by a cookie session. The secret key stays in the
//! server build; the page uses `nango-leptos` (Connect UI and headless auth).
//!
//! Built without cargo-leptos, in two builds (`cargo xtask examples` does both):
//!
//! ```sh
//! cargo build --release --target wasm32-unknown-unknown -p leptos-ssr --features hydrate
//! # wasm-bindgen --target web --out-name app → target/dist/leptos-ssr/pkg/
//! NANGO_SECRET_KEY=… NANGO_HOST=http://127.0.0.1:3003 cargo run -p leptos-ssr --features ssr
//! ```
//!
//! The element ids are those of the other demos (`examples/README.md`), so the end-to-end
//! scenarios read it the same way.

use leptos::prelude::*;
use nango_leptos::{
    AuthError, AuthOptions, AuthState, AuthSuccess, ConnectUiEvent, ConnectUiOptions, Credentials,
    NangoConfig, NangoProvider, TokenSource, UseAuthOptions, UseConnectUiOptions, use_auth_with_options,
    use_connect_ui_with_options,
};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod server;

/// The signed-in user (from the cookie session).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The app's id of the user (Nango's `end_user.id`).
    pub id: String,
    /// Their name.
    pub name: String,
}

/// What the server rendered the page from, handed to the browser in the page
/// (`<script id="page-data" type="application/json">`) so that it hydrates the same view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PageData {
    /// The signed-in user, if any.
    pub user: Option<User>,
    /// Nango's API as the browser reaches it.
    pub api_url: String,
    /// The Connect UI's URL.
    pub connect_ui_url: String,
}

/// Mints a connect session for the signed-in user (server side: with the secret key, through
/// `nango-backend`); the browser calls it as `POST /api/nango-session` whenever it needs a token.
#[server(prefix = "/api", endpoint = "nango-session")]
pub async fn nango_session() -> Result<String, ServerFnError> {
    server::mint_session().await
}

/// The page: a sign-in form, or the Nango widgets for the signed-in user.
#[component]
pub fn App(
    /// What the server rendered the page from.
    page: PageData,
) -> impl IntoView {
    match page.user {
        None => view! {
            <main>
                <form id="sign-in" method="post" action="/login">
                    <input id="user-name" name="name" placeholder="Your name" />
                    <button id="sign-in-button" type="submit">"Sign in"</button>
                </form>
            </main>
        }
        .into_any(),
        Some(user) => {
            let config = NangoConfig::new().host(page.api_url.clone());
            view! {
                <NangoProvider config>
                    <Connect user api_url=page.api_url connect_ui_url=page.connect_ui_url />
                </NangoProvider>
            }
            .into_any()
        }
    }
}

/// Session tokens from the server function. Only the browser fetches them: during
/// server-side rendering the hooks are inert.
fn session_tokens() -> TokenSource {
    TokenSource::new(|| async {
        if cfg!(feature = "hydrate") {
            nango_session().await.map_err(|e| AuthError::network(e.to_string()))
        } else {
            Err(AuthError::unsupported())
        }
    })
}

#[component]
fn Connect(user: User, api_url: String, connect_ui_url: String) -> impl IntoView {
    let tokens = session_tokens();
    let events = RwSignal::new(Vec::<ConnectUiEvent>::new());
    let ui = use_connect_ui_with_options(
        UseConnectUiOptions::new()
            .connect_ui(ConnectUiOptions::new().base_url(connect_ui_url).api_url(api_url))
            .session_token(tokens.clone())
            .on_event(move |event| events.update(|events| events.insert(0, event.clone()))),
    );
    let ui_state = move || match (ui.is_open.get(), ui.is_ready.get()) {
        (true, true) => "ready",
        (true, false) => "open",
        _ => "closed",
    };

    let auth = use_auth_with_options(UseAuthOptions::new().session_token(tokens));
    let headless = RwSignal::new(Vec::<AuthSuccess>::new());
    Effect::new(move || {
        if let AuthState::Connected(connection) = auth.state.get()
            && !headless.with_untracked(|h| h.contains(&connection))
        {
            headless.update(|h| h.push(connection));
        }
    });
    let auth_state = move || match auth.state.get() {
        AuthState::Idle => "idle".to_owned(),
        AuthState::Pending => "pending".to_owned(),
        AuthState::Connected(connection) => format!("connected:{}", connection.connection_id),
        AuthState::Failed(error) => format!("failed:{}", error.error_type()),
    };
    let connections = move || {
        let mut all = ui.connections.get();
        headless.with(|h| all.extend(h.iter().filter(|c| !all.contains(c)).cloned().collect::<Vec<_>>()));
        all
    };
    let api_key = RwSignal::new(String::new());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let options = AuthOptions::new().credentials(Credentials::api_key(api_key.get_untracked()));
        auth.run("api-key-dev", options);
    };

    view! {
        <header>
            <h1>"Nango × Leptos SSR"</h1>
            <p>"Signed in as " <strong id="signed-in">{user.name}</strong></p>
        </header>
        <main>
            <section class="card">
                <button id="open-connect-ui" on:click=move |_| ui.open()>"Connect an account"</button>
                <span>"state: " <span id="connect-ui-state">{ui_state}</span></span>
            </section>
            <section class="card">
                <button
                    id="oauth-button"
                    on:click=move |_| auth.run("github-dev", AuthOptions::new().detect_closed_auth_window(true))
                >
                    "Connect with OAuth"
                </button>
                <form on:submit=submit>
                    <input id="api-key-input" type="password" placeholder="API key" bind:value=api_key />
                    <button id="api-key-submit" type="submit">"Save API key"</button>
                </form>
                <p>"auth: " <span id="auth-state">{auth_state}</span></p>
            </section>
            <section class="card">
                <ul id="connections">
                    <For
                        each=connections
                        key=|c| (c.provider_config_key.clone(), c.connection_id.clone())
                        children=|c| view! {
                            <li data-connection-id=c.connection_id.clone() data-provider-config-key=c.provider_config_key.clone()>
                                {c.provider_config_key.clone()} " " <code>{c.connection_id.clone()}</code>
                            </li>
                        }
                    />
                </ul>
                <ol id="event-log">
                    {move || events.get().into_iter().map(|event| {
                        view! { <li data-kind=event.kind()>{event.kind()}</li> }
                    }).collect_view()}
                </ol>
            </section>
        </main>
    }
}

/// The browser's entry point (called by the page after the wasm loaded): hydrates the
/// server-rendered `#app` from the page's data, then marks `<html data-hydrated="true">`.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let page = document
        .get_element_by_id("page-data")
        .and_then(|script| script.text_content())
        .and_then(|json| serde_json::from_str::<PageData>(&json).ok());
    let root = document.get_element_by_id("app").and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let (Some(page), Some(root)) = (page, root) {
        // The page lives as long as the tab: its mount is never undone.
        leptos::mount::hydrate_from(root, move || view! { <App page /> }).forget();
        if let Some(html) = document.document_element() {
            let _ = html.set_attribute("data-hydrated", "true");
        }
    }
}
