//! The bodies of the connect session endpoints: end user, organization, per-integration
//! defaults and overrides, tags.

use serde_json::{Map, Value};

use super::json::Validator;
use crate::error::{ApiError, FieldError};
use crate::ids::is_valid_provider_config_key;
use crate::store::SessionSettings;

fn issue(code: &'static str, message: impl Into<String>, path: Vec<String>) -> FieldError {
    FieldError { code, message: message.into(), path }
}

/// Validates `{id, email?, display_name?, tags?}`.
pub(crate) fn end_user(value: &Value, errors: &mut Vec<FieldError>) -> Option<Value> {
    let Some(obj) = value.as_object() else {
        errors.push(issue("invalid_type", "Expected object", vec!["end_user".into()]));
        return None;
    };
    let mut v = Validator::new(obj);
    let id = v.string("id", 1);
    if id.as_ref().is_some_and(|id| id.len() > 255) {
        v.errors.push(FieldError::new(
            "too_big",
            "Too big: expected string to have <=255 characters",
            &["id"],
        ));
    }
    if let Some(email) = v.optional_string("email", 5)
        && !email.contains('@')
    {
        v.errors.push(FieldError::new("invalid_format", "Invalid email address", &["email"]));
    }
    v.optional_string("display_name", 0);
    if let Some(tags) = obj.get("tags") {
        string_map(tags, "tags", &mut v.errors);
    }
    v.deny_unknown(&["id", "email", "display_name", "tags"]);
    let ok = v.errors.is_empty();
    errors.extend(v.errors.into_iter().map(|mut e| {
        e.path.insert(0, "end_user".into());
        e
    }));
    ok.then(|| value.clone())
}

/// Checks that `value` is an object of strings.
pub(crate) fn string_map(value: &Value, name: &str, errors: &mut Vec<FieldError>) {
    match value.as_object() {
        Some(map) => {
            for (k, v) in map {
                if !v.is_string() {
                    errors.push(issue("invalid_type", "Expected string", vec![name.into(), k.clone()]));
                }
            }
        }
        None => errors.push(issue("invalid_type", "Expected object", vec![name.into()])),
    }
}

/// Validates the fields shared by both session endpoints, filling `new`.
pub(crate) fn common_fields(
    is_integration: &impl Fn(&str) -> bool,
    obj: &Map<String, Value>,
    new: &mut SessionSettings,
    errors: &mut Vec<FieldError>,
) {
    if let Some(value) = obj.get("end_user") {
        new.end_user = end_user(value, errors);
    }
    if let Some(value) = obj.get("organization") {
        match value.as_object() {
            Some(org) => {
                let mut v = Validator::new(org);
                v.string("id", 0);
                v.optional_string("display_name", 0);
                v.deny_unknown(&["id", "display_name"]);
                if v.errors.is_empty() {
                    new.organization = Some(value.clone());
                }
                errors.extend(v.errors.into_iter().map(|mut e| {
                    e.path.insert(0, "organization".into());
                    e
                }));
            }
            None => errors.push(issue("invalid_type", "Expected object", vec!["organization".into()])),
        }
    }
    for field in ["integrations_config_defaults", "overrides"] {
        let Some(value) = obj.get(field) else {
            continue;
        };
        let Some(map) = value.as_object() else {
            errors.push(issue("invalid_type", "Expected object", vec![field.into()]));
            continue;
        };
        for (key, entry) in map {
            if !is_integration(key) {
                errors.push(issue("custom", "Integration does not exist", vec![field.into(), key.clone()]));
            }
            let allowed: &[&str] = if field == "overrides" {
                &["docs_connect"]
            } else {
                &["user_scopes", "authorization_params", "connection_config"]
            };
            match entry.as_object() {
                Some(entry) => {
                    let mut v = Validator::new(entry);
                    v.deny_unknown(allowed);
                    v.optional_string("user_scopes", 0);
                    v.optional_string("docs_connect", 0);
                    if let Some(p) = entry.get("authorization_params") {
                        string_map(p, "authorization_params", &mut v.errors);
                    }
                    if entry.get("connection_config").is_some_and(|c| !c.is_object()) {
                        v.errors.push(FieldError::new(
                            "invalid_type",
                            "Expected object",
                            &["connection_config"],
                        ));
                    }
                    errors.extend(v.errors.into_iter().map(|mut e| {
                        e.path.splice(0..0, [field.to_owned(), key.clone()]);
                        e
                    }));
                }
                None => {
                    errors.push(issue("invalid_type", "Expected object", vec![field.into(), key.clone()]))
                }
            }
        }
        if field == "overrides" {
            new.overrides = Some(map.clone());
        } else {
            new.integrations_config_defaults = Some(map.clone());
        }
    }
    if let Some(tags) = obj.get("tags") {
        string_map(tags, "tags", errors);
        new.tags = tags.as_object().cloned();
    }
    if obj.get("webhook_url_override").is_some_and(|w| !w.is_string()) {
        errors.push(issue("invalid_type", "Expected string", vec!["webhook_url_override".into()]));
    }
}

/// The body of `POST /connect/sessions`: what the session is created with, or 400
/// `invalid_body` with every issue. `is_integration` says which integration keys exist.
pub(crate) fn new_session(
    obj: &Map<String, Value>,
    is_integration: impl Fn(&str) -> bool,
) -> Result<SessionSettings, ApiError> {
    let mut errors = Vec::new();
    let mut new = SessionSettings::default();
    common_fields(&is_integration, obj, &mut new, &mut errors);
    if !obj.contains_key("end_user") && !obj.contains_key("tags") {
        errors.push(issue("invalid_type", "Required", vec!["end_user".into()]));
    }
    if let Some(value) = obj.get("allowed_integrations") {
        match value.as_array() {
            Some(list) => {
                let mut keys = Vec::with_capacity(list.len());
                for (i, item) in list.iter().enumerate() {
                    match item.as_str() {
                        Some(key) if is_valid_provider_config_key(key) => {
                            if !is_integration(key) {
                                errors.push(issue(
                                    "custom",
                                    "Integration does not exist",
                                    vec!["allowed_integrations".into(), i.to_string()],
                                ));
                            }
                            keys.push(key.to_owned());
                        }
                        _ => errors.push(issue(
                            "invalid_type",
                            "Expected an integration key",
                            vec!["allowed_integrations".into(), i.to_string()],
                        )),
                    }
                }
                new.allowed_integrations = Some(keys);
            }
            None => errors.push(issue("invalid_type", "Expected array", vec!["allowed_integrations".into()])),
        }
    }
    let mut v = Validator::new(obj);
    v.deny_unknown(&[
        "end_user",
        "organization",
        "allowed_integrations",
        "integrations_config_defaults",
        "overrides",
        "webhook_url_override",
        "tags",
    ]);
    errors.extend(v.errors);
    if !errors.is_empty() {
        return Err(ApiError::invalid_body(errors));
    }
    Ok(new)
}
