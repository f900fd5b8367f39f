//! The Connect UI iframe and its `message` listener.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlElement, HtmlIFrameElement, MessageEvent};

use crate::AuthError;
use crate::connect_ui::{UiRef, deliver};
use crate::protocol::connect_ui::{message_event, session_token_message};
use crate::text::concat;

/// The mounted iframe. Dropping or [`remove`](Dom::remove)-ing it removes the listener and the
/// iframe; the last Connect UI of the page to go restores the page's `overflow` as it was before
/// the first one came (handles closed in any order).
pub(crate) struct Dom {
    iframe: HtmlIFrameElement,
    body: HtmlElement,
    _listener: super::Listener,
}

thread_local! {
    /// How many Connect UIs the page shows, and the number in the id of the latest one shown.
    static SHOWN: Cell<(u32, u32)> = const { Cell::new((0, 0)) };
    /// The page's `overflow-x` and `overflow-y` from before the first one, each with its
    /// priority (`important` or empty).
    static OVERFLOW: Cell<[(String, String); 2]> = Cell::default();
}

/// What the `overflow` shorthand sets: saved and restored one by one, since the page may have
/// set them apart (`overflow-x: hidden; overflow-y: auto`) or with `!important`.
const LONGHANDS: [&str; 2] = ["overflow-x", "overflow-y"];

impl Dom {
    pub fn mount(ui: &UiRef) -> Result<Self, AuthError> {
        let unavailable = |what: String| AuthError::new(crate::AuthErrorType::UnsupportedEnvironment, what);
        let window = web_sys::window().ok_or_else(|| unavailable("no window".into()))?;
        let document = window.document().ok_or_else(|| unavailable("no document".into()))?;
        let body = document.body().ok_or_else(|| unavailable("no document.body".into()))?;
        let (src, origin) = {
            let state = ui.borrow();
            (state.iframe_url.clone(), state.origin.clone())
        };
        let iframe: HtmlIFrameElement = document
            .create_element("iframe")
            .map_err(|e| unavailable(super::js_error_text(&e)))?
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

        // The official SDK's id; one shown while others are open gets one of its own
        // (`connect-ui-2`, `connect-ui-3`, …, numbered until none is open).
        let (shown, number) = match SHOWN.get() {
            (0, _) => (0, 1),
            (shown, latest) => (shown, latest.wrapping_add(1)),
        };
        let id = match number {
            1 => String::from("connect-ui"),
            n => concat(&["connect-ui-", &crate::url::decimal(n.into())]),
        };
        // One attribute write per property: fewer web-sys imports, less glue.
        for (name, value) in [
            ("src", src.as_str()),
            ("id", id.as_str()),
            ("title", "Nango Connect"),
            ("allow", "clipboard-write"),
            (
                "style",
                // `inset:0` is the JS SDK's `top`, `left`, `right` and `bottom` of 0.
                "position:fixed;z-index:9999;inset:0;width:100vw;height:100vh;border:none;background-color:transparent",
            ),
        ] {
            let _ = iframe.set_attribute(name, value);
        }
        body.append_child(&iframe).map_err(|e| unavailable(super::js_error_text(&e)))?;
        let style = body.style();
        if shown == 0 {
            OVERFLOW.set(LONGHANDS.map(|name| {
                let value = style.get_property_value(name).unwrap_or_default();
                (value, style.get_property_priority(name))
            }));
        }
        SHOWN.set((shown + 1, number));
        let _ = style.set_property("overflow", "hidden");
        Ok(Self { iframe, body, _listener: listener })
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
        let (shown, number) = SHOWN.get();
        let shown = shown.saturating_sub(1);
        SHOWN.set((shown, number));
        if shown == 0 {
            // An empty value removes the declaration (CSSOM), as when there was none before.
            let style = self.body.style();
            let _ = style.set_property("overflow", "");
            for (name, (value, priority)) in LONGHANDS.iter().zip(OVERFLOW.take()) {
                let _ = style.set_property_with_priority(name, &value, &priority);
            }
        }
    }
}
