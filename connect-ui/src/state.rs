//! The page's state machine: a pure reducer (`State::apply`) that returns the effects the
//! component performs (fetches, messages to the parent). Tested natively.

use nango_frontend::{AuthError, AuthErrorType, AuthSuccess, ConnectUiEvent};

use crate::form::Form;
use crate::model::{Integration, Provider, Session};

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
    Close,
    /// Back to the integration list.
    ToList,
}

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// 401: the session token is unknown or expired.
    Unauthorized,
    /// Anything else, as an API error.
    Failed(AuthError),
}

/// What happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A session token arrived (query or parent).
    Token(String),
    /// 10 s passed in an iframe.
    TokenTimeout,
    /// `GET /connect/session` and `GET /integrations` answered.
    SessionLoaded {
        /// The session.
        session: Session,
        /// The integrations the session may use.
        integrations: Vec<Integration>,
    },
    /// Loading the session failed.
    LoadFailed(LoadError),
    /// The user chose an integration.
    Select(String),
    /// `GET /providers/{provider}` answered for `key`.
    ProviderLoaded {
        /// The integration it was loaded for.
        key: String,
        /// The provider.
        provider: Provider,
    },
    /// Loading the provider failed.
    ProviderFailed {
        /// The integration it was loaded for.
        key: String,
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
    /// The auth call started.
    Connecting,
    /// The auth call ended.
    AuthDone(Result<AuthSuccess, AuthError>),
    /// The Back button.
    Back,
    /// Close button or click outside the dialog.
    RequestClose,
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
    LoadSession(String),
    /// Fetch a provider for an integration.
    LoadProvider {
        /// Integration key.
        key: String,
        /// Provider name.
        provider: String,
    },
    /// Post an event to the parent.
    Post(ConnectUiEvent),
    /// Cancel the running auth call.
    CancelAuth,
    /// Post `close`.
    Close,
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The screen.
    pub phase: Phase,
    /// The page runs inside an iframe.
    pub in_iframe: bool,
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
}

impl State {
    /// The start: waiting for a token in an iframe, else the token of the link (or none).
    pub fn new(in_iframe: bool, link_token: Option<String>) -> (Self, Vec<Effect>) {
        let mut state = Self {
            phase: if in_iframe { Phase::WaitingForToken } else { Phase::NoToken },
            in_iframe,
            token: None,
            session: Session::default(),
            integrations: Vec::new(),
            selected: None,
            form: None,
            confirm: None,
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
                self.token = Some(token.clone());
                self.selected = None;
                self.form = None;
                self.confirm = None;
                self.phase = Phase::Loading;
                vec![Effect::LoadSession(token)]
            }
            Action::TokenTimeout => {
                if self.phase == Phase::WaitingForToken {
                    self.phase = Phase::NoToken;
                }
                Vec::new()
            }
            Action::SessionLoaded { session, mut integrations } => {
                if self.phase != Phase::Loading {
                    return Vec::new();
                }
                if let Some(allowed) = &session.allowed_integrations {
                    integrations.retain(|i| allowed.contains(&i.unique_key));
                }
                let settings = session.settings.clone();
                self.session = session;
                self.integrations = integrations;
                let mut effects = vec![Effect::Post(ConnectUiEvent::SettingsChanged(settings))];
                match self.integrations.as_slice() {
                    [only] => {
                        let key = only.unique_key.clone();
                        effects.extend(self.select(&key));
                    }
                    _ => self.phase = Phase::List,
                }
                effects
            }
            Action::LoadFailed(error) => {
                if self.phase != Phase::Loading {
                    return Vec::new();
                }
                match error {
                    LoadError::Unauthorized => self.expire(),
                    LoadError::Failed(error) => {
                        self.phase = Phase::LoadError(error.to_string());
                        Vec::new()
                    }
                }
            }
            Action::Select(key) => {
                if self.phase == Phase::List {
                    self.select(&key)
                } else {
                    Vec::new()
                }
            }
            Action::ProviderLoaded { key, provider } => {
                if self.phase == Phase::LoadingProvider && self.selected_key() == Some(key.as_str()) {
                    self.form = Some(Form::new(&key, &provider, self.session.defaults_for(&key)));
                    self.phase = Phase::Form;
                }
                Vec::new()
            }
            Action::ProviderFailed { key, error } => {
                if self.phase != Phase::LoadingProvider || self.selected_key() != Some(key.as_str()) {
                    return Vec::new();
                }
                match error {
                    LoadError::Unauthorized => self.expire(),
                    LoadError::Failed(error) => {
                        self.phase = Phase::Failure(error);
                        Vec::new()
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
            Action::Connecting => {
                if self.phase == Phase::Form {
                    self.phase = Phase::Connecting;
                    self.confirm = None;
                }
                Vec::new()
            }
            Action::AuthDone(result) => {
                if self.phase != Phase::Connecting {
                    return Vec::new();
                }
                match result {
                    Ok(success) => {
                        self.phase = Phase::Success(success.clone());
                        vec![Effect::Post(ConnectUiEvent::Connect(success))]
                    }
                    Err(error) => {
                        self.phase = Phase::Failure(error.clone());
                        vec![Effect::Post(ConnectUiEvent::Error {
                            error_type: error.error_type().to_owned(),
                            error_message: error.message,
                        })]
                    }
                }
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
                    vec![Effect::CancelAuth]
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
            Action::RequestClose => {
                if self.confirm.is_some() {
                    return Vec::new();
                }
                if self.is_dirty() {
                    self.confirm = Some(Leave::Close);
                    return Vec::new();
                }
                self.close()
            }
            Action::Escape => {
                if self.confirm.take().is_some() {
                    Vec::new()
                } else {
                    self.apply(Action::RequestClose)
                }
            }
            Action::CancelLeave => {
                self.confirm = None;
                Vec::new()
            }
            Action::ConfirmLeave => match self.confirm.take() {
                Some(Leave::Close) => self.close(),
                Some(Leave::ToList) => {
                    self.back_to_list();
                    Vec::new()
                }
                None => Vec::new(),
            },
            Action::Finish => self.close(),
        }
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

    fn select(&mut self, key: &str) -> Vec<Effect> {
        let Some(integration) = self.integrations.iter().find(|i| i.unique_key == key).cloned() else {
            return Vec::new();
        };
        let effect = Effect::LoadProvider { key: key.to_owned(), provider: integration.provider.clone() };
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

    fn close(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.phase == Phase::Connecting {
            effects.push(Effect::CancelAuth);
        }
        self.phase = Phase::Closed;
        self.confirm = None;
        effects.push(Effect::Close);
        effects
    }
}

/// An API error as the error shown on the failure screen.
pub fn api_failure(code: &str, message: &str) -> AuthError {
    AuthError::new(AuthErrorType::from_code(code), message)
}

#[cfg(test)]
mod tests {
    use nango_frontend::Json;

    use super::*;

    fn integration(key: &str) -> Integration {
        Integration {
            unique_key: key.into(),
            provider: format!("{key}-provider"),
            display_name: key.into(),
            logo: None,
        }
    }

    fn api_key_provider() -> Provider {
        Provider::from_answer(
            &Json::parse(r#"{"data":{"auth_mode":"API_KEY","credentials":{"apiKey":{"title":"API Key"}}}}"#)
                .unwrap(),
        )
        .unwrap()
    }

    fn loaded(keys: &[&str]) -> (State, Vec<Effect>) {
        let (mut state, effects) = State::new(true, None);
        assert!(effects.is_empty());
        assert_eq!(state.apply(Action::Token("t".into())), [Effect::LoadSession("t".into())]);
        let effects = state.apply(Action::SessionLoaded {
            session: Session::default(),
            integrations: keys.iter().map(|k| integration(k)).collect(),
        });
        (state, effects)
    }

    fn at_form(keys: &[&str]) -> State {
        let (mut state, _) = loaded(keys);
        if state.phase == Phase::List {
            state.apply(Action::Select("a".into()));
        }
        state.apply(Action::ProviderLoaded { key: "a".into(), provider: api_key_provider() });
        assert_eq!(state.phase, Phase::Form);
        state
    }

    #[test]
    fn waits_for_the_token_then_times_out() {
        let (mut state, _) = State::new(true, None);
        assert_eq!(state.phase, Phase::WaitingForToken);
        state.apply(Action::TokenTimeout);
        assert_eq!(state.phase, Phase::NoToken);
        // A late token still works.
        assert_eq!(state.apply(Action::Token("late".into())), [Effect::LoadSession("late".into())]);
        assert_eq!(state.phase, Phase::Loading);
        // The timeout is ignored once a token came.
        state.apply(Action::TokenTimeout);
        assert_eq!(state.phase, Phase::Loading);
    }

    #[test]
    fn standalone_without_token_says_so_at_once() {
        let (state, effects) = State::new(false, None);
        assert_eq!(state.phase, Phase::NoToken);
        assert!(effects.is_empty());
        let (state, effects) = State::new(false, Some("link".into()));
        assert_eq!(state.phase, Phase::Loading);
        assert_eq!(effects, [Effect::LoadSession("link".into())]);
    }

    #[test]
    fn same_token_twice_loads_once() {
        let (mut state, _) = State::new(true, None);
        assert_eq!(state.apply(Action::Token("t".into())).len(), 1);
        assert!(state.apply(Action::Token("t".into())).is_empty());
        assert!(state.apply(Action::Token(String::new())).is_empty());
    }

    #[test]
    fn unauthorized_means_expired_and_tells_the_host() {
        let (mut state, _) = State::new(true, None);
        state.apply(Action::Token("t".into()));
        let effects = state.apply(Action::LoadFailed(LoadError::Unauthorized));
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
        assert!(matches!(effects.as_slice(), [Effect::Post(ConnectUiEvent::SettingsChanged(_))]));
    }

    #[test]
    fn a_single_integration_skips_the_list() {
        let (state, effects) = loaded(&["a"]);
        assert_eq!(state.phase, Phase::LoadingProvider);
        assert_eq!(
            effects.get(1),
            Some(&Effect::LoadProvider { key: "a".into(), provider: "a-provider".into() })
        );
        assert!(!state.can_go_back_to_list());
    }

    #[test]
    fn allowed_integrations_filter_the_list() {
        let (mut state, _) = State::new(true, None);
        state.apply(Action::Token("t".into()));
        let session = Session { allowed_integrations: Some(vec!["b".into()]), ..Session::default() };
        state
            .apply(Action::SessionLoaded { session, integrations: vec![integration("a"), integration("b")] });
        assert_eq!(state.integrations, [integration("b")]);
        assert_eq!(state.phase, Phase::LoadingProvider);
    }

    #[test]
    fn stale_provider_answers_are_ignored() {
        let (mut state, _) = loaded(&["a", "b"]);
        state.apply(Action::Select("a".into()));
        state.apply(Action::Back);
        state.apply(Action::Select("b".into()));
        state.apply(Action::ProviderLoaded { key: "a".into(), provider: api_key_provider() });
        assert_eq!(state.phase, Phase::LoadingProvider);
        state.apply(Action::ProviderLoaded { key: "b".into(), provider: api_key_provider() });
        assert_eq!(state.phase, Phase::Form);
        assert_eq!(state.form.as_ref().map(|f| f.integration.as_str()), Some("b"));
    }

    #[test]
    fn success_posts_connect_and_finish_closes() {
        let mut state = at_form(&["a", "b"]);
        state.apply(Action::Connecting);
        let success =
            AuthSuccess { provider_config_key: "a".into(), connection_id: "c".into(), is_pending: false };
        let effects = state.apply(Action::AuthDone(Ok(success.clone())));
        assert_eq!(effects, [Effect::Post(ConnectUiEvent::Connect(success.clone()))]);
        assert_eq!(state.phase, Phase::Success(success));
        assert_eq!(state.apply(Action::Finish), [Effect::Close]);
        assert_eq!(state.phase, Phase::Closed);
    }

    #[test]
    fn failure_posts_error_and_back_returns_to_the_filled_form() {
        let mut state = at_form(&["a", "b"]);
        state.apply(Action::Input { name: "apiKey".into(), value: "bad".into() });
        state.apply(Action::Connecting);
        let error = api_failure("connection_test_failed", "refused");
        let effects = state.apply(Action::AuthDone(Err(error.clone())));
        assert_eq!(
            effects,
            [Effect::Post(ConnectUiEvent::Error {
                error_type: "connection_test_failed".into(),
                error_message: "refused".into()
            })]
        );
        assert_eq!(state.phase, Phase::Failure(error));
        state.apply(Action::Back);
        assert_eq!(state.phase, Phase::Form);
        assert_eq!(state.form.as_ref().map(|f| f.value("apiKey")), Some("bad"));
    }

    #[test]
    fn late_auth_results_are_ignored() {
        let mut state = at_form(&["a", "b"]);
        state.apply(Action::Connecting);
        assert_eq!(state.apply(Action::Back), [Effect::CancelAuth]);
        assert!(state.apply(Action::AuthDone(Err(api_failure("cancelled", "")))).is_empty());
        assert_eq!(state.phase, Phase::Form);
    }

    #[test]
    fn leaving_a_half_filled_form_asks_first() {
        let mut state = at_form(&["a", "b"]);
        assert_eq!(state.apply(Action::RequestClose), [Effect::Close], "a clean form closes at once");

        let mut state = at_form(&["a", "b"]);
        state.apply(Action::Input { name: "apiKey".into(), value: "half".into() });
        assert!(state.apply(Action::RequestClose).is_empty());
        assert_eq!(state.confirm, Some(Leave::Close));
        // Escape dismisses the question, a second Escape asks again.
        assert!(state.apply(Action::Escape).is_empty());
        assert_eq!(state.confirm, None);
        assert!(state.apply(Action::Escape).is_empty());
        assert_eq!(state.confirm, Some(Leave::Close));
        assert_eq!(state.apply(Action::ConfirmLeave), [Effect::Close]);

        let mut state = at_form(&["a", "b"]);
        state.apply(Action::Input { name: "apiKey".into(), value: "half".into() });
        state.apply(Action::Back);
        assert_eq!(state.confirm, Some(Leave::ToList));
        state.apply(Action::CancelLeave);
        assert_eq!(state.phase, Phase::Form);
        state.apply(Action::Back);
        state.apply(Action::ConfirmLeave);
        assert_eq!(state.phase, Phase::List);
        assert_eq!(state.form, None);
    }

    #[test]
    fn closing_while_connecting_cancels_the_auth() {
        let mut state = at_form(&["a"]);
        state.apply(Action::Connecting);
        assert_eq!(state.apply(Action::Escape), [Effect::CancelAuth, Effect::Close]);
    }
}
