//! The Connect UI iframe protocol (`docs/protocol.md` §5): iframe URL, messages in and out.

use std::fmt;
use std::rc::Rc;

use crate::config::{DEFAULT_CONNECT_UI_URL, DEFAULT_HOST};
use crate::json::{Json, JsonObject, JsonRead};
use crate::protocol::response::AuthSuccess;
use crate::text::concat;
use crate::url::{HttpUrl, encode_form};
use crate::{AuthError, AuthErrorType};

/// The Connect UI's colour scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Theme {
    /// Light.
    Light,
    /// Dark.
    Dark,
    /// Follow the operating system.
    System,
}

impl Theme {
    /// `light`, `dark` or `system`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Dark => "dark",
            Self::System => "system",
        }
    }

    /// Reads `light`, `dark` or `system`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "light" => Some(Self::Light),
            "dark" => Some(Self::Dark),
            "system" => Some(Self::System),
            _ => None,
        }
    }
}

/// A theme's colours.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ThemeColors {
    /// Primary colour, e.g. `#00B2E3`.
    pub primary: Option<String>,
}

/// Both themes' colours.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ThemeSettings {
    /// Light theme colours.
    pub light: ThemeColors,
    /// Dark theme colours.
    pub dark: ThemeColors,
}

/// The Connect UI's settings (`connectUISettings`), sent with `settings_changed`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectUiSettings {
    /// Colours per theme.
    pub theme: ThemeSettings,
    /// The theme shown unless overridden.
    pub default_theme: Option<Theme>,
    /// Whether the "Secured by Nango" watermark shows.
    pub show_watermark: Option<bool>,
}

impl ConnectUiSettings {
    /// Reads `{theme: {light: {primary}, dark: {primary}}, defaultTheme, showWatermark}`;
    /// missing or mistyped fields are `None`. Only a non-object (arrays count as objects, as in
    /// JavaScript) is rejected.
    pub fn from_json(value: &Json) -> Option<Self> {
        Self::from_value(value)
    }

    /// Reads settings from a parsed object (`&Json`, or a `JsValue` in the browser).
    pub(crate) fn from_value(value: impl JsonRead) -> Option<Self> {
        if !value.is_object() {
            return None;
        }
        let primary = |mode: &str| ThemeColors {
            primary: value.field("theme").and_then(|t| t.field(mode)).and_then(|m| m.text("primary")),
        };
        Some(Self {
            theme: ThemeSettings { light: primary("light"), dark: primary("dark") },
            default_theme: value.text("defaultTheme").and_then(|t| Theme::parse(&t)),
            show_watermark: value.field("showWatermark").and_then(|w| w.boolean()),
        })
    }

    /// Writes the settings in the wire shape (absent fields omitted).
    pub fn to_json(&self) -> Json {
        let colors = |c: &ThemeColors| {
            Json::Object(c.primary.iter().map(|p| ("primary", Json::from(p.as_str()))).collect())
        };
        let mut theme = JsonObject::new();
        theme.insert("light", colors(&self.theme.light));
        theme.insert("dark", colors(&self.theme.dark));
        let mut object = JsonObject::new();
        object.insert("theme", theme);
        if let Some(t) = self.default_theme {
            object.insert("defaultTheme", t.as_str());
        }
        if let Some(w) = self.show_watermark {
            object.insert("showWatermark", w);
        }
        Json::Object(object)
    }
}

/// An event from the Connect UI.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectUiEvent {
    /// The iframe loaded and can take the session token.
    Ready,
    /// The user connected an account.
    Connect(AuthSuccess),
    /// The Connect UI closed (the iframe is already gone).
    Close,
    /// A flow inside the Connect UI failed.
    Error {
        /// The error code, e.g. `connection_test_failed`.
        error_type: String,
        /// The message.
        error_message: String,
    },
    /// The Connect UI settings changed.
    SettingsChanged(ConnectUiSettings),
}

impl ConnectUiEvent {
    /// The wire name of the event (`ready`, `connect`, `close`, `error`, `settings_changed`).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Ready => "ready",
            Self::Connect(_) => "connect",
            Self::Close => "close",
            Self::Error { .. } => "error",
            Self::SettingsChanged(_) => "settings_changed",
        }
    }

    /// An `Error` event as an [`AuthError`].
    pub fn as_error(&self) -> Option<AuthError> {
        match self {
            Self::Error { error_type, error_message } => {
                Some(AuthError::new(AuthErrorType::from_code(error_type), error_message.as_str()))
            }
            _ => None,
        }
    }

    /// The event as the JSON message the Connect UI posts (`{type, payload?}`).
    pub fn to_message(&self) -> Json {
        let payload = match self {
            Self::Ready | Self::Close => None,
            Self::Connect(success) => Some(success.to_json()),
            Self::Error { error_type, error_message } => Some(Json::Object(
                [("errorType", error_type.as_str()), ("errorMessage", error_message.as_str())]
                    .into_iter()
                    .collect(),
            )),
            Self::SettingsChanged(settings) => Some(settings.to_json()),
        };
        let mut message = JsonObject::new();
        message.insert("type", self.kind());
        if let Some(payload) = payload {
            message.insert("payload", payload);
        }
        Json::Object(message)
    }
}

/// Parses a message posted by the Connect UI, given as JSON text (the browser layer reads
/// `MessageEvent.data` in place, with the same rules).
///
/// Non-objects, objects without a string `type`, unknown types and malformed payloads are
/// `None`: a page receives many messages that are not for us.
pub fn parse_message(json: &str) -> Option<ConnectUiEvent> {
    message_event(Json::parse(json).as_ref()?)
}

/// [`parse_message`] on data already parsed (a `JsValue` in the browser).
pub(crate) fn message_event(value: impl JsonRead) -> Option<ConnectUiEvent> {
    let ty = value.text("type")?;
    let payload = value.field("payload");
    Some(match ty.as_str() {
        "ready" => ConnectUiEvent::Ready,
        "close" => ConnectUiEvent::Close,
        "connect" => ConnectUiEvent::Connect(AuthSuccess::from_value(payload?)?),
        "error" => {
            let text = |k: &str| payload.as_ref().and_then(|p| p.text(k));
            ConnectUiEvent::Error {
                error_type: text("errorType").unwrap_or_else(|| "unknown_error".to_owned()),
                error_message: text("errorMessage").unwrap_or_default(),
            }
        }
        "settings_changed" => ConnectUiEvent::SettingsChanged(ConnectUiSettings::from_value(payload?)?),
        _ => return None,
    })
}

/// The message that hands the Connect UI its session token.
pub fn session_token_message(token: &str) -> String {
    let mut message = String::from(r#"{"type":"session_token","sessionToken":"#);
    crate::json::write_string(&mut message, token);
    message.push('}');
    message
}

/// A callback for Connect UI events.
pub type EventCallback = Rc<dyn Fn(&ConnectUiEvent)>;
/// A callback for new connections.
pub type ConnectCallback = Rc<dyn Fn(&AuthSuccess)>;
/// A callback for errors.
pub type ErrorCallback = Rc<dyn Fn(&AuthError)>;

/// Options of [`open_connect_ui`](crate::Nango::open_connect_ui), as the JS SDK's.
///
/// ```
/// use nango_frontend::{ConnectUiOptions, Theme};
/// let options = ConnectUiOptions::new()
///     .base_url("http://localhost:3009")
///     .api_url("http://localhost:3003")
///     .theme(Theme::Dark)
///     .on_event(|event| println!("{}", event.kind()));
/// assert_eq!(
///     options.iframe_url().unwrap(),
///     "http://localhost:3009/?apiURL=http%3A%2F%2Flocalhost%3A3003&theme=dark"
/// );
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct ConnectUiOptions {
    /// The connect session token; may be set later with `set_session_token`.
    pub session_token: Option<String>,
    /// Where the Connect UI is served from (default `https://connect.nango.dev`).
    pub base_url: Option<String>,
    /// The Nango API the Connect UI talks to (default `https://api.nango.dev`).
    pub api_url: Option<String>,
    /// Treat a closed OAuth popup as a failure inside the Connect UI.
    pub detect_closed_auth_window: bool,
    /// Language code, e.g. `en` or `fr`.
    pub lang: Option<String>,
    /// Forces a theme over the dashboard's setting.
    pub theme: Option<Theme>,
    /// Called with every event, before stream subscribers.
    pub on_event: Option<EventCallback>,
    /// Called when the user connected an account (after `on_event`).
    pub on_connect: Option<ConnectCallback>,
    /// Called when the Connect UI closed itself (not for a close the app asked for).
    pub on_close: Option<Rc<dyn Fn()>>,
    /// Called with `Error` events, and when the Connect UI cannot be shown.
    pub on_error: Option<ErrorCallback>,
}

/// Whether two optional callbacks are the same one.
fn same<T: ?Sized>(a: &Option<Rc<T>>, b: &Option<Rc<T>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Rc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

impl fmt::Debug for ConnectUiOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectUiOptions")
            .field("session_token", &self.session_token.as_ref().map(|_| "…"))
            .field("base_url", &self.base_url)
            .field("api_url", &self.api_url)
            .field("detect_closed_auth_window", &self.detect_closed_auth_window)
            .field("lang", &self.lang)
            .field("theme", &self.theme)
            .field("on_event", &self.on_event.is_some())
            .field("on_connect", &self.on_connect.is_some())
            .field("on_close", &self.on_close.is_some())
            .field("on_error", &self.on_error.is_some())
            .finish()
    }
}

impl PartialEq for ConnectUiOptions {
    fn eq(&self, other: &Self) -> bool {
        same(&self.on_event, &other.on_event)
            && same(&self.on_connect, &other.on_connect)
            && same(&self.on_close, &other.on_close)
            && same(&self.on_error, &other.on_error)
            && self.session_token == other.session_token
            && self.base_url == other.base_url
            && self.api_url == other.api_url
            && self.detect_closed_auth_window == other.detect_closed_auth_window
            && self.lang == other.lang
            && self.theme == other.theme
    }
}

impl ConnectUiOptions {
    /// The defaults: Nango Cloud's Connect UI and API.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the session token.
    pub fn session_token(mut self, token: impl Into<String>) -> Self {
        self.session_token = Some(token.into());
        self
    }

    /// Sets the Connect UI URL.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sets the API URL passed to the Connect UI.
    pub fn api_url(mut self, url: impl Into<String>) -> Self {
        self.api_url = Some(url.into());
        self
    }

    /// Turns closed-popup detection on or off.
    pub fn detect_closed_auth_window(mut self, detect: bool) -> Self {
        self.detect_closed_auth_window = detect;
        self
    }

    /// Sets the language.
    pub fn lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = Some(lang.into());
        self
    }

    /// Forces a theme.
    pub fn theme(mut self, theme: Theme) -> Self {
        self.theme = Some(theme);
        self
    }

    /// Sets the event callback.
    pub fn on_event(mut self, callback: impl Fn(&ConnectUiEvent) + 'static) -> Self {
        self.on_event = Some(Rc::new(callback));
        self
    }

    /// Sets the callback for new connections.
    pub fn on_connect(mut self, callback: impl Fn(&AuthSuccess) + 'static) -> Self {
        self.on_connect = Some(Rc::new(callback));
        self
    }

    /// Sets the callback for the Connect UI closing itself.
    pub fn on_close(mut self, callback: impl Fn() + 'static) -> Self {
        self.on_close = Some(Rc::new(callback));
        self
    }

    /// Sets the callback for errors (`Error` events and failures to show).
    pub fn on_error(mut self, callback: impl Fn(&AuthError) + 'static) -> Self {
        self.on_error = Some(Rc::new(callback));
        self
    }

    /// These options, with `earlier`'s callbacks wherever these have none: what an adapter's
    /// builder does when `connect_ui(options)` comes after `on_connect(…)` and the like.
    pub fn or_callbacks_of(mut self, earlier: ConnectUiOptions) -> Self {
        self.on_event = self.on_event.or(earlier.on_event);
        self.on_connect = self.on_connect.or(earlier.on_connect);
        self.on_close = self.on_close.or(earlier.on_close);
        self.on_error = self.on_error.or(earlier.on_error);
        self
    }

    fn base(&self) -> Result<HttpUrl, AuthError> {
        let base = self.base_url.as_deref().unwrap_or(DEFAULT_CONNECT_UI_URL);
        HttpUrl::parse(base).ok_or_else(|| {
            AuthError::new(AuthErrorType::InvalidHostUrl, concat(&["Invalid Connect UI base URL: ", base]))
        })
    }

    /// The origin messages must come from, and the token is posted to.
    pub fn origin(&self) -> Result<String, AuthError> {
        self.base().map(|b| b.origin())
    }

    /// The iframe's `src`: the base URL with a path ending in `/` and the query of
    /// `docs/protocol.md` §5.
    pub fn iframe_url(&self) -> Result<String, AuthError> {
        self.urls(None).map(|(_, url)| url)
    }

    /// The origin and the iframe URL, from one parse of the base URL; `default_api` is the API
    /// URL when the options have none (else Nango Cloud's).
    pub(crate) fn urls(&self, default_api: Option<&str>) -> Result<(String, String), AuthError> {
        let mut url = self.base()?;
        let origin = url.origin();
        if !url.path.ends_with('/') {
            url.path.push('/');
        }
        let mut query = url.query.take().unwrap_or_default();
        let mut add = |key: &str, value: &str| {
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(key);
            query.push('=');
            query.push_str(&encode_form(value));
        };
        add("apiURL", self.api_url.as_deref().or(default_api).unwrap_or(DEFAULT_HOST));
        if self.detect_closed_auth_window {
            add("detectClosedAuthWindow", "true");
        }
        if let Some(lang) = &self.lang {
            add("lang", lang);
        }
        if let Some(theme) = self.theme {
            add("theme", theme.as_str());
        }
        url.query = Some(query);
        Ok((origin, url.href()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callbacks_set_earlier_fill_only_what_the_options_lack() {
        use std::cell::RefCell;
        use std::rc::Rc;
        let seen = Rc::new(RefCell::new(Vec::new()));
        let log = |tag: &'static str| {
            let seen = seen.clone();
            move || seen.borrow_mut().push(tag)
        };
        let (early_close, early_error, own_error) =
            (log("early close"), log("early error"), log("own error"));
        let earlier = ConnectUiOptions::new().on_close(early_close).on_error(move |_| early_error());
        let merged = ConnectUiOptions::new().on_error(move |_| own_error()).or_callbacks_of(earlier);
        (merged.on_close.as_ref().unwrap())();
        (merged.on_error.as_ref().unwrap())(&AuthError::network("x"));
        assert!(merged.on_event.is_none() && merged.on_connect.is_none());
        assert_eq!(*seen.borrow(), ["early close", "own error"]);
    }

    #[test]
    fn the_session_token_message_is_json_with_the_token_escaped() {
        for token in ["nango_connect_session_abc", "q\"u\\o\nte\u{1}é😀", ""] {
            let message = Json::parse(&session_token_message(token)).unwrap();
            let object = message.as_object().unwrap();
            assert_eq!(object.len(), 2);
            assert_eq!(message.get("type").and_then(Json::as_str), Some("session_token"));
            assert_eq!(message.get("sessionToken").and_then(Json::as_str), Some(token));
        }
    }

    #[test]
    fn parses_each_message() {
        assert_eq!(parse_message(r#"{"type":"ready"}"#), Some(ConnectUiEvent::Ready));
        assert_eq!(parse_message(r#"{"type":"close","payload":1}"#), Some(ConnectUiEvent::Close));
        assert_eq!(
            parse_message(r#"{"type":"error","payload":{"errorType":"x","errorMessage":"m"}}"#),
            Some(ConnectUiEvent::Error { error_type: "x".into(), error_message: "m".into() })
        );
        for ignored in
            ["1", "null", "\"ready\"", "{}", r#"{"type":3}"#, r#"{"type":"connect"}"#, r#"{"type":"nope"}"#]
        {
            assert_eq!(parse_message(ignored), None, "{ignored}");
        }
    }

    #[test]
    fn events_round_trip_through_their_messages() {
        let events = [
            ConnectUiEvent::Ready,
            ConnectUiEvent::Close,
            ConnectUiEvent::Connect(AuthSuccess {
                provider_config_key: "p".into(),
                connection_id: "c".into(),
                is_pending: true,
            }),
            ConnectUiEvent::Error { error_type: "t".into(), error_message: "m".into() },
            ConnectUiEvent::SettingsChanged(ConnectUiSettings {
                default_theme: Some(Theme::Dark),
                show_watermark: Some(false),
                ..Default::default()
            }),
        ];
        for event in events {
            assert_eq!(parse_message(&event.to_message().to_string()), Some(event));
        }
    }

    #[test]
    fn iframe_url_keeps_an_existing_query() {
        let o = ConnectUiOptions::new().base_url("http://localhost:3009/c?x=1#top");
        assert_eq!(
            o.iframe_url().unwrap(),
            "http://localhost:3009/c/?x=1&apiURL=https%3A%2F%2Fapi.nango.dev#top"
        );
        assert_eq!(o.origin().unwrap(), "http://localhost:3009");
        assert!(ConnectUiOptions::new().base_url("nope").iframe_url().is_err());
    }
}
