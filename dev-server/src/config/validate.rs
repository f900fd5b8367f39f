//! Checks a [`DevServerConfig`] before it is served: keys, lifetimes, limits, origins,
//! integration keys and static mounts.

use std::collections::HashSet;

use super::{ConfigError, DevServerConfig, MAX_BODY_BYTES_LIMIT, MAX_TTL_SECS};
use crate::ids::{is_uuid_v4, is_valid_provider_config_key};

/// API paths a static mount may not shadow.
const RESERVED_PREFIXES: &[&str] = &[
    "/connect",
    "/oauth",
    "/oauth2",
    "/auth",
    "/api-auth",
    "/integrations",
    "/providers",
    "/connection",
    "/connections",
    "/fake-oauth",
    "/demo",
    "/dev",
    "/images",
];

impl DevServerConfig {
    /// Checks that the config can be served.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        if self.secret_key.trim().is_empty() {
            return invalid("secret_key must not be empty".into());
        }
        if !is_uuid_v4(&self.public_key) {
            return invalid(format!("public_key must be a UUID v4 (as Nango's), got {:?}", self.public_key));
        }
        if !self.websockets_path.starts_with('/') {
            return invalid("websockets_path must start with '/'".into());
        }
        if !self.base_path.is_empty() && !self.base_path.starts_with('/') {
            return invalid("base_path must be empty or start with '/'".into());
        }
        for (name, value) in [
            ("session_ttl_secs", self.session_ttl_secs),
            ("oauth_code_ttl_secs", self.oauth_code_ttl_secs),
            ("ws_max_lifetime_secs", self.ws_max_lifetime_secs),
            ("ws_idle_secs", self.ws_idle_secs),
        ] {
            if !(1..=MAX_TTL_SECS).contains(&value) {
                return invalid(format!(
                    "{name} must be between 1 and {MAX_TTL_SECS} (10 years), got {value}"
                ));
            }
        }
        if !(1..=100_000).contains(&self.max_websockets) {
            return invalid(format!(
                "max_websockets must be between 1 and 100000, got {}",
                self.max_websockets
            ));
        }
        if !(1024..=MAX_BODY_BYTES_LIMIT).contains(&self.max_body_bytes) {
            return invalid(format!(
                "max_body_bytes must be between 1024 and {MAX_BODY_BYTES_LIMIT}, got {}",
                self.max_body_bytes
            ));
        }
        for origin in &self.allowed_origins {
            let parsed = url::Url::parse(origin).ok().filter(|u| matches!(u.scheme(), "http" | "https"));
            if parsed.is_none_or(|u| u.origin().ascii_serialization() != origin.trim_end_matches('/')) {
                return invalid(format!("allowed_origins entry {origin:?} must be scheme://host[:port]"));
            }
        }
        if self.webhook_signing_key.is_empty() {
            return invalid("webhook_signing_key must not be empty".into());
        }
        if let Some(url) = &self.webhook_url
            && url::Url::parse(url).ok().is_none_or(|u| !matches!(u.scheme(), "http" | "https"))
        {
            return invalid(format!("webhook_url {url:?} must be an http(s) URL"));
        }
        let mut keys = HashSet::new();
        for integration in &self.integrations {
            if !is_valid_provider_config_key(&integration.unique_key) {
                return invalid(format!(
                    "integration key {:?} must match [a-zA-Z0-9~:.@ _-]{{1,255}}",
                    integration.unique_key
                ));
            }
            if !keys.insert(integration.unique_key.as_str()) {
                return invalid(format!("duplicate integration key {:?}", integration.unique_key));
            }
            if integration.provider.is_empty()
                || !integration.provider.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                return invalid(format!(
                    "provider name {:?} must match [a-zA-Z0-9_-]+",
                    integration.provider
                ));
            }
        }
        for mount in &self.serve {
            let path = mount.path.trim_end_matches('/');
            if !mount.path.starts_with('/') {
                return invalid(format!("mount path {:?} must start with '/'", mount.path));
            }
            if path.contains(['{', '}', '*']) {
                return invalid(format!("mount path {:?} has reserved characters", mount.path));
            }
            if RESERVED_PREFIXES.iter().any(|p| path == *p || path.starts_with(&format!("{p}/")))
                || (!path.is_empty() && path == self.websockets_path.trim_end_matches('/'))
            {
                return invalid(format!("mount path {:?} would shadow an API path", mount.path));
            }
            if !mount.dir.is_dir() {
                return invalid(format!("{} is not a directory", mount.dir.display()));
            }
        }
        if let Some(dir) = &self.connect_ui_dir
            && !dir.is_dir()
        {
            return invalid(format!("{} is not a directory", dir.display()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::StaticMount;
    use super::*;

    #[test]
    fn default_keys_are_random_per_config() {
        let (a, b) = (DevServerConfig::default(), DevServerConfig::default());
        assert_ne!(a.secret_key, b.secret_key);
        assert_ne!(a.public_key, b.public_key);
        assert_ne!(a.secret_key, "nango_dev_secret_key_do_not_use_in_production");
        assert_ne!(a.public_key, "00000000-0000-4000-8000-000000000000");
        assert!(is_uuid_v4(&a.secret_key) && is_uuid_v4(&a.public_key));
        // A file that names no key gets random ones too; a file that names one keeps it.
        let parsed: DevServerConfig = serde_json::from_str("{}").unwrap_or_default();
        assert_ne!(parsed.secret_key, a.secret_key);
        let fixed: DevServerConfig = serde_json::from_str(r#"{"secret_key": "fixed"}"#).unwrap_or_default();
        assert_eq!(fixed.secret_key, "fixed");
    }

    #[test]
    fn out_of_range_lifetimes_and_limits_are_refused() {
        for huge in [u64::MAX, MAX_TTL_SECS + 1] {
            for config in [
                DevServerConfig { session_ttl_secs: huge, ..DevServerConfig::for_tests() },
                DevServerConfig { oauth_code_ttl_secs: huge, ..DevServerConfig::for_tests() },
                DevServerConfig { ws_max_lifetime_secs: huge, ..DevServerConfig::for_tests() },
                DevServerConfig { ws_idle_secs: huge, ..DevServerConfig::for_tests() },
            ] {
                assert!(config.validate().is_err(), "{huge}");
            }
        }
        assert!(DevServerConfig { ws_idle_secs: 0, ..DevServerConfig::for_tests() }.validate().is_err());
        assert!(
            DevServerConfig { max_body_bytes: usize::MAX, ..DevServerConfig::for_tests() }
                .validate()
                .is_err()
        );
        assert!(
            DevServerConfig { session_ttl_secs: MAX_TTL_SECS, ..DevServerConfig::for_tests() }
                .validate()
                .is_ok()
        );
        let origins =
            |o: &str| DevServerConfig { allowed_origins: vec![o.into()], ..DevServerConfig::for_tests() };
        assert!(origins("http://localhost:8080").validate().is_ok());
        assert!(origins("http://localhost:8080/app").validate().is_err());
        assert!(origins("*").validate().is_err());
    }

    #[test]
    fn invalid_configs_are_refused() {
        let mut dup = DevServerConfig::for_tests();
        let first = dup.integrations.first().cloned();
        dup.integrations.extend(first);
        assert!(dup.validate().is_err());
        let bad_key = DevServerConfig { public_key: "pk-0000".into(), ..DevServerConfig::for_tests() };
        assert!(bad_key.validate().is_err());
        let bad_ws = DevServerConfig { websockets_path: "ws".into(), ..DevServerConfig::for_tests() };
        assert!(bad_ws.validate().is_err());
        let defaults = DevServerConfig::default();
        assert!(is_uuid_v4(&defaults.public_key));
        assert!(!is_uuid_v4("00000000-0000-1000-8000-000000000000"));
        assert!("/app=dist".parse::<StaticMount>().is_ok());
        assert!("dist".parse::<StaticMount>().is_err());
    }
}
