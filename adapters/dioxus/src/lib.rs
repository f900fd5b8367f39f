//! # nango-dioxus
//!
//! [Nango](https://nango.dev) for [Dioxus](https://dioxuslabs.com) 0.7 web apps: a
//! [`NangoProvider`] component that gives a client to its children, and hooks that return
//! `Copy` handles backed by signals. All behaviour lives in [`nango_frontend`] (re-exported
//! here, so this is the only dependency you add); this crate is glue.
//!
//! ```no_run
//! use dioxus::prelude::*;
//! use nango_dioxus::*;
//!
//! fn App() -> Element {
//!     rsx! { NangoProvider { config: NangoConfig::new().host("http://localhost:3003"), Connect {} } }
//! }
//!
//! fn Connect() -> Element {
//!     let ui = use_connect_ui_with_options(UseConnectUiOptions::new()
//!         .session_token(use_hook(|| TokenSource::backend("/api/nango-session"))));
//!     let auth = use_auth();
//!     rsx! {
//!         button { onclick: move |_| ui.open(), "Connect an account" }
//!         button { onclick: move |_| auth.run("github", AuthOptions::new()), "GitHub" }
//!         for c in ui.connections().iter() { p { "{c.provider_config_key}: {c.connection_id}" } }
//!     }
//! }
//! ```
//!
//! ## The same API as `nango-yew`
//!
//! | | `nango-yew` | `nango-dioxus` |
//! |---|---|---|
//! | provider | `<NangoProvider config={..}>` or `client={..}` | `NangoProvider { config: .. }` or `client: ..` |
//! | client | `use_nango()`, `try_use_nango()` | `use_nango()`, `try_use_nango()` |
//! | Connect UI | `use_connect_ui[_with_options](UseConnectUiOptions)` | `use_connect_ui[_with_options](UseConnectUiOptions)` |
//! | its handle | `UseConnectUiHandle` (`Clone + PartialEq`) | [`UseConnectUiHandle`] (`Copy`) |
//! | commands | `open()`, `close()`, `set_session_token(t)` | `open()`, `close()`, `set_session_token(t)` |
//! | state | fields `is_open`, `is_ready`, `last_event`, `last_error`, `connections` | the same names as methods returning a `ReadSignal` |
//! | callbacks | `on_event`, `on_connect`, `on_close`, `on_error`: `Callback` | the same names: `EventHandler` |
//! | session token | `session_token: TokenSource` | `session_token: TokenSource` |
//! | headless auth | `use_auth[_with_options]() -> UseAuthHandle` | `use_auth[_with_options](UseAuthOptions) -> UseAuthHandle` |
//! | its handle | `run(key, AuthOptions)`, `cancel()`, field `state: AuthState` | `run(key, AuthOptions)`, `cancel()`, `state() -> ReadSignal<AuthState>` |
//!
//! ## Behaviour
//! - **Unmount cleans up.** A [`use_connect_ui`] component removes its iframe and `message`
//!   listener when it unmounts; a [`use_auth`] component cancels a pending auth (popup and
//!   socket closed), since the auth future lives in a task owned by that component.
//! - **Popups open in the click.** [`UseAuthHandle::run`] calls the core's `auth` before any
//!   `await`; the session token source is fetched ahead when the component mounts and set on
//!   the client first. [`UseConnectUiHandle::open`] shows the Connect UI at once and hands it
//!   the token when the source answers; tokens are reused until 30-minute expiry is near.
//! - **No silent defaults.** [`use_nango`] panics with a message naming `NangoProvider`;
//!   [`try_use_nango`] returns `None`; an invalid provider configuration is a render error for
//!   the nearest `ErrorBoundary`.
//! - **Server-side rendering.** The crate compiles natively (it needs no `web` feature of
//!   Dioxus); there the Connect UI cannot be shown and auth ends in `unsupported_environment`.

#![deny(missing_docs)]

mod options;
mod provider;
mod use_auth;
mod use_connect_ui;

pub use nango_frontend::*;
pub use options::{UseAuthOptions, UseConnectUiOptions};
pub use provider::{NangoProvider, NangoProviderProps, try_use_nango, use_nango};
pub use use_auth::{UseAuthHandle, use_auth, use_auth_with_options};
pub use use_connect_ui::{UseConnectUiHandle, use_connect_ui, use_connect_ui_with_options};
