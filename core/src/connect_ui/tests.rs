use super::*;
use futures_util::{FutureExt, StreamExt};
use std::cell::Cell;

#[test]
fn events_reach_the_callback_then_subscribers_in_order() {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let log = seen.clone();
    let ui = ConnectUi::new(
        ConnectUiOptions::new().on_event(move |e| log.borrow_mut().push(format!("cb:{}", e.kind()))),
    )
    .unwrap();
    let log = seen.clone();
    let sub = ui.subscribe(move |e| log.borrow_mut().push(format!("sub:{}", e.kind())));
    let mut stream = ui.events();
    ui.deliver_message(r#"{"type":"ready"}"#);
    ui.deliver_message(r#"{"nope":1}"#);
    ui.deliver_message(r#"{"type":"error","payload":{"errorType":"t","errorMessage":"m"}}"#);
    drop(sub);
    ui.deliver_message(r#"{"type":"close"}"#);
    assert_eq!(*seen.borrow(), ["cb:ready", "sub:ready", "cb:error", "sub:error", "cb:close"]);
    assert!(!ui.is_ready(), "close resets readiness");
    drop(ui);
    let kinds: Vec<_> = stream.by_ref().map(|e| e.kind()).collect::<Vec<_>>().now_or_never().unwrap();
    assert_eq!(kinds, ["ready", "error", "close"], "the stream ends with the last handle");
}

#[test]
fn a_callback_may_use_the_handle() {
    let ui = ConnectUi::new(ConnectUiOptions::new()).unwrap();
    let calls = Rc::new(Cell::new(0));
    let (handle, count) = (ui.clone(), calls.clone());
    let _sub = ui.subscribe(move |_| {
        handle.set_session_token("t2");
        handle.close();
        count.set(count.get() + 1);
    });
    ui.deliver_message(r#"{"type":"ready"}"#);
    assert_eq!(calls.get(), 1);
    assert_eq!(ui.state.borrow().token.as_deref(), Some("t2"));
}

#[test]
fn set_options_keeps_subscribers_and_state() {
    let ui = ConnectUi::new(ConnectUiOptions::new().session_token("t1")).unwrap();
    let seen = Rc::new(Cell::new(0));
    let count = seen.clone();
    let _sub = ui.subscribe(move |_| count.set(count.get() + 1));
    ui.deliver_message(r#"{"type":"connect","payload":{"providerConfigKey":"p","connectionId":"c"}}"#);
    ui.set_options(ConnectUiOptions::new().base_url("http://localhost:3009").theme(crate::Theme::Dark));
    assert_eq!(ui.iframe_url(), "http://localhost:3009/?apiURL=https%3A%2F%2Fapi.nango.dev&theme=dark");
    assert_eq!(plan(&ui).token.as_deref(), Some("t1"), "no new token: the old one stays");
    ui.deliver_message(r#"{"type":"ready"}"#);
    assert_eq!(seen.get(), 2);
    assert_eq!(ui.snapshot().connections.len(), 1);
}

fn plan(ui: &ConnectUi) -> ShowPlan {
    plan_show(&ui.state.borrow()).unwrap()
}

fn client(token: Option<&str>) -> Nango {
    let config = crate::NangoConfig::new().host("http://localhost:3003");
    Nango::new(match token {
        Some(token) => config.connect_session_token(token),
        None => config,
    })
    .unwrap()
}

#[test]
fn the_token_of_a_show_the_app_set_then_the_source_then_the_client() {
    let ui = ConnectUi::default();
    assert_eq!(plan(&ui).token, None);
    ui.set_client(Some(client(Some("client"))));
    assert_eq!(plan(&ui).token.as_deref(), Some("client"));
    assert!(plan(&ui).iframe_url.contains("apiURL=http%3A%2F%2Flocalhost%3A3003"), "the client's host");
    ui.set_token_source(Some(TokenSource::new(|| async { Ok("fetched".to_owned()) })));
    let waiting = plan(&ui);
    assert_eq!((waiting.token, waiting.fetch), (None, true), "a source wins over the client: wait for it");
    ui.set_token_source(Some(TokenSource::fixed("fixed")));
    let fixed = plan(&ui);
    assert_eq!((fixed.token, fixed.fetch), (None, true), "the source's token comes from fetch_token");
    ui.set_session_token("mine");
    // Options without a token (as an adapter passes at every render) do not replace it.
    ui.set_options(ConnectUiOptions::new().api_url("https://api.example.com"));
    let mine = plan(&ui);
    assert_eq!((mine.token.as_deref(), mine.fetch), (Some("mine"), false), "the app's token wins");
    assert!(mine.iframe_url.contains("apiURL=https%3A%2F%2Fapi.example.com"), "the options' API URL");
    ui.set_options(ConnectUiOptions::new().session_token("newer"));
    assert_eq!(plan(&ui).token.as_deref(), Some("newer"), "until the app sets another");
}

#[test]
fn a_failed_show_is_the_last_error_and_goes_to_on_error_and_watchers() {
    let errors = Rc::new(RefCell::new(Vec::new()));
    let log = errors.clone();
    let ui = ConnectUi::default();
    ui.set_options(
        ConnectUiOptions::new()
            .base_url("nope")
            .on_error(move |e| log.borrow_mut().push(e.error_type().to_owned())),
    );
    let snapshots = Rc::new(RefCell::new(Vec::new()));
    let log = snapshots.clone();
    let _watch = ui.watch(move |s| log.borrow_mut().push(s.last_error.clone().map(|e| e.kind)));
    assert_eq!(ui.show().unwrap_err().kind, crate::AuthErrorType::InvalidHostUrl);
    assert_eq!(*errors.borrow(), ["invalid_host_url"]);
    assert_eq!(*snapshots.borrow(), [Some(crate::AuthErrorType::InvalidHostUrl)]);
    assert_eq!(ui.snapshot().last_error.map(|e| e.kind), Some(crate::AuthErrorType::InvalidHostUrl));
}

#[test]
fn events_are_routed_once_to_the_callback_of_their_kind() {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let entry = |what: &'static str| {
        let log = seen.clone();
        move |detail: String| log.borrow_mut().push(format!("{what}:{detail}"))
    };
    let (ev, co, cl, er) = (entry("event"), entry("connect"), entry("close"), entry("error"));
    let ui = ConnectUi::new(
        ConnectUiOptions::new()
            .on_event(move |e| ev(e.kind().to_owned()))
            .on_connect(move |c| co(c.connection_id.clone()))
            .on_close(move || cl(String::new()))
            .on_error(move |e| er(e.error_type().to_owned())),
    )
    .unwrap();
    ui.deliver_message(r#"{"type":"connect","payload":{"providerConfigKey":"p","connectionId":"c"}}"#);
    ui.deliver_message(r#"{"type":"error","payload":{"errorType":"window_closed","errorMessage":"m"}}"#);
    ui.deliver_message(r#"{"type":"close"}"#);
    ui.deliver_message(r#"{"type":"ready"}"#);
    assert_eq!(
        *seen.borrow(),
        [
            "event:connect",
            "connect:c",
            "event:error",
            "error:window_closed",
            "event:close",
            "close:",
            "event:ready"
        ]
    );
}

#[test]
fn release_lets_go_of_callbacks_and_subscribers() {
    let calls = Rc::new(Cell::new(0));
    let (a, b) = (calls.clone(), calls.clone());
    let ui = ConnectUi::new(ConnectUiOptions::new().on_event(move |_| a.set(a.get() + 1))).unwrap();
    let _sub = ui.subscribe(move |_| b.set(b.get() + 1));
    ui.deliver_message(r#"{"type":"ready"}"#);
    assert_eq!(calls.get(), 2);
    ui.release();
    ui.deliver_message(r#"{"type":"ready"}"#);
    assert_eq!(calls.get(), 2);
    assert_eq!(Rc::strong_count(&calls), 1, "the callbacks were dropped");
}

#[test]
fn an_expired_session_error_forgets_the_cached_token() {
    let fetches = Rc::new(Cell::new(0));
    let count = fetches.clone();
    let ui = ConnectUi::new(ConnectUiOptions::new()).unwrap();
    ui.set_token_source(Some(TokenSource::new(move || {
        count.set(count.get() + 1);
        let n = count.get();
        async move { Ok(format!("t{n}")) }
    })));
    let tokens = ui.state.borrow().tokens.clone().unwrap().cache();
    futures_util::FutureExt::now_or_never(tokens.get()).unwrap().unwrap();
    ui.deliver_message(r#"{"type":"error","payload":{"errorType":"window_closed","errorMessage":"m"}}"#);
    assert_eq!(tokens.fresh().as_deref(), Some("t1"), "other errors keep the token");
    ui.deliver_message(
        r#"{"type":"error","payload":{"errorType":"unknown_connect_session_token","errorMessage":"m"}}"#,
    );
    assert_eq!(tokens.fresh(), None, "an expired session forgets it");
    assert_eq!(futures_util::FutureExt::now_or_never(tokens.get()).unwrap().unwrap(), "t2");
}

#[test]
fn open_with_an_invalid_url_is_an_error_that_goes_to_on_error() {
    let errors = Rc::new(Cell::new(0));
    let count = errors.clone();
    let options = ConnectUiOptions::new().base_url("not a url").on_error(move |_| count.set(count.get() + 1));
    assert_eq!(ConnectUi::open(options).unwrap_err().kind, crate::AuthErrorType::InvalidHostUrl);
    assert_eq!(errors.get(), 1);
}

#[cfg(not(browser))]
#[test]
fn outside_a_browser_show_is_a_typed_error() {
    let err = ConnectUi::open(ConnectUiOptions::new()).unwrap_err();
    assert_eq!(err.kind, crate::AuthErrorType::UnsupportedEnvironment);
}

#[test]
fn replaced_callbacks_and_token_sources_are_dropped_with_the_state_released() {
    /// Uses the handle when dropped, as an app's value held by a callback may.
    struct OnDrop(ConnectUi, &'static str);
    impl Drop for OnDrop {
        fn drop(&mut self) {
            self.0.set_session_token(self.1);
        }
    }
    let ui = ConnectUi::new(ConnectUiOptions::new()).unwrap();
    let held = OnDrop(ui.clone(), "from-a-callback");
    ui.set_options(ConnectUiOptions::new().on_close(move || {
        let _ = &held;
    }));
    ui.set_options(ConnectUiOptions::new());
    assert_eq!(ui.state.borrow().explicit.as_deref(), Some("from-a-callback"));
    let held = OnDrop(ui.clone(), "from-a-token-source");
    ui.set_token_source(Some(TokenSource::new(move || {
        let _ = &held;
        async { Ok("t".to_owned()) }
    })));
    ui.set_token_source(None);
    assert_eq!(ui.state.borrow().explicit.as_deref(), Some("from-a-token-source"));
}
