//! The browser layer (wasm32 + web-sys): performs what the protocol layer decides.
//!
//! Every resource is owned by a guard that releases it on drop: the iframe and its listener
//! ([`Dom`]), the popup ([`auth::Popup`]), the socket ([`auth::Socket`]), timers (gloo) and
//! in-flight requests (an `AbortController`).

mod auth;
mod dom;

pub(crate) use auth::{start_popup, start_post};
pub(crate) use dom::Dom;

/// Wall-clock time (for token expiry).
pub(crate) fn now() -> std::time::Duration {
    std::time::Duration::from_secs_f64(js_sys::Date::now().max(0.0) / 1000.0)
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
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(|e| AuthError::network(js_error_text(&e)))?;
    let response: web_sys::Response =
        response.dyn_into().map_err(|_| AuthError::invalid_response("fetch gave no Response"))?;
    let text = response.text().map_err(|e| AuthError::network(js_error_text(&e)))?;
    let text = JsFuture::from(text).await.map_err(|e| AuthError::network(js_error_text(&e)))?;
    crate::protocol::parse_token_response(response.status(), &text.as_string().unwrap_or_default())
}

/// Logs to the browser console (debug mode).
pub(crate) fn log(message: &str) {
    web_sys::console::log_1(&["[nango] ", message].concat().into());
}

/// A JS exception as text.
pub(crate) fn js_error_text(value: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    value.as_string().unwrap_or_else(|| "a JavaScript exception".to_owned())
}
