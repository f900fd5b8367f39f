//! Auth in the browser: the OAuth popup + WebSocket, and credential POSTs.

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::time::Duration;

use gloo_timers::callback::Interval;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, MessageEvent, Response, WebSocket, Window};

use super::{js_error_text, log};
use crate::options::effective_timeout;
use crate::protocol::oauth::{FlowInput, FlowStep, OAuthFlow, session_refusal_of, ws_message};
use crate::protocol::response::auth_result;
use crate::protocol::{PopupLayout, PostRequest};
use crate::task::{AuthFuture, Task, TaskRef};
use crate::text::concat;
use crate::{AuthError, AuthErrorType, NangoConfig};

// Timers: `Interval` serves as the POST timeout too. Its first tick ends the auth, and ending
// the auth drops it; one timer type costs two fewer JS imports than gloo's `Interval` + `Timeout`.
// An OAuth flow has no timer of its own: the popup poll brings the clock to the state machine,
// which decides the timeout and the closed-popup grace (`docs/auth-lifecycle.md`).

/// How often the popup is looked at, as the JS SDK does.
const POPUP_POLL_MS: u32 = 500;

/// The longest delay a browser timer holds (2³¹ − 1 ms, about 24.8 days); a longer one fires at
/// once.
const MAX_TIMER_MS: u64 = i32::MAX as u64;

/// The OAuth popup; closed on drop.
pub(crate) struct Popup(Window);

impl Popup {
    fn is_closed(&self) -> bool {
        self.0.closed().unwrap_or(true)
    }
}

impl Drop for Popup {
    fn drop(&mut self) {
        if !self.is_closed() {
            let _ = self.0.close();
        }
    }
}

/// The WebSocket and its listeners; closed on drop.
pub(crate) struct Socket {
    ws: WebSocket,
    _listeners: [super::Listener; 3],
}

impl Drop for Socket {
    fn drop(&mut self) {
        let _ = self.ws.close();
    }
}

/// Everything a running OAuth flow holds. Its listeners hold only weak references to it.
struct OAuthDriver {
    flow: OAuthFlow,
    popup: Popup,
    socket: Option<Socket>,
    _poll: Option<Interval>,
    _page_hidden: Option<super::Listener>,
    /// The session check's request (aborted when the flow ends).
    _session_check: Option<Abort>,
    debug: bool,
}

type DriverRef = Rc<RefCell<OAuthDriver>>;

fn feed(driver: &Weak<RefCell<OAuthDriver>>, task: &Weak<RefCell<Task>>, input: FlowInput) {
    let Some(driver) = driver.upgrade() else { return };
    let step = {
        let Ok(mut d) = driver.try_borrow_mut() else { return };
        let name = input.name();
        let quiet = matches!(input, FlowInput::Poll { .. });
        let mut step = d.flow.handle(input);
        // Not every half-second poll: only those that end the flow.
        if d.debug && !(quiet && matches!(step, FlowStep::Wait)) {
            log(&concat(&["oauth ", name, " -> ", step.name()]));
        }
        if let FlowStep::Navigate(url) = &step {
            let navigated = d.popup.0.location().set_href(url).is_ok() && !d.popup.is_closed();
            if !navigated {
                step = FlowStep::Finish(Err(AuthError::blocked_by_browser()));
            }
        }
        step
    };
    if let (FlowStep::Finish(result), Some(task)) = (step, task.upgrade()) {
        Task::finish(&task, result);
    }
}

/// One look at the popup, with the time.
fn poll(driver: &Weak<RefCell<OAuthDriver>>, task: &Weak<RefCell<Task>>) {
    let closed = driver.upgrade().and_then(|d| d.try_borrow().ok().map(|d| d.popup.is_closed()));
    if let Some(popup_closed) = closed {
        feed(driver, task, FlowInput::Poll { now_ms: super::now_ms(), popup_closed });
    }
}

/// Starts an OAuth flow. The popup is opened synchronously, before this returns.
///
/// The flow's timeout is in `flow` (the plan took it from the options).
pub(crate) fn start_popup(flow: OAuthFlow, config: &NangoConfig) -> AuthFuture {
    let Some(window) = web_sys::window() else {
        return AuthFuture::ready(Err(AuthError::unsupported()));
    };
    let (sw, sh) = window
        .screen()
        .map(|s| (f64::from(s.width().unwrap_or(0)), f64::from(s.height().unwrap_or(0))))
        .unwrap_or((0.0, 0.0));
    let layout = PopupLayout::compute(sw, sh, f64::from(config.width), f64::from(config.height));
    let popup = match window.open_with_url_and_target_and_features("", "_blank", &layout.features()) {
        Ok(Some(popup)) => Popup(popup),
        _ => return AuthFuture::ready(Err(AuthError::blocked_by_browser())),
    };
    if popup.is_closed() {
        return AuthFuture::ready(Err(AuthError::blocked_by_browser()));
    }
    let ws = match WebSocket::new(flow.ws_url()) {
        Ok(ws) => ws,
        Err(e) => return AuthFuture::ready(Err(AuthError::network(js_error_text(&e)))),
    };
    let task = TaskRef::default();
    let driver: DriverRef = Rc::new(RefCell::new(OAuthDriver {
        flow,
        popup,
        socket: None,
        _poll: None,
        _page_hidden: None,
        _session_check: None,
        debug: config.debug,
    }));
    let (wd, wt) = (Rc::downgrade(&driver), Rc::downgrade(&task));

    // One closure type for every listener: each more would cost its own wasm.
    let on = |target: &web_sys::EventTarget, kind: &'static str| {
        let (wd, wt) = (wd.clone(), wt.clone());
        super::Listener::new(target, kind, move |event| {
            let input = match kind {
                "message" => {
                    let text = event.unchecked_ref::<MessageEvent>().data().as_string();
                    let value = text.and_then(|t| js_sys::JSON::parse(&t).ok());
                    FlowInput::SocketMessage(ws_message(value))
                }
                // Leaving the page (or the host removing this page's iframe) must not leave the
                // popup behind.
                "pagehide" => FlowInput::PageHidden,
                _ => FlowInput::SocketClosed,
            };
            feed(&wd, &wt, input);
        })
    };
    let listeners = [on(&ws, "message"), on(&ws, "close"), on(&ws, "error")];
    // The popup is watched always: the flow decides what a closed one means.
    let interval = {
        let (wd, wt) = (wd.clone(), wt.clone());
        Interval::new(POPUP_POLL_MS, move || poll(&wd, &wt))
    };
    let page_hidden = on(&window, "pagehide");
    let check = driver.borrow().flow.session_check().map(|(url, token)| (url.to_owned(), token.to_owned()));
    let session_check =
        check.map(|(url, token)| check_session(&window, &url, &token, wd.clone(), wt.clone()));
    {
        let mut d = driver.borrow_mut();
        d.socket = Some(Socket { ws, _listeners: listeners });
        d._poll = Some(interval);
        d._page_hidden = Some(page_hidden);
        d._session_check = session_check;
    }
    // The first look starts the flow's clock.
    poll(&wd, &wt);
    Task::set_resources(&task, Box::new(driver));
    AuthFuture::driven(task)
}

/// Checks the flow's session token as Nango's Connect UI does (`GET /connect/session` with it),
/// while the popup loads: a refusal ends the flow at once, where a real Nango would only show
/// its JSON error page in the popup and send nothing on the socket. The request is aborted when
/// the returned guard is dropped.
fn check_session(
    window: &Window,
    url: &str,
    token: &str,
    driver: Weak<RefCell<OAuthDriver>>,
    task: Weak<RefCell<Task>>,
) -> Abort {
    let abort = Abort::new();
    let mut init = String::from(r#"{"headers":{"Authorization":"#);
    crate::json::write_string(&mut init, &concat(&["Bearer ", token]));
    init.push_str("}}");
    let Ok(init) = super::request_init(&init) else { return abort };
    init.set_signal(abort.signal().as_ref());
    let promise = window.fetch_with_str_and_init(url, &init);
    super::spawn(async move {
        // A failed check (network, CORS, aborted) is no refusal: the flow goes on.
        let Ok(response) = JsFuture::from(promise).await else { return };
        let response: Response = response.unchecked_into();
        let Ok(text) = response.text() else { return };
        let text = JsFuture::from(text).await.ok().and_then(|t| t.as_string()).unwrap_or_default();
        if let Some(error) = session_refusal_of(response.status(), js_sys::JSON::parse(&text).ok()) {
            feed(&driver, &task, FlowInput::SessionRefused(error));
        }
    });
    abort
}

/// Aborts the request on drop.
pub(crate) struct Abort(Option<AbortController>);

impl Abort {
    pub fn new() -> Self {
        Self(AbortController::new().ok())
    }

    pub fn signal(&self) -> Option<web_sys::AbortSignal> {
        self.0.as_ref().map(AbortController::signal)
    }
}

impl Drop for Abort {
    fn drop(&mut self) {
        if let Some(controller) = &self.0 {
            controller.abort();
        }
    }
}

/// Starts a credential POST; the request is sent before this returns.
pub(crate) fn start_post(request: PostRequest, timeout: Option<Duration>) -> AuthFuture {
    let Some(window) = web_sys::window() else {
        return AuthFuture::ready(Err(AuthError::unsupported()));
    };
    let abort = Abort::new();
    let init = match super::nango_post_init(request.body.as_deref()) {
        Ok(init) => init,
        Err(error) => return AuthFuture::ready(Err(error)),
    };
    init.set_signal(abort.signal().as_ref());
    let promise = window.fetch_with_str_and_init(&request.url, &init);
    let task = TaskRef::default();
    let timer = timer_millis(effective_timeout(timeout)).map(|ms| {
        let wt = Rc::downgrade(&task);
        Interval::new(ms, move || {
            if let Some(task) = wt.upgrade() {
                let error = AuthError::new(AuthErrorType::Timeout, "Nango did not answer in time");
                Task::finish(&task, Err(error));
            }
        })
    });
    let work = async move {
        let response = JsFuture::from(promise).await.map_err(|e| AuthError::network(js_error_text(&e)))?;
        // `fetch` resolves to a Response, always.
        let response: Response = response.unchecked_into();
        let status = response.status();
        let text = response.text().map_err(|e| AuthError::network(js_error_text(&e)))?;
        let text = JsFuture::from(text).await.map_err(|e| AuthError::network(js_error_text(&e)))?;
        let text = text.as_string().unwrap_or_default();
        auth_result(status, js_sys::JSON::parse(&text).ok(), &text)
    };
    AuthFuture::from_work_with_task(task, work, Box::new((abort, timer)))
}

/// A timer's delay for `duration`, or none when the browser cannot hold it: then the timer would
/// fire at once, and so far away it may as well never fire.
pub(crate) fn timer_millis(duration: Duration) -> Option<u32> {
    let ms = crate::protocol::oauth::millis(duration);
    if ms > MAX_TIMER_MS { None } else { u32::try_from(ms).ok() }
}
