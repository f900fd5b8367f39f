//! Browser tests of the Connect UI lifecycle the adapters build on: several handles on one page,
//! options changed while open, a token source, the client's defaults.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
#![cfg(target_arch = "wasm32")]

use gloo_timers::future::sleep;
use nango_browser_test_support::*;
use nango_frontend::{ConnectUi, ConnectUiOptions, Nango, NangoConfig, TokenSource};
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlIFrameElement;

wasm_bindgen_test_configure!(run_in_browser);

fn options() -> ConnectUiOptions {
    ConnectUiOptions::new().base_url(connect_ui_test_url())
}

fn overflow() -> String {
    document().body().unwrap().style().get_property_value("overflow").unwrap()
}

fn iframe(id: &str) -> HtmlIFrameElement {
    document().get_element_by_id(id).unwrap().dyn_into().unwrap()
}

/// Runs `code` in the realm of the iframe `id`.
fn eval_in(id: &str, code: &str) -> wasm_bindgen::JsValue {
    let win = iframe(id).content_window().unwrap();
    let eval: js_sys::Function = js_sys::Reflect::get(&win, &"eval".into()).unwrap().dyn_into().unwrap();
    eval.call1(&win, &code.into()).unwrap()
}

#[wasm_bindgen_test]
async fn two_connect_uis_closed_in_either_order_restore_the_page_and_have_their_own_ids() {
    for a_first in [true, false] {
        document().body().unwrap().style().set_property("overflow", "scroll").unwrap();
        let a = ConnectUi::open(options()).unwrap();
        let b = ConnectUi::open(options()).unwrap();
        assert_eq!(page_eval("document.querySelectorAll('iframe').length").as_f64(), Some(2.0));
        assert!(document().get_element_by_id("connect-ui").is_some());
        assert!(document().get_element_by_id("connect-ui-2").is_some(), "the second has its own id");
        assert_eq!(overflow(), "hidden");
        let (first, second) = if a_first { (a, b) } else { (b, a) };
        first.close();
        assert_eq!(overflow(), "hidden", "one Connect UI is still open");
        second.close();
        assert_eq!(overflow(), "scroll", "the page's own overflow is back (a_first: {a_first})");
    }
    document().body().unwrap().style().remove_property("overflow").unwrap();
}

#[wasm_bindgen_test]
async fn options_changed_while_open_keep_the_token_going_to_the_shown_iframe() {
    let ui = ConnectUi::open(options().session_token("tok")).unwrap();
    // Another origin for the next show: the open iframe must still get its token.
    ui.set_options(ConnectUiOptions::new().base_url("http://127.0.0.1:9/elsewhere"));
    loaded_iframe().await;
    frame_eval(
        "window.__got = []; addEventListener('message', e => __got.push(e.data.sessionToken));
         parent.postMessage({type: 'ready'}, '*');",
    );
    until("the token", || frame_eval("__got.length").as_f64() == Some(1.0)).await;
    assert_eq!(frame_eval("__got[0]").as_string().as_deref(), Some("tok"));
    ui.close();
    assert!(ui.iframe_url().starts_with("http://127.0.0.1:9/elsewhere/"), "the next show uses them");
}

#[wasm_bindgen_test]
async fn a_token_source_is_handed_over_on_ready_and_the_client_gives_the_defaults() {
    let client =
        Nango::new(NangoConfig::new().host("http://localhost:3003").connect_session_token("c")).unwrap();
    let ui = ConnectUi::new(options()).unwrap();
    ui.set_client(Some(client));
    ui.show().unwrap();
    assert!(the_iframe().src().contains("apiURL=http%3A%2F%2Flocalhost%3A3003"), "the client's host");
    ui.close();
    ui.set_token_source(Some(TokenSource::new(|| async {
        sleep(Duration::from_millis(30)).await;
        Ok("fetched".to_owned())
    })));
    ui.show().unwrap();
    loaded_iframe().await;
    eval_in(
        "connect-ui",
        "window.__got = []; addEventListener('message', e => __got.push(e.data.sessionToken));
         parent.postMessage({type: 'ready'}, '*');",
    );
    until("the fetched token", || frame_eval("__got.length").as_f64() == Some(1.0)).await;
    sleep(Duration::from_millis(60)).await;
    assert_eq!(frame_eval("__got.join()").as_string().as_deref(), Some("fetched"), "once, after ready");
    ui.close();
}
