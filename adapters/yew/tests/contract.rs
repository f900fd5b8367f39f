//! The adapter contract (listed in the core's docs) for Yew: the shared tests
//! (`tests/browser-support/contract.rs`) on this crate's `App`. `#next` re-renders with the next
//! phase, `#unmount` unmounts the probe.

#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use nango_yew as nango;
use nango_yew::{
    AuthError, AuthOptions, AuthState, AuthSuccess, ConnectUiOptions, NangoProvider, UseAuthOptions,
    UseConnectUiOptions, use_auth_with_options, use_connect_ui_with_options,
};
use yew::prelude::*;

include!("../../../tests/browser-support/contract.rs");

#[derive(Properties, PartialEq)]
struct ProbeProps {
    phase: u32,
}

#[component]
fn Probe(props: &ProbeProps) -> Html {
    let phase = props.phase;
    let (base_url, ui_token, auth_token) = SETUP.with(|s| {
        let s = s.borrow();
        ((s.base_url)(phase), (s.ui_token)(phase), (s.auth_token)(phase))
    });
    let mut options = UseConnectUiOptions::new()
        .connect_ui(ConnectUiOptions::new().base_url(base_url))
        .on_connect(move |c: AuthSuccess| log(format!("{phase}:connect:{}", c.connection_id)))
        .on_error(move |e: AuthError| log(format!("{phase}:error:{}", e.error_type())));
    if let Some(token) = ui_token {
        options = options.session_token(token);
    }
    let ui = use_connect_ui_with_options(options);
    let mut auth_options = UseAuthOptions::new();
    if let Some(token) = auth_token {
        auth_options = auth_options.session_token(token);
    }
    let auth = use_auth_with_options(auth_options);
    let state = match (ui.is_open, ui.is_ready) {
        (true, true) => "ready",
        (true, false) => "open",
        _ => "closed",
    };
    let auth_state = match &auth.state {
        AuthState::Idle => "idle".to_owned(),
        AuthState::Pending => "pending".to_owned(),
        AuthState::Connected(c) => format!("connected:{}", c.connection_id),
        AuthState::Failed(e) => format!("failed:{}", e.error_type()),
    };
    let error = ui.last_error.as_ref().map(|e| e.error_type().to_owned()).unwrap_or_default();
    let on = |f: fn(&nango_yew::UseConnectUiHandle, &nango_yew::UseAuthHandle)| {
        let (ui, auth) = (ui.clone(), auth.clone());
        Callback::from(move |_: MouseEvent| f(&ui, &auth))
    };
    html! {
        <div>
            <span id="phase">{ phase }</span>
            <span id="state">{ state }</span>
            <span id="error">{ error }</span>
            <span id="auth">{ auth_state }</span>
            <button id="open" onclick={on(|ui, _| ui.open())}>{ "open" }</button>
            <button id="close" onclick={on(|ui, _| ui.close())}>{ "close" }</button>
            <button id="set-token" onclick={on(|ui, _| ui.set_session_token("mine"))}>{ "set" }</button>
            <button id="oauth" onclick={on(|_, a| a.run("github", AuthOptions::new()))}>{ "oauth" }</button>
            <button id="reconnect" onclick={on(|_, a| a.reconnect("github", AuthOptions::new()))}>{ "re" }</button>
            <button id="create" onclick={on(|_, a| a.create("unauthenticated", AuthOptions::new()))}>{ "create" }</button>
        </div>
    }
}

#[component]
fn App() -> Html {
    let phase = use_state(|| 0u32);
    let shown = use_state(|| true);
    let next = {
        let phase = phase.clone();
        move |_| phase.set(*phase + 1)
    };
    let unmount = {
        let shown = shown.clone();
        move |_| shown.set(false)
    };
    let probe = if *shown {
        html! { <Probe phase={*phase} /> }
    } else {
        html! {}
    };
    let fallback =
        Callback::from(|e: AuthError| html! { <span id="fallback">{ e.error_type().to_owned() }</span> });
    let body = match SETUP.with(|s| s.borrow().provider.clone()) {
        Some((client, config)) => {
            html! { <NangoProvider {client} {config} {fallback}>{ probe }</NangoProvider> }
        }
        None => probe,
    };
    html! {
        <div>
            <button id="next" onclick={next}>{ "next" }</button>
            <button id="unmount" onclick={unmount}>{ "unmount" }</button>
            { body }
        </div>
    }
}

thread_local! {
    static MOUNTED: RefCell<Option<yew::AppHandle<App>>> = const { RefCell::new(None) };
}

fn start(setup: Setup) -> web_sys::Element {
    let root = reset_page(setup);
    let app = yew::Renderer::<App>::with_root(root.clone()).render();
    MOUNTED.with(|m| *m.borrow_mut() = Some(app));
    root
}

async fn finish(root: web_sys::Element) {
    if let Some(app) = MOUNTED.with(|m| m.borrow_mut().take()) {
        app.destroy();
    }
    yew::scheduler::flush().await;
    root.remove();
}
