//! A local emulation of the part of the Nango server that a frontend talks to: connect
//! sessions, integrations and providers, the OAuth popup flow (with a built-in fake OAuth2
//! provider), the credential endpoints and the WebSocket, on two listeners (API and Connect UI)
//! bound to 127.0.0.1.
//!
//! ```no_run
//! # async fn demo() -> Result<(), nango_dev_server::StartError> {
//! use nango_dev_server::{DevServerConfig, start};
//!
//! let server = start(DevServerConfig::for_tests()).await?; // ports 0: free ports
//! println!("API on {}, Connect UI on {}", server.api_url(), server.connect_ui_url());
//! // … drive it over HTTP and WebSocket …
//! server.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! The wire contract is the Nango frontend protocol: same paths, query parameters, JSON shapes,
//! status codes and error codes as Nango. See the crate README for the endpoint list and the
//! quirks reproduced on purpose.

mod app;
mod clock;
mod config;
mod error;
mod extract;
mod faults;
mod html;
mod ids;
mod origins;
mod routes;
mod schema;
mod store;
mod webhooks;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use clock::{Clock, ManualClock};
pub use config::{
    AuthMode, ConfigError, ConnectUiSettings, DEFAULT_API_PORT, DEFAULT_CONNECT_UI_PORT,
    DEFAULT_MAX_WEBSOCKETS, DEFAULT_SESSION_TTL_SECS, DEV_API_KEY, DEV_PASSWORD, DEV_USERNAME, DemoEndUser,
    DevServerConfig, FieldSpec, IntegrationConfig, MAX_BODY_BYTES_LIMIT, MAX_TTL_SECS, RemoteNango,
    StaticMount, default_integrations,
};
pub use faults::Faults;
pub use store::{Connection, MemoryReport};

use app::AppState;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A port could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// How often expired sessions, flows and codes are dropped.
const SWEEP_INTERVAL: Duration = Duration::from_secs(30);
/// How long [`RunningServer::shutdown`] waits for connections to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// File descriptors kept for HTTP connections, static files and the token exchange when the
/// WebSocket cap is derived from the open-file limit.
const RESERVED_FDS: u64 = 1024;
/// How long the accept loop waits after an error such as `EMFILE` before trying again (axum's
/// own loop sleeps a whole second, stalling every route).
const ACCEPT_RETRY: Duration = Duration::from_millis(5);

/// Raises the open-file soft limit to the hard limit (a WebSocket is one open file) and
/// returns the limit now in force, if known.
pub fn raise_open_file_limit() -> Option<u64> {
    rlimit::increase_nofile_limit(u64::MAX).ok()
}

/// How many WebSockets may be open at once under an open-file limit of `nofile`: at most
/// `configured`, and never so many that HTTP requests run out of files.
pub(crate) fn socket_cap(nofile: Option<u64>, configured: usize) -> usize {
    let by_files = nofile.map_or(u64::MAX, |n| n.saturating_sub(RESERVED_FDS).max(n / 2));
    usize::try_from(by_files).unwrap_or(usize::MAX).min(configured)
}

/// A TCP listener whose accept loop retries after a few milliseconds on errors (`EMFILE`,
/// `ENFILE`, `ECONNABORTED`…), instead of axum's one-second sleep.
struct QuickRetryListener(TcpListener);

impl axum::serve::Listener for QuickRetryListener {
    type Io = tokio::net::TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.0.accept().await {
                Ok(pair) => return pair,
                Err(err) => tokio::time::sleep(accept_backoff(&err)).await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// The pause after a failed `accept`: none for errors of one connection, [`ACCEPT_RETRY`]
/// for resource errors.
pub(crate) fn accept_backoff(err: &std::io::Error) -> Duration {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::ConnectionRefused => {
            Duration::ZERO
        }
        _ => ACCEPT_RETRY,
    }
}

/// A running dev server. Dropping it stops the listeners (without waiting);
/// [`shutdown`](Self::shutdown) stops them and waits.
#[derive(Debug)]
pub struct RunningServer {
    api_addr: SocketAddr,
    connect_ui_addr: SocketAddr,
    state: Arc<AppState>,
    shutdown_tx: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// Starts the API and Connect UI listeners on 127.0.0.1 with `config`, on the current Tokio
/// runtime. Ports 0 pick free ports; read them back with [`RunningServer::api_addr`] and
/// [`RunningServer::connect_ui_addr`].
pub async fn start(config: DevServerConfig) -> Result<RunningServer, StartError> {
    config.validate()?;
    let bind = |port: u16| async move {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        TcpListener::bind(addr).await.map_err(|source| StartError::Bind { addr, source })
    };
    let api_listener = bind(config.api_port).await?;
    let ui_listener = bind(config.connect_ui_port).await?;
    let local = |l: &TcpListener, port: u16| {
        l.local_addr().map_err(|source| StartError::Bind {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
            source,
        })
    };
    let api_addr = local(&api_listener, config.api_port)?;
    let connect_ui_addr = local(&ui_listener, config.connect_ui_port)?;

    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let max_sockets = socket_cap(raise_open_file_limit(), config.max_websockets);
    let state = Arc::new(AppState::new(config, api_addr, connect_ui_addr, shutdown_rx.clone(), max_sockets));

    let mut tasks = Vec::with_capacity(3);
    for (listener, router) in [
        (api_listener, routes::api_router(Arc::clone(&state))),
        (ui_listener, routes::connect_ui_router(Arc::clone(&state))),
    ] {
        let mut stop = shutdown_rx.clone();
        tasks.push(tokio::spawn(async move {
            let serve =
                axum::serve(QuickRetryListener(listener), router).with_graceful_shutdown(async move {
                    let _ = stop.wait_for(|stopped| *stopped).await;
                });
            if let Err(err) = serve.await {
                eprintln!("[nango-dev-server] listener stopped: {err}");
            }
        }));
    }
    let sweeper_state = Arc::clone(&state);
    let mut stop = shutdown_rx;
    tasks.push(tokio::spawn(async move {
        let mut ticks = tokio::time::interval(SWEEP_INTERVAL);
        loop {
            tokio::select! {
                _ = ticks.tick() => sweeper_state.store.sweep(),
                _ = stop.wait_for(|stopped| *stopped) => break,
            }
        }
    }));

    Ok(RunningServer { api_addr, connect_ui_addr, state, shutdown_tx, tasks })
}

impl RunningServer {
    /// The bound API (and WebSocket) address.
    pub fn api_addr(&self) -> SocketAddr {
        self.api_addr
    }

    /// The bound Connect UI address.
    pub fn connect_ui_addr(&self) -> SocketAddr {
        self.connect_ui_addr
    }

    /// `http://127.0.0.1:{api port}` (then the `base_path`, if any): the `host` to give the SDK.
    pub fn api_url(&self) -> String {
        format!("http://{}{}", self.api_addr, self.state.config.api_base_path())
    }

    /// `http://127.0.0.1:{connect ui port}`: the Connect UI `baseURL`.
    pub fn connect_ui_url(&self) -> String {
        format!("http://{}", self.connect_ui_addr)
    }

    /// `ws://127.0.0.1:{api port}{websockets path}`.
    pub fn websocket_url(&self) -> String {
        format!(
            "ws://{}{}{}",
            self.api_addr,
            self.state.config.api_base_path(),
            self.state.config.websockets_path
        )
    }

    /// The secret key backend endpoints accept.
    pub fn secret_key(&self) -> &str {
        &self.state.config.secret_key
    }

    /// The legacy public key auth endpoints accept.
    pub fn public_key(&self) -> &str {
        &self.state.config.public_key
    }

    /// `(client_id, client_secret)` of this server at its own fake OAuth provider (the secret is
    /// random per start), for tests that call `/fake-oauth/token` directly.
    pub fn fake_oauth_client(&self) -> (&str, &str) {
        (&self.state.oauth_client_id, &self.state.oauth_client_secret)
    }

    /// The configuration the server runs with.
    pub fn config(&self) -> &DevServerConfig {
        &self.state.config
    }

    /// The connections stored so far, oldest first.
    pub fn connections(&self) -> Vec<Connection> {
        self.state.store.connections()
    }

    /// Switches faults on or off (tests only; all off at start). Also reachable as
    /// `POST /dev/faults` when the config sets `fault_routes`.
    pub fn set_faults(&self, faults: Faults) {
        self.state.store.set_faults(faults);
    }

    /// The telemetry beacons `POST /connect/telemetry` accepted, oldest first (the last 1,000).
    /// Also reachable as `GET /dev/telemetry` when the config sets `fault_routes`.
    pub fn telemetry(&self) -> Vec<serde_json::Value> {
        self.state.store.telemetry()
    }

    /// How many WebSockets may be open at once (derived from the open-file limit).
    pub fn max_websockets(&self) -> usize {
        self.state.store.max_sockets()
    }

    /// What the server holds in memory: `(entries, estimated bytes)` of sessions, pending
    /// flows, authorization codes and remembered states, and open WebSockets.
    pub fn memory_report(&self) -> MemoryReport {
        self.state.store.memory_report()
    }

    /// Runs the periodic clean-up now (drops expired sessions, flows and codes); useful with
    /// a [`ManualClock`].
    pub fn sweep(&self) {
        self.state.store.sweep();
    }

    /// Stops both listeners and closes open WebSockets, waiting (at most a few seconds) for
    /// in-flight requests to finish.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown_tx.send(true);
        for task in std::mem::take(&mut self.tasks) {
            let abort = task.abort_handle();
            if tokio::time::timeout(SHUTDOWN_GRACE, task).await.is_err() {
                abort.abort();
            }
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.shutdown_tx.send(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEFAULT_MAX_WEBSOCKETS as MAX_WS_CLIENTS;

    #[test]
    fn the_socket_cap_leaves_files_for_http() {
        assert_eq!(socket_cap(None, MAX_WS_CLIENTS), MAX_WS_CLIENTS);
        assert_eq!(socket_cap(Some(1_048_576), MAX_WS_CLIENTS), MAX_WS_CLIENTS);
        assert_eq!(socket_cap(Some(20_000), MAX_WS_CLIENTS), 18_976);
        assert_eq!(socket_cap(Some(1024), MAX_WS_CLIENTS), 512);
        assert_eq!(socket_cap(Some(0), MAX_WS_CLIENTS), 0);
        assert_eq!(socket_cap(Some(1_048_576), 5), 5);
    }

    #[test]
    fn emfile_does_not_stall_the_accept_loop() {
        let emfile = std::io::Error::from_raw_os_error(24);
        assert!(accept_backoff(&emfile) <= Duration::from_millis(10));
        let aborted = std::io::Error::from(std::io::ErrorKind::ConnectionAborted);
        assert_eq!(accept_backoff(&aborted), Duration::ZERO);
    }

    #[test]
    fn the_open_file_limit_is_raised_to_the_hard_limit() {
        let raised = raise_open_file_limit();
        let (soft, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE).unwrap_or((0, 0));
        assert_eq!(raised, Some(soft));
        // Linux caps the soft limit at nr_open even when the hard limit is infinite.
        assert!(soft == hard || hard == rlimit::INFINITY, "soft {soft}, hard {hard}");
    }
}
