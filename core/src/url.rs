//! A small, strict URL helper for the wasm path.
//!
//! The `url` crate would add ~75 KB gzip to a wasm binary (its IDNA tables); the SDK only needs
//! absolute `http(s)` URLs split into parts, their origin, relative resolution of the websockets
//! path and two percent-encodings, all of which fit here. Tests cross-check it against `url`.

/// An absolute `http:` or `https:` URL split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HttpUrl {
    /// `http` or `https`, lower case.
    pub scheme: String,
    /// `host[:port]`, host lower-cased, default port removed.
    pub authority: String,
    /// The path, always starting with `/`.
    pub path: String,
    /// The query without `?`, if any.
    pub query: Option<String>,
    /// The fragment without `#`, if any.
    pub fragment: Option<String>,
}

impl HttpUrl {
    /// Parses an absolute `http(s)` URL; anything else is `None`.
    pub fn parse(input: &str) -> Option<Self> {
        let input = input.trim_matches(|c: char| c <= ' ');
        let bytes = input.as_bytes();
        let find = |from: usize, pred: &dyn Fn(u8) -> bool| {
            bytes.get(from..).and_then(|rest| rest.iter().position(|&b| pred(b))).map(|i| i + from)
        };
        let colon = find(0, &|b| b == b':')?;
        let scheme = input.get(..colon)?.to_ascii_lowercase();
        if (scheme != "http" && scheme != "https") || bytes.get(colon + 1..colon + 3) != Some(b"//") {
            return None;
        }
        let start = colon + 3;
        let len = bytes.len();
        let authority_end = find(start, &|b| matches!(b, b'/' | b'?' | b'#')).unwrap_or(len);
        let hash = find(authority_end, &|b| b == b'#').unwrap_or(len);
        let question = find(authority_end, &|b| b == b'?').filter(|&q| q < hash).unwrap_or(hash);
        if bytes.get(authority_end..hash)?.iter().any(u8::is_ascii_whitespace) {
            return None;
        }
        let authority = normalize_authority(&scheme, input.get(start..authority_end)?)?;
        let path = input.get(authority_end..question)?;
        let query = (question < hash).then(|| input.get(question + 1..hash).map(str::to_owned)).flatten();
        let fragment = (hash < len).then(|| input.get(hash + 1..).map(str::to_owned)).flatten();
        let path = if path.is_empty() { "/".to_owned() } else { path.to_owned() };
        Some(Self { scheme, authority, path, query, fragment })
    }

    /// The origin, as a browser reports it in `MessageEvent.origin`.
    pub fn origin(&self) -> String {
        [self.scheme.as_str(), "://", &self.authority].concat()
    }

    /// Resolves `reference` against this URL (RFC 3986 for the cases a websockets path takes:
    /// absolute URL, scheme-relative, absolute path, relative path).
    pub fn join(&self, reference: &str) -> Option<Self> {
        if let Some(url) = Self::parse(reference) {
            return Some(url);
        }
        if reference.as_bytes().windows(3).any(|w| w == b"://") {
            return None;
        }
        if reference.starts_with("//") {
            return Self::parse(&[self.scheme.as_str(), ":", reference].concat());
        }
        let path = if reference.starts_with('/') {
            reference.to_owned()
        } else {
            let dir =
                self.path.bytes().rposition(|b| b == b'/').and_then(|i| self.path.get(..=i)).unwrap_or("/");
            [dir, reference].concat()
        };
        Self::parse(&[self.origin(), path].concat())
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

fn normalize_authority(scheme: &str, authority: &str) -> Option<String> {
    // Userinfo is not something a Nango host or a Connect UI URL carries: reject it rather
    // than guess how a browser would treat it.
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let colon = authority.bytes().rposition(|b| b == b':');
    let split = colon.and_then(|i| Some((authority.get(..i)?, authority.get(i + 1..)?)));
    let (host, port) = match split {
        Some((host, port)) if !host.ends_with(']') || authority.starts_with('[') => {
            if host.starts_with('[') && !host.ends_with(']') { (authority, None) } else { (host, Some(port)) }
        }
        _ => (authority, None),
    };
    let valid_host = !host.is_empty()
        && host.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '[' | ']' | ':') || !c.is_ascii()
        });
    if !valid_host {
        return None;
    }
    let host = host.to_ascii_lowercase();
    let port = match port {
        None | Some("") => None,
        Some(port) => {
            let number: u16 = port.parse().ok()?;
            let default = if scheme == "https" { 443 } else { 80 };
            (number != default).then_some(number)
        }
    };
    Some(match port {
        Some(port) => [host.as_str(), ":", &decimal(u64::from(port))].concat(),
        None => host,
    })
}

/// Percent-encodes as JavaScript's `encodeURIComponent`.
pub(crate) fn encode_component(value: &str) -> String {
    encode(value, |b| b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b), false)
}

/// Encodes as `URLSearchParams` does (`application/x-www-form-urlencoded`).
pub(crate) fn encode_form(value: &str) -> String {
    encode(value, |b| b.is_ascii_alphanumeric() || b"*-._".contains(&b), true)
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
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalizes() {
        let url = HttpUrl::parse("HTTPS://Api.Example.com:443/a/b?x=1#f").unwrap();
        assert_eq!(url.origin(), "https://api.example.com");
        assert_eq!(url.path, "/a/b");
        assert_eq!(url.query.as_deref(), Some("x=1"));
        assert_eq!(url.href(), "https://api.example.com/a/b?x=1#f");
        assert_eq!(HttpUrl::parse("http://localhost:3003").unwrap().href(), "http://localhost:3003/");
        assert_eq!(HttpUrl::parse("http://[::1]:8080/x").unwrap().origin(), "http://[::1]:8080");
    }

    #[test]
    fn rejects_what_is_not_an_absolute_http_url() {
        for bad in [
            "not a url",
            "",
            "localhost:3003",
            "ftp://x.com",
            "http://",
            "http:///x",
            "http://a b.com",
            "http://x.com:99999",
            "http://x.com:12a",
            "http://user@x.com",
            "/relative",
        ] {
            assert_eq!(HttpUrl::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn joins_like_the_url_standard() {
        let base = HttpUrl::parse("http://localhost:3003").unwrap();
        assert_eq!(base.join("/ws/").unwrap().href(), "http://localhost:3003/ws/");
        assert_eq!(base.join("/").unwrap().href(), "http://localhost:3003/");
        let base = HttpUrl::parse("https://x.com/api/v1").unwrap();
        assert_eq!(base.join("ws").unwrap().href(), "https://x.com/api/ws");
        assert_eq!(base.join("//other.com/s").unwrap().href(), "https://other.com/s");
        assert_eq!(base.join("http://y.com/z").unwrap().href(), "http://y.com/z");
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

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn origin_agrees_with_the_url_crate() {
        for input in [
            "http://localhost:3009/connect",
            "https://connect.nango.dev",
            "HTTP://EXAMPLE.com:80/x?y#z",
            "https://a.b.c:8443/",
            "http://127.0.0.1:1/",
        ] {
            let ours = HttpUrl::parse(input).unwrap();
            let theirs = ::url::Url::parse(input).unwrap();
            assert_eq!(ours.origin(), theirs.origin().ascii_serialization(), "{input}");
            assert_eq!(ours.href(), theirs.as_str(), "{input}");
        }
    }
}
