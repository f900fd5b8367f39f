//! The auth form of one integration: which fields to show for its auth mode, validation, and
//! what to send through the core (credentials, connection config params). Pure logic.

use nango_frontend::{AuthError, AuthErrorType, Credentials, Json, JsonObject};

use crate::model::{FieldSpec, Provider};

/// How an auth mode connects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKind {
    /// A popup (`nango.auth` without credentials).
    OAuth,
    /// Nothing to enter (`nango.create`).
    NoAuth,
    /// A credential form (`nango.auth` with credentials).
    Credentials,
}

impl AuthKind {
    /// The kind of a Nango `auth_mode`.
    pub fn of(auth_mode: &str) -> Self {
        match auth_mode {
            "NONE" => Self::NoAuth,
            "OAUTH1" | "OAUTH2" | "APP" | "CUSTOM" | "INSTALL_PLUGIN" => Self::OAuth,
            mode if mode.starts_with("MCP") => Self::OAuth,
            _ => Self::Credentials,
        }
    }
}

/// Where a field's value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Into the credentials.
    Credential,
    /// Into the connection config (`params[…]`).
    Config,
}

/// Why a field's value is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldError {
    /// Empty, and not optional.
    Required,
    /// `format: uri` and not an http(s) URL.
    InvalidUrl,
    /// Not one of the `enum` values.
    InvalidChoice,
}

/// A field shown in the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormField {
    /// What the provider says about it.
    pub spec: FieldSpec,
    /// Where its value goes.
    pub group: Group,
}

/// What "Connect" does.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// OAuth popup.
    OAuth,
    /// `nango.create` (auth mode `NONE`).
    Create,
    /// `nango.auth` with these credentials.
    Credentials(Credentials),
}

/// A valid form, ready for the core.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    /// The call to make.
    pub method: Method,
    /// Connection config, sent as `params[k]=v`.
    pub params: Vec<(String, String)>,
}

/// Why the form cannot be sent.
#[derive(Debug, Clone, PartialEq)]
pub enum FormError {
    /// Some fields are invalid.
    Fields(Vec<(String, FieldError)>),
    /// The credentials match no auth mode the core knows.
    Auth(AuthError),
}

/// The form of one integration and what the user typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// The integration's `unique_key`.
    pub integration: String,
    /// The provider's `auth_mode`.
    pub auth_mode: String,
    /// `docs_connect`.
    pub docs: Option<String>,
    /// Fields shown, credentials first.
    pub fields: Vec<FormField>,
    /// Connection config sent without being shown (session defaults, hidden defaults).
    pub preset: Vec<(String, String)>,
    /// Current values by field name.
    values: Vec<(String, String)>,
    initial: Vec<(String, String)>,
    /// Errors are shown once the user tried to submit.
    pub show_errors: bool,
}

impl Form {
    /// The form for `integration`, from its provider and the session's config defaults.
    pub fn new(integration: &str, provider: &Provider, defaults: &[(String, String)]) -> Self {
        let kind = AuthKind::of(&provider.auth_mode);
        let mut fields = Vec::new();
        let mut preset: Vec<(String, String)> = defaults.to_vec();
        if kind == AuthKind::Credentials {
            let credentials = if provider.credentials.is_empty() {
                default_credentials(&provider.auth_mode)
            } else {
                provider.credentials.clone()
            };
            fields.extend(
                credentials
                    .into_iter()
                    .filter(|f| !f.automated && !f.hidden)
                    .map(|spec| FormField { spec, group: Group::Credential }),
            );
        }
        for spec in &provider.connection_config {
            let taken = fields.iter().any(|f| f.spec.name == spec.name);
            let preset_here = preset.iter().any(|(k, _)| *k == spec.name);
            if spec.automated || taken || preset_here {
                continue;
            }
            if spec.hidden {
                if let Some(value) = &spec.default_value {
                    preset.push((spec.name.clone(), value.clone()));
                }
                continue;
            }
            fields.push(FormField { spec: spec.clone(), group: Group::Config });
        }
        let values: Vec<(String, String)> = fields
            .iter()
            .map(|f| (f.spec.name.clone(), f.spec.default_value.clone().unwrap_or_default()))
            .collect();
        Self {
            integration: integration.to_owned(),
            auth_mode: provider.auth_mode.clone(),
            docs: provider.docs_connect.clone(),
            fields,
            preset,
            initial: values.clone(),
            values,
            show_errors: false,
        }
    }

    /// How this form connects.
    pub fn kind(&self) -> AuthKind {
        AuthKind::of(&self.auth_mode)
    }

    /// The value of a field (empty when unknown).
    pub fn value(&self, name: &str) -> &str {
        self.values.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_default()
    }

    /// Sets a field's value; unknown names are ignored.
    pub fn set(&mut self, name: &str, value: String) {
        if let Some(slot) = self.values.iter_mut().find(|(k, _)| k == name) {
            slot.1 = value;
        }
    }

    /// The user typed something that leaving the form would lose.
    pub fn is_dirty(&self) -> bool {
        self.values != self.initial
    }

    /// The error of each invalid field, in display order.
    pub fn validate(&self) -> Vec<(String, FieldError)> {
        self.fields
            .iter()
            .filter_map(|f| {
                let value = self.value(&f.spec.name).trim();
                let error = if value.is_empty() {
                    (!f.spec.optional).then_some(FieldError::Required)
                } else if !f.spec.choices.is_empty() && !f.spec.choices.iter().any(|c| c == value) {
                    Some(FieldError::InvalidChoice)
                } else if f.spec.format.as_deref() == Some("uri")
                    && !(value.starts_with("https://") || value.starts_with("http://"))
                {
                    Some(FieldError::InvalidUrl)
                } else {
                    None
                };
                error.map(|e| (f.spec.name.clone(), e))
            })
            .collect()
    }

    /// The error shown under a field, once errors are shown.
    pub fn error_of(&self, name: &str) -> Option<FieldError> {
        if !self.show_errors {
            return None;
        }
        self.validate().into_iter().find(|(k, _)| k == name).map(|(_, e)| e)
    }

    /// What to send, or why not.
    pub fn submission(&self) -> Result<Submission, FormError> {
        let errors = self.validate();
        if !errors.is_empty() {
            return Err(FormError::Fields(errors));
        }
        let filled = |group: Group| -> Vec<(String, String)> {
            self.fields
                .iter()
                .filter(|f| f.group == group)
                .map(|f| (f.spec.name.clone(), self.value(&f.spec.name).trim().to_owned()))
                .filter(|(_, v)| !v.is_empty())
                .collect()
        };
        let mut params = self.preset.clone();
        params.extend(filled(Group::Config));
        let method = match self.kind() {
            AuthKind::OAuth => Method::OAuth,
            AuthKind::NoAuth => Method::Create,
            AuthKind::Credentials => Method::Credentials(
                credentials(&self.auth_mode, filled(Group::Credential)).map_err(FormError::Auth)?,
            ),
        };
        Ok(Submission { method, params })
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(json: &str) -> Provider {
        Provider::from_answer(&Json::parse(json).unwrap()).unwrap()
    }

    fn stripe() -> Provider {
        provider(
            r#"{"data":{"auth_mode":"API_KEY","credentials":{"apiKey":{"title":"API Key","secret":true}}}}"#,
        )
    }

    #[test]
    fn kinds_of_auth_modes() {
        assert_eq!(AuthKind::of("OAUTH2"), AuthKind::OAuth);
        assert_eq!(AuthKind::of("MCP_OAUTH2"), AuthKind::OAuth);
        assert_eq!(AuthKind::of("NONE"), AuthKind::NoAuth);
        assert_eq!(AuthKind::of("API_KEY"), AuthKind::Credentials);
        assert_eq!(AuthKind::of("TABLEAU"), AuthKind::Credentials);
    }

    #[test]
    fn api_key_form_validates_then_submits() {
        let mut form = Form::new("api-key-dev", &stripe(), &[]);
        assert_eq!(form.fields.len(), 1);
        assert!(!form.is_dirty());
        assert_eq!(form.submission(), Err(FormError::Fields(vec![("apiKey".into(), FieldError::Required)])));
        assert_eq!(form.error_of("apiKey"), None, "errors wait for a submit");
        form.show_errors = true;
        assert_eq!(form.error_of("apiKey"), Some(FieldError::Required));
        form.set("apiKey", " dev-key-ok ".into());
        assert!(form.is_dirty());
        assert_eq!(
            form.submission(),
            Ok(Submission {
                method: Method::Credentials(Credentials::api_key("dev-key-ok")),
                params: vec![]
            })
        );
    }

    #[test]
    fn default_fields_when_the_provider_lists_none() {
        let form = Form::new("b", &provider(r#"{"data":{"auth_mode":"BASIC"}}"#), &[]);
        let names: Vec<_> = form.fields.iter().map(|f| f.spec.name.as_str()).collect();
        assert_eq!(names, ["username", "password"]);
        assert!(form.fields.get(1).is_some_and(|f| f.spec.secret));
    }

    #[test]
    fn connection_config_becomes_params() {
        let p = provider(
            r#"{"data":{"auth_mode":"OAUTH2","connection_config":{
                "subdomain":{"title":"Subdomain"},
                "region":{"enum":["eu","us"],"optional":true},
                "site":{"format":"uri","optional":true},
                "secret_hidden":{"hidden":true,"default_value":"h"},
                "auto":{"automated":true},
                "preset":{"title":"Preset"}}}}"#,
        );
        let mut form = Form::new("github-dev", &p, &[("preset".into(), "p".into())]);
        let names: Vec<_> = form.fields.iter().map(|f| f.spec.name.as_str()).collect();
        assert_eq!(names, ["subdomain", "region", "site"]);
        form.set("region", "mars".into());
        form.set("site", "example.com".into());
        assert_eq!(
            form.validate(),
            [
                ("subdomain".into(), FieldError::Required),
                ("region".into(), FieldError::InvalidChoice),
                ("site".into(), FieldError::InvalidUrl)
            ]
        );
        form.set("subdomain", "acme".into());
        form.set("region", "eu".into());
        form.set("site", String::new());
        let submission = form.submission().unwrap();
        assert_eq!(submission.method, Method::OAuth);
        assert_eq!(
            submission.params,
            [("preset", "p"), ("secret_hidden", "h"), ("subdomain", "acme"), ("region", "eu")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
    }

    #[test]
    fn no_auth_creates() {
        let form = Form::new("u", &provider(r#"{"data":{"auth_mode":"NONE"}}"#), &[]);
        assert!(form.fields.is_empty());
        assert_eq!(form.submission().map(|s| s.method), Ok(Method::Create));
    }

    #[test]
    fn credentials_per_mode() {
        let pairs = |p: &[(&str, &str)]| p.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        assert_eq!(
            credentials("BASIC", pairs(&[("username", "u")])),
            Ok(Credentials::Basic { username: Some("u".into()), password: None })
        );
        assert!(matches!(
            credentials("TWO_STEP", pairs(&[("username", "u"), ("password", "p")])),
            Ok(Credentials::TwoStep(o)) if o.len() == 2
        ));
        assert!(matches!(credentials("JWT", pairs(&[("privateKey", "k")])), Ok(Credentials::Jwt(_))));
        assert_eq!(
            credentials("AWS_SIGV4", pairs(&[("role_arn", "arn")])),
            Ok(Credentials::AwsSigV4 { role_arn: "arn".into(), region: None })
        );
        assert!(matches!(
            credentials("OAUTH2_CC", pairs(&[("client_id", "i"), ("client_secret", "s")])),
            Ok(Credentials::OAuth2ClientCredentials { client_secret: Some(_), client_private_key: None, .. })
        ));
        assert!(matches!(
            credentials("TBA", pairs(&[("token_id", "i"), ("token_secret", "s")])),
            Ok(Credentials::Tba { .. })
        ));
        assert!(matches!(credentials("BILL", pairs(&[("username", "u")])), Ok(Credentials::Bill { .. })));
        assert!(matches!(
            credentials("SIGNATURE", pairs(&[("username", "u")])),
            Ok(Credentials::Signature { .. })
        ));
        assert_eq!(credentials("TABLEAU", pairs(&[("apiKey", "k")])), Ok(Credentials::api_key("k")));
        assert!(credentials("TABLEAU", pairs(&[("pat", "k")])).is_err());
    }
}
