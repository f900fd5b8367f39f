//! The bindings to `driver.js`, and the one guard type that owns what it makes.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;

/// What `driver.js` reports: a kind, a value and a number (see each start function there).
type Callback = Closure<dyn FnMut(u32, JsValue, f64)>;

#[wasm_bindgen(module = "/src/browser/driver.js")]
extern "C" {
    fn show(src: &str, origin: &str, callback: &Callback) -> JsValue;
    pub(super) fn post(handle: &JsValue, message: &str);
    pub(super) fn connected(handle: &JsValue) -> bool;
    pub(super) fn screen_size(dimension: u32) -> f64;
    fn flow(features: &str, url: &str, check: &str, token: &str, callback: &Callback) -> JsValue;
    pub(super) fn go(handle: &JsValue, url: &str) -> bool;
    pub(super) fn closed(handle: &JsValue) -> bool;
    fn request(url: &str, init: &str, callback: &Callback) -> JsValue;
    fn timer(ms: u32, callback: &Callback) -> JsValue;
    fn stop(handle: &JsValue);
    pub(crate) fn href(input: &str, base: &str) -> Option<String>;
    pub(super) fn log(message: &str);
    pub(super) fn parse(text: &str) -> JsValue;
    pub(super) fn field(value: &JsValue, key: &str) -> JsValue;
    pub(super) fn now() -> f64;
}

/// Something `driver.js` made (an iframe with its listener, a popup with its socket and timer,
/// a request, a timer) and the callback it reports to: released on drop, after which the
/// callback is never called.
pub(crate) struct Js {
    pub(super) handle: JsValue,
    _callback: Callback,
}

/// What a start function returned instead of a handle: `null` (a blocked popup) or the text of
/// the exception that stopped it.
pub(crate) enum Refused {
    Blocked,
    Failed(String),
}

impl Js {
    fn start(
        callback: impl FnMut(u32, JsValue, f64) + 'static,
        start: impl FnOnce(&Callback) -> JsValue,
    ) -> Result<Self, Refused> {
        let callback = Closure::new(callback);
        let handle = start(&callback);
        if let Some(why) = handle.as_string() {
            return Err(Refused::Failed(why));
        }
        if !handle.is_object() {
            return Err(Refused::Blocked);
        }
        Ok(Self { handle, _callback: callback })
    }

    /// The Connect UI iframe at `src`; `on_message` gets the data of each message its window
    /// posts from `origin`.
    pub fn show(
        src: &str,
        origin: &str,
        mut on_message: impl FnMut(JsValue) + 'static,
    ) -> Result<Self, Refused> {
        Self::start(move |_, data, _| on_message(data), |cb| show(src, origin, cb))
    }

    /// The OAuth popup and socket (see `flow` in `driver.js`); `check` is empty for no session
    /// check.
    pub fn flow(
        features: &str,
        url: &str,
        check: &str,
        token: &str,
        callback: impl FnMut(u32, JsValue, f64) + 'static,
    ) -> Result<Self, Refused> {
        Self::start(callback, |cb| flow(features, url, check, token, cb))
    }

    /// A `fetch`: reports `(0, body text, status)` or `(1, why, 0)`.
    pub fn request(url: &str, init: &str) -> Reported {
        Reported::start(|cb| request(url, init, cb))
    }

    /// Calls `fire` once after `ms`.
    pub fn timer(ms: u32, mut fire: impl FnMut() + 'static) -> Option<Self> {
        Self::start(move |_, _, _| fire(), |cb| timer(ms, cb)).ok()
    }

    /// Reports once after `ms`.
    pub fn sleep(ms: u32) -> Reported {
        Reported::start(|cb| timer(ms, cb))
    }
}

/// The first report of something `driver.js` made, awaited; dropping it releases what was made
/// (aborts the request, clears the timer).
///
/// One future type for every one-shot call (a plain cell, not a channel: nothing here crosses
/// threads), so their code is in the wasm once.
pub(crate) struct Reported {
    _js: Option<Js>,
    slot: Rc<Slot>,
}

#[derive(Default)]
struct Slot {
    report: Cell<Option<(u32, JsValue, f64)>>,
    waker: Cell<Option<Waker>>,
}

impl Reported {
    fn start(start: impl FnOnce(&Callback) -> JsValue) -> Self {
        let slot = Rc::new(Slot::default());
        let weak = Rc::downgrade(&slot);
        let js = Js::start(
            move |kind, value, number| {
                if let Some(slot) = weak.upgrade() {
                    slot.report.set(Some((kind, value, number)));
                    if let Some(waker) = slot.waker.take() {
                        waker.wake();
                    }
                }
            },
            start,
        );
        // `request` and `timer` always return a handle; were one refused, its report is the
        // refusal, never a wait.
        let js = js.map_err(|refused| {
            let why = match refused {
                Refused::Failed(why) => why,
                Refused::Blocked => String::from("the browser refused the call"),
            };
            slot.report.set(Some((1, JsValue::from(why), 0.0)));
        });
        Self { _js: js.ok(), slot }
    }
}

impl Future for Reported {
    type Output = (u32, JsValue, f64);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.slot.report.take() {
            Some(report) => Poll::Ready(report),
            None => {
                self.slot.waker.set(Some(cx.waker().clone()));
                Poll::Pending
            }
        }
    }
}

impl Drop for Js {
    fn drop(&mut self) {
        stop(&self.handle);
    }
}
