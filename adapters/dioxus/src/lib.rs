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
//! Both adapters are glue over the core's [`ConnectUi`] and [`AuthRunner`], so they behave the
//! same; the core's "adapter contract" lists what every adapter does, each item a browser test
//! of the same name in every adapter crate.
//!
//! | | `nango-yew` | `nango-dioxus` |
//! |---|---|---|
//! | provider | `<NangoProvider config={..}>` or `client={..}`, `fallback` for a wrong setup | `NangoProvider { config: .. }` or `client: ..`; a wrong setup is a render error |
//! | client | `use_nango() -> Result<Nango, AuthError>` | `use_nango() -> Result<Nango, AuthError>` |
//! | Connect UI | `use_connect_ui[_with_options](UseConnectUiOptions)` | `use_connect_ui[_with_options](UseConnectUiOptions)` |
//! | its handle | `UseConnectUiHandle` (`Clone + PartialEq`) | [`UseConnectUiHandle`] (`Copy`) |
//! | commands | `open()`, `close()`, `set_session_token(t)` | `open()`, `close()`, `set_session_token(t)` |
//! | state | fields `is_open`, `is_ready`, `last_event`, `last_error`, `connections` | the same names as methods (reading subscribes), and `snapshot()` as a `ReadSignal` |
//! | callbacks | `on_event`, `on_connect`, `on_close`, `on_error`: `Callback` | the same names: `EventHandler` |
//! | session token | `session_token: TokenSource` | `session_token: TokenSource` |
//! | headless auth | `use_auth[_with_options](UseAuthOptions) -> UseAuthHandle` | `use_auth[_with_options](UseAuthOptions) -> UseAuthHandle` |
//! | its handle | `run`, `reconnect`, `create` (key, `AuthOptions`), `cancel()`, field `state: AuthState` | the same commands, `state() -> ReadSignal<AuthState>` |
//!
//! ## Behaviour
//! - **Unmount cleans up.** A [`use_connect_ui`] component removes its iframe and `message`
//!   listener when it unmounts; a [`use_auth`] component cancels a pending auth (popup and
//!   socket closed).
//! - **Popups open in the click.** [`UseAuthHandle::run`] starts the core's auth before any
//!   `await`; the session token source is fetched ahead when the component mounts, and the
//!   token goes to that run only. [`UseConnectUiHandle::open`] shows the Connect UI at once and
//!   hands it the token when the source answers; tokens are reused until 30-minute expiry is near.
//! - **No panics.** [`use_nango`] returns an `invalid_provider_setup` error without a provider;
//!   a wrong provider setup is a render error for the nearest `ErrorBoundary`.
//! - **Server-side rendering.** The crate compiles natively (it needs no `web` feature of
//!   Dioxus); there the Connect UI cannot be shown and auth ends in `unsupported_environment`.
//! - **Desktop apps** (feature `native`, with Dioxus's `desktop`): the same hooks, on the core's
//!   native driver (`nango_frontend::native`: the system browser in place of the popup, Nango's
//!   WebSocket through tokio-tungstenite). The hook code does not change; the crate hands the
//!   core Dioxus's executor for its background work. [`UseConnectUiHandle::open`] opens the
//!   session's Connect UI link in the system browser: the handle stays closed and hears no
//!   events from that page (another program), so the app learns of a connection from its
//!   backend (Nango's auth webhook); a failure to get a token or open the browser is
//!   `last_error` or an `error` event. `examples/dioxus-desktop` is such an app.

#![deny(missing_docs)]

mod provider;
mod use_auth;
mod use_connect_ui;

pub use nango_frontend::*;
pub use provider::{NangoProvider, NangoProviderProps, use_nango};
pub use use_auth::{UseAuthHandle, use_auth, use_auth_with_options};
pub use use_connect_ui::{
    UseConnectUiHandle, UseConnectUiOptions, use_connect_ui, use_connect_ui_with_options,
};
