//! `cargo xtask bench`: this kit beside the official JS SDK (`@nangohq/frontend`, from npm) in
//! the same headless Chromium. Prints figures with ratios (this project / JS SDK); asserts
//! nothing.
//!
//! 1. Sizes: what the core adds to a wasm app and what each adapter adds to a minimal Yew /
//!    Dioxus app (wasm-bindgen, `wasm-opt -Oz`, glue minified by esbuild, gzip -9), beside the
//!    JS SDK bundled and minified by esbuild, gzip -9; the two demo apps' transfer size.
//! 2. Event latency: a stub Connect UI (another site) posts 1,000 events of each kind, stamped
//!    with `performance.timeOrigin + performance.now()`; arrival in the JS SDK's `onEvent`, the
//!    core's callback, the core's stream, and a Yew and a Dioxus component's effect after the
//!    state update. Pages are cross-origin isolated, so the clock has 5 µs resolution.
//! 3. Open cost: `open_connect_ui` → iframe in the page, 1,000 times.
//! 4. Leaks: 1,000 open/close and auth start/cancel cycles; listeners, iframes, sockets, popups
//!    and heap before/after (`--js-flags=--expose-gc`).
//! 5. The dev server's load example.
//!
//! Flags: `--skip-size`, `--skip-load`, `--cycles N` (default 1,000).

use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nango_e2e::Browser;
use serde_json::{Value, json};

use crate::setup::{root, run};
use crate::size::{BUDGET_GZIP, JS_SDK_GZIP, build_probe};
use crate::wasm::{bindgen, cargo_build, esbuild, optimize, sizes, target_dir, timed};

/// The official SDK measured against.
const JS_SDK: &str = "@nangohq/frontend@0.71.10";
/// Event kinds the stub posts (`close` would close the Connect UI, so it is not repeated).
const KINDS: &[&str] = &["ready", "connect", "error", "settings_changed"];
/// Kinds that change the adapters' state (a repeated `ready` changes nothing a component shows).
const STATE_KINDS: &[&str] = &["connect", "error", "settings_changed"];

/// One line of the table.
struct Row {
    what: String,
    ours: String,
    js: String,
    ratio: String,
    note: String,
}

#[derive(Default)]
struct Report {
    rows: Vec<Row>,
    details: Vec<String>,
}

impl Report {
    fn row(
        &mut self,
        what: impl Into<String>,
        ours: impl Into<String>,
        js: impl Into<String>,
        ratio: impl Into<String>,
        note: impl Into<String>,
    ) {
        let row = Row {
            what: what.into(),
            ours: ours.into(),
            js: js.into(),
            ratio: ratio.into(),
            note: note.into(),
        };
        eprintln!("bench: {}: ours {}, JS {}, ratio {}", row.what, row.ours, row.js, row.ratio);
        self.rows.push(row);
    }

    fn failed(&mut self, what: &str, error: &str) {
        eprintln!("bench: {what} not measured: {error}");
        self.row(what, "not measured", "", "", error.replace('|', "/"));
    }

    fn markdown(&self) -> String {
        let mut out = String::from(
            "| measurement | this project | JS SDK 0.71.10 | ratio (ours / JS) | notes |\n|---|---|---|---|---|\n",
        );
        for r in &self.rows {
            let _ = writeln!(out, "| {} | {} | {} | {} | {} |", r.what, r.ours, r.js, r.ratio, r.note);
        }
        for d in &self.details {
            out.push('\n');
            out.push_str(d);
        }
        out
    }
}

struct Options {
    size: bool,
    load: bool,
    cycles: u32,
}

fn options() -> Result<Options, String> {
    let mut o = Options { size: true, load: true, cycles: 1000 };
    let mut args = std::env::args().skip(2);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--skip-size" => o.size = false,
            "--skip-load" => o.load = false,
            "--cycles" => {
                o.cycles = args.next().and_then(|n| n.parse().ok()).ok_or("--cycles takes a number")?;
            }
            other => return Err(format!("bench: unknown flag {other}")),
        }
    }
    Ok(o)
}

pub fn bench() -> Result<(), String> {
    let o = options()?;
    let started = Instant::now();
    crate::setup::ensure_wasm_target()?;
    let chromedriver = crate::setup::ensure_chromium()?;
    let mut report = Report::default();
    let sdk = timed("the JS SDK from npm, bundled by esbuild", js_sdk)?;
    if o.size
        && let Err(e) = size_rows(&mut report, &sdk)
    {
        report.failed("sizes", &e);
    }
    let site = timed("bench page (latency-probe wasm, JS SDK bundle)", || site(&sdk))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(browser_rows(&mut report, &site, &chromedriver, o.cycles))?;
    if o.load
        && let Err(e) = load_rows(&mut report)
    {
        report.failed("dev server load", &e);
    }
    let table = report.markdown();
    let out = target_dir().join("bench/report.md");
    std::fs::write(&out, &table).map_err(|e| format!("{}: {e}", out.display()))?;
    println!("\n{table}");
    eprintln!(
        "bench: done in {:.0}s (table also in target/bench/report.md)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The JS SDK

struct Sdk {
    /// `(raw, gzip)` of the ESM bundle, minified.
    size: (u64, u64),
    /// An IIFE bundle setting `window.NangoJs`, for the bench page.
    page_bundle: PathBuf,
}

fn js_sdk() -> Result<Sdk, String> {
    let esbuild = esbuild()?;
    let tools = target_dir().join("tools");
    let package = tools.join("node_modules/@nangohq/frontend");
    let installed = std::fs::read_to_string(package.join("package.json")).unwrap_or_default();
    if !installed.contains("\"version\": \"0.71.10\"") {
        eprintln!("installing {JS_SDK} from npm into target/tools");
        run(Command::new("npm")
            .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
            .arg(&tools)
            .arg(JS_SDK))?;
    }
    let out = target_dir().join("bench/sdk");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    // The entry files live under target/tools so that esbuild resolves the package from there.
    let entry = tools.join("bench-sdk-size.js");
    std::fs::write(
        &entry,
        "export { default } from '@nangohq/frontend';\nexport * from '@nangohq/frontend';\n",
    )
    .map_err(|e| e.to_string())?;
    let min = out.join("frontend.min.js");
    run(Command::new(&esbuild)
        .arg(&entry)
        .args(["--bundle", "--minify", "--format=esm", "--log-level=warning"])
        .arg(format!("--outfile={}", min.display())))?;
    let page_entry = tools.join("bench-sdk-page.js");
    std::fs::write(&page_entry, "import Nango from '@nangohq/frontend';\nwindow.NangoJs = Nango;\n")
        .map_err(|e| e.to_string())?;
    let page_bundle = out.join("sdk.js");
    run(Command::new(&esbuild)
        .arg(&page_entry)
        .args(["--bundle", "--minify", "--format=iife", "--log-level=warning"])
        .arg(format!("--outfile={}", page_bundle.display())))?;
    Ok(Sdk { size: sizes(&min)?, page_bundle })
}

// ---------------------------------------------------------------------------------------------
// 1. Sizes

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

fn ratio(ours: f64, js: f64) -> String {
    if js > 0.0 { format!("{:.2}×", ours / js) } else { "–".into() }
}

fn size_rows(report: &mut Report, sdk: &Sdk) -> Result<(), String> {
    let js = sdk.size.1;
    let js_cell = format!("{} ({} B; {} B raw)", kb(js), js, sdk.size.0);
    let empty = build_probe("size-probe", &[], "empty")?;
    let core = build_probe("size-probe", &["core"], "core")?;
    let added = core.total_gzip_min().saturating_sub(empty.total_gzip_min());
    let added_raw = (core.wasm.0 + core.js_min.0).saturating_sub(empty.wasm.0 + empty.js_min.0);
    let budget = if added <= BUDGET_GZIP { "within" } else { "over" };
    report.row(
        "size: core added to a wasm app (gzip)",
        format!("{} ({added} B; {added_raw} B raw)", kb(added)),
        js_cell.clone(),
        ratio(added as f64, js as f64),
        format!(
            "`size-probe` with the Connect UI + auth calls minus without; wasm-opt -Oz wasm + esbuild-minified glue; \
             {budget} the {} KB budget (aim ≤ 2× JS = {} B; the issue's JS figure: {JS_SDK_GZIP} B)",
            BUDGET_GZIP / 1024,
            2 * js
        ),
    );
    for (framework, base, with, label) in
        [("Yew", "yew", "nango-yew", "nango-yew"), ("Dioxus", "dioxus", "nango-dioxus", "nango-dioxus")]
    {
        let plain = build_probe("framework-probe", &[base], &format!("{base}-app"))?;
        let adapted = build_probe("framework-probe", &[with], &format!("{with}-app"))?;
        let added = adapted.total_gzip_min().saturating_sub(plain.total_gzip_min());
        report.row(
            format!("size: {label} (+ core) added to a minimal {framework} app (gzip)"),
            format!("{} ({added} B)", kb(added)),
            js_cell.clone(),
            ratio(added as f64, js as f64),
            format!(
                "`framework-probe` counter app vs the same with use_connect_ui + use_auth; the {framework} app alone is {}; \
                 the adapter's own share is this minus the core's share",
                kb(plain.total_gzip_min())
            ),
        );
    }
    for (package, dir) in [("yew-demo", "examples/yew-demo"), ("dioxus-demo", "examples/dioxus-demo")] {
        let (raw, gz, files) = demo_transfer(package, dir)?;
        report.row(
            format!("size: {package} total transfer (gzip)"),
            format!("{} ({raw} B raw)", kb(gz)),
            "–",
            "–",
            format!("{files} files: wasm-opt -Oz wasm, JS glue as wasm-bindgen writes it, HTML, CSS, config.js, snippets; each gzip -9"),
        );
    }
    Ok(())
}

/// `(raw, gzip, files)` of a demo as served: its wasm after `wasm-opt -Oz` and every other file.
fn demo_transfer(package: &str, dir: &str) -> Result<(u64, u64, usize), String> {
    timed(&format!("build {package}"), || {
        run(crate::cargo().args(["build", "--release", "--target", "wasm32-unknown-unknown", "-p", package]))
    })?;
    let release = target_dir().join("wasm32-unknown-unknown/release");
    let wasm = [
        release.join(format!("{package}.wasm")),
        release.join(format!("{}.wasm", package.replace('-', "_"))),
    ]
    .into_iter()
    .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
    .max_by_key(|(modified, _)| *modified)
    .map(|(_, p)| p)
    .ok_or_else(|| format!("no wasm for {package}"))?;
    let out = target_dir().join("bench/demos").join(package);
    let _ = std::fs::remove_dir_all(&out);
    timed(&format!("wasm-bindgen {package}"), || bindgen(&wasm, &out, "app"))?;
    timed(&format!("wasm-opt -Oz {package}"), || optimize(&out.join("app_bg.wasm")))?;
    for name in ["index.html", "style.css", "config.js"] {
        let source = root().join(dir).join(name);
        if source.exists() {
            std::fs::copy(&source, out.join(name)).map_err(|e| format!("{}: {e}", source.display()))?;
        }
    }
    let mut total = (0, 0, 0);
    sum_files(&out, &mut total)?;
    Ok(total)
}

fn sum_files(dir: &Path, total: &mut (u64, u64, usize)) -> Result<(), String> {
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            sum_files(&path, total)?;
        } else {
            let (raw, gz) = sizes(&path)?;
            *total = (total.0 + raw, total.1 + gz, total.2 + 1);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The bench page and its server

struct Site {
    page: PathBuf,
    stub: PathBuf,
}

fn site(sdk: &Sdk) -> Result<Site, String> {
    let wasm = timed("build latency-probe", || cargo_build("latency-probe", &[]))?;
    let dir = target_dir().join("bench/site");
    let stub = target_dir().join("bench/stub");
    for d in [&dir, &stub] {
        let _ = std::fs::remove_dir_all(d);
        std::fs::create_dir_all(d).map_err(|e| e.to_string())?;
    }
    timed("wasm-bindgen latency-probe", || bindgen(&wasm, &dir.join("probe"), "app"))?;
    timed("wasm-opt -Oz latency-probe", || optimize(&dir.join("probe/app_bg.wasm")))?;
    let web = root().join("bench/web");
    for name in ["bench.html", "instrument.js", "bench.js"] {
        std::fs::copy(web.join(name), dir.join(name)).map_err(|e| format!("bench/web/{name}: {e}"))?;
    }
    std::fs::copy(&sdk.page_bundle, dir.join("sdk.js")).map_err(|e| e.to_string())?;
    std::fs::copy(web.join("stub.html"), stub.join("stub.html")).map_err(|e| e.to_string())?;
    Ok(Site { page: dir, stub })
}

/// A static file server on `127.0.0.1` and a free port, on its own threads for the process's
/// life. A path ending in `/` serves `index`. Every answer is cross-origin isolated
/// (COOP + COEP + CORP) so that `performance.now()` has its fine resolution.
fn serve(dir: PathBuf, index: &'static str) -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let _ = answer(stream, &dir, index);
            });
        }
    });
    Ok(port)
}

fn answer(mut stream: TcpStream, dir: &Path, index: &str) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut head = Vec::new();
    let mut chunk = [0_u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65_536 {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split('?').next().unwrap_or("/");
    let file = if path.ends_with('/') {
        Some(dir.join(index))
    } else {
        let relative = path.trim_start_matches('/');
        (!relative.split('/').any(|s| s == "..")).then(|| dir.join(relative))
    };
    let body = file.as_deref().and_then(|f| std::fs::read(f).ok());
    let (status, body) = match body {
        Some(body) => ("200 OK", body),
        None => ("404 Not Found", b"not found".to_vec()),
    };
    let content_type = match file.as_deref().and_then(Path::extension).and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        _ => "application/octet-stream",
    };
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
         Cross-Origin-Opener-Policy: same-origin\r\nCross-Origin-Embedder-Policy: require-corp\r\n\
         Cross-Origin-Resource-Policy: cross-origin\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes())?;
    stream.write_all(&body)?;
    stream.flush()
}

// ---------------------------------------------------------------------------------------------
// 2–4. In the browser

/// Starts `name` in the page and polls until it ends.
async fn page_run(browser: &Browser, name: &str, args: Value, limit: Duration) -> Result<Value, String> {
    browser
        .client
        .execute("window.bench.start(arguments[0], arguments[1]); return true;", vec![json!(name), args])
        .await
        .map_err(|e| format!("{name}: {e}"))?;
    let deadline = Instant::now() + limit;
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        // A busy page (hundreds of popups) may miss WebDriver's script timeout: poll again.
        let Ok(state) = browser.js("return window.bench.poll();").await else { continue };
        if state.get("done").and_then(Value::as_bool) == Some(true) {
            if let Some(error) = state.get("error").and_then(Value::as_str) {
                return Err(format!("{name}: {error}"));
            }
            return Ok(state.get("result").cloned().unwrap_or(Value::Null));
        }
        if Instant::now() > deadline {
            return Err(format!("{name}: no result in {}s", limit.as_secs()));
        }
    }
}

async fn browser_rows(
    report: &mut Report,
    site: &Site,
    chromedriver: &Path,
    cycles: u32,
) -> Result<(), String> {
    let page_port = serve(site.page.clone(), "bench.html")?;
    let stub_port = serve(site.stub.clone(), "stub.html")?;
    let page = format!("http://127.0.0.1:{page_port}/");
    // `localhost` is another site than `127.0.0.1`: the stub runs cross-site, as Nango's does.
    let stub_origin = format!("http://localhost:{stub_port}");
    // A Nango host whose WebSocket endpoint refuses (404): sockets are opened, never served.
    let host = format!("http://127.0.0.1:{page_port}");
    let browser = start_browser(chromedriver).await?;
    let result = async {
        browser.client.goto(&page).await.map_err(|e| format!("{page}: {e}"))?;
        wait_ready(&browser).await?;
        let isolated = browser.js("return self.crossOriginIsolated;").await?;
        if isolated != Value::Bool(true) {
            report.details.push("Note: the page was not cross-origin isolated; times are coarsened to 100 µs.\n".into());
        }
        latency_rows(report, &browser, &stub_origin, cycles).await;
        match page_run(&browser, "openCost", json!({ "stubOrigin": stub_origin, "n": cycles }), Duration::from_secs(300)).await {
            Ok(v) => {
                let (ours, js) = (stat(&v, "/ours/median"), stat(&v, "/js/median"));
                report.row(
                    format!("open cost: open_connect_ui → iframe in the page, median of {cycles}"),
                    format!("{} (p99 {})", ms(ours), ms(stat(&v, "/ours/p99"))),
                    format!("{} (p99 {})", ms(js), ms(stat(&v, "/js/p99"))),
                    ratio(ours, js),
                    "`Nango::open_connect_ui` timed inside wasm vs `nango.openConnectUI` in JS; closed between opens",
                );
            }
            Err(e) => report.failed("open cost", &e),
        }
        leak_rows(report, &browser, &stub_origin, &host, cycles).await;
        Ok::<(), String>(())
    }
    .await;
    browser.close().await;
    result
}

async fn start_browser(chromedriver: &Path) -> Result<Browser, String> {
    // The harness takes ChromeDriver from `CHROMEDRIVER` or /usr/bin, where setup installs it.
    if std::env::var_os("CHROMEDRIVER").is_none() && chromedriver != Path::new("/usr/bin/chromedriver") {
        return Err(format!("set CHROMEDRIVER={} and run again", chromedriver.display()));
    }
    Browser::start_with_args(&["--js-flags=--expose-gc", "--enable-precise-memory-info"]).await
}

async fn wait_ready(browser: &Browser) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if browser.js("return window.benchReady === true;").await? == Value::Bool(true) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err("the bench page did not load its wasm in 30 s".into())
}

fn stat(v: &Value, pointer: &str) -> f64 {
    v.pointer(pointer).and_then(Value::as_f64).unwrap_or(f64::NAN)
}

fn ms(value: f64) -> String {
    if value.is_nan() {
        "–".into()
    } else if value < 1.0 {
        format!("{:.0} µs", value * 1000.0)
    } else {
        format!("{value:.2} ms")
    }
}

/// Median and p99 of `values` (nearest rank).
fn percentiles(values: &[f64]) -> (f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |p: f64| {
        let rank = ((p * sorted.len() as f64).ceil() as usize).saturating_sub(1);
        sorted.get(rank.min(sorted.len().saturating_sub(1))).copied().unwrap_or(f64::NAN)
    };
    (at(0.5), at(0.99))
}

/// Latency subjects: page name, label, kinds, where the time is taken. Each is measured paired
/// with the JS SDK's `onEvent` on the same messages.
const SUBJECTS: [(&str, &str, &[&str], &str); 4] = [
    ("core-callback", "core: on_event callback", KINDS, "the callback's first statement"),
    ("core-stream", "core: events() stream item", KINDS, "a spawn_local task's `next().await`"),
    ("yew", "Yew: use_connect_ui state update", STATE_KINDS, "use_effect_with after the re-render"),
    ("dioxus", "Dioxus: use_connect_ui state update", STATE_KINDS, "use_effect after the signal update"),
];
/// Latency runs are split into rounds, the subjects taking turns and the listener order
/// alternating (JS first in even rounds), so that drift and being second are shared alike.
const ROUNDS: u32 = 4;

async fn latency_rows(report: &mut Report, browser: &Browser, stub_origin: &str, n: u32) {
    let per_round = n.div_ceil(ROUNDS);
    // subject → kind → (ours, JS) latencies in ms
    let mut values: Vec<Vec<(Vec<f64>, Vec<f64>)>> =
        SUBJECTS.iter().map(|(_, _, kinds, _)| vec![(Vec::new(), Vec::new()); kinds.len()]).collect();
    let mut errors: Vec<Option<String>> = vec![None; SUBJECTS.len()];
    for round in 0..ROUNDS {
        eprintln!(
            "  event latency, round {}/{ROUNDS} ({per_round} events of each kind per subject)",
            round + 1
        );
        for (i, (subject, _, kinds, _)) in SUBJECTS.iter().enumerate() {
            if errors.get(i).is_some_and(Option::is_some) {
                continue;
            }
            let args = json!({
                "subject": subject, "stubOrigin": stub_origin, "kinds": kinds, "n": per_round, "jsFirst": round % 2 == 0,
            });
            match page_run(browser, "latency", args, Duration::from_secs(600)).await {
                Ok(v) => {
                    for (k, kind) in kinds.iter().enumerate() {
                        let get = |side: &str| -> Vec<f64> {
                            v.pointer(&format!("/perKind/{kind}/{side}"))
                                .and_then(Value::as_array)
                                .map(|a| a.iter().filter_map(Value::as_f64).collect())
                                .unwrap_or_default()
                        };
                        if let Some(slot) = values.get_mut(i).and_then(|s| s.get_mut(k)) {
                            slot.0.extend(get("ours"));
                            slot.1.extend(get("js"));
                        }
                    }
                }
                Err(e) => {
                    if let Some(slot) = errors.get_mut(i) {
                        *slot = Some(e);
                    }
                }
            }
        }
    }
    let sent = per_round * ROUNDS;
    let mut detail = String::from(
        "Event latency per kind (stub's postMessage → arrival; nearest-rank median and p99; the JS SDK measured on \
         the same messages in the same runs):\n\n\
         | subject | kind | ours median | ours p99 | JS median | JS p99 | received ours / JS | ratio median | ratio p99 |\n\
         |---|---|---|---|---|---|---|---|---|\n",
    );
    for (i, (_, label, kinds, note)) in SUBJECTS.iter().enumerate() {
        if let Some(Some(e)) = errors.get(i) {
            report.failed(&format!("event latency: {label}"), e);
            continue;
        }
        let (mut all, mut all_js) = (Vec::new(), Vec::new());
        for (k, kind) in kinds.iter().enumerate() {
            let (ours, js) = values.get(i).and_then(|s| s.get(k)).cloned().unwrap_or_default();
            let ((m, p), (jm, jp)) = (percentiles(&ours), percentiles(&js));
            let _ = writeln!(
                detail,
                "| {label} | {kind} | {} | {} | {} | {} | {}/{sent} / {}/{sent} | {} | {} |",
                ms(m),
                ms(p),
                ms(jm),
                ms(jp),
                ours.len(),
                js.len(),
                ratio(m, jm),
                ratio(p, jp)
            );
            all.extend_from_slice(&ours);
            all_js.extend_from_slice(&js);
        }
        let ((m, p), (jm, jp)) = (percentiles(&all), percentiles(&all_js));
        report.row(
            format!("event latency: {label} (median / p99)"),
            format!("{} / {}", ms(m), ms(p)),
            format!("{} / {}", ms(jm), ms(jp)),
            format!("{} / {}", ratio(m, jm), ratio(p, jp)),
            format!(
                "{} × {sent} events ({}); {} / {} received; ours at {note}, JS at onEvent's first statement, same messages",
                kinds.len(),
                kinds.join(", "),
                all.len(),
                all_js.len()
            ),
        );
    }
    report.details.push(detail);
}

async fn leak_rows(report: &mut Report, browser: &Browser, stub_origin: &str, host: &str, n: u32) {
    let mut detail = String::from(
        "Leak counts after the cycles (after − before; sockets and popups: of those made during the cycles):\n\n\
         | scenario | listeners | window `message` listeners | iframes | sockets made / not closed / still open | \
         popups opened / left open | promises never settled | JS heap Δ | wasm memory Δ |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    let scenarios = [
        ("ui", "Connect UI open/close"),
        ("auth-blocked", "auth start/cancel, popup blocked"),
        ("auth-popup", "auth start/cancel, popup opened then dropped"),
    ];
    for (scenario, label) in scenarios {
        let mut cells = Vec::new();
        for side in ["ours", "js"] {
            let name = format!("{scenario}-{side}");
            let args = json!({ "name": name, "stubOrigin": stub_origin, "host": host, "n": n });
            match page_run(browser, "leak", args, Duration::from_secs(600)).await {
                Ok(v) => {
                    let d = |k: &str| stat(&v, &format!("/after/{k}")) - stat(&v, &format!("/before/{k}"));
                    let a = |k: &str| stat(&v, &format!("/after/{k}"));
                    let left =
                        d("listeners") + d("iframes") + a("socketsOpenOrConnecting") + a("popupsLeftOpen");
                    let _ = writeln!(
                        detail,
                        "| {label} ({}) | {} | {} | {} | {} / {} / {} | {} / {} | {} | {:+.1} KB | {:+.0} KB |",
                        if side == "ours" { "this project" } else { "JS SDK" },
                        d("listeners"),
                        d("messageListeners"),
                        d("iframes"),
                        a("socketsCreated"),
                        a("socketsNotClosedBySdk"),
                        a("socketsOpenOrConnecting"),
                        a("popupsOpened"),
                        a("popupsLeftOpen"),
                        v.get("pendingPromises").and_then(Value::as_u64).unwrap_or(0),
                        d("heap") / 1024.0,
                        d("wasmMemory") / 1024.0,
                    );
                    cells.push(format!("{left} left, heap {:+.0} KB", d("heap") / 1024.0));
                }
                Err(e) => {
                    eprintln!("bench: leak {name}: {e}");
                    cells.push(format!("not measured ({})", e.replace('|', "/")));
                }
            }
        }
        let js = cells.pop().unwrap_or_default();
        let ours = cells.pop().unwrap_or_default();
        report.row(
            format!("leaks: {n} × {label}"),
            ours,
            js,
            "–",
            "listeners + iframes + open sockets + open popups left after the cycles (budget 0); JS heap after − before, after forced GC",
        );
    }
    report.details.push(detail);
}

// ---------------------------------------------------------------------------------------------
// 5. The dev server

fn load_rows(report: &mut Report) -> Result<(), String> {
    let output = timed("dev server load example (1,000 flows)", || {
        crate::cargo()
            .args(["run", "-p", "nango-dev-server", "--release", "--example", "load", "--", "1000"])
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| e.to_string())
    })?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!("the load example failed: {text}"));
    }
    let field = |key: &str| {
        text.lines().find_map(|l| l.strip_prefix(key)).map(|v| v.trim_start_matches(':').trim().to_owned())
    };
    let figures: Vec<String> =
        ["completed", "lost", "wall time", "latency p50", "latency p99", "peak memory"]
            .iter()
            .filter_map(|k| field(k).map(|v| format!("{k}: {v}")))
            .collect();
    let throughput = text.lines().find(|l| l.contains("/s")).map(str::trim).unwrap_or_default().to_owned();
    report.row(
        "dev server: 1,000 concurrent OAuth flows (load example)",
        figures.join("; "),
        "–",
        "–",
        format!("{throughput}; `cargo run -p nango-dev-server --release --example load -- 1000`; no JS counterpart"),
    );
    Ok(())
}
