//! A stored connection in Nango's shapes: a list item (no credentials) and the full connection.

use serde_json::{Map, Value, json};

use crate::clock::iso;
use crate::store::Connection;

/// Nango's `ApiEndUser`: `{id, display_name, email, tags, organization}`, or `null`.
fn end_user_json(c: &Connection) -> Value {
    let Some(user) = &c.end_user else { return Value::Null };
    let field = |v: &Value, k: &str| v.get(k).cloned().unwrap_or(Value::Null);
    let organization = c
        .organization
        .as_ref()
        .map_or(Value::Null, |o| json!({ "id": field(o, "id"), "display_name": field(o, "display_name") }));
    json!({
        "id": field(user, "id"),
        "display_name": field(user, "display_name"),
        "email": field(user, "email"),
        "tags": field(user, "tags"),
        "organization": organization,
    })
}

/// The fields a listed connection and a full one share.
fn connection_fields(c: &Connection) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("id".into(), json!(c.id));
    fields.insert("connection_id".into(), json!(c.connection_id));
    fields.insert("provider_config_key".into(), json!(c.provider_config_key));
    fields.insert("provider".into(), json!(c.provider));
    fields.insert("errors".into(), json!([]));
    fields.insert("end_user".into(), end_user_json(c));
    fields.insert("tags".into(), json!(c.tags));
    let metadata = if c.metadata_null { Value::Null } else { json!(c.metadata) };
    fields.insert("metadata".into(), metadata);
    fields
}

/// An item of `GET /connections`: no credentials.
pub(super) fn list_item(c: &Connection) -> Value {
    let mut item = connection_fields(c);
    item.insert("created".into(), json!(iso(c.created)));
    Value::Object(item)
}

/// `GET /connections/{id}`: Nango's `ApiPublicConnectionFull`. The refresh token is left out
/// of the credentials (and of `raw`) unless `refresh_token` is asked for, as in Nango.
pub(super) fn full(c: &Connection, with_refresh_token: bool) -> Value {
    let mut credentials = c.credentials.clone();
    if !with_refresh_token && let Some(creds) = credentials.as_object_mut() {
        creds.remove("refresh_token");
        if let Some(raw) = creds.get_mut("raw").and_then(Value::as_object_mut) {
            raw.remove("refresh_token");
        }
    }
    let mut full = connection_fields(c);
    full.insert("connection_config".into(), json!(c.connection_config));
    full.insert("webhook_url_override".into(), Value::Null);
    full.insert("created_at".into(), json!(iso(c.created)));
    full.insert("updated_at".into(), json!(iso(c.updated)));
    full.insert("last_fetched_at".into(), json!(c.last_fetched.map(iso)));
    full.insert("credentials".into(), credentials);
    Value::Object(full)
}
