//! The page's state machine: a pure reducer (`State::apply`) that returns the effects the
//! component performs (fetches, messages to the parent). Tested natively.
//!
//! Every asynchronous result is tied to what produced it: a request carries a [`Ticket`] that
//! its answer brings back, an auth call the id the component gave it. Only the answer the state
//! waits for is taken; a late one of a superseded request or auth is ignored.

use nango_frontend::{AuthError, AuthErrorType, AuthSuccess, ConnectUiEvent, ConnectUiSettings};

use crate::form::Form;
use crate::model::{Integration, Provider, Session};
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

/// Where the user wants to go from a half-filled form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leave {
    /// Close the Connect UI.
    Close(CloseBy),
    /// Back to the integration list.
    ToList,
}

/// How the user asked to close (telemetry tells them apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseBy {
    /// The close button.
    Button,
    /// Escape, or a click outside the dialog.
    Outside,
}

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// 401: the session token is unknown or expired.
    Unauthorized,
    /// Anything else, as an API error.
    Failed(AuthError),
}

/// Ties a request's answer to the request: only the latest request of a kind is awaited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u64);

/// What happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A session token arrived (query or parent).
    Token(String),
    /// 10 s passed in an iframe.
    TokenTimeout,
    /// `GET /connect/session` and `GET /integrations` answered.
    SessionLoaded {
        /// The request's ticket.
        ticket: Ticket,
        /// The session.
        session: Session,
        /// The integrations the session may use.
        integrations: Vec<Integration>,
    },
    /// Loading the session failed.
    LoadFailed {
        /// The request's ticket.
        ticket: Ticket,
        /// Why.
        error: LoadError,
    },
    /// The user chose an integration.
    Select(String),
    /// `GET /providers/{provider}` answered.
    ProviderLoaded {
        /// The request's ticket.
        ticket: Ticket,
        /// The provider.
        provider: Provider,
        /// A fresh UUID, the AWS SigV4 external id unless the session presets one.
        external_id: String,
    },
    /// Loading the provider failed.
    ProviderFailed {
        /// The request's ticket.
        ticket: Ticket,
        /// Why.
        error: LoadError,
    },
    /// A field changed.
    Input {
        /// Field name.
        name: String,
        /// New value.
        value: String,
    },
    /// Submit was refused by validation: show the messages.
    ShowErrors,
    /// An auth call started, with an id the component chose (a new one for each call).
    Connecting(u64),
    /// The auth call with this id ended.
    AuthDone {
        /// The id given in [`Action::Connecting`].
        id: u64,
        /// Its result.
        result: Result<AuthSuccess, AuthError>,
    },
    /// The OAuth callback page reported a failure (`nango_oauth_callback_error`), with its
    /// message and the server's code, if it gave one.
    CallbackError {
        /// What the page says.
        message: String,
        /// The server's code; without one, `connection_validation_failed` (as Nango's page).
        error_type: Option<String>,
    },
    /// The parent sent `settings_changed` (taken in preview only).
    PreviewSettings(ConnectUiSettings),
    /// The provider's documentation link was followed.
    DocsClicked,
    /// A field's documentation link was followed.
    DocSectionClicked,
    /// The external id was copied to the clipboard (`true`), or that news is old (`false`).
    Copied(bool),
    /// The Back button.
    Back,
    /// Close button, or a click outside the dialog.
    RequestClose(CloseBy),
    /// The Escape key.
    Escape,
    /// "Discard" in the leave confirmation.
    ConfirmLeave,
    /// "Keep editing" in the leave confirmation.
    CancelLeave,
    /// "Finish" on the success screen.
    Finish,
}

/// What the component must do after an action.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Fetch the session and the integrations with this token.
    LoadSession {
        /// The session token.
        token: String,
        /// To give back with the answer.
        ticket: Ticket,
    },
    /// The session is loaded: make the Nango client for it (token, WebSocket path) and apply
    /// its theme.
    UseSession,
    /// Fetch a provider for the selected integration.
    LoadProvider {
        /// Provider name.
        provider: String,
        /// To give back with the answer.
        ticket: Ticket,
    },
    /// Post an event to the parent.
    Post(ConnectUiEvent),
    /// Cancel the running auth call.
    CancelAuth,
    /// Post `close`.
    Close,
    /// Apply these settings' theme and colours (a preview's `settings_changed`).
    Restyle(ConnectUiSettings),
    /// Send a telemetry beacon.
    Telemetry(Beacon),
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
    /// The last ticket given out.
    last_ticket: u64,
    /// The session request whose answer is awaited.
    session_request: Option<Ticket>,
    /// The provider request whose answer is awaited.
    provider_request: Option<Ticket>,
    /// The auth call whose result is awaited.
    auth: Option<u64>,
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
            last_ticket: 0,
            session_request: None,
            provider_request: None,
            auth: None,
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
                self.provider_request = None;
                self.phase = Phase::Loading;
                let ticket = self.ticket();
                self.session_request = Some(ticket);
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
                if self.phase != Phase::Loading || !take(&mut self.session_request, ticket) {
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
                if self.phase != Phase::Loading || !take(&mut self.session_request, ticket) {
                    return Vec::new();
                }
                match error {
                    LoadError::Unauthorized => self.expire(),
                    LoadError::Failed(error) => {
                        self.phase = Phase::LoadError(error.to_string());
                        self.beacon(Event::ViewUnknownError, None).into_iter().collect()
                    }
                }
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
                    && take(&mut self.provider_request, ticket)
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
                if self.phase != Phase::LoadingProvider || !take(&mut self.provider_request, ticket) {
                    return Vec::new();
                }
                match error {
                    LoadError::Unauthorized => self.expire(),
                    LoadError::Failed(error) => {
                        self.phase = Phase::Failure(error);
                        self.beacon(Event::ViewUnknownError, None).into_iter().collect()
                    }
                }
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
                self.auth = Some(id);
                self.beacon(Event::ClickConnect, None).into_iter().collect()
            }
            Action::AuthDone { id, result } => {
                if self.phase != Phase::Connecting || self.auth != Some(id) {
                    return Vec::new();
                }
                self.auth = None;
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

    /// The session token is unknown or expired: say so, and tell the host so that it can fetch
    /// a fresh token for the next open (the error type is the server's).
    fn expire(&mut self) -> Vec<Effect> {
        self.phase = Phase::SessionExpired;
        vec![Effect::Post(ConnectUiEvent::Error {
            error_type: "unknown_connect_session_token".into(),
            error_message: "The connect session expired".into(),
        })]
    }

    fn ticket(&mut self) -> Ticket {
        self.last_ticket += 1;
        Ticket(self.last_ticket)
    }

    /// Cancels the running auth, if any: its result is no longer awaited.
    fn stop_auth(&mut self) -> Vec<Effect> {
        if self.auth.take().is_some() { vec![Effect::CancelAuth] } else { Vec::new() }
    }

    fn select(&mut self, key: &str) -> Vec<Effect> {
        let Some(integration) = self.integrations.iter().find(|i| i.unique_key == key).cloned() else {
            return Vec::new();
        };
        let ticket = self.ticket();
        self.provider_request = Some(ticket);
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

/// Whether `ticket` is the awaited one; if so it is awaited no more.
fn take(awaited: &mut Option<Ticket>, ticket: Ticket) -> bool {
    let matches = *awaited == Some(ticket);
    if matches {
        *awaited = None;
    }
    matches
}

/// An API error as the error shown on the failure screen.
pub fn api_failure(code: &str, message: &str) -> AuthError {
    AuthError::new(AuthErrorType::from_code(code), message)
}

#[cfg(test)]
mod tests {
    use nango_frontend::Json;

    use super::*;

    /// Applies `action`, leaving out the telemetry beacons (tested on their own).
    fn act(state: &mut State, action: Action) -> Vec<Effect> {
        state.apply(action).into_iter().filter(|e| !matches!(e, Effect::Telemetry(_))).collect()
    }

    fn integration(key: &str) -> Integration {
        Integration {
            unique_key: key.into(),
            provider: format!("{key}-provider"),
            display_name: key.into(),
            logo: None,
            preconfigured_credentials: Vec::new(),
            credentials_label: Vec::new(),
        }
    }

    fn api_key_provider() -> Provider {
        Provider::from_answer(
            &Json::parse(r#"{"data":{"auth_mode":"API_KEY","credentials":{"apiKey":{"title":"API Key"}}}}"#)
                .unwrap(),
        )
        .unwrap()
    }

    /// The ticket of the one load effect in `effects` (panics if there is none).
    fn ticket(effects: &[Effect]) -> Ticket {
        let tickets: Vec<Ticket> = effects
            .iter()
            .filter_map(|e| match e {
                Effect::LoadSession { ticket, .. } | Effect::LoadProvider { ticket, .. } => Some(*ticket),
                _ => None,
            })
            .collect();
        assert_eq!(tickets.len(), 1, "{effects:?}");
        tickets[0]
    }

    fn session_loaded(ticket: Ticket, keys: &[&str]) -> Action {
        Action::SessionLoaded {
            ticket,
            session: Session::default(),
            integrations: keys.iter().map(|k| integration(k)).collect(),
        }
    }

    fn loaded(keys: &[&str]) -> (State, Vec<Effect>) {
        let (mut state, effects) = State::new(true, None, false);
        assert!(effects.is_empty());
        let effects = act(&mut state, Action::Token("t".into()));
        assert!(matches!(effects.as_slice(), [Effect::LoadSession { token, .. }] if token == "t"));
        let effects = act(&mut state, session_loaded(ticket(&effects), keys));
        (state, effects)
    }

    fn at_form(keys: &[&str]) -> State {
        let (mut state, mut effects) = loaded(keys);
        if state.phase == Phase::List {
            effects = act(&mut state, Action::Select("a".into()));
        }
        act(
            &mut state,
            Action::ProviderLoaded {
                ticket: ticket(&effects),
                provider: api_key_provider(),
                external_id: String::new(),
            },
        );
        assert_eq!(state.phase, Phase::Form);
        state
    }

    fn success() -> AuthSuccess {
        AuthSuccess { provider_config_key: "a".into(), connection_id: "c".into(), is_pending: false }
    }

    #[test]
    fn waits_for_the_token_then_times_out() {
        let (mut state, _) = State::new(true, None, false);
        assert_eq!(state.phase, Phase::WaitingForToken);
        act(&mut state, Action::TokenTimeout);
        assert_eq!(state.phase, Phase::NoToken);
        // A late token still works.
        let effects = act(&mut state, Action::Token("late".into()));
        assert!(matches!(effects.as_slice(), [Effect::LoadSession { token, .. }] if token == "late"));
        assert_eq!(state.phase, Phase::Loading);
        // The timeout is ignored once a token came.
        act(&mut state, Action::TokenTimeout);
        assert_eq!(state.phase, Phase::Loading);
    }

    #[test]
    fn standalone_without_token_says_so_at_once() {
        let (state, effects) = State::new(false, None, false);
        assert_eq!(state.phase, Phase::NoToken);
        assert!(effects.is_empty());
        let (state, effects) = State::new(false, Some("link".into()), false);
        assert_eq!(state.phase, Phase::Loading);
        assert!(matches!(effects.as_slice(), [Effect::LoadSession { token, .. }, _] if token == "link"));
        assert_eq!(beacons(&effects), [("open", None)], "a link with a token is opened too");
    }

    #[test]
    fn same_token_twice_loads_once() {
        let (mut state, _) = State::new(true, None, false);
        assert_eq!(act(&mut state, Action::Token("t".into())).len(), 1);
        assert!(act(&mut state, Action::Token("t".into())).is_empty());
        assert!(act(&mut state, Action::Token(String::new())).is_empty());
    }

    #[test]
    fn unauthorized_means_expired_and_tells_the_host() {
        let (mut state, _) = State::new(true, None, false);
        let effects = act(&mut state, Action::Token("t".into()));
        let effects =
            act(&mut state, Action::LoadFailed { ticket: ticket(&effects), error: LoadError::Unauthorized });
        assert_eq!(state.phase, Phase::SessionExpired);
        // The host (our core) forgets its cached token on this error and fetches a new one.
        assert!(matches!(
            effects.as_slice(),
            [Effect::Post(ConnectUiEvent::Error { error_type, .. })] if error_type == "unknown_connect_session_token"
        ));
    }

    #[test]
    fn lists_integrations_and_posts_settings() {
        let (state, effects) = loaded(&["a", "b"]);
        assert_eq!(state.phase, Phase::List);
        assert!(matches!(
            effects.as_slice(),
            [Effect::UseSession, Effect::Post(ConnectUiEvent::SettingsChanged(_))]
        ));
    }

    #[test]
    fn a_single_integration_skips_the_list() {
        let (state, effects) = loaded(&["a"]);
        assert_eq!(state.phase, Phase::LoadingProvider);
        assert!(
            matches!(effects.get(2), Some(Effect::LoadProvider { provider, .. }) if provider == "a-provider")
        );
        assert!(!state.can_go_back_to_list());
    }

    #[test]
    fn allowed_integrations_filter_the_list() {
        let (mut state, _) = State::new(true, None, false);
        let effects = act(&mut state, Action::Token("t".into()));
        let session = Session { allowed_integrations: Some(vec!["b".into()]), ..Session::default() };
        act(
            &mut state,
            Action::SessionLoaded {
                ticket: ticket(&effects),
                session,
                integrations: vec![integration("a"), integration("b")],
            },
        );
        assert_eq!(state.integrations, [integration("b")]);
        assert_eq!(state.phase, Phase::LoadingProvider);
    }

    #[test]
    fn stale_provider_answers_are_ignored() {
        let (mut state, _) = loaded(&["a", "b"]);
        let first = ticket(&act(&mut state, Action::Select("a".into())));
        act(&mut state, Action::Back);
        let second = ticket(&act(&mut state, Action::Select("b".into())));
        act(
            &mut state,
            Action::ProviderLoaded {
                ticket: first,
                provider: api_key_provider(),
                external_id: String::new(),
            },
        );
        assert_eq!(state.phase, Phase::LoadingProvider);
        act(
            &mut state,
            Action::ProviderLoaded {
                ticket: second,
                provider: api_key_provider(),
                external_id: String::new(),
            },
        );
        assert_eq!(state.phase, Phase::Form);
        assert_eq!(state.form.as_ref().map(|f| f.integration.as_str()), Some("b"));
    }

    #[test]
    fn success_posts_connect_and_finish_closes() {
        let mut state = at_form(&["a", "b"]);
        act(&mut state, Action::Connecting(1));
        let success = success();
        let effects = act(&mut state, Action::AuthDone { id: 1, result: Ok(success.clone()) });
        assert_eq!(effects, [Effect::Post(ConnectUiEvent::Connect(success.clone()))]);
        assert_eq!(state.phase, Phase::Success(success));
        assert_eq!(act(&mut state, Action::Finish), [Effect::Close]);
        assert_eq!(state.phase, Phase::Closed);
    }

    #[test]
    fn failure_posts_error_and_back_returns_to_the_filled_form() {
        let mut state = at_form(&["a", "b"]);
        act(&mut state, Action::Input { name: "apiKey".into(), value: "bad".into() });
        act(&mut state, Action::Connecting(1));
        let error = api_failure("connection_test_failed", "refused");
        let effects = act(&mut state, Action::AuthDone { id: 1, result: Err(error.clone()) });
        assert_eq!(
            effects,
            [Effect::Post(ConnectUiEvent::Error {
                error_type: "connection_test_failed".into(),
                error_message: "refused".into()
            })]
        );
        assert_eq!(state.phase, Phase::Failure(error));
        act(&mut state, Action::Back);
        assert_eq!(state.phase, Phase::Form);
        assert_eq!(state.form.as_ref().map(|f| f.value("apiKey")), Some("bad"));
    }

    #[test]
    fn late_auth_results_are_ignored() {
        let mut state = at_form(&["a", "b"]);
        act(&mut state, Action::Connecting(1));
        assert_eq!(act(&mut state, Action::Back), [Effect::CancelAuth]);
        assert!(
            act(&mut state, Action::AuthDone { id: 1, result: Err(api_failure("cancelled", "")) }).is_empty()
        );
        assert_eq!(state.phase, Phase::Form);
    }

    #[test]
    fn a_late_result_of_a_cancelled_auth_is_not_taken_for_the_next() {
        let mut state = at_form(&["a", "b"]);
        act(&mut state, Action::Connecting(1));
        act(&mut state, Action::Back);
        act(&mut state, Action::Connecting(2));
        // The first call's `cancelled` arrives after the second started.
        assert!(
            act(&mut state, Action::AuthDone { id: 1, result: Err(api_failure("cancelled", "")) }).is_empty()
        );
        assert_eq!(state.phase, Phase::Connecting, "still waiting for the second");
        let effects = act(&mut state, Action::AuthDone { id: 2, result: Ok(success()) });
        assert_eq!(effects, [Effect::Post(ConnectUiEvent::Connect(success()))]);
    }

    #[test]
    fn a_second_submit_before_a_render_waits_for_the_newest_auth() {
        // The core cancels the first call when the second starts on the same client.
        let mut state = at_form(&["a", "b"]);
        act(&mut state, Action::Connecting(1));
        assert!(act(&mut state, Action::Connecting(2)).is_empty());
        assert!(
            act(&mut state, Action::AuthDone { id: 1, result: Err(api_failure("cancelled", "")) }).is_empty()
        );
        assert_eq!(state.phase, Phase::Connecting);
        act(&mut state, Action::AuthDone { id: 2, result: Ok(success()) });
        assert_eq!(state.phase, Phase::Success(success()));
    }

    #[test]
    fn an_auth_that_starts_off_the_form_is_cancelled() {
        let (mut state, _) = loaded(&["a", "b"]);
        assert_eq!(act(&mut state, Action::Connecting(1)), [Effect::CancelAuth]);
        assert_eq!(state.phase, Phase::List);
    }

    #[test]
    fn a_new_token_while_connecting_cancels_the_auth() {
        let mut state = at_form(&["a", "b"]);
        act(&mut state, Action::Connecting(1));
        let effects = act(&mut state, Action::Token("t2".into()));
        assert!(
            matches!(effects.as_slice(), [Effect::CancelAuth, Effect::LoadSession { token, .. }] if token == "t2"),
            "cancelled before the old client is replaced: {effects:?}"
        );
        assert_eq!(state.phase, Phase::Loading);
        // The old call's result, late, is not the new session's.
        assert!(act(&mut state, Action::AuthDone { id: 1, result: Ok(success()) }).is_empty());
        assert_eq!(state.phase, Phase::Loading);
    }

    #[test]
    fn a_stale_session_load_is_ignored() {
        let (mut state, _) = State::new(true, None, false);
        let old = ticket(&act(&mut state, Action::Token("t1".into())));
        let new = ticket(&act(&mut state, Action::Token("t2".into())));
        // t1's answers, late: neither its session nor its failure is t2's.
        assert!(act(&mut state, session_loaded(old, &["old"])).is_empty());
        assert!(
            act(&mut state, Action::LoadFailed { ticket: old, error: LoadError::Unauthorized }).is_empty()
        );
        assert_eq!(state.phase, Phase::Loading);
        act(&mut state, session_loaded(new, &["a", "b"]));
        assert_eq!(state.phase, Phase::List);
        assert_eq!(state.integrations, [integration("a"), integration("b")]);
    }

    #[test]
    fn a_provider_loaded_for_an_old_session_is_ignored() {
        // One integration: the provider request goes out at once; then a new token arrives.
        let (mut state, effects) = loaded(&["a"]);
        let old = ticket(&effects);
        let effects = act(&mut state, Action::Token("t2".into()));
        let new = ticket(&act(&mut state, session_loaded(ticket(&effects), &["a"])));
        assert!(
            act(
                &mut state,
                Action::ProviderLoaded {
                    ticket: old,
                    provider: api_key_provider(),
                    external_id: String::new()
                }
            )
            .is_empty()
        );
        assert_eq!(state.phase, Phase::LoadingProvider, "the first session's answer is not taken");
        act(
            &mut state,
            Action::ProviderLoaded { ticket: new, provider: api_key_provider(), external_id: String::new() },
        );
        assert_eq!(state.phase, Phase::Form);
    }

    #[test]
    fn leaving_a_half_filled_form_asks_first() {
        let mut state = at_form(&["a", "b"]);
        assert_eq!(
            act(&mut state, Action::RequestClose(CloseBy::Button)),
            [Effect::Close],
            "a clean form closes at once"
        );

        let mut state = at_form(&["a", "b"]);
        act(&mut state, Action::Input { name: "apiKey".into(), value: "half".into() });
        assert!(act(&mut state, Action::RequestClose(CloseBy::Button)).is_empty());
        assert_eq!(state.confirm, Some(Leave::Close(CloseBy::Button)));
        // Escape dismisses the question, a second Escape asks again.
        assert!(act(&mut state, Action::Escape).is_empty());
        assert_eq!(state.confirm, None);
        assert!(act(&mut state, Action::Escape).is_empty());
        assert_eq!(state.confirm, Some(Leave::Close(CloseBy::Outside)));
        assert_eq!(act(&mut state, Action::ConfirmLeave), [Effect::Close]);

        let mut state = at_form(&["a", "b"]);
        act(&mut state, Action::Input { name: "apiKey".into(), value: "half".into() });
        act(&mut state, Action::Back);
        assert_eq!(state.confirm, Some(Leave::ToList));
        act(&mut state, Action::CancelLeave);
        assert_eq!(state.phase, Phase::Form);
        act(&mut state, Action::Back);
        act(&mut state, Action::ConfirmLeave);
        assert_eq!(state.phase, Phase::List);
        assert_eq!(state.form, None);
    }

    #[test]
    fn closing_while_connecting_cancels_the_auth() {
        let mut state = at_form(&["a"]);
        act(&mut state, Action::Connecting(1));
        assert_eq!(act(&mut state, Action::Escape), [Effect::CancelAuth, Effect::Close]);
    }

    /// The beacons among `effects`: `(event, integration)`.
    fn beacons(effects: &[Effect]) -> Vec<(&'static str, Option<String>)> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Telemetry(b) => Some((b.event.as_str(), b.integration.clone())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn telemetry_follows_nangos_page() {
        let (mut state, _) = State::new(true, None, false);
        let mut sent = Vec::new();
        let effects = state.apply(Action::Token("t".into()));
        sent.extend(beacons(&effects));
        assert!(effects.iter().any(|e| matches!(e, Effect::Telemetry(b) if b.token == "t")));
        let effects = state.apply(session_loaded(ticket(&effects), &["a", "b"]));
        sent.extend(beacons(&effects));
        let effects = state.apply(Action::Select("a".into()));
        sent.extend(beacons(&effects));
        sent.extend(beacons(&state.apply(Action::ProviderLoaded {
            ticket: ticket(&effects),
            provider: api_key_provider(),
            external_id: String::new(),
        })));
        sent.extend(beacons(&state.apply(Action::DocsClicked)));
        sent.extend(beacons(&state.apply(Action::DocSectionClicked)));
        sent.extend(beacons(&state.apply(Action::Connecting(1))));
        sent.extend(beacons(&state.apply(Action::AuthDone { id: 1, result: Ok(success()) })));
        sent.extend(beacons(&state.apply(Action::Finish)));
        let a = Some("a".to_owned());
        assert_eq!(
            sent,
            [
                ("open", None),
                ("view:list", None),
                ("click:integration", a.clone()),
                ("view:integration", a.clone()),
                ("click:doc", a.clone()),
                ("click:doc_section", a),
                ("click:connect", None),
                ("view:success", None),
                ("click:finish", None),
            ]
        );
    }

    #[test]
    fn failures_and_closes_have_their_beacons() {
        let mut state = at_form(&["a"]);
        state.apply(Action::Connecting(1));
        let blocked = AuthError::new(AuthErrorType::BlockedByBrowser, "");
        let effects = state.apply(Action::AuthDone { id: 1, result: Err(blocked) });
        assert_eq!(beacons(&effects), [("popup:blocked_by_browser", None)]);
        state.apply(Action::Back);
        state.apply(Action::Connecting(2));
        let effects =
            state.apply(Action::AuthDone { id: 2, result: Err(api_failure("connection_test_failed", "")) });
        assert_eq!(beacons(&effects), [("view:credentials_error", None)]);
        assert_eq!(beacons(&state.apply(Action::Escape)), [("click:outside", None)]);

        let mut state = at_form(&["a", "b"]);
        assert_eq!(beacons(&state.apply(Action::RequestClose(CloseBy::Button))), [("click:close", None)]);
        // Without a session (a standalone page without a token) nothing is sent.
        let (mut state, _) = State::new(false, None, false);
        assert!(beacons(&state.apply(Action::RequestClose(CloseBy::Button))).is_empty());
    }

    #[test]
    fn a_preview_sends_nothing_connects_nothing_and_never_closes() {
        let (mut state, _) = State::new(true, None, true);
        let effects = state.apply(Action::Token("t".into()));
        assert!(beacons(&effects).is_empty());
        let effects = state.apply(session_loaded(ticket(&effects), &["a"]));
        assert!(beacons(&effects).is_empty());
        state.apply(Action::ProviderLoaded {
            ticket: ticket(&effects),
            provider: api_key_provider(),
            external_id: String::new(),
        });
        assert_eq!(state.phase, Phase::Form);
        assert!(!state.may_start_auth(), "submitting is disabled");
        assert_eq!(state.apply(Action::Connecting(1)), [Effect::CancelAuth]);
        assert_eq!(state.phase, Phase::Form);
        assert!(state.apply(Action::RequestClose(CloseBy::Button)).is_empty());
        assert!(state.apply(Action::Escape).is_empty());
        assert_eq!(state.phase, Phase::Form);

        let mut settings = ConnectUiSettings::default();
        settings.show_watermark = Some(false);
        assert_eq!(
            state.apply(Action::PreviewSettings(settings.clone())),
            [Effect::Restyle(settings.clone())]
        );
        assert_eq!(state.session.settings, settings);
    }

    #[test]
    fn settings_from_the_parent_count_only_in_a_preview() {
        let mut state = at_form(&["a"]);
        assert!(state.may_start_auth());
        let mut settings = ConnectUiSettings::default();
        settings.show_watermark = Some(false);
        assert!(state.apply(Action::PreviewSettings(settings)).is_empty());
        assert_eq!(state.session.settings, ConnectUiSettings::default());
    }

    fn callback_error(message: &str, error_type: Option<&str>) -> Action {
        Action::CallbackError { message: message.into(), error_type: error_type.map(str::to_owned) }
    }

    #[test]
    fn a_callback_error_fails_the_auth_once() {
        let mut state = at_form(&["a"]);
        assert!(state.apply(callback_error("denied", None)).is_empty(), "no auth is running");
        state.apply(Action::Connecting(1));
        let effects = act(&mut state, callback_error("access_denied: no", None));
        assert_eq!(
            effects,
            [
                Effect::CancelAuth,
                Effect::Post(ConnectUiEvent::Error {
                    error_type: "connection_validation_failed".into(),
                    error_message: "access_denied: no".into()
                })
            ]
        );
        assert!(
            matches!(&state.phase, Phase::Failure(e) if e.kind == AuthErrorType::ConnectionValidationFailed)
        );
        // The socket's error of the same flow, later: not a second failure.
        assert!(
            state.apply(Action::AuthDone { id: 1, result: Err(api_failure("callback_err", "")) }).is_empty()
        );
        assert!(state.apply(callback_error("again", None)).is_empty());
    }

    #[test]
    fn a_callback_error_keeps_the_servers_code() {
        let mut state = at_form(&["a"]);
        state.apply(Action::Connecting(1));
        let effects = act(&mut state, callback_error("expired", Some("unknown_connect_session_token")));
        assert_eq!(
            effects.last(),
            Some(&Effect::Post(ConnectUiEvent::Error {
                error_type: "unknown_connect_session_token".into(),
                error_message: "expired".into()
            })),
            "the host must see an expired session as one: {effects:?}"
        );
    }

    #[test]
    fn a_standalone_link_has_nothing_to_close() {
        let (mut state, effects) = State::new(false, Some("link".into()), false);
        assert!(!state.can_close());
        state.apply(session_loaded(ticket(&effects), &["a", "b"]));
        assert!(state.apply(Action::RequestClose(CloseBy::Button)).is_empty());
        assert!(state.apply(Action::Escape).is_empty());
        assert_eq!(state.phase, Phase::List);
        assert!(at_form(&["a"]).can_close(), "in an iframe it closes");
    }
}
