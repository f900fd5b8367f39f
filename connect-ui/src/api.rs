//! `GET` requests to the Nango API with the session token (`Authorization: Bearer`).

use nango_frontend::{AuthError, AuthErrorType, Json};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

use crate::model::{Integration, Provider, Session, api_error};
use crate::state::{LoadError, api_failure};

/// `GET {api}{path}` → the JSON body of a 2xx answer; `lang` as `Accept-Language`.
async fn get(api: &str, path: &str, token: &str, lang: Option<&str>) -> Result<Json, LoadError> {
    let network = |what: &str| LoadError::Failed(AuthError::new(AuthErrorType::NetworkError, what));
    let window = web_sys::window().ok_or_else(|| network("no window"))?;
    let init = RequestInit::new();
    init.set_method("GET");
    let request = Request::new_with_str_and_init(&format!("{api}{path}"), &init)
        .map_err(|_| network("invalid API URL"))?;
    request
        .headers()
        .set("Authorization", &format!("Bearer {token}"))
        .map_err(|_| network("invalid token"))?;
    if let Some(lang) = lang {
        let _ = request.headers().set("Accept-Language", lang);
    }
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .ok()
        .and_then(|r| r.dyn_into().ok())
        .ok_or_else(|| network(&format!("The Nango API at {api} cannot be reached")))?;
    let status = response.status();
    let body = match response.text() {
        Ok(promise) => JsFuture::from(promise).await.ok().and_then(|t| t.as_string()).unwrap_or_default(),
        Err(_) => String::new(),
    };
    let json = Json::parse(&body);
    if status == 401 {
        return Err(LoadError::Unauthorized);
    }
    if !(200..300).contains(&status) {
        let (code, message) = json
            .as_ref()
            .and_then(api_error)
            .unwrap_or_else(|| ("unknown_error".into(), format!("HTTP {status} on {path}")));
        return Err(LoadError::Failed(api_failure(&code, &message)));
    }
    json.ok_or_else(|| LoadError::Failed(api_failure("invalid_response", &format!("{path}: not JSON"))))
}

fn invalid(path: &str) -> LoadError {
    LoadError::Failed(api_failure("invalid_response", &format!("{path}: unexpected answer")))
}

/// `GET /connect/session` then `GET /integrations`.
pub async fn load_session(api: &str, token: &str) -> Result<(Session, Vec<Integration>), LoadError> {
    let session = get(api, "/connect/session", token, None).await?;
    let session = Session::from_answer(&session).ok_or_else(|| invalid("/connect/session"))?;
    let integrations = get(api, "/integrations", token, None).await?;
    let integrations =
        Integration::list_from_answer(&integrations).ok_or_else(|| invalid("/integrations"))?;
    Ok((session, integrations))
}

/// `GET /providers/{provider}`, in the page's language (as Nango's page asks it).
pub async fn load_provider(
    api: &str,
    token: &str,
    provider: &str,
    lang: &str,
) -> Result<Provider, LoadError> {
    let path = format!("/providers/{}", encode_segment(provider));
    let answer = get(api, &path, token, Some(lang)).await?;
    Provider::from_answer(&answer).ok_or_else(|| invalid(&path))
}

fn encode_segment(text: &str) -> String {
    js_sys::encode_uri_component(text).as_string().unwrap_or_default()
}
