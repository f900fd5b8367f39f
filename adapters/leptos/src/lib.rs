//! # nango-leptos
//!
//! [Nango](https://nango.dev) for [Leptos](https://leptos.dev) 0.8: a [`NangoProvider`] and hooks
//! in the style of leptos-use (`use_x()` / `use_x_with_options(options)`) returning `Copy`
//! handles, state as signals and commands as methods. All behaviour is [`nango_frontend`]'s
//! (re-exported: the only dependency you add); this crate is glue.
//!
//! ```no_run
//! use leptos::prelude::*;
//! use nango_leptos::*;
//!
//! #[component]
//! fn Connect() -> impl IntoView {
//!     let ui = use_connect_ui_with_options(
//!         UseConnectUiOptions::new().session_token(TokenSource::backend("/api/nango-session")),
//!     );
//!     let auth = use_auth();
//!     view! {
//!         <button on:click=move |_| ui.open()>"Connect an account"</button>
//!         <button on:click=move |_| auth.run("github", AuthOptions::new())>"GitHub"</button>
//!         <p>{move || format!("{} connected", ui.connections.get().len())}</p>
//!     }
//! }
//! // view! { <NangoProvider config=NangoConfig::new()><Connect /></NangoProvider> }
//! ```
//!
//! ## Options are signals
//! A Leptos component runs once: where the Yew and Dioxus hooks get options at every render,
//! these take a plain value or a signal (`Signal::derive_local(move || …)`), handed to the core
//! whenever it changes (the newest callbacks are called, the newest token source is used, and
//! keeps the cached token if it is the same source; the other options apply at the next `open`).
//!
//! ## Behaviour
//! The core's "adapter contract", a browser test of the same name in every adapter crate:
//! - **Cleanup** (`on_cleanup`) removes the Connect UI's iframe and `message` listener and
//!   cancels a pending auth (popup and socket closed).
//! - **Popups open in the click**: [`UseAuthReturn::run`] starts the auth before any `await`;
//!   the token source is fetched ahead on mount, and the token goes to that run only.
//! - **No panics**: [`use_nango`] is an `invalid_provider_setup` error without a provider; a
//!   wrong provider setup is an `Err` for the nearest `<ErrorBoundary>`.
//! - **Server-side rendering**: compiles natively (with or without Leptos' `ssr` feature); the
//!   Connect UI cannot be shown there and auth ends in `unsupported_environment`.

#![deny(missing_docs, missing_debug_implementations)]

mod field;
mod options;
mod provider;
mod use_auth;
mod use_connect_ui;

pub use nango_frontend::*;

/// What the provider and the hooks keep in Leptos' arena, as one type: each type stored there
/// is its own copy of the arena's code (issue 27). A `Subscription` is only kept: dropping it
/// unsubscribes.
#[allow(dead_code)]
pub(crate) enum Held {
    Nango(Nango),
    Ui(ConnectUi, Subscription),
    Auth(AuthRunner, Subscription),
}

/// A [`Held`] value in the arena of the current owner, released with it.
pub(crate) type Stored = leptos::prelude::StoredValue<Held, leptos::prelude::LocalStorage>;

/// Runs `f` on what `stored` holds, if it is still there: one copy of the arena's code for
/// every access.
pub(crate) fn with_held(stored: Stored, f: &mut dyn FnMut(&Held)) {
    use leptos::prelude::WithValue;
    stored.try_with_value(|held| f(held));
}
pub use field::HookField;
pub use options::HookOptions;
pub use provider::{NangoProvider, NangoProviderProps, use_nango};
pub use use_auth::{UseAuthReturn, use_auth, use_auth_with_options};
pub use use_connect_ui::{
    UseConnectUiOptions, UseConnectUiReturn, use_connect_ui, use_connect_ui_with_options,
};
