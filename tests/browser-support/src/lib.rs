//! Helpers for the browser tests of the core and the adapters (`wasm-bindgen-test` in headless
//! Chromium).
//!
//! The tests point the Connect UI base URL at a missing path of the test page's own origin
//! (`connect-ui-test`), so they can run code inside the iframe's realm as if they were the
//! Connect UI (`frame_eval`); code run in the page's realm (`page_eval`) posts with the
//! wrong source. See `docs/testing.md` for why.
//!
//! These helpers panic with a message on failure: they are for tests only.

#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use gloo_timers::future::sleep;
use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlIFrameElement;

/// The test page's document.
pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// The test page's origin.
pub fn origin() -> String {
    web_sys::window().unwrap().location().origin().unwrap()
}

/// A Connect UI base URL on the page's own origin, at a path that does not exist.
pub fn connect_ui_test_url() -> String {
    format!("{}/connect-ui-test", origin())
}

/// Runs `code` in the page's realm.
pub fn page_eval(code: &str) -> JsValue {
    js_sys::eval(code).unwrap()
}

/// How many Connect UI iframes the page has.
pub fn iframes() -> u32 {
    document().query_selector_all("iframe#connect-ui").unwrap().length()
}

/// The Connect UI iframe.
pub fn the_iframe() -> HtmlIFrameElement {
    document().get_element_by_id("connect-ui").unwrap().dyn_into().unwrap()
}

/// Runs `code` inside the iframe's realm (same origin), as the Connect UI would: its
/// `parent.postMessage` arrives with the iframe as `source`.
pub fn frame_eval(code: &str) -> JsValue {
    let win = the_iframe().content_window().unwrap();
    let eval: Function = Reflect::get(&win, &"eval".into()).unwrap().dyn_into().unwrap();
    eval.call1(&win, &code.into()).unwrap()
}

/// Waits (up to 10 s: CI machines can be slow) until `cond` holds.
pub async fn until(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..1000 {
        if cond() {
            return;
        }
        sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

/// Posts `{type: 'close'}` from two senders the Connect UI must not listen to, and waits until
/// the page has received both: the test's own realm (right origin, wrong source) and a
/// sandboxed iframe (origin "null"). Leaves no iframe or listener behind.
pub async fn post_foreign_close() {
    let close = js_sys::JSON::parse(r#"{"type":"close"}"#).unwrap();
    web_sys::window().unwrap().post_message(&close, "*").unwrap();
    page_eval(
        r#"window.__foreignSeen = false;
           window.__foreign = e => { if (e.origin === 'null') window.__foreignSeen = true; };
           window.addEventListener('message', window.__foreign);
           const f = document.createElement('iframe');
           f.id = 'foreign'; f.sandbox = 'allow-scripts';
           f.srcdoc = "<script>parent.postMessage({type:'close'}, '*')</script>";
           document.body.append(f);"#,
    );
    until("the foreign message", || page_eval("window.__foreignSeen").as_bool() == Some(true)).await;
    page_eval(
        "document.getElementById('foreign').remove(); window.removeEventListener('message', window.__foreign)",
    );
}

/// Waits until the iframe has loaded its (missing) page, so that its realm is the final one.
pub async fn loaded_iframe() {
    until("the iframe to load", || {
        the_iframe().content_document().is_some_and(|d| {
            d.ready_state() == "complete" && d.url().is_ok_and(|u| u.contains("connect-ui-test"))
        })
    })
    .await;
}

/// How many `message` listeners the window has (`addEventListener` is wrapped on first call).
pub fn message_listeners() -> i32 {
    page_eval(
        "if (!window.__nangoCount) { window.__nangoCount = {n: 0};
           const add = window.addEventListener, remove = window.removeEventListener;
           window.addEventListener = function (t, ...r) { if (t === 'message') window.__nangoCount.n++; return add.call(this, t, ...r); };
           window.removeEventListener = function (t, ...r) { if (t === 'message') window.__nangoCount.n--; return remove.call(this, t, ...r); };
         }
         window.__nangoCount.n",
    )
    .as_f64()
    .unwrap() as i32
}

/// Records the popups the page opens (wraps `window.open` once).
pub fn track_popups() {
    page_eval(
        "if (!window.__popups) { window.__popups = []; const open = window.open;
           window.open = function (...a) { const w = open.apply(this, a); window.__popups.push(w); return w; }; }",
    );
}

/// How many popups were opened since [`track_popups`].
pub fn popups() -> u32 {
    page_eval("window.__popups.length").as_f64().unwrap() as u32
}

/// Whether the popup opened `back` popups ago (0: the last one) is closed.
pub fn popup_closed(back: u32) -> bool {
    page_eval(&format!("window.__popups[window.__popups.length - 1 - {back}].closed")).as_bool().unwrap()
}

/// Whether the last popup is closed.
pub fn last_popup_closed() -> bool {
    popup_closed(0)
}

/// Replaces `WebSocket` with a fake that never connects by itself (each one is kept in
/// `window.__sockets`); [`real_sockets`] puts the browser's back.
pub fn fake_sockets() {
    page_eval(
        "window.__sockets = [];
         if (!window.__RealWebSocket) window.__RealWebSocket = window.WebSocket;
         window.WebSocket = class extends EventTarget {
           constructor(url) { super(); this.url = url; this.readyState = 0; window.__sockets.push(this); }
           send() {} close() { this.closed = true; }
         };",
    );
}

/// Undoes [`fake_sockets`].
pub fn real_sockets() {
    page_eval("if (window.__RealWebSocket) window.WebSocket = window.__RealWebSocket;");
}
