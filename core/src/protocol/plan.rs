//! From a call and its options to what goes on the wire.

use crate::config::{AuthToken, ClientConfig};
use crate::json::{Json, JsonObject, write_string};
use crate::options::{AuthOptions, Credentials};
use crate::protocol::oauth::OAuthFlow;
use crate::text::{concat, join};
use crate::url::encode_component;
use crate::{AuthError, AuthErrorType};

/// Which entry point is being called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthCall {
    /// `auth()`: OAuth popup, or a credential POST when credentials are given.
    Auth,
    /// `reconnect()`: as `auth()`, but needs a connect session token.
    Reconnect,
    /// `create()`: an unauthenticated (auth mode NONE) connection.
    Create,
}

/// A credential POST: the URL and the JSON body (none for bodiless endpoints).
///
/// `Debug` shows neither the query values (a session token) nor the body (keys, passwords).
#[derive(Clone, PartialEq, Eq)]
pub struct PostRequest {
    /// Absolute URL with the query.
    pub url: String,
    /// The JSON body; `None` sends no body.
    pub body: Option<String>,
}

impl std::fmt::Debug for PostRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostRequest")
            .field("url", &crate::url::redact_query(&self.url))
            .field("body", &self.body.as_ref().map(|_| "…"))
            .finish()
    }
}

/// What an auth call does.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthPlan {
    /// A `POST` with `Content-Type: application/json`.
    Post(PostRequest),
    /// An OAuth popup driven by a WebSocket.
    Popup(OAuthFlow),
}

/// Plans an auth call: validates it and decides the request. The credentials and the assertion
/// option are taken out of `options`: the JSON fields go into the body without a copy.
///
/// Errors are the ones the official SDK throws before touching the network
/// (`missing_auth_token`, `missing_connect_session_token`).
pub(crate) fn plan_auth(
    config: &ClientConfig,
    token: AuthToken<'_>,
    call: AuthCall,
    provider_config_key: &str,
    options: &mut AuthOptions,
) -> Result<AuthPlan, AuthError> {
    if call == AuthCall::Reconnect {
        token.ensure_session_token()?;
    }
    token.ensure_token()?;
    let key = encode_component(provider_config_key);
    let (credentials, assertion_option) = (options.credentials.take(), options.assertion_option.take());
    let host = config.endpoints.host.as_str();
    let post = |path: &str, body: Option<String>| {
        let query = query_string(token, options, None);
        AuthPlan::Post(PostRequest { url: concat(&[host, path, "/", &key, &query]), body })
    };
    if call == AuthCall::Create {
        return Ok(post("/auth/unauthenticated", None));
    }
    let Some(mut credentials) = credentials else {
        return Ok(AuthPlan::Popup(popup(config, token, &key, options, None)));
    };
    // The JSON fields, moved out; everything else is read in place.
    let fields = match &mut credentials {
        Credentials::TwoStep(fields) | Credentials::Jwt(fields) => std::mem::take(fields),
        _ => JsonObject::new(),
    };
    let obj = |pairs: &[(&str, Option<&String>)]| Some(object_text(pairs));
    Ok(match &credentials {
        overrides @ Credentials::OAuthClientOverride { .. } => {
            AuthPlan::Popup(popup(config, token, &key, options, Some(overrides)))
        }
        Credentials::TwoStep(_) => {
            let mut body: JsonObject = [("type", Json::from("TWO_STEP"))].into_iter().collect();
            for (k, v) in fields.into_pairs() {
                if k != "type" {
                    body.insert(k, v);
                }
            }
            if let Some(option) = assertion_option.filter(|o| !is_empty_object(o)) {
                body.insert("assertionOption", option);
            }
            post("/auth/two-step", Some(Json::Object(body).to_json_string()))
        }
        Credentials::Signature { username, password } => {
            let ty = "SIGNATURE".to_owned();
            post(
                "/auth/signature",
                obj(&[("type", Some(&ty)), ("username", Some(username)), ("password", Some(password))]),
            )
        }
        Credentials::AwsSigV4 { role_arn, region } => {
            post("/auth/aws-sigv4", obj(&[("role_arn", Some(role_arn)), ("region", region.as_ref())]))
        }
        Credentials::Bill { username, password, organization_id, dev_key } => post(
            "/auth/bill",
            obj(&[
                ("username", Some(username)),
                ("password", Some(password)),
                ("organization_id", Some(organization_id)),
                ("dev_key", Some(dev_key)),
            ]),
        ),
        Credentials::ApiKey { api_key } => post("/api-auth/api-key", obj(&[("apiKey", Some(api_key))])),
        Credentials::Basic { username, password } => {
            post("/api-auth/basic", obj(&[("username", username.as_ref()), ("password", password.as_ref())]))
        }
        Credentials::Jwt(_) => post("/auth/jwt", Some(Json::Object(fields).to_json_string())),
        Credentials::Tba {
            token_id,
            token_secret,
            oauth_client_id_override,
            oauth_client_secret_override,
        } => post(
            "/auth/tba",
            obj(&[
                ("token_id", Some(token_id)),
                ("token_secret", Some(token_secret)),
                ("oauth_client_id_override", oauth_client_id_override.as_ref()),
                ("oauth_client_secret_override", oauth_client_secret_override.as_ref()),
            ]),
        ),
        Credentials::OAuth2ClientCredentials {
            client_id,
            client_secret,
            client_private_key,
            client_certificate,
        } => {
            if client_secret.is_none() && client_private_key.is_none() {
                return Err(AuthError::new(
                    AuthErrorType::MissingCredentials,
                    "OAuth2 client credentials need a client secret or a client private key",
                ));
            }
            post(
                "/oauth2/auth",
                obj(&[
                    ("client_id", Some(client_id)),
                    ("client_secret", client_secret.as_ref()),
                    ("client_private_key", client_private_key.as_ref()),
                    ("client_certificate", client_certificate.as_ref()),
                ]),
            )
        }
        // JS bug: the official SDK throws `missing_credentials` here; Nango's endpoint takes no body.
        Credentials::OutboundInstallation => post("/auth/oauth-outbound", None),
    })
}

/// `{"key":"value",…}` of the pairs that have a value: a body of strings written at once, with
/// no `Json` tree in between (the same text).
fn object_text(pairs: &[(&str, Option<&String>)]) -> String {
    let mut out = String::from("{");
    for (key, value) in pairs {
        if let Some(value) = value {
            if out.len() > 1 {
                out.push(',');
            }
            write_string(&mut out, key);
            out.push(':');
            write_string(&mut out, value);
        }
    }
    out.push('}');
    out
}

fn is_empty_object(value: &Json) -> bool {
    value.as_object().is_some_and(JsonObject::is_empty)
}

fn popup(
    config: &ClientConfig,
    token: AuthToken<'_>,
    key: &str,
    options: &AuthOptions,
    overrides: Option<&Credentials>,
) -> OAuthFlow {
    let query = query_string(token, options, overrides);
    let host = config.endpoints.host.as_str();
    let flow = OAuthFlow::new(
        concat(&[host, "/oauth/connect/", key, &query]),
        config.endpoints.ws_url.clone(),
        options.detect_closed_auth_window,
        options.timeout,
    );
    match token.session_token() {
        Some(token) => flow.with_session_check(host, token),
        None => flow,
    }
}

/// The query of `docs/protocol.md` §2, every key and value percent-encoded (the official SDK leaves
/// some raw: a JS bug that corrupts values holding `&` or `#`). `overrides`: the OAuth client
/// override credentials of a popup.
fn query_string(token: AuthToken<'_>, options: &AuthOptions, overrides: Option<&Credentials>) -> String {
    let mut query = String::new();
    let mut add = |key: &str, value: &str| {
        query.push(if query.is_empty() { '?' } else { '&' });
        query.push_str(key);
        query.push('=');
        query.push_str(&encode_component(value));
    };
    if let Some(id) = &options.connection_id {
        add("connection_id", id);
    }
    if let Some(key) = token.public_key() {
        add("public_key", key);
    }
    if let Some(token) = token.session_token() {
        add("connect_session_token", token);
    }
    for (k, v) in &options.params {
        add(&concat(&["params[", &encode_component(k), "]"]), v);
    }
    if let Some(hmac) = &options.hmac {
        add("hmac", hmac);
    }
    if !options.user_scope.is_empty() {
        add("user_scope", &join(options.user_scope.iter().map(String::as_str), ","));
    }
    if let Some(Credentials::OAuthClientOverride { client_id, client_secret, refresh_token }) = overrides {
        add("credentials[oauth_client_id_override]", client_id);
        add("credentials[oauth_client_secret_override]", client_secret);
        if let Some(token) = refresh_token {
            add("credentials[oauth_refresh_token_override]", token);
        }
    }
    for (k, v) in &options.authorization_params {
        let value = v.as_deref().unwrap_or("undefined");
        add(&concat(&["authorization_params[", &encode_component(k), "]"]), value);
    }
    query
}

/// Where the OAuth popup goes on the screen (`docs/protocol.md` §1): centred, clamped to the screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PopupLayout {
    /// Left edge.
    pub left: f64,
    /// Top edge.
    pub top: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

impl PopupLayout {
    /// Centres a `width × height` popup on a `screen_width × screen_height` screen.
    pub fn compute(screen_width: f64, screen_height: f64, width: f64, height: f64) -> Self {
        let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
        let (sw, sh, w, h) = (finite(screen_width), finite(screen_height), finite(width), finite(height));
        Self {
            left: (sw / 2.0 - w / 2.0).max(0.0),
            top: (sh / 2.0 - h / 2.0).max(0.0),
            width: w.min(sw),
            height: h.min(sh),
        }
    }

    /// The `window.open` features string.
    pub fn features(&self) -> String {
        concat(&[
            "left=",
            &js_number(self.left),
            ",top=",
            &js_number(self.top),
            ",width=",
            &js_number(self.width),
            ",height=",
            &js_number(self.height),
            ",scrollbars=yes,resizable=yes,status=no,toolbar=no,location=no,copyhistory=no,menubar=no,directories=no",
        ])
    }
}

/// Formats a number as JavaScript's `String(n)` does for the values a layout takes: whole
/// numbers and halves (the inputs are whole pixels). Float formatting is avoided on purpose: it
/// would add ~10 KB to every wasm app.
fn js_number(value: f64) -> String {
    let halves = (value * 2.0).round().max(0.0) as u64;
    let whole = crate::url::decimal(halves / 2);
    if halves.is_multiple_of(2) { whole } else { concat(&[whole.as_str(), ".5"]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_centres_and_clamps() {
        let l = PopupLayout::compute(1920.0, 1080.0, 800.0, 2000.0);
        assert_eq!((l.left, l.top, l.width, l.height), (560.0, 0.0, 800.0, 1080.0));
        assert!(l.features().starts_with("left=560,top=0,width=800,height=1080,scrollbars=yes"));
        let odd = PopupLayout::compute(1365.0, 767.0, 500.0, 600.0);
        assert!(odd.features().starts_with("left=432.5,top=83.5,"));
        let weird = PopupLayout::compute(f64::NAN, 100.0, 500.0, 600.0);
        assert_eq!(weird.left, 0.0);
    }
}
