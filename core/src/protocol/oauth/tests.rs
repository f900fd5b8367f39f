use super::*;

const ACK: &str = r#"{"message_type":"connection_ack","ws_client_id":"x"}"#;
const SUCCESS: &str = r#"{"message_type":"success","provider_config_key":"g","connection_id":"c"}"#;

fn flow(detect: bool) -> OAuthFlow {
    OAuthFlow::new("https://h/oauth/connect/g?public_key=k".into(), "wss://h/".into(), detect, None)
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn poll(now: Duration, popup_closed: bool) -> FlowInput {
    FlowInput::Poll { now_ms: millis(now), popup_closed }
}

fn kind(step: FlowStep) -> Option<AuthErrorType> {
    match step {
        FlowStep::Finish(Err(e)) => Some(e.kind),
        _ => None,
    }
}

/// A flow past its ack, polled once at `start`.
fn authorizing(detect: bool, start: Duration) -> OAuthFlow {
    let mut f = flow(detect);
    assert_eq!(f.handle(poll(start, false)), FlowStep::Wait);
    assert!(matches!(f.handle(FlowInput::socket_text(ACK)), FlowStep::Navigate(_)));
    f
}

#[test]
fn ack_then_success() {
    let mut f = flow(false);
    assert_eq!(
        f.handle(FlowInput::socket_text(r#"{"message_type":"connection_ack","ws_client_id":"a b"}"#)),
        FlowStep::Navigate("https://h/oauth/connect/g?public_key=k&ws_client_id=a%20b".into())
    );
    assert_eq!(f.handle(FlowInput::socket_text("not json")), FlowStep::Wait);
    assert_eq!(f.handle(poll(secs(1), true)), FlowStep::Wait, "a closed popup gets a grace");
    let FlowStep::Finish(Ok(s)) = f.handle(FlowInput::socket_text(
        r#"{"message_type":"success","provider_config_key":"g","connection_id":"c","is_pending":true}"#,
    )) else {
        panic!("expected success")
    };
    assert!(s.is_pending);
    assert!(f.is_done());
    assert_eq!(f.handle(FlowInput::SocketClosed), FlowStep::Wait);
}

#[test]
fn every_failure_ends_the_flow() {
    let cases: [(FlowInput, bool, AuthErrorType); 5] = [
        (FlowInput::SocketClosed, false, AuthErrorType::NetworkError),
        (poll(secs(1), true), true, AuthErrorType::WindowClosed),
        (FlowInput::PopupBlocked, false, AuthErrorType::BlockedByBrowser),
        (FlowInput::PageHidden, false, AuthErrorType::Cancelled),
        (FlowInput::socket_text(r#"{"message_type":"success"}"#), false, AuthErrorType::InvalidResponse),
    ];
    for (input, detect, expected) in cases {
        let step = flow(detect).handle(input.clone());
        assert_eq!(kind(step.clone()), Some(expected), "{input:?}: {step:?}");
    }
}

#[test]
fn a_refused_session_ends_the_flow_before_or_after_the_ack() {
    let refusal = session_refusal(
        401,
        r#"{"error":{"code":"unknown_connect_session_token","message":"Authentication failed."}}"#,
    )
    .unwrap();
    assert_eq!(refusal.error_type(), "unknown_connect_session_token");
    assert!(refusal.is_session_refused());
    for mut f in [flow(false), authorizing(false, secs(0))] {
        let step = f.handle(FlowInput::SessionRefused(refusal.clone()));
        assert_eq!(step, FlowStep::Finish(Err(refusal.clone())));
        assert!(f.is_done());
    }
}

#[test]
fn only_a_401_is_a_refusal() {
    let body = r#"{"error":{"code":"unknown_connect_session_token"}}"#;
    for status in [200, 400, 404, 500, 503] {
        assert_eq!(session_refusal(status, body), None, "{status}");
    }
    let format = session_refusal(401, r#"{"error":{"code":"invalid_connect_session_token_format"}}"#);
    assert_eq!(
        format.map(|e| e.error_type().to_owned()).as_deref(),
        Some("invalid_connect_session_token_format")
    );
    for body in ["", "<html>401</html>", "{}"] {
        let refusal = session_refusal(401, body).unwrap();
        assert_eq!(refusal.error_type(), "unknown_connect_session_token", "{body:?}");
    }
}

#[test]
fn debug_hides_the_query_values() {
    let f = OAuthFlow::new(
        "https://h/oauth/connect/g?connect_session_token=nango_connect_session_secret&credentials%5Boauth_client_secret_override%5D=shh".into(),
        "wss://h/".into(),
        false,
        None,
    )
    .with_session_check("https://h", "nango_connect_session_secret");
    let shown = format!("{f:?}");
    assert!(!shown.contains("session_secret") && !shown.contains("shh"), "{shown}");
    assert!(shown.contains("https://h/oauth/connect/g?connect_session_token=…"), "{shown}");
}

#[test]
fn a_second_ack_does_not_navigate_again() {
    let mut f = flow(false);
    assert!(matches!(f.handle(FlowInput::socket_text(ACK)), FlowStep::Navigate(_)));
    assert_eq!(f.handle(FlowInput::socket_text(ACK)), FlowStep::Wait);
}

#[test]
fn a_popup_that_reads_closed_ends_the_flow_after_the_grace() {
    let start = secs(1_000);
    let mut f = authorizing(false, start);
    assert_eq!(f.handle(poll(start + secs(10), true)), FlowStep::Wait, "the grace starts");
    let end = start + secs(10) + CLOSED_POPUP_GRACE;
    assert_eq!(f.handle(poll(end - Duration::from_millis(500), true)), FlowStep::Wait);
    assert_eq!(kind(f.handle(poll(end, true))), Some(AuthErrorType::WindowClosed));
    assert!(f.is_done());
}

#[test]
fn the_socket_wins_during_the_grace() {
    // The provider's page cut the popup from its opener: it reads closed, the user signs in.
    let mut f = authorizing(false, secs(0));
    for t in 1..100 {
        assert_eq!(f.handle(poll(secs(t), true)), FlowStep::Wait);
    }
    assert!(matches!(f.handle(FlowInput::socket_text(SUCCESS)), FlowStep::Finish(Ok(_))));
}

#[test]
fn detection_ends_the_flow_at_once() {
    let mut f = authorizing(true, secs(0));
    assert_eq!(kind(f.handle(poll(secs(1), true))), Some(AuthErrorType::WindowClosed));
}

#[test]
fn a_popup_closed_before_the_ack_ends_the_flow_at_once() {
    // Still on our own about:blank: nothing can have cut it from its opener.
    let mut f = flow(false);
    assert_eq!(f.handle(poll(secs(0), false)), FlowStep::Wait);
    assert_eq!(kind(f.handle(poll(secs(1), true))), Some(AuthErrorType::WindowClosed));
}

#[test]
fn default_options_end_within_the_default_timeout() {
    let mut f = authorizing(false, secs(5));
    assert_eq!(f.timeout(), crate::DEFAULT_AUTH_TIMEOUT);
    assert!(crate::DEFAULT_AUTH_TIMEOUT < crate::SESSION_TOKEN_LIFETIME, "before the session dies");
    let end = secs(5) + crate::DEFAULT_AUTH_TIMEOUT;
    let mut t = secs(5);
    while t < end {
        assert_eq!(f.handle(poll(t, false)), FlowStep::Wait, "{t:?}");
        t += Duration::from_millis(500);
    }
    assert_eq!(kind(f.handle(poll(end, false))), Some(AuthErrorType::Timeout));
}

#[test]
fn the_timeout_option_overrides_the_default_and_max_means_never() {
    let with = |timeout| OAuthFlow::new("https://h/c".into(), "wss://h/".into(), false, Some(timeout));
    let mut f = with(secs(3));
    assert_eq!(f.handle(poll(secs(0), false)), FlowStep::Wait);
    assert_eq!(f.handle(poll(secs(2), false)), FlowStep::Wait);
    assert_eq!(kind(f.handle(poll(secs(3), false))), Some(AuthErrorType::Timeout));

    let mut f = with(Duration::MAX);
    assert_eq!(f.handle(poll(Duration::ZERO, false)), FlowStep::Wait);
    let millennium = secs(1_000 * 365 * 24 * 3600);
    assert_eq!(f.handle(poll(millennium, false)), FlowStep::Wait, "no overflow, no end");
}

#[test]
fn a_clock_set_back_does_not_stretch_or_end_a_wait() {
    let mut f = authorizing(false, secs(10_000));
    assert_eq!(f.handle(poll(secs(10_001), true)), FlowStep::Wait);
    // The wall clock goes back an hour: that counts as no time, the grace goes on.
    assert_eq!(f.handle(poll(secs(6_401), true)), FlowStep::Wait);
    let end = secs(6_401) + CLOSED_POPUP_GRACE;
    assert_eq!(f.handle(poll(end - secs(1), true)), FlowStep::Wait);
    assert_eq!(kind(f.handle(poll(end, true))), Some(AuthErrorType::WindowClosed));
}

#[test]
fn milliseconds_saturate() {
    assert_eq!(millis(Duration::from_micros(1_500_999)), 1_500);
    assert_eq!(millis(Duration::MAX), (u64::MAX / 1000 - 1) * 1000 + 999);
}

#[test]
fn a_popup_that_reads_open_again_restarts_the_grace() {
    let mut f = authorizing(false, secs(0));
    assert_eq!(f.handle(poll(secs(1), true)), FlowStep::Wait);
    assert_eq!(f.handle(poll(secs(100), false)), FlowStep::Wait);
    assert_eq!(f.handle(poll(secs(101), true)), FlowStep::Wait);
    assert_eq!(f.handle(poll(secs(101) + CLOSED_POPUP_GRACE - secs(1), true)), FlowStep::Wait);
    assert_eq!(kind(f.handle(poll(secs(101) + CLOSED_POPUP_GRACE, true))), Some(AuthErrorType::WindowClosed));
}
