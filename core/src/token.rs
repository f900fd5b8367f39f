//! Session tokens from the app's backend, cached until they expire.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use futures_channel::oneshot;

use crate::AuthError;

/// A boxed token future.
pub type TokenFuture = Pin<Box<dyn Future<Output = Result<String, AuthError>>>>;

/// How long Nango's connect session tokens live.
pub const SESSION_TOKEN_LIFETIME: Duration = Duration::from_secs(30 * 60);
/// Tokens older than this are fetched again (a minute of margin before expiry).
const REFRESH_AFTER: Duration = Duration::from_secs(29 * 60);

/// Where connect session tokens come from: a fixed token, or an async function (typically a
/// request to your backend, which creates the session with the secret key).
///
/// ```
/// use nango_frontend::{AuthError, TokenSource};
/// let fixed = TokenSource::fixed("nango_connect_session_…");
/// let fetched = TokenSource::new(|| async { Ok::<_, AuthError>("nango_connect_session_…".to_owned()) });
/// # let _ = (fixed, fetched);
/// ```
#[derive(Clone)]
pub enum TokenSource {
    /// Always this token.
    Fixed(String),
    /// Calls this to get a fresh token.
    Fetch(Rc<dyn Fn() -> TokenFuture>),
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fixed(_) => f.write_str("TokenSource::Fixed(…)"),
            Self::Fetch(_) => f.write_str("TokenSource::Fetch(…)"),
        }
    }
}

impl PartialEq for TokenSource {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Fixed(a), Self::Fixed(b)) => a == b,
            (Self::Fetch(a), Self::Fetch(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl TokenSource {
    /// A fixed token.
    pub fn fixed(token: impl Into<String>) -> Self {
        Self::Fixed(token.into())
    }

    /// A token fetched by `fetch` whenever a fresh one is needed.
    pub fn new<F, Fut>(fetch: F) -> Self
    where
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = Result<String, AuthError>> + 'static,
    {
        Self::Fetch(Rc::new(move || Box::pin(fetch())))
    }

    /// Tokens from your backend: `POST url` (no body) answering JSON with the token in `token`
    /// or `data.token` (the shape of Nango's `/connect/sessions`).
    pub fn backend(url: impl Into<String>) -> Self {
        let url: String = url.into();
        Self::new(move || crate::platform::post_for_token(url.clone()))
    }
}

/// A [`TokenSource`] with a cache: a fetched token is reused until shortly before it expires.
///
/// Clones share the cache and the source. Callers that ask while a fetch is in flight wait for
/// that fetch instead of starting their own (one session minted, not two). The source can be replaced
/// ([`set_source`](Self::set_source)) without emptying the cache, so that a source written
/// inline, which is a new closure at every render of a component, does not fetch again.
#[derive(Clone, Debug)]
pub struct SessionTokens {
    source: Rc<RefCell<TokenSource>>,
    cached: Rc<RefCell<Option<(String, Duration)>>>,
    /// `Some` while a fetch is in flight: the callers waiting for its result.
    waiting: Rc<RefCell<Option<Vec<Waiter>>>>,
}

type Waiter = oneshot::Sender<Result<String, AuthError>>;

/// Ends the fetch in flight when the fetching caller goes: the waiters' senders are dropped, so
/// they fetch for themselves (see [`SessionTokens::get`]).
struct InFlight(Rc<RefCell<Option<Vec<Waiter>>>>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let waiters = self.0.borrow_mut().take();
        drop(waiters);
    }
}

impl PartialEq for SessionTokens {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.cached, &other.cached)
    }
}

impl SessionTokens {
    /// A cache in front of `source`.
    pub fn new(source: TokenSource) -> Self {
        Self { source: Rc::new(RefCell::new(source)), cached: Rc::default(), waiting: Rc::default() }
    }

    /// Replaces the source; the next fetch calls the new one. A cached token stays.
    pub fn set_source(&self, source: TokenSource) {
        *self.source.borrow_mut() = source;
    }

    /// A token that can be used now without waiting, if there is one.
    pub fn fresh(&self) -> Option<String> {
        self.fresh_at(crate::platform::now())
    }

    fn fresh_at(&self, now: Duration) -> Option<String> {
        match &*self.source.borrow() {
            TokenSource::Fixed(token) => Some(token.clone()),
            TokenSource::Fetch(_) => self
                .cached
                .borrow()
                .as_ref()
                .filter(|(_, at)| now.saturating_sub(*at) < REFRESH_AFTER)
                .map(|(token, _)| token.clone()),
        }
    }

    /// A fresh token: the cached one, the result of the fetch in flight, or a newly fetched one.
    /// If the caller that fetches is dropped before its fetch ends, the callers waiting for it
    /// fetch again themselves.
    pub fn get(&self) -> impl Future<Output = Result<String, AuthError>> + 'static {
        let this = self.clone();
        async move {
            loop {
                if let Some(token) = this.fresh() {
                    return Ok(token);
                }
                let TokenSource::Fetch(fetch) = this.source.borrow().clone() else {
                    return Err(AuthError::missing_auth_token());
                };
                let joined = {
                    let mut waiting = this.waiting.borrow_mut();
                    match waiting.as_mut() {
                        Some(waiters) => {
                            let (tx, rx) = oneshot::channel();
                            waiters.push(tx);
                            Some(rx)
                        }
                        None => {
                            *waiting = Some(Vec::new());
                            None
                        }
                    }
                };
                if let Some(rx) = joined {
                    match rx.await {
                        Ok(result) => return result,
                        // The fetching caller was dropped: try again.
                        Err(oneshot::Canceled) => continue,
                    }
                }
                let in_flight = InFlight(this.waiting.clone());
                let result = fetch().await;
                if let Ok(token) = &result {
                    *this.cached.borrow_mut() = Some((token.clone(), crate::platform::now()));
                }
                let waiters = in_flight.0.borrow_mut().take().unwrap_or_default();
                for waiter in waiters {
                    let _ = waiter.send(result.clone());
                }
                return result;
            }
        }
    }

    /// Forgets the cached token (e.g. after the server said it expired).
    pub fn invalidate(&self) {
        self.cached.borrow_mut().take();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;
    use std::cell::Cell;

    #[test]
    fn fetches_once_then_again_after_expiry() {
        let calls = Rc::new(Cell::new(0));
        let counter = calls.clone();
        let tokens = SessionTokens::new(TokenSource::new(move || {
            counter.set(counter.get() + 1);
            let n = counter.get();
            async move { Ok(format!("t{n}")) }
        }));
        assert_eq!(tokens.fresh(), None);
        assert_eq!(tokens.get().now_or_never().unwrap().unwrap(), "t1");
        assert_eq!(tokens.get().now_or_never().unwrap().unwrap(), "t1");
        assert_eq!(calls.get(), 1);
        let at = tokens.cached.borrow().as_ref().unwrap().1;
        assert_eq!(tokens.fresh_at(at + Duration::from_secs(28 * 60)).as_deref(), Some("t1"));
        assert_eq!(tokens.fresh_at(at + Duration::from_secs(30 * 60)), None, "expired tokens are not reused");
        tokens.invalidate();
        assert_eq!(tokens.get().now_or_never().unwrap().unwrap(), "t2");
    }

    /// A source whose fetches wait for the test to answer them; counts the fetches.
    fn answered_by_hand() -> (SessionTokens, Rc<RefCell<Vec<oneshot::Sender<String>>>>) {
        let pending: Rc<RefCell<Vec<oneshot::Sender<String>>>> = Rc::default();
        let queue = pending.clone();
        let tokens = SessionTokens::new(TokenSource::new(move || {
            let (tx, rx) = oneshot::channel();
            queue.borrow_mut().push(tx);
            async move { rx.await.map_err(|_| AuthError::network("gone")) }
        }));
        (tokens, pending)
    }

    #[test]
    fn callers_during_a_fetch_share_it() {
        let (tokens, pending) = answered_by_hand();
        let (mut first, mut second) = (Box::pin(tokens.get()), Box::pin(tokens.get()));
        assert!((&mut first).now_or_never().is_none());
        assert!((&mut second).now_or_never().is_none());
        assert_eq!(pending.borrow().len(), 1, "one fetch for both callers");
        pending.borrow_mut().remove(0).send("t1".to_owned()).unwrap();
        assert_eq!(first.now_or_never().unwrap().unwrap(), "t1");
        assert_eq!(second.now_or_never().unwrap().unwrap(), "t1");
        assert_eq!(tokens.fresh().as_deref(), Some("t1"));
    }

    #[test]
    fn a_waiter_fetches_itself_when_the_fetching_caller_is_dropped() {
        let (tokens, pending) = answered_by_hand();
        let (mut first, mut second) = (Box::pin(tokens.get()), Box::pin(tokens.get()));
        assert!((&mut first).now_or_never().is_none());
        assert!((&mut second).now_or_never().is_none());
        drop(first);
        assert!((&mut second).now_or_never().is_none(), "the waiter started its own fetch");
        assert_eq!(pending.borrow().len(), 2);
        pending.borrow_mut().remove(1).send("t2".to_owned()).unwrap();
        assert_eq!(second.now_or_never().unwrap().unwrap(), "t2");
    }

    #[test]
    fn a_failed_shared_fetch_fails_every_caller_and_the_next_one_fetches_again() {
        let (tokens, pending) = answered_by_hand();
        let (mut first, mut second) = (Box::pin(tokens.get()), Box::pin(tokens.get()));
        assert!((&mut first).now_or_never().is_none());
        assert!((&mut second).now_or_never().is_none());
        drop(pending.borrow_mut().remove(0));
        assert_eq!(first.now_or_never().unwrap().unwrap_err().kind, crate::AuthErrorType::NetworkError);
        assert_eq!(second.now_or_never().unwrap().unwrap_err().kind, crate::AuthErrorType::NetworkError);
        let mut third = Box::pin(tokens.get());
        assert!((&mut third).now_or_never().is_none());
        assert_eq!(pending.borrow().len(), 1, "a new fetch");
    }

    #[test]
    fn a_failed_fetch_is_an_error_and_caches_nothing() {
        let tokens =
            SessionTokens::new(TokenSource::new(|| async { Err(AuthError::network("backend down")) }));
        assert!(tokens.get().now_or_never().unwrap().is_err());
        assert_eq!(tokens.fresh(), None);
        assert_eq!(SessionTokens::new(TokenSource::fixed("x")).fresh().as_deref(), Some("x"));
    }

    #[test]
    fn a_new_source_keeps_the_cache_and_serves_the_next_fetch() {
        let tokens = SessionTokens::new(TokenSource::new(|| async { Ok("first".to_owned()) }));
        assert_eq!(tokens.get().now_or_never().unwrap().unwrap(), "first");
        tokens.set_source(TokenSource::new(|| async { Ok("second".to_owned()) }));
        assert_eq!(tokens.fresh().as_deref(), Some("first"), "an equivalent source keeps the cache");
        tokens.invalidate();
        assert_eq!(tokens.get().now_or_never().unwrap().unwrap(), "second");
        tokens.set_source(TokenSource::fixed("fixed"));
        assert_eq!(tokens.fresh().as_deref(), Some("fixed"), "a fixed source is its token");
    }
}
