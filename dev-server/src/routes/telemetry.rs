//! `POST /connect/telemetry`, the Connect UI's beacons, validated as Nango validates them; and
//! the dev-only `GET /dev/telemetry`, which lists the beacons accepted (for tests).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::error::{ApiError, FieldError};
use crate::extract::RawBody;
use crate::ids::is_valid_provider_config_key;
use crate::schema::{Validator, parse_json, require_empty_query, require_object};

/// The events Nango's telemetry endpoint accepts.
const EVENTS: &[&str] = &[
    "open",
    "view:list",
    "view:integration",
    "view:unknown_error",
    "view:credentials_error",
    "view:success",
    "click:integration",
    "click:doc",
    "click:doc_section",
    "click:connect",
    "click:close",
    "click:finish",
    "click:outside",
    "popup:blocked_by_browser",
    "popup:closed_early",
];

/// Nango refuses a `timestamp` further than this from its own clock (a client's clock may be
/// off, not by more).
const MAX_CLOCK_SKEW: Duration = Duration::from_secs(2 * 60 * 60);

/// `POST /connect/telemetry` (token in the body, sent with `navigator.sendBeacon`) → 204.
/// Any content type is accepted: `sendBeacon` with a string sends `text/plain`. As Nango: an
/// empty query, a known `event`, a date `timestamp` (ISO 8601 text or milliseconds) within two
/// hours of the server's clock, and `dimensions.integration`, when given, an integration key.
pub(super) async fn post(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    body: RawBody,
) -> Result<StatusCode, ApiError> {
    let obj = require_object(parse_json(&body.0)?)?;
    let token = obj.get("token").and_then(Value::as_str).unwrap_or_default();
    if token.is_empty() {
        return Err(ApiError::unauthorized(
            "missing_auth_header",
            "Authentication failed. The request is missing the token.",
        ));
    }
    state.store.session(token)?;
    require_empty_query(query.as_deref())?;
    let mut v = Validator::new(&obj);
    if let Some(event) = v.string("event", 1)
        && !EVENTS.contains(&event.as_str())
    {
        let options: Vec<String> = EVENTS.iter().map(|e| Value::from(*e).to_string()).collect();
        let message = format!("Invalid option: expected one of {}", options.join("|"));
        v.errors.push(FieldError::new("invalid_value", message, &["event"]));
    }
    match obj.get("timestamp").map(timestamp) {
        Some(Some(at)) => {
            let now = state.now();
            let skew = at.duration_since(now).or_else(|_| now.duration_since(at)).unwrap_or_default();
            if skew > MAX_CLOCK_SKEW {
                let message = format!(
                    "timestamp is more than {}ms away from the current time",
                    MAX_CLOCK_SKEW.as_millis()
                );
                v.errors.push(FieldError::new("custom", message, &["timestamp"]));
            }
        }
        Some(None) => v.errors.push(FieldError::new("invalid_date", "Invalid date", &["timestamp"])),
        // zod 4's words for a missing `z.coerce.date()` (sic).
        None => v.errors.push(FieldError::new(
            "invalid_type",
            "Invalid input: expected date, received Date",
            &["timestamp"],
        )),
    }
    match obj.get("dimensions") {
        None => {}
        Some(Value::Object(dimensions)) => match dimensions.get("integration") {
            None => {}
            Some(Value::String(key)) if is_valid_provider_config_key(key) => {}
            Some(_) => v.errors.push(FieldError::new(
                "invalid_string",
                "Invalid integration key",
                &["dimensions", "integration"],
            )),
        },
        Some(_) => v.errors.push(FieldError::new("invalid_type", "Expected object", &["dimensions"])),
    }
    v.deny_unknown(&["token", "event", "timestamp", "dimensions"]);
    v.finish()?;
    state.store.record_telemetry(Value::Object(obj));
    Ok(StatusCode::NO_CONTENT)
}

/// A `timestamp` as JavaScript's `new Date(value)` reads it: milliseconds, or RFC 3339 text.
fn timestamp(value: &Value) -> Option<SystemTime> {
    match value {
        Value::Number(ms) => {
            let ms = ms.as_f64().filter(|ms| ms.is_finite() && *ms >= 0.0 && *ms < 8.64e15)?;
            // In range (at most year 275760), so the conversion is exact enough and cannot overflow.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Some(SystemTime::UNIX_EPOCH + Duration::from_millis(ms as u64))
        }
        Value::String(text) => humantime::parse_rfc3339_weak(text).ok(),
        _ => None,
    }
}

/// `GET /dev/telemetry` (only with `fault_routes`) → `{data: [beacon, …]}`, oldest first.
pub(super) async fn recorded(State(state): State<Arc<AppState>>) -> Json<Value> {
    let beacons: Vec<Value> = state.store.telemetry();
    Json(json!({ "data": beacons }))
}
