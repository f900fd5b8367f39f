//! The one error type of the crate.

use std::fmt;

/// What kind of failure an [`AuthError`] reports.
///
/// The first variants are the error types of the official JavaScript SDK and of the Nango server;
/// the ones marked *(Rust SDK)* are failures the official SDK does not report (it hangs or throws
/// an untyped error instead). Any other code the server sends is kept in [`AuthErrorType::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthErrorType {
    /// Neither a public key nor a connect session token was configured (`missing_auth_token`).
    MissingAuthToken,
    /// The OAuth popup could not be opened (`blocked_by_browser`).
    BlockedByBrowser,
    /// The host or another URL given in the configuration is not a valid absolute URL (`invalid_host_url`).
    InvalidHostUrl,
    /// The credentials needed for this auth mode were not given (`missing_credentials`).
    MissingCredentials,
    /// The user closed the OAuth popup before the flow ended (`window_closed`).
    WindowClosed,
    /// The provider rejected the credentials (`connection_test_failed`).
    ConnectionTestFailed,
    /// `reconnect` was called without a connect session token (`missing_connect_session_token`).
    MissingConnectSessionToken,
    /// The server refused the connection configuration (`connection_validation_failed`).
    ConnectionValidationFailed,
    /// The plan's connection limit is reached (`resource_capped`).
    ResourceCapped,
    /// An unexpected failure (`unknown_error`).
    UnknownError,
    /// *(Rust SDK)* The auth was cancelled: another auth started on the same client, or the
    /// caller cancelled it (`cancelled`).
    Cancelled,
    /// *(Rust SDK)* The optional timeout of [`AuthOptions`](crate::AuthOptions) elapsed (`timeout`).
    Timeout,
    /// *(Rust SDK)* The request or the WebSocket failed or closed before a result (`network_error`).
    NetworkError,
    /// *(Rust SDK)* The server answered something that is not the documented JSON (`invalid_response`).
    InvalidResponse,
    /// *(Rust SDK)* Browser-only functionality was used outside a browser, e.g. during
    /// server-side rendering (`unsupported_environment`).
    UnsupportedEnvironment,
    /// *(Rust SDK)* A framework adapter's provider is set up wrongly: neither or both of a
    /// configuration and a client, or a hook used without a provider (`invalid_provider_setup`).
    InvalidProviderSetup,
    /// Any other error code, as the server sent it.
    Other(String),
}

/// The wire code of every named error type, read in both directions (one table is less wasm
/// than two `match`es; `cargo xtask size`).
const CODES: [(AuthErrorType, &str); 16] = [
    (AuthErrorType::MissingAuthToken, "missing_auth_token"),
    (AuthErrorType::BlockedByBrowser, "blocked_by_browser"),
    (AuthErrorType::InvalidHostUrl, "invalid_host_url"),
    (AuthErrorType::MissingCredentials, "missing_credentials"),
    (AuthErrorType::WindowClosed, "window_closed"),
    (AuthErrorType::ConnectionTestFailed, "connection_test_failed"),
    (AuthErrorType::MissingConnectSessionToken, "missing_connect_session_token"),
    (AuthErrorType::ConnectionValidationFailed, "connection_validation_failed"),
    (AuthErrorType::ResourceCapped, "resource_capped"),
    (AuthErrorType::UnknownError, "unknown_error"),
    (AuthErrorType::Cancelled, "cancelled"),
    (AuthErrorType::Timeout, "timeout"),
    (AuthErrorType::NetworkError, "network_error"),
    (AuthErrorType::InvalidResponse, "invalid_response"),
    (AuthErrorType::UnsupportedEnvironment, "unsupported_environment"),
    (AuthErrorType::InvalidProviderSetup, "invalid_provider_setup"),
];

impl AuthErrorType {
    /// The wire code of this error type, e.g. `"window_closed"`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Other(code) => code,
            kind => CODES
                .iter()
                .find(|(k, _)| std::mem::discriminant(k) == std::mem::discriminant(kind))
                .map_or("unknown_error", |(_, code)| code),
        }
    }

    /// The error type for a wire code; unknown codes become [`AuthErrorType::Other`], an empty
    /// one [`AuthErrorType::UnknownError`].
    pub fn from_code(code: &str) -> Self {
        if code.is_empty() {
            return Self::UnknownError;
        }
        CODES
            .iter()
            .find(|(_, c)| *c == code)
            .map_or_else(|| Self::Other(code.to_owned()), |(k, _)| k.clone())
    }
}

impl fmt::Display for AuthErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error from an auth call, the client constructor or the Connect UI.
///
/// `Clone + PartialEq` so that it can live in Yew state or a Dioxus signal.
///
/// ```
/// use nango_frontend::{AuthError, AuthErrorType};
/// let err = AuthError::new(AuthErrorType::from_code("window_closed"), "closed");
/// assert_eq!(err.kind, AuthErrorType::WindowClosed);
/// assert_eq!(err.error_type(), "window_closed");
/// assert_eq!(err.to_string(), "window_closed: closed");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {message}")]
#[non_exhaustive]
pub struct AuthError {
    /// The kind of failure.
    pub kind: AuthErrorType,
    /// A human-readable explanation.
    pub message: String,
}

impl AuthError {
    /// Creates an error of the given kind.
    pub fn new(kind: AuthErrorType, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }

    /// The wire code of the error type, as the JavaScript SDK's `error.type`.
    pub fn error_type(&self) -> &str {
        self.kind.as_str()
    }

    /// Whether Nango refused the connect session token (unknown, expired or malformed): a
    /// cached token that got this answer must not be used again.
    pub fn is_session_refused(&self) -> bool {
        is_session_refused(self.error_type())
    }

    /// `invalid_host_url`: the host of a configuration is not an absolute `http(s)` URL.
    pub fn invalid_host() -> Self {
        Self::new(AuthErrorType::InvalidHostUrl, "Invalid URL provided for the Nango host.")
    }

    /// `missing_auth_token`: neither a public key nor a connect session token.
    pub fn missing_auth_token() -> Self {
        Self::new(
            AuthErrorType::MissingAuthToken,
            "You must specify a public key OR a connect session token (cf. documentation).",
        )
    }

    /// `blocked_by_browser`: the popup could not be opened.
    pub fn blocked_by_browser() -> Self {
        Self::new(AuthErrorType::BlockedByBrowser, "Modal blocked by browser")
    }

    /// `window_closed`: the user closed the popup before the flow ended.
    pub fn window_closed() -> Self {
        Self::new(
            AuthErrorType::WindowClosed,
            "The authorization window was closed before the authorization flow was completed",
        )
    }

    /// `cancelled`, saying why.
    pub fn cancelled(why: &str) -> Self {
        Self::new(AuthErrorType::Cancelled, why)
    }

    /// `invalid_response`, saying what was wrong.
    pub fn invalid_response(why: impl Into<String>) -> Self {
        Self::new(AuthErrorType::InvalidResponse, why)
    }

    /// `network_error`, saying what failed.
    pub fn network(why: impl Into<String>) -> Self {
        Self::new(AuthErrorType::NetworkError, why)
    }

    /// `invalid_provider_setup`, saying what is wrong with the adapter's provider.
    pub fn invalid_provider_setup(why: &str) -> Self {
        Self::new(AuthErrorType::InvalidProviderSetup, why)
    }

    /// `unsupported_environment`: browser-only functionality outside a browser.
    pub fn unsupported() -> Self {
        // In a wasm build the only way here is a page without `window` (a worker).
        let message = if cfg!(browser) {
            "Nango auth and the Connect UI need a window (not a worker)"
        } else {
            "Nango auth and the Connect UI need a browser (wasm32-unknown-unknown); this build has none"
        };
        Self::new(AuthErrorType::UnsupportedEnvironment, message)
    }
}

/// Whether `code` says that the connect session token is no longer valid (Nango's codes, and
/// the Connect UI's `session_expired`).
pub(crate) fn is_session_refused(code: &str) -> bool {
    matches!(
        code,
        "unknown_connect_session_token" | "invalid_connect_session_token_format" | "session_expired"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_sessions_are_recognised_by_their_code() {
        for code in
            ["unknown_connect_session_token", "invalid_connect_session_token_format", "session_expired"]
        {
            assert!(AuthError::new(AuthErrorType::from_code(code), "m").is_session_refused(), "{code}");
        }
        for code in ["window_closed", "unknown_error", "integration_not_allowed"] {
            assert!(!AuthError::new(AuthErrorType::from_code(code), "m").is_session_refused(), "{code}");
        }
    }

    #[test]
    fn codes_round_trip() {
        for code in [
            "missing_auth_token",
            "blocked_by_browser",
            "invalid_host_url",
            "missing_credentials",
            "window_closed",
            "connection_test_failed",
            "missing_connect_session_token",
            "connection_validation_failed",
            "resource_capped",
            "unknown_error",
            "cancelled",
            "timeout",
            "network_error",
            "invalid_response",
            "unsupported_environment",
            "invalid_provider_setup",
            "integration_not_allowed",
        ] {
            assert_eq!(AuthErrorType::from_code(code).as_str(), code);
        }
        assert_eq!(AuthErrorType::from_code(""), AuthErrorType::UnknownError, "never an empty type");
        assert_eq!(
            AuthErrorType::from_code("integration_not_allowed"),
            AuthErrorType::Other("integration_not_allowed".into())
        );
    }

    #[test]
    fn every_named_type_has_its_own_code_in_the_table() {
        use AuthErrorType::*;
        // Every named type: one added to the enum goes here and in `CODES`.
        let all = [
            MissingAuthToken,
            BlockedByBrowser,
            InvalidHostUrl,
            MissingCredentials,
            WindowClosed,
            ConnectionTestFailed,
            MissingConnectSessionToken,
            ConnectionValidationFailed,
            ResourceCapped,
            UnknownError,
            Cancelled,
            Timeout,
            NetworkError,
            InvalidResponse,
            UnsupportedEnvironment,
            InvalidProviderSetup,
        ];
        assert_eq!(CODES.len(), all.len());
        let mut codes: Vec<&str> = all.iter().map(AuthErrorType::as_str).collect();
        for (kind, code) in all.iter().zip(&codes) {
            assert_eq!(&AuthErrorType::from_code(code), kind, "{code}");
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len(), "codes are distinct");
    }
}
