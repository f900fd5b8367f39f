//! What goes into the reducer ([`Action`]) and what comes out of it ([`Effect`]).

use nango_frontend::{AuthError, AuthErrorType, AuthSuccess, ConnectUiEvent, ConnectUiSettings};

use super::ticket::{AuthTicket, Ticket};
use crate::model::{Integration, Provider, Session};
use crate::telemetry::Beacon;

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
    /// An auth call started, with the ticket the component gave it.
    Connecting(AuthTicket),
    /// The auth call with this ticket ended.
    AuthDone {
        /// The ticket given in [`Action::Connecting`].
        id: AuthTicket,
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

/// An API error as the error shown on the failure screen.
pub fn api_failure(code: &str, message: &str) -> AuthError {
    AuthError::new(AuthErrorType::from_code(code), message)
}
