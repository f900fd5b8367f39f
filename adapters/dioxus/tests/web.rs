//! Component tests in headless Chromium (`wasm-bindgen-test`): each test mounts a small Dioxus
//! app into a fresh root element, drives it through its buttons, and reads the rendered text.
//!
//! The Connect UI base URL is the test page's own origin plus a path that does not exist, so the
//! test can run code in the iframe's realm, as if it were the Connect UI, and post messages from
//! there (accepted) or from elsewhere (ignored). Unmounting is a parent signal that stops
//! rendering the child.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::time::Duration;

use dioxus::prelude::*;
use gloo_timers::future::sleep;
use nango_browser_test_support::*;
use nango_dioxus::{
    AuthError, AuthOptions, AuthState, AuthSuccess, ConnectUiEvent, ConnectUiOptions, Credentials,
    NangoConfig, NangoProvider, Theme, TokenSource, UseAuthOptions, UseConnectUiOptions,
    use_auth_with_options, use_connect_ui_with_options, use_nango,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element as DomElement, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

// ---- page helpers ----

/// Mounts `app` into a fresh root element and returns that element.
fn mount(app: fn() -> Element) -> DomElement {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    dioxus::web::launch::launch_cfg(app, dioxus::web::Config::new().rootelement(root.clone()));
    root
}

fn find(root: &DomElement, id: &str) -> Option<DomElement> {
    root.query_selector(&format!("#{id}")).unwrap()
}

fn text(root: &DomElement, id: &str) -> String {
    find(root, id).and_then(|e| e.text_content()).unwrap_or_default()
}

fn click(root: &DomElement, id: &str) {
    find(root, id).unwrap().dyn_into::<HtmlElement>().unwrap().click();
}

async fn until_text(root: &DomElement, id: &str, want: &str) {
    until(&format!("#{id} to read {want:?}"), || text(root, id) == want).await;
    assert_eq!(text(root, id), want);
}

fn auth_state_text(state: &AuthState) -> String {
    match state {
        AuthState::Idle => "idle".to_owned(),
        AuthState::Pending => "pending".to_owned(),
        AuthState::Connected(c) => format!("connected:{}", c.connection_id),
        AuthState::Failed(e) => format!("failed:{}", e.error_type()),
    }
}

// ---- use_connect_ui ----

thread_local! {
    /// What the Connect UI test's callbacks and token source saw.
    static CALLS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    /// How often the auth test's token source was called.
    static AUTH_FETCHES: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

fn record(call: String) {
    CALLS.with(|calls| calls.borrow_mut().push(call));
}

fn calls() -> Vec<String> {
    CALLS.with(|calls| calls.borrow().clone())
}

fn auth_fetches() -> u32 {
    AUTH_FETCHES.with(|n| n.get())
}

#[allow(non_snake_case)]
fn ConnectApp() -> Element {
    let mut shown = use_signal(|| true);
    rsx! {
        button { id: "unmount", onclick: move |_| shown.set(false), "unmount" }
        if shown() { ConnectChild {} }
    }
}

#[allow(non_snake_case)]
fn ConnectChild() -> Element {
    let mut dark = use_signal(|| false);
    let tokens = use_hook(|| {
        TokenSource::new(|| async {
            record("fetch".to_owned());
            sleep(Duration::from_millis(20)).await;
            Ok("async-tok".to_owned())
        })
    });
    let ui = use_connect_ui_with_options(
        UseConnectUiOptions::new()
            .connect_ui(
                ConnectUiOptions::new()
                    .base_url(connect_ui_test_url())
                    .api_url("http://localhost:3003")
                    .theme(if dark() { Theme::Dark } else { Theme::Light }),
            )
            .session_token(tokens)
            .on_event(use_callback(|e: ConnectUiEvent| record(format!("event:{}", e.kind()))))
            .on_connect(use_callback(|c: AuthSuccess| record(format!("connect:{}", c.connection_id))))
            .on_close(use_callback(|()| record("close".to_owned())))
            .on_error(use_callback(|e: AuthError| record(format!("error:{}", e.error_type())))),
    );
    let state = match (ui.is_open(), ui.is_ready()) {
        (true, true) => "ready",
        (true, false) => "open",
        _ => "closed",
    };
    let last = ui.last_event().as_ref().map_or("none", ConnectUiEvent::kind);
    let error = ui.last_error().as_ref().map_or("none".to_owned(), |e| e.error_type().to_owned());
    let connections: Vec<String> = ui.connections().iter().map(|c| c.connection_id.clone()).collect();
    rsx! {
        span { id: "state", "{state}" }
        span { id: "theme", {if dark() { "dark" } else { "light" }} }
        span { id: "last", "{last}" }
        span { id: "error", "{error}" }
        span { id: "connections", {connections.join(",")} }
        button { id: "open", onclick: move |_| ui.open(), "open" }
        button { id: "close", onclick: move |_| ui.close(), "close" }
        button { id: "dark", onclick: move |_| dark.set(true), "dark" }
    }
}

#[wasm_bindgen_test]
async fn connect_ui_signals_callbacks_origin_checks_and_unmount() {
    let listeners_before = message_listeners();
    let root = mount(ConnectApp);
    until_text(&root, "state", "closed").await;
    assert_eq!(iframes(), 0, "nothing is shown before open()");

    click(&root, "open");
    until_text(&root, "state", "open").await;
    assert_eq!(iframes(), 1);
    assert!(the_iframe().src().contains("theme=light"), "{}", the_iframe().src());
    assert_eq!(message_listeners(), listeners_before + 1);
    loaded_iframe().await;

    // The Connect UI says ready; the token from the async source reaches it.
    frame_eval(
        "window.__got = []; addEventListener('message', e => __got.push(e.data.sessionToken));
         parent.postMessage({type: 'ready'}, '*');",
    );
    until_text(&root, "state", "ready").await;
    until("the token", || frame_eval("__got.join()").as_string().as_deref() == Some("async-tok")).await;

    post_foreign_close().await;

    // Then real events from the iframe: they update the signals and call the callbacks.
    frame_eval(
        "parent.postMessage({type: 'connect', payload: {providerConfigKey: 'github', connectionId: 'c-1'}}, '*');
         parent.postMessage({type: 'error', payload: {errorType: 'connection_test_failed', errorMessage: 'm'}}, '*');",
    );
    until_text(&root, "error", "connection_test_failed").await;
    assert_eq!(text(&root, "connections"), "c-1");
    assert_eq!(text(&root, "state"), "ready", "the foreign close messages were ignored");
    assert_eq!(iframes(), 1);
    frame_eval("parent.postMessage({type: 'close'}, '*')");
    until_text(&root, "state", "closed").await;
    assert_eq!(text(&root, "last"), "close");
    assert_eq!(iframes(), 0, "close from the Connect UI removes the iframe");
    assert_eq!(message_listeners(), listeners_before);
    assert_eq!(
        calls(),
        [
            "fetch",
            "event:ready",
            "event:connect",
            "connect:c-1",
            "event:error",
            "error:connection_test_failed",
            "event:close",
            "close",
        ]
    );

    // Options changed since: the next open uses them; connections made so far are kept;
    // the token is cached, not fetched again.
    click(&root, "dark");
    until_text(&root, "theme", "dark").await; // options are read at render time
    click(&root, "open");
    until_text(&root, "state", "open").await;
    assert!(the_iframe().src().contains("theme=dark"), "{}", the_iframe().src());
    assert_eq!(text(&root, "connections"), "c-1");
    click(&root, "close");
    until_text(&root, "state", "closed").await;
    assert_eq!(iframes(), 0);
    assert_eq!(calls().iter().filter(|c| *c == "fetch").count(), 1);
    assert_eq!(calls().iter().filter(|c| *c == "close").count(), 1, "close() reports no close event");

    // Unmounting while open removes the iframe and the listener.
    click(&root, "open");
    until(" the iframe", || iframes() == 1).await;
    assert_eq!(message_listeners(), listeners_before + 1);
    click(&root, "unmount");
    until("the iframe to go", || iframes() == 0).await;
    assert!(find(&root, "state").is_none());
    assert_eq!(message_listeners(), listeners_before, "the message listener is gone");
    root.remove();
}

// ---- use_auth ----

/// Fake sockets that never connect by themselves (in `__sockets`), and popups tracked.
fn fake_sockets_and_track_popups() {
    fake_sockets();
    track_popups();
}

fn socket_says(json: &str) {
    page_eval(&format!(
        "window.__sockets[window.__sockets.length - 1].dispatchEvent(new MessageEvent('message', {{data: {json:?}}}))"
    ));
}

#[allow(non_snake_case)]
fn AuthApp() -> Element {
    let mut shown = use_signal(|| true);
    rsx! {
        button { id: "unmount", onclick: move |_| shown.set(false), "unmount" }
        NangoProvider { config: NangoConfig::new().host(origin()).public_key("pk"),
            if shown() { AuthChild {} }
        }
    }
}

#[allow(non_snake_case)]
fn AuthChild() -> Element {
    let tokens = use_hook(|| {
        TokenSource::new(|| async {
            AUTH_FETCHES.with(|n| n.set(n.get() + 1));
            Ok("fresh-tok".to_owned())
        })
    });
    let auth = use_auth_with_options(UseAuthOptions::new().session_token(tokens));
    let nango = use_nango().unwrap();
    let state = auth_state_text(&auth.state().read());
    let token = match nango.config().token {
        Some(nango_dioxus::ClientToken::PublicKey(key)) => format!("public key {key}"),
        Some(nango_dioxus::ClientToken::ConnectSession(token)) => format!("session {token}"),
        None => "none".to_owned(),
    };
    rsx! {
        span { id: "auth-state", "{state}" }
        span { id: "token", "{token}" }
        button { id: "oauth", onclick: move |_| auth.run("github", AuthOptions::new()), "oauth" }
        button {
            id: "api-key",
            onclick: move |_| auth.run("stripe", AuthOptions::new().credentials(Credentials::api_key("k"))),
            "api key"
        }
        button { id: "cancel", onclick: move |_| auth.cancel(), "cancel" }
    }
}

#[wasm_bindgen_test]
async fn use_auth_runs_in_the_click_and_cancels_on_cancel_and_unmount() {
    fake_sockets_and_track_popups();
    let root = mount(AuthApp);
    until_text(&root, "auth-state", "idle").await;
    until("the token fetched ahead", || auth_fetches() == 1).await;

    // OAuth: the popup opens in the click, with the fresh token (for this run only).
    let before = popups();
    click(&root, "oauth");
    until("the popup", || popups() == before + 1).await;
    until_text(&root, "auth-state", "pending").await;
    assert!(page_eval("window.__sockets[window.__sockets.length - 1].url").as_string().is_some());
    assert_eq!(text(&root, "token"), "public key pk", "the shared client is not changed");
    socket_says(r#"{"message_type":"connection_ack","ws_client_id":"ws-1"}"#);
    socket_says(r#"{"message_type":"success","provider_config_key":"github","connection_id":"c-9"}"#);
    until_text(&root, "auth-state", "connected:c-9").await;
    until("the popup to close", last_popup_closed).await;

    // cancel(): the popup closes and the state says so.
    click(&root, "oauth");
    until_text(&root, "auth-state", "pending").await;
    click(&root, "cancel");
    until_text(&root, "auth-state", "failed:cancelled").await;
    until("the cancelled popup to close", last_popup_closed).await;

    // A newer run supersedes the pending one; its late result does not overwrite the state.
    click(&root, "oauth");
    until_text(&root, "auth-state", "pending").await;
    let first = popups();
    click(&root, "api-key"); // the test server answers with a non-JSON 404 page
    until_text(&root, "auth-state", "failed:invalid_response").await;
    assert!(page_eval(&format!("window.__popups[{}].closed", first - 1)).as_bool().unwrap());
    sleep(Duration::from_millis(50)).await;
    assert_eq!(text(&root, "auth-state"), "failed:invalid_response");
    assert_eq!(auth_fetches(), 1, "the token was cached");

    // Unmounting while pending cancels: the popup closes.
    click(&root, "oauth");
    until_text(&root, "auth-state", "pending").await;
    click(&root, "unmount");
    until("the unmounted auth's popup to close", last_popup_closed).await;
    assert!(find(&root, "auth-state").is_none());
    root.remove();
}

// ---- provider ----

#[allow(non_snake_case)]
fn ProviderApp() -> Element {
    rsx! {
        span { id: "outside", {if use_nango().is_ok() { "some" } else { "none" }} }
        NangoProvider { config: NangoConfig::new().host("http://localhost:3003"), Probe {} }
        ErrorBoundary {
            handle_error: |errors: ErrorContext| rsx! { span { id: "bad", "{errors.error().map(|e| e.to_string()).unwrap_or_default()}" } },
            NangoProvider { config: NangoConfig::new().host("not a url"), Probe {} }
        }
    }
}

#[allow(non_snake_case)]
fn Probe() -> Element {
    let host = use_nango().map(|n| n.config().host).unwrap_or_default();
    rsx! { span { class: "probe", "{host}" } }
}

#[wasm_bindgen_test]
async fn the_provider_gives_the_client_and_reports_a_bad_config() {
    let root = mount(ProviderApp);
    until("the bad config to be reported", || find(&root, "bad").is_some()).await;
    assert_eq!(text(&root, "outside"), "none", "no silent default client");
    let probes = root.query_selector_all(".probe").unwrap();
    assert_eq!(probes.length(), 1, "the probe under the invalid config is not rendered");
    assert_eq!(probes.get(0).unwrap().text_content().unwrap(), "http://localhost:3003");
    assert!(text(&root, "bad").contains("host"), "{}", text(&root, "bad"));
    root.remove();
}
