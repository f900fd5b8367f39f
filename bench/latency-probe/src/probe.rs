//! The browser side (wasm32 only).

use std::cell::RefCell;

use futures_channel::mpsc::{UnboundedReceiver, UnboundedSender, unbounded};
use futures_util::StreamExt;
use nango_frontend::{AuthOptions, ConnectUi, ConnectUiEvent, ConnectUiOptions, Nango, NangoConfig};
use wasm_bindgen::prelude::*;

thread_local! {
    /// `performance` and its `timeOrigin`, read once.
    static PERF: Option<(web_sys::Performance, f64)> =
        web_sys::window().and_then(|w| w.performance()).map(|p| { let origin = p.time_origin(); (p, origin) });
    /// Arrival times, in order (core callback and stream).
    static ARRIVALS: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
    /// `(sequence number, time)` pairs (framework state updates).
    static KEYED: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
    /// The core's Connect UI under measurement.
    static CORE: RefCell<Option<ConnectUi>> = const { RefCell::new(None) };
    /// The stub Connect UI's base URL, for the framework components.
    static STUB: RefCell<String> = const { RefCell::new(String::new()) };
    /// The Yew component's latest handle, and the app (kept mounted).
    static YEW: RefCell<Option<nango_yew::UseConnectUiHandle>> = const { RefCell::new(None) };
    static YEW_APP: RefCell<Option<yew::AppHandle<YewProbe>>> = const { RefCell::new(None) };
    /// Commands to the Dioxus component (`true`: open), and its end of the channel until it mounts.
    static DIOXUS_TX: RefCell<Option<UnboundedSender<bool>>> = const { RefCell::new(None) };
    static DIOXUS_RX: RefCell<Option<UnboundedReceiver<bool>>> = const { RefCell::new(None) };
    /// The Leptos component's handle, and its mount (dropping it would unmount).
    static LEPTOS: RefCell<Option<nango_leptos::UseConnectUiReturn>> = const { RefCell::new(None) };
    static LEPTOS_APP: RefCell<Option<Box<dyn std::any::Any>>> = const { RefCell::new(None) };
}

/// `performance.timeOrigin + performance.now()`: comparable across documents.
fn clock() -> f64 {
    PERF.with(|p| p.as_ref().map(|(perf, origin)| origin + perf.now()).unwrap_or(0.0))
}

fn record() {
    let now = clock();
    ARRIVALS.with(|a| a.borrow_mut().push(now));
}

fn record_keyed(seq: u32) {
    let now = clock();
    KEYED.with(|k| k.borrow_mut().extend([f64::from(seq), now]));
}

fn js_err(e: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&e.to_string())
}

/// The sequence number the stub wrote into the event (connection id, error message, primary colour).
fn event_seq(event: &ConnectUiEvent) -> Option<u32> {
    match event {
        ConnectUiEvent::Connect(c) => c.connection_id.parse().ok(),
        ConnectUiEvent::Error { error_message, .. } => error_message.parse().ok(),
        ConnectUiEvent::SettingsChanged(s) => {
            s.theme.light.primary.as_deref()?.strip_prefix('#')?.parse().ok()
        }
        _ => None,
    }
}

fn client(host: Option<&str>) -> Result<Nango, JsValue> {
    let mut config = NangoConfig::new().connect_session_token("nango_connect_session_bench");
    if let Some(host) = host {
        config = config.host(host);
    }
    Nango::new(config).map_err(js_err)
}

/// Opens the core's Connect UI on `base_url`, recording each event's arrival: in an `on_event`
/// callback (`stream == false`) or in a task consuming `ConnectUi::events()`.
#[wasm_bindgen]
pub fn core_open(base_url: &str, stream: bool) -> Result<(), JsValue> {
    let mut options = ConnectUiOptions::new().base_url(base_url);
    if !stream {
        options = options.on_event(|_| record());
    }
    let ui = client(None)?.open_connect_ui(options).map_err(js_err)?;
    if stream {
        let mut events = ui.events();
        wasm_bindgen_futures::spawn_local(async move {
            while events.next().await.is_some() {
                record();
            }
        });
    }
    CORE.with(|c| *c.borrow_mut() = Some(ui));
    Ok(())
}

/// Closes (drops) the core's Connect UI.
#[wasm_bindgen]
pub fn core_close() {
    let ui = CORE.with(|c| c.borrow_mut().take());
    drop(ui);
}

/// The arrival times recorded so far, in order; clears them.
#[wasm_bindgen]
pub fn take_arrivals() -> Vec<f64> {
    ARRIVALS.with(|a| std::mem::take(&mut *a.borrow_mut()))
}

/// The `(sequence number, time)` pairs recorded so far, flattened; clears them.
#[wasm_bindgen]
pub fn take_keyed() -> Vec<f64> {
    KEYED.with(|k| std::mem::take(&mut *k.borrow_mut()))
}

/// `n` times: `Nango::open_connect_ui` timed alone (ms each), checked to have put its iframe in
/// the page, then closed.
#[wasm_bindgen]
pub fn open_cost(base_url: &str, n: u32) -> Result<Vec<f64>, JsValue> {
    let nango = client(None)?;
    let options = ConnectUiOptions::new().base_url(base_url);
    let mut out = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let start = clock();
        let ui = nango.open_connect_ui(options.clone()).map_err(js_err)?;
        let end = clock();
        if !ui.is_open() {
            return Err(JsValue::from_str("open_connect_ui put no iframe in the page"));
        }
        ui.close();
        out.push(end - start);
    }
    Ok(out)
}

/// `n` open/close cycles of the Connect UI.
#[wasm_bindgen]
pub fn ui_cycles(base_url: &str, n: u32) -> Result<(), JsValue> {
    let nango = client(None)?;
    let options = ConnectUiOptions::new().base_url(base_url);
    for _ in 0..n {
        let ui = nango.open_connect_ui(options.clone()).map_err(js_err)?;
        ui.close();
    }
    Ok(())
}

/// `n` OAuth starts against `host`, each future dropped at once (a blocked popup makes it an
/// immediate `blocked_by_browser`; an opened one is closed with its socket by the drop).
#[wasm_bindgen]
pub fn auth_cycles(host: &str, n: u32) -> Result<(), JsValue> {
    let nango = client(Some(host))?;
    for _ in 0..n {
        let future = nango.auth("github", AuthOptions::new());
        drop(future);
    }
    Ok(())
}

/// Mounts the Yew component (into `#yew-root`), the Dioxus one (into `#dx-root`) and the
/// Leptos one (into `#lp-root`), each using its adapter's `use_connect_ui` with `base_url`.
#[wasm_bindgen]
pub fn mount_frameworks(base_url: &str) -> Result<(), JsValue> {
    STUB.with(|s| *s.borrow_mut() = base_url.to_owned());
    let document = web_sys::window().and_then(|w| w.document()).ok_or_else(|| js_err("no document"))?;
    let root = document.get_element_by_id("yew-root").ok_or_else(|| js_err("no #yew-root"))?;
    let app = yew::Renderer::<YewProbe>::with_root(root).render();
    YEW_APP.with(|a| *a.borrow_mut() = Some(app));
    let (tx, rx) = unbounded();
    DIOXUS_TX.with(|t| *t.borrow_mut() = Some(tx));
    DIOXUS_RX.with(|r| *r.borrow_mut() = Some(rx));
    dioxus::web::launch::launch_cfg(DioxusProbe, dioxus::web::Config::new().rootname("dx-root"));
    let root = document.get_element_by_id("lp-root").ok_or_else(|| js_err("no #lp-root"))?;
    let app = leptos::mount::mount_to(root.unchecked_into(), LeptosProbe);
    LEPTOS_APP.with(|a| *a.borrow_mut() = Some(Box::new(app)));
    Ok(())
}

/// Whether the components have rendered once (Yew's and Leptos's handles are known, Dioxus's
/// task listens).
#[wasm_bindgen]
pub fn frameworks_ready() -> bool {
    YEW.with(|h| h.borrow().is_some())
        && DIOXUS_RX.with(|r| r.borrow().is_none())
        && LEPTOS.with(|h| h.borrow().is_some())
}

/// Opens (`true`) or closes the Yew component's Connect UI.
#[wasm_bindgen]
pub fn yew_ui(open: bool) -> bool {
    let handle = YEW.with(|h| h.borrow().clone());
    let Some(handle) = handle else { return false };
    if open {
        handle.open()
    } else {
        handle.close()
    }
    true
}

/// Opens (`true`) or closes the Dioxus component's Connect UI.
#[wasm_bindgen]
pub fn dioxus_ui(open: bool) -> bool {
    DIOXUS_TX.with(|t| t.borrow().as_ref().is_some_and(|tx| tx.unbounded_send(open).is_ok()))
}

/// Opens (`true`) or closes the Leptos component's Connect UI.
#[wasm_bindgen]
pub fn leptos_ui(open: bool) -> bool {
    let Some(handle) = LEPTOS.with(|h| *h.borrow()) else { return false };
    if open {
        handle.open()
    } else {
        handle.close()
    }
    true
}

#[yew::component]
fn YewProbe() -> yew::Html {
    use nango_yew::{ConnectUiOptions, TokenSource, UseConnectUiOptions, use_connect_ui_with_options};
    let base = STUB.with(|s| s.borrow().clone());
    let ui = use_connect_ui_with_options(
        UseConnectUiOptions::new()
            .connect_ui(ConnectUiOptions::new().base_url(base))
            .session_token(TokenSource::fixed("nango_connect_session_bench")),
    );
    let seq = ui.last_event.as_ref().and_then(event_seq);
    yew::use_effect_with(seq, |seq| {
        if let Some(seq) = *seq {
            record_keyed(seq);
        }
    });
    YEW.with(|h| *h.borrow_mut() = Some(ui));
    yew::html! { <p id="yew-probe">{ seq.unwrap_or_default() }</p> }
}

#[allow(non_snake_case)]
fn DioxusProbe() -> dioxus::prelude::Element {
    use dioxus::prelude::*;
    use nango_dioxus::{ConnectUiOptions, TokenSource, UseConnectUiOptions, use_connect_ui_with_options};
    let base = STUB.with(|s| s.borrow().clone());
    let tokens = use_hook(|| TokenSource::fixed("nango_connect_session_bench"));
    let options = UseConnectUiOptions::new().connect_ui(ConnectUiOptions::new().base_url(base));
    let ui = use_connect_ui_with_options(options.session_token(tokens));
    use_future(move || async move {
        let rx = DIOXUS_RX.with(|r| r.borrow_mut().take());
        let Some(mut rx) = rx else { return };
        while let Some(open) = rx.next().await {
            if open { ui.open() } else { ui.close() }
        }
    });
    let snapshot = ui.snapshot();
    use_effect(move || {
        if let Some(seq) = snapshot.read().last_event.as_ref().and_then(event_seq) {
            record_keyed(seq);
        }
    });
    let seq = snapshot.read().last_event.as_ref().and_then(event_seq).unwrap_or_default();
    rsx! { p { id: "dx-probe", "{seq}" } }
}

#[leptos::component]
fn LeptosProbe() -> impl leptos::IntoView {
    use leptos::prelude::*;
    use nango_leptos::{ConnectUiOptions, TokenSource, UseConnectUiOptions, use_connect_ui_with_options};
    let base = STUB.with(|s| s.borrow().clone());
    let ui = use_connect_ui_with_options(
        UseConnectUiOptions::new()
            .connect_ui(ConnectUiOptions::new().base_url(base))
            .session_token(TokenSource::fixed("nango_connect_session_bench")),
    );
    let seq = move || ui.last_event.with(|e| e.as_ref().and_then(event_seq));
    Effect::new(move || {
        if let Some(seq) = seq() {
            record_keyed(seq);
        }
    });
    LEPTOS.with(|h| *h.borrow_mut() = Some(ui));
    view! { <p id="lp-probe">{move || seq().unwrap_or_default()}</p> }
}
