//! Outside a browser the hooks render their initial state and do nothing else (server-side
//! rendering with Yew's `ssr` feature).

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use nango_yew::{
    NangoConfig, NangoProvider, TokenSource, UseAuthOptions, UseConnectUiOptions, use_auth_with_options,
    use_connect_ui_with_options, use_nango, use_optional_nango,
};
use yew::LocalServerRenderer;
use yew::prelude::*;

#[component]
fn Widgets() -> Html {
    let ui =
        use_connect_ui_with_options(UseConnectUiOptions::new().session_token(TokenSource::backend("/s")));
    let auth = use_auth_with_options(UseAuthOptions::new().session_token(TokenSource::fixed("t")));
    let host = use_nango().config().host;
    html! {
        <p>{ format!("open={} ready={} conns={} auth={:?} host={host}", ui.is_open, ui.is_ready, ui.connections.len(), auth.state) }</p>
    }
}

#[component]
fn WithProvider() -> Html {
    html! { <NangoProvider config={NangoConfig::new().host("http://localhost:3003")}><Widgets /></NangoProvider> }
}

#[component]
fn Optional() -> Html {
    let client = use_optional_nango();
    html! { <p>{ format!("client={}", client.is_some()) }</p> }
}

#[component]
fn BadConfig() -> Html {
    html! { <NangoProvider config={NangoConfig::new().host("not a url")}><Optional /></NangoProvider> }
}

#[component]
fn NoProvider() -> Html {
    let _ = use_nango();
    html! {}
}

async fn render<C: BaseComponent<Properties = ()>>() -> String {
    LocalServerRenderer::<C>::new().hydratable(false).render().await
}

#[tokio::test]
async fn hooks_render_their_initial_state_outside_a_browser() {
    let html = render::<WithProvider>().await;
    assert_eq!(html, "<p>open=false ready=false conns=0 auth=Idle host=http://localhost:3003</p>");
    assert_eq!(render::<Optional>().await, "<p>client=false</p>");
    assert_eq!(
        render::<BadConfig>().await,
        "<p>client=false</p>",
        "an invalid configuration gives no client"
    );
}

#[test]
fn use_nango_without_a_provider_names_the_provider() {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let panic =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| runtime.block_on(render::<NoProvider>())));
    let message = panic.expect_err("use_nango must panic without a provider");
    let text = message
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| message.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default();
    assert!(text.contains("use_nango") && text.contains("<NangoProvider"), "{text}");
}
