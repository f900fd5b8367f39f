//! One home for request validation, as Nango's zod schemas validate: JSON bodies ([`json`]),
//! query strings ([`query`]), and the bodies of the session and
//! connection endpoints ([`sessions`], [`connections`]). Every function here is pure: it reads
//! what the request carried and answers the issues Nango would list, in Nango's words.

mod connections;
mod json;
mod query;
mod sessions;

pub(crate) use connections::import_credentials;
pub(crate) use json::{Validator, parse_json, require_empty, require_object};
pub(crate) use query::{AuthQuery, check_connection_id, key_and_flags, query_pairs, require_empty_query};
pub(crate) use sessions::{common_fields, end_user, new_session, string_map};
