//! Session tokens from the app's backend, cached until they expire.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

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
/// Clones share the cache and the source. The source can be replaced
/// ([`set_source`](Self::set_source)) without emptying the cache, so that a source written
/// inline, which is a new closure at every render of a component, does not fetch again.
#[derive(Clone)]
pub struct SessionTokens {
    source: Rc<RefCell<TokenSource>>,
    cached: Rc<RefCell<Option<(String, Duration)>>>,
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
        Self { source: Rc::new(RefCell::new(source)), cached: Rc::default() }
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

    /// A fresh token: the cached one, or a newly fetched one.
    pub fn get(&self) -> impl Future<Output = Result<String, AuthError>> + 'static {
        let this = self.clone();
        async move {
            if let Some(token) = this.fresh() {
                return Ok(token);
            }
            let TokenSource::Fetch(fetch) = this.source.borrow().clone() else {
                return Err(AuthError::missing_auth_token());
            };
            let token = fetch().await?;
            *this.cached.borrow_mut() = Some((token.clone(), crate::platform::now()));
            Ok(token)
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
