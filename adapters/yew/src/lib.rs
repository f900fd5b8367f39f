//! # nango-yew
//!
//! [Yew](https://yew.rs) bindings for [Nango](https://nango.dev)'s frontend SDK: a provider and
//! hooks over the framework-agnostic [`nango_frontend`] core, which this crate re-exports (one
//! dependency is enough).
//!
//! - [`NangoProvider`] makes a [`Nango`] client available to its children; [`use_nango`] gets it.
//! - [`use_connect_ui`] opens Nango's Connect UI and renders its state ([`UseConnectUiHandle`]).
//! - [`use_auth`] runs a headless auth, an OAuth popup or a credential POST, a reconnect or a
//!   create ([`UseAuthHandle`]).
//!
//! The hooks are glue over the core's [`ConnectUi`] and [`AuthRunner`]: every behaviour is the
//! core's, and the same in every adapter (the list is the core's "adapter contract"; each item
//! has a browser test of the same name in every adapter crate).
//!
//! ```no_run
//! use nango_yew::{AuthState, NangoConfig, NangoProvider, TokenSource, UseConnectUiOptions};
//! use yew::prelude::*;
//!
//! #[component]
//! fn Integrations() -> Html {
//!     let ui = nango_yew::use_connect_ui_with_options(
//!         UseConnectUiOptions::new().session_token(TokenSource::backend("/api/nango-session")),
//!     );
//!     let open = { let ui = ui.clone(); Callback::from(move |_| ui.open()) };
//!     html! { <button onclick={open}>{ format!("Connect ({} connected)", ui.connections.len()) }</button> }
//! }
//!
//! #[component]
//! fn App() -> Html {
//!     html! { <NangoProvider config={NangoConfig::new()}><Integrations /></NangoProvider> }
//! }
//! ```
//!
//! Every hook cleans up on unmount: the Connect UI's iframe and `message` listener are removed,
//! a pending auth is cancelled (its popup and socket closed). No hook panics: a missing or
//! wrong provider is an `invalid_provider_setup` error. Outside a browser (server-side
//! rendering, native tests) everything compiles and the hooks do nothing: commands end in an
//! `unsupported_environment` error state.

#![deny(missing_docs, missing_debug_implementations)]

mod provider;
mod use_auth;
mod use_connect_ui;

pub use nango_frontend;
pub use nango_frontend::*;

pub use provider::{NangoProvider, NangoProviderProps, use_nango};
pub use use_auth::{UseAuthHandle, use_auth, use_auth_with_options};
pub use use_connect_ui::{
    UseConnectUiHandle, UseConnectUiOptions, use_connect_ui, use_connect_ui_with_options,
};
