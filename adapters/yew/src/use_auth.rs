//! `use_auth`: headless auth (OAuth popup or credential POST), rendered from the core's
//! [`AuthRunner`].

use nango_frontend::{AuthOptions, AuthRunner, AuthState, UseAuthOptions};
use yew::prelude::*;

use crate::use_nango;

/// What [`use_auth`] returns: the state of the latest run, and commands.
#[derive(Clone, Debug, PartialEq)]
pub struct UseAuthHandle {
    /// Where the latest run is.
    pub state: AuthState,
    runner: AuthRunner,
}

impl UseAuthHandle {
    /// Connects an account to `provider_config_key` (an OAuth popup, or a credential POST when
    /// `options` has credentials), replacing a pending run. Call it in the click handler: the
    /// popup opens before this returns (see [`AuthRunner::run`]).
    pub fn run(&self, provider_config_key: &str, options: AuthOptions) {
        self.runner.auth(provider_config_key, options);
    }

    /// Re-authorizes an existing connection (needs a reconnect session token).
    pub fn reconnect(&self, provider_config_key: &str, options: AuthOptions) {
        self.runner.reconnect(provider_config_key, options);
    }

    /// Creates a connection to an integration that needs no auth.
    pub fn create(&self, provider_config_key: &str, options: AuthOptions) {
        self.runner.create(provider_config_key, options);
    }

    /// Cancels the pending run (popup and socket closed): `Failed` with `cancelled`.
    pub fn cancel(&self) {
        self.runner.cancel();
    }
}

/// Headless auth with the provider's client and its token.
#[hook]
pub fn use_auth() -> UseAuthHandle {
    use_auth_with_options(UseAuthOptions::default())
}

/// Headless auth with the provider's client: a core [`AuthRunner`] made once, re-rendered at
/// every state change, released on unmount (a pending run is cancelled, its popup closed).
/// Without a [`NangoProvider`](crate::NangoProvider), runs end in `invalid_provider_setup`;
/// under server-side rendering, in `unsupported_environment`.
///
/// ```no_run
/// # use nango_yew::*; use yew::prelude::*;
/// #[component]
/// fn GitHub() -> Html {
///     let auth = use_auth();
///     let run = { let auth = auth.clone(); move |_| auth.run("github", AuthOptions::new()) };
///     html! { <button onclick={run} disabled={auth.state.is_pending()}>{ "Connect GitHub" }</button> }
/// }
/// ```
#[hook]
pub fn use_auth_with_options(options: UseAuthOptions) -> UseAuthHandle {
    let client = use_nango();
    let runner = use_memo((), |()| AuthRunner::with_client(client.clone()));
    // The core holds the state; a change re-renders, and each render reads it.
    let update = use_force_update();
    runner.set_client(client);
    runner.set_token_source(options.session_token);
    {
        let runner = (*runner).clone();
        use_effect_with((), move |()| {
            let subscription = runner.subscribe(move |_| update.force_update());
            move || {
                drop(subscription);
                runner.release();
            }
        });
    }
    UseAuthHandle { state: runner.snapshot(), runner: (*runner).clone() }
}
