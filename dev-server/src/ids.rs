//! Identifiers the server makes and recognizes: random hex, UUID v4 (keys, WebSocket client
//! ids), connect session tokens, and the connection ids and integration keys a request names
//! (Nango's `connectionIdSchema` and `providerConfigKeySchema`).

/// Prefix of connect session tokens.
pub(crate) const SESSION_TOKEN_PREFIX: &str = "nango_connect_session_";

/// `n` random bytes as lowercase hex.
pub(crate) fn random_hex(n: usize) -> String {
    let bytes: Vec<u8> = (0..n).map(|_| rand::random::<u8>()).collect();
    hex::encode(bytes)
}

/// A random UUID v4.
pub(crate) fn uuid_v4() -> String {
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        h.get(0..8).unwrap_or_default(),
        h.get(8..12).unwrap_or_default(),
        h.get(12..16).unwrap_or_default(),
        h.get(16..20).unwrap_or_default(),
        h.get(20..32).unwrap_or_default()
    )
}

/// Whether `s` is a UUID v4 (Nango's format for secret and public keys).
pub(crate) fn is_uuid_v4(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.len() != 36 {
        return false;
    }
    bytes.iter().enumerate().all(|(i, b)| match i {
        8 | 13 | 18 | 23 => *b == b'-',
        14 => *b == b'4',
        19 => matches!(b, b'8' | b'9' | b'a' | b'b' | b'A' | b'B'),
        _ => b.is_ascii_hexdigit(),
    })
}

/// A new connect session token: the prefix and 32 random bytes as hex.
pub(crate) fn new_session_token() -> String {
    format!("{SESSION_TOKEN_PREFIX}{}", random_hex(32))
}

/// Whether `token` has the shape `nango_connect_session_` + 64 lowercase hex characters.
pub(crate) fn is_session_token_format(token: &str) -> bool {
    token.strip_prefix(SESSION_TOKEN_PREFIX).is_some_and(|rest| {
        rest.len() == 64 && rest.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

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
    fn session_token_format() {
        let token = new_session_token();
        assert!(is_session_token_format(&token));
        assert!(!is_session_token_format(&token.to_uppercase()));
        assert!(!is_session_token_format("nango_connect_session_0123456789abcdef"));
        assert!(!is_session_token_format(&format!("{SESSION_TOKEN_PREFIX}{}", "g".repeat(64))));
    }

    #[test]
    fn ids_are_uuid_v4() {
        for _ in 0..100 {
            assert!(is_uuid_v4(&uuid_v4()));
        }
        assert_ne!(uuid_v4(), uuid_v4());
    }

    #[test]
    fn connection_ids_follow_nangos_schema() {
        assert!(is_valid_connection_id("user@example.com"));
        assert!(is_valid_connection_id("{\"a\": [1]}"));
        assert!(!is_valid_connection_id(""));
        assert!(!is_valid_connection_id("a\u{0}b"));
        assert!(!is_valid_connection_id(&"a".repeat(256)));
    }
}
