//! The Connect UI handle: state, dispatch and subscribers, shared by every platform.
//!
//! The browser layer (`browser::dom`) owns the iframe and the `message` listener and calls
//! [`deliver`] with each accepted message; everything else happens here, so it is tested natively.

use std::cell::RefCell;
use std::fmt;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll};

use futures_channel::mpsc;
use futures_core::Stream;

use crate::AuthError;
use crate::platform::Dom;
use crate::protocol::connect_ui::{ConnectUiEvent, ConnectUiOptions, EventCallback, parse_message};
use crate::state::ConnectUiSnapshot;
use crate::token::SessionTokens;

pub(crate) struct UiState {
    pub options: ConnectUiOptions,
    pub origin: String,
    pub iframe_url: String,
    pub token: Option<String>,
    pub ready: bool,
    pub dom: Option<Dom>,
    /// Where the token came from, to forget it when the Connect UI says it expired.
    tokens: Option<SessionTokens>,
    snapshot: ConnectUiSnapshot,
    subscribers: Vec<(u64, EventCallback)>,
    next_id: u64,
}

impl Drop for UiState {
    fn drop(&mut self) {
        if let Some(dom) = self.dom.take() {
            dom.remove();
        }
    }
}

pub(crate) type UiRef = Rc<RefCell<UiState>>;

/// A Connect UI: the iframe, its message listener and its event subscribers.
///
/// Cheap to clone (the clones share one iframe). Opening twice never makes a second iframe.
/// Dropping the last clone closes the iframe and ends every event stream.
///
/// ```no_run
/// use futures_util::StreamExt;
/// use nango_frontend::{ConnectUi, ConnectUiEvent, ConnectUiOptions};
/// # async fn run() {
/// let ui = ConnectUi::open(ConnectUiOptions::new().session_token("nango_connect_session_…")).unwrap();
/// let mut events = ui.events();
/// while let Some(event) = events.next().await {
///     if let ConnectUiEvent::Connect(connection) = event {
///         println!("connected {}", connection.connection_id);
///     }
/// }
/// # }
/// ```
#[derive(Clone)]
pub struct ConnectUi {
    state: UiRef,
}

impl fmt::Debug for ConnectUi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectUi").field("open", &self.is_open()).field("ready", &self.is_ready()).finish()
    }
}

impl Default for ConnectUi {
    /// A hidden handle with the default options (Nango Cloud); set real ones with
    /// [`set_options`](ConnectUi::set_options). Useful for hooks that own one handle for life.
    fn default() -> Self {
        let options = ConnectUiOptions::new();
        let (origin, iframe_url) = options.urls().unwrap_or_default();
        Self::with_urls(options, origin, iframe_url)
    }
}

impl PartialEq for ConnectUi {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.state, &other.state)
    }
}

impl ConnectUi {
    /// Creates the handle without showing anything; [`open`](Self::open) shows it.
    ///
    /// An invalid base URL is an `invalid_host_url` error.
    pub fn new(options: ConnectUiOptions) -> Result<Self, AuthError> {
        let (origin, iframe_url) = options.urls()?;
        Ok(Self::with_urls(options, origin, iframe_url))
    }

    fn with_urls(options: ConnectUiOptions, origin: String, iframe_url: String) -> Self {
        let token = options.session_token.clone();
        let state = UiState {
            options,
            origin,
            iframe_url,
            token,
            ready: false,
            dom: None,
            tokens: None,
            snapshot: ConnectUiSnapshot::default(),
            subscribers: Vec::new(),
            next_id: 0,
        };
        Self { state: Rc::new(RefCell::new(state)) }
    }

    /// Replaces the options (URLs, theme, language, callback, and the token when the new
    /// options carry one). They apply from the next [`show`](Self::show); an open iframe stays
    /// as it is. Subscribers, the snapshot and the connections made are kept.
    pub fn set_options(&self, options: ConnectUiOptions) -> Result<(), AuthError> {
        let (origin, iframe_url) = options.urls()?;
        let mut state = self.state.borrow_mut();
        if options.session_token.is_some() {
            state.token = options.session_token.clone();
        }
        state.options = options;
        state.origin = origin;
        state.iframe_url = iframe_url;
        Ok(())
    }

    /// Creates the handle and shows the Connect UI.
    pub fn open(options: ConnectUiOptions) -> Result<Self, AuthError> {
        let ui = Self::new(options)?;
        ui.show()?;
        Ok(ui)
    }

    /// Shows the Connect UI (again). A no-op while it is open. Outside a browser this is an
    /// `unsupported_environment` error.
    pub fn show(&self) -> Result<(), AuthError> {
        if self.is_open() {
            return Ok(());
        }
        let stale = {
            let mut state = self.state.borrow_mut();
            state.ready = false;
            state.dom.take()
        };
        if let Some(dom) = stale {
            dom.remove();
        }
        let dom = Dom::mount(&self.state)?;
        self.state.borrow_mut().dom = Some(dom);
        Ok(())
    }

    /// Shows the Connect UI at once and hands it a token from `tokens` when one arrives (as
    /// Nango's dashboard does): the user sees the loading screen instead of waiting for your
    /// backend. A failed fetch is reported as an `Error` event (`last_error` of the snapshot).
    ///
    /// When the Connect UI reports that the session expired, the cached token is forgotten, so
    /// the next `show_with_tokens` fetches a fresh one.
    pub fn show_with_tokens(&self, tokens: &SessionTokens) -> Result<(), AuthError> {
        self.state.borrow_mut().tokens = Some(tokens.clone());
        self.show()?;
        if let Some(token) = tokens.fresh() {
            self.set_session_token(token);
            return Ok(());
        }
        let ui = Rc::downgrade(&self.state);
        let token = tokens.get();
        crate::platform::spawn(async move {
            let result = token.await;
            let Some(ui) = ui.upgrade() else { return };
            match result {
                Ok(token) => ConnectUi { state: ui }.set_session_token(token),
                Err(error) => {
                    let event = ConnectUiEvent::Error {
                        error_type: error.error_type().to_owned(),
                        error_message: error.message,
                    };
                    dispatch(&ui, event);
                }
            }
        });
        Ok(())
    }

    /// What this handle has seen: open/ready, the latest event and error, connections made.
    pub fn snapshot(&self) -> ConnectUiSnapshot {
        let mut snapshot = self.state.borrow().snapshot.clone();
        snapshot.is_open = self.is_open();
        snapshot.is_ready = snapshot.is_open && self.is_ready();
        snapshot
    }

    /// Closes the Connect UI: removes the iframe and the listener and restores page scrolling.
    /// Subscribers do not get a `Close` event for a close the app asked for.
    pub fn close(&self) {
        let dom = {
            let mut state = self.state.borrow_mut();
            state.ready = false;
            state.dom.take()
        };
        if let Some(dom) = dom {
            dom.remove();
        }
    }

    /// Whether the iframe is in the page.
    pub fn is_open(&self) -> bool {
        self.state.borrow().dom.as_ref().is_some_and(Dom::is_connected)
    }

    /// Whether the Connect UI said `ready` (and got the token if one is known).
    pub fn is_ready(&self) -> bool {
        self.state.borrow().ready
    }

    /// Hands the Connect UI its session token: at once if it is ready, else on `ready`.
    pub fn set_session_token(&self, token: impl Into<String>) {
        let token = token.into();
        let mut state = self.state.borrow_mut();
        state.token = Some(token);
        if state.ready {
            post_token(&state);
        }
    }

    /// The URL the iframe loads.
    pub fn iframe_url(&self) -> String {
        self.state.borrow().iframe_url.clone()
    }

    /// Calls `callback` with every event until the returned guard is dropped.
    pub fn subscribe(&self, callback: impl Fn(&ConnectUiEvent) + 'static) -> Subscription {
        let mut state = self.state.borrow_mut();
        let id = state.next_id;
        state.next_id += 1;
        state.subscribers.push((id, Rc::new(callback)));
        Subscription { state: Rc::downgrade(&self.state), id }
    }

    /// A stream of every event from now on; it ends when the last handle is dropped.
    pub fn events(&self) -> ConnectUiEvents {
        let (tx, rx) = mpsc::unbounded();
        let subscription = self.subscribe(move |event| {
            let _ = tx.unbounded_send(event.clone());
        });
        ConnectUiEvents { rx, _subscription: subscription }
    }

    /// Feeds a raw message as if the Connect UI had posted it (origin and source already
    /// checked). Useful for tests and for hosting the Connect UI some other way.
    pub fn deliver_message(&self, json: &str) {
        deliver(&self.state, parse_message(json));
    }
}

/// Handles one accepted message: updates state, reacts (token, close) and notifies.
pub(crate) fn deliver(ui: &UiRef, event: Option<ConnectUiEvent>) {
    if let Some(event) = event {
        dispatch(ui, event);
    }
}

fn dispatch(ui: &UiRef, event: ConnectUiEvent) {
    let (callbacks, closed_dom) = {
        let mut state = ui.borrow_mut();
        let mut closed_dom = None;
        match &event {
            ConnectUiEvent::Ready => {
                state.ready = true;
                post_token(&state);
            }
            ConnectUiEvent::Close => {
                state.ready = false;
                closed_dom = state.dom.take();
            }
            ConnectUiEvent::Error { error_type, .. } if is_expired_session(error_type) => {
                if let Some(tokens) = &state.tokens {
                    tokens.invalidate();
                }
            }
            _ => {}
        }
        state.snapshot.apply(&event);
        let mut callbacks: Vec<EventCallback> = state.options.on_event.iter().cloned().collect();
        callbacks.extend(state.subscribers.iter().map(|(_, cb)| cb.clone()));
        (callbacks, closed_dom)
    };
    if let Some(dom) = closed_dom {
        dom.remove();
    }
    for callback in callbacks {
        callback(&event);
    }
}

/// Error types meaning that the session token is no longer valid.
fn is_expired_session(error_type: &str) -> bool {
    matches!(
        error_type,
        "unknown_connect_session_token" | "invalid_connect_session_token_format" | "session_expired"
    )
}

fn post_token(state: &UiState) {
    if let (Some(token), Some(dom)) = (&state.token, &state.dom) {
        dom.post_token(token, &state.origin);
    }
}

/// Keeps a [`ConnectUi::subscribe`] callback registered; dropping it unsubscribes.
#[must_use = "dropping a Subscription unsubscribes at once"]
#[derive(Debug)]
pub struct Subscription {
    state: Weak<RefCell<UiState>>,
    id: u64,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(state) = self.state.upgrade()
            && let Ok(mut state) = state.try_borrow_mut()
        {
            state.subscribers.retain(|(id, _)| *id != self.id);
        }
    }
}

/// The stream of [`ConnectUi::events`].
#[derive(Debug)]
pub struct ConnectUiEvents {
    rx: mpsc::UnboundedReceiver<ConnectUiEvent>,
    _subscription: Subscription,
}

impl Stream for ConnectUiEvents {
    type Item = ConnectUiEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<ConnectUiEvent>> {
        Pin::new(&mut self.rx).poll_next(cx)
    }
}

#[cfg(test)]
mod tests {
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
        ui.set_options(ConnectUiOptions::new().base_url("http://localhost:3009").theme(crate::Theme::Dark))
            .unwrap();
        assert_eq!(ui.iframe_url(), "http://localhost:3009/?apiURL=https%3A%2F%2Fapi.nango.dev&theme=dark");
        assert_eq!(ui.state.borrow().token.as_deref(), Some("t1"), "no new token: the old one stays");
        ui.deliver_message(r#"{"type":"ready"}"#);
        assert_eq!(seen.get(), 2);
        assert_eq!(ui.snapshot().connections.len(), 1);
        assert!(ui.set_options(ConnectUiOptions::new().base_url("nope")).is_err());
        assert_eq!(ui.iframe_url(), "http://localhost:3009/?apiURL=https%3A%2F%2Fapi.nango.dev&theme=dark");
    }

    #[test]
    fn an_expired_session_error_forgets_the_cached_token() {
        use crate::TokenSource;
        let fetches = Rc::new(Cell::new(0));
        let count = fetches.clone();
        let tokens = SessionTokens::new(TokenSource::new(move || {
            count.set(count.get() + 1);
            let n = count.get();
            async move { Ok(format!("t{n}")) }
        }));
        futures_util::FutureExt::now_or_never(tokens.get()).unwrap().unwrap();
        let ui = ConnectUi::new(ConnectUiOptions::new()).unwrap();
        let _ = ui.show_with_tokens(&tokens); // no browser here: the tokens are still recorded
        ui.deliver_message(r#"{"type":"error","payload":{"errorType":"window_closed","errorMessage":"m"}}"#);
        assert_eq!(tokens.fresh().as_deref(), Some("t1"), "other errors keep the token");
        ui.deliver_message(
            r#"{"type":"error","payload":{"errorType":"unknown_connect_session_token","errorMessage":"m"}}"#,
        );
        assert_eq!(tokens.fresh(), None, "an expired session forgets it");
        assert_eq!(futures_util::FutureExt::now_or_never(tokens.get()).unwrap().unwrap(), "t2");
    }

    #[cfg(not(browser))]
    #[test]
    fn outside_a_browser_show_is_a_typed_error() {
        let err = ConnectUi::open(ConnectUiOptions::new()).unwrap_err();
        assert_eq!(err.kind, crate::AuthErrorType::UnsupportedEnvironment);
    }
}
