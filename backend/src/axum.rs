//! The endpoint behind the frontend kit's `TokenSource::backend(url)` (feature `axum`).
//!
//! The frontend POSTs to it (no body) whenever it needs a connect session token and reads
//! `token` from the JSON answer. [`session_endpoint`] answers that POST in one line, given a
//! function from the request to its signed-in user:
//!
//! ```no_run
//! use axum::Router;
//! use axum::http::request::Parts;
//! use nango_backend::{EndUser, Nango};
//!
//! /// The signed-in user of a request; in your app, from its session cookie.
//! async fn signed_in(request: Parts) -> Option<EndUser> {
//!     let user = request.headers.get("x-demo-user")?.to_str().ok()?;
//!     Some(EndUser::new(user))
//! }
//!
//! let nango = Nango::new("secret key");
//! let app: Router = Router::new()
//!     .route("/api/nango-session", nango_backend::axum::session_endpoint(nango, signed_in));
//! ```
//!
//! Answers:
//! - `200 {"token": "nango_connect_session_…"}` with `Cache-Control: no-store`;
//! - `401 {"error": {"code": "unauthenticated", …}}` when the function finds no user: no session
//!   is minted for anonymous requests;
//! - `403 {"error": {"code": "forbidden_origin", …}}` for a browser request another site made
//!   (`Sec-Fetch-Site: cross-site`), before the function runs;
//! - `502 {"error": {"code": …, "message": …}}` when Nango refuses or cannot be reached (Nango's
//!   code, which the frontend reports as the error's type).
//!
//! Other methods are answered 405 by axum.

use std::future::Future;

use ::axum::extract::Request;
use ::axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use ::axum::http::request::Parts;
use ::axum::http::{HeaderValue, StatusCode};
use ::axum::response::{IntoResponse, Response};
use ::axum::routing::{MethodRouter, post};
use serde_json::json;

use crate::{ConnectSessionRequest, Error, Nango};

/// A `POST` route that mints a connect session for the user `end_user` finds in the request
/// (an [`EndUser`](crate::EndUser), or a whole [`ConnectSessionRequest`] to also set the
/// organization, the allowed integrations, defaults or tags) and answers `{"token": …}`; `None`
/// is refused with 401.
pub fn session_endpoint<S, F, Fut, R>(nango: Nango, end_user: F) -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
    F: Fn(Parts) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Option<R>> + Send + 'static,
    R: Into<ConnectSessionRequest> + Send + 'static,
{
    post(move |request: Request| {
        let (nango, end_user) = (nango.clone(), end_user.clone());
        async move {
            let (parts, _body) = request.into_parts();
            if parts.headers.get("sec-fetch-site").is_some_and(|site| site == "cross-site") {
                return error(
                    StatusCode::FORBIDDEN,
                    "forbidden_origin",
                    "this endpoint answers pages of its own site only",
                );
            }
            match end_user(parts).await {
                Some(request) => session_response(&nango, &request.into()).await,
                None => error(
                    StatusCode::UNAUTHORIZED,
                    "unauthenticated",
                    "sign in first: Nango sessions are minted for the signed-in user only",
                ),
            }
        }
    })
}

/// Mints a session for `request` and answers as [`session_endpoint`] does (for handlers of
/// your own).
pub async fn session_response(nango: &Nango, request: &ConnectSessionRequest) -> Response {
    match nango.create_connect_session(request).await {
        Ok(session) => {
            let body = json!({ "token": session.token }).to_string();
            let mut response = (StatusCode::OK, body).into_response();
            let headers = response.headers_mut();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(e) => {
            let code = match &e {
                Error::Api(api) => api.code.as_str().to_owned(),
                Error::Network(_) => "network_error".to_owned(),
                _ => "server_error".to_owned(),
            };
            error(StatusCode::BAD_GATEWAY, &code, &e.to_string())
        }
    }
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({ "error": { "code": code, "message": message } }).to_string();
    let mut response = (status, body).into_response();
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
