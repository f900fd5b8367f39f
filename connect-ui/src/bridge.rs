//! The page's side of the Connect UI protocol (`docs/protocol.md` §5): messages to and from the
//! parent window, and the OAuth callback page's messages (acknowledged; an error is reported).

use gloo_events::EventListener;
use js_sys::{JSON, Reflect};
use nango_frontend::{ConnectUiEvent, ConnectUiSettings, Json};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Window};

/// Whether the page runs inside a frame.
pub fn in_iframe(window: &Window) -> bool {
    match window.parent() {
        Ok(Some(parent)) => JsValue::from(parent) != JsValue::from(window.clone()),
        _ => false,
    }
}

/// The parent's origin, when the browser tells it: `location.ancestorOrigins[0]` (Chromium,
/// Safari), else the origin of `document.referrer` (the iframe's first navigation).
pub fn parent_origin(window: &Window) -> Option<String> {
    // `ancestorOrigins` is not in web-sys: read it through Reflect (absent in Firefox).
    let from_ancestors = Reflect::get(&window.location(), &JsValue::from_str("ancestorOrigins"))
        .ok()
        .filter(JsValue::is_object)
        .and_then(|list| Reflect::get(&list, &JsValue::from_f64(0.0)).ok())
        .and_then(|first| first.as_string());
    let origin = from_ancestors.or_else(|| {
        let referrer = window.document()?.referrer();
        web_sys::Url::new(&referrer).ok().map(|url| url.origin())
    })?;
    (!origin.is_empty() && origin != "null").then_some(origin)
}

/// Posts events to the parent window, to its origin when known (else `*`, as Nango's page).
#[derive(Debug, Clone)]
pub struct Parent {
    target_origin: String,
    in_iframe: bool,
}

impl Parent {
    /// The parent of `window`.
    pub fn new(window: &Window) -> Self {
        Self {
            target_origin: parent_origin(window).unwrap_or_else(|| "*".to_owned()),
            in_iframe: in_iframe(window),
        }
    }

    /// No parent (no window at all).
    pub fn detached() -> Self {
        Self { target_origin: "*".to_owned(), in_iframe: false }
    }

    /// Posts `event` as `{type, payload?}`; does nothing outside a frame.
    pub fn post(&self, event: &ConnectUiEvent) {
        if !self.in_iframe {
            return;
        }
        let Some(window) = web_sys::window() else { return };
        let Ok(Some(parent)) = window.parent() else { return };
        if let Ok(message) = JSON::parse(&event.to_message().to_string()) {
            let _ = parent.post_message(&message, &self.target_origin);
        }
    }
}

/// A message the page takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// `{type: "session_token", sessionToken}` from the parent.
    Token(String),
    /// `{type: "settings_changed", payload}` from the parent (a preview restyles with it).
    Settings(ConnectUiSettings),
    /// `{type: "nango_oauth_callback_error", payload: {message?, errorType?}}` from the OAuth
    /// callback page: its message and the server's error code, when it gives them.
    CallbackError {
        /// What the page says went wrong.
        message: Option<String>,
        /// The server's code (`unknown_connect_session_token`, `callback_err`, …).
        error_type: Option<String>,
    },
}

/// Listens for the parent's `session_token` and `settings_changed` (from the parent window
/// only, and from the parent's origin when known), and for the OAuth callback page's
/// `nango_oauth_callback_*` messages from the API's origin, which it acknowledges.
pub fn listen(
    window: &Window,
    parent: &Parent,
    api_origin: String,
    on_message: impl Fn(Incoming) + 'static,
) -> EventListener {
    let parent_window: Option<JsValue> =
        if parent.in_iframe { window.parent().ok().flatten().map(JsValue::from) } else { None };
    let parent_origin = (parent.target_origin != "*").then(|| parent.target_origin.clone());
    EventListener::new(window, "message", move |event| {
        let Some(event) = event.dyn_ref::<MessageEvent>() else { return };
        let data = event.data();
        let Some(kind) = text(&data, "type") else { return };
        let source = event.source().map(JsValue::from);
        let from_parent = matches!((&source, &parent_window), (Some(s), Some(p)) if s == p)
            && parent_origin.as_deref().is_none_or(|o| o == event.origin());
        match kind.as_str() {
            "session_token" if from_parent => {
                if let Some(token) = text(&data, "sessionToken") {
                    on_message(Incoming::Token(token));
                }
            }
            "settings_changed" if from_parent => {
                let payload = Reflect::get(&data, &JsValue::from_str("payload")).ok();
                let json = payload
                    .and_then(|p| JSON::stringify(&p).ok())
                    .and_then(|t| Json::parse(&String::from(t)));
                if let Some(settings) = json.as_ref().and_then(ConnectUiSettings::from_json) {
                    on_message(Incoming::Settings(settings));
                }
            }
            "nango_oauth_callback_success" | "nango_oauth_callback_error" if event.origin() == api_origin => {
                if kind == "nango_oauth_callback_error" {
                    let payload = Reflect::get(&data, &JsValue::from_str("payload")).unwrap_or_default();
                    let given = |key: &str| text(&payload, key).filter(|m| !m.is_empty());
                    on_message(Incoming::CallbackError {
                        message: given("message"),
                        error_type: given("errorType"),
                    });
                }
                // The popup's window is of another realm: `dyn_into` (an `instanceof Window` test)
                // would refuse it. Any source has a `postMessage`; a wrong kind only makes the
                // call fail, and the failure is caught.
                let popup = source.map(JsCast::unchecked_into::<Window>);
                if let (Some(popup), Ok(ack)) = (popup, JSON::parse(r#"{"type":"nango_oauth_callback_ack"}"#))
                {
                    let _ = popup.post_message(&ack, &api_origin);
                }
            }
            _ => {}
        }
    })
}

fn text(object: &JsValue, key: &str) -> Option<String> {
    if !object.is_object() {
        return None;
    }
    Reflect::get(object, &JsValue::from_str(key)).ok()?.as_string()
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use js_sys::{Function, Reflect};
    use nango_browser_test_support::{document, origin, page_eval, until};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_test::*;

    use super::{Incoming, Parent, listen};

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    async fn the_callback_page_of_another_realm_gets_its_ack() {
        // A same-origin iframe stands for the OAuth callback page: its window is of another realm.
        page_eval(
            r#"const f = document.createElement('iframe'); f.id = 'callback';
               f.srcdoc = "<script>window.__acks = []; addEventListener('message', e => __acks.push(e.data.type))</script>";
               document.body.append(f);"#,
        );
        let frame: web_sys::HtmlIFrameElement =
            document().get_element_by_id("callback").unwrap().unchecked_into();
        until("the callback page", || {
            frame
                .content_window()
                .is_some_and(|w| Reflect::get(&w, &"__acks".into()).is_ok_and(|a| a.is_object()))
        })
        .await;
        let callback = frame.content_window().unwrap();
        assert_eq!(
            page_eval("document.getElementById('callback').contentWindow instanceof Window").as_bool(),
            Some(false),
            "the premise: another realm's window is no `Window` of ours"
        );
        let window = web_sys::window().unwrap();
        let heard = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let log = std::rc::Rc::clone(&heard);
        let _listener = listen(&window, &Parent::detached(), origin(), move |m| log.borrow_mut().push(m));
        let eval: Function = Reflect::get(&callback, &"eval".into()).unwrap().unchecked_into();
        eval.call1(
            &callback,
            &JsValue::from_str("parent.postMessage({type: 'nango_oauth_callback_success'}, '*')"),
        )
        .unwrap();
        let acks = || Reflect::get(&callback, &"__acks".into()).unwrap();
        until("the ack", || js_sys::JSON::stringify(&acks()).unwrap() == r#"["nango_oauth_callback_ack"]"#)
            .await;
        assert!(heard.borrow().is_empty(), "a success is only acknowledged");

        // An error is acknowledged too, and reported with its message.
        eval.call1(
            &callback,
            &JsValue::from_str(
                "parent.postMessage({type: 'nango_oauth_callback_error', payload: {message: 'access_denied', errorType: 'callback_err'}}, '*')",
            ),
        )
        .unwrap();
        until("the second ack", || {
            String::from(js_sys::JSON::stringify(&acks()).unwrap()).matches("callback_ack").count() == 2
        })
        .await;
        let heard = heard.borrow().clone();
        assert_eq!(
            heard,
            [Incoming::CallbackError {
                message: Some("access_denied".into()),
                error_type: Some("callback_err".into())
            }]
        );
        frame.remove();
    }

    #[wasm_bindgen_test]
    async fn the_callback_pages_of_other_origins_and_the_page_itself_are_not_heard() {
        let heard = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let log = std::rc::Rc::clone(&heard);
        let window = web_sys::window().unwrap();
        let _listener = listen(&window, &Parent::detached(), "http://127.0.0.1:9".into(), move |m| {
            log.borrow_mut().push(m)
        });
        // From the page's own origin, which is not the API's here; and settings or a token from a
        // window that is not the parent.
        page_eval(
            "postMessage({type: 'nango_oauth_callback_error', payload: {message: 'x'}}, '*');
             postMessage({type: 'settings_changed', payload: {defaultTheme: 'dark'}}, '*');
             postMessage({type: 'session_token', sessionToken: 't'}, '*');
             postMessage({type: 'done'}, '*');",
        );
        let done = std::rc::Rc::new(std::cell::Cell::new(false));
        let seen = std::rc::Rc::clone(&done);
        let _probe = gloo_events::EventListener::new(&window, "message", move |e| {
            let data = e.dyn_ref::<web_sys::MessageEvent>().map(|m| m.data()).unwrap_or_default();
            if js_sys::JSON::stringify(&data).is_ok_and(|t| String::from(t).contains("done")) {
                seen.set(true);
            }
        });
        until("the last message", || done.get()).await;
        assert!(heard.borrow().is_empty(), "{:?}", heard.borrow());
    }
}
