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

mod clock;
mod config;
mod error;
mod extract;
mod html;
mod routes;
mod state;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use clock::{Clock, ManualClock};
pub use config::{
    AuthMode, ConfigError, ConnectUiSettings, DEFAULT_API_PORT, DEFAULT_CONNECT_UI_PORT, DEFAULT_PUBLIC_KEY,
    DEFAULT_SECRET_KEY, DEFAULT_SESSION_TTL_SECS, DEV_API_KEY, DEV_PASSWORD, DEV_USERNAME, DemoEndUser,
    DevServerConfig, FieldSpec, IntegrationConfig, RemoteNango, StaticMount, default_integrations,
};
pub use state::Connection;

use state::{AppState, lock};

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
    let state = Arc::new(AppState::new(config, api_addr, connect_ui_addr, shutdown_rx.clone()));

    let mut tasks = Vec::with_capacity(3);
    for (listener, router) in [
        (api_listener, routes::api_router(Arc::clone(&state))),
        (ui_listener, routes::connect_ui_router(Arc::clone(&state))),
    ] {
        let mut stop = shutdown_rx.clone();
        tasks.push(tokio::spawn(async move {
            let serve = axum::serve(listener, router).with_graceful_shutdown(async move {
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
                _ = ticks.tick() => sweeper_state.sweep(),
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

    /// `http://127.0.0.1:{api port}`: the `host` to give the SDK.
    pub fn api_url(&self) -> String {
        format!("http://{}", self.api_addr)
    }

    /// `http://127.0.0.1:{connect ui port}`: the Connect UI `baseURL`.
    pub fn connect_ui_url(&self) -> String {
        format!("http://{}", self.connect_ui_addr)
    }

    /// `ws://127.0.0.1:{api port}{websockets path}`.
    pub fn websocket_url(&self) -> String {
        format!("ws://{}{}", self.api_addr, self.state.config.websockets_path)
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
        lock(&self.state.connections).clone()
    }

    /// Runs the periodic clean-up now (drops expired sessions, flows and codes); useful with
    /// a [`ManualClock`].
    pub fn sweep(&self) {
        self.state.sweep();
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
