//! The wasm side of `cargo xtask bench`: one module exporting what the bench page drives.
//!
//! - the core's Connect UI with an event callback, or with its event stream consumed by a task
//!   (arrival times recorded in order);
//! - a Yew, a Dioxus and a Leptos component using the adapters' `use_connect_ui`, recording when
//!   an effect sees the new event after the state update (keyed by the sequence number the stub
//!   Connect UI writes into each event's payload);
//! - open cost (`open_connect_ui` timed inside wasm), open/close cycles and auth start/drop
//!   cycles for the leak counts.
//!
//! Times are `performance.timeOrigin + performance.now()`, the clock the stub (another origin,
//! in the iframe) stamps each message with. Outside wasm32 this crate is empty.

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
mod probe;

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub use probe::*;
