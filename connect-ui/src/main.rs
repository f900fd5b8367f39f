//! The Nango Connect UI page, in Rust: a Yew app loaded in the iframe that
//! `nango.open_connect_ui()` (or the official JavaScript SDK's `openConnectUI`) opens.
//!
//! It speaks the Connect UI protocol (`ready`, `session_token`, `connect`, `error`, `close`,
//! `settings_changed`), loads the session and integrations from the Nango API, shows a form per
//! auth mode and connects through the `nango-frontend` core.
//!
//! Pure logic ([`query`], [`i18n`], [`model`], [`form`], [`state`], [`theme`], [`telemetry`]) is tested
//! natively; [`app`] (the component), [`effects`], [`submit`], [`screens`], [`bridge`], [`api`] and
//! [`dom`] touch the browser.

mod api;
mod app;
mod bridge;
mod dom;
mod effects;
mod form;
mod i18n;
mod model;
mod query;
mod screens;
mod state;
mod submit;
mod telemetry;
mod theme;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
