//! The body of a connection import.

use serde_json::{Map, Value};

use super::json::Validator;
use crate::error::FieldError;

/// Checks the `credentials` of an import as Nango's discriminated union does (by `type`, each
/// variant strict) and returns what to store.
pub(crate) fn import_credentials(
    value: Option<&Value>,
    errors: &mut Vec<FieldError>,
) -> Option<(String, Map<String, Value>)> {
    let Some(creds) = value.and_then(Value::as_object) else {
        errors.push(FieldError::new("invalid_type", "Expected object", &["credentials"]));
        return None;
    };
    let kind = creds.get("type").and_then(Value::as_str).unwrap_or_default().to_owned();
    let mut v = Validator::new(creds);
    match kind.as_str() {
        "OAUTH2" => {
            v.string("access_token", 1);
            v.optional_string("refresh_token", 1);
            if let Some(at) = v.optional_string("expires_at", 1)
                && humantime::parse_rfc3339_weak(&at).is_err()
            {
                v.errors.push(FieldError::new("invalid_date", "Invalid date", &["expires_at"]));
            }
            if creds.get("config_override").is_some_and(|c| !c.is_object()) {
                v.errors.push(FieldError::new("invalid_type", "Expected object", &["config_override"]));
            }
            v.deny_unknown(&["type", "access_token", "refresh_token", "expires_at", "config_override"]);
        }
        "API_KEY" => {
            v.string("apiKey", 1);
            v.deny_unknown(&["type", "apiKey"]);
        }
        "BASIC" => {
            v.string("username", 0);
            v.string("password", 0);
            v.deny_unknown(&["type", "username", "password"]);
        }
        "NONE" => v.deny_unknown(&["type"]),
        _ => v.errors.push(FieldError::new(
            "invalid_union_discriminator",
            "Expected 'OAUTH2' | 'API_KEY' | 'BASIC' | 'NONE' (the types the dev server imports)",
            &["type"],
        )),
    }
    let ok = v.errors.is_empty();
    errors.extend(v.errors.into_iter().map(|mut e| {
        e.path.insert(0, "credentials".into());
        e
    }));
    ok.then(|| (kind, creds.clone()))
}
