//! Auth in the browser: the OAuth popup + WebSocket (`flow` in `driver.js`), and credential
//! POSTs.

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::time::Duration;

use wasm_bindgen::JsValue;

use super::js::{self, Js, Refused};
use super::{log, parse};
use crate::options::effective_timeout;
use crate::protocol::oauth::{FlowInput, FlowStep, OAuthFlow, session_refusal_of, ws_message};
use crate::protocol::response::auth_result;
use crate::protocol::{PopupLayout, PostRequest};
use crate::task::{AuthFuture, Task, TaskRef};
use crate::text::concat;
use crate::{AuthError, AuthErrorType, NangoConfig};

// An OAuth flow has no timer of its own: the popup poll (every 500 ms, as the JS SDK) brings
// the clock to the state machine, which decides the timeout and the closed-popup grace
// (`docs/auth-lifecycle.md`).

/// The longest delay a browser timer holds (2³¹ − 1 ms, about 24.8 days); a longer one fires at
/// once.
const MAX_TIMER_MS: u64 = i32::MAX as u64;

/// A running OAuth flow: the state machine and what the driver made for it (popup, socket,
/// poll, page listener, session check), released when the flow ends. The driver's callback
/// holds only weak references to it.
struct OAuthDriver {
    flow: OAuthFlow,
    js: Option<Js>,
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
            let navigated = d.js.as_ref().is_some_and(|js| js::go(&js.handle, url));
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

/// What the driver reports, as the state machine's input.
fn input(kind: u32, value: JsValue, number: f64) -> Option<FlowInput> {
    Some(match kind {
        0 => FlowInput::SocketMessage(ws_message(Some(value).filter(|v| !v.is_undefined()))),
        1 => FlowInput::SocketClosed,
        // Leaving the page (or the host removing this page's iframe) must not leave the popup
        // behind.
        2 => FlowInput::PageHidden,
        // Whole milliseconds; `as` saturates.
        3 | 4 => FlowInput::Poll { now_ms: number as u64, popup_closed: kind == 4 },
        // The session check's answer: only a refusal matters (a failed check is no refusal).
        _ => FlowInput::SessionRefused(session_refusal_of(number as u16, parse(&value.as_string()?))?),
    })
}

/// Starts an OAuth flow. The popup is opened synchronously, before this returns; while it loads,
/// the session token is checked as Nango's Connect UI does (`GET /connect/session` with it), so
/// that a refusal ends the flow at once, where a real Nango would only show its JSON error page
/// in the popup and send nothing on the socket.
///
/// The flow's timeout is in `flow` (the plan took it from the options).
pub(crate) fn start_popup(flow: OAuthFlow, config: &NangoConfig) -> AuthFuture {
    let (width, height) = (js::screen_size(0), js::screen_size(1));
    let layout = PopupLayout::compute(width, height, f64::from(config.width), f64::from(config.height));
    let (check, token) = flow.session_check().unwrap_or(("", ""));
    let (check, token, url) = (check.to_owned(), token.to_owned(), flow.ws_url().to_owned());
    let task = TaskRef::default();
    let driver: DriverRef = Rc::new(RefCell::new(OAuthDriver { flow, js: None, debug: config.debug }));
    let (wd, wt) = (Rc::downgrade(&driver), Rc::downgrade(&task));
    let started = Js::flow(&layout.features(), &url, &check, &token, move |kind, value, number| {
        if let Some(input) = input(kind, value, number) {
            feed(&wd, &wt, input);
        }
    });
    let js = match started {
        Ok(js) => js,
        Err(Refused::Blocked) => return AuthFuture::ready(Err(AuthError::blocked_by_browser())),
        Err(Refused::Failed(why)) => return AuthFuture::ready(Err(AuthError::network(why))),
    };
    let popup_closed = js::closed(&js.handle);
    // Nothing else holds the driver yet (its callback only runs from the page's event loop).
    if let Ok(mut d) = driver.try_borrow_mut() {
        d.js = Some(js);
    }
    // The first look starts the flow's clock.
    let (wd, wt) = (Rc::downgrade(&driver), Rc::downgrade(&task));
    feed(&wd, &wt, FlowInput::Poll { now_ms: super::now_ms(), popup_closed });
    Task::set_resources(&task, Box::new(driver));
    AuthFuture::driven(task)
}

/// Starts a credential POST; the request is sent before this returns.
pub(crate) fn start_post(request: PostRequest, timeout: Option<Duration>) -> AuthFuture {
    let sent = super::fetch(&request.url, &super::nango_post_init(request.body.as_deref()));
    let task = TaskRef::default();
    let timer = timer_millis(effective_timeout(timeout)).and_then(|ms| {
        let wt = Rc::downgrade(&task);
        Js::timer(ms, move || {
            if let Some(task) = wt.upgrade() {
                let error = AuthError::new(AuthErrorType::Timeout, "Nango did not answer in time");
                Task::finish(&task, Err(error));
            }
        })
    });
    let work = async move {
        let (status, text) = sent.await?;
        auth_result(status, parse(&text), &text)
    };
    AuthFuture::from_work_with_task(task, work, Box::new(timer))
}

/// A timer's delay for `duration`, or none when the browser cannot hold it: then the timer would
/// fire at once, and so far away it may as well never fire.
pub(crate) fn timer_millis(duration: Duration) -> Option<u32> {
    let ms = crate::protocol::oauth::millis(duration);
    if ms > MAX_TIMER_MS { None } else { u32::try_from(ms).ok() }
}
