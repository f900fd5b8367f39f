//! The connections successful auths stored, capped in count and bytes.

use std::sync::atomic::Ordering;
use std::time::SystemTime;

use serde_json::{Map, Value};

use super::bounded::{ENTRY_OVERHEAD, Footprint, lock};
use super::flows::refresh_token_of;
use super::{MAX_CONNECTION_BYTES, MAX_CONNECTIONS, Store, StoreError};
use crate::config::{AuthMode, IntegrationConfig};

/// A connection stored by a successful auth.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Connection {
    /// Numeric id (Nango's `id`).
    pub id: u64,
    /// The connection id (`connection_id`).
    pub connection_id: String,
    /// The integration key (`provider_config_key`).
    pub provider_config_key: String,
    /// The provider template name.
    pub provider: String,
    /// The integration's auth mode.
    pub auth_mode: AuthMode,
    /// Creation time.
    pub created: SystemTime,
    /// Last (re)authorization time.
    pub updated: SystemTime,
    /// The end user of the session that created it, as given to `POST /connect/sessions`.
    pub end_user: Option<Value>,
    /// The organization of the session that created it (`{id, display_name?}`).
    pub organization: Option<Value>,
    /// Tags: those Nango derives from the session's end user and organization, then the
    /// session's own `tags`.
    pub tags: Map<String, Value>,
    /// Connection config (`params[...]` and session defaults).
    pub connection_config: Map<String, Value>,
    /// The credentials (the fake provider's tokens, or what the credential endpoint received).
    pub credentials: Value,
    /// Custom metadata (`POST`/`PATCH /connections/metadata`); empty at creation.
    pub metadata: Map<String, Value>,
    /// Whether `metadata` is answered as `null`: never set on a connection an OAuth2 flow made
    /// (as real Nango stores those; credential routes store `{}`).
    pub metadata_null: bool,
    /// When a backend last read the credentials (`GET /connections/{id}`).
    pub last_fetched: Option<SystemTime>,
    /// Whether the connection awaits an outbound installation.
    pub pending: bool,
}

/// Whether [`Store::upsert_connection`] created the connection or re-authorized it: the
/// auth webhook's `operation` (`creation` / `override`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Upsert {
    Created,
    Overridden,
}

/// A connection about to be stored.
#[derive(Debug)]
pub(crate) struct NewConnection<'a> {
    pub integration: &'a IntegrationConfig,
    pub connection_id: String,
    pub end_user: Option<Value>,
    pub organization: Option<Value>,
    pub tags: Option<Map<String, Value>>,
    pub connection_config: Map<String, Value>,
    pub credentials: Value,
    pub pending: bool,
}

impl Footprint for Connection {
    fn footprint(&self) -> usize {
        ENTRY_OVERHEAD
            + self.connection_id.len()
            + self.provider_config_key.len()
            + self.provider.len()
            + self.end_user.footprint()
            + self.organization.footprint()
            + self.tags.footprint()
            + self.connection_config.footprint()
            + self.credentials.footprint()
            + self.metadata.footprint()
    }
}

impl Store {
    /// Runs `read` over the stored connections, oldest first, under the store's lock.
    pub(crate) fn with_connections<T>(&self, read: impl FnOnce(&[Connection]) -> T) -> T {
        read(&lock(&self.connections))
    }

    /// A copy of the stored connections, oldest first.
    pub(crate) fn connections(&self) -> Vec<Connection> {
        lock(&self.connections).clone()
    }

    pub(crate) fn find_connection(&self, key: &str, connection_id: &str) -> Option<Connection> {
        lock(&self.connections)
            .iter()
            .find(|c| c.provider_config_key == key && c.connection_id == connection_id)
            .cloned()
    }

    /// Creates or replaces the connection `(integration, connection_id)`.
    pub(crate) fn upsert_connection(
        &self,
        new: NewConnection<'_>,
    ) -> Result<(Connection, Upsert), StoreError> {
        let now = self.now();
        let mut connections = lock(&self.connections);
        let held = self.connection_bytes.load(Ordering::Relaxed);
        let incoming =
            new.connection_config.footprint() + new.credentials.footprint() + new.end_user.footprint();
        if held.saturating_add(incoming) > MAX_CONNECTION_BYTES {
            return Err(StoreError::TooManyConnectionBytes);
        }
        let key = &new.integration.unique_key;
        if let Some(existing) = connections
            .iter_mut()
            .find(|c| &c.provider_config_key == key && c.connection_id == new.connection_id)
        {
            let old_size = existing.footprint();
            existing.updated = now;
            // The old credentials' refresh token goes with them (a new auth replaced it).
            if refresh_token_of(&existing.credentials) != refresh_token_of(&new.credentials) {
                self.forget_refresh_token(&existing.credentials);
            }
            existing.credentials = new.credentials;
            existing.connection_config = new.connection_config;
            existing.pending = new.pending;
            if new.end_user.is_some() {
                existing.end_user = new.end_user;
            }
            if new.organization.is_some() {
                existing.organization = new.organization;
            }
            if let Some(tags) = new.tags {
                existing.tags = tags;
            }
            let size = existing.footprint();
            self.connection_bytes
                .store(held.saturating_sub(old_size).saturating_add(size), Ordering::Relaxed);
            return Ok((existing.clone(), Upsert::Overridden));
        }
        if connections.len() >= MAX_CONNECTIONS {
            return Err(StoreError::TooManyConnections);
        }
        let connection = Connection {
            id: self.next_connection_id.fetch_add(1, Ordering::Relaxed),
            connection_id: new.connection_id,
            provider_config_key: key.clone(),
            provider: new.integration.provider.clone(),
            auth_mode: new.integration.auth_mode,
            created: now,
            updated: now,
            end_user: new.end_user,
            organization: new.organization,
            tags: new.tags.unwrap_or_default(),
            connection_config: new.connection_config,
            credentials: new.credentials,
            metadata: Map::new(),
            metadata_null: new.integration.auth_mode == AuthMode::OAuth2,
            last_fetched: None,
            pending: new.pending,
        };
        self.connection_bytes.fetch_add(connection.footprint(), Ordering::Relaxed);
        connections.push(connection.clone());
        Ok((connection, Upsert::Created))
    }

    /// Changes the connection `(key, connection_id)` with `change`, keeping the byte count;
    /// `None` when there is no such connection, 400 `resource_capped` when the change would
    /// pass the cap (nothing changed then).
    pub(crate) fn update_connection<T>(
        &self,
        key: &str,
        connection_id: &str,
        change: impl FnOnce(&mut Connection) -> T,
    ) -> Result<Option<T>, StoreError> {
        let mut connections = lock(&self.connections);
        let Some(existing) =
            connections.iter_mut().find(|c| c.provider_config_key == key && c.connection_id == connection_id)
        else {
            return Ok(None);
        };
        let held = self.connection_bytes.load(Ordering::Relaxed);
        let old_size = existing.footprint();
        let mut changed = existing.clone();
        let out = change(&mut changed);
        let size = changed.footprint();
        let total = held.saturating_sub(old_size).saturating_add(size);
        if size > old_size && total > MAX_CONNECTION_BYTES {
            return Err(StoreError::TooManyConnectionBytes);
        }
        *existing = changed;
        self.connection_bytes.store(total, Ordering::Relaxed);
        Ok(Some(out))
    }

    /// Sets (`replace`) or merges the metadata of every connection in `ids` of integration
    /// `key`, all or none, under one lock. `Ok(Err(id))` names the first connection that does
    /// not exist; 400 `resource_capped` when the bytes would pass the cap.
    pub(crate) fn set_metadata(
        &self,
        key: &str,
        ids: &[String],
        metadata: &Map<String, Value>,
        replace: bool,
    ) -> Result<Result<(), String>, StoreError> {
        let now = self.now();
        let mut connections = lock(&self.connections);
        let mut changed = Vec::with_capacity(ids.len());
        for (n, id) in ids.iter().enumerate() {
            if ids.get(..n).is_some_and(|before| before.contains(id)) {
                continue;
            }
            let found = connections
                .iter()
                .enumerate()
                .find(|(_, c)| c.provider_config_key == key && &c.connection_id == id);
            let Some((index, c)) = found else {
                return Ok(Err(id.clone()));
            };
            let mut c = c.clone();
            if replace {
                c.metadata = metadata.clone();
                c.metadata_null = false;
            } else {
                c.metadata.extend(metadata.clone());
                c.metadata_null = false;
            }
            c.updated = now;
            changed.push((index, c));
        }
        let held = self.connection_bytes.load(Ordering::Relaxed);
        let mut total = held;
        for (index, c) in &changed {
            let old = connections.get(*index).map_or(0, Footprint::footprint);
            total = total.saturating_sub(old).saturating_add(c.footprint());
        }
        if total > held && total > MAX_CONNECTION_BYTES {
            return Err(StoreError::TooManyConnectionBytes);
        }
        for (index, c) in changed {
            if let Some(slot) = connections.get_mut(index) {
                *slot = c;
            }
        }
        self.connection_bytes.store(total, Ordering::Relaxed);
        Ok(Ok(()))
    }

    /// Deletes the connection `(key, connection_id)`; whether it existed.
    pub(crate) fn delete_connection(&self, key: &str, connection_id: &str) -> bool {
        let mut connections = lock(&self.connections);
        let Some(index) =
            connections.iter().position(|c| c.provider_config_key == key && c.connection_id == connection_id)
        else {
            return false;
        };
        let removed = connections.remove(index);
        self.forget_refresh_token(&removed.credentials);
        let held = self.connection_bytes.load(Ordering::Relaxed);
        self.connection_bytes.store(held.saturating_sub(removed.footprint()), Ordering::Relaxed);
        true
    }
}
