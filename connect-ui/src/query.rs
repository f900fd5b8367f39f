//! The page's query string (`docs/protocol.md` §5): `apiURL`, `detectClosedAuthWindow`, `lang`,
//! `theme`, `embedded`, `preview` and, when the page is opened as a standalone link,
//! `session_token`.

use nango_frontend::{DEFAULT_HOST, Theme};

/// What the page was opened with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The Nango API (default Nango Cloud), without trailing slashes.
    pub api_url: String,
    /// Treat a closed OAuth popup as a failure.
    pub detect_closed_auth_window: bool,
    /// Requested language code, e.g. `fr` or `en-GB`.
    pub lang: Option<String>,
    /// A theme forced by the host, overriding the session's `defaultTheme`.
    pub theme: Option<Theme>,
    /// A session token given in the link itself.
    pub session_token: Option<String>,
    /// `embedded=true`: the host places the page inline; the dialog fills it, no backdrop.
    pub embedded: bool,
    /// `preview=true`: a look at the page (e.g. while editing the theme): nothing is submitted,
    /// closed or sent as telemetry, and the parent's `settings_changed` restyles the page.
    pub preview: bool,
}

impl Query {
    /// Reads a `location.search` string (with or without the leading `?`).
    pub fn parse(search: &str) -> Self {
        let mut query = Self {
            api_url: DEFAULT_HOST.to_owned(),
            detect_closed_auth_window: false,
            lang: None,
            theme: None,
            session_token: None,
            embedded: false,
            preview: false,
        };
        let search = search.strip_prefix('?').unwrap_or(search);
        for pair in search.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let (key, value) = (decode(key), decode(value));
            match key.as_str() {
                "apiURL" if !value.trim().is_empty() => {
                    query.api_url = value.trim().trim_end_matches('/').to_owned();
                }
                "detectClosedAuthWindow" => query.detect_closed_auth_window = value == "true",
                "lang" if !value.is_empty() => query.lang = Some(value),
                "theme" => query.theme = Theme::parse(&value),
                "session_token" if !value.is_empty() => query.session_token = Some(value),
                "embedded" => query.embedded = value == "true",
                "preview" => query.preview = value == "true",
                _ => {}
            }
        }
        query
    }
}

/// The WebSocket path for the core: the path of `api_url` (a self-hosted Nango behind a
/// reverse proxy under, say, `/nango`) followed by the server's `websocketsPath` (`/` when it
/// gives none). The core resolves the path from the host's origin (`docs/protocol.md` §1), which
/// would drop that prefix.
pub fn websockets_path(api_url: &str, server_path: Option<&str>) -> String {
    let after_scheme = api_url.split_once("://").map_or(api_url, |(_, rest)| rest);
    let path = after_scheme.find('/').and_then(|i| after_scheme.get(i..)).unwrap_or_default();
    let base = path.split(['?', '#']).next().unwrap_or_default().trim_end_matches('/');
    let server = server_path.filter(|p| !p.is_empty()).unwrap_or("/");
    if server.starts_with('/') { format!("{base}{server}") } else { format!("{base}/{server}") }
}

/// Decodes one `application/x-www-form-urlencoded` component (`+` is a space; a malformed
/// escape is kept as written).
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                // Two hex digits, as `URLSearchParams` takes them (`from_str_radix` alone would
                // also take a sign: `%+A`).
                let hex = bytes.get(i + 1..i + 3).filter(|h| h.iter().all(u8::is_ascii_hexdigit));
                let hex = hex.and_then(|h| std::str::from_utf8(h).ok());
                if let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    out.push(byte);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_iframe_query() {
        let q = Query::parse(
            "?apiURL=http%3A%2F%2F127.0.0.1%3A3003%2F&detectClosedAuthWindow=true&lang=fr&theme=dark",
        );
        assert_eq!(q.api_url, "http://127.0.0.1:3003");
        assert!(q.detect_closed_auth_window);
        assert_eq!(q.lang.as_deref(), Some("fr"));
        assert_eq!(q.theme, Some(Theme::Dark));
        assert_eq!(q.session_token, None);
        assert!(!q.embedded && !q.preview);
    }

    #[test]
    fn an_escape_needs_two_hex_digits() {
        assert_eq!(decode("%+A"), "% A", "a sign is no hex digit; `+` is a space");
        assert_eq!(decode("%-1x"), "%-1x");
        assert_eq!(decode("%41%4a%4A"), "AJJ");
        assert_eq!(decode("%4"), "%4");
        assert_eq!(decode("%"), "%");
    }

    #[test]
    fn reads_embedded_and_preview() {
        let q = Query::parse("embedded=true&preview=true");
        assert!(q.embedded && q.preview);
        let q = Query::parse("embedded=1&preview=false");
        assert!(!q.embedded && !q.preview, "only `true` switches them on, as in Nango's page");
    }

    #[test]
    fn the_websocket_path_keeps_the_api_base_path() {
        assert_eq!(websockets_path("https://api.nango.dev", None), "/");
        assert_eq!(websockets_path("https://api.nango.dev", Some("/")), "/");
        assert_eq!(websockets_path("http://127.0.0.1:3003/nango", None), "/nango/");
        assert_eq!(websockets_path("http://127.0.0.1:3003/nango/", Some("/ws")), "/nango/ws");
        assert_eq!(websockets_path("https://x.example/a/b", Some("socket")), "/a/b/socket");
        assert_eq!(websockets_path("https://x.example/nango?x=1", Some("")), "/nango/");
    }

    #[test]
    fn defaults_and_standalone_links() {
        let q = Query::parse("");
        assert_eq!(q.api_url, DEFAULT_HOST);
        assert!(!q.detect_closed_auth_window);
        assert_eq!(q.theme, None);
        let q = Query::parse("session_token=nango_connect_session_ab&theme=purple&x");
        assert_eq!(q.session_token.as_deref(), Some("nango_connect_session_ab"));
        assert_eq!(q.theme, None);
    }

    #[test]
    fn decodes_form_components() {
        assert_eq!(decode("a+b%20c"), "a b c");
        assert_eq!(decode("%5Bk%5D"), "[k]");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%C3%A9"), "%zzé");
    }
}
