//! The auth form of one integration: which fields to show for its auth mode, validation, and
//! what to send through the core (credentials, connection config params). Pure logic.

use nango_frontend::{AuthError, AuthErrorType, Credentials, Json, JsonObject};

use crate::model::{FieldSpec, Integration, Provider, Session};

/// How an auth mode connects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKind {
    /// A popup (`nango.auth` without credentials).
    OAuth,
    /// Nothing to enter (`nango.create`).
    NoAuth,
    /// An outbound installation (`installation: outbound`): `/auth/oauth-outbound`, no popup.
    Outbound,
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

    /// The kind of a provider: its auth mode, unless it installs outbound.
    pub fn of_provider(provider: &Provider) -> Self {
        match (Self::of(&provider.auth_mode), provider.installation.as_deref()) {
            (Self::OAuth, Some("outbound")) => Self::Outbound,
            (kind, _) => kind,
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
    /// Into two-step auth's `assertionOption`.
    Assertion,
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
    /// Not of its `format` (`hostname`, `email`, `uuid`).
    InvalidFormat,
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
    /// Two-step auth's `assertionOption`, when the provider asks for one.
    pub assertion_option: Option<JsonObject>,
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
    /// How it connects.
    pub kind: AuthKind,
    /// `docs_connect`, or the session's override for the integration.
    pub docs: Option<String>,
    /// `docs` is the session's override (whose page has no sections of ours).
    docs_overridden: bool,
    /// AWS SigV4: the external id to put in the role's trust policy, sent as
    /// `params[external_id]`.
    pub external_id: Option<String>,
    /// OAuth2: the end user's own OAuth app, preset by the session
    /// (`oauth_client_id_override`, …); an empty preset is a field to fill instead.
    oauth_overrides: Vec<(String, String)>,
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
    /// The form for `integration`, from its provider and the session (config defaults, docs
    /// overrides). `new_external_id` is used for AWS SigV4 when the session presets none.
    pub fn new(
        integration: &Integration,
        provider: &Provider,
        session: &Session,
        new_external_id: &str,
    ) -> Self {
        let key = integration.unique_key.as_str();
        let kind = AuthKind::of_provider(provider);
        let mut preset: Vec<(String, String)> = session.defaults_for(key).to_vec();
        let mut fields = Vec::new();
        let mut oauth_overrides = Vec::new();
        if provider.auth_mode == "OAUTH2" && kind == AuthKind::OAuth {
            for (name, title, secret) in OAUTH_OVERRIDES {
                let Some(i) = preset.iter().position(|(k, _)| k == name) else { continue };
                let (name, value) = preset.remove(i);
                if value.is_empty() {
                    let spec = FieldSpec { optional: true, ..FieldSpec::named(&name, title, secret) };
                    fields.push(FormField { spec, group: Group::Credential });
                } else {
                    oauth_overrides.push((name, value));
                }
            }
        }
        if kind == AuthKind::Credentials {
            let credentials = credential_fields(provider)
                .into_iter()
                .filter(|f| !f.automated && !f.hidden)
                .filter(|f| !integration.preconfigured_credentials.contains(&f.name))
                .map(|mut spec| {
                    if let Some((_, label)) =
                        integration.credentials_label.iter().find(|(k, _)| *k == spec.name)
                    {
                        spec.title = Some(label.clone());
                        spec.description = None;
                        spec.example = None;
                    }
                    FormField { spec, group: Group::Credential }
                });
            fields.extend(credentials);
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
        if provider.auth_mode == "TWO_STEP" {
            fields.extend(
                provider
                    .assertion_option
                    .iter()
                    .filter(|f| !f.hidden && !f.automated)
                    .map(|spec| FormField { spec: spec.clone(), group: Group::Assertion }),
            );
        }
        let external_id = (provider.auth_mode == "AWS_SIGV4").then(|| {
            let preset_id = preset.iter().position(|(k, v)| k == "external_id" && !v.is_empty());
            match preset_id {
                Some(i) => preset.remove(i).1,
                None => new_external_id.to_owned(),
            }
        });
        let values: Vec<(String, String)> =
            fields.iter().map(|f| (f.spec.name.clone(), initial_value(&f.spec))).collect();
        Self {
            integration: key.to_owned(),
            auth_mode: provider.auth_mode.clone(),
            kind,
            docs: session.docs_override(key).map(str::to_owned).or_else(|| provider.docs_connect.clone()),
            docs_overridden: session.docs_override(key).is_some(),
            external_id,
            oauth_overrides,
            fields,
            preset,
            initial: values.clone(),
            values,
            show_errors: false,
        }
    }

    /// How this form connects.
    pub fn kind(&self) -> AuthKind {
        self.kind
    }

    /// Where the docs explain `field`: the docs link and the field's `doc_section` anchor (just
    /// the link when the session overrides it).
    pub fn field_docs(&self, field: &FieldSpec) -> Option<String> {
        let docs = self.docs.as_deref()?;
        match (&field.doc_section, self.docs_overridden) {
            (Some(section), false) => Some(format!("{docs}{section}")),
            _ => Some(docs.to_owned()),
        }
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
                } else if !has_format(value, f.spec.format.as_deref()) {
                    Some(FieldError::InvalidFormat)
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
        if let Some(id) = &self.external_id {
            params.push(("external_id".to_owned(), id.clone()));
        }
        let method = match self.kind {
            AuthKind::OAuth => {
                let mut overrides = self.oauth_overrides.clone();
                overrides.extend(filled(Group::Credential));
                oauth_method(&overrides).map_err(FormError::Auth)?
            }
            AuthKind::NoAuth => Method::Create,
            AuthKind::Outbound => Method::Credentials(Credentials::OutboundInstallation),
            AuthKind::Credentials => Method::Credentials(
                credentials(&self.auth_mode, filled(Group::Credential)).map_err(FormError::Auth)?,
            ),
        };
        let assertion = filled(Group::Assertion);
        let assertion_option = (!assertion.is_empty()).then(|| assertion.into_iter().collect());
        Ok(Submission { method, params, assertion_option })
    }
}

/// The OAuth app overrides a session may preset for OAuth2: `(name, title, secret)`.
const OAUTH_OVERRIDES: [(&str, &str, bool); 3] = [
    ("oauth_client_id_override", "OAuth client ID", false),
    ("oauth_client_secret_override", "OAuth client secret", true),
    ("oauth_refresh_token_override", "Refresh token", true),
];

/// The popup, with the end user's own OAuth app when both its id and secret are given.
fn oauth_method(overrides: &[(String, String)]) -> Result<Method, AuthError> {
    let get = |k: &str| overrides.iter().find(|(name, _)| name == k).map(|(_, v)| v.clone());
    match (get("oauth_client_id_override"), get("oauth_client_secret_override")) {
        (None, None) => Ok(Method::OAuth),
        (Some(client_id), Some(client_secret)) => Ok(Method::Credentials(Credentials::OAuthClientOverride {
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

/// Whether `value` has the `format` Nango's page checks besides `uri`: `hostname` (letters,
/// digits, dots, hyphens), `email` (`local@domain.tld`), `uuid` (8-4-4-4-12 hex digits).
fn has_format(value: &str, format: Option<&str>) -> bool {
    match format {
        Some("hostname") => value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'),
        Some("email") => value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !value.contains(char::is_whitespace)
                && domain.split_once('.').is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
        }),
        Some("uuid") => {
            let groups: Vec<&str> = value.split('-').collect();
            groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
                && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
        }
        _ => true,
    }
}

/// The first value shown in a field: its default, else the first allowed value of a required
/// list (as Nango's page preselects it).
fn initial_value(spec: &FieldSpec) -> String {
    let first_choice = spec.choices.first().filter(|_| !spec.optional);
    spec.default_value.clone().or_else(|| first_choice.cloned()).unwrap_or_default()
}

/// The credential fields of a provider: those it describes (else the mode's defaults), plus,
/// for two-step providers, the `integration_config` fields it does not list, and for OAuth2
/// client credentials the certificate pair when `require_client_certificate` is set.
fn credential_fields(provider: &Provider) -> Vec<FieldSpec> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(json: &str) -> Provider {
        Provider::from_answer(&Json::parse(json).unwrap()).unwrap()
    }

    /// The form of integration `key` with these session config defaults.
    fn form_of(key: &str, provider: &Provider, defaults: &[(String, String)]) -> Form {
        let session =
            Session { config_defaults: vec![(key.to_owned(), defaults.to_vec())], ..Session::default() };
        Form::new(&integration(key), provider, &session, "generated-id")
    }

    fn integration(key: &str) -> Integration {
        Integration {
            unique_key: key.into(),
            provider: key.into(),
            display_name: key.into(),
            logo: None,
            preconfigured_credentials: Vec::new(),
            credentials_label: Vec::new(),
        }
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
        let mut form = form_of("api-key-dev", &stripe(), &[]);
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
                params: vec![],
                assertion_option: None,
            })
        );
    }

    #[test]
    fn default_fields_when_the_provider_lists_none() {
        let form = form_of("b", &provider(r#"{"data":{"auth_mode":"BASIC"}}"#), &[]);
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
        let mut form = form_of("github-dev", &p, &[("preset".into(), "p".into())]);
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
        let form = form_of("u", &provider(r#"{"data":{"auth_mode":"NONE"}}"#), &[]);
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

    #[test]
    fn outbound_installations_call_the_outbound_route() {
        let p = provider(
            r#"{"data":{"auth_mode":"OAUTH2","installation":"outbound",
            "connection_config":{"hostname":{"enum":["sentry.io","eu.sentry.io"]}}}}"#,
        );
        let form = form_of("outbound-dev", &p, &[]);
        assert_eq!(form.kind(), AuthKind::Outbound);
        assert_eq!(form.value("hostname"), "sentry.io", "a required list starts on its first value");
        let submission = form.submission().unwrap();
        assert_eq!(submission.method, Method::Credentials(Credentials::OutboundInstallation));
        assert_eq!(submission.params, [("hostname".to_owned(), "sentry.io".to_owned())]);
        // Without `installation`, the same provider is a popup.
        let p = provider(r#"{"data":{"auth_mode":"OAUTH2"}}"#);
        assert_eq!(form_of("github-dev", &p, &[]).submission().unwrap().method, Method::OAuth);
    }

    #[test]
    fn aws_sends_an_external_id_preset_or_generated() {
        let aws =
            provider(r#"{"data":{"auth_mode":"AWS_SIGV4","credentials":{"role_arn":{"title":"Role"}}}}"#);
        let mut form = form_of("aws", &aws, &[]);
        assert_eq!(form.external_id.as_deref(), Some("generated-id"));
        form.set("role_arn", "arn:aws:iam::1:role/r".into());
        let submission = form.submission().unwrap();
        assert_eq!(submission.params, [("external_id".to_owned(), "generated-id".to_owned())]);
        assert_eq!(
            submission.method,
            Method::Credentials(Credentials::AwsSigV4 {
                role_arn: "arn:aws:iam::1:role/r".into(),
                region: None
            })
        );
        // The session's default wins, once; an empty one does not count.
        let form = form_of("aws", &aws, &[("external_id".into(), "preset-id".into())]);
        assert_eq!(form.external_id.as_deref(), Some("preset-id"));
        assert!(form.preset.is_empty());
        let form = form_of("aws", &aws, &[("external_id".into(), String::new())]);
        assert_eq!(form.external_id.as_deref(), Some("generated-id"));
        assert_eq!(form_of("a", &stripe(), &[]).external_id, None);
    }

    #[test]
    fn two_step_assertion_options_travel_apart() {
        let p = provider(
            r#"{"data":{"auth_mode":"TWO_STEP","credentials":{"clientId":{"title":"Client ID"}},
            "integration_config":{"clientId":{"title":"dup"},"tenant":{"title":"Tenant","optional":true}},
            "assertion_option":{"privateKey":{"title":"Private Key","secret":true}}}}"#,
        );
        let mut form = form_of("two", &p, &[]);
        let fields: Vec<_> =
            form.fields.iter().map(|f| (f.spec.name.as_str(), f.group, f.spec.optional)).collect();
        assert_eq!(
            fields,
            [
                ("clientId", Group::Credential, false),
                ("tenant", Group::Credential, false),
                ("privateKey", Group::Assertion, false)
            ],
            "integration_config fills in what credentials lacks, and is required"
        );
        form.set("clientId", "c".into());
        form.set("tenant", "t".into());
        assert!(
            matches!(form.submission(), Err(FormError::Fields(f)) if f == [("privateKey".to_owned(), FieldError::Required)])
        );
        form.set("privateKey", "pem".into());
        let submission = form.submission().unwrap();
        let Method::Credentials(Credentials::TwoStep(credentials)) = &submission.method else { panic!() };
        assert_eq!(credentials.len(), 2, "the key is no credential: {credentials:?}");
        let assertion = submission.assertion_option.unwrap();
        assert_eq!(assertion.get("privateKey").and_then(Json::as_str), Some("pem"));
    }

    #[test]
    fn integration_settings_shape_the_credentials() {
        let p = provider(
            r#"{"data":{"auth_mode":"OAUTH2_CC","require_client_certificate":true,"token_request_auth_method":"private_key_jwt",
            "credentials":{"client_id":{"title":"Client ID","description":"From the console"},"client_secret":{"title":"Secret"}}}}"#,
        );
        let mut integration = integration("cc");
        integration.preconfigured_credentials = vec!["client_id".into()];
        integration.credentials_label = vec![("client_secret".into(), "Workspace secret".into())];
        let form = Form::new(&integration, &p, &Session::default(), "");
        let fields: Vec<_> = form.fields.iter().map(|f| (f.spec.name.as_str(), f.spec.optional)).collect();
        assert_eq!(
            fields,
            [("client_secret", true), ("client_certificate", true), ("client_private_key", true)]
        );
        assert_eq!(form.fields[0].spec.title.as_deref(), Some("Workspace secret"));

        let session = Session {
            docs_overrides: vec![("cc".into(), "https://help.example/cc".into())],
            ..Session::default()
        };
        let form = Form::new(&integration, &p, &session, "");
        assert_eq!(form.docs.as_deref(), Some("https://help.example/cc"));
    }

    #[test]
    fn formats_nango_checks() {
        let p = provider(
            r#"{"data":{"auth_mode":"NONE","connection_config":{
                "host":{"format":"hostname"},"mail":{"format":"email"},"id":{"format":"uuid"}}}}"#,
        );
        let mut form = form_of("f", &p, &[]);
        form.set("host", "acme.example.com".into());
        form.set("mail", "ada@example.com".into());
        form.set("id", "2b0a9a9e-3c1f-4d1e-8a55-0f8e7d6c5b4a".into());
        assert!(form.validate().is_empty(), "{:?}", form.validate());
        form.set("host", "https://acme.example.com".into());
        form.set("mail", "ada@localhost".into());
        form.set("id", "2b0a9a9e3c1f4d1e8a550f8e7d6c5b4a".into());
        assert_eq!(
            form.validate(),
            ["host", "mail", "id"].map(|name| (name.to_owned(), FieldError::InvalidFormat))
        );
    }

    #[test]
    fn each_field_links_to_its_docs_section() {
        let p = provider(
            r##"{"data":{"auth_mode":"API_KEY","docs_connect":"https://docs.example/stripe/connect",
            "credentials":{"apiKey":{"title":"Key","doc_section":"#step-1"}},"connection_config":{"site":{"title":"Site"}}}}"##,
        );
        let form = form_of("k", &p, &[]);
        let docs: Vec<_> = form.fields.iter().map(|f| form.field_docs(&f.spec)).collect();
        assert_eq!(
            docs,
            [
                Some("https://docs.example/stripe/connect#step-1".to_owned()),
                Some("https://docs.example/stripe/connect".to_owned())
            ]
        );
        let session = Session {
            docs_overrides: vec![("k".into(), "https://help.example".into())],
            ..Session::default()
        };
        let form = Form::new(&integration("k"), &p, &session, "");
        assert_eq!(form.field_docs(&form.fields[0].spec).as_deref(), Some("https://help.example"));
        let form = form_of("k", &provider(r#"{"data":{"auth_mode":"API_KEY"}}"#), &[]);
        assert_eq!(form.field_docs(&form.fields[0].spec), None);
    }

    #[test]
    fn a_session_may_preset_or_ask_for_the_users_own_oauth_app() {
        let github = provider(r#"{"data":{"auth_mode":"OAUTH2"}}"#);
        let preset = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
        };
        let form = form_of(
            "g",
            &github,
            &preset(&[
                ("oauth_client_id_override", "id"),
                ("oauth_client_secret_override", "s"),
                ("team", "t"),
            ]),
        );
        assert!(form.fields.is_empty(), "preset values are not asked");
        let submission = form.submission().unwrap();
        assert_eq!(
            submission.method,
            Method::Credentials(Credentials::OAuthClientOverride {
                client_id: "id".into(),
                client_secret: "s".into(),
                refresh_token: None
            })
        );
        assert_eq!(submission.params, preset(&[("team", "t")]), "overrides are no params");

        // Empty presets are fields for the user (optional, as in Nango's page).
        let mut form = form_of(
            "g",
            &github,
            &preset(&[("oauth_client_id_override", ""), ("oauth_client_secret_override", "")]),
        );
        let names: Vec<_> = form.fields.iter().map(|f| (f.spec.name.as_str(), f.spec.secret)).collect();
        assert_eq!(names, [("oauth_client_id_override", false), ("oauth_client_secret_override", true)]);
        assert_eq!(
            form.submission().map(|s| s.method),
            Ok(Method::OAuth),
            "left empty: the integration's app"
        );
        form.set("oauth_client_id_override", "mine".into());
        assert!(
            matches!(form.submission(), Err(FormError::Auth(e)) if e.kind == AuthErrorType::MissingCredentials)
        );
        form.set("oauth_client_secret_override", "secret".into());
        assert!(matches!(
            form.submission().map(|s| s.method),
            Ok(Method::Credentials(Credentials::OAuthClientOverride { client_id, .. })) if client_id == "mine"
        ));
    }
}
