//! Browser tests of the session token's life (headless Chromium, `wasm-bindgen-test`): the token
//! phase of a run is bounded and aborted with the run, an OAuth flow checks its session while the
//! popup loads and a refused session ends it at once, and a stale token fetch of the Connect UI
//! is never reported. `window.fetch` is replaced for a test's length where the answer must be
//! one the test server cannot give (a 401 of Nango, a backend that never answers).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use gloo_timers::future::sleep;
use nango_browser_test_support::*;
use nango_frontend::{
    AuthErrorType, AuthOptions, AuthRunner, AuthState, ConnectUi, ConnectUiOptions, Credentials, Nango,
    NangoConfig, TokenSource,
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Replaces `window.fetch` with `answer` (a JS function of `(url, init)`), recording every call
/// in `window.__calls` as `{url, auth, signal}`.
fn fake_fetch(answer: &str) {
    page_eval(&format!(
        "if (!window.__realFetch) window.__realFetch = window.fetch;
         window.__calls = [];
         window.fetch = (url, init) => {{
           const headers = (init && init.headers) || {{}};
           window.__calls.push({{ url: String(url), auth: headers.Authorization ?? null, signal: init && init.signal }});
           return ({answer})(String(url), init);
         }};"
    ));
}

fn real_fetch() {
    page_eval("if (window.__realFetch) window.fetch = window.__realFetch;");
}

fn calls() -> u32 {
    page_eval("window.__calls.length").as_f64().unwrap_or(0.0) as u32
}

const NEVER: &str = "() => new Promise(() => {})";
const REFUSED: &str = r#"(url) => url.endsWith('/connect/session')
    ? Promise.resolve(new Response('{"error":{"code":"unknown_connect_session_token","message":"Authentication failed."}}', { status: 401 }))
    : new Promise(() => {})"#;
const ACCEPTED: &str = r#"(url) => url.endsWith('/connect/session')
    ? Promise.resolve(new Response('{"data":{"endUser":null}}', { status: 200 }))
    : new Promise(() => {})"#;

/// The error type the runner's latest run failed with.
fn failure(runner: &AuthRunner) -> Option<String> {
    match runner.snapshot() {
        AuthState::Failed(error) => Some(error.error_type().to_owned()),
        _ => None,
    }
}

fn client(token: Option<&str>) -> Nango {
    let config = NangoConfig::new().host("http://localhost:3003");
    Nango::new(match token {
        Some(token) => config.connect_session_token(token),
        None => config,
    })
    .unwrap()
}

#[wasm_bindgen_test]
async fn a_token_that_never_comes_ends_the_run_with_the_runs_timeout() {
    let runner = AuthRunner::new(client(None));
    runner.set_token_source(Some(TokenSource::new(std::future::pending)));
    let options =
        AuthOptions::new().credentials(Credentials::api_key("k")).timeout(Duration::from_millis(200));
    runner.auth("stripe", options);
    assert_eq!(runner.snapshot(), AuthState::Pending);
    until("the run to fail", || !runner.snapshot().is_pending()).await;
    let AuthState::Failed(error) = runner.snapshot() else { panic!("{:?}", runner.snapshot()) };
    assert_eq!(error.kind, AuthErrorType::Timeout, "{error:?}");
}

#[wasm_bindgen_test]
async fn cancel_and_release_abort_the_backend_requests_of_the_token_phase() {
    fake_fetch(NEVER);
    let aborted = |n: u32| page_eval(&format!("window.__calls[{n}].signal.aborted")).as_bool() == Some(true);
    let runner = AuthRunner::new(client(None));
    runner.set_token_source(Some(TokenSource::backend("/api/nango-session")));
    until("the fetch ahead", || calls() == 1).await;
    runner.auth("stripe", AuthOptions::new().credentials(Credentials::api_key("k")));
    until("the run's own fetch", || calls() == 2).await;
    assert!(!aborted(1));
    runner.cancel();
    until("cancel to abort the run's fetch", || aborted(1)).await;
    assert_eq!(failure(&runner).as_deref(), Some("cancelled"));
    assert!(!aborted(0), "the fetch ahead goes on: it serves the next run");

    runner.release();
    until("release to abort every fetch", || {
        page_eval("window.__calls.every(c => c.signal.aborted)").as_bool() == Some(true)
    })
    .await;
    real_fetch();
}

#[wasm_bindgen_test]
async fn a_refused_session_ends_the_oauth_flow_at_once_and_closes_the_popup() {
    track_popups();
    fake_sockets(); // a socket that stays connecting: only the session check can end the flow
    fake_fetch(REFUSED);
    let future = client(Some("nango_connect_session_dead")).auth("github", AuthOptions::new());
    let error = future.await.unwrap_err();
    real_fetch();
    real_sockets();
    assert_eq!(error.error_type(), "unknown_connect_session_token", "{error:?}");
    assert_eq!(error.message, "Authentication failed.", "the server's own message");
    assert!(error.is_session_refused());
    until("the popup to close", last_popup_closed).await;
    assert_eq!(
        page_eval("window.__calls[0].url").as_string().as_deref(),
        Some("http://localhost:3003/connect/session")
    );
    assert_eq!(
        page_eval("window.__calls[0].auth").as_string().as_deref(),
        Some("Bearer nango_connect_session_dead"),
        "the check sends the flow's token, as Nango's Connect UI does"
    );
}

#[wasm_bindgen_test]
async fn an_accepted_session_changes_nothing_and_a_public_key_is_not_checked() {
    track_popups();
    fake_sockets();
    fake_fetch(ACCEPTED);
    let future = client(Some("nango_connect_session_live")).auth("github", AuthOptions::new());
    until("the check", || calls() == 1).await;
    sleep(Duration::from_millis(200)).await;
    assert!(!future.is_finished(), "a valid session does not end the flow");
    drop(future);
    until("the popup to close", last_popup_closed).await;

    let public = Nango::new(NangoConfig::new().host("http://localhost:3003").public_key("pk")).unwrap();
    let future = public.auth("github", AuthOptions::new());
    sleep(Duration::from_millis(200)).await;
    assert_eq!(
        calls(),
        1,
        "a public-key flow has no session to check: {:?}",
        page_eval("JSON.stringify(window.__calls.map(c => c.url))").as_string()
    );
    drop(future);
    real_fetch();
    real_sockets();
}

#[wasm_bindgen_test]
async fn a_run_refused_for_its_session_forgets_the_cached_token() {
    track_popups();
    fake_sockets();
    fake_fetch(REFUSED);
    let fetched = Rc::new(Cell::new(0));
    let count = fetched.clone();
    let runner = AuthRunner::new(client(None));
    runner.set_token_source(Some(TokenSource::new(move || {
        count.set(count.get() + 1);
        async { Ok("nango_connect_session_dead".to_owned()) }
    })));
    until("the token fetched ahead", || fetched.get() == 1).await;
    runner.auth("github", AuthOptions::new());
    until("the run to fail", || !runner.snapshot().is_pending()).await;
    assert_eq!(failure(&runner).as_deref(), Some("unknown_connect_session_token"));
    until("a fresh token fetched ahead", || fetched.get() == 2).await;
    real_fetch();
    real_sockets();
}

#[wasm_bindgen_test]
async fn closing_the_connect_ui_aborts_its_token_fetch() {
    fake_fetch(NEVER);
    let options = ConnectUiOptions::new().base_url(connect_ui_test_url());
    let ui = ConnectUi::new(options).unwrap();
    ui.set_token_source(Some(TokenSource::backend("/api/nango-session")));
    ui.show().unwrap();
    until("the token fetch", || calls() == 1).await;
    ui.close();
    until("close to abort it", || page_eval("window.__calls[0].signal.aborted").as_bool() == Some(true))
        .await;
    real_fetch();
}

#[wasm_bindgen_test]
async fn a_failed_token_fetch_of_a_superseded_show_is_not_reported() {
    let errors = Rc::new(Cell::new(0));
    let count = errors.clone();
    let options =
        ConnectUiOptions::new().base_url(connect_ui_test_url()).on_error(move |_| count.set(count.get() + 1));
    let ui = ConnectUi::new(options).unwrap();
    ui.set_token_source(Some(TokenSource::new(|| async {
        sleep(Duration::from_millis(50)).await;
        Err(nango_frontend::AuthError::network("backend down"))
    })));
    ui.show().unwrap();
    ui.set_session_token("mine"); // the app's own token: the fetched one is no longer wanted
    sleep(Duration::from_millis(200)).await;
    assert_eq!(errors.get(), 0, "the stale failure went nowhere");
    assert_eq!(ui.snapshot().last_error, None);
    ui.close();

    // The same failure for the current show is reported.
    let ui = ConnectUi::new(ConnectUiOptions::new().base_url(connect_ui_test_url())).unwrap();
    ui.set_token_source(Some(TokenSource::new(|| async { Err(nango_frontend::AuthError::network("down")) })));
    let mut events = ui.events();
    ui.show().unwrap();
    let event = futures_util::StreamExt::next(&mut events).await.unwrap();
    assert_eq!(event.kind(), "error");
    ui.close();
}
