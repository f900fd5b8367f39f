//! Outside a browser.
//!
//! Without the `native` feature (server-side rendering, the default) the browser parts are
//! inert: auth resolves to `unsupported_environment` and the Connect UI cannot be shown.
//!
//! With the `native` feature (desktop apps, command-line programs) auth works: the same
//! [`Nango`](crate::Nango), [`AuthFuture`](crate::AuthFuture), [`AuthOptions`](crate::AuthOptions),
//! errors, timeouts and [`OAuthFlow`](crate::protocol::oauth::OAuthFlow) as in the browser, with the system browser in place of the popup (an
//! [`Opener`], replaceable with [`set_opener`]), `tokio-tungstenite` for Nango's WebSocket and
//! `reqwest` (rustls) for HTTP. What differs from the browser is in `docs/auth-lifecycle.md`
//! ("Natively").
//!
//! The driver runs inside a tokio runtime with IO and timers (`#[tokio::main]`); outside one,
//! auth ends with `unsupported_environment`. The core's types are `!Send` (`Rc`): a program
//! awaits the [`AuthFuture`](crate::AuthFuture) on the thread that made it (`#[tokio::main]`'s `block_on` does).
//! An auth does all its work (socket, timers, session check, requests) inside that future's
//! `poll`, so it needs no spawned task; dropping the future releases all of it at once.
//! Background work of the UI layer ([`AuthRunner`](crate::AuthRunner), the token fetched ahead,
//! the Connect UI's token fetch) runs on the local executor given to [`set_spawner`]; without
//! one, a run that has to wait ends with `unsupported_environment` (never a panic or a hang).
//!
//! ```no_run
//! # #[cfg(feature = "native")]
//! # async fn run() -> Result<(), nango_frontend::AuthError> {
//! use nango_frontend::{AuthOptions, Nango, NangoConfig};
//! let nango = Nango::new(NangoConfig::new().connect_session_token("nango_connect_session_…"))?;
//! // The system browser opens on Nango's authorization page; the result comes on the socket.
//! let connection = nango.auth("github", AuthOptions::new()).await?;
//! println!("connected {}", connection.connection_id);
//! # Ok(()) }
//! ```

use std::time::Duration;

use crate::AuthError;
use crate::connect_ui::UiRef;
#[cfg(not(feature = "native"))]
use crate::{protocol::PostRequest, protocol::oauth::OAuthFlow, task::AuthFuture};

#[cfg(feature = "native")]
mod driver;
#[cfg(feature = "native")]
pub use driver::{
    CommandOpener, KEEPALIVE_INTERVAL, LocalTask, Opener, SystemBrowser, open_url, set_opener, set_spawner,
};
#[cfg(feature = "native")]
pub(crate) use driver::{
    can_spawn, has_runtime, log, no_executor, no_runtime, post_for_token, sleep, spawn, start_popup,
    start_post,
};

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
    pub fn post_token(&self, _token: &str) {
        match *self {}
    }
}

pub(crate) fn now() -> Duration {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default()
}

#[cfg(not(feature = "native"))]
pub(crate) fn start_post(_request: PostRequest, _timeout: Option<Duration>) -> AuthFuture {
    AuthFuture::ready(Err(AuthError::unsupported()))
}

#[cfg(not(feature = "native"))]
pub(crate) fn start_popup(_flow: OAuthFlow, _config: &crate::NangoConfig) -> AuthFuture {
    AuthFuture::ready(Err(AuthError::unsupported()))
}

#[cfg(not(feature = "native"))]
pub(crate) fn log(_message: &str) {}

#[cfg(not(feature = "native"))]
pub(crate) async fn post_for_token(_url: String) -> Result<String, AuthError> {
    Err(AuthError::unsupported())
}

/// No timers here (nothing would wake a waiting future): never resolves.
#[cfg(not(feature = "native"))]
pub(crate) async fn sleep(_duration: Duration) {
    std::future::pending::<()>().await
}

/// No event loop here: a future that is ready at once runs to its end, any other is dropped
/// (its work, e.g. a token fetch, could never complete outside a browser anyway).
#[cfg(not(feature = "native"))]
pub(crate) fn spawn(future: impl std::future::Future<Output = ()> + 'static) {
    poll_once(future);
}

/// No executor here: background work is polled once (see [`spawn`]).
#[cfg(not(feature = "native"))]
pub(crate) fn can_spawn() -> bool {
    false
}

/// Why background work cannot wait here.
#[cfg(not(feature = "native"))]
pub(crate) fn no_executor() -> AuthError {
    AuthError::unsupported()
}

/// Polls `future` once and drops it.
pub(crate) fn poll_once(future: impl std::future::Future<Output = ()>) {
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let _ = std::future::Future::poll(std::pin::pin!(future), &mut cx);
}
