//! `use_auth`: a headless auth (OAuth popup or credential POST) and its state.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use nango_frontend::{
    AuthError, AuthErrorType, AuthFuture, AuthOptions, AuthState, Nango, SessionTokens, TokenSource,
};
use yew::prelude::*;

use crate::spawn::spawn;
use crate::tokens::use_session_tokens;
use crate::use_nango;

/// Options of [`use_auth_with_options`].
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct UseAuthOptions {
    /// Where connect session tokens come from. A token is fetched on mount, so that it is there
    /// when the user clicks; each run sets a fresh one on the client first.
    pub session_token: Option<TokenSource>,
}

impl UseAuthOptions {
    /// No token source: the client's own token is used.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets where session tokens come from.
    pub fn session_token(mut self, source: TokenSource) -> Self {
        self.session_token = Some(source);
        self
    }
}

/// What [`use_auth`] returns: the state of the latest run, and commands.
#[derive(Clone)]
pub struct UseAuthHandle {
    /// Where the latest run is.
    pub state: AuthState,
    inner: Rc<Inner>,
}

struct Inner {
    nango: RefCell<Nango>,
    tokens: RefCell<Option<SessionTokens>>,
    /// The current run: its number and its future (dropping the future cancels the auth).
    run: RefCell<(u64, Option<AuthFuture>)>,
    next: Cell<u64>,
    state: UseStateSetter<AuthState>,
}

impl UseAuthHandle {
    /// Connects an account to `provider_config_key` (OAuth popup, or a credential POST when
    /// `options` has credentials), ending any previous run of this handle.
    ///
    /// Call it in the click handler: the popup opens before this returns. When a token source
    /// is configured but no token is cached yet, the token is awaited first (a popup opened after
    /// that wait may be blocked by the browser; credential POSTs are not affected).
    pub fn run(&self, provider_config_key: &str, options: AuthOptions) {
        let id = self.inner.next.get() + 1;
        self.inner.next.set(id);
        *self.inner.run.borrow_mut() = (id, None);
        self.inner.state.set(AuthState::Pending);
        let tokens = self.inner.tokens.borrow().clone();
        match tokens.as_ref().map(|tokens| (tokens, tokens.fresh())) {
            None => self.start(id, provider_config_key, options),
            Some((_, Some(token))) => {
                self.inner.nango.borrow().set_connect_session_token(token);
                self.start(id, provider_config_key, options);
            }
            Some((tokens, None)) => {
                let (this, key, token) = (self.clone(), provider_config_key.to_owned(), tokens.get());
                spawn(async move {
                    let token = token.await;
                    if this.inner.run.borrow().0 != id {
                        return;
                    }
                    match token {
                        Ok(token) => {
                            this.inner.nango.borrow().set_connect_session_token(token);
                            this.start(id, &key, options);
                        }
                        Err(error) => this.inner.state.set(AuthState::Failed(error)),
                    }
                });
            }
        }
    }

    /// Cancels the current run, if any: its popup and socket are closed and the state becomes
    /// `Failed` with a `cancelled` error.
    pub fn cancel(&self) {
        let (_, future) = std::mem::take(&mut *self.inner.run.borrow_mut());
        if future.is_some() || self.state.is_pending() {
            drop(future);
            self.inner
                .state
                .set(AuthState::Failed(AuthError::new(AuthErrorType::Cancelled, "The auth was cancelled")));
        }
    }

    fn start(&self, id: u64, key: &str, options: AuthOptions) {
        let mut future = self.inner.nango.borrow().auth(key, options);
        if future.is_finished() {
            // Refused before any I/O (or outside a browser): the result is there already.
            let mut cx = Context::from_waker(Waker::noop());
            if let Poll::Ready(result) = Pin::new(&mut future).poll(&mut cx) {
                *self.inner.run.borrow_mut() = (id, None);
                self.inner.state.set(AuthState::from_result(result));
                return;
            }
        }
        *self.inner.run.borrow_mut() = (id, Some(future));
        let inner = self.inner.clone();
        spawn(async move {
            // Polls the future in place, so that `cancel` and unmount can drop it.
            let result = poll_fn(|cx| match &mut *inner.run.borrow_mut() {
                (current, Some(future)) if *current == id => Pin::new(future).poll(cx).map(Some),
                _ => Poll::Ready(None),
            })
            .await;
            if let Some(result) = result {
                inner.run.borrow_mut().1 = None;
                inner.state.set(AuthState::from_result(result));
                if let Some(tokens) = inner.tokens.borrow().clone() {
                    prefetch(tokens);
                }
            }
        });
    }
}

fn prefetch(tokens: SessionTokens) {
    if tokens.fresh().is_none() {
        spawn(async move { drop(tokens.get().await) });
    }
}

impl PartialEq for UseAuthHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner) && self.state == other.state
    }
}

impl fmt::Debug for UseAuthHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UseAuthHandle").field("state", &self.state).finish_non_exhaustive()
    }
}

/// Headless auth with the provider's client and its token.
#[hook]
pub fn use_auth() -> UseAuthHandle {
    use_auth_with_options(UseAuthOptions::default())
}

/// Headless auth with the provider's client (see [`UseAuthHandle::run`]); unmounting the
/// component cancels a pending run.
///
/// # Panics
/// Without a [`NangoProvider`](crate::NangoProvider) above the component.
#[hook]
pub fn use_auth_with_options(options: UseAuthOptions) -> UseAuthHandle {
    let nango = use_nango();
    let tokens = use_session_tokens(options.session_token);
    let state = use_state_eq(AuthState::default);
    let inner = use_memo((), |()| Inner {
        nango: RefCell::new(nango.clone()),
        tokens: RefCell::default(),
        run: RefCell::default(),
        next: Cell::new(0),
        state: state.setter(),
    });
    *inner.nango.borrow_mut() = nango;
    inner.tokens.borrow_mut().clone_from(&tokens);
    {
        let inner = inner.clone();
        use_effect_with((), move |()| {
            if let Some(tokens) = tokens {
                prefetch(tokens);
            }
            // Unmount: dropping the pending future closes its popup and socket.
            move || drop(std::mem::take(&mut *inner.run.borrow_mut()))
        });
    }
    UseAuthHandle { state: (*state).clone(), inner }
}
