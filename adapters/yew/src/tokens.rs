//! A session token cache that survives re-renders while the token source is "latest value".

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use nango_frontend::{AuthError, AuthErrorType, SessionTokens, TokenSource};
use yew::prelude::*;

/// The cache of one component: fetched tokens are reused until they expire, and a fetch calls
/// the source of the latest render (a `TokenSource::new(…)` written inline makes a new closure
/// each render; that must not empty the cache). A fixed token is used as is.
#[hook]
pub(crate) fn use_session_tokens(source: Option<TokenSource>) -> Option<SessionTokens> {
    let latest = use_mut_ref(|| None::<TokenSource>);
    latest.borrow_mut().clone_from(&source);
    let cache = use_memo((), |()| fetching_cache(Rc::downgrade(&latest)));
    match source? {
        TokenSource::Fixed(token) => Some(SessionTokens::new(TokenSource::Fixed(token))),
        TokenSource::Fetch(_) => Some((*cache).clone()),
    }
}

fn fetching_cache(latest: Weak<RefCell<Option<TokenSource>>>) -> SessionTokens {
    SessionTokens::new(TokenSource::new(move || {
        let source = latest.upgrade().and_then(|latest| latest.borrow().clone());
        async move {
            match source {
                Some(TokenSource::Fixed(token)) => Ok(token),
                Some(TokenSource::Fetch(fetch)) => fetch().await,
                None => Err(AuthError::new(AuthErrorType::MissingAuthToken, "No session token source")),
            }
        }
    }))
}
