//! # nango-leptos
//!
//! [Nango](https://nango.dev) for [Leptos](https://leptos.dev) 0.8 web apps: a [`NangoProvider`]
//! component that gives a client to its children, and hooks in the style of leptos-use
//! (`use_x()` / `use_x_with_options(options)`) returning `Copy` handles: the state as signals
//! (fields), the commands as methods. All behaviour lives in [`nango_frontend`] (re-exported
//! here, so this is the only dependency you add); this crate is glue.
//!
//! ```no_run
//! use leptos::prelude::*;
//! use nango_leptos::*;
//!
//! #[component]
//! fn App() -> impl IntoView {
//!     view! { <NangoProvider config=NangoConfig::new().host("http://localhost:3003")><Connect/></NangoProvider> }
//! }
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
//! ```
//!
//! ## Options are signals
//! A Leptos component runs once, so where the Yew and Dioxus hooks get new options at every
//! render, these take `impl Into<Signal<Options, LocalStorage>>`: a plain value, or
//! `Signal::derive_local(move || …)`. The options are handed to the core at once and again
//! whenever a signal they read changes: the newest callbacks are called, the newest token
//! source is used (it keeps the cached token), the other options apply at the next `open`.
//!
//! ## Behaviour
//! The same as `nango-yew` and `nango-dioxus` (the core's "adapter contract"; each item is a
//! browser test of the same name in every adapter crate):
//! - **Unmount cleans up** (`on_cleanup`): a [`use_connect_ui`] component removes its iframe
//!   and `message` listener, a [`use_auth`] component cancels a pending auth (popup and socket
//!   closed).
//! - **Popups open in the click.** [`UseAuthReturn::run`] starts the core's auth before any
//!   `await`; the token source is fetched ahead when the component mounts, and the token goes
//!   to that run only.
//! - **No panics.** [`use_nango`] returns an `invalid_provider_setup` error without a provider;
//!   a wrong provider setup is an `Err` for the nearest `<ErrorBoundary>`.
//! - **Server-side rendering.** The crate compiles natively, with or without Leptos' `ssr`
//!   feature; there the Connect UI cannot be shown and auth ends in `unsupported_environment`.

#![deny(missing_docs, missing_debug_implementations)]

mod provider;
mod use_auth;
mod use_connect_ui;

pub use nango_frontend::*;
pub use provider::{NangoProvider, NangoProviderProps, use_nango};
pub use use_auth::{UseAuthOptions, UseAuthReturn, use_auth, use_auth_with_options};
pub use use_connect_ui::{UseConnectUiOptions, UseConnectUiReturn, use_connect_ui, use_connect_ui_with_options};
