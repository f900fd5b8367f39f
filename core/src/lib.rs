//! # nango-frontend
//!
//! The headless Rust frontend SDK for [Nango](https://nango.dev): what `@nangohq/frontend` is for
//! JavaScript, for Rust web apps compiled to `wasm32-unknown-unknown`. Framework-agnostic; the
//! `nango-yew`, `nango-dioxus` and `nango-leptos` crates adapt it.
//!
//! - [`Nango`]: a client configured like the JS one ([`NangoConfig`]).
//! - [`Nango::open_connect_ui`] / [`ConnectUi`]: Nango's Connect UI in an iframe, its events as a
//!   callback, a [`Stream`](futures_core::Stream) ([`ConnectUi::events`]) or subscriptions.
//! - [`Nango::auth`], [`Nango::reconnect`], [`Nango::create`]: headless auth, OAuth popup or
//!   typed [`Credentials`], each an [`AuthFuture`] that ends in an [`AuthSuccess`] or a typed
//!   [`AuthError`] — it never hangs (with default options an auth ends within
//!   [`DEFAULT_AUTH_TIMEOUT`]; what ends it is in `docs/auth-lifecycle.md`), and dropping it
//!   releases the popup, socket and timers.
//!
//! ```no_run
//! use nango_frontend::{ConnectUiEvent, ConnectUiOptions, Nango, NangoConfig};
//! # fn run() -> Result<(), nango_frontend::AuthError> {
//! let nango = Nango::new(NangoConfig::new().connect_session_token("nango_connect_session_…"))?;
//! let ui = nango.open_connect_ui(ConnectUiOptions::new().on_event(|event| {
//!     if let ConnectUiEvent::Connect(c) = event {
//!         println!("connected {} to {}", c.connection_id, c.provider_config_key);
//!     }
//! }))?;
//! # drop(ui); Ok(()) }
//! ```
//!
//! ## For UI adapters: [`ConnectUi`] and [`AuthRunner`]
//! All behaviour lives here; a framework adapter's hook creates one of these once, hands it the
//! latest render's options ([`ConnectUi::set_options`], [`set_client`](ConnectUi::set_client),
//! [`set_token_source`](ConnectUi::set_token_source); the same on [`AuthRunner`]), re-renders
//! from [`ConnectUi::watch`] / [`AuthRunner::subscribe`], forwards commands, and calls
//! `release()` on unmount.
//!
//! ### Adapter contract
//! What every adapter (`nango-yew`, `nango-dioxus`, `nango-leptos`, …) does. Each item is a
//! browser test of the same name in each adapter crate's `tests/contract.rs`:
//!
//! 1. `explicit_token_wins_over_the_client_token`: after `set_session_token(t)`, the next open
//!    hands the Connect UI `t`, even when the provider's client has a token.
//! 2. `a_new_token_source_never_serves_the_old_sources_token`: the token source of the latest
//!    render is the one called; the same source at every render keeps its cached token, a
//!    different one (another user's) fetches its own (see [`TokenSource`] for which sources
//!    are the same).
//! 3. `a_wrong_provider_setup_is_a_typed_error_not_a_panic`: neither or both of `config` and
//!    `client` is `invalid_provider_setup`, an invalid config its own error (`invalid_host_url`);
//!    a hook without a provider does not panic (its runs end in `invalid_provider_setup`).
//! 4. `a_successful_open_clears_last_error`: a failure to show is `last_error`; the next
//!    successful open clears it.
//! 5. `a_run_does_not_change_the_shared_client`: the token a run fetched goes to that run only.
//! 6. `unmount_during_a_run_cancels_it_and_closes_its_popup`.
//! 7. `reconnect_and_create_run_through_the_hook`.
//! 8. `callbacks_see_the_latest_closure`: the callbacks of the latest render are called,
//!    nothing is re-bound.
//!
//! ## Layers
//! [`protocol`] is pure Rust (URLs, bodies, message parsing, the OAuth state machine), tested
//! natively against the official SDK's recorded traffic. The browser layer (`driver.js` and its
//! bindings) only performs its decisions. Outside a browser (server-side rendering) everything compiles, auth
//! resolves to `unsupported_environment` and the Connect UI cannot be shown. With the `native`
//! feature, the native driver performs the same decisions in desktop apps and command-line
//! programs (the system browser in place of the popup; see `native`, documented in a native
//! build: `cargo doc --features native`).
//!
//! ## Size
//! The core adds about 26 KB gzip to a wasm app (`cargo xtask size`). To stay small, the wasm
//! build leans on what the browser already has: the page APIs are called from one small JS
//! module (`browser/driver.js`) in a handful of coarse calls, instead of a web-sys binding (JS
//! glue plus a wasm import) per method; data the browser has parsed (`postMessage` data,
//! `JSON.parse` of socket frames and bodies) is read in place through the same parsers the
//! native build runs on [`Json`]; and URLs are normalized by the browser's `URL` (the `url`
//! crate natively). In-crate browser tests check both give the native results.

#![deny(missing_docs, missing_debug_implementations)]

mod cell;
mod client;
mod config;
mod connect_ui;
mod error;
mod generation;
mod json;
mod options;
pub mod protocol;
mod runner;
mod snapshot;
mod subscribe;
mod task;
mod text;
mod token;
mod url;

#[cfg(browser)]
mod browser;
#[cfg(browser)]
use browser as platform;
#[cfg(all(not(browser), feature = "native"))]
pub mod native;
#[cfg(all(not(browser), not(feature = "native")))]
mod native;
#[cfg(not(browser))]
use native as platform;

pub use client::Nango;
pub use config::{ClientToken, DEFAULT_CONNECT_UI_URL, DEFAULT_HOST, NangoConfig};
pub use connect_ui::{ConnectUi, ConnectUiEvents};
pub use error::{AuthError, AuthErrorType};
pub use json::{Json, JsonNumber, JsonObject};
pub use options::{AuthOptions, Credentials, DEFAULT_AUTH_TIMEOUT, UseAuthOptions};
pub use protocol::AuthSuccess;
pub use protocol::connect_ui::{
    ConnectCallback, ConnectUiEvent, ConnectUiOptions, ConnectUiSettings, ErrorCallback, EventCallback,
    Theme, ThemeColors, ThemeSettings,
};
pub use runner::AuthRunner;
pub use snapshot::{AuthState, ConnectUiSnapshot};
pub use subscribe::Subscription;
pub use task::AuthFuture;
pub use token::{SESSION_TOKEN_LIFETIME, SessionTokens, TOKEN_TIMEOUT, TokenFuture, TokenSource};

/// Whether this build runs in a browser (wasm32 with wasm-bindgen), where auth and the Connect
/// UI work.
pub const fn is_browser() -> bool {
    cfg!(browser)
}
