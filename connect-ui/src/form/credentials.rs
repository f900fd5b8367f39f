//! Credentials: which credential fields a provider asks for, and the core's [`Credentials`] made
//! from the filled ones (per auth mode, and the end user's own OAuth app).

use nango_frontend::{AuthError, AuthErrorType, Credentials, Json, JsonObject};

use crate::model::{FieldSpec, Provider};

/// The OAuth app overrides a session may preset for OAuth2: `(name, title, secret)`.
pub(super) const OAUTH_OVERRIDES: [(&str, &str, bool); 3] = [
    ("oauth_client_id_override", "OAuth client ID", false),
    ("oauth_client_secret_override", "OAuth client secret", true),
    ("oauth_refresh_token_override", "Refresh token", true),
];

/// The end user's own OAuth app when both its id and secret are given (`None`: neither is, the
/// integration's app).
pub(super) fn oauth_override(overrides: &[(String, String)]) -> Result<Option<Credentials>, AuthError> {
    let get = |k: &str| overrides.iter().find(|(name, _)| name == k).map(|(_, v)| v.clone());
    match (get("oauth_client_id_override"), get("oauth_client_secret_override")) {
        (None, None) => Ok(None),
        (Some(client_id), Some(client_secret)) => Ok(Some(Credentials::OAuthClientOverride {
            client_id,
            client_secret,
            refresh_token: get("oauth_refresh_token_override"),
        })),
        _ => Err(AuthError::new(
            AuthErrorType::MissingCredentials,
            "An OAuth app override needs both its client id and its client secret",
        )),
    }
}

/// The credential fields of a provider: those it describes (else the mode's defaults), plus,
/// for two-step providers, the `integration_config` fields it does not list, and for OAuth2
/// client credentials the certificate pair when `require_client_certificate` is set.
pub(super) fn credential_fields(provider: &Provider) -> Vec<FieldSpec> {
    let mut fields = if provider.credentials.is_empty() {
        default_credentials(&provider.auth_mode)
    } else {
        provider.credentials.clone()
    };
    let has = |fields: &[FieldSpec], name: &str| fields.iter().any(|f| f.name == name);
    match provider.auth_mode.as_str() {
        "TWO_STEP" => {
            for spec in &provider.integration_config {
                if !has(&fields, &spec.name) {
                    fields.push(FieldSpec { optional: false, ..spec.clone() });
                }
            }
        }
        "OAUTH2_CC" => {
            if provider.require_client_certificate {
                for (name, title) in
                    [("client_certificate", "Client certificate"), ("client_private_key", "Private key")]
                {
                    if !has(&fields, name) {
                        fields.push(FieldSpec { optional: true, ..FieldSpec::named(name, title, true) });
                    }
                }
            }
            if provider.token_request_auth_method.as_deref() == Some("private_key_jwt") {
                for field in fields.iter_mut().filter(|f| f.name == "client_secret") {
                    field.optional = true;
                }
            }
        }
        _ => {}
    }
    fields
}

/// The fields of a credential mode whose provider describes none.
fn default_credentials(auth_mode: &str) -> Vec<FieldSpec> {
    let text = |name: &str, title: &str| FieldSpec::named(name, title, false);
    let secret = |name: &str, title: &str| FieldSpec::named(name, title, true);
    match auth_mode {
        "API_KEY" => vec![secret("apiKey", "API key")],
        "BASIC" | "SIGNATURE" => vec![text("username", "User name"), secret("password", "Password")],
        "TBA" => vec![text("token_id", "Token ID"), secret("token_secret", "Token secret")],
        "BILL" => vec![
            text("username", "User name"),
            secret("password", "Password"),
            text("organization_id", "Organization ID"),
            secret("dev_key", "Developer key"),
        ],
        "AWS_SIGV4" => {
            vec![text("role_arn", "Role ARN"), FieldSpec { optional: true, ..text("region", "Region") }]
        }
        "OAUTH2_CC" => vec![text("client_id", "Client ID"), secret("client_secret", "Client secret")],
        _ => Vec::new(),
    }
}

/// The core's credentials for `auth_mode` from the filled credential fields.
pub fn credentials(auth_mode: &str, values: Vec<(String, String)>) -> Result<Credentials, AuthError> {
    let get = |k: &str| values.iter().find(|(name, _)| name == k).map(|(_, v)| v.clone());
    let req = |k: &str| get(k).unwrap_or_default();
    let object =
        || -> JsonObject { values.iter().map(|(k, v)| (k.as_str(), Json::from(v.as_str()))).collect() };
    Ok(match auth_mode {
        "API_KEY" => {
            let key = get("apiKey").or_else(|| values.first().map(|(_, v)| v.clone()));
            Credentials::api_key(key.unwrap_or_default())
        }
        "BASIC" => Credentials::Basic { username: get("username"), password: get("password") },
        "TBA" => Credentials::Tba {
            token_id: req("token_id"),
            token_secret: req("token_secret"),
            oauth_client_id_override: get("oauth_client_id_override"),
            oauth_client_secret_override: get("oauth_client_secret_override"),
        },
        "JWT" => Credentials::Jwt(object()),
        "TWO_STEP" => Credentials::TwoStep(object()),
        "SIGNATURE" => Credentials::Signature { username: req("username"), password: req("password") },
        "AWS_SIGV4" => Credentials::AwsSigV4 { role_arn: req("role_arn"), region: get("region") },
        "BILL" => Credentials::Bill {
            username: req("username"),
            password: req("password"),
            organization_id: req("organization_id"),
            dev_key: req("dev_key"),
        },
        "OAUTH2_CC" => Credentials::OAuth2ClientCredentials {
            client_id: req("client_id"),
            client_secret: get("client_secret"),
            client_private_key: get("client_private_key"),
            client_certificate: get("client_certificate"),
        },
        other => Credentials::from_json(Json::Object(object())).map_err(|e| {
            AuthError::new(AuthErrorType::MissingCredentials, format!("{other}: {}", e.message))
        })?,
    })
}
