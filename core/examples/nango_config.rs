//! The `NangoConfig` (and the Connect UI's URL) for each kind of Nango: Cloud, self-hosted, and
//! the local `nango-dev-server`. The root README's "Add it to your app" shows these lines.
//!
//! `cargo run -p nango-frontend --example nango_config` checks that each one is valid (natively,
//! where the client can be built but not authenticate).

use nango_frontend::{ConnectUiOptions, Nango, NangoConfig};

/// Nango Cloud: the defaults, API `https://api.nango.dev` and Connect UI
/// `https://connect.nango.dev`.
fn cloud(token: &str) -> (NangoConfig, ConnectUiOptions) {
    let config = NangoConfig::new().connect_session_token(token);
    (config, ConnectUiOptions::new())
}

/// A self-hosted Nango: its server URL (`NANGO_SERVER_URL`) and its Connect UI
/// (`NANGO_PUBLIC_CONNECT_URL`, port 3009 by default).
fn self_hosted(token: &str) -> (NangoConfig, ConnectUiOptions) {
    let config = NangoConfig::new()
        .connect_session_token(token)
        .host("https://nango.example.com")
        .websockets_path("/"); // the default; set it if your server's differs
    let connect_ui = ConnectUiOptions::new().base_url("https://connect.nango.example.com");
    (config, connect_ui)
}

/// The local dev server (`nango-dev-server`, or `cargo xtask examples`): API and WebSocket on
/// port 3003, Connect UI on port 3009.
fn dev_server(token: &str) -> (NangoConfig, ConnectUiOptions) {
    let config = NangoConfig::new().connect_session_token(token).host("http://127.0.0.1:3003");
    let connect_ui = ConnectUiOptions::new().base_url("http://127.0.0.1:3009");
    (config, connect_ui)
}

fn main() -> Result<(), nango_frontend::AuthError> {
    // A token minted by your backend (see `dev-server/examples/session_backend.rs`).
    let token = "nango_connect_session_0123456789abcdef";
    for (name, (config, connect_ui)) in
        [("cloud", cloud(token)), ("self-hosted", self_hosted(token)), ("dev server", dev_server(token))]
    {
        let host = config.host.clone();
        // `Nango::new` validates the configuration (an absolute http(s) host).
        // In the browser: `nango.open_connect_ui(connect_ui)?`; the Connect UI's API URL
        // defaults to the client's host.
        let _nango = Nango::new(config)?;
        println!("{name}: host {host}, {connect_ui:?}");
    }
    Ok(())
}
