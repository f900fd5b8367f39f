//! `nango-dev-server`: runs the local Nango emulation until Ctrl-C.

use std::path::PathBuf;
use std::process::ExitCode;

use nango_dev_server::{DevServerConfig, StaticMount, start};

const USAGE: &str = "\
nango-dev-server: a local Nango server for frontend development (dev only, no TLS, no persistence)

USAGE:
    nango-dev-server [OPTIONS]

OPTIONS:
    --api-port PORT          API and WebSocket port (default 3003; 0 = any free port)
    --connect-ui-port PORT   Connect UI port (default 3009; 0 = any free port)
    --secret-key KEY         secret key for backend calls (default: random for each start, printed)
    --public-key UUID        legacy public key (default: random for each start, printed)
    --config FILE            JSON (or .toml) config file; its `integrations` replace the defaults
    --serve PATH=DIR         serve DIR at PATH on the API port, with index.html fallback (repeatable)
    --connect-ui-dir DIR     serve a built Connect UI on the Connect UI port instead of the placeholder
    --websockets-path PATH   WebSocket path (default /)
    --base-path PATH         serve the whole API under PATH (e.g. /nango), as behind a reverse proxy
    --public-url URL         API URL as browsers reach it, when not http://HOST:PORT
    --allowed-origin ORIGIN  also let pages of ORIGIN call /demo/session and open the WebSocket (repeatable)
    --webhook-url URL        POST Nango's signed auth webhooks to URL (creation, override, failed refresh)
    --webhook-signing-key K  key of the webhooks' X-Nango-Hmac-Sha256 (default: random for each start, printed)
    --fault-routes           serve POST /dev/faults (fault injection for tests; never on a shared machine)
    --quiet                  do not log events
    -h, --help               print this help
";

fn parse_args(args: impl Iterator<Item = String>) -> Result<Option<DevServerConfig>, String> {
    let mut args = args.peekable();
    let mut overrides: Vec<(String, String)> = Vec::new();
    let mut config_file = None;
    let mut quiet = false;
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") && f != "--serve" => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--quiet" => quiet = true,
            "--fault-routes" => overrides.push((flag, String::new())),
            "--api-port"
            | "--connect-ui-port"
            | "--secret-key"
            | "--public-key"
            | "--config"
            | "--serve"
            | "--connect-ui-dir"
            | "--websockets-path"
            | "--base-path"
            | "--public-url"
            | "--allowed-origin"
            | "--webhook-url"
            | "--webhook-signing-key" => {
                let value = match inline {
                    Some(v) => v,
                    None => args.next().ok_or_else(|| format!("{flag} needs a value"))?,
                };
                if flag == "--config" {
                    config_file = Some(PathBuf::from(value));
                } else {
                    overrides.push((flag, value));
                }
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let mut config = match config_file {
        Some(path) => DevServerConfig::from_file(&path).map_err(|e| e.to_string())?,
        None => DevServerConfig::default(),
    };
    for (flag, value) in overrides {
        let port = |v: &str| v.parse::<u16>().map_err(|_| format!("{flag}: {v:?} is not a port number"));
        match flag.as_str() {
            "--api-port" => config.api_port = port(&value)?,
            "--connect-ui-port" => config.connect_ui_port = port(&value)?,
            "--secret-key" => config.secret_key = value,
            "--public-key" => config.public_key = value,
            "--allowed-origin" => config.allowed_origins.push(value),
            "--fault-routes" => config.fault_routes = true,
            "--serve" => config.serve.push(value.parse::<StaticMount>().map_err(|e| e.to_string())?),
            "--connect-ui-dir" => config.connect_ui_dir = Some(PathBuf::from(value)),
            "--websockets-path" => config.websockets_path = value,
            "--base-path" => config.base_path = value,
            "--public-url" => config.public_url = Some(value),
            "--webhook-url" => config.webhook_url = Some(value),
            "--webhook-signing-key" => config.webhook_signing_key = value,
            _ => {}
        }
    }
    config.log_events = !quiet;
    Ok(Some(config))
}

fn print_banner(server: &nango_dev_server::RunningServer) {
    let config = server.config();
    println!("nango-dev-server (local development only)");
    println!("  API:         {}", server.api_url());
    println!("  WebSocket:   {}", server.websocket_url());
    println!("  Connect UI:  {}", server.connect_ui_url());
    println!("  Secret key:  {}", server.secret_key());
    println!("  Public key:  {}", server.public_key());
    match &config.webhook_url {
        Some(url) => println!("  Webhooks:    {url}"),
        None => println!("  Webhooks:    off (--webhook-url URL)"),
    }
    println!("  Webhook signing key: {}", config.webhook_signing_key);
    if config.fault_routes {
        println!("  Faults:      POST {}/dev/faults (fault injection is on)", server.api_url());
    }
    println!("  Demo helper: POST {}/demo/session", server.api_url());
    for mount in &config.serve {
        println!("  Serving:     {}{} -> {}", server.api_url(), mount.path, mount.dir.display());
    }
    println!("  Integrations:");
    for i in &config.integrations {
        let accepted = if i.valid_credentials.is_empty() {
            String::new()
        } else {
            let sets: Vec<String> = i
                .valid_credentials
                .iter()
                .map(|set| {
                    set.iter()
                        .map(|(k, v)| {
                            format!("{k}={}", v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            format!("  accepts: {}", sets.join(" | "))
        };
        println!("    {:<22} {:<10} {}{accepted}", i.unique_key, i.auth_mode.as_str(), i.display_name);
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let config = match parse_args(std::env::args().skip(1)) {
        Ok(Some(config)) => config,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let server = match start(config).await {
        Ok(server) => server,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    print_banner(&server);
    if let Err(err) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {err}");
    }
    println!("shutting down");
    server.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<DevServerConfig>, String> {
        parse_args(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn flags_override_the_defaults() {
        let config = parse(&[
            "--api-port",
            "0",
            "--connect-ui-port=4000",
            "--secret-key",
            "k",
            "--serve",
            "/a=dist",
            "--serve",
            "/b=out",
            "--quiet",
        ])
        .ok()
        .flatten()
        .unwrap_or_default();
        assert_eq!(config.api_port, 0);
        assert_eq!(config.connect_ui_port, 4000);
        assert_eq!(config.secret_key, "k");
        assert_eq!(config.serve.len(), 2);
        let more = parse(&[
            "--public-key",
            "11111111-1111-4111-8111-111111111111",
            "--allowed-origin",
            "http://localhost:8080",
            "--fault-routes",
            "--webhook-url",
            "http://127.0.0.1:4000/webhooks/nango",
            "--webhook-signing-key=whk",
        ])
        .ok()
        .flatten()
        .unwrap_or_default();
        assert_eq!(more.public_key, "11111111-1111-4111-8111-111111111111");
        assert_eq!(more.allowed_origins, ["http://localhost:8080"]);
        assert!(more.fault_routes);
        assert_eq!(more.webhook_url.as_deref(), Some("http://127.0.0.1:4000/webhooks/nango"));
        assert_eq!(more.webhook_signing_key, "whk");
        let defaults = parse(&[]).ok().flatten().unwrap_or_default();
        assert!(!defaults.fault_routes);
        assert_ne!(defaults.secret_key, parse(&[]).ok().flatten().unwrap_or_default().secret_key);
        assert!(!config.log_events);
    }

    #[test]
    fn bad_flags_are_errors() {
        assert!(parse(&["--api-port", "x"]).is_err());
        assert!(parse(&["--nope"]).is_err());
        assert!(parse(&["--secret-key"]).is_err());
        assert!(matches!(parse(&["--help"]), Ok(None)));
        assert!(parse(&["--config", "/does/not/exist.json"]).is_err());
    }
}
