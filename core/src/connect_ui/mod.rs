//! The Connect UI handle: state, dispatch and subscribers, shared by every platform.
//!
//! The browser layer (`browser::dom`) owns the iframe and the `message` listener and calls
//! [`deliver`] with each accepted message; everything else happens here, so it is tested natively.

use std::cell::{Ref, RefCell, RefMut};
use std::fmt;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures_channel::mpsc;
use futures_core::Stream;

use crate::generation::Generation;
use crate::platform::Dom;
use crate::protocol::connect_ui::{ConnectUiEvent, ConnectUiOptions, parse_message};
use crate::snapshot::ConnectUiSnapshot;
use crate::subscribe::{Listeners, Subscription};
use crate::task::Background;
use crate::token::SessionTokens;
use crate::{AuthError, Nango, TokenSource};

mod dispatch;
#[cfg(all(not(browser), feature = "native"))]
mod link;
mod tokens;

pub(crate) use dispatch::deliver;
use dispatch::post_token;
#[cfg(all(not(browser), feature = "native"))]
use link::open_link;
use tokens::ShowTokens;

pub(crate) struct UiState {
    /// The options of the next show (the shown iframe keeps those it was shown with).
    options: ConnectUiOptions,
    /// The origin and URL of the iframe shown, or last shown.
    pub origin: String,
    pub iframe_url: String,
    /// The token handed to the shown iframe on `ready`.
    token: Option<String>,
    /// A token the app set itself: it wins over every default until replaced.
    explicit: Option<String>,
    /// Defaults for what the options leave out: the API URL and the session token.
    client: Option<Nango>,
    /// Where tokens come from (the cache is forgotten when the Connect UI says the session
    /// expired). A trait object made by `set_token_source`, so that an app without a token
    /// source links none of the caching, fetching and task spawning code.
    tokens: Option<Rc<dyn ShowTokens>>,
    /// The token fetch of the shown iframe, if one is under way: dropped (aborted) when the
    /// iframe goes.
    fetch: Option<Background>,
    ready: bool,
    pub dom: Option<Dom>,
    /// Moves on at each show: a token fetched for an earlier show is not handed to a later one.
    shows: Generation,
    snapshot: ConnectUiSnapshot,
    /// Subscribers and watchers in one list: an event is `Some`, a change without one (a show,
    /// a failed show, a close) is `None`.
    listeners: Rc<Listeners<Option<ConnectUiEvent>>>,
}

impl Drop for UiState {
    fn drop(&mut self) {
        if let Some(dom) = self.dom.take() {
            dom.remove();
        }
    }
}

pub(crate) type UiRef = Rc<RefCell<UiState>>;

/// The module's one place that borrows the state, without a panic: the state is borrowed only
/// by code that runs no app code (callbacks are called, and app values dropped, after the
/// borrow ends), so a borrow never meets another. Were one to, `None`: commands are then no-ops
/// and queries answer as for a closed handle.
fn read(ui: &UiRef) -> Option<Ref<'_, UiState>> {
    ui.try_borrow().ok()
}

/// See [`read`].
fn write(ui: &UiRef) -> Option<RefMut<'_, UiState>> {
    ui.try_borrow_mut().ok()
}

/// The subscribers and watchers (a list of its own, were the state borrowed: what is added to it
/// is never called). Not generic, so not copied into each `subscribe` of an app's closure.
fn listeners(ui: &UiRef) -> Rc<Listeners<Option<ConnectUiEvent>>> {
    read(ui).map(|state| state.listeners.clone()).unwrap_or_default()
}

/// What a show does: the iframe's origin and URL, and its token (or a fetch for one).
#[derive(Debug, PartialEq)]
struct ShowPlan {
    origin: String,
    iframe_url: String,
    token: Option<String>,
    fetch: bool,
}

/// A Connect UI: the iframe, its message listener, its event subscribers and its state.
///
/// Cheap to clone (the clones share one iframe). Opening twice never makes a second iframe.
/// Dropping the last clone closes the iframe and ends every event stream.
///
/// What each show uses (read when [`show`](Self::show) is called; an open iframe keeps what it
/// was shown with):
/// - the [options](Self::set_options) (URLs, language, theme, callbacks);
/// - the session token: one the app set itself ([`set_session_token`](Self::set_session_token)
///   or the options' `session_token`) until it sets another; else one from the
///   [token source](Self::set_token_source) (the iframe shows at once and gets the token when it
///   arrives); else the [client](Self::set_client)'s;
/// - the API URL: the options', else the client's host.
///
/// A failure to show is an error of [`snapshot`](Self::snapshot)`().last_error` and goes to
/// `on_error`; a successful show clears `last_error`. Each event goes once to `on_event`, then
/// to the callback of its kind (`on_connect`, `on_close`, `on_error`), then to subscribers.
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
        Self::with_options(ConnectUiOptions::new())
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
        options.urls(None)?;
        Ok(Self::with_options(options))
    }

    fn with_options(options: ConnectUiOptions) -> Self {
        let state = UiState {
            explicit: options.session_token.clone(),
            options,
            origin: String::new(),
            iframe_url: String::new(),
            token: None,
            client: None,
            tokens: None,
            fetch: None,
            ready: false,
            dom: None,
            shows: Generation::default(),
            snapshot: ConnectUiSnapshot::default(),
            listeners: Rc::default(),
        };
        Self { state: Rc::new(RefCell::new(state)) }
    }

    /// Creates the handle and shows the Connect UI. A failure to show (an invalid URL among
    /// them) goes to `on_error` too.
    pub fn open(options: ConnectUiOptions) -> Result<Self, AuthError> {
        let ui = Self::with_options(options);
        ui.show()?;
        Ok(ui)
    }

    /// Replaces the options (URLs, theme, language, callbacks; a `session_token` in them is a
    /// token set by the app). They apply from the next [`show`](Self::show); an open iframe
    /// stays as it is, and its token keeps going to its own origin. Invalid URLs are reported
    /// by that show. Subscribers, the snapshot and the connections made are kept.
    pub fn set_options(&self, options: ConnectUiOptions) {
        let Some(mut state) = write(&self.state) else { return };
        if options.session_token.is_some() {
            state.explicit.clone_from(&options.session_token);
        }
        let replaced = std::mem::replace(&mut state.options, options);
        drop(state);
        // The old callbacks are the app's: dropped with the state released.
        drop(replaced);
    }

    /// Sets the client whose defaults fill what the options leave out (API URL, token).
    pub fn set_client(&self, client: Option<Nango>) {
        let replaced = write(&self.state).map(|mut state| std::mem::replace(&mut state.client, client));
        drop(replaced);
    }

    /// Sets where session tokens come from (`None`: none). An equal source keeps the cached
    /// token; a different one forgets it (see [`SessionTokens::set_source`]).
    pub fn set_token_source(&self, source: Option<TokenSource>) {
        let Some(mut state) = write(&self.state) else { return };
        // The old source (the app's function, maybe) is dropped with the state released.
        let replaced = match (source, state.tokens.clone()) {
            (None, _) => state.tokens.take(),
            (Some(source), Some(tokens)) => {
                drop(state);
                return tokens.set_source(source);
            }
            (Some(source), None) => state.tokens.replace(Rc::new(SessionTokens::new(source))),
        };
        drop(state);
        drop(replaced);
    }

    /// Shows the Connect UI (again); a no-op while it is open. Outside a browser this is an
    /// `unsupported_environment` error; with the `native` feature it opens the Connect UI's link
    /// in the system browser instead (no iframe, no events: see `docs/auth-lifecycle.md`). The error is also `last_error` of the snapshot and goes
    /// to `on_error`; a successful show clears `last_error`.
    pub fn show(&self) -> Result<(), AuthError> {
        if self.is_open() {
            return Ok(());
        }
        let result = self.mount();
        let on_error = write(&self.state).and_then(|mut state| {
            state.snapshot.last_error = result.as_ref().err().cloned();
            state.options.on_error.clone()
        });
        if let (Err(error), Some(on_error)) = (&result, on_error) {
            on_error(error);
        }
        self.changed();
        result
    }

    fn mount(&self) -> Result<(), AuthError> {
        let Some(plan) = read(&self.state).map(|state| plan_show(&state)) else { return Ok(()) };
        let plan = plan?;
        let (stale, fetch, show) = {
            let Some(mut state) = write(&self.state) else { return Ok(()) };
            state.ready = false;
            state.origin = plan.origin;
            state.iframe_url = plan.iframe_url;
            state.token = plan.token;
            (state.dom.take(), state.fetch.take(), state.shows.next())
        };
        drop(fetch);
        if let Some(dom) = stale {
            dom.remove();
        }
        #[cfg(all(not(browser), feature = "native"))]
        return open_link(&self.state, plan.fetch, show);
        #[cfg_attr(all(not(browser), feature = "native"), allow(unreachable_code))]
        let dom = Dom::mount(&self.state)?;
        let tokens = {
            let Some(mut state) = write(&self.state) else { return Ok(()) };
            state.dom = Some(dom);
            state.tokens.clone().filter(|_| plan.fetch)
        };
        if let Some(tokens) = tokens {
            tokens.hand_over(&self.state, show);
        }
        Ok(())
    }

    /// What this handle has seen: open/ready, the latest event and error, connections made.
    pub fn snapshot(&self) -> ConnectUiSnapshot {
        let mut snapshot = read(&self.state).map(|state| state.snapshot.clone()).unwrap_or_default();
        snapshot.is_open = self.is_open();
        snapshot.is_ready = snapshot.is_open && self.is_ready();
        snapshot
    }

    /// Closes the Connect UI: removes the iframe and the listener and restores page scrolling.
    /// Subscribers do not get a `Close` event for a close the app asked for.
    pub fn close(&self) {
        let Some((dom, fetch)) = write(&self.state).map(|mut state| {
            state.ready = false;
            (state.dom.take(), state.fetch.take())
        }) else {
            return;
        };
        drop(fetch);
        if let Some(dom) = dom {
            dom.remove();
            self.changed();
        }
    }

    /// Closes the Connect UI and lets go of everything it holds, without telling anyone:
    /// subscribers, callbacks, client and token source. For a component that unmounts (its
    /// callbacks may hold this handle, so dropping it would not be enough).
    pub fn release(&self) {
        let held = write(&self.state).map(|mut state| {
            let listeners = state.listeners.clone();
            (listeners, std::mem::take(&mut state.options), state.client.take(), state.tokens.take())
        });
        // The subscribers and callbacks are the app's: dropped with the state released.
        if let Some((listeners, ..)) = &held {
            listeners.clear();
        }
        drop(held);
        self.close();
    }

    /// Whether the iframe is in the page.
    pub fn is_open(&self) -> bool {
        read(&self.state).is_some_and(|state| state.dom.as_ref().is_some_and(Dom::is_connected))
    }

    /// Whether the Connect UI said `ready` (and got the token if one is known).
    pub fn is_ready(&self) -> bool {
        read(&self.state).is_some_and(|state| state.ready)
    }

    /// Forgets the token source's cached token (e.g. when the user signs out): the next show
    /// fetches a fresh one. A token the app set itself stays until it sets another.
    pub fn forget_cached_token(&self) {
        let tokens = read(&self.state).and_then(|state| state.tokens.clone());
        if let Some(tokens) = tokens {
            tokens.invalidate();
        }
    }

    /// Hands the Connect UI a session token: at once if it is ready, else on `ready`. It is the
    /// token of every later show too, until the app sets another.
    pub fn set_session_token(&self, token: impl Into<String>) {
        let token = token.into();
        let Some(mut state) = write(&self.state) else { return };
        state.explicit = Some(token.clone());
        state.token = Some(token);
        if state.ready {
            post_token(&state);
        }
    }

    /// The URL the iframe loads (or would load at the next show, while closed).
    pub fn iframe_url(&self) -> String {
        let Some(state) = read(&self.state) else { return String::new() };
        match (&state.dom, plan_show(&state)) {
            (None, Ok(plan)) => plan.iframe_url,
            _ => state.iframe_url.clone(),
        }
    }

    /// Calls `callback` with every event until the returned guard is dropped.
    pub fn subscribe(&self, callback: impl Fn(&ConnectUiEvent) + 'static) -> Subscription {
        listeners(&self.state).add(move |event| {
            if let Some(event) = event {
                callback(event);
            }
        })
    }

    /// Calls `callback` with the new [`snapshot`](Self::snapshot) after every change (an event,
    /// a show, a failure to show, a close) until the returned guard is dropped: what UI
    /// adapters re-render from.
    pub fn watch(&self, callback: impl Fn(&ConnectUiSnapshot) + 'static) -> Subscription {
        let ui = Rc::downgrade(&self.state);
        listeners(&self.state).add(move |_| {
            if let Some(state) = ui.upgrade() {
                callback(&ConnectUi { state }.snapshot());
            }
        })
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

    fn changed(&self) {
        listeners(&self.state).notify(&None);
    }
}

/// Decides what the next show does, from the options, the tokens and the client.
fn plan_show(state: &UiState) -> Result<ShowPlan, AuthError> {
    let client = state.client.as_ref().map(Nango::defaults);
    let api_url = client.as_ref().map(|(host, _)| host.as_str());
    let (origin, iframe_url) = state.options.urls(api_url)?;
    // With a token source, its token (cached or fetched) is handed over by `fetch_token`.
    let token = match (&state.explicit, &state.tokens) {
        (Some(token), _) => Some(token.clone()),
        (None, Some(_)) => None,
        (None, None) => client.and_then(|(_, token)| token),
    };
    let fetch = token.is_none() && state.tokens.is_some();
    Ok(ShowPlan { origin, iframe_url, token, fetch })
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
mod tests;
