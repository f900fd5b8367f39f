//! The demo page written with `nango-dioxus`: the same page, element ids and behaviour as the Yew
//! demo, so that one end-to-end scenario list runs against both (see `examples/README.md`).
//!
//! Built without the `dx` CLI: `cargo build --release --target wasm32-unknown-unknown -p
//! dioxus-demo`, then `wasm-bindgen --target web --out-name app`. URLs come from
//! `window.NANGO_DEMO` (written to `config.js`), never from constants in the code.

use dioxus::prelude::*;
use nango_dioxus::{
    AuthOptions, AuthState, AuthSuccess, ConnectUiEvent, ConnectUiOptions, Credentials, NangoConfig,
    NangoProvider, Theme, TokenSource, UseAuthOptions, UseConnectUiOptions, use_auth_with_options,
    use_connect_ui_with_options,
};

fn main() {
    dioxus::launch(App);
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
        Self {
            api_url: page_setting("apiUrl").unwrap_or_else(|| "http://127.0.0.1:3003".to_owned()),
            connect_ui_url: page_setting("connectUiUrl")
                .unwrap_or_else(|| "http://127.0.0.1:3009".to_owned()),
            session_url: page_setting("sessionUrl")
                .unwrap_or_else(|| "http://127.0.0.1:3003/demo/session".to_owned()),
            websockets_path: page_setting("websocketsPath").unwrap_or_else(|| "/".to_owned()),
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

#[allow(non_snake_case)]
fn App() -> Element {
    let config = use_hook(DemoConfig::from_page);
    let client =
        NangoConfig::new().host(config.api_url.clone()).websockets_path(config.websockets_path.clone());
    rsx! {
        NangoProvider { config: client, Demo { config } }
    }
}

#[component]
fn Demo(config: DemoConfig) -> Element {
    let mut theme = use_signal(|| Theme::Light);
    use_effect(move || apply_theme(theme()));
    let tokens = use_hook(|| TokenSource::backend(config.session_url.clone()));

    let mut events = use_signal(Vec::<ConnectUiEvent>::new);
    let ui = use_connect_ui_with_options(
        UseConnectUiOptions::new()
            .connect_ui(
                ConnectUiOptions::new()
                    .base_url(config.connect_ui_url.clone())
                    .api_url(config.api_url.clone())
                    .theme(theme()),
            )
            .session_token(tokens.clone())
            .on_event(use_callback(move |event| events.write().insert(0, event))),
    );
    let ui_state = match (ui.is_open(), ui.is_ready()) {
        (true, true) => "ready",
        (true, false) => "open",
        _ => "closed",
    };

    let auth = use_auth_with_options(UseAuthOptions::new().session_token(tokens));
    let mut headless = use_signal(Vec::<AuthSuccess>::new);
    use_effect(move || {
        if let AuthState::Connected(connection) = &*auth.state().read()
            && !headless.peek().contains(connection)
        {
            headless.write().push(connection.clone());
        }
    });
    let auth_state = match &*auth.state().read() {
        AuthState::Idle => "idle".to_owned(),
        AuthState::Pending => "pending".to_owned(),
        AuthState::Connected(connection) => format!("connected:{}", connection.connection_id),
        AuthState::Failed(error) => format!("failed:{}", error.error_type()),
    };
    let mut connections = ui.connections();
    connections
        .extend(headless.read().iter().filter(|c| !connections.contains(c)).cloned().collect::<Vec<_>>());

    let mut oauth_provider = use_signal(|| "github-dev".to_owned());
    let mut api_key_provider = use_signal(|| "api-key-dev".to_owned());
    let mut api_key = use_signal(String::new);
    let next_theme = match theme() {
        Theme::Dark => Theme::Light,
        _ => Theme::Dark,
    };

    rsx! {
        header {
            h1 { "Nango " span { class: "accent", "×" } " Dioxus" }
            button { id: "theme-toggle", class: "ghost", onclick: move |_| theme.set(next_theme),
                "{next_theme.as_str()} theme"
            }
        }
        main {
            section { class: "card",
                h2 { "Connect UI" }
                p { class: "muted", "Nango's hosted Connect UI in an iframe; the session token comes from the demo backend." }
                div { class: "row",
                    button { id: "open-connect-ui", onclick: move |_| ui.open(), "Connect an account" }
                    button { id: "close-connect-ui", class: "ghost", onclick: move |_| ui.close(), "Close" }
                    span { class: "badge", "state: " span { id: "connect-ui-state", "{ui_state}" } }
                }
            }
            section { class: "card",
                h2 { "Headless auth" }
                div { class: "row",
                    input { id: "oauth-provider", value: "{oauth_provider}", oninput: move |e| oauth_provider.set(e.value()) }
                    button { id: "oauth-button", onclick: move |_| auth.run(&oauth_provider.peek(), AuthOptions::new().detect_closed_auth_window(true)),
                        "Connect with OAuth"
                    }
                }
                form { class: "row",
                    onsubmit: move |event| {
                        event.prevent_default();
                        let options = AuthOptions::new().credentials(Credentials::api_key(api_key.peek().clone()));
                        auth.run(&api_key_provider.peek(), options);
                    },
                    input { id: "api-key-provider", value: "{api_key_provider}", oninput: move |e| api_key_provider.set(e.value()) }
                    input { id: "api-key-input", r#type: "password", placeholder: "API key", value: "{api_key}",
                        oninput: move |e| api_key.set(e.value())
                    }
                    button { id: "api-key-submit", r#type: "submit", "Save API key" }
                }
                p { class: "badge", "auth: " span { id: "auth-state", "{auth_state}" } }
            }
            section { class: "card",
                h2 { "Connections" }
                if connections.is_empty() {
                    p { class: "muted", "No connections yet." }
                }
                ul { id: "connections",
                    for connection in connections {
                        li { key: "{connection.provider_config_key}/{connection.connection_id}",
                            "data-connection-id": "{connection.connection_id}",
                            "data-provider-config-key": "{connection.provider_config_key}",
                            strong { "{connection.provider_config_key}" } " " code { "{connection.connection_id}" }
                        }
                    }
                }
            }
            section { class: "card wide",
                h2 { "Event log" }
                if events.read().is_empty() {
                    p { class: "muted", "Events from the Connect UI appear here, newest first." }
                }
                ol { id: "event-log", reversed: true,
                    for event in events.read().iter() {
                        li { "data-kind": event.kind(),
                            strong { "{event.kind()}" }
                            {event.to_message().get("payload").map(|payload| rsx! { " " code { "{payload}" } })}
                        }
                    }
                }
            }
        }
    }
}
