//! The auth runner: headless auth runs one at a time, with their state, for UI code.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::cell::{copy, replace};
use crate::generation::{Generation, Ticket};
use crate::options::effective_timeout;
use crate::protocol::AuthCall;
use crate::subscribe::{Listeners, Subscription};
use crate::task::Background;
use crate::{AuthError, AuthFuture, AuthOptions, AuthState, AuthSuccess, Nango, SessionTokens, TokenSource};

/// Runs headless auths (OAuth popup or credential POST) one at a time and keeps the state of
/// the latest run, for UI code to render: what the adapters' `use_auth` hooks are made of.
///
/// - A run starts synchronously: with a token at hand, the popup opens before
///   [`run`](Self::run) returns, inside the click that called it.
/// - An optional [token source](Self::set_token_source) is fetched ahead (when it is set, and
///   again after each run), so that a click finds a token. A run gets the token for itself
///   only: the shared [`Nango`] client is never changed by a run. A run that has to wait for
///   its token waits at most [`TOKEN_TIMEOUT`](crate::TOKEN_TIMEOUT) (or its own timeout, if
///   shorter), then fails with `timeout`; a cancelled run aborts the fetch.
/// - A run that Nango refuses for its session (`unknown_connect_session_token`, …) forgets the
///   cached token, so the next run fetches a fresh one.
/// - A newer run replaces the older one, which is cancelled (its popup and socket closed);
///   [`cancel`](Self::cancel) ends the current one with a `cancelled` error.
/// - [`snapshot`](Self::snapshot) is the state now; [`subscribe`](Self::subscribe) calls back on
///   each change.
///
/// Cheap to clone; clones share everything.
///
/// ```no_run
/// use nango_frontend::{AuthOptions, AuthRunner, AuthState, Nango, NangoConfig, TokenSource};
/// # fn run() -> Result<(), nango_frontend::AuthError> {
/// let runner = AuthRunner::new(Nango::new(NangoConfig::new())?);
/// runner.set_token_source(Some(TokenSource::backend("/api/nango-session")));
/// let _watch = runner.subscribe(|state| {
///     if let AuthState::Connected(c) = state { println!("connected {}", c.connection_id) }
/// });
/// runner.auth("github", AuthOptions::new()); // in a click handler
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct AuthRunner {
    inner: Rc<Inner>,
}

/// Each cell is read and replaced whole through [`crate::cell`]: no borrow can panic, and what
/// a value replaces (the app's token source, a run's future) is dropped after the borrow.
struct Inner {
    client: RefCell<Result<Nango, AuthError>>,
    tokens: RefCell<Option<SessionTokens>>,
    state: RefCell<AuthState>,
    /// The current run's generation: a result of an older run is ignored.
    runs: Generation,
    /// The current run's work in the background (dropping it cancels the auth, or the token
    /// fetch before it).
    run: RefCell<Option<Background>>,
    /// The token fetched ahead, while under way (dropped, so aborted, on release).
    prefetch: RefCell<Option<Background>>,
    listeners: Rc<Listeners<AuthState>>,
}

impl fmt::Debug for AuthRunner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthRunner").field("state", &self.snapshot()).finish_non_exhaustive()
    }
}

impl PartialEq for AuthRunner {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl AuthRunner {
    /// A runner on `client`, with no token source.
    pub fn new(client: Nango) -> Self {
        Self::with_client(Ok(client))
    }

    /// A runner on `client`, or on why there is none (a wrong provider setup): then every run
    /// ends with that error.
    pub fn with_client(client: Result<Nango, AuthError>) -> Self {
        let inner = Inner {
            client: RefCell::new(client),
            tokens: RefCell::default(),
            state: RefCell::default(),
            runs: Generation::default(),
            run: RefCell::default(),
            prefetch: RefCell::default(),
            listeners: Rc::default(),
        };
        Self { inner: Rc::new(inner) }
    }

    /// Replaces the client used by the next run.
    pub fn set_client(&self, client: Result<Nango, AuthError>) {
        drop(replace(&self.inner.client, client));
    }

    /// Sets where connect session tokens come from (`None`: the client's own token). An equal
    /// source keeps the cached token, so it can be passed at every render; a different one
    /// forgets it (see [`SessionTokens::set_source`]). The first source is fetched ahead.
    pub fn set_token_source(&self, source: Option<TokenSource>) {
        match (source, copy(&self.inner.tokens).flatten()) {
            (None, _) => drop(replace(&self.inner.tokens, None)),
            (Some(source), Some(current)) => {
                current.set_source(source);
            }
            (Some(source), None) => {
                let added = SessionTokens::new(source);
                drop(replace(&self.inner.tokens, Some(added.clone())));
                self.inner.prefetch(Some(added));
            }
        }
    }

    /// Forgets the cached session token (e.g. when the user signs out): the next run fetches
    /// a fresh one from the token source.
    pub fn forget_cached_token(&self) {
        if let Some(tokens) = copy(&self.inner.tokens).flatten() {
            tokens.invalidate();
        }
    }

    /// Connects an account (see [`Nango::auth`]).
    pub fn auth(&self, provider_config_key: &str, options: AuthOptions) {
        self.run(AuthCall::Auth, provider_config_key, options);
    }

    /// Re-authorizes a connection (see [`Nango::reconnect`]).
    pub fn reconnect(&self, provider_config_key: &str, options: AuthOptions) {
        self.run(AuthCall::Reconnect, provider_config_key, options);
    }

    /// Creates a connection that needs no auth (see [`Nango::create`]).
    pub fn create(&self, provider_config_key: &str, options: AuthOptions) {
        self.run(AuthCall::Create, provider_config_key, options);
    }

    /// Starts a run, replacing (cancelling) the current one. With a token at hand, or no token
    /// source, the auth starts before this returns; otherwise once the token arrives (a popup
    /// opened after that wait may be blocked by strict browsers; credential POSTs are not).
    pub fn run(&self, call: AuthCall, provider_config_key: &str, options: AuthOptions) {
        let (id, previous) = (self.inner.runs.next(), replace(&self.inner.run, None));
        drop(previous);
        let client = match copy(&self.inner.client) {
            Some(Ok(client)) => client,
            Some(Err(error)) => return self.inner.end(id, Err(error)),
            None => return,
        };
        self.inner.set_state(AuthState::Pending);
        let tokens = copy(&self.inner.tokens).flatten();
        let future = match tokens.map(|tokens| (tokens.fresh(), tokens)) {
            None => client.start(call, provider_config_key, options, None),
            Some((Some(token), _)) => client.start(call, provider_config_key, options, Some(token)),
            Some((None, tokens)) => {
                // The token phase is part of the run: bounded by its timeout, cancelled with it.
                let token = tokens.get_within(effective_timeout(options.timeout));
                let key = provider_config_key.to_owned();
                AuthFuture::from_work(async move {
                    let token = token.await?;
                    client.start(call, &key, options, Some(token)).await
                })
            }
        };
        self.inner.start(id, future);
    }

    /// Cancels the current run, if any (its popup and socket are closed): the state becomes
    /// `Failed` with a `cancelled` error. A no-op when nothing is running.
    pub fn cancel(&self) {
        let (id, future) = (self.inner.runs.next(), replace(&self.inner.run, None));
        drop(future);
        if self.snapshot().is_pending() {
            self.inner.end(id, Err(AuthError::cancelled("The auth was cancelled")));
        }
    }

    /// Ends everything for good, without telling anyone: the current run is cancelled, the
    /// subscribers and the token source dropped, a token fetch under way aborted. For a component that unmounts (its callbacks
    /// may hold this runner, so dropping it would not be enough).
    pub fn release(&self) {
        self.inner.listeners.clear();
        drop(replace(&self.inner.tokens, None));
        drop(replace(&self.inner.prefetch, None));
        self.cancel();
    }

    /// The state of the latest run.
    pub fn snapshot(&self) -> AuthState {
        copy(&self.inner.state).unwrap_or_default()
    }

    /// Calls `callback` with each new state until the returned guard is dropped.
    pub fn subscribe(&self, callback: impl Fn(&AuthState) + 'static) -> Subscription {
        self.inner.listeners.add(callback)
    }
}

impl Inner {
    fn set_state(&self, state: AuthState) {
        match replace(&self.state, state.clone()) {
            Some(old) if old != state => self.listeners.notify(&state),
            _ => {}
        }
    }

    /// Records the result of run `id`, if it is still the current one.
    fn end(&self, id: Ticket, result: Result<AuthSuccess, AuthError>) {
        if self.runs.is_current(id) {
            let tokens = copy(&self.tokens).flatten();
            if let (Err(error), Some(tokens)) = (&result, &tokens)
                && error.is_session_refused()
            {
                tokens.invalidate();
            }
            self.set_state(AuthState::from_result(result));
            self.prefetch(tokens);
        }
    }

    /// Fetches a token ahead when a fetching source has none cached.
    fn prefetch(&self, tokens: Option<SessionTokens>) {
        let under_way =
            self.prefetch.try_borrow().is_ok_and(|p| p.as_ref().is_some_and(Background::is_running));
        if let Some(tokens) = tokens.filter(|t| !under_way && t.fresh().is_none()) {
            let ahead = Background::spawn(tokens.get(), drop);
            drop(replace(&self.prefetch, Some(ahead)));
        }
    }

    /// Runs `future` as run `id`, in the background.
    fn start(self: &Rc<Self>, id: Ticket, mut future: AuthFuture) {
        if future.is_finished() {
            // Refused before any I/O (or outside a browser): the result is there already.
            if let Poll::Ready(result) = Pin::new(&mut future).poll(&mut Context::from_waker(Waker::noop())) {
                return self.end(id, result);
            }
        }
        let inner = Rc::downgrade(self);
        let work = Background::spawn(future, move |result| {
            if let Some(inner) = inner.upgrade() {
                inner.end(id, result);
            }
        });
        if work.is_running() && !crate::platform::can_spawn() {
            // Nothing here polls it again (no executor): a typed error, never a hang.
            return self.end(id, Err(crate::platform::no_executor()));
        }
        if self.runs.is_current(id) {
            drop(replace(&self.run, Some(work)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AuthErrorType, ClientToken, Credentials, NangoConfig};
    use std::cell::Cell;

    fn states(runner: &AuthRunner) -> (Rc<RefCell<Vec<String>>>, Subscription) {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let log = seen.clone();
        let sub = runner.subscribe(move |s| {
            log.borrow_mut().push(match s {
                AuthState::Idle => "idle".to_owned(),
                AuthState::Pending => "pending".to_owned(),
                AuthState::Connected(c) => c.connection_id.clone(),
                AuthState::Failed(e) => e.error_type().to_owned(),
            })
        });
        (seen, sub)
    }

    fn client(token: Option<&str>) -> Nango {
        let config = NangoConfig::new().host("http://localhost:3003");
        Nango::new(match token {
            Some(t) => config.connect_session_token(t),
            None => config,
        })
        .unwrap()
    }

    #[test]
    fn a_refused_run_ends_at_once_and_a_wrong_setup_is_its_error() {
        let runner = AuthRunner::new(client(None));
        let (seen, _sub) = states(&runner);
        runner.auth("github", AuthOptions::new());
        assert_eq!(*seen.borrow(), ["pending", "missing_auth_token"]);
        runner.set_client(Err(AuthError::invalid_provider_setup("no provider")));
        runner.create("none", AuthOptions::new());
        assert_eq!(runner.snapshot(), AuthState::Failed(AuthError::invalid_provider_setup("no provider")));
    }

    #[test]
    fn the_token_of_a_run_is_for_that_run_only() {
        let shared = client(None);
        let runner = AuthRunner::new(shared.clone());
        let calls = Rc::new(Cell::new(0));
        let count = calls.clone();
        runner.set_token_source(Some(TokenSource::new(move || {
            count.set(count.get() + 1);
            async { Ok("run-token".to_owned()) }
        })));
        assert_eq!(calls.get(), 1, "a fetching source is fetched ahead");
        runner.set_token_source(Some(TokenSource::new(|| async { Ok("other".to_owned()) })));
        runner.reconnect("github", AuthOptions::new().credentials(Credentials::api_key("k")));
        // Outside a browser the run gets past the token checks and stops at the platform.
        let AuthState::Failed(error) = runner.snapshot() else { panic!("{:?}", runner.snapshot()) };
        assert_eq!(error.kind, AuthErrorType::UnsupportedEnvironment, "the run had a session token");
        assert_eq!(shared.config().token, None, "the shared client was not changed");
        assert_eq!(calls.get(), 1, "the cached token was reused");
    }

    #[test]
    fn a_failed_token_fetch_fails_the_run_and_cancel_is_a_no_op_when_idle() {
        let shared = client(Some("client-token"));
        let runner = AuthRunner::new(shared.clone());
        let (seen, _sub) = states(&runner);
        runner.cancel();
        assert!(seen.borrow().is_empty());
        runner.set_token_source(Some(TokenSource::new(|| async { Err(AuthError::network("down")) })));
        runner.auth("github", AuthOptions::new());
        assert_eq!(*seen.borrow(), ["pending", "network_error"]);
        assert_eq!(shared.config().token, Some(ClientToken::ConnectSession("client-token".into())));
    }

    #[test]
    fn a_replaced_token_source_may_use_the_runner_when_dropped() {
        /// Uses the runner when dropped, as an app's value held by a token function may.
        struct OnDrop(AuthRunner, Rc<Cell<bool>>);
        impl Drop for OnDrop {
            fn drop(&mut self) {
                self.0.forget_cached_token();
                self.0.cancel();
                self.1.set(true);
            }
        }
        let runner = AuthRunner::new(client(None));
        let dropped = Rc::new(Cell::new(false));
        let held = OnDrop(runner.clone(), dropped.clone());
        runner.set_token_source(Some(TokenSource::new(move || {
            let _ = &held;
            async { Ok("a".to_owned()) }
        })));
        runner.set_token_source(Some(TokenSource::fixed("b")));
        assert!(dropped.get(), "the old source is gone");
        let tokens = runner.inner.tokens.borrow().clone();
        assert_eq!(tokens.and_then(|t| t.fresh()).as_deref(), Some("b"));
    }

    #[test]
    fn release_drops_subscribers_and_the_source() {
        let runner = AuthRunner::new(client(None));
        let (seen, _sub) = states(&runner);
        runner.release();
        runner.auth("github", AuthOptions::new());
        assert!(seen.borrow().is_empty(), "no one is told after release");
        assert!(runner.inner.tokens.borrow().is_none());
    }
}
