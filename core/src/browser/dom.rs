//! The Connect UI iframe and its `message` listener.

use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlElement, HtmlIFrameElement, MessageEvent};

use crate::AuthError;
use crate::connect_ui::{UiRef, deliver};
use crate::protocol::connect_ui::{message_event, session_token_message};

/// The mounted iframe. Dropping or [`remove`](Dom::remove)-ing it removes the listener and the
/// iframe and restores the page's previous `overflow`.
pub(crate) struct Dom {
    iframe: HtmlIFrameElement,
    body: HtmlElement,
    previous_overflow: String,
    _listener: super::Listener,
}

impl Dom {
    pub fn mount(ui: &UiRef) -> Result<Self, AuthError> {
        let unavailable =
            |what: &str| AuthError::new(crate::AuthErrorType::UnsupportedEnvironment, ["no ", what].concat());
        let window = web_sys::window().ok_or_else(|| unavailable("window"))?;
        let document = window.document().ok_or_else(|| unavailable("document"))?;
        let body = document.body().ok_or_else(|| unavailable("document.body"))?;
        let (src, origin) = {
            let state = ui.borrow();
            (state.iframe_url.clone(), state.origin.clone())
        };
        let iframe: HtmlIFrameElement = document
            .create_element("iframe")
            .map_err(|e| unavailable(&super::js_error_text(&e)))?
            .unchecked_into();

        // The listener exists before the iframe, so that no early message is missed.
        let weak = Rc::downgrade(ui);
        let frame = iframe.clone();
        let listener = super::Listener::new(&window, "message", move |event| {
            // A `message` listener on a window only receives MessageEvents.
            let event = event.unchecked_ref::<MessageEvent>();
            if event.origin() != origin {
                return;
            }
            // Only the iframe's own window may speak for the Connect UI (the JS SDK does not check).
            let from_frame = match (event.source(), frame.content_window()) {
                (Some(source), Some(window)) => JsValue::from(source) == JsValue::from(window),
                _ => false,
            };
            if !from_frame {
                return;
            }
            if let Some(ui) = weak.upgrade() {
                deliver(&ui, message_event(event.data()));
            }
        });

        // One attribute write per property: fewer web-sys imports, less glue.
        for (name, value) in [
            ("src", src.as_str()),
            ("id", "connect-ui"),
            ("title", "Nango Connect"),
            ("allow", "clipboard-write"),
            (
                "style",
                "position:fixed;z-index:9999;top:0;left:0;right:0;bottom:0;width:100vw;height:100vh;\
                 border:none;background-color:transparent",
            ),
        ] {
            let _ = iframe.set_attribute(name, value);
        }
        let previous_overflow = body.style().get_property_value("overflow").unwrap_or_default();
        body.append_child(&iframe).map_err(|e| unavailable(&super::js_error_text(&e)))?;
        let _ = body.style().set_property("overflow", "hidden");
        Ok(Self { iframe, body, previous_overflow, _listener: listener })
    }

    pub fn is_connected(&self) -> bool {
        self.iframe.is_connected()
    }

    pub fn post_token(&self, token: &str, origin: &str) {
        let Ok(message) = js_sys::JSON::parse(&session_token_message(token)) else { return };
        if let Some(window) = self.iframe.content_window() {
            // Posted to the Connect UI's origin only (the JS SDK uses "*").
            let _ = window.post_message(&message, origin);
        }
    }

    pub fn remove(self) {}
}

impl Drop for Dom {
    fn drop(&mut self) {
        self.iframe.remove();
        let style = self.body.style();
        // An empty value removes the declaration (CSSOM), as when there was none before.
        let _ = style.set_property("overflow", &self.previous_overflow);
    }
}
