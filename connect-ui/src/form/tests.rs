use nango_frontend::{AuthErrorType, Json};

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
    provider(r#"{"data":{"auth_mode":"API_KEY","credentials":{"apiKey":{"title":"API Key","secret":true}}}}"#)
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
    let aws = provider(r#"{"data":{"auth_mode":"AWS_SIGV4","credentials":{"role_arn":{"title":"Role"}}}}"#);
    let mut form = form_of("aws", &aws, &[]);
    assert_eq!(form.external_id.as_deref(), Some("generated-id"));
    form.set("role_arn", "arn:aws:iam::1:role/r".into());
    let submission = form.submission().unwrap();
    assert_eq!(submission.params, [("external_id".to_owned(), "generated-id".to_owned())]);
    assert_eq!(
        submission.method,
        Method::Credentials(Credentials::AwsSigV4 { role_arn: "arn:aws:iam::1:role/r".into(), region: None })
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
    assert_eq!(fields, [("client_secret", true), ("client_certificate", true), ("client_private_key", true)]);
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
    let session =
        Session { docs_overrides: vec![("k".into(), "https://help.example".into())], ..Session::default() };
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
        &preset(&[("oauth_client_id_override", "id"), ("oauth_client_secret_override", "s"), ("team", "t")]),
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
    assert_eq!(form.submission().map(|s| s.method), Ok(Method::OAuth), "left empty: the integration's app");
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
