//! The page's state machine: a pure reducer (`State::apply`) that returns the effects the
//! component performs (fetches, messages to the parent). Tested natively.
//!
//! Every asynchronous result is tied to what produced it by a ticket ([`ticket`]): only the
//! answer the state waits for is taken; a late one of a superseded request or auth is ignored.
//!
//! [`action`] holds what goes in and what comes out; this module, the state and its reducer.

mod action;
mod ticket;

use nango_frontend::{AuthError, AuthErrorType, AuthSuccess, ConnectUiEvent};

pub use self::action::{Action, CloseBy, Effect, Leave, LoadError, api_failure};
pub use self::ticket::{AuthTicket, Ticket};
use self::ticket::{Awaited, Tickets};
use crate::form::Form;
use crate::model::{Integration, Session};
use crate::telemetry::{Beacon, Event};

/// The screen shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Inside an iframe, waiting for the parent's `session_token`.
    WaitingForToken,
    /// No token: none after 10 s in an iframe, or none in a standalone link.
    NoToken,
    /// Loading the session and the integrations.
    Loading,
    /// The API answered 401.
    SessionExpired,
    /// The session could not be loaded for another reason.
    LoadError(String),
    /// The integration list.
    List,
    /// Loading the selected integration's provider.
    LoadingProvider,
    /// The auth form.
    Form,
    /// The auth call is running.
    Connecting,
    /// Connected.
    Success(AuthSuccess),
    /// The auth failed.
    Failure(AuthError),
    /// `close` was posted (only visible when the page is not in an iframe).
    Closed,
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The screen.
    pub phase: Phase,
    /// The page runs inside an iframe.
    pub in_iframe: bool,
    /// A preview (`preview=true`): no auth, no close, no telemetry.
    pub preview: bool,
    /// The session token, once known.
    pub token: Option<String>,
    /// The loaded session.
    pub session: Session,
    /// The integrations offered.
    pub integrations: Vec<Integration>,
    /// The integration being connected.
    pub selected: Option<Integration>,
    /// Its form.
    pub form: Option<Form>,
    /// A pending "leave the half-filled form?" question.
    pub confirm: Option<Leave>,
    /// The external id was just copied.
    pub copied: bool,
    /// Gives out the requests' tickets.
    tickets: Tickets,
    /// The session request whose answer is awaited.
    session_request: Awaited<Ticket>,
    /// The provider request whose answer is awaited.
    provider_request: Awaited<Ticket>,
    /// The auth call whose result is awaited.
    auth: Awaited<AuthTicket>,
}

impl State {
    /// The start: waiting for a token in an iframe, else the token of the link (or none).
    pub fn new(in_iframe: bool, link_token: Option<String>, preview: bool) -> (Self, Vec<Effect>) {
        let mut state = Self {
            phase: if in_iframe { Phase::WaitingForToken } else { Phase::NoToken },
            in_iframe,
            preview,
            token: None,
            session: Session::default(),
            integrations: Vec::new(),
            selected: None,
            form: None,
            confirm: None,
            copied: false,
            tickets: Tickets::default(),
            session_request: Awaited::default(),
            provider_request: Awaited::default(),
            auth: Awaited::default(),
        };
        let effects = match link_token {
            Some(token) => state.apply(Action::Token(token)),
            None => Vec::new(),
        };
        (state, effects)
    }

    /// Whether leaving now would lose typed input.
    pub fn is_dirty(&self) -> bool {
        self.phase == Phase::Form && self.form.as_ref().is_some_and(Form::is_dirty)
    }

    /// Whether the page can be closed: it is a parent's iframe, and no preview. A standalone
    /// link (a tab of its own) has nothing to close, as in Nango's page.
    pub fn can_close(&self) -> bool {
        self.in_iframe && !self.preview
    }

    /// Whether a submit of the form may start an auth call now (never in a preview).
    pub fn may_start_auth(&self) -> bool {
        !self.preview && self.phase == Phase::Form
    }

    /// Whether the form has somewhere to go back to.
    pub fn can_go_back_to_list(&self) -> bool {
        self.integrations.len() > 1
    }

    /// Applies `action` and returns the effects to perform.
    pub fn apply(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Token(token) => {
                if token.is_empty() || self.token.as_ref() == Some(&token) || self.phase == Phase::Closed {
                    return Vec::new();
                }
                // A running auth belongs to the old session: end it (and its popup) first.
                let mut effects = self.stop_auth();
                self.token = Some(token.clone());
                self.selected = None;
                self.form = None;
                self.confirm = None;
                self.provider_request.give_up();
                self.phase = Phase::Loading;
                let ticket = self.tickets.next();
                self.session_request.wait_for(ticket);
                effects.push(Effect::LoadSession { token, ticket });
                effects.extend(self.beacon(Event::Open, None));
                effects
            }
            Action::TokenTimeout => {
                if self.phase == Phase::WaitingForToken {
                    self.phase = Phase::NoToken;
                }
                Vec::new()
            }
            Action::SessionLoaded { ticket, session, mut integrations } => {
                if self.phase != Phase::Loading || !self.session_request.take(ticket) {
                    return Vec::new();
                }
                if let Some(allowed) = &session.allowed_integrations {
                    integrations.retain(|i| allowed.contains(&i.unique_key));
                }
                let settings = session.settings.clone();
                self.session = session;
                self.integrations = integrations;
                let mut effects =
                    vec![Effect::UseSession, Effect::Post(ConnectUiEvent::SettingsChanged(settings))];
                match self.integrations.as_slice() {
                    [only] => {
                        let key = only.unique_key.clone();
                        effects.extend(self.select(&key));
                    }
                    _ => {
                        self.phase = Phase::List;
                        effects.extend(self.beacon(Event::ViewList, None));
                    }
                }
                effects
            }
            Action::LoadFailed { ticket, error } => {
                if self.phase != Phase::Loading || !self.session_request.take(ticket) {
                    return Vec::new();
                }
                self.load_failed(error, |error| Phase::LoadError(error.to_string()))
            }
            Action::Select(key) => {
                if self.phase != Phase::List {
                    return Vec::new();
                }
                let mut effects = self.select(&key);
                if !effects.is_empty() {
                    effects.extend(self.beacon(Event::ClickIntegration, Some(key)));
                }
                effects
            }
            Action::ProviderLoaded { ticket, provider, external_id } => {
                if self.phase == Phase::LoadingProvider
                    && self.provider_request.take(ticket)
                    && let Some(integration) = self.selected.as_ref()
                {
                    let key = integration.unique_key.clone();
                    self.form = Some(Form::new(integration, &provider, &self.session, &external_id));
                    self.phase = Phase::Form;
                    return self.beacon(Event::ViewIntegration, Some(key)).into_iter().collect();
                }
                Vec::new()
            }
            Action::ProviderFailed { ticket, error } => {
                if self.phase != Phase::LoadingProvider || !self.provider_request.take(ticket) {
                    return Vec::new();
                }
                self.load_failed(error, Phase::Failure)
            }
            Action::Input { name, value } => {
                if let (Phase::Form, Some(form)) = (&self.phase, self.form.as_mut()) {
                    form.set(&name, value);
                }
                Vec::new()
            }
            Action::ShowErrors => {
                if let Some(form) = self.form.as_mut() {
                    form.show_errors = true;
                }
                Vec::new()
            }
            Action::Connecting(id) => {
                // From the form, or a second submit before the page re-rendered: the core then
                // cancelled the first call, and the newest is the one to wait for.
                if self.preview || !matches!(self.phase, Phase::Form | Phase::Connecting) {
                    return vec![Effect::CancelAuth];
                }
                self.phase = Phase::Connecting;
                self.confirm = None;
                self.auth.wait_for(id);
                self.beacon(Event::ClickConnect, None).into_iter().collect()
            }
            Action::AuthDone { id, result } => {
                if self.phase != Phase::Connecting || !self.auth.take(id) {
                    return Vec::new();
                }
                match result {
                    Ok(success) => {
                        self.phase = Phase::Success(success.clone());
                        let mut effects = vec![Effect::Post(ConnectUiEvent::Connect(success))];
                        effects.extend(self.beacon(Event::ViewSuccess, None));
                        effects
                    }
                    Err(error) => self.fail(error),
                }
            }
            Action::CallbackError { message, error_type } => {
                // The popup says the flow failed; the socket's own error, if it comes later,
                // belongs to an auth that is no longer awaited.
                if self.phase != Phase::Connecting {
                    return Vec::new();
                }
                // The server's code is kept (an expired session must be recognised as one by
                // the host, which then forgets its token); Nango's page sends them all as
                // `connection_validation_failed`.
                let kind = error_type
                    .as_deref()
                    .map_or(AuthErrorType::ConnectionValidationFailed, AuthErrorType::from_code);
                let mut effects = self.stop_auth();
                effects.extend(self.fail(AuthError::new(kind, message)));
                effects
            }
            Action::PreviewSettings(settings) => {
                if !self.preview {
                    return Vec::new();
                }
                self.session.settings = settings.clone();
                vec![Effect::Restyle(settings)]
            }
            Action::Copied(copied) => {
                self.copied = copied;
                Vec::new()
            }
            Action::DocsClicked => {
                let key = self.selected_key().map(str::to_owned);
                self.beacon(Event::ClickDoc, key).into_iter().collect()
            }
            Action::DocSectionClicked => {
                let key = self.selected_key().map(str::to_owned);
                self.beacon(Event::ClickDocSection, key).into_iter().collect()
            }
            Action::Back => match self.phase {
                Phase::Form if self.is_dirty() && self.can_go_back_to_list() => {
                    self.confirm = Some(Leave::ToList);
                    Vec::new()
                }
                Phase::Form | Phase::LoadingProvider if self.can_go_back_to_list() => {
                    self.back_to_list();
                    Vec::new()
                }
                Phase::Connecting => {
                    self.phase = Phase::Form;
                    self.stop_auth()
                }
                Phase::Failure(_) if self.form.is_some() => {
                    self.phase = Phase::Form;
                    Vec::new()
                }
                Phase::Failure(_) if self.can_go_back_to_list() => {
                    self.back_to_list();
                    Vec::new()
                }
                _ => Vec::new(),
            },
            Action::RequestClose(by) => {
                if self.confirm.is_some() || !self.can_close() {
                    return Vec::new();
                }
                if self.is_dirty() {
                    self.confirm = Some(Leave::Close(by));
                    return Vec::new();
                }
                self.close(by_event(by))
            }
            Action::Escape => {
                if self.confirm.take().is_some() {
                    Vec::new()
                } else {
                    self.apply(Action::RequestClose(CloseBy::Outside))
                }
            }
            Action::CancelLeave => {
                self.confirm = None;
                Vec::new()
            }
            Action::ConfirmLeave => match self.confirm.take() {
                Some(Leave::Close(by)) => self.close(by_event(by)),
                Some(Leave::ToList) => {
                    self.back_to_list();
                    Vec::new()
                }
                None => Vec::new(),
            },
            Action::Finish if !self.can_close() => Vec::new(),
            Action::Finish => self.close(Event::ClickFinish),
        }
    }

    /// A telemetry beacon for the current session; none in a preview or without a token.
    fn beacon(&self, event: Event, integration: Option<String>) -> Option<Effect> {
        let token = self.token.clone().filter(|_| !self.preview)?;
        Some(Effect::Telemetry(Beacon { event, integration, token }))
    }

    /// The auth failed: the failure screen, the host's `error` event and a beacon.
    fn fail(&mut self, error: AuthError) -> Vec<Effect> {
        let event = match error.kind {
            AuthErrorType::BlockedByBrowser => Event::PopupBlockedByBrowser,
            AuthErrorType::WindowClosed => Event::PopupClosedEarly,
            _ => Event::ViewCredentialsError,
        };
        let mut effects = vec![Effect::Post(ConnectUiEvent::Error {
            error_type: error.error_type().to_owned(),
            error_message: error.message.clone(),
        })];
        effects.extend(self.beacon(event, None));
        self.phase = Phase::Failure(error);
        effects
    }

    fn selected_key(&self) -> Option<&str> {
        self.selected.as_ref().map(|i| i.unique_key.as_str())
    }

    /// A request failed: a 401 expires the session, anything else shows `phase` of the error
    /// (with its beacon).
    fn load_failed(&mut self, error: LoadError, phase: impl FnOnce(AuthError) -> Phase) -> Vec<Effect> {
        match error {
            LoadError::Unauthorized => self.expire(),
            LoadError::Failed(error) => {
                self.phase = phase(error);
                self.beacon(Event::ViewUnknownError, None).into_iter().collect()
            }
        }
    }

    /// The session token is unknown or expired: say so, and tell the host so that it can fetch
    /// a fresh token for the next open (the error type is the server's).
    fn expire(&mut self) -> Vec<Effect> {
        self.phase = Phase::SessionExpired;
        vec![Effect::Post(ConnectUiEvent::Error {
            error_type: "unknown_connect_session_token".into(),
            error_message: "The connect session expired".into(),
        })]
    }

    /// Cancels the running auth, if any: its result is no longer awaited.
    fn stop_auth(&mut self) -> Vec<Effect> {
        if self.auth.give_up() { vec![Effect::CancelAuth] } else { Vec::new() }
    }

    fn select(&mut self, key: &str) -> Vec<Effect> {
        let Some(integration) = self.integrations.iter().find(|i| i.unique_key == key).cloned() else {
            return Vec::new();
        };
        let ticket = self.tickets.next();
        self.provider_request.wait_for(ticket);
        let effect = Effect::LoadProvider { provider: integration.provider.clone(), ticket };
        self.selected = Some(integration);
        self.form = None;
        self.phase = Phase::LoadingProvider;
        vec![effect]
    }

    fn back_to_list(&mut self) {
        self.selected = None;
        self.form = None;
        self.phase = Phase::List;
    }

    fn close(&mut self, event: Event) -> Vec<Effect> {
        let mut effects = self.stop_auth();
        effects.extend(self.beacon(event, None));
        self.phase = Phase::Closed;
        self.confirm = None;
        effects.push(Effect::Close);
        effects
    }
}

fn by_event(by: CloseBy) -> Event {
    match by {
        CloseBy::Button => Event::ClickClose,
        CloseBy::Outside => Event::ClickOutside,
    }
}

#[cfg(test)]
mod tests;
