//! Every parser that takes outside data, fed arbitrary input: no panic, and bad input is a typed
//! error or ignored. `PROPTEST_CASES` sets the number of cases (default 2,000 here; the
//! robustness command of the README runs 100,000).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
#![cfg(not(target_arch = "wasm32"))]

use nango_frontend::protocol::connect_ui::parse_message;
use nango_frontend::protocol::oauth::{FlowInput, FlowStep, WsMessage, parse_ws_message};
use nango_frontend::protocol::{AuthCall, AuthPlan, parse_auth_response};
use nango_frontend::{AuthErrorType, AuthOptions, ConnectUiOptions, Credentials, Json, Nango, NangoConfig};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2_000)
}

/// Arbitrary JSON, biased towards the keys and values the parsers look at.
fn json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("type".to_owned()),
        Just("payload".to_owned()),
        Just("message_type".to_owned()),
        Just("error".to_owned()),
        Just("code".to_owned()),
        Just("providerConfigKey".to_owned()),
        Just("connectionId".to_owned()),
        Just("provider_config_key".to_owned()),
        Just("connection_id".to_owned()),
        Just("ws_client_id".to_owned()),
        Just("apiKey".to_owned()),
        Just("username".to_owned()),
        Just("privateKey".to_owned()),
        "\\PC{0,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop_oneof![
            Just("ready"),
            Just("connect"),
            Just("close"),
            Just("error"),
            Just("settings_changed"),
            Just("success"),
            Just("connection_ack"),
            Just("TWO_STEP"),
            Just("JWT"),
            Just("dark"),
        ]
        .prop_map(|s| Value::String(s.into())),
        "\\PC{0,16}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![json().prop_map(|v| v.to_string()), "\\PC{0,64}", any::<String>()]
}

/// Equal, numbers compared as floats with a relative tolerance: serde_json's float parsing
/// rounds in the last digit where our text-preserving numbers do not.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
            x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs())
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn json_agrees_with_serde_json(data in json(), noise in text()) {
        // Valid JSON: parsed to the same value, written back to equivalent text.
        let parsed = Json::parse(&data.to_string()).expect("valid JSON parses");
        let back: Value = serde_json::from_str(&parsed.to_string()).expect("our output is JSON");
        prop_assert!(same(&back, &data), "{} vs {}", back, data);
        // Anything serde_json accepts, we accept; we never panic on the rest.
        let ours = Json::parse(&noise);
        if serde_json::from_str::<Value>(&noise).is_ok() {
            prop_assert!(ours.is_some(), "{:?}", noise);
        }
    }

    #[test]
    fn connect_ui_messages(data in json()) {
        let event = parse_message(&data.to_string());
        if let Some(event) = event {
            // An accepted message is an object with the event's type.
            prop_assert_eq!(data.get("type").and_then(Value::as_str), Some(event.kind()));
        }
    }

    #[test]
    fn websocket_frames(frame in text()) {
        let mut flow = match Nango::new(NangoConfig::new().public_key("pk")).unwrap()
            .plan(AuthCall::Auth, "k", &AuthOptions::new()).unwrap()
        {
            AuthPlan::Popup(flow) => flow,
            other => panic!("{other:?}"),
        };
        let parsed = parse_ws_message(&frame);
        let step = flow.handle(FlowInput::socket_text(&frame));
        match (parsed, step) {
            (WsMessage::Ack { ws_client_id }, FlowStep::Navigate(url)) => prop_assert!(url.contains("ws_client_id=") && !ws_client_id.is_empty()),
            (WsMessage::Success(s), FlowStep::Finish(Ok(r))) => prop_assert_eq!(s, r),
            (WsMessage::Error(e), FlowStep::Finish(Err(r))) => prop_assert_eq!(e, r),
            (WsMessage::Ignored, FlowStep::Wait) => {}
            (p, s) => prop_assert!(false, "{:?} gave {:?}", p, s),
        }
    }

    #[test]
    fn http_bodies(status in 100u16..600, body in text()) {
        if let Err(e) = parse_auth_response(status, &body) {
            prop_assert!(!e.error_type().is_empty());
        } else {
            prop_assert!((200..300).contains(&status));
        }
    }

    #[test]
    fn user_given_urls(host in text(), path in text(), base in text()) {
        match Nango::new(NangoConfig::new().host(host.clone()).websockets_path(path)) {
            Ok(n) => {
                let plan = n.plan(AuthCall::Auth, "k", &AuthOptions::new());
                prop_assert_eq!(plan.unwrap_err().kind, AuthErrorType::MissingAuthToken);
            }
            Err(e) => prop_assert_eq!(e.kind, AuthErrorType::InvalidHostUrl),
        }
        let options = ConnectUiOptions::new().base_url(base);
        if let Ok(url) = options.iframe_url() {
            prop_assert!(url.starts_with(&options.origin().unwrap()));
        }
    }

    #[test]
    fn credentials_from_json(data in json(), key in "\\PC{0,12}") {
        let nango = Nango::new(NangoConfig::new().connect_session_token("t")).unwrap();
        if let Ok(credentials) = Credentials::from_json(Json::parse(&data.to_string()).unwrap()) {
            let _ = nango.plan(AuthCall::Auth, &key, &AuthOptions::new().credentials(credentials));
        }
    }
}
