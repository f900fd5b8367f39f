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

/// Renders the hooks' initial state, then runs commands and renders the state they left.
#[component]
fn Widgets() -> impl IntoView {
    let ui =
        use_connect_ui_with_options(UseConnectUiOptions::new().session_token(TokenSource::backend("/s")));
    let auth = use_auth_with_options(UseAuthOptions::new().session_token(TokenSource::fixed("t")));
    HANDLES.with(|h| *h.borrow_mut() = Some((ui, auth)));
    let host = use_nango().map(|n| n.config().host).unwrap_or_else(|e| e.error_type().to_owned());
    let auth_text = move || match auth.state.get_untracked() {
        AuthState::Failed(e) => format!("failed:{}", e.error_type()),
        state => format!("{state:?}"),
    };
    let before = format!(
        "open={} ready={} conns={} auth={} host={host}",
        ui.is_open.get_untracked(),
        ui.is_ready.get_untracked(),
        ui.connections.get_untracked().len(),
        auth_text()
    );
    ui.open();
    auth.run("github", AuthOptions::new());
    let error = ui.last_error.get_untracked().map(|e| e.error_type().to_owned());
    let after = format!("after: open={} error={error:?} auth={}", ui.is_open.get_untracked(), auth_text());
    view! { <p>{before}</p><p>{after}</p> }
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
    assert!(
        html.contains(
            r#"after: open=false error=Some("unsupported_environment") auth=failed:unsupported_environment"#
        ),
        "{html}"
    );
}

#[test]
fn without_a_provider_the_hooks_do_not_panic() {
    let (html, _owner) = render(|| view! { <Widgets /> });
    assert!(html.contains("host=invalid_provider_setup"), "{html}");
    assert!(html.contains("auth=failed:invalid_provider_setup"), "{html}");
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
fn commands_after_cleanup_are_no_ops_not_panics() {
    let (_, owner) = render(|| guarded(Some(NangoConfig::new())));
    let (ui, auth) = HANDLES.with(|h| h.borrow_mut().take()).unwrap();
    owner.cleanup();
    // The handles outlive their owner (rendering to HTML already ended the provider's): commands
    // are no-ops, not panics.
    ui.open();
    ui.close();
    auth.run("github", AuthOptions::new());
    auth.cancel();
}
