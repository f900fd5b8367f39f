//! Client configuration, validated once at construction.

use crate::text::concat;
use crate::url::HttpUrl;
use crate::{AuthError, AuthErrorType};

/// Nango Cloud's API.
pub const DEFAULT_HOST: &str = "https://api.nango.dev";
/// Nango Cloud's hosted Connect UI.
pub const DEFAULT_CONNECT_UI_URL: &str = "https://connect.nango.dev";

/// How the client authenticates its auth calls. `Debug` never shows the token.
#[derive(Clone, PartialEq, Eq)]
pub enum ClientToken {
    /// A short-lived connect session token made by your backend with the secret key (recommended).
    ConnectSession(String),
    /// The environment's public key (legacy).
    PublicKey(String),
}

impl std::fmt::Debug for ClientToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::ConnectSession(_) => "ConnectSession(…)",
            Self::PublicKey(_) => "PublicKey(…)",
        })
    }
}

/// What a [`Nango`](crate::Nango) client is built from, as the JS SDK's constructor options.
///
/// ```
/// use nango_frontend::NangoConfig;
/// let config = NangoConfig::new()
///     .connect_session_token("nango_connect_session_…")
///     .host("http://localhost:3003/")
///     .websockets_path("/")
///     .popup_size(600, 700)
///     .debug(true);
/// assert_eq!(config.width, 600);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NangoConfig {
    /// The session token or public key; `None` is fine for a client used only for the Connect UI.
    pub token: Option<ClientToken>,
    /// The Nango API host, default [`DEFAULT_HOST`]. Trailing slashes are stripped.
    pub host: String,
    /// The WebSocket path, resolved against the host (default `/`).
    pub websockets_path: String,
    /// OAuth popup width in CSS pixels (default 500), clamped to the screen.
    pub width: u32,
    /// OAuth popup height in CSS pixels (default 600), clamped to the screen.
    pub height: u32,
    /// Log what the SDK does to the browser console.
    pub debug: bool,
}

impl Default for NangoConfig {
    fn default() -> Self {
        Self {
            token: None,
            host: DEFAULT_HOST.to_owned(),
            websockets_path: "/".to_owned(),
            width: 500,
            height: 600,
            debug: false,
        }
    }
}

impl NangoConfig {
    /// The defaults: Nango Cloud, no token.
    pub fn new() -> Self {
        Self::default()
    }

    /// Authenticates with a connect session token (replaces a public key).
    pub fn connect_session_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(ClientToken::ConnectSession(token.into()));
        self
    }

    /// Authenticates with the environment's public key (replaces a session token).
    pub fn public_key(mut self, key: impl Into<String>) -> Self {
        self.token = Some(ClientToken::PublicKey(key.into()));
        self
    }

    /// Sets the Nango host (Cloud, self-hosted or the local dev server).
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = host.into();
        self
    }

    /// Sets the WebSocket path of a self-hosted Nango.
    pub fn websockets_path(mut self, path: impl Into<String>) -> Self {
        self.websockets_path = path.into();
        self
    }

    /// Sets the OAuth popup size.
    pub fn popup_size(mut self, width: u32, height: u32) -> Self {
        self.width = width;
        self.height = height;
        self
    }

    /// Turns console logging on or off.
    pub fn debug(mut self, debug: bool) -> Self {
        self.debug = debug;
        self
    }

    /// Validates the configuration: `invalid_host_url` when the host is not an absolute
    /// `http(s)` URL, or has a query or a fragment (the SDK appends paths and queries to it).
    /// The host used is the URL as normalized (surrounding whitespace gone, scheme and name in
    /// lower case, no default port), without trailing slashes.
    pub(crate) fn validate(&self) -> Result<Endpoints, AuthError> {
        let host = if self.host.is_empty() { DEFAULT_HOST } else { self.host.as_str() };
        let base = HttpUrl::parse(host).ok_or_else(AuthError::invalid_host)?;
        if base.query.is_some() || base.fragment.is_some() {
            return Err(AuthError::invalid_host());
        }
        let href = base.href();
        let mut host = href.as_str();
        while let Some(trimmed) = host.strip_suffix('/') {
            host = trimmed;
        }
        let ws_path = if self.websockets_path.is_empty() { "/" } else { &self.websockets_path };
        let ws = base.join(ws_path).ok_or_else(AuthError::invalid_host)?;
        let ws_scheme = if ws.scheme == "https" { "wss" } else { "ws" };
        let ws_url = concat(&[ws_scheme, ws.href().get(ws.scheme.len()..).unwrap_or_default()]);
        Ok(Endpoints { host: host.to_owned(), ws_url })
    }
}

/// The URLs derived from a valid configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoints {
    /// The host without trailing slashes, as given.
    pub host: String,
    /// The WebSocket URL (`ws:` or `wss:`).
    pub ws_url: String,
}

/// A validated client configuration: what every auth call is planned from, with the token
/// of the call ([`AuthToken`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClientConfig {
    pub config: NangoConfig,
    pub endpoints: Endpoints,
}

impl ClientConfig {
    pub fn new(config: NangoConfig) -> Result<Self, AuthError> {
        let endpoints = config.validate()?;
        Ok(Self { config, endpoints })
    }
}

/// The token an auth call is made with (the client's, or one given for that call alone):
/// passed beside the configuration, so that a call with its own token copies nothing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AuthToken<'a>(pub Option<&'a ClientToken>);

impl<'a> AuthToken<'a> {
    pub fn session_token(self) -> Option<&'a str> {
        match self.0 {
            Some(ClientToken::ConnectSession(token)) => Some(token),
            _ => None,
        }
    }

    pub fn public_key(self) -> Option<&'a str> {
        match self.0 {
            Some(ClientToken::PublicKey(key)) => Some(key),
            _ => None,
        }
    }

    /// `missing_auth_token` unless a non-empty token or key is set.
    pub fn ensure_token(self) -> Result<(), AuthError> {
        match self.0 {
            Some(ClientToken::ConnectSession(t) | ClientToken::PublicKey(t)) if !t.is_empty() => Ok(()),
            _ => Err(AuthError::missing_auth_token()),
        }
    }

    /// `missing_connect_session_token` unless a session token is set.
    pub fn ensure_session_token(self) -> Result<(), AuthError> {
        match self.session_token() {
            Some(token) if !token.is_empty() => Ok(()),
            _ => Err(AuthError::new(
                AuthErrorType::MissingConnectSessionToken,
                "Reconnect requires a session token",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token_or_key() {
        for config in [
            NangoConfig::new().connect_session_token("nango_connect_session_secret"),
            NangoConfig::new().public_key("secret-public-key"),
        ] {
            let shown = format!("{config:?}");
            assert!(!shown.contains("secret"), "{shown}");
        }
    }

    fn ws(host: &str, path: &str) -> Result<String, AuthError> {
        NangoConfig::new().host(host).websockets_path(path).validate().map(|e| e.ws_url)
    }

    #[test]
    fn websockets_url_follows_the_host() {
        assert_eq!(ws("https://nango.example.com", "/").unwrap(), "wss://nango.example.com/");
        assert_eq!(ws("http://localhost:3003///", "/ws/").unwrap(), "ws://localhost:3003/ws/");
        assert_eq!(ws("https://x.com/nango", "socket").unwrap(), "wss://x.com/socket");
        assert_eq!(NangoConfig::new().validate().unwrap().ws_url, "wss://api.nango.dev/");
    }

    #[test]
    fn invalid_hosts_are_typed_errors() {
        for host in ["not a url", "localhost:3003", "ftp://x", "http://"] {
            let err = ws(host, "/").unwrap_err();
            assert_eq!(err.kind, AuthErrorType::InvalidHostUrl, "{host}");
        }
    }

    #[test]
    fn the_host_used_is_the_normalized_url_and_never_carries_a_query_or_fragment() {
        let host = |h: &str| NangoConfig::new().host(h).validate().map(|e| e.host);
        assert_eq!(host("  http://localhost:3003/ \n").unwrap(), "http://localhost:3003");
        assert_eq!(host("HTTPS://Nango.Example.com:443/Base/").unwrap(), "https://nango.example.com/Base");
        assert_eq!(host("http://127.0.0.1:3003").unwrap(), "http://127.0.0.1:3003");
        for bad in ["http://localhost:3003?x=1", "http://localhost:3003/#f", "http://localhost:3003?"] {
            assert_eq!(host(bad).unwrap_err().kind, AuthErrorType::InvalidHostUrl, "{bad}");
        }
    }

    #[test]
    fn trailing_slashes_are_stripped() {
        let e = NangoConfig::new().host("http://localhost:3003///").validate().unwrap();
        assert_eq!(e.host, "http://localhost:3003");
    }
}
