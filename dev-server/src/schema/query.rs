//! Query strings as Nango's zod schemas read them: decoded pairs, an empty query, the auth
//! endpoints' query, and `provider_config_key` with boolean flags.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::{ApiError, FieldError};
use crate::ids::{CONNECTION_ID_PATTERN_MESSAGE, is_valid_connection_id, is_valid_provider_config_key};

/// Decoded query pairs. `params[k]=v` and `params%5Bk%5D=v` decode to the same pair.
pub(crate) fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect()).unwrap_or_default()
}

/// 400 `invalid_query_params` unless the query is empty (Nango's `requireEmptyQuery`: one zod
/// issue naming every key).
pub(crate) fn require_empty_query(raw: Option<&str>) -> Result<(), ApiError> {
    let pairs = query_pairs(raw);
    if pairs.is_empty() {
        return Ok(());
    }
    let mut keys: Vec<&str> = Vec::new();
    for (k, _) in &pairs {
        if !keys.contains(&k.as_str()) {
            keys.push(k);
        }
    }
    Err(ApiError::invalid_query(vec![FieldError::unrecognized_keys(&keys, &[])]))
}

/// The query string of the auth endpoints (`docs/protocol.md` §2).
#[derive(Debug, Default, Clone)]
pub(crate) struct AuthQuery {
    pub connection_id: Option<String>,
    pub public_key: Option<String>,
    pub connect_session_token: Option<String>,
    pub params: BTreeMap<String, String>,
    pub hmac: Option<String>,
    pub user_scope: Option<String>,
    pub credentials: BTreeMap<String, String>,
    pub authorization_params: BTreeMap<String, String>,
    pub ws_client_id: Option<String>,
}

fn bracketed<'a>(key: &'a str, prefix: &str) -> Option<&'a str> {
    key.strip_prefix(prefix)?.strip_prefix('[')?.strip_suffix(']')
}

impl AuthQuery {
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        let mut q = Self::default();
        for (k, v) in query_pairs(raw) {
            if let Some(name) = bracketed(&k, "params") {
                q.params.insert(name.to_owned(), v);
            } else if let Some(name) = bracketed(&k, "credentials") {
                q.credentials.insert(name.to_owned(), v);
            } else if let Some(name) = bracketed(&k, "authorization_params") {
                q.authorization_params.insert(name.to_owned(), v);
            } else {
                let slot = match k.as_str() {
                    "connection_id" => &mut q.connection_id,
                    "public_key" => &mut q.public_key,
                    "connect_session_token" => &mut q.connect_session_token,
                    "hmac" => &mut q.hmac,
                    "user_scope" => &mut q.user_scope,
                    "ws_client_id" => &mut q.ws_client_id,
                    _ => continue,
                };
                *slot = Some(v);
            }
        }
        q
    }

    /// `params[...]` as a JSON object.
    pub(crate) fn params_object(&self) -> Map<String, Value> {
        self.params.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect()
    }
}

/// The `connection_id` query parameter of an auth call: well-formed, and absent with a session
/// token (Nango answers 400 `invalid_query_params` to both).
pub(crate) fn check_connection_id(with_session: bool, q: &AuthQuery) -> Result<(), ApiError> {
    let Some(id) = &q.connection_id else { return Ok(()) };
    let issue = if !is_valid_connection_id(id) {
        FieldError::new("invalid_format", CONNECTION_ID_PATTERN_MESSAGE, &["connection_id"])
    } else if with_session {
        FieldError::new("custom", "connection_id is forbidden when using session token", &["connection_id"])
    } else {
        return Ok(());
    };
    Err(ApiError::invalid_query(vec![issue]))
}

/// Zod's `stringbool`, as Nango parses its boolean query parameters.
fn string_bool(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" | "y" | "enabled" => Some(true),
        "false" | "0" | "no" | "off" | "n" | "disabled" => Some(false),
        _ => None,
    }
}

/// A query of only `provider_config_key` (required) and the boolean flags in `flags`
/// (zod's `.strict()`): the key and the flags that are true.
pub(crate) fn key_and_flags(query: Option<&str>, flags: &[&str]) -> Result<(String, Vec<String>), ApiError> {
    let mut key = None;
    let mut set = Vec::new();
    let mut errors = Vec::new();
    for (k, v) in query_pairs(query) {
        if k == "provider_config_key" {
            if is_valid_provider_config_key(&v) {
                key = Some(v);
            } else {
                errors.push(FieldError::new("invalid_string", "Invalid integration key", &[&k]));
            }
        } else if flags.contains(&k.as_str()) {
            match string_bool(&v) {
                Some(true) => set.push(k),
                Some(false) => {}
                None => errors.push(FieldError::new("invalid_type", "Expected a boolean string", &[&k])),
            }
        } else {
            errors.push(FieldError::unrecognized(&k));
        }
    }
    match key {
        Some(key) if errors.is_empty() => Ok((key, set)),
        _ => {
            if key.is_none()
                && !errors.iter().any(|e| e.path.first().is_some_and(|p| p == "provider_config_key"))
            {
                errors.push(FieldError::invalid_type("string", None, &["provider_config_key"]));
            }
            Err(ApiError::invalid_query(errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_and_encoded_brackets_decode_alike() {
        let literal = AuthQuery::parse(Some(
            "connect_session_token=t&params[sub]=a%20b%26c&authorization_params[prompt]=consent&credentials[oauth_client_id_override]=cid",
        ));
        let encoded = AuthQuery::parse(Some(
            "connect_session_token=t&params%5Bsub%5D=a%20b%26c&authorization_params%5Bprompt%5D=consent&credentials%5Boauth_client_id_override%5D=cid",
        ));
        for q in [&literal, &encoded] {
            assert_eq!(q.params.get("sub").map(String::as_str), Some("a b&c"));
            assert_eq!(q.authorization_params.get("prompt").map(String::as_str), Some("consent"));
            assert_eq!(q.credentials.get("oauth_client_id_override").map(String::as_str), Some("cid"));
            assert_eq!(q.connect_session_token.as_deref(), Some("t"));
        }
    }

    #[test]
    fn boolean_query_values_parse_as_zod_stringbool() {
        assert_eq!(string_bool("TRUE"), Some(true));
        assert_eq!(string_bool("0"), Some(false));
        assert_eq!(string_bool("maybe"), None);
    }

    #[test]
    fn the_key_is_required_and_unknown_flags_are_refused() {
        assert!(key_and_flags(Some("provider_config_key=a&force_refresh=true"), &["force_refresh"]).is_ok());
        for bad in
            ["", "force_refresh=true", "provider_config_key=a&x=1", "provider_config_key=a&force_refresh=2"]
        {
            let err = key_and_flags(Some(bad), &["force_refresh"]).err();
            assert_eq!(err.map(|e| e.code), Some("invalid_query_params"), "{bad}");
        }
    }
}
