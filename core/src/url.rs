//! URLs: absolute `http(s)` URLs as the URL Standard normalizes them, split into the parts the
//! SDK edits, plus the two percent-encodings and decimal numbers.
//!
//! Normalizing (case, default ports, IPv6, international names, relative references) is left to
//! the URL Standard's implementations: the browser's own `URL` in wasm, the `url` crate elsewhere.
//! The `url` crate would add ~75 KB gzip to a wasm binary (its IDNA tables); natively it is free.

use crate::text::concat;

/// An absolute `http:` or `https:` URL split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HttpUrl {
    /// `http` or `https`.
    pub scheme: String,
    /// `host[:port]`, as the URL Standard serializes it (lower case, no default port).
    pub authority: String,
    /// The path, always starting with `/`.
    pub path: String,
    /// The query without `?`, if any.
    pub query: Option<String>,
    /// The fragment without `#`, if any.
    pub fragment: Option<String>,
}

impl HttpUrl {
    /// Parses an absolute `http(s)` URL without credentials; anything else is `None`.
    pub fn parse(input: &str) -> Option<Self> {
        Self::from_href(&normalize(input, None)?)
    }

    /// Resolves `reference` (absolute, scheme-relative, or a path) against this URL.
    pub fn join(&self, reference: &str) -> Option<Self> {
        Self::from_href(&normalize(reference, Some(&self.href()))?)
    }

    /// Splits a URL the URL Standard serialized: `scheme://authority/path?query#fragment`.
    fn from_href(href: &str) -> Option<Self> {
        let (scheme, rest) = split_at_byte(href, b':')?;
        let rest = rest.strip_prefix("//")?;
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let (rest, fragment) = match split_at_byte(rest, b'#') {
            Some((rest, fragment)) => (rest, Some(fragment.to_owned())),
            None => (rest, None),
        };
        let (rest, query) = match split_at_byte(rest, b'?') {
            Some((rest, query)) => (rest, Some(query.to_owned())),
            None => (rest, None),
        };
        let slash = rest.bytes().position(|b| b == b'/').unwrap_or(rest.len());
        let (authority, path) =
            (rest.get(..slash)?, rest.get(slash..).filter(|p| !p.is_empty()).unwrap_or("/"));
        // A Nango host or a Connect UI URL carries no credentials: refuse rather than leak them.
        // `%`: Chromium percent-encodes a host the URL Standard rejects (`a b.com`).
        if authority.is_empty() || authority.bytes().any(|b| b == b'@' || b == b'%') {
            return None;
        }
        Some(Self {
            scheme: scheme.to_owned(),
            authority: authority.to_owned(),
            path: path.to_owned(),
            query,
            fragment,
        })
    }

    /// The origin, as a browser reports it in `MessageEvent.origin`.
    pub fn origin(&self) -> String {
        concat(&[self.scheme.as_str(), "://", &self.authority])
    }

    /// The URL as a string, as `URL.href` prints it.
    pub fn href(&self) -> String {
        let mut out = self.origin();
        out.push_str(&self.path);
        if let Some(query) = &self.query {
            out.push('?');
            out.push_str(query);
        }
        if let Some(fragment) = &self.fragment {
            out.push('#');
            out.push_str(fragment);
        }
        out
    }
}

/// `url` with every query value replaced by `…` (keys kept): what `Debug` and the debug log
/// show of a URL that may carry a session token or a client secret.
pub(crate) fn redact_query(url: &str) -> String {
    let Some((base, query)) = split_at_byte(url, b'?') else { return url.to_owned() };
    let (mut out, mut rest, mut sep) = (String::from(base), Some(query), '?');
    while let Some(query) = rest {
        let (pair, next) = split_at_byte(query, b'&').map_or((query, None), |(p, n)| (p, Some(n)));
        out.push(sep);
        out.push_str(split_at_byte(pair, b'=').map_or(pair, |(key, _)| key));
        out.push_str("=…");
        (rest, sep) = (next, '&');
    }
    out
}

/// Splits at the first `byte` (ASCII), dropping it.
///
/// Byte-wise on purpose: `str` patterns pull `memchr` and the pattern searchers into the wasm
/// build (see `cargo xtask size`).
pub(crate) fn split_at_byte(text: &str, byte: u8) -> Option<(&str, &str)> {
    let at = text.bytes().position(|b| b == byte)?;
    Some((text.get(..at)?, text.get(at + 1..)?))
}

/// `new URL(input, base).href`, or `None` when the URL Standard rejects it.
#[cfg(browser)]
fn normalize(input: &str, base: Option<&str>) -> Option<String> {
    // `new URL(input, input)` is `new URL(input)`: an absolute input ignores its base, and a
    // relative one fails either way. One constructor is one JS import fewer.
    crate::browser::href(input, base.unwrap_or(input))
}

/// `new URL(input, base).href`, or `None` when the URL Standard rejects it.
#[cfg(not(browser))]
fn normalize(input: &str, base: Option<&str>) -> Option<String> {
    let url = match base {
        Some(base) => url::Url::parse(base).and_then(|base| base.join(input)),
        None => url::Url::parse(input),
    };
    url.ok().map(String::from)
}

/// Percent-encodes as JavaScript's `encodeURIComponent`.
pub(crate) fn encode_component(value: &str) -> String {
    encode(
        value,
        |b| {
            b.is_ascii_alphanumeric()
                || matches!(b, b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')')
        },
        false,
    )
}

/// Encodes as `URLSearchParams` does (`application/x-www-form-urlencoded`).
pub(crate) fn encode_form(value: &str) -> String {
    encode(value, |b| b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_'), true)
}

fn encode(value: &str, keep: impl Fn(u8) -> bool, space_as_plus: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if keep(byte) {
            out.push(char::from(byte));
        } else if byte == b' ' && space_as_plus {
            out.push('+');
        } else {
            out.push('%');
            out.push(hex_digit(byte >> 4));
            out.push(hex_digit(byte & 0xF));
        }
    }
    out
}

/// An upper-case hex digit for a nibble.
pub(crate) fn hex_digit(nibble: u8) -> char {
    char::from(b"0123456789ABCDEF".get(usize::from(nibble & 0xF)).copied().unwrap_or(b'0'))
}

/// Writes a number in decimal without the formatting machinery (which costs KBs in wasm).
pub(crate) fn decimal(mut n: u64) -> String {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        start -= 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits.get(start..).unwrap_or_default().iter().map(|&d| char::from(d)).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// What [`HttpUrl`] makes of each input, natively and in the browser (see `browser::tests`).
    pub(crate) const CASES: &[(&str, Option<&str>)] = &[
        ("HTTPS://Api.Example.com:443/a/b?x=1#f", Some("https://api.example.com/a/b?x=1#f")),
        ("http://localhost:3003", Some("http://localhost:3003/")),
        ("  http://localhost:3003/x  ", Some("http://localhost:3003/x")),
        ("http://[::1]:8080/x", Some("http://[::1]:8080/x")),
        ("http://x.com:80/a/../b", Some("http://x.com/b")),
        ("http:///x", Some("http://x/")),
        ("https://bücher.example/", Some("https://xn--bcher-kva.example/")),
        ("not a url", None),
        ("", None),
        ("localhost:3003", None),
        ("ftp://x.com", None),
        ("http://", None),
        ("http://a b.com", None),
        ("http://x.com:99999", None),
        ("http://x.com:12a", None),
        ("http://user@x.com", None),
        ("/relative", None),
        ("javascript:alert(1)", None),
        ("http://%41.com/", Some("http://a.com/")),
        ("http://0x7f.1/", Some("http://127.0.0.1/")),
        ("http://x.com\\a?b", Some("http://x.com/a?b")),
        ("http://lo\tcal\nhost/", Some("http://localhost/")),
        ("https://example.com.:443", Some("https://example.com./")),
    ];

    /// `(base, reference, resolved)`.
    pub(crate) const JOINS: &[(&str, &str, &str)] = &[
        ("http://localhost:3003", "/ws/", "http://localhost:3003/ws/"),
        ("http://localhost:3003", "/", "http://localhost:3003/"),
        ("https://x.com/api/v1", "ws", "https://x.com/api/ws"),
        ("https://x.com/api/v1", "//other.com/s", "https://other.com/s"),
        ("https://x.com/api/v1", "http://y.com/z", "http://y.com/z"),
    ];

    #[test]
    fn redacted_urls_keep_their_keys_only() {
        assert_eq!(
            redact_query("https://h/oauth/connect/g?public_key=pk&connect_session_token=t&x"),
            "https://h/oauth/connect/g?public_key=…&connect_session_token=…&x=…"
        );
        assert_eq!(redact_query("https://h/a"), "https://h/a");
        assert_eq!(redact_query("https://h/a?"), "https://h/a?=…");
    }

    pub(crate) fn check_cases() {
        for (input, expected) in CASES {
            assert_eq!(HttpUrl::parse(input).map(|u| u.href()).as_deref(), *expected, "{input:?}");
        }
        for (base, reference, expected) in JOINS {
            let joined = HttpUrl::parse(base).and_then(|b| b.join(reference)).map(|u| u.href());
            assert_eq!(joined.as_deref(), Some(*expected), "{base} + {reference}");
        }
        let url = HttpUrl::parse("HTTPS://Api.Example.com:443/a/b?x=1#f").unwrap();
        assert_eq!(url.origin(), "https://api.example.com");
        assert_eq!((url.path.as_str(), url.query.as_deref()), ("/a/b", Some("x=1")));
        assert_eq!(HttpUrl::parse("http://[::1]:8080/x").unwrap().origin(), "http://[::1]:8080");
    }

    #[cfg(not(browser))]
    #[test]
    fn parses_and_joins_like_the_url_standard() {
        check_cases();
    }

    #[test]
    fn decimal_and_hex() {
        assert_eq!(decimal(0), "0");
        assert_eq!(decimal(u64::MAX), u64::MAX.to_string());
        assert_eq!(hex_digit(0xA), 'A');
    }

    #[test]
    fn encodes_like_javascript() {
        assert_eq!(encode_component("a b&c/é:[]"), "a%20b%26c%2F%C3%A9%3A%5B%5D");
        assert_eq!(encode_component("-_.!~*'()"), "-_.!~*'()");
        assert_eq!(encode_form("http://localhost:3003 x~"), "http%3A%2F%2Flocalhost%3A3003+x%7E");
    }
}
