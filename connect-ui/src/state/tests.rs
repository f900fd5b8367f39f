use nango_frontend::{ConnectUiSettings, Json};

use super::*;
use crate::model::Provider;

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
        Action::ProviderLoaded { ticket: first, provider: api_key_provider(), external_id: String::new() },
    );
    assert_eq!(state.phase, Phase::LoadingProvider);
    act(
        &mut state,
        Action::ProviderLoaded { ticket: second, provider: api_key_provider(), external_id: String::new() },
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
    assert!(act(&mut state, Action::LoadFailed { ticket: old, error: LoadError::Unauthorized }).is_empty());
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
            Action::ProviderLoaded { ticket: old, provider: api_key_provider(), external_id: String::new() }
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
    assert_eq!(state.apply(Action::PreviewSettings(settings.clone())), [Effect::Restyle(settings.clone())]);
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
    assert!(matches!(&state.phase, Phase::Failure(e) if e.kind == AuthErrorType::ConnectionValidationFailed));
    // The socket's error of the same flow, later: not a second failure.
    assert!(state.apply(Action::AuthDone { id: 1, result: Err(api_failure("callback_err", "")) }).is_empty());
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
