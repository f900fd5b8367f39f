//! `cargo xtask examples`: build the demos and the Connect UI to wasm, then serve them with the
//! local Nango dev server (or point them at a real Nango).

use std::path::{Path, PathBuf};
use std::time::Instant;

use nango_dev_server::{DevServerConfig, RemoteNango, StaticMount};

use crate::cmd::{cargo, run, timed};
use crate::crates::{Crate, Serve, dist, root, served};
use crate::setup::ensure_wasm_target;
use crate::wasm::{bindgen, built_wasm, optimize};

/// Builds every app: one `cargo build` for the client-side apps (cargo parallelises), one for
/// each fullstack app's page (its own features), then wasm-bindgen for the ones whose wasm
/// changed, then the static files.
pub fn build(wasm_opt: bool) -> Result<(), String> {
    ensure_wasm_target()?;
    let apps: Vec<&Crate> = served(None).collect();
    timed("cargo build --release --target wasm32-unknown-unknown (demos, Connect UI)", || {
        let mut cmd = cargo();
        cmd.args(["build", "--release", "--target", "wasm32-unknown-unknown"]);
        run(&mut crate::cmd::with_packages(cmd, apps.iter().map(|app| app.package)))
    })?;
    for app in apps {
        bindgen_once(app, &dist(app), wasm_opt)?;
        copy_static(&root().join(app.dir), &dist(app))?;
    }
    for app in served(Some(Serve::Hydrated)) {
        let features = format!("{}/hydrate", app.package);
        timed(
            &format!(
                "cargo build --release --target wasm32-unknown-unknown -p {} --features hydrate",
                app.package
            ),
            || {
                run(cargo()
                    .args([
                        "build",
                        "--release",
                        "--target",
                        "wasm32-unknown-unknown",
                        "--lib",
                        "-p",
                        app.package,
                    ])
                    .args(["--features", &features]))
            },
        )?;
        bindgen_once(app, &dist(app).join("pkg"), wasm_opt)?;
    }
    Ok(())
}

/// wasm-bindgen (and wasm-opt) of `app`'s wasm into `out`, unless it is unchanged since the
/// last time.
fn bindgen_once(app: &Crate, out: &Path, wasm_opt: bool) -> Result<(), String> {
    let wasm = built_wasm(app.package)?;
    let stamp = out.join(".built-from");
    let fingerprint = fingerprint(&wasm)?;
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(fingerprint.as_str()) {
        eprintln!("  {}: wasm unchanged, wasm-bindgen skipped", app.package);
        return Ok(());
    }
    let _ = std::fs::remove_dir_all(out);
    timed(&format!("wasm-bindgen {}", app.package), || bindgen(&wasm, out, "app"))?;
    if wasm_opt {
        timed(&format!("wasm-opt -Oz {}", app.package), || optimize(&out.join("app_bg.wasm")))?;
    }
    std::fs::write(&stamp, &fingerprint).map_err(|e| e.to_string())
}

fn fingerprint(wasm: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(wasm).map_err(|e| format!("{}: {e}", wasm.display()))?;
    let modified = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
    Ok(format!("{} {:?}", meta.len(), modified))
}

/// Copies the crate's page files (`index.html`, `style.css`, `config.js`, `assets/`).
fn copy_static(from: &Path, to: &Path) -> Result<(), String> {
    for name in ["index.html", "style.css", "config.js"] {
        let source = from.join(name);
        if source.exists() {
            std::fs::copy(&source, to.join(name)).map_err(|e| format!("{}: {e}", source.display()))?;
        }
    }
    let assets = from.join("assets");
    if assets.is_dir() {
        nango_e2e::copy_dir(&assets, &to.join("assets"))?;
    }
    Ok(())
}

/// The URLs a demo page talks to, written into its `config.js`.
pub struct DemoConfig {
    pub api_url: String,
    pub connect_ui_url: String,
    pub session_url: String,
}

pub fn write_config(app: &Crate, config: &DemoConfig) -> Result<(), String> {
    let js = format!(
        "// Written by `cargo xtask examples`.\nwindow.NANGO_DEMO = {{\n  apiUrl: {:?},\n  connectUiUrl: {:?},\n  sessionUrl: {:?},\n  websocketsPath: \"/\",\n}};\n",
        config.api_url, config.connect_ui_url, config.session_url
    );
    std::fs::write(dist(app).join("config.js"), js).map_err(|e| e.to_string())
}

/// The dev server config that serves every built app.
pub fn server_config(api_port: u16, connect_ui_port: u16) -> DevServerConfig {
    let mut config =
        DevServerConfig { api_port, connect_ui_port, log_events: true, ..DevServerConfig::default() };
    for app in served(None) {
        match app.serve {
            Serve::At(path, _) => config.serve.push(StaticMount { path: path.to_owned(), dir: dist(app) }),
            _ => config.connect_ui_dir = Some(dist(app)),
        }
    }
    config
}

#[derive(Debug, Default)]
struct Args {
    build_only: bool,
    desktop: bool,
    wasm_opt: bool,
    nango_host: Option<String>,
    connect_ui_url: Option<String>,
    api_port: Option<u16>,
    connect_ui_port: Option<u16>,
    secret_key: Option<String>,
    public_key: Option<String>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut out = Args::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--build-only" => out.build_only = true,
            "--desktop" => out.desktop = true,
            "--wasm-opt" => out.wasm_opt = true,
            "--nango-host" => out.nango_host = Some(value("--nango-host")?),
            "--connect-ui-url" => out.connect_ui_url = Some(value("--connect-ui-url")?),
            "--secret-key" => out.secret_key = Some(value("--secret-key")?),
            "--public-key" => out.public_key = Some(value("--public-key")?),
            "--api-port" => {
                out.api_port = Some(value("--api-port")?.parse().map_err(|e| format!("--api-port: {e}"))?)
            }
            "--connect-ui-port" => {
                out.connect_ui_port =
                    Some(value("--connect-ui-port")?.parse().map_err(|e| format!("--connect-ui-port: {e}"))?)
            }
            other => return Err(format!("unknown option {other}; see `cargo xtask help`")),
        }
    }
    Ok(out)
}

/// The desktop example (`examples/dioxus-desktop`, Dioxus desktop on webkit2gtk): not part of
/// `cargo xtask test` (its GTK stack is a long first build; see the example's README).
pub fn build_desktop() -> Result<PathBuf, String> {
    crate::setup::ensure_webkit2gtk()?;
    timed("cargo build -p nango-dioxus-desktop --features desktop", || {
        run(cargo().args(["build", "-p", "nango-dioxus-desktop", "--features", "desktop"]))
    })?;
    Ok(crate::crates::target_dir().join("debug").join("nango-dioxus-desktop"))
}

pub fn examples(args: &[String]) -> Result<(), String> {
    let args = parse(args)?;
    let start = Instant::now();
    if args.desktop {
        let app = build_desktop()?;
        eprintln!("built in {:.1}s: {}", start.elapsed().as_secs_f64(), app.display());
        if !args.build_only {
            eprintln!(
                "run it against the dev server: `cargo run -p nango-dev-server &` then `{}` \
                 (NANGO_HOST and NANGO_SESSION_URL point it elsewhere)",
                app.display()
            );
        }
        return Ok(());
    }
    build(args.wasm_opt)?;
    eprintln!("built in {:.1}s", start.elapsed().as_secs_f64());
    if args.build_only {
        for app in served(None) {
            eprintln!("  {}: {}", app.package, dist(app).display());
        }
        return Ok(());
    }
    let mut config = server_config(
        args.api_port.unwrap_or(nango_dev_server::DEFAULT_API_PORT),
        args.connect_ui_port.unwrap_or(nango_dev_server::DEFAULT_CONNECT_UI_PORT),
    );
    // The dev server's keys are random for each start unless given: no published key opens
    // the stored credentials to every website.
    if let Some(key) = &args.secret_key {
        config.secret_key = key.clone();
    }
    if let Some(key) = &args.public_key {
        config.public_key = key.clone();
    }
    if let Some(host) = &args.nango_host {
        let secret_key = std::env::var("NANGO_SECRET_KEY")
            .map_err(|_| "--nango-host needs the environment's secret key in NANGO_SECRET_KEY".to_owned())?;
        config.remote_nango = Some(RemoteNango { host: host.trim_end_matches('/').to_owned(), secret_key });
    }
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let server = nango_dev_server::start(config).await.map_err(|e| format!("dev server: {e}"))?;
        let api = server.api_url();
        let demo = DemoConfig {
            api_url: args.nango_host.clone().unwrap_or_else(|| api.clone()),
            connect_ui_url: match (&args.connect_ui_url, &args.nango_host) {
                (Some(url), _) => url.clone(),
                (None, Some(_)) => "https://connect.nango.dev".to_owned(),
                (None, None) => server.connect_ui_url(),
            },
            session_url: format!("{api}/demo/session"),
        };
        for app in served(None).filter(|a| matches!(a.serve, Serve::At(..)) && dist(a).exists()) {
            write_config(app, &demo)?;
        }
        println!();
        for app in served(None) {
            if let Serve::At(path, name) = app.serve {
                println!("{:<13} {api}{path}/", format!("{name}:"));
            }
        }
        match &args.nango_host {
            Some(host) => println!("Nango:        {host} (sessions minted with NANGO_SECRET_KEY)"),
            None => {
                let origin = if args.secret_key.is_some() { "given" } else { "random, this start only" };
                println!("Nango API:    {api} (local dev server)");
                println!("Secret key:   {} ({origin})", server.secret_key());
                println!("Public key:   {}", server.public_key());
                println!("Connect UI:   {}", server.connect_ui_url());
                if served(Some(Serve::Hydrated)).any(|app| dist(app).join("pkg").exists()) {
                    println!(
                        "Leptos SSR:   NANGO_SECRET_KEY={} NANGO_HOST={api} NANGO_CONNECT_UI_URL={} \\\n              cargo run -p leptos-ssr --features ssr   (then http://127.0.0.1:3011/)",
                        server.secret_key(),
                        server.connect_ui_url()
                    );
                }
            }
        }
        println!("\nCtrl-C stops everything.");
        tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
        server.shutdown().await;
        Ok(())
    })
}
