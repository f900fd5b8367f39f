//! The OAuth popup flow as a sans-IO state machine (PROTOCOL.md §4).
//!
//! The browser layer opens the popup and the socket, then feeds every event to
//! [`OAuthFlow::handle`] and performs the returned [`FlowStep`]. Every path ends: a result from
//! the socket, the socket closing or failing, the popup closing (when detection is on), the
//! optional timeout, or cancellation.

use crate::json::{Json, JsonRead};
use crate::protocol::response::AuthSuccess;
use crate::{AuthError, AuthErrorType};

/// Something that happened to a running OAuth flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowInput {
    /// The popup could not be opened (`window.open` returned nothing or a closed window).
    PopupBlocked,
    /// A text frame arrived on the WebSocket.
    SocketMessage(WsMessage),
    /// The WebSocket failed or closed.
    SocketClosed,
    /// A poll saw the popup closed.
    PopupClosed,
    /// The caller's timeout elapsed.
    TimedOut,
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
            Self::PopupClosed => "popup closed",
            Self::TimedOut => "timed out",
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthFlow {
    connect_url: String,
    ws_url: String,
    detect_closed_window: bool,
    state: State,
}

impl OAuthFlow {
    pub(crate) fn new(connect_url: String, ws_url: String, detect_closed_window: bool) -> Self {
        Self { connect_url, ws_url, detect_closed_window, state: State::AwaitingAck }
    }

    /// The WebSocket URL to open.
    pub fn ws_url(&self) -> &str {
        &self.ws_url
    }

    /// The `/oauth/connect` URL, without the `ws_client_id` the server assigns.
    pub fn connect_url(&self) -> &str {
        &self.connect_url
    }

    /// Whether a closed popup ends the flow (else polling it is pointless).
    pub fn detects_closed_window(&self) -> bool {
        self.detect_closed_window
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
            FlowInput::PopupClosed if self.detect_closed_window => {
                FlowStep::Finish(Err(AuthError::window_closed()))
            }
            FlowInput::PopupClosed => FlowStep::Wait,
            FlowInput::TimedOut => FlowStep::Finish(Err(AuthError::new(
                AuthErrorType::Timeout,
                "The authorization did not finish in time",
            ))),
        };
        if matches!(step, FlowStep::Finish(_)) {
            self.state = State::Done;
        }
        step
    }

    fn on_message(&mut self, message: WsMessage) -> FlowStep {
        match message {
            WsMessage::Ack { ws_client_id } if self.state == State::AwaitingAck => {
                self.state = State::Authorizing;
                let sep = if self.connect_url.bytes().any(|b| b == b'?') { "&" } else { "?" };
                let id = crate::url::encode_component(&ws_client_id);
                FlowStep::Navigate([self.connect_url.as_str(), sep, "ws_client_id=", &id].concat())
            }
            WsMessage::Success(success) => FlowStep::Finish(Ok(success)),
            WsMessage::Error(error) => FlowStep::Finish(Err(error)),
            WsMessage::Ack { .. } | WsMessage::Ignored => FlowStep::Wait,
        }
    }
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
mod tests {
    use super::*;

    fn flow(detect: bool) -> OAuthFlow {
        OAuthFlow::new("https://h/oauth/connect/g?public_key=k".into(), "wss://h/".into(), detect)
    }

    #[test]
    fn ack_then_success() {
        let mut f = flow(false);
        assert_eq!(
            f.handle(FlowInput::socket_text(r#"{"message_type":"connection_ack","ws_client_id":"a b"}"#)),
            FlowStep::Navigate("https://h/oauth/connect/g?public_key=k&ws_client_id=a%20b".into())
        );
        assert_eq!(f.handle(FlowInput::socket_text("not json")), FlowStep::Wait);
        assert_eq!(f.handle(FlowInput::PopupClosed), FlowStep::Wait, "detection is opt-in");
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
            (FlowInput::PopupClosed, true, AuthErrorType::WindowClosed),
            (FlowInput::TimedOut, false, AuthErrorType::Timeout),
            (FlowInput::PopupBlocked, false, AuthErrorType::BlockedByBrowser),
            (FlowInput::socket_text(r#"{"message_type":"success"}"#), false, AuthErrorType::InvalidResponse),
        ];
        for (input, detect, kind) in cases {
            match flow(detect).handle(input.clone()) {
                FlowStep::Finish(Err(e)) => assert_eq!(e.kind, kind),
                other => panic!("{input:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_second_ack_does_not_navigate_again() {
        let mut f = flow(false);
        let ack = r#"{"message_type":"connection_ack","ws_client_id":"x"}"#;
        assert!(matches!(f.handle(FlowInput::socket_text(ack)), FlowStep::Navigate(_)));
        assert_eq!(f.handle(FlowInput::socket_text(ack)), FlowStep::Wait);
    }
}
