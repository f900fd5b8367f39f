//! Outside a browser (server-side rendering, native tests) the browser parts are inert:
//! auth resolves to `unsupported_environment` and the Connect UI cannot be shown.

use std::time::Duration;

use crate::connect_ui::UiRef;
use crate::protocol::PostRequest;
use crate::protocol::oauth::OAuthFlow;
use crate::task::AuthFuture;
use crate::{AuthError, NangoConfig};

/// No DOM exists here: this type has no values.
pub(crate) enum Dom {}

impl Dom {
    pub fn mount(_ui: &UiRef) -> Result<Self, AuthError> {
        Err(AuthError::unsupported())
    }
    pub fn remove(self) {}
    pub fn is_connected(&self) -> bool {
        match *self {}
    }
    pub fn post_token(&self, _token: &str, _origin: &str) {
        match *self {}
    }
}

pub(crate) fn start_post(_request: PostRequest, _timeout: Option<Duration>) -> AuthFuture {
    AuthFuture::ready(Err(AuthError::unsupported()))
}

pub(crate) fn start_popup(_flow: OAuthFlow, _config: &NangoConfig) -> AuthFuture {
    AuthFuture::ready(Err(AuthError::unsupported()))
}

pub(crate) fn log(_message: &str) {}

pub(crate) fn now() -> Duration {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default()
}

pub(crate) async fn post_for_token(_url: String) -> Result<String, AuthError> {
    Err(AuthError::unsupported())
}

/// No timers here (nothing would wake a waiting future): never resolves.
pub(crate) async fn sleep(_duration: Duration) {
    std::future::pending::<()>().await
}

/// No event loop here: a future that is ready at once runs to its end, any other is dropped
/// (its work, e.g. a token fetch, could never complete outside a browser anyway).
pub(crate) fn spawn(future: impl std::future::Future<Output = ()> + 'static) {
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let _ = std::future::Future::poll(std::pin::pin!(future), &mut cx);
}
