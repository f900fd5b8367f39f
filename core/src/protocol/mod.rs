//! The sans-IO protocol layer: everything the SDK computes or parses, with no browser in it.
//!
//! The browser layer only performs what this layer decides (open a popup with these features,
//! open a socket to this URL, navigate the popup, POST this body) and feeds back what happened.
//! All of it compiles and is tested natively, including against the official SDK's recorded
//! traffic (`tests/conformance.rs`).

pub mod connect_ui;
pub mod oauth;
mod plan;
pub(crate) mod response;

pub(crate) use plan::plan_auth;
pub use plan::{AuthCall, AuthPlan, PopupLayout, PostRequest};
pub use response::{AuthSuccess, parse_auth_response, parse_token_response};
