//! Outside a browser (server-side rendering) the hooks run and stay inert: nothing is shown, and
//! commands end in typed errors instead of panics.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;

use dioxus::dioxus_core::{NoOpMutations, VirtualDom};
use dioxus::prelude::*;
use nango_dioxus::{
    AuthOptions, AuthState, NangoConfig, NangoProvider, TokenSource, UseAuthHandle, UseConnectUiHandle,
    UseConnectUiOptions, use_auth, use_connect_ui_with_options, use_nango,
};

thread_local! {
    static HANDLES: RefCell<Option<(UseConnectUiHandle, UseAuthHandle, String)>> = const { RefCell::new(None) };
}

#[allow(non_snake_case)]
fn App() -> Element {
    let outside = use_nango().map_or_else(|e| e.error_type().to_owned(), |_| "client".to_owned());
    rsx! {
        NangoProvider { config: NangoConfig::new().connect_session_token("t"), Child { outside } }
    }
}

#[component]
fn Child(outside: String) -> Element {
    let ui = use_connect_ui_with_options(UseConnectUiOptions::new().session_token(TokenSource::fixed("t")));
    let auth = use_auth();
    HANDLES.with(|h| *h.borrow_mut() = Some((ui, auth, outside.clone())));
    rsx! { "{ui.is_open()}" }
}

#[test]
fn hooks_are_inert_outside_a_browser() {
    let mut dom = VirtualDom::new(App);
    dom.rebuild(&mut NoOpMutations);
    let (ui, auth, outside) = HANDLES.with(|h| h.borrow().clone().unwrap());
    assert_eq!(outside, "invalid_provider_setup", "no client above the provider: an error, no panic");
    dom.in_runtime(|| {
        assert!(!ui.snapshot().peek().is_open);
        ui.open();
        assert!(!ui.snapshot().peek().is_open);
        let error = ui.snapshot().peek().last_error.clone().unwrap();
        assert_eq!(error.error_type(), "unsupported_environment");
        auth.run("github", AuthOptions::new());
        let state = auth.state().peek().clone();
        let AuthState::Failed(error) = state else { panic!("{state:?}") };
        assert_eq!(error.error_type(), "unsupported_environment");
    });
}

thread_local! {
    static ORPHAN: RefCell<Option<AuthState>> = const { RefCell::new(None) };
}

#[allow(non_snake_case)]
fn Orphan() -> Element {
    let auth = use_auth();
    auth.run("github", AuthOptions::new());
    ORPHAN.with(|o| *o.borrow_mut() = Some(auth.state().peek().clone()));
    rsx! {}
}

#[test]
fn hooks_without_a_provider_do_not_panic() {
    VirtualDom::new(Orphan).rebuild(&mut NoOpMutations);
    let state = ORPHAN.with(|o| o.borrow().clone());
    let Some(AuthState::Failed(error)) = state else { panic!("{state:?}") };
    assert_eq!(error.error_type(), "invalid_provider_setup");
}
