//! The desktop app's hooks headless, natively: `use_auth` runs on the core's native driver,
//! its background work on the Dioxus runtime (no `LocalSet`), against the dev server; the
//! Connect UI button opens the session's link in the (test) browser.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use dioxus::dioxus_core::{NoOpMutations, VirtualDom};
use dioxus::prelude::*;
use nango_cli_demo::fake_browser::{Decision, browse};
use nango_dioxus::native::set_opener;
use nango_dioxus::{
    AuthOptions, AuthState, Credentials, NangoConfig, NangoProvider, TokenSource, UseAuthHandle,
    UseAuthOptions, use_auth_with_options,
};
use nango_dioxus_desktop::state_text;

thread_local! {
    static AUTH: RefCell<Option<UseAuthHandle>> = const { RefCell::new(None) };
}

#[derive(Props, Clone, PartialEq)]
struct Props {
    host: String,
    session_url: String,
}

#[allow(non_snake_case)]
fn Root(props: Props) -> Element {
    rsx! { NangoProvider { config: NangoConfig::new().host(props.host.clone()), Child { session_url: props.session_url.clone() } } }
}

#[component]
fn Child(session_url: String) -> Element {
    let tokens = use_hook(|| TokenSource::backend(session_url.clone()));
    let auth = use_auth_with_options(UseAuthOptions::new().session_token(tokens));
    AUTH.with(|a| *a.borrow_mut() = Some(auth));
    rsx! { "{state_text(&auth.state().read())}" }
}

/// Drives the Dioxus runtime until the auth is no longer pending (at most 10 s).
async fn settle(dom: &mut VirtualDom, auth: UseAuthHandle) -> AuthState {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let state = dom.in_runtime(|| auth.state().peek().clone());
        if !matches!(state, AuthState::Pending | AuthState::Idle) {
            return state;
        }
        assert!(Instant::now() < deadline, "still {state:?}");
        let _ = tokio::time::timeout(Duration::from_millis(50), dom.wait_for_work()).await;
        dom.render_immediate(&mut NoOpMutations);
    }
}

#[tokio::test(flavor = "current_thread")]
async fn use_auth_connects_on_the_native_driver_through_the_dioxus_runtime() {
    let server = nango_dev_server::start(nango_dev_server::DevServerConfig::for_tests()).await.unwrap();
    set_opener(|url: &str| {
        let url = url.to_owned();
        tokio::spawn(async move { browse(&url, Decision::Approve).await });
        Ok(())
    });
    let props = Props { host: server.api_url(), session_url: format!("{}/demo/session", server.api_url()) };
    let mut dom = VirtualDom::new_with_props(Root, props);
    dom.rebuild(&mut NoOpMutations);
    let auth = AUTH.with(|a| a.borrow().unwrap());

    dom.in_runtime(|| {
        auth.run("api-key-dev", AuthOptions::new().credentials(Credentials::api_key("dev-key-ok")))
    });
    let AuthState::Connected(api) = settle(&mut dom, auth).await else { panic!() };
    assert_eq!(api.provider_config_key, "api-key-dev");

    dom.in_runtime(|| auth.run("github-dev", AuthOptions::new()));
    let state = settle(&mut dom, auth).await;
    let AuthState::Connected(oauth) = &state else { panic!("{state:?}") };
    assert_eq!(oauth.provider_config_key, "github-dev");
    let made: Vec<_> = server.connections().into_iter().map(|c| c.connection_id).collect();
    assert!(made.contains(&api.connection_id) && made.contains(&oauth.connection_id), "{made:?}");

    // Unmounting cancels a pending run and releases its socket.
    let opened = Rc::new(RefCell::new(0));
    let count = opened.clone();
    set_opener(move |_: &str| {
        *count.borrow_mut() += 1;
        Ok(())
    });
    dom.in_runtime(|| auth.run("github-dev", AuthOptions::new()));
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.memory_report().open_websockets == 0 {
        assert!(Instant::now() < deadline, "the run opened no socket");
        let _ = tokio::time::timeout(Duration::from_millis(50), dom.wait_for_work()).await;
    }
    drop(dom);
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.memory_report().open_websockets != 0 {
        assert!(Instant::now() < deadline, "the socket outlived the app");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
