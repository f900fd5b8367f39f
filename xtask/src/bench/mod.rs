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
//! Flags: `--skip-size`, `--skip-load`, `--cycles N` (default 1,000), `--only FRAMEWORK`
//! (`yew`, `dioxus` or `leptos`: only that framework's rows, its adapter's size, its demo's
//! transfer size and its state-update latency).

mod browser;
mod load;
mod sdk;
mod site;
mod sizes;

use std::fmt::Write as _;
use std::time::Instant;

use crate::cmd::timed;
use crate::crates::target_dir;
use browser::browser_rows;
use load::load_rows;
use sdk::js_sdk;
use site::site;
use sizes::size_rows;

/// The official SDK measured against.
pub(crate) const JS_SDK: &str = "@nangohq/frontend@0.71.10";
/// Event kinds the stub posts (`close` would close the Connect UI, so it is not repeated).
pub(crate) const KINDS: &[&str] = &["ready", "connect", "error", "settings_changed"];
/// Kinds that change the adapters' state (a repeated `ready` changes nothing a component shows).
pub(crate) const STATE_KINDS: &[&str] = &["connect", "error", "settings_changed"];

/// One line of the table.
pub(crate) struct Row {
    what: String,
    ours: String,
    js: String,
    ratio: String,
    note: String,
}

#[derive(Default)]
pub(crate) struct Report {
    rows: Vec<Row>,
    pub(crate) details: Vec<String>,
}

impl Report {
    pub(crate) fn row(
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

    pub(crate) fn failed(&mut self, what: &str, error: &str) {
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
    only: Option<String>,
}

fn options() -> Result<Options, String> {
    let mut o = Options { size: true, load: true, cycles: 1000, only: None };
    let mut args = std::env::args().skip(2);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--skip-size" => o.size = false,
            "--skip-load" => o.load = false,
            "--cycles" => {
                o.cycles = args.next().and_then(|n| n.parse().ok()).ok_or("--cycles takes a number")?;
            }
            "--only" => {
                let name = args.next().filter(|n| ["yew", "dioxus", "leptos"].contains(&n.as_str()));
                o.only = Some(name.ok_or("--only takes yew, dioxus or leptos")?);
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
        && let Err(e) = size_rows(&mut report, &sdk, o.only.as_deref())
    {
        report.failed("sizes", &e);
    }
    let site = timed("bench page (latency-probe wasm, JS SDK bundle)", || site(&sdk))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(browser_rows(&mut report, &site, &chromedriver, o.cycles, o.only.as_deref()))?;
    if o.load
        && o.only.is_none()
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
