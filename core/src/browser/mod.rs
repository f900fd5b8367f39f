//! The browser layer (wasm32 + web-sys): performs what the protocol layer decides.
//!
//! Every resource is owned by a guard that releases it on drop: the iframe and its listener
//! ([`Dom`]), the popup ([`auth::Popup`]), the socket ([`auth::Socket`]), timers (gloo) and
//! in-flight requests (an `AbortController`).

mod auth;
mod dom;

pub(crate) use auth::{start_popup, start_post};
pub(crate) use dom::Dom;

/// Logs to the browser console (debug mode).
pub(crate) fn log(message: &str) {
    web_sys::console::log_1(&format!("[nango] {message}").into());
}

/// A JS exception as text.
pub(crate) fn js_error_text(value: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}
