//! The OAuth popup flow as a sans-IO state machine (its lifecycle:
//! `docs/auth-lifecycle.md`).
//!
//! The browser layer opens the popup and the socket, then feeds every event to
//! [`OAuthFlow::handle`] and performs the returned [`FlowStep`]. It looks at the popup once when
//! the flow starts and then every half second ([`FlowInput::Poll`]), with a clock reading: every
//! decision that depends on time is taken here, from those readings.
//!
//! Every path ends, with default options too: a result from the socket, Nango refusing the
//! session token ([`FlowInput::SessionRefused`]), the socket closing or failing, the popup closing, the overall timeout ([`DEFAULT_AUTH_TIMEOUT`](crate::DEFAULT_AUTH_TIMEOUT)
//! unless [`AuthOptions::timeout`](crate::AuthOptions::timeout) says otherwise), the page being
//! left, or cancellation.
//!
//! A popup that reads closed is not always closed: when the provider's page sends
//! `Cross-Origin-Opener-Policy`, the browser cuts the popup from its opener and `popup.closed`
//! reads `true` while the user is still signing in; the result still comes on the socket. So a
//! closed popup ends the flow at once only before it left our origin (before the
//! `connection_ack`) or with [`AuthOptions::detect_closed_auth_window`](crate::AuthOptions::detect_closed_auth_window);
//! otherwise the flow keeps listening to the socket for [`CLOSED_POPUP_GRACE`] and then ends
//! with `window_closed`.

use std::time::Duration;

use crate::json::{Json, JsonRead};
use crate::protocol::response::AuthSuccess;
use crate::text::concat;
use crate::{AuthError, AuthErrorType};

/// How long a flow keeps listening to the socket after its popup read closed (unless
/// [`AuthOptions::detect_closed_auth_window`](crate::AuthOptions::detect_closed_auth_window)
/// is set): two minutes.
///
/// A popup cut from its opener by the provider's `Cross-Origin-Opener-Policy` reads closed from
/// the moment the provider's page loads, so the grace has to cover a whole sign-in there
/// (password, second factor, consent): ending too early would report `window_closed` for a
/// connection that is then made. Two minutes covers most sign-ins and still tells a user who
/// really closed the popup (or met an error page) within two minutes; apps whose providers never
/// cut the opener can turn detection on and end at once.
pub const CLOSED_POPUP_GRACE: Duration = Duration::from_secs(120);

/// Something that happened to a running OAuth flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowInput {
    /// The popup could not be opened (`window.open` returned nothing or a closed window).
    PopupBlocked,
    /// A text frame arrived on the WebSocket.
    SocketMessage(WsMessage),
    /// The WebSocket failed or closed.
    SocketClosed,
    /// A look at the popup: once when the flow starts, then every half second.
    Poll {
        /// A clock reading in milliseconds. Only differences between readings count, and a
        /// reading earlier than the previous one counts as no time, so a wall clock set back
        /// cannot stretch a wait.
        now_ms: u64,
        /// What `popup.closed` read.
        popup_closed: bool,
    },
    /// The page is being left (`pagehide`): the popup would outlive the page that waits for it.
    PageHidden,
    /// Nango refused the flow's session token when the browser layer checked it
    /// ([`OAuthFlow::session_check`], answered through [`session_refusal`]): a real Nango then
    /// shows a JSON error page in the popup and sends nothing on the socket, so nothing else
    /// would end the flow soon.
    SessionRefused(AuthError),
}

impl FlowInput {
    /// A socket text frame, parsed.
    pub fn socket_text(text: &str) -> Self {
        Self::SocketMessage(parse_ws_message(text))
    }

    /// A short name, for debug logs.
    pub fn name(&self) -> &'static str {
        match self {
            Self::PopupBlocked => "popup blocked",
            Self::SocketMessage(_) => "socket message",
            Self::SocketClosed => "socket closed",
            Self::Poll { .. } => "poll",
            Self::PageHidden => "page hidden",
            Self::SessionRefused(_) => "session refused",
        }
    }
}

/// What the browser layer must do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowStep {
    /// Nothing.
    Wait,
    /// Point the popup at this URL (`/oauth/connect/…&ws_client_id=…`).
    Navigate(String),
    /// The flow is over: release the popup, the socket and the timers, and report this.
    Finish(Result<AuthSuccess, AuthError>),
}

impl FlowStep {
    /// A short name, for debug logs.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Wait => "wait",
            Self::Navigate(_) => "navigate popup",
            Self::Finish(Ok(_)) => "success",
            Self::Finish(Err(_)) => "error",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    AwaitingAck,
    Authorizing,
    Done,
}

/// One OAuth popup flow.
///
/// `Debug` shows its URLs without their query values (session token, client secret override).
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthFlow {
    connect_url: String,
    ws_url: String,
    /// `GET {host}/connect/session` and the session token to check, when the flow has one.
    session_check: Option<(String, String)>,
    detect_closed_window: bool,
    timeout: Duration,
    grace: Duration,
    state: State,
    /// The previous [`FlowInput::Poll`]'s clock reading, in ms (whole milliseconds: `Duration`
    /// arithmetic costs more wasm).
    last_poll: Option<u64>,
    /// Time since the first poll, in ms.
    elapsed: u64,
    /// `elapsed` when a poll first saw the popup closed.
    closed_since: Option<u64>,
}

impl OAuthFlow {
    /// A flow that gives up after `timeout` (`None`: [`DEFAULT_AUTH_TIMEOUT`](crate::DEFAULT_AUTH_TIMEOUT)).
    pub(crate) fn new(
        connect_url: String,
        ws_url: String,
        detect_closed_window: bool,
        timeout: Option<Duration>,
    ) -> Self {
        Self {
            connect_url,
            ws_url,
            session_check: None,
            detect_closed_window,
            timeout: crate::options::effective_timeout(timeout),
            grace: CLOSED_POPUP_GRACE,
            state: State::AwaitingAck,
            last_poll: None,
            elapsed: 0,
            closed_since: None,
        }
    }

    /// The same flow with another grace period (browser tests, to keep their waits short).
    #[cfg(all(test, browser))]
    pub(crate) fn with_grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// The same flow, checking `token` with `GET {host}/connect/session` while the popup loads.
    pub(crate) fn with_session_check(mut self, host: &str, token: &str) -> Self {
        self.session_check = Some((concat(&[host, "/connect/session"]), token.to_owned()));
        self
    }

    /// What the browser layer checks while the popup loads, as Nango's Connect UI does: the URL
    /// of `GET /connect/session` and the session token, sent as `Authorization: Bearer …`
    /// (`None` for a public-key flow). A refusal ([`session_refusal`]) is fed back as
    /// [`FlowInput::SessionRefused`]; any other answer changes nothing.
    pub fn session_check(&self) -> Option<(&str, &str)> {
        self.session_check.as_ref().map(|(url, token)| (url.as_str(), token.as_str()))
    }

    /// The WebSocket URL to open.
    pub fn ws_url(&self) -> &str {
        &self.ws_url
    }

    /// The `/oauth/connect` URL, without the `ws_client_id` the server assigns.
    pub fn connect_url(&self) -> &str {
        &self.connect_url
    }

    /// Whether a closed popup ends the flow at once (else after [`CLOSED_POPUP_GRACE`]).
    pub fn detects_closed_window(&self) -> bool {
        self.detect_closed_window
    }

    /// How long the flow may run before it ends with `timeout`.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Whether the flow has finished.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Advances the flow. After a [`FlowStep::Finish`] every input gives [`FlowStep::Wait`].
    pub fn handle(&mut self, input: FlowInput) -> FlowStep {
        if self.state == State::Done {
            return FlowStep::Wait;
        }
        let step = match input {
            FlowInput::PopupBlocked => FlowStep::Finish(Err(AuthError::blocked_by_browser())),
            FlowInput::SocketMessage(message) => self.on_message(message),
            FlowInput::SocketClosed => FlowStep::Finish(Err(AuthError::network(
                "The connection to Nango closed before the authorization finished",
            ))),
            FlowInput::Poll { now_ms, popup_closed } => self.on_poll(now_ms, popup_closed),
            FlowInput::PageHidden => FlowStep::Finish(Err(AuthError::cancelled("The page was left"))),
            FlowInput::SessionRefused(error) => FlowStep::Finish(Err(error)),
        };
        if matches!(step, FlowStep::Finish(_)) {
            self.state = State::Done;
        }
        step
    }

    fn on_poll(&mut self, now: u64, popup_closed: bool) -> FlowStep {
        let step = now.saturating_sub(self.last_poll.unwrap_or(now));
        self.last_poll = Some(now);
        self.elapsed = self.elapsed.saturating_add(step);
        if self.elapsed >= millis(self.timeout) {
            return FlowStep::Finish(Err(timed_out()));
        }
        if !popup_closed {
            self.closed_since = None;
            return FlowStep::Wait;
        }
        let since = *self.closed_since.get_or_insert(self.elapsed);
        // Before the ack the popup is still on our own `about:blank`: nothing can have cut it off.
        if self.detect_closed_window
            || self.state == State::AwaitingAck
            || self.elapsed - since >= millis(self.grace)
        {
            return FlowStep::Finish(Err(AuthError::window_closed()));
        }
        FlowStep::Wait
    }

    fn on_message(&mut self, message: WsMessage) -> FlowStep {
        match message {
            WsMessage::Ack { ws_client_id } if self.state == State::AwaitingAck => {
                self.state = State::Authorizing;
                let sep = if self.connect_url.bytes().any(|b| b == b'?') { "&" } else { "?" };
                let id = crate::url::encode_component(&ws_client_id);
                FlowStep::Navigate(concat(&[self.connect_url.as_str(), sep, "ws_client_id=", &id]))
            }
            WsMessage::Success(success) => FlowStep::Finish(Ok(success)),
            WsMessage::Error(error) => FlowStep::Finish(Err(error)),
            WsMessage::Ack { .. } | WsMessage::Ignored => FlowStep::Wait,
        }
    }
}

impl std::fmt::Debug for OAuthFlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthFlow")
            .field("connect_url", &crate::url::redact_query(&self.connect_url))
            .field("ws_url", &self.ws_url)
            .field("session_check", &self.session_check.is_some())
            .field("detect_closed_window", &self.detect_closed_window)
            .field("timeout", &self.timeout)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

/// Whether the answer to the session check ([`OAuthFlow::session_check`]) refuses the token:
/// HTTP 401 (Nango's `unknown_connect_session_token` for an unknown or expired token,
/// `invalid_connect_session_token_format`), with the code of its body. Any other answer (the
/// session is fine, the server or the network failed) is no refusal: the flow goes on.
pub fn session_refusal(status: u16, body: &str) -> Option<AuthError> {
    session_refusal_of(status, Json::parse(body).as_ref())
}

/// [`session_refusal`] on a body already parsed (`None`: it is not JSON).
pub(crate) fn session_refusal_of(status: u16, value: Option<impl JsonRead>) -> Option<AuthError> {
    if status != 401 {
        return None;
    }
    let refused = || {
        AuthError::new(
            AuthErrorType::from_code("unknown_connect_session_token"),
            "Nango refused the connect session token",
        )
    };
    Some(value.and_then(|v| crate::protocol::response::server_error(&v)).unwrap_or_else(refused))
}

/// Whole milliseconds, saturating. (`as_millis` and `saturating_mul` compute in 128 bits,
/// costly in wasm; the `min` keeps the product in range.)
pub(crate) fn millis(duration: Duration) -> u64 {
    duration.as_secs().min(u64::MAX / 1000 - 1) * 1000 + u64::from(duration.subsec_millis())
}

fn timed_out() -> AuthError {
    AuthError::new(AuthErrorType::Timeout, "The authorization did not finish in time")
}

/// A message from Nango's WebSocket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsMessage {
    /// `connection_ack`: the socket's id, to pass to `/oauth/connect`.
    Ack {
        /// The id the server gave this socket.
        ws_client_id: String,
    },
    /// `success`: the connection was made.
    Success(AuthSuccess),
    /// `error`, or a `success`/`error`/`connection_ack` frame too malformed to use.
    Error(AuthError),
    /// Not JSON, not an object, or an unknown `message_type`: ignored, as the protocol says.
    Ignored,
}

/// Parses one WebSocket text frame.
pub fn parse_ws_message(text: &str) -> WsMessage {
    ws_message(Json::parse(text).as_ref())
}

/// [`parse_ws_message`] on a frame already parsed (`None`: it is not JSON).
pub(crate) fn ws_message(value: Option<impl JsonRead>) -> WsMessage {
    let Some(value) = value else {
        return WsMessage::Ignored;
    };
    let field = |k: &str| value.text(k);
    match field("message_type").as_deref() {
        Some("connection_ack") => match field("ws_client_id") {
            Some(id) if !id.is_empty() => WsMessage::Ack { ws_client_id: id },
            _ => WsMessage::Error(AuthError::invalid_response("Nango's connection_ack has no ws_client_id")),
        },
        Some("success") => match (field("provider_config_key"), field("connection_id")) {
            (Some(provider_config_key), Some(connection_id)) => WsMessage::Success(AuthSuccess {
                provider_config_key,
                connection_id,
                is_pending: value.field("is_pending").and_then(|v| v.boolean()).unwrap_or(false),
            }),
            _ => WsMessage::Error(AuthError::invalid_response(
                "Nango's success message lacks provider_config_key or connection_id",
            )),
        },
        Some("error") => {
            let code = field("error_type").unwrap_or_else(|| "unknown_error".to_owned());
            let message = field("error_desc").unwrap_or_else(|| "The authorization failed".to_owned());
            WsMessage::Error(AuthError::new(AuthErrorType::from_code(&code), message))
        }
        _ => WsMessage::Ignored,
    }
}

#[cfg(test)]
mod tests;
