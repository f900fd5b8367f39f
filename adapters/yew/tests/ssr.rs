//! Outside a browser the hooks render their initial state and do nothing else (server-side
//! rendering with Yew's `ssr` feature); a wrong provider setup renders the fallback, no panic.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use nango_yew::{
    AuthError, NangoConfig, NangoProvider, TokenSource, UseAuthOptions, UseConnectUiOptions,
    use_auth_with_options, use_connect_ui_with_options, use_nango,
};
use yew::LocalServerRenderer;
use yew::prelude::*;

#[component]
fn Widgets() -> Html {
    let ui =
        use_connect_ui_with_options(UseConnectUiOptions::new().session_token(TokenSource::backend("/s")));
    let auth = use_auth_with_options(UseAuthOptions::new().session_token(TokenSource::fixed("t")));
    let host = use_nango().map(|n| n.config().host).unwrap_or_else(|e| e.error_type().to_owned());
    html! {
        <p>{ format!("open={} ready={} conns={} auth={:?} host={host}", ui.is_open, ui.is_ready, ui.connections.len(), auth.state) }</p>
    }
}

#[component]
fn WithProvider() -> Html {
    html! { <NangoProvider config={NangoConfig::new().host("http://localhost:3003")}><Widgets /></NangoProvider> }
}

fn fallback() -> Callback<AuthError, Html> {
    Callback::from(|e: AuthError| html! { <p>{ format!("fallback:{}", e.error_type()) }</p> })
}

#[component]
fn BadConfig() -> Html {
    html! { <NangoProvider config={NangoConfig::new().host("not a url")} fallback={fallback()}><Widgets /></NangoProvider> }
}

#[component]
fn Neither() -> Html {
    html! { <NangoProvider fallback={fallback()}><Widgets /></NangoProvider> }
}

#[component]
fn NeitherNoFallback() -> Html {
    html! { <NangoProvider><Widgets /></NangoProvider> }
}

async fn render<C: BaseComponent<Properties = ()>>() -> String {
    LocalServerRenderer::<C>::new().hydratable(false).render().await
}

#[tokio::test]
async fn hooks_render_their_initial_state_outside_a_browser() {
    let html = render::<WithProvider>().await;
    assert_eq!(html, "<p>open=false ready=false conns=0 auth=Idle host=http://localhost:3003</p>");
    assert_eq!(
        render::<Widgets>().await,
        "<p>open=false ready=false conns=0 auth=Idle host=invalid_provider_setup</p>",
        "without a provider: an error value, not a panic"
    );
}

#[tokio::test]
async fn a_wrong_provider_setup_renders_the_fallback_instead_of_the_children() {
    assert_eq!(render::<BadConfig>().await, "<p>fallback:invalid_host_url</p>");
    assert_eq!(render::<Neither>().await, "<p>fallback:invalid_provider_setup</p>");
    assert_eq!(render::<NeitherNoFallback>().await, "", "no fallback: nothing");
}

#[test]
fn callbacks_set_before_connect_ui_are_kept_unless_it_brings_its_own() {
    use std::cell::Cell;
    use std::rc::Rc;
    let closed = Rc::new(Cell::new(0));
    let counter = closed.clone();
    let options = UseConnectUiOptions::new()
        .on_close(move |()| counter.set(counter.get() + 1))
        .connect_ui(nango_yew::ConnectUiOptions::new().base_url("https://connect.example.com"));
    assert_eq!(options.connect_ui.base_url.as_deref(), Some("https://connect.example.com"));
    (options.connect_ui.on_close.clone().expect("on_close kept"))();
    assert_eq!(closed.get(), 1, "the Yew callback is called through the core's options");
    let own = nango_yew::ConnectUiOptions::new().on_close(|| {});
    let replaced = options.connect_ui(own.clone());
    assert_eq!(replaced.connect_ui, own, "the options' own callback wins");
}
