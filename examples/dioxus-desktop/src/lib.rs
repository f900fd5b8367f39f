//! The demo page's headless-auth half (`examples/dioxus-demo`) as a Dioxus desktop app: the same
//! `use_auth` hook, on the core's native driver (the system browser in place of the popup).
//! The Connect UI button opens the session's Connect UI link in the system browser.
//!
//! Settings come from the environment: `NANGO_HOST` (default `http://127.0.0.1:3003`, the dev
//! server) and `NANGO_SESSION_URL` (default `{host}/demo/session`).

use dioxus::prelude::*;
use nango_dioxus::{
    AuthOptions, AuthState, Credentials, NangoConfig, NangoProvider, TokenSource, UseAuthOptions,
    UseConnectUiOptions, use_auth_with_options, use_connect_ui_with_options,
};

/// Where the app talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The Nango host.
    pub host: String,
    /// The backend endpoint that mints connect session tokens.
    pub session_url: String,
}

impl Settings {
    /// From `NANGO_HOST` and `NANGO_SESSION_URL`.
    pub fn from_env() -> Self {
        let host = std::env::var("NANGO_HOST").unwrap_or_else(|_| "http://127.0.0.1:3003".to_owned());
        let session_url =
            std::env::var("NANGO_SESSION_URL").unwrap_or_else(|_| format!("{host}/demo/session"));
        Self { host, session_url }
    }
}

/// The app: a provider around the demo.
#[component]
pub fn App(settings: Settings) -> Element {
    rsx! {
        style { {STYLE} }
        NangoProvider { config: NangoConfig::new().host(settings.host.clone()),
            Demo { session_url: settings.session_url.clone() }
        }
    }
}

/// What the state line shows (`idle`, `pending`, `connected:<id>`, `failed:<type>`), as the web
/// demo's `#auth-state`.
pub fn state_text(state: &AuthState) -> String {
    match state {
        AuthState::Idle => "idle".to_owned(),
        AuthState::Pending => "pending".to_owned(),
        AuthState::Connected(connection) => format!("connected:{}", connection.connection_id),
        AuthState::Failed(error) => format!("failed:{}", error.error_type()),
    }
}

#[component]
fn Demo(session_url: String) -> Element {
    let tokens = use_hook(|| TokenSource::backend(session_url.clone()));
    let auth = use_auth_with_options(UseAuthOptions::new().session_token(tokens.clone()));
    let ui = use_connect_ui_with_options(UseConnectUiOptions::new().session_token(tokens));
    let mut oauth_provider = use_signal(|| "github-dev".to_owned());
    let mut api_key_provider = use_signal(|| "api-key-dev".to_owned());
    let mut api_key = use_signal(String::new);
    let auth_state = state_text(&auth.state().read());
    let ui_error = ui.last_error().map(|e| e.error_type().to_owned());
    rsx! {
        header { h1 { "Nango " span { class: "accent", "×" } " Dioxus desktop" } }
        main {
            section { class: "card",
                h2 { "Headless auth" }
                p { class: "muted", "OAuth opens your browser on the provider's page; the result comes back here over Nango's WebSocket." }
                div { class: "row",
                    input { id: "oauth-provider", value: "{oauth_provider}", oninput: move |e| oauth_provider.set(e.value()) }
                    button { id: "oauth-button", onclick: move |_| auth.run(&oauth_provider.peek(), AuthOptions::new()),
                        "Connect with OAuth"
                    }
                    button { id: "cancel-button", class: "ghost", onclick: move |_| auth.cancel(), "Cancel" }
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
                h2 { "Connect UI" }
                p { class: "muted", "Opens Nango's Connect UI in your browser. The app hears nothing from that page: your backend learns of the connection from Nango's auth webhook." }
                div { class: "row",
                    button { id: "open-connect-ui", onclick: move |_| ui.open(), "Open the Connect UI in the browser" }
                    if let Some(error) = ui_error { span { class: "badge", "error: {error}" } }
                }
            }
        }
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;background:#0f1115;color:#e8eaed}\
header{padding:16px 24px;border-bottom:1px solid #262a33}h1{margin:0;font-size:20px}.accent{color:#00b2e3}\
main{display:grid;gap:16px;padding:24px}.card{background:#171a21;border:1px solid #262a33;border-radius:10px;padding:16px}\
h2{margin:0 0 8px;font-size:16px}.muted{color:#9aa0a6;font-size:13px}.row{display:flex;gap:8px;align-items:center;margin:8px 0}\
input{background:#0f1115;color:#e8eaed;border:1px solid #33384a;border-radius:6px;padding:6px 8px}\
button{background:#00b2e3;color:#0f1115;border:0;border-radius:6px;padding:7px 12px;font-weight:600}\
button.ghost{background:transparent;color:#e8eaed;border:1px solid #33384a}.badge{font-family:monospace;font-size:13px}";
