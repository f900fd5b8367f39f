// The adapter contract's browser tests, shared by every adapter crate: each one's
// `tests/contract.rs` includes this file after defining `nango` (its crate), `App`, and
// `start(Setup) -> web_sys::Element` / `async fn finish(web_sys::Element)`, which mount and
// unmount `App` with that framework (`start` begins with `reset_page`).

use std::cell::{Cell, RefCell};
use std::time::Duration;

use gloo_timers::future::sleep;
use nango::{Nango, NangoConfig, TokenSource};
use nango_browser_test_support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// How a test sets the app up; the functions get the phase (0, then 1 after `#next`).
struct Setup {
    /// `None`: no provider at all.
    provider: Option<(Option<Nango>, Option<NangoConfig>)>,
    base_url: fn(u32) -> String,
    ui_token: fn(u32) -> Option<TokenSource>,
    auth_token: fn(u32) -> Option<TokenSource>,
}

thread_local! {
    static SETUP: RefCell<Setup> = RefCell::new(setup(None));
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    static FETCHES: Cell<u32> = const { Cell::new(0) };
    /// Sources made once per test (as an app makes one per signed-in user), handed to every
    /// render: equal to themselves.
    static SOURCES: RefCell<Vec<TokenSource>> = const { RefCell::new(Vec::new()) };
}

/// The test's source number `n`: the same source at every render.
fn source(n: usize) -> TokenSource {
    SOURCES.with(|s| s.borrow()[n].clone())
}

fn setup(provider: Option<(Option<Nango>, Option<NangoConfig>)>) -> Setup {
    Setup { provider, base_url: |_| connect_ui_test_url(), ui_token: |_| None, auth_token: |_| None }
}

fn log(entry: String) {
    LOG.with(|l| l.borrow_mut().push(entry));
}

fn logged() -> Vec<String> {
    LOG.with(|l| l.borrow().clone())
}

/// A source that counts its calls and answers `{prefix}-{n}` after a short wait.
fn counting(prefix: &'static str) -> TokenSource {
    TokenSource::new(move || {
        FETCHES.with(|f| f.set(f.get() + 1));
        let n = FETCHES.with(Cell::get);
        async move {
            sleep(Duration::from_millis(20)).await;
            Ok(format!("{prefix}-{n}"))
        }
    })
}

/// Clears what a failed test left behind (so that it cannot answer for this one), installs
/// `setup`, and returns a fresh root element for the app.
fn reset_page(setup: Setup) -> web_sys::Element {
    page_eval("document.querySelectorAll('iframe, .contract-root').forEach(e => e.remove())");
    SETUP.with(|s| *s.borrow_mut() = setup);
    LOG.with(|l| l.borrow_mut().clear());
    FETCHES.with(|f| f.set(0));
    SOURCES.with(|s| *s.borrow_mut() = vec![counting("a"), counting("b"), counting("run")]);
    track_popups();
    let root = document().create_element("div").unwrap();
    root.set_class_name("contract-root");
    document().body().unwrap().append_child(&root).unwrap();
    root
}

fn text(root: &web_sys::Element, id: &str) -> String {
    root.query_selector(&format!("#{id}")).unwrap().and_then(|e| e.text_content()).unwrap_or_default()
}

async fn click(root: &web_sys::Element, id: &str) {
    let selector = format!("#{id}");
    until(&format!("{selector} to render"), || root.query_selector(&selector).unwrap().is_some()).await;
    root.query_selector(&selector).unwrap().unwrap().dyn_into::<web_sys::HtmlElement>().unwrap().click();
}

async fn until_text(root: &web_sys::Element, id: &str, want: &str) {
    until(&format!("#{id} = {want:?} (it is {:?})", text(root, id)), || text(root, id) == want).await;
}

/// Re-renders with the next phase, and waits for it.
async fn next(root: &web_sys::Element) {
    let phase: u32 = text(root, "phase").parse().unwrap();
    click(root, "next").await;
    until_text(root, "phase", &(phase + 1).to_string()).await;
}

/// Makes the iframe say `ready` and returns the tokens it was handed, once there is one.
async fn ready_and_tokens(root: &web_sys::Element) -> String {
    loaded_iframe().await;
    frame_eval(
        "window.__got = []; addEventListener('message', e => __got.push(e.data.sessionToken));
         parent.postMessage({type: 'ready'}, '*');",
    );
    until_text(root, "state", "ready").await;
    until("a token", || frame_eval("__got.length").as_f64().unwrap_or(0.0) >= 1.0).await;
    frame_eval("__got.join()").as_string().unwrap()
}

fn client(host: &str, token: Option<&str>) -> Nango {
    let config = NangoConfig::new().host(host);
    Nango::new(match token {
        Some(token) => config.connect_session_token(token),
        None => config,
    })
    .unwrap()
}

// ---- the contract ----

#[wasm_bindgen_test]
async fn explicit_token_wins_over_the_client_token() {
    let root = start(setup(Some((Some(client("http://localhost:3003", Some("client-token"))), None))));
    click(&root, "open").await;
    assert_eq!(ready_and_tokens(&root).await, "client-token", "by default, the client's token");
    click(&root, "close").await;
    until_text(&root, "state", "closed").await;
    click(&root, "set-token").await;
    click(&root, "open").await;
    assert_eq!(ready_and_tokens(&root).await, "mine");
    next(&root).await; // a re-render passes options again: the app's token stays
    click(&root, "close").await;
    click(&root, "open").await;
    assert_eq!(ready_and_tokens(&root).await, "mine");
    finish(root).await;
}

#[wasm_bindgen_test]
async fn a_new_token_source_never_serves_the_old_sources_token() {
    let mut s = setup(None);
    s.ui_token = |phase| Some(if phase < 2 { source(0) } else { source(1) });
    let root = start(s);
    click(&root, "open").await;
    assert_eq!(ready_and_tokens(&root).await, "a-1");
    click(&root, "close").await;
    next(&root).await;
    click(&root, "open").await;
    assert_eq!(ready_and_tokens(&root).await, "a-1", "the same source keeps its cached token");
    assert_eq!(FETCHES.with(Cell::get), 1);
    click(&root, "close").await;
    // Another source (another user's): its own token, never the old one's.
    next(&root).await;
    click(&root, "open").await;
    assert_eq!(ready_and_tokens(&root).await, "b-2", "a new source fetches its own token");
    // The session expired: the next open fetches again.
    frame_eval(
        "parent.postMessage({type: 'error', payload: {errorType: 'unknown_connect_session_token', errorMessage: 'm'}}, '*');
         parent.postMessage({type: 'close'}, '*');",
    );
    until_text(&root, "state", "closed").await;
    click(&root, "open").await;
    assert_eq!(ready_and_tokens(&root).await, "b-3");
    finish(root).await;
}

#[wasm_bindgen_test]
async fn a_wrong_provider_setup_is_a_typed_error_not_a_panic() {
    let root = start(setup(Some((None, None))));
    until_text(&root, "fallback", "invalid_provider_setup").await;
    assert!(text(&root, "state").is_empty(), "the children are not rendered");
    finish(root).await;

    let root = start(setup(Some((None, Some(NangoConfig::new().host("not a url"))))));
    until_text(&root, "fallback", "invalid_host_url").await;
    finish(root).await;

    let root = start(setup(None));
    click(&root, "oauth").await;
    until_text(&root, "auth", "failed:invalid_provider_setup").await;
    finish(root).await;
}

#[wasm_bindgen_test]
async fn a_successful_open_clears_last_error() {
    let mut s = setup(None);
    s.base_url = |phase| if phase == 0 { "not a url".to_owned() } else { connect_ui_test_url() };
    let root = start(s);
    click(&root, "open").await;
    until_text(&root, "error", "invalid_host_url").await;
    assert_eq!(iframes(), 0);
    assert_eq!(logged(), ["0:error:invalid_host_url"], "the failure went to on_error");
    next(&root).await;
    click(&root, "open").await;
    until_text(&root, "state", "open").await;
    assert_eq!(text(&root, "error"), "");
    finish(root).await;
}

#[wasm_bindgen_test]
async fn a_run_does_not_change_the_shared_client() {
    let shared = client("http://127.0.0.1:9", None);
    let mut s = setup(Some((Some(shared.clone()), None)));
    s.auth_token = |_| Some(source(2));
    let root = start(s);
    until("the token fetched ahead", || FETCHES.with(Cell::get) == 1).await;
    sleep(Duration::from_millis(60)).await;
    let before = popups();
    click(&root, "oauth").await;
    assert_eq!(popups(), before + 1, "with the token at hand, the popup opened in the click");
    // Nothing listens on port 9: the run had a token (no missing_auth_token) and failed later.
    until_text(&root, "auth", "failed:network_error").await;
    assert_eq!(shared.session_token(), None, "the shared client was not changed");
    finish(root).await;
}

#[wasm_bindgen_test]
async fn unmount_during_a_run_cancels_it_and_closes_its_popup() {
    fake_sockets(); // a socket that stays connecting: only the unmount can end the run
    let root = start(setup(Some((Some(client("http://127.0.0.1:9", Some("t"))), None))));
    click(&root, "oauth").await;
    until_text(&root, "auth", "pending").await;
    sleep(Duration::from_millis(50)).await;
    assert!(!last_popup_closed(), "the run is still going");
    click(&root, "unmount").await;
    until("the popup to close", last_popup_closed).await;
    assert_eq!(page_eval("window.__sockets[0].closed").as_bool(), Some(true), "its socket closed");
    real_sockets();
    finish(root).await;
}

#[wasm_bindgen_test]
async fn reconnect_and_create_run_through_the_hook() {
    // A public key is enough to start an auth, not a reconnect: the mode reached the core.
    let public = Nango::new(NangoConfig::new().host(origin()).public_key("pk")).unwrap();
    let root = start(setup(Some((Some(public), None))));
    click(&root, "reconnect").await;
    until_text(&root, "auth", "failed:missing_connect_session_token").await;
    finish(root).await;

    // Create is a POST (no popup), answered here by the test server's non-JSON 404 page.
    let root = start(setup(Some((Some(client(&origin(), Some("t"))), None))));
    let before = popups();
    click(&root, "create").await;
    until_text(&root, "auth", "failed:invalid_response").await;
    assert_eq!(popups(), before, "create opens no popup");
    finish(root).await;
}

#[wasm_bindgen_test]
async fn callbacks_see_the_latest_closure() {
    let before = message_listeners();
    let root = start(setup(None));
    click(&root, "open").await;
    until_text(&root, "state", "open").await;
    loaded_iframe().await;
    next(&root).await;
    assert_eq!(message_listeners(), before + 1, "a re-render re-binds nothing");
    frame_eval(
        "parent.postMessage({type: 'connect', payload: {providerConfigKey: 'p', connectionId: 'c'}}, '*')",
    );
    until("the callback", || !logged().is_empty()).await;
    assert_eq!(logged(), ["1:connect:c"], "the closure of the latest render was called");
    finish(root).await;
    assert_eq!(message_listeners(), before);
}
