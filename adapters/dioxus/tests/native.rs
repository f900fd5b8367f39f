//! Outside a browser (server-side rendering) the hooks run and stay inert: nothing is shown, and
//! commands end in typed `unsupported_environment` errors instead of panics.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;

use dioxus::dioxus_core::{NoOpMutations, VirtualDom};
use dioxus::prelude::*;
use nango_dioxus::{
    AuthOptions, AuthState, NangoConfig, NangoProvider, TokenSource, UseAuthHandle, UseConnectUiHandle,
    UseConnectUiOptions, try_use_nango, use_auth, use_connect_ui_with_options, use_nango,
};

thread_local! {
    static HANDLES: RefCell<Option<(UseConnectUiHandle, UseAuthHandle, bool)>> = const { RefCell::new(None) };
}

#[allow(non_snake_case)]
fn App() -> Element {
    let outside = try_use_nango().is_some();
    rsx! {
        NangoProvider { config: NangoConfig::new().connect_session_token("t"), Child { outside } }
    }
}

#[component]
fn Child(outside: bool) -> Element {
    let ui = use_connect_ui_with_options(UseConnectUiOptions::new().session_token(TokenSource::fixed("t")));
    let auth = use_auth();
    HANDLES.with(|h| *h.borrow_mut() = Some((ui, auth, outside)));
    rsx! { "{ui.is_open()}" }
}

#[test]
fn hooks_are_inert_outside_a_browser() {
    let mut dom = VirtualDom::new(App);
    dom.rebuild(&mut NoOpMutations);
    let (ui, auth, outside) = HANDLES.with(|h| h.borrow().unwrap());
    assert!(!outside, "no client above the provider");
    dom.in_runtime(|| {
        assert!(!*ui.is_open().peek());
        ui.open();
        assert!(!*ui.is_open().peek());
        let error = ui.last_error().peek().clone().unwrap();
        assert_eq!(error.error_type(), "unsupported_environment");
        auth.run("github", AuthOptions::new());
        assert_eq!(*auth.state().peek(), AuthState::Pending);
    });
    futures_executor_block_on_work(&mut dom);
    dom.in_runtime(|| {
        let state = auth.state().peek().clone();
        let AuthState::Failed(error) = state else { panic!("{state:?}") };
        assert_eq!(error.error_type(), "unsupported_environment");
    });
}

/// Polls the VirtualDom's tasks until it has no more work.
fn futures_executor_block_on_work(dom: &mut VirtualDom) {
    use std::future::Future;
    use std::task::{Context, Waker};
    for _ in 0..10 {
        let mut cx = Context::from_waker(Waker::noop());
        let ready = std::pin::pin!(dom.wait_for_work()).poll(&mut cx).is_ready();
        if !ready {
            break;
        }
        dom.render_immediate(&mut NoOpMutations);
    }
}

#[allow(non_snake_case)]
fn Orphan() -> Element {
    let _ = use_nango();
    rsx! {}
}

#[test]
fn use_nango_without_a_provider_names_the_hook_and_the_provider() {
    // Dioxus catches a component's panic (it becomes a render error), so read the panic message.
    let seen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let sink = seen.clone();
    std::panic::set_hook(Box::new(move |info| *sink.lock().unwrap() = info.to_string()));
    VirtualDom::new(Orphan).rebuild(&mut NoOpMutations);
    let _ = std::panic::take_hook();
    let message = seen.lock().unwrap().clone();
    assert!(message.contains("use_nango()") && message.contains("NangoProvider"), "{message}");
}
