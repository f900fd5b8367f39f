//! The identifiers a request names: connection ids and integration (provider config) keys, as
//! Nango's `connectionIdSchema` and `providerConfigKeySchema` accept them.

/// zod 4's message for a connection id outside Nango's `connectionIdSchema`.
pub(crate) const CONNECTION_ID_PATTERN_MESSAGE: &str =
    r#"Invalid string: must match pattern /^[a-zA-Z0-9,.;:=+~[\]|@${}"'\\/_ -]+$/"#;

/// Nango's `connectionIdSchema`: `^[a-zA-Z0-9,.;:=+~[\]|@${}"'\\/_ -]+$`, at most 255.
pub(crate) fn is_valid_connection_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 255
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b",.;:=+~[]|@${}\"'\\/_ -".contains(&b))
}

/// Nango's `providerConfigKeySchema`: `^[a-zA-Z0-9~:.@ _-]+$`, at most 255 characters.
pub(crate) fn is_valid_provider_config_key(s: &str) -> bool {
    !s.is_empty() && s.len() <= 255 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"~:.@ _-".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_ids_follow_nangos_schema() {
        assert!(is_valid_connection_id("user@example.com"));
        assert!(is_valid_connection_id("{\"a\": [1]}"));
        assert!(!is_valid_connection_id(""));
        assert!(!is_valid_connection_id("a\u{0}b"));
        assert!(!is_valid_connection_id(&"a".repeat(256)));
    }
}
