//! The adapter contract (listed in the core's docs) for Dioxus: the shared tests
//! (`tests/browser-support/contract.rs`) on this crate's `App`. `#next` re-renders with the next
//! phase, `#unmount` unmounts the probe.

#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use dioxus::prelude::*;
use nango_dioxus as nango;
use nango_dioxus::{
    AuthError, AuthOptions, AuthState, AuthSuccess, ConnectUiOptions, NangoProvider, UseAuthOptions,
    UseConnectUiOptions, use_auth_with_options, use_connect_ui_with_options,
};

include!("../../../tests/browser-support/contract.rs");

#[component]
fn Probe(phase: u32) -> Element {
    let (base_url, ui_token, auth_token) = SETUP.with(|s| {
        let s = s.borrow();
        ((s.base_url)(phase), (s.ui_token)(phase), (s.auth_token)(phase))
    });
    // New closures at every render (not `use_callback`): the contract says the latest is called.
    let mut options = UseConnectUiOptions::new()
        .connect_ui(ConnectUiOptions::new().base_url(base_url))
        .on_connect(EventHandler::new(move |c: AuthSuccess| {
            log(format!("{phase}:connect:{}", c.connection_id))
        }))
        .on_error(EventHandler::new(move |e: AuthError| log(format!("{phase}:error:{}", e.error_type()))));
    if let Some(token) = ui_token {
        options = options.session_token(token);
    }
    let ui = use_connect_ui_with_options(options);
    let mut auth_options = UseAuthOptions::new();
    if let Some(token) = auth_token {
        auth_options = auth_options.session_token(token);
    }
    let auth = use_auth_with_options(auth_options);
    let state = match (ui.is_open(), ui.is_ready()) {
        (true, true) => "ready",
        (true, false) => "open",
        _ => "closed",
    };
    let auth_state = match &*auth.state().read() {
        AuthState::Idle => "idle".to_owned(),
        AuthState::Pending => "pending".to_owned(),
        AuthState::Connected(c) => format!("connected:{}", c.connection_id),
        AuthState::Failed(e) => format!("failed:{}", e.error_type()),
    };
    let error = ui.last_error().map(|e| e.error_type().to_owned()).unwrap_or_default();
    rsx! {
        span { id: "phase", "{phase}" }
        span { id: "state", "{state}" }
        span { id: "error", "{error}" }
        span { id: "auth", "{auth_state}" }
        button { id: "open", onclick: move |_| ui.open(), "open" }
        button { id: "close", onclick: move |_| ui.close(), "close" }
        button { id: "set-token", onclick: move |_| ui.set_session_token("mine"), "set" }
        button { id: "oauth", onclick: move |_| auth.run("github", AuthOptions::new()), "oauth" }
        button { id: "reconnect", onclick: move |_| auth.reconnect("github", AuthOptions::new()), "re" }
        button { id: "create", onclick: move |_| auth.create("unauthenticated", AuthOptions::new()), "create" }
    }
}

#[allow(non_snake_case)]
fn App() -> Element {
    let mut phase = use_signal(|| 0u32);
    let mut shown = use_signal(|| true);
    let provider = use_hook(|| SETUP.with(|s| s.borrow().provider.clone()));
    let probe = rsx! {
        if shown() { Probe { phase: phase() } }
    };
    let body = match provider {
        Some((client, config)) => rsx! {
            ErrorBoundary {
                handle_error: |errors: ErrorContext| {
                    let kind = errors.error().map(|e| e.to_string()).unwrap_or_default();
                    let kind = kind.split(':').next().unwrap_or_default().to_owned();
                    rsx! { span { id: "fallback", "{kind}" } }
                },
                NangoProvider { client, config, {probe} }
            }
        },
        None => probe,
    };
    rsx! {
        button { id: "next", onclick: move |_| phase += 1, "next" }
        button { id: "unmount", onclick: move |_| shown.set(false), "unmount" }
        {body}
    }
}

fn start(setup: Setup) -> web_sys::Element {
    let root = reset_page(setup);
    dioxus::web::launch::launch_cfg(App, dioxus::web::Config::new().rootelement(root.clone()));
    root
}

async fn finish(root: web_sys::Element) {
    if root.query_selector("#unmount").unwrap().is_some() {
        click(&root, "unmount").await;
        until("the probe to unmount", || root.query_selector("#state").unwrap().is_none()).await;
    }
    root.remove();
}
