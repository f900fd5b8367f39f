//! Connect sessions: created by a backend, read by the Connect UI and the auth endpoints.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use super::bounded::{Bounded, Footprint, lock};
use super::{Store, StoreError};
use crate::ids::{is_session_token_format, new_session_token};

/// A connect session.
#[derive(Debug)]
pub(crate) struct Session {
    pub token: String,
    pub expires_at: SystemTime,
    /// What it was created with.
    pub settings: SessionSettings,
}

impl Session {
    pub(crate) fn allows(&self, key: &str) -> bool {
        self.settings.allowed_integrations.as_ref().is_none_or(|allowed| allowed.iter().any(|k| k == key))
    }

    /// `integrations_config_defaults[key].connection_config`, if any.
    pub(crate) fn connection_config_defaults(&self, key: &str) -> Map<String, Value> {
        self.settings
            .integrations_config_defaults
            .as_ref()
            .and_then(|d| d.get(key))
            .and_then(|d| d.get("connection_config"))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    }
}

/// What a session is created with.
#[derive(Debug, Default)]
pub(crate) struct SessionSettings {
    pub end_user: Option<Value>,
    pub organization: Option<Value>,
    pub allowed_integrations: Option<Vec<String>>,
    pub integrations_config_defaults: Option<Map<String, Value>>,
    pub overrides: Option<Map<String, Value>>,
    pub tags: Option<Map<String, Value>>,
    /// Set for reconnect sessions: the connection id being re-authorized.
    pub reconnect_connection_id: Option<String>,
}

impl SessionSettings {
    /// The tags of a connection made with this session, as Nango derives them: `end_user_id`,
    /// `end_user_email`, `end_user_display_name` from the end user, `organization_id` and
    /// `organization_display_name` from the organization, then the end user's own `tags`
    /// (keys lowercased), then the session's `tags`, each overriding the previous.
    pub(crate) fn connection_tags(&self) -> Map<String, Value> {
        derived_tags(self.end_user.as_ref(), self.organization.as_ref(), self.tags.as_ref())
    }
}

/// Connection tags as Nango derives them from an end user (`{id, email?, display_name?,
/// tags?}`), an organization (`{id, display_name?}`) and explicit tags, in that order of
/// precedence (see [`SessionSettings::connection_tags`]).
pub(crate) fn derived_tags(
    end_user: Option<&Value>,
    organization: Option<&Value>,
    explicit: Option<&Map<String, Value>>,
) -> Map<String, Value> {
    let mut tags = Map::new();
    let mut copy = |from: Option<&Value>, field: &str, tag: &str| {
        if let Some(Value::String(v)) = from.and_then(|o| o.get(field))
            && !v.is_empty()
        {
            tags.insert(tag.to_owned(), Value::String(v.clone()));
        }
    };
    copy(end_user, "id", "end_user_id");
    copy(end_user, "email", "end_user_email");
    copy(end_user, "display_name", "end_user_display_name");
    copy(organization, "id", "organization_id");
    copy(organization, "display_name", "organization_display_name");
    let own = end_user.and_then(|u| u.get("tags")).and_then(Value::as_object);
    for (k, v) in own.into_iter().flatten() {
        tags.insert(k.to_lowercase(), v.clone());
    }
    tags.extend(explicit.cloned().unwrap_or_default());
    tags
}

impl Footprint for Arc<Session> {
    fn footprint(&self) -> usize {
        let s = &self.settings;
        self.token.len()
            + s.end_user.footprint()
            + s.organization.footprint()
            + s.allowed_integrations.as_ref().map_or(0, |l| l.iter().map(|k| 24 + k.len()).sum())
            + s.integrations_config_defaults.as_ref().map_or(0, Footprint::footprint)
            + s.overrides.as_ref().map_or(0, Footprint::footprint)
            + s.tags.as_ref().map_or(0, Footprint::footprint)
            + s.reconnect_connection_id.footprint()
    }
}

impl Store {
    pub(crate) fn create_session(&self, settings: SessionSettings) -> Result<Arc<Session>, StoreError> {
        let now = self.now();
        let session = Arc::new(Session {
            token: new_session_token(),
            expires_at: now + Duration::from_secs(self.session_ttl_secs),
            settings,
        });
        let mut sessions = lock(&self.sessions);
        let full =
            |sessions: &mut Bounded<Arc<Session>>, s: Arc<Session>| sessions.insert(s.token.clone(), s);
        if let Err(session) = full(&mut sessions, Arc::clone(&session)) {
            sessions.retain(|_, s| s.expires_at > now);
            if full(&mut sessions, session).is_err() {
                return Err(StoreError::TooManySessions);
            }
        }
        Ok(session)
    }

    /// A live session: 401 `invalid_connect_session_token_format` or
    /// `unknown_connect_session_token` otherwise (expired tokens are unknown, as in Nango).
    pub(crate) fn session(&self, token: &str) -> Result<Arc<Session>, StoreError> {
        if !is_session_token_format(token) {
            return Err(StoreError::SessionTokenFormat);
        }
        let now = self.now();
        let mut sessions = lock(&self.sessions);
        match sessions.get(token) {
            Some(s) if s.expires_at > now => Ok(Arc::clone(s)),
            Some(_) => {
                sessions.remove(token);
                Err(StoreError::UnknownSession)
            }
            None => Err(StoreError::UnknownSession),
        }
    }

    pub(crate) fn delete_session(&self, token: &str) {
        lock(&self.sessions).remove(token);
    }
}
