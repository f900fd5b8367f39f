//! The demo page written with `nango-leptos`: the same page, element ids and behaviour as the Yew
//! and Dioxus demos, so that one end-to-end scenario list runs against all three (see
//! `examples/README.md`).
//!
//! Built without a Leptos CLI: `cargo build --release --target wasm32-unknown-unknown -p
//! leptos-demo`, then `wasm-bindgen --target web --out-name app`. URLs come from
//! `window.NANGO_DEMO` (written to `config.js`), never from constants in the code.

use leptos::prelude::*;
use nango_leptos::{
    AuthOptions, AuthState, AuthSuccess, ConnectUiEvent, ConnectUiOptions, Credentials, NangoConfig,
    NangoProvider, Theme, TokenSource, UseAuthOptions, UseConnectUiOptions, use_auth_with_options,
    use_connect_ui_with_options,
};

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app"));
        if let Some(root) = root.and_then(|r| r.dyn_into::<web_sys::HtmlElement>().ok()) {
            // The page lives as long as the tab: its mount is never undone.
            leptos::mount::mount_to(root, App).forget();
        }
    }
}

/// `window.NANGO_DEMO`: where the Nango API, the Connect UI and the session endpoint are.
#[derive(Clone, Debug, PartialEq)]
struct DemoConfig {
    api_url: String,
    connect_ui_url: String,
    session_url: String,
    websockets_path: String,
}

impl DemoConfig {
    /// Reads `window.NANGO_DEMO`, each missing field defaulting to the dev server's ports.
    fn from_page() -> Self {
        let setting = |key, default: &str| page_setting(key).unwrap_or_else(|| default.to_owned());
        Self {
            api_url: setting("apiUrl", "http://127.0.0.1:3003"),
            connect_ui_url: setting("connectUiUrl", "http://127.0.0.1:3009"),
            session_url: setting("sessionUrl", "http://127.0.0.1:3003/demo/session"),
            websockets_path: setting("websocketsPath", "/"),
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn page_setting(key: &str) -> Option<String> {
    use js_sys::Reflect;
    let window: wasm_bindgen::JsValue = web_sys::window()?.into();
    let demo = Reflect::get(&window, &"NANGO_DEMO".into()).ok()?;
    if !demo.is_object() {
        return None;
    }
    Reflect::get(&demo, &key.into()).ok()?.as_string().filter(|value| !value.is_empty())
}

#[cfg(not(target_arch = "wasm32"))]
fn page_setting(_key: &str) -> Option<String> {
    None
}

/// Sets `data-theme` on `<html>` (the stylesheet follows it).
fn apply_theme(theme: Theme) {
    #[cfg(target_arch = "wasm32")]
    if let Some(html) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = html.set_attribute("data-theme", theme.as_str());
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = theme;
}

#[component]
fn App() -> impl IntoView {
    let config = DemoConfig::from_page();
    let client =
        NangoConfig::new().host(config.api_url.clone()).websockets_path(config.websockets_path.clone());
    view! { <NangoProvider config=client><Demo config /></NangoProvider> }
}

#[component]
fn Demo(config: DemoConfig) -> impl IntoView {
    let theme = RwSignal::new(Theme::Light);
    Effect::new(move || apply_theme(theme.get()));
    let tokens = TokenSource::backend(config.session_url.clone());

    let events = RwSignal::new(Vec::<ConnectUiEvent>::new());
    let ui_tokens = tokens.clone();
    // Derived from `theme`: a new theme reaches the core, and applies at the next open.
    let ui = use_connect_ui_with_options(Signal::derive_local(move || {
        UseConnectUiOptions::new()
            .connect_ui(
                ConnectUiOptions::new()
                    .base_url(config.connect_ui_url.clone())
                    .api_url(config.api_url.clone())
                    .theme(theme.get()),
            )
            .session_token(ui_tokens.clone())
            .on_event(move |event| events.update(|events| events.insert(0, event.clone())))
    }));
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

    let oauth_provider = RwSignal::new("github-dev".to_owned());
    let api_key_provider = RwSignal::new("api-key-dev".to_owned());
    let api_key = RwSignal::new(String::new());
    let next_theme = move || match theme.get() {
        Theme::Dark => Theme::Light,
        _ => Theme::Dark,
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let options = AuthOptions::new().credentials(Credentials::api_key(api_key.get_untracked()));
        auth.run(&api_key_provider.get_untracked(), options);
    };

    view! {
        <header>
            <h1>"Nango " <span class="accent">"×"</span> " Leptos"</h1>
            <button id="theme-toggle" class="ghost" on:click=move |_| theme.set(next_theme())>
                {move || next_theme().as_str()} " theme"
            </button>
        </header>
        <main>
            <section class="card">
                <h2>"Connect UI"</h2>
                <p class="muted">"Nango's hosted Connect UI in an iframe; the session token comes from the demo backend."</p>
                <div class="row">
                    <button id="open-connect-ui" on:click=move |_| ui.open()>"Connect an account"</button>
                    <button id="close-connect-ui" class="ghost" on:click=move |_| ui.close()>"Close"</button>
                    <span class="badge">"state: " <span id="connect-ui-state">{ui_state}</span></span>
                </div>
            </section>
            <section class="card">
                <h2>"Headless auth"</h2>
                <div class="row">
                    <input id="oauth-provider" bind:value=oauth_provider />
                    <button
                        id="oauth-button"
                        on:click=move |_| {
                            let options = AuthOptions::new().detect_closed_auth_window(true);
                            auth.run(&oauth_provider.get_untracked(), options)
                        }
                    >
                        "Connect with OAuth"
                    </button>
                </div>
                <form class="row" on:submit=submit>
                    <input id="api-key-provider" bind:value=api_key_provider />
                    <input id="api-key-input" type="password" placeholder="API key" bind:value=api_key />
                    <button id="api-key-submit" type="submit">"Save API key"</button>
                </form>
                <p class="badge">"auth: " <span id="auth-state">{auth_state}</span></p>
            </section>
            <section class="card">
                <h2>"Connections"</h2>
                <Show when=move || connections().is_empty()>
                    <p class="muted">"No connections yet."</p>
                </Show>
                <ul id="connections">
                    <For
                        each=connections
                        key=|c| (c.provider_config_key.clone(), c.connection_id.clone())
                        children=|c| view! {
                            <li data-connection-id=c.connection_id.clone() data-provider-config-key=c.provider_config_key.clone()>
                                <strong>{c.provider_config_key.clone()}</strong> " " <code>{c.connection_id.clone()}</code>
                            </li>
                        }
                    />
                </ul>
            </section>
            <section class="card wide">
                <h2>"Event log"</h2>
                <Show when=move || events.with(Vec::is_empty)>
                    <p class="muted">"Events from the Connect UI appear here, newest first."</p>
                </Show>
                <ol id="event-log" reversed>
                    {move || events.get().into_iter().map(|event| {
                        let payload = event.to_message().get("payload").map(|p| view! { " " <code>{p.to_string()}</code> });
                        view! { <li data-kind=event.kind()><strong>{event.kind()}</strong>{payload}</li> }
                    }).collect_view()}
                </ol>
            </section>
        </main>
    }
}
