//! Component tests in headless Chromium: the hooks mounted in a fresh root, the Connect UI
//! simulated from inside its iframe's realm (its base URL is a missing path of the test page's
//! own origin), messages from the wrong source ignored, cleanup on unmount.

#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use gloo_timers::future::sleep;
use nango_browser_test_support::*;
use nango_yew::{
    AuthOptions, AuthState, ConnectUiEvent, ConnectUiOptions, Credentials, Nango, NangoConfig, NangoProvider,
    TokenSource, UseAuthOptions, UseConnectUiOptions, use_auth_with_options, use_connect_ui_with_options,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

// ---- page helpers (as in the core's browser tests) ----

/// A fresh root in the page.
fn root() -> Element {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    root
}

fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector).unwrap().map(|e| e.text_content().unwrap_or_default()).unwrap_or_default()
}

/// Clicks the element once it is rendered (the click handler runs before this returns).
async fn click(root: &Element, selector: &str) {
    until(&format!("{selector} to render"), || root.query_selector(selector).unwrap().is_some()).await;
    root.query_selector(selector).unwrap().unwrap().dyn_into::<HtmlElement>().unwrap().click();
}

async fn until_text(root: &Element, selector: &str, expected: &str) {
    until(&format!("{selector} = {expected:?}"), || text(root, selector) == expected).await;
}

type Log = Rc<RefCell<Vec<String>>>;

fn logged(log: &Log, entry: &str) -> bool {
    log.borrow().iter().any(|e| e == entry)
}

// ---- use_connect_ui ----

#[derive(Properties, PartialEq)]
struct UiProps {
    tag: &'static str,
    lang: &'static str,
    token: TokenSource,
    log: Log,
}

#[component]
fn UiProbe(props: &UiProps) -> Html {
    let entry = |what: &'static str| {
        let (log, tag) = (props.log.clone(), props.tag);
        move |detail: String| log.borrow_mut().push(format!("{tag}:{what}{detail}"))
    };
    let (on_event, on_connect, on_close, on_error) =
        (entry("event:"), entry("connect:"), entry("close"), entry("error:"));
    let ui = use_connect_ui_with_options(
        UseConnectUiOptions::new()
            .connect_ui(
                ConnectUiOptions::new()
                    .base_url(connect_ui_test_url())
                    .api_url("http://localhost:3003")
                    .lang(props.lang),
            )
            .session_token(props.token.clone())
            .on_event(move |e: ConnectUiEvent| on_event(e.kind().to_owned()))
            .on_connect(move |c: nango_yew::AuthSuccess| on_connect(c.connection_id))
            .on_close(move |()| on_close(String::new()))
            .on_error(move |e: nango_yew::AuthError| on_error(e.error_type().to_owned())),
    );
    let state = if ui.is_ready {
        "ready"
    } else if ui.is_open {
        "open"
    } else {
        "closed"
    };
    let (opener, closer) = (ui.clone(), ui.clone());
    html! {
        <div>
            <span class="state">{ state }</span>
            <span class="error">{ ui.last_error.as_ref().map(|e| e.error_type().to_owned()) }</span>
            <span class="last">{ ui.last_event.as_ref().map(|e| e.kind()) }</span>
            <ul class="conns">{ for ui.connections.iter().map(|c| html! { <li>{ &c.connection_id }</li> }) }</ul>
            <button class="open" onclick={move |_| opener.open()}>{ "open" }</button>
            <button class="close" onclick={move |_| closer.close()}>{ "close" }</button>
        </div>
    }
}

fn counting_token(calls: &Rc<Cell<u32>>) -> TokenSource {
    let calls = calls.clone();
    TokenSource::new(move || {
        calls.set(calls.get() + 1);
        let n = calls.get();
        async move {
            sleep(Duration::from_millis(30)).await;
            Ok(format!("tok-{n}"))
        }
    })
}

#[wasm_bindgen_test]
async fn connect_ui_renders_events_from_the_iframe_only_and_cleans_up() {
    let before = message_listeners();
    let (log, calls) = (Log::default(), Rc::new(Cell::new(0)));
    // One source for the component's life (a source made at each render would be a new source,
    // which never gets the previous one's token).
    let token = counting_token(&calls);
    let props = |tag, log: &Log| UiProps { tag, lang: "en", token: token.clone(), log: log.clone() };
    let root = root();
    let mut app = yew::Renderer::<UiProbe>::with_root_and_props(root.clone(), props("v1", &log)).render();
    until_text(&root, ".state", "closed").await;
    assert_eq!(iframes(), 0, "nothing is shown before open()");

    click(&root, ".open").await;
    assert_eq!(iframes(), 1, "open() shows the iframe at once, before the token arrives");
    until_text(&root, ".state", "open").await;
    assert_eq!(message_listeners(), before + 1);
    loaded_iframe().await;
    frame_eval(
        "window.__got = []; addEventListener('message', e => __got.push(e.data.type + ' ' + e.data.sessionToken));
         parent.postMessage({type: 'ready'}, '*');",
    );
    until_text(&root, ".state", "ready").await;
    until("the token", || frame_eval("__got.length").as_f64() == Some(1.0)).await;
    assert_eq!(frame_eval("__got[0]").as_string().unwrap(), "session_token tok-1");

    post_foreign_close().await;
    sleep(Duration::from_millis(30)).await;
    assert_eq!(text(&root, ".state"), "ready", "messages from other sources are ignored");
    assert!(!logged(&log, "v1:close"));

    frame_eval(
        "parent.postMessage({type: 'connect', payload: {providerConfigKey: 'github', connectionId: 'c-1'}}, '*');
         parent.postMessage({type: 'error', payload: {errorType: 'connection_test_failed', errorMessage: 'm'}}, '*');",
    );
    until_text(&root, ".error", "connection_test_failed").await;
    assert_eq!(text(&root, ".conns"), "c-1");
    assert_eq!(text(&root, ".last"), "error");
    assert!(logged(&log, "v1:event:connect") && logged(&log, "v1:connect:c-1"));
    assert!(logged(&log, "v1:error:connection_test_failed"));

    // New callbacks on re-render: the latest ones are called, nothing is re-bound.
    let log2 = Log::default();
    app.update(props("v2", &log2));
    yew::scheduler::flush().await;
    assert_eq!(message_listeners(), before + 1, "a re-render re-binds no listener");
    frame_eval("parent.postMessage({type: 'close'}, '*')");
    until_text(&root, ".state", "closed").await;
    assert!(logged(&log2, "v2:close") && !logged(&log, "v1:close"), "{log2:?} {log:?}");
    assert_eq!(iframes(), 0, "a close from the Connect UI removes the iframe");
    assert_eq!(message_listeners(), before);

    // Opened again: the same handle, the cached token, the connections kept.
    click(&root, ".open").await;
    until_text(&root, ".state", "open").await;
    assert_eq!(calls.get(), 1, "the token is reused until it expires");
    assert_eq!(text(&root, ".conns"), "c-1");

    app.destroy();
    yew::scheduler::flush().await;
    assert_eq!(iframes(), 0, "unmount removes the iframe");
    assert_eq!(message_listeners(), before, "unmount removes the listener");
    root.remove();
}

#[wasm_bindgen_test]
async fn close_and_option_changes_and_unmount_while_open() {
    let before = message_listeners();
    let log = Log::default();
    let props = |lang| UiProps { tag: "t", lang, token: TokenSource::fixed("fixed"), log: log.clone() };
    let root = root();
    let mut app = yew::Renderer::<UiProbe>::with_root_and_props(root.clone(), props("en")).render();
    click(&root, ".open").await;
    until_text(&root, ".state", "open").await;
    assert!(the_iframe().src().contains("lang=en"));
    loaded_iframe().await;
    frame_eval(
        "parent.postMessage({type: 'connect', payload: {providerConfigKey: 'p', connectionId: 'c-9'}}, '*')",
    );
    until_text(&root, ".conns", "c-9").await;

    click(&root, ".close").await;
    until_text(&root, ".state", "closed").await;
    assert_eq!(iframes(), 0);
    assert!(!logged(&log, "t:close"), "no Close event for a close the app asked for");

    // Options changed while closed: the next open uses them; connections are kept.
    app.update(props("fr"));
    yew::scheduler::flush().await;
    click(&root, ".open").await;
    until_text(&root, ".state", "open").await;
    assert!(the_iframe().src().contains("lang=fr"), "{}", the_iframe().src());
    assert_eq!(text(&root, ".conns"), "c-9");
    assert_eq!(message_listeners(), before + 1);

    app.destroy();
    yew::scheduler::flush().await;
    assert_eq!(iframes(), 0, "unmount while open removes the iframe");
    assert_eq!(message_listeners(), before);
    root.remove();
}

// ---- use_auth ----

#[derive(Properties, PartialEq)]
struct AuthProps {
    client: Nango,
    #[prop_or_default]
    token: Option<TokenSource>,
}

#[component]
fn AuthProbe() -> Html {
    let token = use_context::<Option<TokenSource>>().flatten();
    let mut options = UseAuthOptions::new();
    if let Some(token) = token {
        options = options.session_token(token);
    }
    let auth = use_auth_with_options(options);
    let label = match &auth.state {
        AuthState::Idle => "idle".to_owned(),
        AuthState::Pending => "pending".to_owned(),
        AuthState::Connected(c) => format!("connected:{}", c.connection_id),
        AuthState::Failed(e) => format!("failed:{}", e.error_type()),
    };
    let (oauth, api_key, cancel) = (auth.clone(), auth.clone(), auth.clone());
    html! {
        <div>
            <span class="auth">{ label }</span>
            <button class="oauth" onclick={move |_| oauth.run("github", AuthOptions::new())}>{ "oauth" }</button>
            <button class="api-key" onclick={move |_| api_key.run("stripe", AuthOptions::new().credentials(Credentials::api_key("k")))}>{ "key" }</button>
            <button class="cancel" onclick={move |_| cancel.cancel()}>{ "cancel" }</button>
        </div>
    }
}

#[component]
fn AuthApp(props: &AuthProps) -> Html {
    html! {
        <NangoProvider client={props.client.clone()}>
            <ContextProvider<Option<TokenSource>> context={props.token.clone()}>
                <AuthProbe />
            </ContextProvider<Option<TokenSource>>>
        </NangoProvider>
    }
}

fn client(host: &str, token: Option<&str>) -> Nango {
    let config = NangoConfig::new().host(host);
    Nango::new(match token {
        Some(token) => config.connect_session_token(token),
        None => config,
    })
    .unwrap()
}

fn mount_auth(client: Nango, token: Option<TokenSource>) -> (Element, yew::AppHandle<AuthApp>) {
    let root = root();
    let app =
        yew::Renderer::<AuthApp>::with_root_and_props(root.clone(), AuthProps { client, token }).render();
    (root, app)
}

#[wasm_bindgen_test]
async fn auth_opens_the_popup_in_the_click_and_reports_the_result() {
    track_popups();
    // Nothing listens on port 9: the popup opens, then the socket fails.
    let (root, app) = mount_auth(client("http://127.0.0.1:9", Some("t")), None);
    until_text(&root, ".auth", "idle").await;
    let opened = popups();
    click(&root, ".oauth").await;
    assert_eq!(popups(), opened + 1, "the popup opened inside the click handler");
    yew::scheduler::flush().await;
    assert_eq!(text(&root, ".auth"), "pending");
    until_text(&root, ".auth", "failed:network_error").await;
    until("the popup to close", last_popup_closed).await;
    app.destroy();
    yew::scheduler::flush().await;
    root.remove();

    // A credential POST answered with a non-JSON 404 page by the test server.
    let (root, app) = mount_auth(client(&origin(), Some("t")), None);
    click(&root, ".api-key").await;
    until_text(&root, ".auth", "failed:invalid_response").await;
    app.destroy();
    yew::scheduler::flush().await;

    // Refused before any I/O: no token at all.
    let (root, app) = mount_auth(client(&origin(), None), None);
    click(&root, ".oauth").await;
    until_text(&root, ".auth", "failed:missing_auth_token").await;
    app.destroy();
    yew::scheduler::flush().await;
    root.remove();
}

#[wasm_bindgen_test]
async fn cancel_and_unmount_close_the_popup() {
    track_popups();
    let (root, app) = mount_auth(client("http://127.0.0.1:9", Some("t")), None);
    click(&root, ".oauth").await;
    click(&root, ".cancel").await;
    until("cancel to close the popup", last_popup_closed).await;
    until_text(&root, ".auth", "failed:cancelled").await;

    click(&root, ".oauth").await;
    assert!(!last_popup_closed());
    app.destroy();
    yew::scheduler::flush().await;
    until("unmount to cancel the pending auth", last_popup_closed).await;
    root.remove();
}

#[wasm_bindgen_test]
async fn the_token_is_fetched_on_mount_and_set_before_the_run() {
    track_popups();
    let calls = Rc::new(Cell::new(0));
    let nango = client("http://127.0.0.1:9", None);
    let (root, app) = mount_auth(nango.clone(), Some(counting_token(&calls)));
    until("the token to be fetched on mount", || calls.get() == 1).await;
    sleep(Duration::from_millis(60)).await;
    let opened = popups();
    click(&root, ".oauth").await;
    assert_eq!(popups(), opened + 1, "the cached token let the popup open in the click");
    assert_eq!(nango.config().token, None, "the token went to the run, not to the shared client");
    until_text(&root, ".auth", "failed:network_error").await;
    app.destroy();
    yew::scheduler::flush().await;
    root.remove();
}
