//! The browser layer (wasm32): performs what the protocol layer decides.
//!
//! The page APIs are called from one small JS module, `driver.js`, in a handful of coarse calls
//! (show the iframe, run a popup flow, send a request, set a timer): every web-sys binding would
//! be JS glue plus a wasm import of its own (`cargo xtask size`). What each call makes is owned
//! by a [`js::Js`] guard that releases it on drop.

mod auth;
mod dom;
mod js;
#[cfg(test)]
mod tests;

use std::future::Future;

use wasm_bindgen::JsValue;

use crate::AuthError;

pub(crate) use auth::{start_popup, start_post};
pub(crate) use dom::Dom;
pub(crate) use js::href;

/// Wall-clock time (token expiry).
pub(crate) fn now() -> std::time::Duration {
    std::time::Duration::from_millis(now_ms())
}

/// Wall-clock time in milliseconds (the OAuth flow's clock).
pub(crate) fn now_ms() -> u64 {
    // Whole milliseconds: `Duration::from_secs_f64` costs about 400 B gzip of wasm (its checks
    // and panic messages); a float-to-integer `as` saturates (NaN and negatives give 0).
    js::now() as u64
}

/// Resolves after `duration`; never, for one longer than a browser timer holds. Dropping it
/// clears the timer.
pub(crate) async fn sleep(duration: std::time::Duration) {
    let Some(ms) = auth::timer_millis(duration) else { return std::future::pending().await };
    js::Js::sleep(ms).await;
}

/// The page's event loop polls background work to its end.
pub(crate) fn can_spawn() -> bool {
    true
}

/// Never: background work always runs here.
#[allow(dead_code)]
pub(crate) fn no_executor() -> AuthError {
    AuthError::unsupported()
}

/// Runs a future to completion in the background.
pub(crate) fn spawn(future: impl Future<Output = ()> + 'static) {
    wasm_bindgen_futures::spawn_local(future);
}

/// `fetch(url, init)`, `init` as JSON text (a `RequestInit` from its JSON literal): the
/// answer's status and text, or a `network_error`. Sent when called; dropping the future aborts
/// the request.
pub(crate) fn fetch(
    url: &str,
    init: &str,
) -> impl Future<Output = Result<(u16, String), AuthError>> + 'static {
    let sent = js::Js::request(url, init);
    async move {
        let (kind, value, status) = sent.await;
        let text = value.as_string().unwrap_or_default();
        // A status is a small whole number; `as` saturates anything else.
        if kind == 0 { Ok((status as u16, text)) } else { Err(AuthError::network(text)) }
    }
}

/// JSON text parsed by the browser (`None` if it is not JSON).
pub(crate) fn parse(text: &str) -> Option<JsValue> {
    Some(js::parse(text)).filter(|v| !v.is_undefined())
}

/// `POST url` and read a session token from the JSON answer.
pub(crate) async fn post_for_token(url: String) -> Result<String, AuthError> {
    // No body and no content type: a "simple" request, which needs no CORS preflight from the
    // app's backend. Dropping this future (a cancelled run, a closed Connect UI, a timeout)
    // aborts the request.
    let (status, text) = fetch(&url, r#"{"method":"POST"}"#).await?;
    crate::protocol::response::token_result(status, parse(&text), &text)
}

/// The init of a credential `POST` to Nango: JSON content type even without a body, as the JS
/// SDK sends it.
fn nango_post_init(json_body: Option<&str>) -> String {
    let mut init = String::from(r#"{"method":"POST","headers":{"Content-Type":"application/json"}"#);
    if let Some(body) = json_body {
        init.push_str(r#","body":"#);
        crate::json::write_string(&mut init, body);
    }
    init.push('}');
    init
}

/// Logs to the browser console (debug mode).
pub(crate) fn log(message: &str) {
    js::log(message);
}

/// Parsed JSON read in place (see [`JsonRead`](crate::json::JsonRead)).
impl crate::json::JsonRead for JsValue {
    fn field(&self, key: &str) -> Option<Self> {
        Some(js::field(self, key)).filter(|v| !v.is_undefined())
    }

    fn string(&self) -> Option<String> {
        self.as_string()
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn is_object(&self) -> bool {
        JsValue::is_object(self)
    }
}
