//! What the page reads from the API's answers (`docs/protocol.md` §6), parsed with the core's `Json`.
//! Missing or mistyped optional fields are ignored; a missing required one makes the answer
//! invalid (`None`).

use nango_frontend::{ConnectUiSettings, Json};

/// `GET /connect/session` → `data`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Session {
    /// `connectUISettings`.
    pub settings: ConnectUiSettings,
    /// `allowed_integrations`, when the session restricts them.
    pub allowed_integrations: Option<Vec<String>>,
    /// `integrations_config_defaults[key].connection_config`, as string pairs.
    pub config_defaults: Vec<(String, Vec<(String, String)>)>,
    /// `websocketsPath`, when given.
    pub websockets_path: Option<String>,
    /// `isReconnecting`.
    pub is_reconnecting: bool,
    /// `overrides[key].docs_connect`: documentation links that replace the provider's.
    pub docs_overrides: Vec<(String, String)>,
}

impl Session {
    /// Reads the whole answer (`{data: {…}}`).
    pub fn from_answer(answer: &Json) -> Option<Self> {
        let data = answer.get("data")?;
        data.as_object()?;
        let settings =
            data.get("connectUISettings").and_then(ConnectUiSettings::from_json).unwrap_or_default();
        let allowed_integrations = match data.get("allowed_integrations") {
            Some(Json::Array(items)) => {
                Some(items.iter().filter_map(Json::as_str).map(str::to_owned).collect())
            }
            _ => None,
        };
        let config_defaults = data
            .get("integrations_config_defaults")
            .and_then(Json::as_object)
            .map(|defaults| {
                defaults
                    .iter()
                    .map(|(key, value)| {
                        let pairs = value
                            .get("connection_config")
                            .and_then(Json::as_object)
                            .map(|config| {
                                config.iter().filter_map(|(k, v)| Some((k.to_owned(), scalar(v)?))).collect()
                            })
                            .unwrap_or_default();
                        (key.to_owned(), pairs)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let docs_overrides = data
            .get("overrides")
            .and_then(Json::as_object)
            .map(|overrides| {
                overrides
                    .iter()
                    .filter_map(|(key, o)| {
                        let docs = o.get("docs_connect").and_then(Json::as_str).filter(|d| !d.is_empty())?;
                        Some((key.to_owned(), docs.to_owned()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(Self {
            settings,
            docs_overrides,
            allowed_integrations,
            config_defaults,
            websockets_path: data.get("websocketsPath").and_then(Json::as_str).map(str::to_owned),
            is_reconnecting: data.get("isReconnecting").and_then(Json::as_bool).unwrap_or(false),
        })
    }

    /// The connection config preset for `key`.
    pub fn defaults_for(&self, key: &str) -> &[(String, String)] {
        self.config_defaults
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, pairs)| pairs.as_slice())
            .unwrap_or_default()
    }

    /// The documentation link the session sets for `key`, if any.
    pub fn docs_override(&self, key: &str) -> Option<&str> {
        self.docs_overrides.iter().find(|(k, _)| k == key).map(|(_, docs)| docs.as_str())
    }
}

/// An item of `GET /integrations`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integration {
    /// `unique_key`: the provider config key of every auth call.
    pub unique_key: String,
    /// `provider`: the template read with `/providers/{provider}`.
    pub provider: String,
    /// `display_name` (the key when absent).
    pub display_name: String,
    /// `logo`, an image URL.
    pub logo: Option<String>,
    /// `preconfigured_credentials`: credential fields the integration already holds, not asked.
    pub preconfigured_credentials: Vec<String>,
    /// `credentials_label`: labels that replace a credential field's title.
    pub credentials_label: Vec<(String, String)>,
}

impl Integration {
    /// Reads `{data: [...]}`, skipping malformed items.
    pub fn list_from_answer(answer: &Json) -> Option<Vec<Self>> {
        let Some(Json::Array(items)) = answer.get("data") else { return None };
        Some(items.iter().filter_map(Self::from_json).collect())
    }

    fn from_json(item: &Json) -> Option<Self> {
        let text = |k: &str| item.get(k).and_then(Json::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
        let unique_key = text("unique_key")?;
        let preconfigured_credentials = match item.get("preconfigured_credentials") {
            Some(Json::Array(names)) => names.iter().filter_map(Json::as_str).map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        let credentials_label = item
            .get("credentials_label")
            .and_then(Json::as_object)
            .map(|labels| {
                labels
                    .iter()
                    .filter_map(|(k, v)| {
                        Some((k.to_owned(), v.as_str().filter(|l| !l.is_empty())?.to_owned()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(Self {
            provider: text("provider").unwrap_or_else(|| unique_key.clone()),
            display_name: text("display_name").unwrap_or_else(|| unique_key.clone()),
            logo: text("logo"),
            unique_key,
            preconfigured_credentials,
            credentials_label,
        })
    }
}

/// One field of a provider's `credentials` or `connection_config` map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSpec {
    /// The key sent to the server (`apiKey`, `subdomain`, …).
    pub name: String,
    /// `title`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `example` (placeholder).
    pub example: Option<String>,
    /// `secret`: a masked input.
    pub secret: bool,
    /// `optional`.
    pub optional: bool,
    /// `hidden`.
    pub hidden: bool,
    /// `automated`: filled by Nango, not the user.
    pub automated: bool,
    /// `default_value`.
    pub default_value: Option<String>,
    /// `enum`: allowed values.
    pub choices: Vec<String>,
    /// `format` (`uri`, …).
    pub format: Option<String>,
    /// `prefix` shown before the input.
    pub prefix: Option<String>,
    /// `suffix` shown after it.
    pub suffix: Option<String>,
    /// `order`.
    pub order: Option<i64>,
    /// `doc_section`: anchor in `docs_connect`.
    pub doc_section: Option<String>,
}

impl FieldSpec {
    /// A field with only a name and a title.
    pub fn named(name: &str, title: &str, secret: bool) -> Self {
        Self { name: name.to_owned(), title: Some(title.to_owned()), secret, ..Self::default() }
    }

    fn from_json(name: &str, value: &Json) -> Self {
        let text = |k: &str| value.get(k).and_then(scalar).filter(|s| !s.is_empty());
        let flag = |k: &str| value.get(k).and_then(Json::as_bool).unwrap_or(false);
        let choices = match value.get("enum") {
            Some(Json::Array(items)) => items.iter().filter_map(scalar).collect(),
            _ => Vec::new(),
        };
        Self {
            name: name.to_owned(),
            title: text("title"),
            description: text("description"),
            example: text("example"),
            secret: flag("secret"),
            optional: flag("optional"),
            hidden: flag("hidden"),
            automated: flag("automated"),
            default_value: text("default_value"),
            choices,
            format: text("format"),
            prefix: text("prefix"),
            suffix: text("suffix"),
            order: match value.get("order") {
                Some(Json::Number(n)) => n.as_i64(),
                _ => None,
            },
            doc_section: text("doc_section"),
        }
    }

    /// Reads a field map in display order (`order`, then the server's order).
    fn map_from_json(map: Option<&Json>) -> Vec<Self> {
        let Some(object) = map.and_then(Json::as_object) else { return Vec::new() };
        let mut fields: Vec<Self> = object.iter().map(|(name, v)| Self::from_json(name, v)).collect();
        fields.sort_by_key(|f| f.order.unwrap_or(i64::MAX));
        fields
    }
}

/// `GET /providers/{provider}` → `data`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provider {
    /// `auth_mode`, e.g. `API_KEY`.
    pub auth_mode: String,
    /// `display_name`.
    pub display_name: Option<String>,
    /// `docs_connect`: where the user finds the credentials.
    pub docs_connect: Option<String>,
    /// `credentials` fields.
    pub credentials: Vec<FieldSpec>,
    /// `connection_config` fields.
    pub connection_config: Vec<FieldSpec>,
    /// `installation`: `outbound` when the connection starts on the provider's side.
    pub installation: Option<String>,
    /// `assertion_option` fields (two-step providers that sign an assertion): sent as
    /// `assertionOption`, not as credentials.
    pub assertion_option: Vec<FieldSpec>,
    /// `integration_config` fields: for two-step providers, asked as credentials when
    /// `credentials` does not list them.
    pub integration_config: Vec<FieldSpec>,
    /// `require_client_certificate` (OAuth2 client credentials with mutual TLS).
    pub require_client_certificate: bool,
    /// `token_request_auth_method` (`private_key_jwt`: the client secret is optional).
    pub token_request_auth_method: Option<String>,
}

impl Provider {
    /// Reads the whole answer (`{data: {…}}`); `auth_mode` is required.
    pub fn from_answer(answer: &Json) -> Option<Self> {
        let data = answer.get("data")?;
        let text = |k: &str| data.get(k).and_then(Json::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
        Some(Self {
            auth_mode: text("auth_mode")?,
            display_name: text("display_name"),
            docs_connect: text("docs_connect"),
            credentials: FieldSpec::map_from_json(data.get("credentials")),
            connection_config: FieldSpec::map_from_json(data.get("connection_config")),
            installation: text("installation"),
            assertion_option: FieldSpec::map_from_json(data.get("assertion_option")),
            integration_config: FieldSpec::map_from_json(data.get("integration_config")),
            require_client_certificate: data.get("require_client_certificate").and_then(Json::as_bool)
                == Some(true),
            token_request_auth_method: text("token_request_auth_method"),
        })
    }
}

/// The error code and message of an API error answer (`{error: {code, message}}`).
pub fn api_error(answer: &Json) -> Option<(String, String)> {
    let error = answer.get("error")?;
    let code = error.get("code").and_then(Json::as_str).unwrap_or("unknown_error").to_owned();
    let message = error.get("message").and_then(Json::as_str).unwrap_or_default().to_owned();
    Some((code, message))
}

/// A string, number or boolean as text.
fn scalar(value: &Json) -> Option<String> {
    match value {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.as_str().to_owned()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use nango_frontend::Theme;

    use super::*;

    fn json(text: &str) -> Json {
        Json::parse(text).unwrap_or_default()
    }

    #[test]
    fn reads_a_session() {
        let answer = json(
            r##"{"data":{"endUser":{"id":"u"},"connectUISettings":{"defaultTheme":"dark","showWatermark":false,
            "theme":{"light":{"primary":"#112233"},"dark":{"primary":"#445566"}}},
            "allowed_integrations":["api-key-dev"],"websocketsPath":"/ws","isReconnecting":true,
            "overrides":{"api-key-dev":{"docs_connect":"https://help.example/keys"},"x":{"docs_connect":3}},
            "integrations_config_defaults":{"api-key-dev":{"connection_config":{"subdomain":"acme","n":3}}}}}"##,
        );
        let session = Session::from_answer(&answer).unwrap_or_default();
        assert_eq!(session.settings.default_theme, Some(Theme::Dark));
        assert_eq!(session.settings.theme.dark.primary.as_deref(), Some("#445566"));
        assert_eq!(session.allowed_integrations, Some(vec!["api-key-dev".to_owned()]));
        assert_eq!(session.websockets_path.as_deref(), Some("/ws"));
        assert!(session.is_reconnecting);
        assert_eq!(
            session.defaults_for("api-key-dev"),
            [("subdomain".to_owned(), "acme".to_owned()), ("n".to_owned(), "3".to_owned())]
        );
        assert!(session.defaults_for("other").is_empty());
        assert_eq!(session.docs_override("api-key-dev"), Some("https://help.example/keys"));
        assert_eq!(session.docs_override("other"), None);
        assert_eq!(Session::from_answer(&json(r#"{"error":{"code":"x"}}"#)), None);
        assert_eq!(Session::from_answer(&json(r#"{"data":{}}"#)), Some(Session::default()));
    }

    #[test]
    fn reads_integrations_and_skips_bad_items() {
        let answer = json(
            r#"{"data":[{"unique_key":"github-dev","provider":"github","display_name":"GitHub","logo":"http://x/l.svg"},
            {"provider":"nokey"},{"unique_key":"bare","preconfigured_credentials":["clientId",4],
            "credentials_label":{"apiKey":"Workspace token","x":""}}]}"#,
        );
        let list = Integration::list_from_answer(&answer).unwrap_or_default();
        assert_eq!(list.len(), 2);
        assert_eq!(list.first().map(|i| i.display_name.as_str()), Some("GitHub"));
        assert_eq!(list.get(1).map(|i| (i.provider.as_str(), i.logo.is_none())), Some(("bare", true)));
        let bare = list.get(1).cloned().unwrap();
        assert_eq!(bare.preconfigured_credentials, ["clientId"]);
        assert_eq!(bare.credentials_label, [("apiKey".to_owned(), "Workspace token".to_owned())]);
        assert_eq!(Integration::list_from_answer(&json(r#"{"data":{}}"#)), None);
    }

    #[test]
    fn reads_a_provider_in_field_order() {
        let answer = json(
            r#"{"data":{"name":"jira","auth_mode":"BASIC","display_name":"Jira","docs_connect":"https://d",
            "credentials":{"password":{"title":"Password","secret":true,"order":2},
                           "username":{"title":"User","order":1,"example":"me"}},
            "connection_config":{"region":{"enum":["eu","us"],"optional":true,"default_value":"eu"}}}}"#,
        );
        let provider = Provider::from_answer(&answer).unwrap_or_default();
        assert_eq!(provider.auth_mode, "BASIC");
        let names: Vec<_> = provider.credentials.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["username", "password"]);
        assert!(provider.credentials.get(1).is_some_and(|f| f.secret));
        let region = provider.connection_config.first().cloned().unwrap_or_default();
        assert_eq!(region.choices, ["eu", "us"]);
        assert!(region.optional);
        assert_eq!(region.default_value.as_deref(), Some("eu"));
        assert_eq!(provider.installation, None);
        assert!(!provider.require_client_certificate);
        assert_eq!(Provider::from_answer(&json(r#"{"data":{"name":"x"}}"#)), None);
        let answer = json(
            r#"{"data":{"auth_mode":"TWO_STEP","installation":"outbound","require_client_certificate":true,
            "token_request_auth_method":"private_key_jwt","assertion_option":{"privateKey":{"title":"Key","secret":true}},
            "integration_config":{"clientId":{"title":"Client"}}}}"#,
        );
        let provider = Provider::from_answer(&answer).unwrap_or_default();
        assert_eq!(provider.installation.as_deref(), Some("outbound"));
        assert_eq!(provider.assertion_option.first().map(|f| f.name.as_str()), Some("privateKey"));
        assert_eq!(provider.integration_config.first().map(|f| f.name.as_str()), Some("clientId"));
        assert!(provider.require_client_certificate);
        assert_eq!(provider.token_request_auth_method.as_deref(), Some("private_key_jwt"));
    }

    #[test]
    fn reads_api_errors() {
        assert_eq!(
            api_error(&json(r#"{"error":{"code":"connection_test_failed","message":"bad"}}"#)),
            Some(("connection_test_failed".into(), "bad".into()))
        );
        assert_eq!(api_error(&json(r#"{"data":1}"#)), None);
    }
}
