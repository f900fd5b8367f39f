//! `cargo xtask examples`: build the demos and the Connect UI to wasm, then serve them with the
//! local Nango dev server (or point them at a real Nango).

use std::path::{Path, PathBuf};
use std::time::Instant;

use nango_dev_server::{DevServerConfig, RemoteNango, StaticMount};

use crate::setup::{ensure_wasm_target, root};
use crate::wasm::{bindgen, optimize, target_dir, timed};

/// A wasm app of the workspace: its package, its crate directory, and where the dev server
/// mounts it (`None`: the Connect UI, served on its own port).
pub struct App {
    pub package: &'static str,
    pub dir: &'static str,
    pub mount: Option<&'static str>,
}

pub const APPS: &[App] = &[
    App { package: "yew-demo", dir: "examples/yew-demo", mount: Some("/yew") },
    App { package: "dioxus-demo", dir: "examples/dioxus-demo", mount: Some("/dioxus") },
    App { package: "leptos-demo", dir: "examples/leptos-demo", mount: Some("/leptos") },
    App { package: "nango-connect-ui", dir: "connect-ui", mount: None },
];

/// Where a built app goes.
pub fn dist(app: &App) -> PathBuf {
    target_dir().join("dist").join(app.package)
}

/// The apps present in this checkout.
fn present() -> impl Iterator<Item = &'static App> {
    APPS.iter().filter(|app| root().join(app.dir).join("Cargo.toml").exists())
}

/// Builds every app: one `cargo build` for all (cargo parallelises), then wasm-bindgen for the
/// ones whose wasm changed, then the static files.
pub fn build(wasm_opt: bool) -> Result<(), String> {
    ensure_wasm_target()?;
    let apps: Vec<&App> = present().collect();
    timed("cargo build --release --target wasm32-unknown-unknown (demos, Connect UI)", || {
        let mut cmd = crate::cargo();
        cmd.args(["build", "--release", "--target", "wasm32-unknown-unknown"]);
        for app in &apps {
            cmd.args(["-p", app.package]);
        }
        crate::setup::run(&mut cmd)
    })?;
    for app in apps {
        let wasm = built_wasm(app.package)?;
        let out = dist(app);
        let stamp = out.join(".built-from");
        let fingerprint = fingerprint(&wasm)?;
        if std::fs::read_to_string(&stamp).ok().as_deref() != Some(fingerprint.as_str()) {
            let _ = std::fs::remove_dir_all(&out);
            timed(&format!("wasm-bindgen {}", app.package), || bindgen(&wasm, &out, "app"))?;
            if wasm_opt {
                timed(&format!("wasm-opt -Oz {}", app.package), || optimize(&out.join("app_bg.wasm")))?;
            }
            std::fs::write(&stamp, &fingerprint).map_err(|e| e.to_string())?;
        } else {
            eprintln!("  {}: wasm unchanged, wasm-bindgen skipped", app.package);
        }
        copy_static(&root().join(app.dir), &out)?;
    }
    Ok(())
}

/// The wasm cargo wrote for `package`: a binary keeps the package's name, a library gets
/// underscores; when both exist, the newer one.
fn built_wasm(package: &str) -> Result<PathBuf, String> {
    let dir = target_dir().join("wasm32-unknown-unknown/release");
    let candidates =
        [dir.join(format!("{package}.wasm")), dir.join(format!("{}.wasm", package.replace('-', "_")))];
    candidates
        .into_iter()
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
        .max_by_key(|(modified, _)| *modified)
        .map(|(_, p)| p)
        .ok_or_else(|| format!("cargo built no wasm for {package} in {}", dir.display()))
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

pub fn write_config(app: &App, config: &DemoConfig) -> Result<(), String> {
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
    for app in present() {
        match app.mount {
            Some(path) => config.serve.push(StaticMount { path: path.to_owned(), dir: dist(app) }),
            None => config.connect_ui_dir = Some(dist(app)),
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
        crate::setup::run(crate::cargo().args([
            "build",
            "-p",
            "nango-dioxus-desktop",
            "--features",
            "desktop",
        ]))
    })?;
    Ok(target_dir().join("debug").join("nango-dioxus-desktop"))
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
        for app in present() {
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
        for app in APPS.iter().filter(|a| a.mount.is_some() && dist(a).exists()) {
            write_config(app, &demo)?;
        }
        println!();
        for app in present() {
            match (app.mount, app.package) {
                (Some(path), "yew-demo") => println!("Yew demo:     {api}{path}/"),
                (Some(path), "dioxus-demo") => println!("Dioxus demo:  {api}{path}/"),
                (Some(path), _) => println!("Leptos demo:  {api}{path}/"),
                (None, _) => {}
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
            }
        }
        println!("\nCtrl-C stops everything.");
        tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
        server.shutdown().await;
        Ok(())
    })
}
