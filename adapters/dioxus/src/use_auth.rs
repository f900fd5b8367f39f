//! `use_auth`: headless auth (OAuth popup or credentials) as a `Copy` handle over the core's
//! [`AuthRunner`].

use dioxus::prelude::*;
use nango_frontend::{AuthOptions, AuthRunner, AuthState, Subscription, UseAuthOptions};

use crate::use_nango;

/// The handle [`use_auth`] returns: commands, and the state as a signal. `Copy`.
#[derive(Clone, Copy, PartialEq)]
pub struct UseAuthHandle {
    runner: CopyValue<(AuthRunner, Subscription)>,
    state: ReadSignal<AuthState>,
}

impl std::fmt::Debug for UseAuthHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.state.peek().fmt(f)
    }
}

/// Headless auth with the [`NangoProvider`](crate::NangoProvider) client and its token.
pub fn use_auth() -> UseAuthHandle {
    use_auth_with_options(UseAuthOptions::default())
}

/// Headless auth with the provider's client: a core [`AuthRunner`] made once, its state
/// mirrored into a signal, released on unmount (a pending run is cancelled, its popup closed).
/// Without a provider, runs end in `invalid_provider_setup`; under server-side rendering, in
/// `unsupported_environment`.
pub fn use_auth_with_options(options: UseAuthOptions) -> UseAuthHandle {
    let client = use_nango();
    let handle = use_hook(|| {
        let runner = AuthRunner::with_client(client.clone());
        let state = Signal::new(runner.snapshot());
        let subscription = runner.subscribe(move |s| Signal::set(&mut { state }, s.clone()));
        UseAuthHandle { runner: CopyValue::new((runner, subscription)), state: state.into() }
    });
    handle.with(|runner| {
        runner.set_client(client);
        runner.set_token_source(options.session_token);
    });
    use_drop(move || handle.with(AuthRunner::release));
    handle
}

impl UseAuthHandle {
    fn with(&self, f: impl FnOnce(&AuthRunner)) {
        if let Ok(held) = self.runner.try_peek() {
            f(&held.0);
        }
    }
    /// Connects an account to `provider_config_key` (an OAuth popup, or a credential POST
    /// when `options` has credentials), replacing a pending run. Call it in the click handler:
    /// the popup opens before this returns (see [`AuthRunner::run`]).
    pub fn run(&self, provider_config_key: &str, options: AuthOptions) {
        self.with(|runner| runner.auth(provider_config_key, options));
    }
    /// Re-authorizes an existing connection (needs a reconnect session token).
    pub fn reconnect(&self, provider_config_key: &str, options: AuthOptions) {
        self.with(|runner| runner.reconnect(provider_config_key, options));
    }
    /// Creates a connection to an integration that needs no auth.
    pub fn create(&self, provider_config_key: &str, options: AuthOptions) {
        self.with(|runner| runner.create(provider_config_key, options));
    }
    /// Cancels the pending run (popup and socket closed): `Failed` with `cancelled`.
    pub fn cancel(&self) {
        self.with(AuthRunner::cancel);
    }
    /// Where the latest run is: `Idle`, `Pending`, `Connected(..)` or `Failed(..)`.
    pub fn state(&self) -> ReadSignal<AuthState> {
        self.state
    }
}
