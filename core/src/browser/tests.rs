//! In-crate browser tests: where the wasm build leans on the browser (its `URL`, `JSON.parse`
//! and JS values read in place), it must reach the same results as the native build.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

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
