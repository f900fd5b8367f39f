//! A Yew starter for `nango-yew`: `trunk serve` (page on port 8080) beside the dev server,
//! `cargo run -p nango-dev-server -- --allowed-origin http://127.0.0.1:8080`; or your own Nango
//! and backend in the URLs below.

use nango_yew::{
    AuthOptions, AuthState, ConnectUiOptions, NangoConfig, NangoProvider, TokenSource, UseAuthOptions,
    UseConnectUiOptions, use_auth_with_options, use_connect_ui_with_options,
};
use yew::prelude::*;

/// Your backend's endpoint minting connect session tokens (here the dev server's demo one).
const SESSION_URL: &str = "http://127.0.0.1:3003/demo/session";

#[component]
fn Integrations() -> Html {
    let tokens = use_memo((), |()| TokenSource::backend(SESSION_URL));
    let ui = use_connect_ui_with_options(
        UseConnectUiOptions::new()
            .connect_ui(ConnectUiOptions::new().base_url("http://127.0.0.1:3009"))
            .session_token((*tokens).clone()),
    );
    let auth = use_auth_with_options(UseAuthOptions::new().session_token((*tokens).clone()));

    let open = {
        let ui = ui.clone();
        move |_| ui.open()
    };
    // The popup opens inside `run`, during the click: browsers allow it there.
    let github = {
        let auth = auth.clone();
        move |_| auth.run("github-dev", AuthOptions::new())
    };
    let status = match &auth.state {
        AuthState::Idle => "Not connected yet".to_owned(),
        AuthState::Pending => "Waiting for GitHub…".to_owned(),
        AuthState::Connected(c) => format!("Connected: {}", c.connection_id),
        AuthState::Failed(e) => format!("Failed: {}", e.message),
    };
    html! {
        <main>
            <button onclick={open} disabled={ui.is_open}>{ "Connect an account" }</button>
            <button onclick={github} disabled={auth.state.is_pending()}>{ "Connect GitHub" }</button>
            <p>{ status }</p>
            <ul>{ for ui.connections.iter().map(|c| html! { <li>{ &c.provider_config_key }{ ": " }{ &c.connection_id }</li> }) }</ul>
        </main>
    }
}

#[component]
fn App() -> Html {
    html! {
        <NangoProvider config={NangoConfig::new().host("http://127.0.0.1:3003")}>
            <Integrations />
        </NangoProvider>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
