//! `use_auth`: headless auth (OAuth popup or credentials) as a `Copy` handle over the core's
//! [`AuthRunner`].

use leptos::prelude::*;
use nango_frontend::{AuthOptions, AuthRunner, AuthState, UseAuthOptions};

use crate::{Held, HookField, HookOptions, Stored, use_nango, with_held};

/// What [`use_auth`] returns (`Copy`): the state as a signal, and commands.
#[derive(Clone, Copy, Debug)]
pub struct UseAuthReturn {
    /// Where the latest run is: `Idle`, `Pending`, `Connected(..)` or `Failed(..)`.
    pub state: HookField<AuthState>,
    runner: Stored,
}

/// Headless auth with the [`NangoProvider`](crate::NangoProvider) client and its token.
pub fn use_auth() -> UseAuthReturn {
    use_auth_with_options(UseAuthOptions::default())
}

/// Headless auth with the provider's client: a core [`AuthRunner`] mirrored into a signal,
/// released on cleanup (a pending run is cancelled, its popup closed). Without a provider, runs
/// end in `invalid_provider_setup`; under server-side rendering, in `unsupported_environment`.
pub fn use_auth_with_options(options: impl HookOptions<UseAuthOptions>) -> UseAuthReturn {
    let runner = AuthRunner::with_client(use_nango());
    let mirror = RwSignal::new(crate::field::Mirror { auth: runner.snapshot(), ..Default::default() });
    let state = HookField::new(mirror, |m| &m.auth);
    let subscription = runner.subscribe(move |s| {
        mirror.write_untracked().auth = s.clone();
        state.changed.notify();
    });
    let handle = UseAuthReturn { state, runner: StoredValue::new_local(Held::Auth(runner, subscription)) };
    options.watch(move |o| handle.with(|runner| runner.set_token_source(o.session_token.clone())));
    on_cleanup(move || {
        handle.with(AuthRunner::release);
    });
    handle
}

impl UseAuthReturn {
    fn with(&self, f: impl FnOnce(&AuthRunner)) {
        if let Some(runner) = self.runner() {
            f(&runner);
        }
    }
    fn runner(&self) -> Option<AuthRunner> {
        let mut runner = None;
        with_held(self.runner, &mut |held| {
            if let Held::Auth(r, _) = held {
                runner = Some(r.clone());
            }
        });
        runner
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
}
