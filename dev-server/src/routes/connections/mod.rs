//! The connection endpoints a backend calls with the secret key, in Nango's shapes
//! (`dev-server/README.md`, "Develop your backend against the dev server"): list, get (with
//! `refresh_token` and `force_refresh`), import, delete, and the metadata endpoints. Each is served
//! under `/connection…` (Nango's deprecated paths) and `/connections…` (the current ones).
//!
//! `list`, `get` and `delete` read and remove connections, `import` stores one with the
//! credentials a backend already holds, `metadata` changes their metadata, and `views` renders
//! a stored connection in Nango's shapes.

mod delete;
mod get;
mod import;
mod list;
mod metadata;
mod views;

pub(super) use delete::delete_one;
pub(super) use get::get_one;
pub(super) use import::post_import;
pub(super) use list::list;
pub(super) use metadata::{MERGE, REPLACE, legacy_metadata, metadata};
