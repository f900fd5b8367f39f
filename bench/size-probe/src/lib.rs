//! A minimal wasm app for `cargo xtask size`: without features it only exports a function; with
//! `core` the same exports open the Connect UI, subscribe to its events and run an auth, so the
//! difference between the two builds is what the core adds to an app.

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
    #[cfg(not(feature = "ui"))]
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
    #[cfg(not(feature = "auth"))]
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
