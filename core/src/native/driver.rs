//! The native driver: the system browser in place of the popup, tokio-tungstenite for Nango's
//! WebSocket, reqwest for HTTP. It performs what [`OAuthFlow`] decides, as the browser layer
//! does (`browser/auth.rs`); what differs is in `docs/auth-lifecycle.md` ("Natively").

use std::cell::RefCell;
use std::fmt;
use std::future::{Future, pending};
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use crate::json::Json;
use crate::options::effective_timeout;
use crate::protocol::PostRequest;
use crate::protocol::oauth::{FlowInput, FlowStep, OAuthFlow, millis, session_refusal};
use crate::protocol::response::{auth_result, token_result};
use crate::task::{AuthFuture, within};
use crate::text::concat;
use crate::{AuthError, AuthErrorType, AuthSuccess, NangoConfig};

/// How often the flow is given the clock (its timeout is decided from these readings), as the
/// browser layer looks at its popup.
const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// How often an OAuth flow pings Nango's WebSocket while it waits for the result: 30 seconds.
///
/// Real Nango sends no pings of its own and keeps no messages for a socket that is gone, so an
/// idle socket cut by a proxy or a NAT would lose the result. A ping keeps the path busy; a
/// missing pong is not taken as a dead socket (a dead one fails its read or its next ping).
pub const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(30);

/// Shows a URL to the user: the native stand-in for the OAuth popup.
///
/// The default is [`SystemBrowser`]; [`set_opener`] replaces it (a desktop app's own web view,
/// a test's headless browser, a command: [`CommandOpener`]). Any `Fn(&str) -> io::Result<()>`
/// is an opener.
pub trait Opener {
    /// Shows `url`: Nango's `/oauth/connect/…` page, which leads to the provider. An error ends
    /// the auth with `blocked_by_browser` (the popup that could not be opened).
    fn open(&self, url: &str) -> std::io::Result<()>;
}

impl<F: Fn(&str) -> std::io::Result<()>> Opener for F {
    fn open(&self, url: &str) -> std::io::Result<()> {
        self(url)
    }
}

/// The user's default browser (the `webbrowser` crate).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemBrowser;

impl Opener for SystemBrowser {
    fn open(&self, url: &str) -> std::io::Result<()> {
        webbrowser::open(url)
    }
}

/// Runs a program with the URL as its last argument, without waiting for it to exit (e.g.
/// `xdg-open`, a browser, a test script). Its standard output is discarded, its standard error
/// inherited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandOpener {
    program: String,
    args: Vec<String>,
}

impl CommandOpener {
    /// Runs `program URL`.
    pub fn new(program: impl Into<String>) -> Self {
        Self { program: program.into(), args: Vec::new() }
    }

    /// Adds an argument before the URL.
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// A command line split at whitespace (no quoting): the program, then its arguments.
    /// `None` when it is blank.
    pub fn from_command_line(line: &str) -> Option<Self> {
        let mut words = line.split_whitespace();
        let program = words.next()?;
        Some(words.fold(Self::new(program), Self::arg))
    }
}

impl Opener for CommandOpener {
    fn open(&self, url: &str) -> std::io::Result<()> {
        let mut child = std::process::Command::new(&self.program)
            .args(&self.args)
            .arg(url)
            // The program's output is not the caller's: only its errors are shown.
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .spawn()?;
        // Reaped when it exits, so that it leaves no zombie behind; the auth does not wait.
        std::thread::spawn(move || child.wait());
        Ok(())
    }
}

/// A background task of the UI layer, for a [`set_spawner`] executor.
pub type LocalTask = Pin<Box<dyn Future<Output = ()>>>;

type Spawner = Rc<dyn Fn(LocalTask)>;

thread_local! {
    static OPENER: RefCell<Option<Rc<dyn Opener>>> = const { RefCell::new(None) };
    static SPAWNER: RefCell<Option<Spawner>> = const { RefCell::new(None) };
}

/// Replaces the [`Opener`] of the OAuth flows started on this thread (the core's types live on
/// one thread), from the next auth on. [`SystemBrowser`] restores the default.
pub fn set_opener(opener: impl Opener + 'static) {
    let opener: Rc<dyn Opener> = Rc::new(opener);
    OPENER.with(|slot| *slot.borrow_mut() = Some(opener));
}

/// Opens `url` with this thread's [`Opener`] (e.g. a Connect UI link).
pub fn open_url(url: &str) -> std::io::Result<()> {
    current_opener().open(url)
}

fn current_opener() -> Rc<dyn Opener> {
    OPENER.with(|slot| slot.borrow().clone()).unwrap_or_else(|| Rc::new(SystemBrowser))
}

/// Sets the local executor of this thread's background work: the runs of an
/// [`AuthRunner`](crate::AuthRunner) (the adapters' `use_auth`), the session tokens fetched
/// ahead and the Connect UI's token fetch. A UI framework passes its own (`nango-dioxus` passes
/// Dioxus's); a program on a tokio `LocalSet` passes `|task| drop(tokio::task::spawn_local(task))`.
///
/// The executor must poll each task until it ends or is dropped. Without one, background work
/// is polled once and dropped (tokio's `spawn_local` would panic outside a `LocalSet`, and
/// whether there is one cannot be asked): a run or a Connect UI show that has to wait then
/// ends with `unsupported_environment`, saying to call this, never a hang or a panic.
pub fn set_spawner(spawner: impl Fn(LocalTask) + 'static) {
    let spawner: Spawner = Rc::new(spawner);
    SPAWNER.with(|slot| *slot.borrow_mut() = Some(spawner));
}

/// Runs a future in the background (see [`set_spawner`]).
pub(crate) fn spawn(future: impl Future<Output = ()> + 'static) {
    match SPAWNER.with(|slot| slot.borrow().clone()) {
        Some(spawner) => spawner(Box::pin(future)),
        None => super::poll_once(future),
    }
}

/// Whether background work is polled to its end (a spawner is set).
pub(crate) fn can_spawn() -> bool {
    SPAWNER.with(|slot| slot.borrow().is_some())
}

/// Why background work cannot wait here.
pub(crate) fn no_executor() -> AuthError {
    AuthError::new(
        AuthErrorType::UnsupportedEnvironment,
        "Background work needs a local executor here: call nango_frontend::native::set_spawner",
    )
}

/// Resolves after `duration`; never, outside a tokio runtime (no timer would wake it).
pub(crate) async fn sleep(duration: Duration) {
    if tokio::runtime::Handle::try_current().is_ok() {
        tokio::time::sleep(duration).await;
    } else {
        pending::<()>().await;
    }
}

/// Debug logs go to standard error.
pub(crate) fn log(message: &str) {
    eprintln!("[nango] {message}");
}

/// The error of an auth started outside a tokio runtime.
pub(crate) fn no_runtime() -> AuthError {
    AuthError::new(
        AuthErrorType::UnsupportedEnvironment,
        "The native driver of nango-frontend runs inside a tokio runtime (with IO and timers)",
    )
}

pub(crate) fn has_runtime() -> bool {
    tokio::runtime::Handle::try_current().is_ok()
}

fn http() -> Result<reqwest::Client, AuthError> {
    reqwest::Client::builder().build().map_err(network)
}

/// A reqwest error as a `network_error`, without its URL (the query may hold a session token).
fn network(error: reqwest::Error) -> AuthError {
    AuthError::network(error.without_url().to_string())
}

/// Starts a credential POST; the request is sent when the future is first polled.
pub(crate) fn start_post(request: PostRequest, timeout: Option<Duration>) -> AuthFuture {
    if !has_runtime() {
        return AuthFuture::ready(Err(no_runtime()));
    }
    let late = || AuthError::new(AuthErrorType::Timeout, "Nango did not answer in time");
    AuthFuture::from_work(within(post(request), effective_timeout(timeout), late))
}

async fn post(request: PostRequest) -> Result<AuthSuccess, AuthError> {
    // JSON content type even without a body, as the JS SDK sends it.
    let mut builder = http()?.post(&request.url).header("content-type", "application/json");
    if let Some(body) = request.body {
        builder = builder.body(body);
    }
    let response = builder.send().await.map_err(network)?;
    let status = response.status().as_u16();
    let text = response.text().await.map_err(network)?;
    auth_result(status, Json::parse(&text).as_ref(), &text)
}

/// `POST url` (an absolute URL natively) and read a session token from the JSON answer.
pub(crate) async fn post_for_token(url: String) -> Result<String, AuthError> {
    if !has_runtime() {
        return Err(no_runtime());
    }
    let response = http()?.post(&url).send().await.map_err(network)?;
    let status = response.status().as_u16();
    let text = response.text().await.map_err(network)?;
    token_result(status, Json::parse(&text).as_ref(), &text)
}

/// Starts an OAuth flow: the socket is opened when the future is first polled, the browser once
/// Nango's `connection_ack` names the socket. Everything runs inside the future; dropping it
/// closes the socket and aborts the session check.
pub(crate) fn start_popup(flow: OAuthFlow, config: &NangoConfig) -> AuthFuture {
    if !has_runtime() {
        return AuthFuture::ready(Err(no_runtime()));
    }
    AuthFuture::from_work(run_flow(flow, current_opener(), config.debug))
}

struct Redacted<'a>(&'a str);

impl fmt::Display for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::url::redact_query(self.0))
    }
}

async fn run_flow(
    mut flow: OAuthFlow,
    opener: Rc<dyn Opener>,
    debug: bool,
) -> Result<AuthSuccess, AuthError> {
    let started = Instant::now();
    let timed_out = || AuthError::new(AuthErrorType::Timeout, "The authorization did not finish in time");
    let connect = async {
        tokio_tungstenite::connect_async(flow.ws_url())
            .await
            .map_err(|e| AuthError::network(concat(&["Could not open Nango's WebSocket: ", &e.to_string()])))
    };
    // Opening the socket counts against the flow's timeout.
    let (socket, _) = within(connect, flow.timeout(), timed_out).await?;
    let (mut sink, mut stream) = socket.split();
    let check = flow.session_check().map(|(url, token)| (url.to_owned(), token.to_owned()));
    let mut check = pin!(async move {
        match check {
            Some((url, token)) => check_session(&url, &token).await,
            None => pending().await,
        }
    });
    let mut clock = tokio::time::interval(POLL_INTERVAL);
    clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let first_ping = tokio::time::Instant::now() + KEEPALIVE_INTERVAL;
    let mut keepalive = tokio::time::interval_at(first_ping, KEEPALIVE_INTERVAL);
    loop {
        let input = tokio::select! {
            frame = stream.next() => match frame {
                Some(Ok(Message::Text(text))) => FlowInput::socket_text(text.as_str()),
                // Pings are answered by tungstenite itself; pongs and binary frames mean nothing.
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Binary(_) | Message::Frame(_))) => continue,
                // A close frame, the end of the stream, a reset without a close frame.
                Some(Ok(Message::Close(_)) | Err(_)) | None => FlowInput::SocketClosed,
            },
            _ = clock.tick() => {
                // No popup to look at: nothing reads "closed" natively, the timeout governs.
                FlowInput::Poll { now_ms: millis(started.elapsed()), popup_closed: false }
            }
            refusal = &mut check => FlowInput::SessionRefused(refusal),
            _ = keepalive.tick() => match sink.send(Message::Ping(Vec::new().into())).await {
                Ok(()) => continue,
                Err(_) => FlowInput::SocketClosed,
            },
        };
        let (name, quiet) = (input.name(), matches!(input, FlowInput::Poll { .. }));
        let step = flow.handle(input);
        if debug && !(quiet && step == FlowStep::Wait) {
            log(&concat(&["oauth ", name, " -> ", step.name()]));
        }
        match step {
            FlowStep::Wait => {}
            FlowStep::Navigate(url) => {
                if debug {
                    log(&format!("opening {}", Redacted(&url)));
                }
                if let Err(error) = opener.open(&url) {
                    let why = concat(&["The browser could not be opened: ", &error.to_string()]);
                    return Err(AuthError::new(AuthErrorType::BlockedByBrowser, why));
                }
            }
            FlowStep::Finish(result) => {
                // A polite close; the socket is dropped either way.
                let _ = within(async { Ok(sink.close().await) }, Duration::from_secs(1), timed_out).await;
                return result;
            }
        }
    }
}

/// Checks the flow's session token as Nango's Connect UI does (`GET /connect/session` with it):
/// resolves to the refusal, or never (a session that is fine, a failed check).
async fn check_session(url: &str, token: &str) -> AuthError {
    let answer = async {
        let response = http().ok()?.get(url).bearer_auth(token).send().await.ok()?;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        session_refusal(status, &text)
    };
    match answer.await {
        Some(refusal) => refusal,
        None => pending().await,
    }
}
