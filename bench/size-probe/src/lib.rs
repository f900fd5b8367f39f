//! A minimal wasm app for `cargo xtask size`: without features it only exports a function; with
//! `core` the same exports open the Connect UI, subscribe to its events and run an auth, so the
//! difference between the two builds is what the core adds to an app. With `protocol` they
//! make only the pure protocol layer's decisions for the same calls (the Connect UI's URL and
//! messages, the auth plan, the OAuth state machine, the answers), with no browser layer: the
//! weight of the decisions alone.

use wasm_bindgen::prelude::*;

/// Opens the Connect UI and logs its events (a no-op in the baseline).
#[wasm_bindgen]
pub fn open(token: &str) -> bool {
    #[cfg(feature = "ui")]
    {
        use nango_frontend::{ConnectUi, ConnectUiOptions};
        let Ok(ui) = ConnectUi::open(ConnectUiOptions::new().session_token(token)) else { return false };
        let subscription = ui.subscribe(|event| log(event.kind()));
        KEEP.with(|keep| keep.borrow_mut().push((ui, subscription)));
        true
    }
    #[cfg(all(feature = "protocol", not(feature = "ui")))]
    {
        use nango_frontend::ConnectUiOptions;
        use nango_frontend::protocol::connect_ui::{parse_message, session_token_message};
        let options = ConnectUiOptions::new().session_token(token);
        let (Ok(url), Ok(origin)) = (options.iframe_url(), options.origin()) else { return false };
        log(&url);
        log(&origin);
        log(&session_token_message(token));
        if let Some(event) = parse_message(token) {
            log(event.kind());
            if let Some(error) = event.as_error() {
                log(&error.message);
            }
        }
        true
    }
    #[cfg(not(any(feature = "ui", feature = "protocol")))]
    {
        log(token);
        true
    }
}

/// Runs an auth (OAuth popup when `api_key` is empty) and logs the outcome (a no-op in the baseline).
#[wasm_bindgen]
pub fn auth(token: &str, key: &str, api_key: &str) {
    #[cfg(feature = "auth")]
    {
        use nango_frontend::{AuthOptions, Credentials, Nango, NangoConfig};
        let Ok(nango) = Nango::new(NangoConfig::new().connect_session_token(token)) else { return };
        let options = if api_key.is_empty() {
            AuthOptions::new()
        } else {
            AuthOptions::new().credentials(Credentials::api_key(api_key))
        };
        let future = nango.auth(key, options);
        wasm_bindgen_futures::spawn_local(async move {
            match future.await {
                Ok(c) => log(&c.connection_id),
                Err(e) => log(e.error_type()),
            }
        });
    }
    #[cfg(all(feature = "protocol", not(feature = "auth")))]
    {
        use nango_frontend::protocol::oauth::{FlowInput, FlowStep};
        use nango_frontend::protocol::{
            AuthCall, AuthPlan, PopupLayout, parse_auth_response, parse_token_response,
        };
        use nango_frontend::{AuthOptions, Credentials, Nango, NangoConfig};
        let Ok(nango) = Nango::new(NangoConfig::new().connect_session_token(token)) else { return };
        let options = if api_key.is_empty() {
            AuthOptions::new()
        } else {
            AuthOptions::new().credentials(Credentials::api_key(api_key))
        };
        let outcome = match nango.plan(AuthCall::Auth, key, &options) {
            Err(e) => Err(e),
            Ok(AuthPlan::Post(post)) => {
                log(&post.url);
                log(post.body.as_deref().unwrap_or_default());
                parse_auth_response(200, api_key)
            }
            Ok(AuthPlan::Popup(mut flow)) => {
                log(&PopupLayout::compute(1920.0, 1080.0, 500.0, 600.0).features());
                log(flow.ws_url());
                log(flow.connect_url());
                let _ = parse_token_response(200, key);
                let mut step = flow.handle(FlowInput::Poll { now_ms: 0, popup_closed: false });
                for input in [FlowInput::socket_text(token), FlowInput::socket_text(api_key)] {
                    step = flow.handle(input);
                    if let FlowStep::Navigate(url) = &step {
                        log(url);
                    }
                }
                log(step.name());
                match step {
                    FlowStep::Finish(result) => result,
                    _ => return,
                }
            }
        };
        match outcome {
            Ok(c) => log(&c.connection_id),
            Err(e) => log(e.error_type()),
        }
    }
    #[cfg(not(any(feature = "auth", feature = "protocol")))]
    {
        log(token);
        log(key);
        log(api_key);
    }
}

#[cfg(feature = "ui")]
thread_local! {
    /// The probe's open UIs, alive until the page goes.
    static KEEP: std::cell::RefCell<Vec<(nango_frontend::ConnectUi, nango_frontend::Subscription)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console)]
    fn log(s: &str);
}
