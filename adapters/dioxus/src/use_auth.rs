//! `use_auth`: headless auth (OAuth popup or credentials) as a `Copy` handle with a state signal.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};

use dioxus::dioxus_core::{Runtime, RuntimeGuard, ScopeId, Task, current_scope_id};
use dioxus::prelude::*;
use nango_frontend::{AuthError, AuthErrorType, AuthOptions, AuthState, AuthSuccess, Nango, SessionTokens};

use crate::{UseAuthOptions, use_nango};

struct Shared {
    nango: Nango,
    tokens: Option<SessionTokens>,
    /// The running auth and its number (a finished older run must not overwrite the state).
    task: Option<Task>,
    run: u64,
    /// Where the auth task lives: the hook's component, so that unmounting it cancels the auth.
    runtime: Weak<Runtime>,
    scope: ScopeId,
}

/// The handle [`use_auth`] returns. `Copy`.
#[derive(Clone, Copy, PartialEq)]
pub struct UseAuthHandle {
    shared: CopyValue<Shared>,
    state: Signal<AuthState>,
    view: ReadSignal<AuthState>,
}

impl fmt::Debug for UseAuthHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UseAuthHandle").field("state", &*self.state.peek()).finish_non_exhaustive()
    }
}

/// Headless auth with the [`NangoProvider`](crate::NangoProvider) client and its token.
///
/// # Panics
/// Without a `NangoProvider` above the component (see [`use_nango`]).
#[track_caller]
pub fn use_auth() -> UseAuthHandle {
    use_auth_with_options(UseAuthOptions::default())
}

/// Headless auth: [`run`](UseAuthHandle::run) connects an account (an OAuth popup, or a
/// credential POST), [`state`](UseAuthHandle::state) follows it. Unmounting the component
/// cancels a pending auth (its popup and socket are closed).
///
/// # Panics
/// Without a `NangoProvider` above the component (see [`use_nango`]).
#[track_caller]
pub fn use_auth_with_options(options: UseAuthOptions) -> UseAuthHandle {
    let nango = use_nango();
    use_hook(|| {
        let tokens = options.session_token.map(SessionTokens::new);
        if let Some(tokens) = tokens.clone().filter(|t| t.fresh().is_none()) {
            // Fetch ahead, so that a click can open the popup synchronously.
            spawn(async move {
                let _ = tokens.get().await;
            });
        }
        let state = Signal::new(AuthState::Idle);
        let runtime = Runtime::try_current().map(|rt| Rc::downgrade(&rt)).unwrap_or_default();
        let shared = Shared { nango, tokens, task: None, run: 0, runtime, scope: current_scope_id() };
        UseAuthHandle { shared: CopyValue::new(shared), state, view: state.into() }
    })
}

type AuthResult = Result<AuthSuccess, AuthError>;

impl UseAuthHandle {
    /// Connects an account to the integration `provider_config_key`: an OAuth popup, or a
    /// credential POST when `options` has credentials. A run still pending is cancelled first.
    ///
    /// Call it directly in the click handler: with a fresh session token (fetched ahead when
    /// the component mounted) the popup opens before `run` returns. Without one, the token is
    /// fetched first and strict browsers may block the popup (`blocked_by_browser`).
    pub fn run(&self, provider_config_key: &str, options: AuthOptions) {
        let mut shared = self.shared;
        let Ok(mut state) = shared.try_write() else { return };
        let previous = state.task.take();
        state.run += 1;
        let (run, nango, tokens) = (state.run, state.nango.clone(), state.tokens.clone());
        let (runtime, scope) = (state.runtime.upgrade(), state.scope);
        drop(state);
        let Some(runtime) = runtime else { return };
        let _guard = RuntimeGuard::new(runtime.clone());
        if let Some(task) = previous {
            task.cancel();
        }
        let work: Pin<Box<dyn Future<Output = AuthResult>>> = match tokens {
            None => Box::pin(nango.auth(provider_config_key, options)),
            Some(tokens) => match tokens.fresh() {
                Some(token) => {
                    nango.set_connect_session_token(token);
                    Box::pin(nango.auth(provider_config_key, options))
                }
                None => {
                    let key = provider_config_key.to_owned();
                    Box::pin(async move {
                        nango.set_connect_session_token(tokens.get().await?);
                        nango.auth(&key, options).await
                    })
                }
            },
        };
        let mut signal = self.state;
        signal.set(AuthState::Pending);
        let task = runtime.in_scope(scope, || {
            spawn(async move {
                let result = work.await;
                if shared.try_peek().is_ok_and(|state| state.run == run) {
                    signal.set(AuthState::from_result(result));
                    if let Ok(mut state) = shared.try_write() {
                        state.task = None;
                    }
                }
            })
        });
        if let Ok(mut state) = shared.try_write() {
            state.task = Some(task);
        }
    }

    /// Cancels a pending auth (closing its popup and socket): the state becomes
    /// `Failed(cancelled)`. A no-op when nothing is pending.
    pub fn cancel(&self) {
        let mut shared = self.shared;
        let Ok(mut state) = shared.try_write() else { return };
        let Some(task) = state.task.take() else { return };
        state.run += 1;
        let runtime = state.runtime.upgrade();
        drop(state);
        if let Some(runtime) = runtime {
            let _guard = RuntimeGuard::new(runtime);
            task.cancel();
        }
        let mut signal = self.state;
        signal.set(AuthState::Failed(AuthError::new(AuthErrorType::Cancelled, "The auth was cancelled")));
    }

    /// Where the latest run is: `Idle`, `Pending`, `Connected(..)` or `Failed(..)`.
    pub fn state(&self) -> ReadSignal<AuthState> {
        self.view
    }
}
