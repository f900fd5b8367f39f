//! The auth form of one integration: which fields to show for its auth mode, validation, and
//! what to send through the core (credentials, connection config params). Pure logic.
//!
//! [`mod@credentials`] says which credential fields a provider asks for and makes the core's
//! credentials from them; this module builds the form, validates it and makes its submission.

mod credentials;

use nango_frontend::{AuthError, Credentials, JsonObject};

pub use self::credentials::credentials;
use self::credentials::{OAUTH_OVERRIDES, credential_fields, oauth_override};
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
    /// How it connects (read with [`Form::kind`]).
    kind: AuthKind,
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
                // The popup, with the end user's own OAuth app when the session or the user gives one.
                match oauth_override(&overrides).map_err(FormError::Auth)? {
                    None => Method::OAuth,
                    Some(credentials) => Method::Credentials(credentials),
                }
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

#[cfg(test)]
mod tests;
