//! A Dioxus starter for `nango-dioxus`: `dx serve` (page on port 8080) beside the dev server,
//! `cargo run -p nango-dev-server -- --allowed-origin http://127.0.0.1:8080`; or your own Nango
//! and backend in the URLs below.

use dioxus::prelude::*;
use nango_dioxus::{
    AuthOptions, AuthState, ConnectUiOptions, NangoConfig, NangoProvider, TokenSource, UseAuthOptions,
    UseConnectUiOptions, use_auth_with_options, use_connect_ui_with_options,
};

/// Your backend's endpoint minting connect session tokens (here the dev server's demo one).
const SESSION_URL: &str = "http://127.0.0.1:3003/demo/session";

fn main() {
    dioxus::launch(App);
}

#[component]
fn App() -> Element {
    rsx! {
        NangoProvider { config: NangoConfig::new().host("http://127.0.0.1:3003"), Integrations {} }
    }
}

#[component]
fn Integrations() -> Element {
    let tokens = use_hook(|| TokenSource::backend(SESSION_URL));
    let ui = use_connect_ui_with_options(
        UseConnectUiOptions::new()
            .connect_ui(ConnectUiOptions::new().base_url("http://127.0.0.1:3009"))
            .session_token(tokens.clone()),
    );
    let auth = use_auth_with_options(UseAuthOptions::new().session_token(tokens));
    let status = match &*auth.state().read() {
        AuthState::Idle => "Not connected yet".to_owned(),
        AuthState::Pending => "Waiting for GitHub…".to_owned(),
        AuthState::Connected(c) => format!("Connected: {}", c.connection_id),
        AuthState::Failed(e) => format!("Failed: {}", e.message),
    };
    rsx! {
        main {
            button { onclick: move |_| ui.open(), disabled: ui.is_open(), "Connect an account" }
            // The popup opens inside `run`, during the click: browsers allow it there.
            button {
                onclick: move |_| auth.run("github-dev", AuthOptions::new()),
                disabled: auth.state().read().is_pending(),
                "Connect GitHub"
            }
            p { "{status}" }
            ul {
                for c in ui.connections() {
                    li { key: "{c.provider_config_key}/{c.connection_id}", "{c.provider_config_key}: {c.connection_id}" }
                }
            }
        }
    }
}
