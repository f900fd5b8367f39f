//! Origins and base URLs: how callers reach this server (the `Host` they used, or the
//! configured public URLs) and which page origins may call the dev helpers or open the
//! WebSocket.

use std::net::SocketAddr;

use axum::http::HeaderMap;

use crate::config::DevServerConfig;

/// The server's addresses and the configured public URLs, for building base URLs and judging
/// origins.
#[derive(Debug)]
pub(crate) struct Origins {
    api_addr: SocketAddr,
    connect_ui_addr: SocketAddr,
    api_base_path: String,
    public_url: Option<String>,
    connect_ui_url: Option<String>,
    allowed_origins: Vec<String>,
}

impl Origins {
    pub(crate) fn new(config: &DevServerConfig, api_addr: SocketAddr, connect_ui_addr: SocketAddr) -> Self {
        Self {
            api_addr,
            connect_ui_addr,
            api_base_path: config.api_base_path().to_owned(),
            public_url: config.public_url.clone(),
            connect_ui_url: config.connect_ui_url.clone(),
            allowed_origins: config.allowed_origins.clone(),
        }
    }

    /// Base URL of the API as the caller reaches it.
    pub(crate) fn api_base(&self, headers: &HeaderMap) -> String {
        if let Some(url) = &self.public_url {
            return url.trim_end_matches('/').to_owned();
        }
        let base_path = &self.api_base_path;
        match request_host(headers) {
            Some(host) => format!("http://{host}{base_path}"),
            None => format!("http://{}{base_path}", self.api_addr),
        }
    }

    /// Base URL of the Connect UI, on the same host name the caller used for the API.
    pub(crate) fn connect_ui_base(&self, headers: &HeaderMap) -> String {
        if let Some(url) = &self.connect_ui_url {
            return url.trim_end_matches('/').to_owned();
        }
        let host = request_host_name(headers).unwrap_or_else(|| self.connect_ui_addr.ip().to_string());
        format!("http://{host}:{}", self.connect_ui_addr.port())
    }

    /// Base URL of the API for a page served on the Connect UI port.
    pub(crate) fn api_base_from_other_port(&self, headers: &HeaderMap) -> String {
        if let Some(url) = &self.public_url {
            return url.trim_end_matches('/').to_owned();
        }
        let host = request_host_name(headers).unwrap_or_else(|| self.api_addr.ip().to_string());
        format!("http://{host}:{}{}", self.api_addr.port(), self.api_base_path)
    }

    /// `origin` (an `Origin` header) is one of this server's own page origins: the API
    /// listener (where `--serve` mounts the demos) under a loopback name, `public_url`, or an
    /// entry of `allowed_origins`. `null` and anything unparsable are not.
    pub(crate) fn is_demo_origin_allowed(&self, origin: &str) -> bool {
        let Some(origin) = normalized_origin(origin) else { return false };
        let port = self.api_addr.port();
        ["127.0.0.1", "localhost", "[::1]"].iter().any(|host| origin == format!("http://{host}:{port}"))
            || self.public_url.as_deref().and_then(normalized_origin).is_some_and(|o| o == origin)
            || self.allowed_origins.iter().filter_map(|o| normalized_origin(o)).any(|o| o == origin)
    }

    /// Origins that may open the WebSocket: pages on a loopback host (any port: an app under
    /// development), the configured public URLs, and `allowed_origins`. Not other websites.
    pub(crate) fn is_websocket_origin_allowed(&self, origin: &str) -> bool {
        let Some(url) = url::Url::parse(origin).ok().filter(|u| matches!(u.scheme(), "http" | "https"))
        else {
            return false;
        };
        let loopback = match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
            None => false,
        };
        loopback
            || self.is_demo_origin_allowed(origin)
            || self
                .connect_ui_url
                .as_deref()
                .and_then(normalized_origin)
                .is_some_and(|o| normalized_origin(origin).is_some_and(|given| given == o))
    }
}

/// `scheme://host[:port]` of an http(s) URL or origin.
pub(crate) fn normalized_origin(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok().filter(|u| matches!(u.scheme(), "http" | "https"))?;
    Some(parsed.origin().ascii_serialization())
}

/// The host name of the `Host` header, without its port (IPv6 literals keep their brackets).
fn request_host_name(headers: &HeaderMap) -> Option<String> {
    let host = request_host(headers)?;
    let name = host
        .rsplit_once(':')
        .filter(|(name, port)| {
            !name.is_empty() && !name.ends_with(':') && port.bytes().all(|b| b.is_ascii_digit())
        })
        .map_or(host.as_str(), |(name, _)| name);
    Some(name.to_owned())
}

/// The `Host` header if it looks like `name[:port]`.
fn request_host(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(axum::http::header::HOST)?.to_str().ok()?;
    let ok = !host.is_empty()
        && host.len() <= 255
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]_".contains(&b));
    ok.then(|| host.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_drop_the_port() {
        let mut headers = HeaderMap::new();
        headers.insert(axum::http::header::HOST, "localhost:3003".parse().unwrap_or_else(|_| unreachable!()));
        assert_eq!(request_host_name(&headers).as_deref(), Some("localhost"));
        headers.insert(axum::http::header::HOST, "[::1]:3003".parse().unwrap_or_else(|_| unreachable!()));
        assert_eq!(request_host_name(&headers).as_deref(), Some("[::1]"));
        headers.insert(axum::http::header::HOST, "evil.test/<x>".parse().unwrap_or_else(|_| unreachable!()));
        assert_eq!(request_host(&headers), None);
    }
}
