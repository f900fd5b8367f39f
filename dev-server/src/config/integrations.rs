//! The default integrations: one per auth mode, each with known-good dev credentials (the
//! table of `dev-server/README.md`, "Default integrations").

use super::{AuthMode, FieldSpec, IntegrationConfig};

/// The known-good API key of the default `api-key-dev` integration.
pub const DEV_API_KEY: &str = "dev-key-ok";

/// The known-good user name of the default basic, signature, two-step and Bill integrations.
pub const DEV_USERNAME: &str = "dev-user";

/// The known-good password of the default basic, signature, two-step and Bill integrations.
pub const DEV_PASSWORD: &str = "dev-password";

/// The built-in integrations: one per auth mode, each with known-good dev credentials.
///
/// | key | auth mode | credentials that pass |
/// |---|---|---|
/// | `github-dev` | OAUTH2 | approve on the fake provider's page |
/// | `api-key-dev` | API_KEY | `apiKey` = `dev-key-ok` |
/// | `basic-dev` | BASIC | `dev-user` / `dev-password` |
/// | `unauthenticated-dev` | NONE | none |
/// | `tba-dev` | TBA | `token_id` = `dev-token-id`, `token_secret` = `dev-token-secret` |
/// | `jwt-dev` | JWT | `issuerId` = `dev-issuer`, `privateKey` = `dev-private-key` |
/// | `two-step-dev` | TWO_STEP | `username` = `dev-user`, `password` = `dev-password` |
/// | `signature-dev` | SIGNATURE | `dev-user` / `dev-password` |
/// | `aws-sigv4-dev` | AWS_SIGV4 | `role_arn` = `arn:aws:iam::123456789012:role/nango-dev` |
/// | `bill-dev` | BILL | `dev-user` / `dev-password`, `organization_id` = `dev-org`, `dev_key` = `dev-key-ok` |
/// | `oauth2-cc-dev` | OAUTH2_CC | `client_id` = `dev-client-id` with `client_secret` = `dev-client-secret` or `client_private_key` = `dev-private-key` |
/// | `outbound-dev` | OAUTH2 (outbound installation) | none: creates a pending connection |
pub fn default_integrations() -> Vec<IntegrationConfig> {
    use AuthMode as M;
    let mut github = IntegrationConfig::new("github-dev", "github", "GitHub (dev)", M::OAuth2);
    github.scopes = vec!["read:user".into(), "repo".into()];
    vec![
        github,
        IntegrationConfig::new("api-key-dev", "stripe", "Stripe (API key, dev)", M::ApiKey)
            .accepting(&[("apiKey", DEV_API_KEY)])
            .field("apiKey", FieldSpec::secret("API Key", DEV_API_KEY, 1)),
        IntegrationConfig::new("basic-dev", "jira-basic", "Jira (basic auth, dev)", M::Basic)
            .accepting(&[("username", DEV_USERNAME), ("password", DEV_PASSWORD)])
            .field("username", FieldSpec::text("User Name", DEV_USERNAME, 1))
            .field("password", FieldSpec::secret("Password", DEV_PASSWORD, 2)),
        IntegrationConfig::new(
            "unauthenticated-dev",
            "unauthenticated",
            "Public API (no auth, dev)",
            M::None,
        ),
        IntegrationConfig::new("tba-dev", "netsuite-tba", "NetSuite (TBA, dev)", M::Tba)
            .accepting(&[("token_id", "dev-token-id"), ("token_secret", "dev-token-secret")])
            .field("token_id", FieldSpec::text("Token ID", "dev-token-id", 1))
            .field("token_secret", FieldSpec::secret("Token Secret", "dev-token-secret", 2))
            .config_field(
                "accountId",
                FieldSpec { optional: Some(true), ..FieldSpec::text("Account ID", "1234567", 1) },
            ),
        IntegrationConfig::new("jwt-dev", "ghost-admin", "Ghost (JWT, dev)", M::Jwt)
            .accepting(&[("issuerId", "dev-issuer"), ("privateKey", "dev-private-key")])
            .field("issuerId", FieldSpec::text("Issuer ID", "dev-issuer", 1))
            .field("privateKey", FieldSpec::secret("Private Key", "dev-private-key", 2)),
        IntegrationConfig::new("two-step-dev", "two-step-demo", "Two-step token (dev)", M::TwoStep)
            .accepting(&[("username", DEV_USERNAME), ("password", DEV_PASSWORD)])
            .field("username", FieldSpec::text("User Name", DEV_USERNAME, 1))
            .field("password", FieldSpec::secret("Password", DEV_PASSWORD, 2)),
        IntegrationConfig::new("signature-dev", "emarsys", "Emarsys (signature, dev)", M::Signature)
            .accepting(&[("username", DEV_USERNAME), ("password", DEV_PASSWORD)])
            .field("username", FieldSpec::text("User Name", DEV_USERNAME, 1))
            .field("password", FieldSpec::secret("Secret", DEV_PASSWORD, 2)),
        IntegrationConfig::new("aws-sigv4-dev", "aws", "AWS (SigV4, dev)", M::AwsSigV4)
            .accepting(&[("role_arn", "arn:aws:iam::123456789012:role/nango-dev")])
            .field("role_arn", FieldSpec::text("Role ARN", "arn:aws:iam::123456789012:role/nango-dev", 1))
            .field("region", FieldSpec { optional: Some(true), ..FieldSpec::text("Region", "eu-west-1", 2) }),
        IntegrationConfig::new("bill-dev", "bill", "Bill (dev)", M::Bill)
            .accepting(&[
                ("username", DEV_USERNAME),
                ("password", DEV_PASSWORD),
                ("organization_id", "dev-org"),
                ("dev_key", DEV_API_KEY),
            ])
            .field("username", FieldSpec::text("User Name", DEV_USERNAME, 1))
            .field("password", FieldSpec::secret("Password", DEV_PASSWORD, 2))
            .field("organization_id", FieldSpec::text("Organization ID", "dev-org", 3))
            .field("dev_key", FieldSpec::secret("Developer Key", DEV_API_KEY, 4)),
        IntegrationConfig::new(
            "oauth2-cc-dev",
            "oauth2-cc-demo",
            "OAuth2 client credentials (dev)",
            M::OAuth2Cc,
        )
        .accepting(&[("client_id", "dev-client-id"), ("client_secret", "dev-client-secret")])
        .accepting(&[("client_id", "dev-client-id"), ("client_private_key", "dev-private-key")])
        .field("client_id", FieldSpec::text("Client ID", "dev-client-id", 1))
        .field("client_secret", FieldSpec::secret("Client Secret", "dev-client-secret", 2)),
        IntegrationConfig {
            installation: Some("outbound".into()),
            ..IntegrationConfig::new("outbound-dev", "shopify", "Shopify (outbound install, dev)", M::OAuth2)
        },
    ]
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::super::DevServerConfig;
    use super::*;

    #[test]
    fn defaults_are_valid_and_cover_every_auth_mode() {
        let config = DevServerConfig::default();
        assert!(config.validate().is_ok());
        let modes: HashSet<AuthMode> = config.integrations.iter().map(|i| i.auth_mode).collect();
        for mode in [
            AuthMode::OAuth2,
            AuthMode::OAuth2Cc,
            AuthMode::ApiKey,
            AuthMode::Basic,
            AuthMode::None,
            AuthMode::Tba,
            AuthMode::Jwt,
            AuthMode::Bill,
            AuthMode::TwoStep,
            AuthMode::Signature,
            AuthMode::AwsSigV4,
        ] {
            assert!(modes.contains(&mode), "{mode:?}");
            let json = serde_json::to_value(mode).unwrap_or_default();
            assert_eq!(json, mode.as_str());
        }
    }
}
