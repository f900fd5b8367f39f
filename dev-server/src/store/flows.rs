//! OAuth flows in progress, the states that ended (to report late callbacks), the fake
//! provider's authorization codes and the refresh tokens it issued.

use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use super::bounded::{Footprint, lock};
use super::sessions::Session;
use super::{MAX_CODES, Store, StoreError};

/// Length of the fake provider's authorization codes (24 random bytes as hex).
pub(crate) const CODE_LEN: usize = 48;

/// How long a used OAuth state is remembered, so that a replayed callback can still be
/// reported on the flow's socket.
pub(super) const USED_STATE_MEMORY: Duration = Duration::from_secs(30 * 60);
/// A pending OAuth flow without a session expires after this long.
const FLOW_TTL: Duration = Duration::from_secs(15 * 60);
/// How long a refresh token of the fake provider lives unused (then the sweep forgets it and a
/// refresh grant with it is `invalid_grant`, as a provider's expired refresh token).
const REFRESH_TOKEN_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// An OAuth flow between `/oauth/connect` and `/oauth/callback`, keyed by its `state`.
#[derive(Debug, Clone)]
pub(crate) struct PendingFlow {
    pub provider_config_key: String,
    pub connection_id: String,
    pub ws_client_id: Option<String>,
    pub session_token: Option<String>,
    pub code_verifier: String,
    pub redirect_uri: String,
    pub connection_config: Map<String, Value>,
    pub end_user: Option<Value>,
    pub organization: Option<Value>,
    pub tags: Option<Map<String, Value>>,
    pub expires_at: SystemTime,
    /// What the fake provider was asked for: the approval must carry the same values.
    pub scope: String,
    pub code_challenge: String,
    /// The code the fake provider issued for this flow, if any (one per flow: a new approval
    /// replaces it).
    pub code: Option<String>,
}

impl Footprint for PendingFlow {
    fn footprint(&self) -> usize {
        self.provider_config_key.len()
            + self.connection_id.len()
            + self.ws_client_id.footprint()
            + self.session_token.footprint()
            + self.code_verifier.len()
            + self.redirect_uri.len()
            + self.connection_config.footprint()
            + self.end_user.footprint()
            + self.organization.footprint()
            + self.tags.as_ref().map_or(0, Footprint::footprint)
            + self.scope.len()
            + self.code_challenge.len()
            + CODE_LEN // `code`, set later in place
    }
}

/// Why a state is no longer pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StateEnd {
    /// A callback consumed it.
    Used,
    /// Its connect session expired first.
    SessionExpired,
    /// The flow took too long.
    FlowExpired,
}

/// A state that is no longer pending, remembered to report a late or replayed callback on
/// the flow's socket.
#[derive(Debug, Clone)]
pub(crate) struct UsedState {
    pub provider_config_key: String,
    pub connection_id: String,
    pub ws_client_id: Option<String>,
    pub end: StateEnd,
    pub used_at: SystemTime,
}

impl Footprint for UsedState {
    fn footprint(&self) -> usize {
        self.provider_config_key.len() + self.connection_id.len() + self.ws_client_id.footprint()
    }
}

/// An authorization code issued by the fake provider.
#[derive(Debug, Clone)]
pub(crate) struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub scope: String,
    pub expires_at: SystemTime,
    pub used: bool,
}

/// A refresh token the fake provider issued and that was not used yet.
#[derive(Debug, Clone)]
pub(crate) struct IssuedRefresh {
    pub scope: String,
    pub expires_at: SystemTime,
}

impl Footprint for IssuedRefresh {
    fn footprint(&self) -> usize {
        self.scope.len()
    }
}

impl Footprint for AuthCode {
    fn footprint(&self) -> usize {
        self.client_id.len() + self.redirect_uri.len() + self.code_challenge.len() + self.scope.len()
    }
}

/// Why an authorization code cannot be redeemed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CodeRefused {
    /// The fake provider never issued it (or forgot it).
    Unknown,
    /// It was redeemed before (codes are single use).
    AlreadyUsed,
}

impl Store {
    /// Stores a new pending flow under its `state`.
    pub(crate) fn start_flow(&self, state: String, flow: PendingFlow) -> Result<(), StoreError> {
        lock(&self.flows).insert(state, flow).map_err(|_| StoreError::TooManyFlows)
    }

    /// The pending flow of `state`, if any (expired or not).
    pub(crate) fn flow(&self, state: &str) -> Option<PendingFlow> {
        lock(&self.flows).get(state).cloned()
    }

    /// Removes the pending flow of `state` (a callback consumes it).
    pub(crate) fn take_flow(&self, state: &str) -> Option<PendingFlow> {
        lock(&self.flows).remove(state)
    }

    /// The remembered end of a state that is no longer pending.
    pub(crate) fn ended_flow(&self, state: &str) -> Option<UsedState> {
        lock(&self.used_states).get(state).cloned()
    }

    /// Issues `code` for the pending flow of `state` (one code per flow: a new approval replaces
    /// the previous code). False when there is no such flow or the codes store is full.
    pub(crate) fn issue_code(&self, state: &str, code: String, issued: AuthCode) -> bool {
        let mut flows = lock(&self.flows);
        let mut codes = lock(&self.codes);
        let Some(flow) = flows.get_mut(state) else { return false };
        if let Some(old) = flow.code.take() {
            let _ = codes.remove(&old);
        }
        let now = self.now();
        if codes.len() >= MAX_CODES {
            codes.retain(|_, c| c.expires_at > now && !c.used);
        }
        let stored = codes.insert(code.clone(), issued).is_ok();
        if stored {
            flow.code = Some(code);
        }
        stored
    }

    /// Marks `code` used and returns it as it was issued, unless it is unknown or used already.
    /// Expiry and the request's match are the caller's to check (the code is used up either way).
    pub(crate) fn use_code(&self, code: &str) -> Result<AuthCode, CodeRefused> {
        let mut codes = lock(&self.codes);
        let Some(issued) = codes.get_mut(code) else { return Err(CodeRefused::Unknown) };
        if issued.used {
            return Err(CodeRefused::AlreadyUsed);
        }
        issued.used = true;
        Ok(issued.clone())
    }

    /// Forgets the fake provider's refresh token held in `credentials`, if any.
    pub(super) fn forget_refresh_token(&self, credentials: &Value) {
        if let Some(token) = refresh_token_of(credentials) {
            let _ = lock(&self.refresh_tokens).remove(token);
        }
    }

    /// Remembers a refresh token the fake provider issued, for [`REFRESH_TOKEN_TTL`]. When the
    /// memory is full the oldest eighth is forgotten, so that issuing never fails.
    pub(crate) fn remember_refresh_token(&self, token: String, scope: String) {
        let issued = IssuedRefresh { scope, expires_at: self.now() + REFRESH_TOKEN_TTL };
        let mut tokens = lock(&self.refresh_tokens);
        if let Err(issued) = tokens.insert(token.clone(), issued) {
            let n = tokens.len() / 8 + 1;
            tokens.evict_oldest(n, |r| r.expires_at);
            let _ = tokens.insert(token, issued);
        }
    }

    /// Uses up a refresh token: its scope, if it was issued, unused and not expired.
    pub(crate) fn take_refresh_token(&self, token: &str) -> Option<String> {
        let issued = lock(&self.refresh_tokens).remove(token)?;
        (issued.expires_at > self.now()).then_some(issued.scope)
    }

    /// Why an expired flow ended.
    pub(crate) fn expiry_reason(&self, flow: &PendingFlow) -> StateEnd {
        let session_live = flow.session_token.as_deref().is_none_or(|t| self.session(t).is_ok());
        if session_live { StateEnd::FlowExpired } else { StateEnd::SessionExpired }
    }

    /// Remembers that `state` is no longer pending.
    /// When the memory is full the oldest eighth is forgotten (a late callback of those
    /// is then reported as an unknown state).
    pub(crate) fn end_flow(&self, state: String, flow: &PendingFlow, end: StateEnd) {
        let used = UsedState {
            provider_config_key: flow.provider_config_key.clone(),
            connection_id: flow.connection_id.clone(),
            ws_client_id: flow.ws_client_id.clone(),
            end,
            used_at: self.now(),
        };
        let mut used_states = lock(&self.used_states);
        if let Err(used) = used_states.insert(state.clone(), used) {
            let n = used_states.len() / 8 + 1;
            used_states.evict_oldest(n, |u| u.used_at);
            let _ = used_states.insert(state, used);
        }
    }

    /// When a new OAuth flow expires: with its session, and at most [`FLOW_TTL`] from now.
    pub(crate) fn flow_expiry(&self, session: Option<&Session>) -> SystemTime {
        let cap = self.now() + FLOW_TTL;
        session.map_or(cap, |s| s.expires_at.min(cap))
    }
}

/// The `refresh_token` of stored credentials (OAuth2 ones hold one).
pub(super) fn refresh_token_of(credentials: &Value) -> Option<&str> {
    credentials.get("refresh_token").and_then(Value::as_str)
}
