//! Outside a browser (server-side rendering with Leptos' `ssr` feature) the hooks render their
//! initial state and stay inert: commands end in typed errors, a wrong provider setup is an
//! error for the `<ErrorBoundary>`, nothing panics.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use std::cell::RefCell;

use leptos::prelude::*;
use nango_leptos::{
    AuthOptions, AuthState, NangoConfig, NangoProvider, TokenSource, UseAuthOptions, UseAuthReturn,
    UseConnectUiOptions, UseConnectUiReturn, use_auth_with_options, use_connect_ui_with_options, use_nango,
};

thread_local! {
    static HANDLES: RefCell<Option<(UseConnectUiReturn, UseAuthReturn)>> = const { RefCell::new(None) };
}

#[component]
fn Widgets() -> impl IntoView {
    let ui = use_connect_ui_with_options(UseConnectUiOptions::new().session_token(TokenSource::backend("/s")));
    let auth = use_auth_with_options(UseAuthOptions::new().session_token(TokenSource::fixed("t")));
    HANDLES.with(|h| *h.borrow_mut() = Some((ui, auth)));
    let host = use_nango().map(|n| n.config().host).unwrap_or_else(|e| e.error_type().to_owned());
    let text = format!(
        "open={} ready={} conns={} auth={:?} host={host}",
        ui.is_open.get_untracked(),
        ui.is_ready.get_untracked(),
        ui.connections.get_untracked().len(),
        auth.state.get_untracked()
    );
    view! { <p>{text}</p> }
}

/// Renders `app` to HTML under a fresh owner, which is kept (the handles live in it).
fn render<V: IntoView + 'static>(app: impl FnOnce() -> V) -> (String, Owner) {
    let owner = Owner::new();
    let html = owner.with(|| app().to_html());
    (html, owner)
}

fn guarded(config: Option<NangoConfig>) -> impl IntoView {
    view! {
        <ErrorBoundary fallback=|errors| {
            let kinds: Vec<String> = errors.get_untracked().into_iter().map(|(_, e)| e.to_string()).collect();
            view! { <p>{format!("fallback:{}", kinds.join(","))}</p> }
        }>
            <NangoProvider config>
                <Widgets />
            </NangoProvider>
        </ErrorBoundary>
    }
}

#[test]
fn hooks_render_their_initial_state_and_commands_end_in_typed_errors() {
    let (html, _owner) = render(|| guarded(Some(NangoConfig::new().host("http://localhost:3003"))));
    assert!(html.contains("open=false ready=false conns=0 auth=Idle host=http://localhost:3003"), "{html}");
    let (ui, auth) = HANDLES.with(|h| h.borrow_mut().take()).unwrap();
    ui.open();
    assert!(!ui.is_open.get_untracked());
    assert_eq!(ui.last_error.get_untracked().unwrap().error_type(), "unsupported_environment");
    auth.run("github", AuthOptions::new());
    let state = auth.state.get_untracked();
    let AuthState::Failed(error) = state else { panic!("{state:?}") };
    assert_eq!(error.error_type(), "unsupported_environment");
}

#[test]
fn without_a_provider_the_hooks_do_not_panic() {
    let (html, _owner) = render(|| view! { <Widgets /> });
    assert!(html.contains("host=invalid_provider_setup"), "{html}");
    let (_, auth) = HANDLES.with(|h| h.borrow_mut().take()).unwrap();
    auth.run("github", AuthOptions::new());
    let state = auth.state.get_untracked();
    let AuthState::Failed(error) = state else { panic!("{state:?}") };
    assert_eq!(error.error_type(), "invalid_provider_setup");
}

#[test]
fn a_wrong_provider_setup_is_an_error_for_the_boundary() {
    let (html, _owner) = render(|| guarded(Some(NangoConfig::new().host("not a url"))));
    assert!(html.contains("fallback:invalid_host_url: "), "{html}");
    assert!(!html.contains("open="), "the children are not rendered: {html}");
    let (html, _owner) = render(|| guarded(None));
    assert!(html.contains("fallback:invalid_provider_setup: "), "{html}");
}

#[test]
fn cleanup_releases_the_core_objects() {
    let (_, owner) = render(|| guarded(Some(NangoConfig::new())));
    let (ui, auth) = HANDLES.with(|h| h.borrow_mut().take()).unwrap();
    owner.cleanup();
    // The handles outlive their owner: commands are no-ops, not panics.
    ui.open();
    ui.close();
    auth.run("github", AuthOptions::new());
    auth.cancel();
}
