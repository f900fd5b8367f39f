//! Everything the server keeps in memory, each store private to this module and reached only
//! through the methods of [`Store`]: connect sessions ([`sessions`]), OAuth flows, codes and
//! refresh tokens ([`flows`]), connections ([`connections`]), open WebSockets ([`sockets`]),
//! the faults switched on and the telemetry beacons received. Every store is capped
//! ([`bounded`]); what a store refuses is a [`StoreError`] ([`error`]).

mod bounded;
mod connections;
mod error;
mod flows;
mod sessions;
mod sockets;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use serde_json::Value;
use tokio::sync::mpsc;

use crate::clock::Clock;
use crate::faults::Faults;

use bounded::{Bounded, Footprint, lock};
pub use connections::Connection;
pub(crate) use connections::{NewConnection, Upsert};
pub(crate) use error::StoreError;
pub(crate) use flows::{AuthCode, CODE_LEN, CodeRefused, PendingFlow, StateEnd};
pub(crate) use sessions::{Session, SessionSettings, derived_tags};
pub(crate) use sockets::WsCommand;

/// Upper bounds on what clients can make the server keep in memory: entries, and the bytes
/// those entries hold (estimated by `bounded::Footprint`).
const MAX_SESSIONS: usize = 100_000;
const MAX_SESSION_BYTES: usize = 64 * 1024 * 1024;
const MAX_PENDING_FLOWS: usize = 100_000;
const MAX_FLOW_BYTES: usize = 64 * 1024 * 1024;
const MAX_CODES: usize = 100_000;
const MAX_CODE_BYTES: usize = 32 * 1024 * 1024;
const MAX_USED_STATES: usize = 100_000;
const MAX_USED_STATE_BYTES: usize = 32 * 1024 * 1024;
const MAX_REFRESH_TOKENS: usize = 100_000;
const MAX_REFRESH_TOKEN_BYTES: usize = 32 * 1024 * 1024;
const MAX_CONNECTIONS: usize = 100_000;
const MAX_CONNECTION_BYTES: usize = 128 * 1024 * 1024;

/// How many telemetry beacons are kept (the oldest are dropped first).
const MAX_TELEMETRY: usize = 1_000;

/// The server's memory: sessions, flows, codes, refresh tokens, connections, sockets, faults
/// and telemetry.
#[derive(Debug)]
pub(crate) struct Store {
    clock: Clock,
    session_ttl_secs: u64,
    sessions: Mutex<Bounded<Arc<Session>>>,
    flows: Mutex<Bounded<PendingFlow>>,
    used_states: Mutex<Bounded<flows::UsedState>>,
    codes: Mutex<Bounded<AuthCode>>,
    /// Refresh tokens the fake provider issued and not yet rotated, with their scope.
    refresh_tokens: Mutex<Bounded<flows::IssuedRefresh>>,
    connections: Mutex<Vec<Connection>>,
    /// Bytes held by `connections` (estimated), updated under its lock.
    connection_bytes: AtomicUsize,
    next_connection_id: AtomicU64,
    ws_clients: Mutex<HashMap<String, mpsc::UnboundedSender<WsCommand>>>,
    /// Open WebSockets, subscribed or not, counted before the upgrade.
    open_sockets: Arc<AtomicUsize>,
    /// How many WebSockets may be open at once.
    max_sockets: usize,
    /// Fault injection for tests.
    faults: Mutex<Faults>,
    /// The telemetry beacons accepted, oldest first (at most [`MAX_TELEMETRY`]).
    telemetry: Mutex<VecDeque<Value>>,
}

impl Store {
    /// Empty stores reading `clock`, whose sessions live `session_ttl_secs`, with room for
    /// `max_sockets` open WebSockets.
    pub(crate) fn new(clock: Clock, session_ttl_secs: u64, max_sockets: usize) -> Self {
        Self {
            clock,
            session_ttl_secs,
            sessions: Mutex::new(Bounded::new(MAX_SESSIONS, MAX_SESSION_BYTES)),
            flows: Mutex::new(Bounded::new(MAX_PENDING_FLOWS, MAX_FLOW_BYTES)),
            used_states: Mutex::new(Bounded::new(MAX_USED_STATES, MAX_USED_STATE_BYTES)),
            codes: Mutex::new(Bounded::new(MAX_CODES, MAX_CODE_BYTES)),
            refresh_tokens: Mutex::new(Bounded::new(MAX_REFRESH_TOKENS, MAX_REFRESH_TOKEN_BYTES)),
            connections: Mutex::default(),
            connection_bytes: AtomicUsize::new(0),
            next_connection_id: AtomicU64::new(1),
            ws_clients: Mutex::default(),
            open_sockets: Arc::default(),
            max_sockets,
            faults: Mutex::default(),
            telemetry: Mutex::default(),
        }
    }

    fn now(&self) -> SystemTime {
        self.clock.now()
    }

    /// The faults switched on.
    pub(crate) fn faults(&self) -> Faults {
        lock(&self.faults).clone()
    }

    /// Replaces the faults switched on.
    pub(crate) fn set_faults(&self, faults: Faults) {
        *lock(&self.faults) = faults;
    }

    /// Keeps a telemetry beacon, dropping the oldest past [`MAX_TELEMETRY`].
    pub(crate) fn record_telemetry(&self, beacon: Value) {
        let mut recorded = lock(&self.telemetry);
        if recorded.len() >= MAX_TELEMETRY {
            recorded.pop_front();
        }
        recorded.push_back(beacon);
    }

    /// The telemetry beacons kept, oldest first.
    pub(crate) fn telemetry(&self) -> Vec<Value> {
        lock(&self.telemetry).iter().cloned().collect()
    }

    /// What the stores hold: `(entries, estimated bytes)` each, and the open WebSockets.
    pub(crate) fn memory_report(&self) -> MemoryReport {
        fn held<V: Footprint>(store: &Mutex<Bounded<V>>) -> (usize, usize) {
            let store = lock(store);
            (store.len(), store.bytes())
        }
        MemoryReport {
            sessions: held(&self.sessions),
            flows: held(&self.flows),
            codes: held(&self.codes),
            used_states: held(&self.used_states),
            open_websockets: self.open_sockets.load(std::sync::atomic::Ordering::SeqCst),
        }
    }

    /// Drops expired sessions, flows, codes and remembered states.
    pub(crate) fn sweep(&self) {
        let now = self.now();
        lock(&self.sessions).retain(|_, s| s.expires_at > now);
        let expired = lock(&self.flows).take_where(|f| f.expires_at <= now);
        for (state, flow) in expired {
            self.end_flow(state, &flow, self.expiry_reason(&flow));
        }
        lock(&self.codes).retain(|_, c| c.expires_at > now);
        lock(&self.refresh_tokens).retain(|_, r| r.expires_at > now);
        lock(&self.used_states).retain(|_, u| {
            now.duration_since(u.used_at).map(|d| d < flows::USED_STATE_MEMORY).unwrap_or(true)
        });
    }
}

/// What [`crate::RunningServer::memory_report`] counts: `(entries, estimated bytes)` per store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MemoryReport {
    /// Connect sessions.
    pub sessions: (usize, usize),
    /// Pending OAuth flows.
    pub flows: (usize, usize),
    /// Authorization codes of the fake provider.
    pub codes: (usize, usize),
    /// Ended states remembered to report late callbacks.
    pub used_states: (usize, usize),
    /// Open WebSockets.
    pub open_websockets: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuing_refresh_tokens_never_fails_when_the_memory_is_full() {
        let state = Store::new(Clock::system(), 60, 1);
        for n in 0..MAX_REFRESH_TOKENS {
            state.remember_refresh_token(format!("r{n}"), String::new());
        }
        state.remember_refresh_token("newest".into(), "scope".into());
        assert_eq!(state.take_refresh_token("newest").as_deref(), Some("scope"), "the newest is kept");
        assert!(lock(&state.refresh_tokens).len() < MAX_REFRESH_TOKENS, "the oldest were forgotten");
        assert_eq!(state.take_refresh_token("newest"), None, "used up");
    }
}
