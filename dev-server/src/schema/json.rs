//! JSON bodies as Nango's express parser and zod schemas read them: malformed JSON, an object,
//! an empty body, and a small validator that collects zod's issues.

use serde_json::{Map, Value};

use crate::error::{ApiError, FieldError};

/// Parses a JSON body; an empty body is `None`. Malformed JSON → 400 `invalid_json` (Node's
/// parser message), as express answers before any route runs.
pub(crate) fn parse_json(body: &[u8]) -> Result<Option<Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(body)
        .map(Some)
        .map_err(|e| ApiError::bad_request("invalid_json", format!("Malformed JSON: {e}")))
}

/// A body that must be a JSON object. No body is an empty object (express's `req.body`).
pub(crate) fn require_object(body: Option<Value>) -> Result<Map<String, Value>, ApiError> {
    match body {
        Some(Value::Object(map)) => Ok(map),
        None => Ok(Map::new()),
        Some(other) => {
            Err(ApiError::invalid_body(vec![FieldError::invalid_type("object", Some(&other), &[])]))
        }
    }
}

/// A body that must be empty or `{}` (Nango's `z.object({}).strict()`).
pub(crate) fn require_empty(body: Option<Value>) -> Result<(), ApiError> {
    match body {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Object(map)) if map.is_empty() => Ok(()),
        Some(Value::Object(map)) => {
            let keys: Vec<&str> = map.keys().map(String::as_str).collect();
            Err(ApiError::invalid_body(vec![FieldError::unrecognized_keys(&keys, &[])]))
        }
        Some(other) => {
            Err(ApiError::invalid_body(vec![FieldError::invalid_type("object", Some(&other), &[])]))
        }
    }
}

/// A small validator over a JSON object, collecting issues as Nango's zod schemas would.
#[derive(Debug)]
pub(crate) struct Validator<'a> {
    pub obj: &'a Map<String, Value>,
    pub errors: Vec<FieldError>,
}

impl<'a> Validator<'a> {
    pub(crate) fn new(obj: &'a Map<String, Value>) -> Self {
        Self { obj, errors: Vec::new() }
    }

    /// A required string of at least `min` characters.
    pub(crate) fn string(&mut self, key: &str, min: usize) -> Option<String> {
        match self.obj.get(key) {
            None | Some(Value::Null) => {
                self.errors.push(FieldError::invalid_type("string", self.obj.get(key), &[key]));
                None
            }
            v => self.check_string(key, v, min),
        }
    }

    /// An optional string of at least `min` characters when present.
    pub(crate) fn optional_string(&mut self, key: &str, min: usize) -> Option<String> {
        match self.obj.get(key) {
            None => None,
            v => self.check_string(key, v, min),
        }
    }

    fn check_string(&mut self, key: &str, v: Option<&Value>, min: usize) -> Option<String> {
        match v {
            Some(Value::String(s)) if s.chars().count() >= min => Some(s.clone()),
            Some(Value::String(_)) => {
                self.errors.push(FieldError::too_short(min, &[key]));
                None
            }
            other => {
                self.errors.push(FieldError::invalid_type("string", other, &[key]));
                None
            }
        }
    }

    /// Records every key not in `allowed` (zod's `.strict()`).
    pub(crate) fn deny_unknown(&mut self, allowed: &[&str]) {
        let unknown: Vec<&str> =
            self.obj.keys().map(String::as_str).filter(|k| !allowed.contains(k)).collect();
        if !unknown.is_empty() {
            self.errors.push(FieldError::unrecognized_keys(&unknown, &[]));
        }
    }

    pub(crate) fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() { Ok(()) } else { Err(ApiError::invalid_body(self.errors)) }
    }
}
