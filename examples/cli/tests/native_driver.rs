//! The native driver of `nango-frontend` end to end against the dev server: the test browser
//! (`fake_browser`) plays the system browser through the opener. Approve and deny on the fake
//! provider, an expired session, a dropped socket, a timeout, cancellation (the socket is
//! released), credential POSTs, the runner on a `LocalSet`, an opener that fails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use nango_cli_demo::fake_browser::{Decision, browse};
use nango_dev_server::{DevServerConfig, Faults, ManualClock, RunningServer};
use nango_frontend::native::{set_opener, set_spawner};
use nango_frontend::{
    AuthErrorType, AuthOptions, AuthRunner, AuthState, Credentials, Nango, NangoConfig, SessionTokens,
    TokenSource,
};

struct Server {
    server: RunningServer,
    clock: ManualClock,
}

async fn server() -> Server {
    let clock = ManualClock::starting_now();
    let mut config = DevServerConfig::for_tests();
    config.clock = clock.clock();
    let server = nango_dev_server::start(config).await.unwrap();
    Server { server, clock }
}

impl Server {
    fn session_url(&self) -> String {
        format!("{}/demo/session", self.server.api_url())
    }

    async fn token(&self) -> String {
        SessionTokens::new(TokenSource::backend(self.session_url())).get().await.unwrap()
    }

    async fn client(&self) -> Nango {
        let config = NangoConfig::new().host(self.server.api_url()).connect_session_token(self.token().await);
        Nango::new(config).unwrap()
    }

    /// Waits until the server holds `n` open WebSockets (at most 5 s).
    async fn open_sockets_become(&self, n: usize) -> bool {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if self.server.memory_report().open_websockets == n {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    }
}

/// The test browser's visits: the status of each last page.
type Visits = Rc<RefCell<Vec<tokio::task::JoinHandle<Result<u16, String>>>>>;

/// The test browser as the opener: each URL opened is loaded in a task; the pages are kept.
fn browser(decision: Decision) -> Visits {
    let opened = Rc::new(RefCell::new(Vec::new()));
    let log = opened.clone();
    set_opener(move |url: &str| {
        let url = url.to_owned();
        log.borrow_mut().push(tokio::spawn(async move { browse(&url, decision).await.map(|p| p.status) }));
        Ok(())
    });
    opened
}

#[tokio::test(flavor = "current_thread")]
async fn approve_connects_and_the_connection_exists() {
    let s = server().await;
    let opened = browser(Decision::Approve);
    let nango = s.client().await;
    let connection = nango.auth("github-dev", AuthOptions::new()).await.unwrap();
    assert_eq!(connection.provider_config_key, "github-dev");
    let made = s.server.connections();
    assert!(made.iter().any(|c| c.connection_id == connection.connection_id), "{made:?}");
    assert_eq!(opened.borrow().len(), 1, "the browser was opened once");
    let visit = opened.borrow_mut().pop().unwrap();
    let page = visit.await.unwrap();
    assert_eq!(page, Ok(200), "the callback page");
    assert!(s.open_sockets_become(0).await, "the socket was closed after the result");
}

#[tokio::test(flavor = "current_thread")]
async fn deny_fails_with_the_providers_error() {
    let s = server().await;
    browser(Decision::Deny);
    let error = s.client().await.auth("github-dev", AuthOptions::new()).await.unwrap_err();
    assert_eq!(error.error_type(), "callback_err", "{error:?}");
    assert!(error.message.contains("access_denied"), "{error:?}");
    assert!(s.server.connections().is_empty());
}

#[tokio::test(flavor = "current_thread")]
async fn an_expired_session_fails_fast() {
    let s = server().await;
    let opened = browser(Decision::Approve);
    let nango = s.client().await;
    s.clock.advance(Duration::from_secs(31 * 60));
    let started = Instant::now();
    let error = nango.auth("github-dev", AuthOptions::new()).await.unwrap_err();
    assert_eq!(error.error_type(), "unknown_connect_session_token", "{error:?}");
    assert!(error.is_session_refused());
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    // Whichever came first (the session check, or the error pushed after the browser loaded
    // `/oauth/connect`), no connection was made.
    drop(opened);
    assert!(s.server.connections().is_empty());
}

#[tokio::test(flavor = "current_thread")]
async fn a_json_error_page_with_nothing_on_the_socket_ends_with_the_session_check() {
    // What a real Nango does for a session it refuses: a JSON 401 in the browser, no message on
    // the socket. Only the session check can end the flow early.
    let s = server().await;
    let opened = browser(Decision::Approve);
    let nango = Nango::new(
        NangoConfig::new()
            .host(s.server.api_url())
            .connect_session_token("nango_connect_session_0123456789abcdef0123456789abcdef"),
    )
    .unwrap();
    s.server.set_faults(Faults::none().oauth_connect_json_error());
    let started = Instant::now();
    let error = nango.auth("github-dev", AuthOptions::new()).await.unwrap_err();
    assert!(error.is_session_refused(), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(opened);
}

#[tokio::test(flavor = "current_thread")]
async fn a_dropped_socket_is_a_network_error_at_once() {
    let s = server().await;
    browser(Decision::Approve);
    s.server.set_faults(Faults::none().drop_socket_mid_flow());
    let started = Instant::now();
    let error = s.client().await.auth("github-dev", AuthOptions::new()).await.unwrap_err();
    assert_eq!(error.kind, AuthErrorType::NetworkError, "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}

#[tokio::test(flavor = "current_thread")]
async fn the_timeout_governs_when_the_user_never_finishes() {
    let s = server().await;
    // The browser opens, the user walks away.
    let opened = Rc::new(RefCell::new(0));
    let count = opened.clone();
    set_opener(move |_: &str| {
        *count.borrow_mut() += 1;
        Ok(())
    });
    let started = Instant::now();
    let options = AuthOptions::new().timeout(Duration::from_millis(1500));
    let error = s.client().await.auth("github-dev", options).await.unwrap_err();
    assert_eq!(error.kind, AuthErrorType::Timeout, "{error:?}");
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(1400) && took < Duration::from_secs(4), "{took:?}");
    assert_eq!(*opened.borrow(), 1);
    assert!(s.open_sockets_become(0).await, "the socket was released");
}

#[tokio::test(flavor = "current_thread")]
async fn dropping_or_cancelling_releases_the_socket() {
    let s = server().await;
    set_opener(|_: &str| Ok(()));
    let nango = s.client().await;
    let mut auth = Box::pin(nango.auth("github-dev", AuthOptions::new()));
    // Drive it until the socket is open.
    let opened = tokio::time::timeout(Duration::from_millis(500), &mut auth).await;
    assert!(opened.is_err(), "still waiting for the user");
    assert_eq!(s.server.memory_report().open_websockets, 1);
    drop(auth);
    assert!(s.open_sockets_become(0).await, "dropping the future closed the socket");

    let mut auth = Box::pin(nango.auth("github-dev", AuthOptions::new()));
    assert!(tokio::time::timeout(Duration::from_millis(500), &mut auth).await.is_err());
    nango.cancel_pending_auth();
    let error = auth.await.unwrap_err();
    assert_eq!(error.kind, AuthErrorType::Cancelled);
    assert!(s.open_sockets_become(0).await, "cancelling closed the socket");
}

#[tokio::test(flavor = "current_thread")]
async fn an_opener_that_fails_is_blocked_by_browser() {
    let s = server().await;
    set_opener(|_: &str| Err(std::io::Error::other("no browser here")));
    let error = s.client().await.auth("github-dev", AuthOptions::new()).await.unwrap_err();
    assert_eq!(error.kind, AuthErrorType::BlockedByBrowser, "{error:?}");
    assert!(error.message.contains("no browser here"));
}

#[tokio::test(flavor = "current_thread")]
async fn credential_posts_connect_and_fail_with_the_servers_error() {
    let s = server().await;
    let nango = s.client().await;
    let ok = nango.auth("api-key-dev", AuthOptions::new().credentials(Credentials::api_key("dev-key-ok")));
    assert_eq!(ok.await.unwrap().provider_config_key, "api-key-dev");
    let nango = s.client().await;
    let bad = nango.auth("api-key-dev", AuthOptions::new().credentials(Credentials::api_key("wrong")));
    assert_eq!(bad.await.unwrap_err().error_type(), "connection_test_failed");
    s.server.set_faults(Faults::none().credential_status(503));
    let nango = s.client().await;
    let down = nango.auth("api-key-dev", AuthOptions::new().credentials(Credentials::api_key("dev-key-ok")));
    assert_eq!(down.await.unwrap_err().error_type(), "server_error");
}

#[tokio::test(flavor = "current_thread")]
async fn a_slow_credential_post_times_out() {
    let s = server().await;
    let nango = s.client().await;
    s.server.set_faults(Faults::none().delay(Duration::from_secs(3)));
    let options = AuthOptions::new()
        .credentials(Credentials::api_key("dev-key-ok"))
        .timeout(Duration::from_millis(500));
    let started = Instant::now();
    let error = nango.auth("api-key-dev", options).await.unwrap_err();
    assert_eq!(error.kind, AuthErrorType::Timeout, "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test(flavor = "current_thread")]
async fn the_runner_fetches_its_token_and_connects_on_a_local_set() {
    let s = server().await;
    browser(Decision::Approve);
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            set_spawner(|task| drop(tokio::task::spawn_local(task)));
            let nango = Nango::new(NangoConfig::new().host(s.server.api_url())).unwrap();
            let runner = AuthRunner::new(nango);
            runner.set_token_source(Some(TokenSource::backend(s.session_url())));
            let states = Rc::new(RefCell::new(Vec::new()));
            let log = states.clone();
            let _watch = runner.subscribe(move |state| log.borrow_mut().push(state.clone()));
            runner.auth("github-dev", AuthOptions::new());
            let deadline = Instant::now() + Duration::from_secs(10);
            while !matches!(runner.snapshot(), AuthState::Connected(_) | AuthState::Failed(_)) {
                assert!(Instant::now() < deadline, "{:?}", runner.snapshot());
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let AuthState::Connected(connection) = runner.snapshot() else {
                panic!("{:?}", runner.snapshot())
            };
            assert_eq!(connection.provider_config_key, "github-dev");
            assert_eq!(states.borrow().first(), Some(&AuthState::Pending));
            // A cancelled run releases its socket (this time the user does nothing).
            set_opener(|_: &str| Ok(()));
            runner.auth("github-dev", AuthOptions::new());
            tokio::time::sleep(Duration::from_millis(300)).await;
            assert_eq!(runner.snapshot(), AuthState::Pending);
            assert_eq!(s.server.memory_report().open_websockets, 1);
            runner.cancel();
            let AuthState::Failed(error) = runner.snapshot() else { panic!("{:?}", runner.snapshot()) };
            assert_eq!(error.kind, AuthErrorType::Cancelled);
        })
        .await;
    assert!(s.open_sockets_become(0).await);
}

#[test]
fn outside_a_tokio_runtime_auth_is_unsupported() {
    let nango = Nango::new(NangoConfig::new().connect_session_token("t")).unwrap();
    let error = futures_now(nango.auth("github-dev", AuthOptions::new())).unwrap_err();
    assert_eq!(error.kind, AuthErrorType::UnsupportedEnvironment);
    assert!(error.message.contains("tokio"), "{error:?}");
    let ui = nango_frontend::ConnectUi::new(nango_frontend::ConnectUiOptions::new()).unwrap();
    ui.set_session_token("t");
    // No browser is opened here (a test opener would record it).
    let opened = Rc::new(RefCell::new(0));
    let count = opened.clone();
    set_opener(move |_: &str| {
        *count.borrow_mut() += 1;
        Ok(())
    });
    assert_eq!(ui.show().unwrap_err().kind, AuthErrorType::UnsupportedEnvironment);
    assert_eq!(*opened.borrow(), 0);
}

/// Polls a future once (it is ready at once here).
fn futures_now<F: std::future::Future>(future: F) -> F::Output {
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match std::pin::pin!(future).as_mut().poll(&mut cx) {
        std::task::Poll::Ready(output) => output,
        std::task::Poll::Pending => panic!("not ready"),
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_connect_ui_opens_its_link_in_the_browser_with_a_live_session() {
    use nango_frontend::{ConnectUi, ConnectUiOptions};
    let s = server().await;
    let opened = Rc::new(RefCell::new(Vec::<String>::new()));
    let log = opened.clone();
    set_opener(move |url: &str| {
        log.borrow_mut().push(url.to_owned());
        Ok(())
    });
    let local = tokio::task::LocalSet::new();
    let link = local
        .run_until(async {
            set_spawner(|task| drop(tokio::task::spawn_local(task)));
            let ui = ConnectUi::new(ConnectUiOptions::new().base_url(s.server.connect_ui_url())).unwrap();
            ui.set_client(Some(Nango::new(NangoConfig::new().host(s.server.api_url())).unwrap()));
            ui.set_token_source(Some(TokenSource::backend(s.session_url())));
            ui.show().unwrap();
            let deadline = Instant::now() + Duration::from_secs(5);
            while opened.borrow().is_empty() {
                assert!(Instant::now() < deadline, "the link was not opened");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            assert!(!ui.snapshot().is_open, "nothing is mounted natively");
            opened.borrow()[0].clone()
        })
        .await;
    let url = reqwest::Url::parse(&link).unwrap();
    assert!(link.starts_with(&s.server.connect_ui_url()), "{link}");
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query.get("apiURL").map(String::as_str), Some(s.server.api_url().as_str()));
    let token = query.get("session_token").expect("the link carries the session token");
    let session = reqwest::Client::new()
        .get(format!("{}/connect/session", s.server.api_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(session.status(), 200, "the link's session is live");

    // Without any token the show fails with a typed error, and the browser is not opened.
    let ui = ConnectUi::new(ConnectUiOptions::new().base_url(s.server.connect_ui_url())).unwrap();
    assert_eq!(ui.show().unwrap_err().kind, AuthErrorType::MissingAuthToken);
    assert_eq!(opened.borrow().len(), 1);
}

/// A Nango-shaped socket of our own (real Nango sends no pings): it acks, records the client's
/// pings, and publishes a success after the second one. Time is paused, so the 30-second
/// keepalive passes at once.
#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn the_socket_is_pinged_while_the_flow_waits() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let host = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
        ws.send(Message::text(r#"{"message_type":"connection_ack","ws_client_id":"id-1"}"#)).await.unwrap();
        let mut pings = 0;
        while let Some(Ok(frame)) = ws.next().await {
            if let Message::Ping(_) = frame {
                pings += 1;
                if pings == 2 {
                    let success = r#"{"message_type":"success","provider_config_key":"github-dev","connection_id":"c-1"}"#;
                    ws.send(Message::text(success)).await.unwrap();
                }
            }
        }
        pings
    });
    let opened = Rc::new(RefCell::new(Vec::<String>::new()));
    let log = opened.clone();
    set_opener(move |url: &str| {
        log.borrow_mut().push(url.to_owned());
        Ok(())
    });
    let nango = Nango::new(NangoConfig::new().host(&host).public_key("pk")).unwrap();
    // Without pings the server would never answer: the (virtual) 5 minutes would end the test.
    let auth = nango.auth("github-dev", AuthOptions::new().timeout(Duration::MAX));
    let connection = tokio::time::timeout(Duration::from_secs(300), auth).await.expect("no pings").unwrap();
    assert_eq!(connection.connection_id, "c-1");
    assert_eq!(
        *opened.borrow(),
        [format!("{host}/oauth/connect/github-dev?public_key=pk&ws_client_id=id-1")]
    );
    assert_eq!(server.await.unwrap(), 2, "two keepalive pings, then the socket was closed");
}

/// Inside a tokio runtime with no executor given (a server-side render under tokio, where
/// feature unification turned `native` on): a run that has to wait for its token ends with a
/// typed error at once; nothing panics and nothing stays pending.
#[tokio::test(flavor = "multi_thread")]
async fn without_an_executor_a_waiting_run_is_a_typed_error_not_a_panic_or_a_hang() {
    let s = server().await;
    let nango = Nango::new(NangoConfig::new().host(s.server.api_url())).unwrap();
    let runner = AuthRunner::new(nango);
    runner.set_token_source(Some(TokenSource::backend(s.session_url())));
    runner.auth("github-dev", AuthOptions::new());
    let AuthState::Failed(error) = runner.snapshot() else { panic!("{:?}", runner.snapshot()) };
    assert_eq!(error.error_type(), "unsupported_environment", "{error:?}");
    assert!(error.message.contains("set_spawner"), "{error:?}");
    runner.release();
}
