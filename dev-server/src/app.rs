//! What every handler shares: the configuration, the addresses, the [`Store`] and the HTTP
//! client of the token exchange.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use tokio::sync::watch;

use crate::config::{DevServerConfig, IntegrationConfig};
use crate::ids::random_hex;
use crate::origins::Origins;
use crate::store::Store;

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct AppState {
    pub config: DevServerConfig,
    pub api_addr: SocketAddr,
    pub started_at: SystemTime,
    /// Base URLs and the origins allowed to call.
    pub origins: Origins,
    /// Sessions, flows, codes, connections, sockets, faults and telemetry.
    pub store: Store,
    pub shutdown: watch::Receiver<bool>,
    pub http: reqwest::Client,
    /// Client id of this server at its own fake OAuth provider.
    pub oauth_client_id: String,
    /// Client secret of this server at its own fake OAuth provider (random per start).
    pub oauth_client_secret: String,
}

impl AppState {
    pub(crate) fn new(
        config: DevServerConfig,
        api_addr: SocketAddr,
        connect_ui_addr: SocketAddr,
        shutdown: watch::Receiver<bool>,
        max_sockets: usize,
    ) -> Self {
        let started_at = config.clock.now();
        Self {
            origins: Origins::new(&config, api_addr, connect_ui_addr),
            store: Store::new(config.clock.clone(), config.session_ttl_secs, max_sockets),
            config,
            api_addr,
            started_at,
            shutdown,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
            oauth_client_id: "nango-dev-server".into(),
            oauth_client_secret: random_hex(24),
        }
    }

    pub(crate) fn now(&self) -> SystemTime {
        self.config.clock.now()
    }

    pub(crate) fn log(&self, message: impl AsRef<str>) {
        if self.config.log_events {
            eprintln!("[nango-dev-server] {}", message.as_ref());
        }
    }

    pub(crate) fn integration(&self, key: &str) -> Option<&IntegrationConfig> {
        self.config.integration(key)
    }
}
