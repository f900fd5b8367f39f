//! Browser tests of the web-sys layer, in headless Chromium (`wasm-bindgen-test`).
//!
//! The Connect UI base URL points at the test page's own origin (a path that does not exist),
//! so the test can run code inside the iframe's realm, as if it were the Connect UI
//! (see `docs/testing.md`): messages from that realm are the Connect UI's; messages posted from the
//! test's own realm or from a sandboxed iframe (origin "null") must be ignored.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use futures_util::StreamExt;
use gloo_timers::future::sleep;
use nango_browser_test_support::*;
use nango_frontend::{
    AuthErrorType, AuthOptions, ConnectUi, ConnectUiEvent, ConnectUiOptions, Credentials, Json, Nango,
    NangoConfig, SessionTokens, TokenSource,
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn window() -> web_sys::Window {
    web_sys::window().unwrap()
}

fn options() -> ConnectUiOptions {
    ConnectUiOptions::new()
        .base_url(format!("{}/connect-ui-test", origin()))
        .api_url("http://localhost:3003")
        .lang("fr")
}

#[wasm_bindgen_test]
async fn one_iframe_with_the_documented_attributes() {
    let before = message_listeners();
    let body = window().document().unwrap().body().unwrap();
    body.style().set_property("overflow", "scroll").unwrap();
    let ui = ConnectUi::open(options().session_token("tok")).unwrap();
    ui.show().unwrap();
    let again = ui.clone();
    again.show().unwrap();
    assert_eq!(iframes(), 1, "opening twice never makes a second iframe");
    let iframe = the_iframe();
    assert_eq!(
        iframe.src(),
        format!("{}/connect-ui-test/?apiURL=http%3A%2F%2Flocalhost%3A3003&lang=fr", origin())
    );
    assert_eq!(iframe.title(), "Nango Connect");
    assert_eq!(iframe.get_attribute("allow").as_deref(), Some("clipboard-write"));
    let style = iframe.style();
    for (k, v) in [
        ("position", "fixed"),
        ("z-index", "9999"),
        ("top", "0px"),
        ("left", "0px"),
        ("right", "0px"),
        ("bottom", "0px"),
        ("width", "100vw"),
        ("height", "100vh"),
        ("border-style", "none"),
        ("background-color", "transparent"),
    ] {
        assert_eq!(style.get_property_value(k).unwrap(), v, "{k}");
    }
    assert_eq!(body.style().get_property_value("overflow").unwrap(), "hidden");
    assert_eq!(message_listeners(), before + 1);
    assert!(ui.is_open());

    ui.close();
    assert_eq!(iframes(), 0);
    assert!(!again.is_open());
    // JS bug: the official SDK sets overflow to "" here; we restore what the page had.
    assert_eq!(body.style().get_property_value("overflow").unwrap(), "scroll");
    assert_eq!(message_listeners(), before);

    again.show().unwrap();
    assert_eq!(iframes(), 1, "it can be shown again");
    drop(ui);
    assert_eq!(iframes(), 1, "a clone still holds it");
    drop(again);
    assert_eq!(iframes(), 0, "dropping the last handle closes it");
    assert_eq!(message_listeners(), before);
    body.style().remove_property("overflow").unwrap();
}

#[wasm_bindgen_test]
fn the_pages_overflow_longhands_and_their_priority_are_restored() {
    let style = window().document().unwrap().body().unwrap().style();
    style.set_property_with_priority("overflow-x", "hidden", "important").unwrap();
    style.set_property("overflow-y", "auto").unwrap();
    let ui = ConnectUi::open(options()).unwrap();
    assert_eq!(style.get_property_value("overflow").unwrap(), "hidden");
    ui.close();
    assert_eq!(style.get_property_value("overflow-x").unwrap(), "hidden");
    assert_eq!(style.get_property_priority("overflow-x"), "important");
    assert_eq!(style.get_property_value("overflow-y").unwrap(), "auto");
    assert_eq!(style.get_property_priority("overflow-y"), "");
    style.remove_property("overflow").unwrap();
}

#[wasm_bindgen_test]
async fn only_the_iframe_speaks_for_the_connect_ui() {
    let ui = ConnectUi::open(options()).unwrap();
    let mut events = ui.events();
    loaded_iframe().await;

    post_foreign_close().await;
    // From the iframe's realm: non-objects and typeless objects are ignored, then a real event.
    frame_eval(
        "parent.postMessage('close', '*'); parent.postMessage({payload: 1}, '*');
         parent.postMessage({type: 'error', payload: {errorType: 'first', errorMessage: 'm'}}, '*');",
    );
    let first = events.next().await.unwrap();
    assert_eq!(first, ConnectUiEvent::Error { error_type: "first".into(), error_message: "m".into() });
    assert!(ui.is_open(), "the foreign close messages were ignored");
}

#[wasm_bindgen_test]
async fn ready_gets_the_token_and_events_arrive_in_order() {
    let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let log = seen.clone();
    let ui = ConnectUi::open(options().on_event(move |e| log.borrow_mut().push(e.kind()))).unwrap();
    let mut events = ui.events();
    loaded_iframe().await;
    frame_eval(
        "window.__got = []; addEventListener('message', e => __got.push([e.origin, e.data.type, e.data.sessionToken].join(' ')));
         parent.postMessage({type: 'ready'}, '*');",
    );
    assert_eq!(events.next().await, Some(ConnectUiEvent::Ready));
    assert!(ui.is_ready());
    sleep(Duration::from_millis(50)).await;
    assert_eq!(frame_eval("__got.length").as_f64(), Some(0.0), "no token known yet: nothing posted");
    ui.set_session_token("tok-1");
    until("the token", || frame_eval("__got.length").as_f64() == Some(1.0)).await;
    let got = frame_eval("__got[0]").as_string().unwrap();
    assert_eq!(got, format!("{} session_token tok-1", origin()));

    frame_eval(
        "parent.postMessage({type: 'settings_changed', payload: {theme: {light: {primary: '#000'}, dark: {primary: '#fff'}}, defaultTheme: 'dark', showWatermark: false}}, '*');
         parent.postMessage({type: 'connect', payload: {providerConfigKey: 'github', connectionId: 'c-1'}}, '*');
         parent.postMessage({type: 'close'}, '*');",
    );
    let mut kinds = Vec::new();
    for _ in 0..3 {
        kinds.push(events.next().await.unwrap().kind());
    }
    assert_eq!(kinds, ["settings_changed", "connect", "close"]);
    assert_eq!(
        *seen.borrow(),
        ["ready", "settings_changed", "connect", "close"],
        "callback saw the same, in order"
    );
    assert_eq!(iframes(), 0, "close from the Connect UI removes the iframe");
    assert!(!ui.is_open());
}

#[wasm_bindgen_test]
async fn the_token_is_posted_to_the_connect_ui_origin_only() {
    let ui = ConnectUi::open(options().session_token("tok-2")).unwrap();
    loaded_iframe().await;
    // The iframe's own postMessage, replaced: it records the target origin it is called with.
    frame_eval(
        "window.__targets = []; window.postMessage = (message, target) => __targets.push(String(target));
         parent.postMessage({type: 'ready'}, '*');",
    );
    until("the token", || frame_eval("__targets.length").as_f64() == Some(1.0)).await;
    assert_eq!(frame_eval("__targets[0]").as_string(), Some(origin()), "the base URL's origin, never '*'");
    ui.close();
}

#[wasm_bindgen_test]
async fn a_blocked_popup_is_blocked_by_browser() {
    page_eval("window.__open = window.open; window.open = () => null;");
    let nango = Nango::new(NangoConfig::new().connect_session_token("t").host("http://127.0.0.1:9")).unwrap();
    let result = nango.auth("github", AuthOptions::new()).await;
    page_eval("window.open = window.__open;");
    assert_eq!(result.unwrap_err().kind, AuthErrorType::BlockedByBrowser);
}

#[wasm_bindgen_test]
async fn a_socket_that_fails_ends_the_auth_and_closes_the_popup() {
    track_popups();
    // Nothing listens on port 9: the socket fails, which the official SDK never notices.
    let nango = Nango::new(NangoConfig::new().connect_session_token("t").host("http://127.0.0.1:9")).unwrap();
    let err = nango.auth("github", AuthOptions::new()).await.unwrap_err();
    assert_eq!(err.kind, AuthErrorType::NetworkError);
    until("the popup to close", last_popup_closed).await;
}

#[wasm_bindgen_test]
async fn a_second_auth_cancels_the_first_and_drop_cancels() {
    track_popups();
    let nango = Nango::new(NangoConfig::new().connect_session_token("t").host("http://127.0.0.1:9")).unwrap();
    let first = nango.auth("github", AuthOptions::new());
    let second = nango.clone().auth("github", AuthOptions::new());
    until("the first popup to close", || popup_closed(1)).await;
    assert_eq!(first.await.unwrap_err().kind, AuthErrorType::Cancelled);
    drop(second);
    until("the dropped auth's popup to close", last_popup_closed).await;
}

#[wasm_bindgen_test]
async fn a_non_json_answer_is_a_typed_error() {
    // The test server answers this POST with a non-JSON 404 page.
    let nango = Nango::new(NangoConfig::new().connect_session_token("t").host(origin())).unwrap();
    let err =
        nango.auth("stripe", AuthOptions::new().credentials(Credentials::api_key("k"))).await.unwrap_err();
    assert_eq!(err.kind, AuthErrorType::InvalidResponse, "{err:?}");
    assert!(err.message.contains("404"), "{err:?}");
}

#[wasm_bindgen_test]
async fn each_post_carries_what_its_endpoint_expects() {
    // `fetch` replaced by a recorder for the length of the test.
    page_eval(
        r#"window.__realFetch = window.fetch; window.__requests = [];
        window.fetch = (url, init) => {
            window.__requests.push({ url, method: init.method, headers: init.headers ?? null, body: init.body ?? null });
            const body = JSON.stringify({ token: "tok", providerConfigKey: "stripe", connectionId: "c" });
            return Promise.resolve(new Response(body, { status: 200 }));
        };"#,
    );
    let token = SessionTokens::new(TokenSource::backend("/session")).get().await;
    let nango =
        Nango::new(NangoConfig::new().connect_session_token("t").host("http://localhost:3003")).unwrap();
    let success = nango.auth("stripe", AuthOptions::new().credentials(Credentials::api_key("k"))).await;
    let recorded = page_eval("window.fetch = window.__realFetch; JSON.stringify(window.__requests)");
    assert_eq!(token.unwrap(), "tok");
    assert_eq!(success.unwrap().connection_id, "c");

    let recorded = Json::parse(&recorded.as_string().unwrap()).unwrap();
    let Json::Array(requests) = recorded else { panic!("{recorded}") };
    let [backend, nango_post] = &requests[..] else { panic!("{requests:?}") };
    // The app's backend: no body and no content type, so no CORS preflight is needed.
    assert_eq!(backend.to_string(), r#"{"url":"/session","method":"POST","headers":null,"body":null}"#);
    // Nango: a JSON body with its content type, as the JS SDK sends it.
    assert_eq!(
        nango_post.to_string(),
        r#"{"url":"http://localhost:3003/api-auth/api-key/stripe?connect_session_token=t","method":"POST","headers":{"Content-Type":"application/json"},"body":"{\"apiKey\":\"k\"}"}"#
    );
}

#[wasm_bindgen_test]
async fn a_timeout_too_long_for_a_browser_timer_never_fires() {
    // `fetch` replaced by one that never answers, for the length of the test.
    page_eval("window.__realFetch = window.fetch; window.fetch = () => new Promise(() => {});");
    let nango =
        Nango::new(NangoConfig::new().connect_session_token("t").host("http://localhost:3003")).unwrap();
    let options = || AuthOptions::new().credentials(Credentials::api_key("k"));
    // 2^31 ms (about 24.8 days) and more do not fit a browser timer, which then fires at once.
    for never in [Duration::from_millis(1 << 31), Duration::MAX] {
        let future = nango.auth("stripe", options().timeout(never));
        sleep(Duration::from_millis(100)).await;
        assert!(!future.is_finished(), "{never:?} fired at once");
    }
    let short = nango.auth("stripe", options().timeout(Duration::from_millis(50))).await;
    page_eval("window.fetch = window.__realFetch;");
    assert_eq!(short.unwrap_err().kind, AuthErrorType::Timeout, "a timer that fits still fires");
}
