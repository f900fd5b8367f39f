//! Session tokens from the app's backend, cached until they expire.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use crate::AuthError;
use crate::cell::{copy, replace};
use crate::generation::Generation;

/// A boxed token future.
pub type TokenFuture = Pin<Box<dyn Future<Output = Result<String, AuthError>>>>;

/// How long Nango's connect session tokens live.
pub const SESSION_TOKEN_LIFETIME: Duration = Duration::from_secs(30 * 60);
/// Tokens older than this are fetched again (a minute of margin before expiry).
const REFRESH_AFTER: Duration = Duration::from_secs(29 * 60);
/// How long a token source may take to answer: a backend that accepted the request and never
/// answers ends the wait with a `timeout` error (`docs/auth-lifecycle.md`).
pub const TOKEN_TIMEOUT: Duration = Duration::from_secs(30);

/// Where connect session tokens come from: a fixed token, your backend, or an async function
/// (typically a request to your backend, which creates the session with the secret key).
///
/// Two sources are the same source when they are equal: fixed tokens and backend URLs by value,
/// functions by identity (clones of one [`TokenSource::new`] are equal, two calls of it are
/// not). A [`SessionTokens`] given a different source forgets the old one's token.
///
/// ```
/// use nango_frontend::{AuthError, TokenSource};
/// let fixed = TokenSource::fixed("nango_connect_session_…");
/// let backend = TokenSource::backend("/api/nango-session");
/// let fetched = TokenSource::new(|| async { Ok::<_, AuthError>("nango_connect_session_…".to_owned()) });
/// assert_eq!(backend, TokenSource::backend("/api/nango-session"));
/// assert_eq!(fetched, fetched.clone());
/// # let _ = fixed;
/// ```
#[derive(Clone)]
pub enum TokenSource {
    /// Always this token.
    Fixed(String),
    /// `POST` to this URL of your backend (see [`TokenSource::backend`]).
    Backend(String),
    /// Calls this to get a fresh token.
    Fetch(Rc<dyn Fn() -> TokenFuture>),
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fixed(_) => f.write_str("TokenSource::Fixed(…)"),
            Self::Backend(url) => f.debug_tuple("TokenSource::Backend").field(url).finish(),
            Self::Fetch(_) => f.write_str("TokenSource::Fetch(…)"),
        }
    }
}

impl PartialEq for TokenSource {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Fixed(a), Self::Fixed(b)) | (Self::Backend(a), Self::Backend(b)) => a == b,
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
    ///
    /// Each call makes a new source: in a component, make it once (`use_memo`, `use_hook`, a
    /// stored value), or every render hands over a new source and the token is fetched again.
    pub fn new<F, Fut>(fetch: F) -> Self
    where
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = Result<String, AuthError>> + 'static,
    {
        Self::Fetch(Rc::new(move || Box::pin(fetch())))
    }

    /// Tokens from your backend: `POST url` (no body) answering JSON with the token in `token`
    /// or `data.token` (the shape of Nango's `/connect/sessions`). Equal URLs are the same
    /// source, so it can be written inline in a component.
    pub fn backend(url: impl Into<String>) -> Self {
        Self::Backend(url.into())
    }

    fn fetch(&self) -> Option<TokenFuture> {
        match self {
            Self::Fixed(_) => None,
            Self::Backend(url) => Some(Box::pin(crate::platform::post_for_token(url.clone()))),
            Self::Fetch(fetch) => Some(fetch()),
        }
    }
}

/// A [`TokenSource`] with a cache: a fetched token is reused until shortly before it expires.
///
/// Clones share the cache and the source. Setting a source equal to the current one (an inline
/// `TokenSource::backend(url)` at every render) keeps the cache; a different one (another
/// user's, after a sign-out) forgets it, and a fetch of the old source still under way no
/// longer counts. [`invalidate`](Self::invalidate) forgets it too.
#[derive(Clone)]
pub struct SessionTokens {
    source: Rc<RefCell<TokenSource>>,
    cached: Rc<RefCell<Option<(String, Duration)>>>,
    /// Moves on at source changes and invalidations: a fetch that started before one is not cached.
    generation: Rc<Generation>,
}

/// Never shows the cached token.
impl fmt::Debug for SessionTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self.cached.try_borrow().map(|c| c.is_some()).unwrap_or(true);
        f.debug_struct("SessionTokens").field("cached", &cached).finish_non_exhaustive()
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
        Self { source: Rc::new(RefCell::new(source)), cached: Rc::default(), generation: Rc::default() }
    }

    /// Replaces the source. A different source forgets the cached token (it was the old
    /// source's: another user's, maybe); an equal one keeps it. Returns whether it changed.
    pub fn set_source(&self, source: TokenSource) -> bool {
        if self.source.try_borrow().map_or(true, |current| *current == source) {
            return false;
        }
        // The old source (the app's function, maybe) is dropped after the borrow.
        drop(replace(&self.source, source));
        self.invalidate();
        true
    }

    /// A token that can be used now without waiting, if there is one.
    pub fn fresh(&self) -> Option<String> {
        self.fresh_at(crate::platform::now())
    }

    fn fresh_at(&self, now: Duration) -> Option<String> {
        match &*self.source.try_borrow().ok()? {
            TokenSource::Fixed(token) => Some(token.clone()),
            TokenSource::Backend(_) | TokenSource::Fetch(_) => self
                .cached
                .try_borrow()
                .ok()?
                .as_ref()
                .filter(|(_, at)| now.saturating_sub(*at) < REFRESH_AFTER)
                .map(|(token, _)| token.clone()),
        }
    }

    /// A fresh token: the cached one, or a newly fetched one, within [`TOKEN_TIMEOUT`].
    pub fn get(&self) -> impl Future<Output = Result<String, AuthError>> + 'static {
        self.get_within(TOKEN_TIMEOUT)
    }

    /// [`get`](Self::get) within `limit` (or [`TOKEN_TIMEOUT`] if shorter): later, a `timeout`
    /// error. Dropping the future abandons the fetch (a backend request is aborted).
    ///
    /// The token returned is always the current source's: when the source changes while a
    /// fetch is under way, that fetch's token is dropped and the new source is asked.
    pub fn get_within(&self, limit: Duration) -> impl Future<Output = Result<String, AuthError>> + 'static {
        let this = self.clone();
        let fetch = async move {
            loop {
                if let Some(token) = this.fresh() {
                    return Ok(token);
                }
                let ticket = this.generation.current();
                // Called unborrowed: the app's function may replace the source itself.
                let Some(fetch) = copy(&this.source).and_then(|source| source.fetch()) else {
                    return Err(AuthError::missing_auth_token());
                };
                let token = fetch.await?;
                if this.generation.is_current(ticket) {
                    drop(replace(&this.cached, Some((token.clone(), crate::platform::now()))));
                    return Ok(token);
                }
            }
        };
        crate::task::within(fetch, limit.min(TOKEN_TIMEOUT), || {
            AuthError::new(crate::AuthErrorType::Timeout, "The session token did not arrive in time")
        })
    }

    /// Forgets the cached token (e.g. after the server said it expired, or the user signed
    /// out); a fetch under way no longer fills the cache.
    pub fn invalidate(&self) {
        self.generation.next();
        drop(replace(&self.cached, None));
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

    #[test]
    fn debug_never_shows_the_token() {
        let tokens = SessionTokens::new(TokenSource::fixed("nango_connect_session_secret"));
        *tokens.cached.borrow_mut() = Some(("nango_connect_session_secret".into(), Duration::ZERO));
        let shown = format!("{tokens:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("cached: true"), "{shown}");
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
    fn a_different_source_never_serves_the_old_sources_token() {
        let tokens = SessionTokens::new(TokenSource::new(|| async { Ok("user-a".to_owned()) }));
        assert_eq!(tokens.get().now_or_never().unwrap().unwrap(), "user-a");
        assert!(!tokens.set_source(tokens.source.borrow().clone()), "the same source is no change");
        assert_eq!(tokens.fresh().as_deref(), Some("user-a"), "an equal source keeps the cache");
        assert!(tokens.set_source(TokenSource::new(|| async { Ok("user-b".to_owned()) })));
        assert_eq!(tokens.fresh(), None, "another source's token is not served");
        assert_eq!(tokens.get().now_or_never().unwrap().unwrap(), "user-b");
        tokens.set_source(TokenSource::fixed("fixed"));
        assert_eq!(tokens.fresh().as_deref(), Some("fixed"), "a fixed source is its token");
    }

    #[test]
    fn backend_sources_are_equal_by_url() {
        let tokens = SessionTokens::new(TokenSource::backend("/api/nango-session"));
        *tokens.cached.borrow_mut() = Some(("t".into(), crate::platform::now()));
        assert!(!tokens.set_source(TokenSource::backend("/api/nango-session")), "written inline: no change");
        assert_eq!(tokens.fresh().as_deref(), Some("t"));
        assert!(tokens.set_source(TokenSource::backend("/api/other-session")));
        assert_eq!(tokens.fresh(), None);
    }

    #[test]
    fn a_fetch_of_an_old_source_is_dropped_and_the_new_source_asked() {
        let (tx, rx) = futures_channel::oneshot::channel::<String>();
        let rx = Rc::new(RefCell::new(Some(rx)));
        let tokens = SessionTokens::new(TokenSource::new(move || {
            let rx = rx.borrow_mut().take();
            async move {
                match rx {
                    Some(rx) => rx.await.map_err(|_| AuthError::network("gone")),
                    None => Err(AuthError::network("asked twice")),
                }
            }
        }));
        let mut pending = Box::pin(tokens.get());
        assert!(pending.as_mut().now_or_never().is_none(), "user A's fetch is under way");
        tokens.set_source(TokenSource::new(|| async { Ok("user-b".to_owned()) }));
        tx.send("user-a".to_owned()).unwrap();
        assert_eq!(pending.now_or_never().unwrap().unwrap(), "user-b", "A's late token is not handed over");
        assert_eq!(tokens.fresh().as_deref(), Some("user-b"));
    }
}
