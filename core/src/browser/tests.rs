//! In-crate browser tests: where the wasm build leans on the browser (its `URL`, `JSON.parse`
//! and JS values read in place), it must reach the same results as the native build; and the
//! OAuth flow's wiring (popup poll, `pagehide`, timers) on a fake socket, with a grace period
//! shortened through the crate-private `OAuthFlow::with_grace`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::Duration;

use gloo_timers::future::sleep;
use nango_browser_test_support::{
    fake_sockets, last_popup_closed, origin, page_eval, real_sockets, track_popups, until,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

use crate::json::Json;
use crate::protocol::connect_ui::message_event;
use crate::protocol::oauth::ws_message;
use crate::protocol::response::{auth_result, token_result};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn urls_parse_and_join_as_natively() {
    crate::url::tests::check_cases();
}

/// Connect UI messages, socket frames and response bodies, well-formed and not.
const TEXTS: &[&str] = &[
    r#"{"type":"ready"}"#,
    r#"{"type":"close","payload":1}"#,
    r#"{"type":"connect","payload":{"providerConfigKey":"p","connectionId":"c","isPending":true}}"#,
    r#"{"type":"connect","payload":{"providerConfigKey":"p","connectionId":3}}"#,
    r#"{"type":"connect","payload":"p"}"#,
    r#"{"type":"error","payload":{"errorType":"window_closed","errorMessage":"é\u0000\ud83d\ude00"}}"#,
    r#"{"type":"error"}"#,
    r##"{"type":"settings_changed","payload":{"theme":{"light":{"primary":"#00f"},"dark":{}},"defaultTheme":"dark","showWatermark":false}}"##,
    r#"{"type":"settings_changed","payload":[]}"#,
    r#"{"type":"settings_changed","payload":{"defaultTheme":"blue","showWatermark":"no"}}"#,
    r#"{"type":"nope"}"#,
    r#"{"type":["ready"]}"#,
    r#"{"type":"ready","type":"close"}"#,
    r#"{"message_type":"connection_ack","ws_client_id":"a b"}"#,
    r#"{"message_type":"connection_ack","ws_client_id":""}"#,
    r#"{"message_type":"success","provider_config_key":"g","connection_id":"c","is_pending":1}"#,
    r#"{"message_type":"success","provider_config_key":"g"}"#,
    r#"{"message_type":"error","error_type":"connection_test_failed","error_desc":"no"}"#,
    r#"{"message_type":"error"}"#,
    r#"{"providerConfigKey":"p","connectionId":"c"}"#,
    r#"{"error":{"code":"invalid_credentials","message":"bad key"}}"#,
    r#"{"error":{"code":"resource_capped"}}"#,
    r#"{"error":"Missing public key","type":"missing_public_key"}"#,
    r#"{"error":[1]}"#,
    r#"{"error":null,"providerConfigKey":"p","connectionId":"c"}"#,
    r#"{"token":"t"}"#,
    r#"{"data":{"token":"t"}}"#,
    r#"{"token":1}"#,
    r#"[{"type":"ready"}]"#,
    r#""ready""#,
    "12.5e3",
    "null",
    "true",
    "",
    "not json",
    "{",
];

#[wasm_bindgen_test]
fn js_values_read_as_json_does() {
    for text in TEXTS {
        let ours = Json::parse(text);
        let js: Option<JsValue> = js_sys::JSON::parse(text).ok();
        assert_eq!(ours.is_some(), js.is_some(), "both or neither parse {text}");
        assert_eq!(ours.as_ref().and_then(message_event), js.clone().and_then(message_event), "{text}");
        assert_eq!(ws_message(ours.as_ref()), ws_message(js.clone()), "{text}");
        for status in [200, 400] {
            assert_eq!(
                auth_result(status, ours.as_ref(), text),
                auth_result(status, js.clone(), text),
                "{text}"
            );
            assert_eq!(
                token_result(status, ours.as_ref(), text),
                token_result(status, js.clone(), text),
                "{text}"
            );
        }
    }
}

#[wasm_bindgen_test]
fn postmessage_data_is_read_in_place() {
    // What a page receives is a structured clone, not JSON text: objects built in JS.
    let data = js_sys::Object::new();
    js_sys::Reflect::set(&data, &"type".into(), &"error".into()).unwrap();
    let payload = js_sys::Object::new();
    js_sys::Reflect::set(&payload, &"errorType".into(), &"resource_capped".into()).unwrap();
    js_sys::Reflect::set(&data, &"payload".into(), &payload).unwrap();
    assert_eq!(
        message_event(JsValue::from(data)),
        Some(crate::ConnectUiEvent::Error {
            error_type: "resource_capped".into(),
            error_message: String::new()
        })
    );
    for ignored in [JsValue::NULL, JsValue::UNDEFINED, JsValue::from(3), JsValue::from("ready")] {
        assert_eq!(message_event(ignored), None);
    }
}

/// A small deterministic generator (xorshift), so that failures replay.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// Keys and strings the parsers look at, mixed with noise.
const WORDS: &[&str] = &[
    "type",
    "payload",
    "ready",
    "close",
    "connect",
    "error",
    "settings_changed",
    "errorType",
    "errorMessage",
    "providerConfigKey",
    "connectionId",
    "isPending",
    "theme",
    "light",
    "dark",
    "primary",
    "defaultTheme",
    "showWatermark",
    "system",
    "message_type",
    "connection_ack",
    "success",
    "ws_client_id",
    "provider_config_key",
    "connection_id",
    "is_pending",
    "error_type",
    "error_desc",
    "code",
    "message",
    "token",
    "data",
    "",
    "é\u{0}\u{1F600}",
    "__proto__",
    "length",
];

/// Values the parsers switch on.
const KINDS: &[&str] =
    &["ready", "close", "connect", "error", "settings_changed", "connection_ack", "success", "nope"];

fn random_json(rng: &mut Rng, depth: u32) -> Json {
    match rng.below(if depth >= 3 { 4 } else { 10 }) {
        0 => Json::Null,
        1 => Json::Bool(rng.below(2) == 0),
        2 => Json::from(rng.below(1000) as u32),
        3 => Json::from(rng.pick(WORDS)),
        4 => Json::Array((0..rng.below(3)).map(|_| random_json(rng, depth + 1)).collect()),
        _ => random_object(rng, depth),
    }
}

/// An object with fields the parsers read, mostly of the types they expect.
fn random_object(rng: &mut Rng, depth: u32) -> Json {
    let mut object = crate::JsonObject::new();
    if depth == 0 && rng.below(3) > 0 {
        object.insert(if rng.below(2) == 0 { "type" } else { "message_type" }, rng.pick(KINDS));
    }
    if depth == 0 && rng.below(2) == 0 {
        object.insert("payload", random_object(rng, 1));
    }
    for _ in 0..rng.below(12) {
        let key = rng.pick(WORDS);
        let value = match (key, rng.below(4)) {
            (_, 0) => random_json(rng, depth + 1),
            ("type" | "message_type", _) => Json::from(rng.pick(KINDS)),
            ("payload" | "theme" | "light" | "dark" | "error" | "data", _) => random_object(rng, depth + 1),
            ("isPending" | "is_pending" | "showWatermark", _) => Json::Bool(rng.below(2) == 0),
            _ => Json::from(rng.pick(WORDS)),
        };
        object.insert(key, value);
    }
    Json::Object(object)
}

#[wasm_bindgen_test]
fn random_values_read_as_json_does() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut events, mut frames, mut successes) = (0, 0, 0);
    for case in 0..3_000 {
        let value = if rng.below(5) > 0 { random_object(&mut rng, 0) } else { random_json(&mut rng, 0) };
        let text = value.to_json_string();
        let ours = Json::parse(&text);
        let js = js_sys::JSON::parse(&text).ok();
        assert!(ours.is_some() && js.is_some(), "case {case}: {text}");
        let event = ours.as_ref().and_then(message_event);
        events += usize::from(event.is_some());
        assert_eq!(event, js.clone().and_then(message_event), "{text}");
        let frame = ws_message(ours.as_ref());
        frames += usize::from(frame != crate::protocol::oauth::WsMessage::Ignored);
        assert_eq!(frame, ws_message(js.clone()), "{text}");
        let result = auth_result(201, ours.as_ref(), &text);
        successes += usize::from(result.is_ok());
        assert_eq!(result, auth_result(201, js.clone(), &text), "{text}");
        assert_eq!(token_result(200, ours.as_ref(), &text), token_result(200, js, &text), "{text}");
    }
    // The generator must reach the parsers' interesting paths, not only their rejections.
    assert!(
        events >= 300 && frames >= 300 && successes >= 30,
        "{events} events, {frames} socket messages, {successes} successes"
    );
}

/// A frame from the (fake) socket; `frame` is a JSON object literal.
fn socket_says(frame: &str) {
    page_eval(&format!(
        "window.__sockets[window.__sockets.length - 1].dispatchEvent(new MessageEvent('message', {{data: JSON.stringify({frame})}}))"
    ));
}

const ACK: &str = r#"{"message_type":"connection_ack","ws_client_id":"ws-1"}"#;

/// An OAuth flow on the fake socket with a short grace, acked: its popup is on its way to
/// Nango's page.
fn acked_flow(grace: Duration, timeout: Option<Duration>) -> crate::AuthFuture {
    track_popups();
    fake_sockets();
    let flow = crate::protocol::oauth::OAuthFlow::new(
        format!("{}/oauth/connect/github?connect_session_token=t", origin()),
        "ws://127.0.0.1:9/".into(),
        false,
        timeout,
    )
    .with_grace(grace);
    let future = super::start_popup(flow, &crate::NangoConfig::new());
    socket_says(ACK);
    // Navigated (the popup goes to Nango's page, a 404 of the test server here), not closed.
    assert!(!future.is_finished() && !last_popup_closed());
    future
}

#[wasm_bindgen_test]
async fn a_popup_closed_with_default_options_ends_after_the_grace() {
    let grace = Duration::from_millis(1_500);
    let future = acked_flow(grace, None);
    let closed_at = js_sys::Date::now();
    page_eval("window.__popups.at(-1).close()");
    sleep(Duration::from_millis(700)).await;
    assert!(!future.is_finished(), "the socket may still bring the result");
    until("the grace to end the auth", || future.is_finished()).await;
    let waited = js_sys::Date::now() - closed_at;
    let error = future.await.unwrap_err();
    real_sockets();
    assert_eq!(error.kind, crate::AuthErrorType::WindowClosed, "{error:?}");
    assert!(waited >= 1_500.0, "ended after {waited} ms");
    assert_eq!(
        page_eval("window.__sockets[window.__sockets.length - 1].closed").as_bool(),
        Some(true),
        "the socket is released"
    );
}

#[wasm_bindgen_test]
async fn a_popup_that_reads_closed_still_gets_the_socket_result() {
    // What a provider's Cross-Origin-Opener-Policy does: the popup reads closed, the user goes on.
    let future = acked_flow(Duration::from_secs(3), None);
    page_eval("window.__popups.at(-1).close()");
    sleep(Duration::from_millis(1_200)).await;
    assert!(!future.is_finished());
    socket_says(r#"{"message_type":"success","provider_config_key":"github","connection_id":"c-1"}"#);
    let result = future.await;
    real_sockets();
    assert_eq!(result.unwrap().connection_id, "c-1");
}

#[wasm_bindgen_test]
async fn the_timeout_ends_a_flow_that_hears_nothing() {
    let future = acked_flow(Duration::from_secs(60), Some(Duration::from_millis(800)));
    let error = future.await.unwrap_err();
    real_sockets();
    assert_eq!(error.kind, crate::AuthErrorType::Timeout, "{error:?}");
    assert!(last_popup_closed(), "the popup is released");
}

#[wasm_bindgen_test]
async fn leaving_the_page_closes_the_popup() {
    // The host removing the Connect UI iframe fires `pagehide` in it, as leaving a page does.
    let future = acked_flow(Duration::from_secs(60), None);
    assert!(!last_popup_closed());
    page_eval("window.dispatchEvent(new PageTransitionEvent('pagehide', {persisted: false}))");
    assert!(last_popup_closed(), "closed during the event, while the page still runs");
    let error = future.await.unwrap_err();
    real_sockets();
    assert_eq!(error.kind, crate::AuthErrorType::Cancelled, "{error:?}");
}

#[wasm_bindgen_test]
async fn removing_an_iframe_fires_pagehide_in_it() {
    // What `leaving_the_page_closes_the_popup` relies on for a Connect UI page whose host closes
    // it: the removed iframe's window gets `pagehide` while its scripts still run.
    page_eval(
        r#"window.__hidden = false; window.__ready = false;
           const f = document.createElement('iframe'); f.id = 'leaving';
           f.srcdoc = "<script>const p = parent; addEventListener('pagehide', () => { p.__hidden = true }); p.__ready = true</script>";
           document.body.append(f);"#,
    );
    until("the iframe's script", || page_eval("window.__ready").as_bool() == Some(true)).await;
    page_eval("document.getElementById('leaving').remove()");
    assert_eq!(page_eval("window.__hidden").as_bool(), Some(true));
}

#[wasm_bindgen_test]
fn timer_delays_past_the_browser_maximum_mean_no_timer() {
    use super::auth::timer_millis;
    assert_eq!(timer_millis(Duration::from_millis(1_500)), Some(1_500));
    assert_eq!(timer_millis(Duration::from_millis(i32::MAX as u64)), Some(i32::MAX as u32));
    assert_eq!(timer_millis(Duration::from_millis(1 << 31)), None, "2^31 ms would fire at once");
    assert_eq!(timer_millis(Duration::MAX), None);
}
