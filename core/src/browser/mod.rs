//! The browser layer (wasm32 + web-sys): performs what the protocol layer decides.
//!
//! Every resource is owned by a guard that releases it on drop: the iframe and its listener
//! ([`Dom`]), the popup ([`auth::Popup`]), the socket ([`auth::Socket`]), timers (gloo) and
//! in-flight requests (an `AbortController`).

mod auth;
mod dom;
#[cfg(test)]
mod tests;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Event, EventTarget};

use crate::text::concat;

pub(crate) use auth::{start_popup, start_post};
pub(crate) use dom::Dom;

/// Wall-clock time (token expiry).
pub(crate) fn now() -> std::time::Duration {
    std::time::Duration::from_millis(now_ms())
}

/// Wall-clock time in milliseconds (the OAuth flow's clock).
pub(crate) fn now_ms() -> u64 {
    // Whole milliseconds: `Duration::from_secs_f64` costs about 400 B gzip of wasm (its checks
    // and panic messages); a float-to-integer `as` saturates (NaN and negatives give 0).
    js_sys::Date::now() as u64
}

/// Resolves after `duration`; never, for one longer than a browser timer holds. Dropping it
/// clears the timer.
pub(crate) async fn sleep(duration: std::time::Duration) {
    let Some(ms) = auth::timer_millis(duration) else { return std::future::pending().await };
    let (tx, rx) = futures_channel::oneshot::channel::<()>();
    let mut tx = Some(tx);
    // An `Interval`'s first tick: one timer type in the crate (see `auth.rs`).
    let _timer = gloo_timers::callback::Interval::new(ms, move || {
        if let Some(tx) = tx.take() {
            let _ = tx.send(());
        }
    });
    let _ = rx.await;
}

/// The page's event loop polls background work to its end.
pub(crate) fn can_spawn() -> bool {
    true
}

/// Never: background work always runs here.
#[allow(dead_code)]
pub(crate) fn no_executor() -> crate::AuthError {
    crate::AuthError::unsupported()
}

/// Runs a future to completion in the background.
pub(crate) fn spawn(future: impl std::future::Future<Output = ()> + 'static) {
    wasm_bindgen_futures::spawn_local(future);
}

/// `POST url` and read a session token from the JSON answer.
pub(crate) async fn post_for_token(url: String) -> Result<String, crate::AuthError> {
    use crate::AuthError;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or_else(AuthError::unsupported)?;
    // No body and no content type: a "simple" request, which needs no CORS preflight from the
    // app's backend.
    let init = request_init(r#"{"method":"POST"}"#)?;
    // Dropping this future (a cancelled run, a closed Connect UI, a timeout) aborts the request.
    let abort = auth::Abort::new();
    init.set_signal(abort.signal().as_ref());
    let response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(|e| AuthError::network(js_error_text(&e)))?;
    // `fetch` resolves to a Response, always.
    let response: web_sys::Response = response.unchecked_into();
    let text = response.text().map_err(|e| AuthError::network(js_error_text(&e)))?;
    let text = JsFuture::from(text).await.map_err(|e| AuthError::network(js_error_text(&e)))?;
    let text = text.as_string().unwrap_or_default();
    crate::protocol::response::token_result(response.status(), js_sys::JSON::parse(&text).ok(), &text)
}

/// A `RequestInit` from its JSON literal: `RequestInit` and `Headers` setters would each cost a
/// JS import (see `cargo xtask size`).
fn request_init(json: &str) -> Result<web_sys::RequestInit, crate::AuthError> {
    js_sys::JSON::parse(json)
        .map(JsCast::unchecked_into)
        .map_err(|e| crate::AuthError::network(js_error_text(&e)))
}

/// The init of a credential `POST` to Nango: JSON content type even without a body, as the JS
/// SDK sends it.
fn nango_post_init(json_body: Option<&str>) -> Result<web_sys::RequestInit, crate::AuthError> {
    let mut init = String::from(r#"{"method":"POST","headers":{"Content-Type":"application/json"}"#);
    if let Some(body) = json_body {
        init.push_str(r#","body":"#);
        crate::json::write_string(&mut init, body);
    }
    init.push('}');
    request_init(&init)
}

/// Logs to the browser console (debug mode).
pub(crate) fn log(message: &str) {
    web_sys::console::log_1(&concat(&["[nango] ", message]).into());
}

/// A JS exception as text.
pub(crate) fn js_error_text(value: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    // Any object with a string `message` (an Error, a DOMException); `is_object` keeps the
    // property read from throwing on null/undefined.
    if value.is_object()
        && let Some(message) = value.unchecked_ref::<js_sys::Error>().message().as_string()
    {
        return message;
    }
    value.as_string().unwrap_or_else(|| "a JavaScript exception".to_owned())
}

/// An event listener, removed on drop.
///
/// `gloo_events::EventListener` does the same with an options object (`passive`, `once`,
/// `capture`); the plain two-argument form costs four fewer JS imports, which matters to the
/// core's size budget (`cargo xtask size`).
pub(crate) struct Listener {
    target: EventTarget,
    kind: &'static str,
    callback: Closure<dyn FnMut(Event)>,
}

impl Listener {
    pub fn new(target: &EventTarget, kind: &'static str, callback: impl FnMut(Event) + 'static) -> Self {
        let callback = Closure::<dyn FnMut(Event)>::new(callback);
        let _ = target.add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref());
        Self { target: target.clone(), kind, callback }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.kind, self.callback.as_ref().unchecked_ref());
    }
}

/// Parsed JSON read in place (see [`JsonRead`](crate::json::JsonRead)).
impl crate::json::JsonRead for wasm_bindgen::JsValue {
    fn field(&self, key: &str) -> Option<Self> {
        if !self.is_object() {
            return None;
        }
        js_sys::Reflect::get(self, &key.into()).ok().filter(|v| !v.is_undefined())
    }

    fn string(&self) -> Option<String> {
        self.as_string()
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn is_object(&self) -> bool {
        wasm_bindgen::JsValue::is_object(self)
    }
}
