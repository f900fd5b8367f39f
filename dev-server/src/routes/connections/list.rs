//! `GET /connections`: the stored connections, filtered and paged.

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use serde_json::{Value, json};

use super::views::list_item;
use crate::app::AppState;
use crate::error::{ApiError, FieldError};
use crate::extract::SecretKey;
use crate::schema::query_pairs;
use crate::store::Connection;

/// `GET /connections` (and `/connection`), secret key → `{connections: [...]}`, oldest first.
/// Filters: `connectionId`, `search` (part of the connection id or of the end user's id,
/// email or name), `endUserId`, `endUserOrganizationId`, `integrationId` (comma list),
/// `tags[k]=v` (all must match), `limit` (1 to 2000), `page` (from 0).
pub(in crate::routes) async fn list(
    State(state): State<Arc<AppState>>,
    _: SecretKey,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let mut connection_id = None;
    let mut search = None;
    let mut integrations: Option<Vec<String>> = None;
    let mut end_user_id = None;
    let mut organization_id = None;
    let mut tags: Vec<(String, String)> = Vec::new();
    let mut limit = 10_000_usize;
    let mut page = 0_usize;
    let mut errors = Vec::new();
    for (k, v) in query_pairs(query.as_deref()) {
        let length_ok = !v.is_empty() && v.len() <= 255;
        let bad_length = || FieldError::new("too_small", "String must contain 1 to 255 character(s)", &[&k]);
        match k.as_str() {
            "connectionId" | "search" | "endUserId" | "endUserOrganizationId" | "integrationId"
                if !length_ok =>
            {
                errors.push(bad_length());
            }
            "connectionId" => connection_id = Some(v),
            "search" => search = Some(v.to_lowercase()),
            "endUserId" => end_user_id = Some(v),
            "endUserOrganizationId" => organization_id = Some(v),
            "integrationId" => integrations = Some(v.split(',').map(|s| s.trim().to_owned()).collect()),
            "limit" => match v.parse::<usize>() {
                Ok(n) if (1..=2000).contains(&n) => limit = n,
                Ok(0) => {
                    errors.push(FieldError::new("too_small", "Too small: expected number to be >=1", &[&k]))
                }
                _ => errors.push(FieldError::new("too_big", "Too big: expected number to be <=2000", &[&k])),
            },
            "page" => match v.parse::<usize>() {
                Ok(n) => page = n,
                Err(_) => errors.push(FieldError::new("invalid_type", "Expected a number from 0", &[&k])),
            },
            _ => match k.strip_prefix("tags[").and_then(|t| t.strip_suffix(']')) {
                Some(tag) if !tag.is_empty() && !v.is_empty() => tags.push((tag.to_lowercase(), v)),
                _ => errors.push(FieldError::unrecognized(&k)),
            },
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid_query(errors));
    }
    let user_field = |c: &Connection, k: &str| {
        c.end_user.as_ref().and_then(|u| u.get(k)).and_then(Value::as_str).map(str::to_owned)
    };
    // Newest first, as Nango orders by `created_at desc, id desc`.
    let connections: Vec<Value> = state.store.with_connections(|all| {
        all.iter()
            .rev()
            .filter(|c| connection_id.as_ref().is_none_or(|id| &c.connection_id == id))
            .filter(|c| integrations.as_ref().is_none_or(|keys| keys.contains(&c.provider_config_key)))
            .filter(|c| end_user_id.as_ref().is_none_or(|id| user_field(c, "id").as_ref() == Some(id)))
            .filter(|c| {
                organization_id.as_ref().is_none_or(|id| {
                    c.organization.as_ref().and_then(|o| o.get("id")).and_then(Value::as_str) == Some(id)
                })
            })
            .filter(|c| tags.iter().all(|(k, v)| c.tags.get(k).and_then(Value::as_str) == Some(v)))
            .filter(|c| {
                search.as_ref().is_none_or(|s| {
                    std::iter::once(Some(c.connection_id.clone()))
                        .chain(["id", "email", "display_name"].map(|k| user_field(c, k)))
                        .flatten()
                        .any(|text| text.to_lowercase().contains(s.as_str()))
                })
            })
            .skip(page.saturating_mul(limit))
            .take(limit)
            .map(list_item)
            .collect()
    });
    Ok(Json(json!({ "connections": connections })))
}
