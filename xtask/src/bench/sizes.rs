//! 1. Sizes: the core, each adapter in a minimal app, and the demos' transfer size.

use std::path::Path;

use super::Report;
use super::sdk::Sdk;
use crate::cmd::timed;
use crate::crates::{CRATES, Serve, root, target_dir};
use crate::size::{ADAPTERS, BUDGET_GZIP, JS_SDK_GZIP, adapter_builds, build_probe};
use crate::wasm::{bindgen, cargo_build, optimize, sizes};

pub(super) fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

pub(super) fn ratio(ours: f64, js: f64) -> String {
    if js > 0.0 { format!("{:.2}×", ours / js) } else { "–".into() }
}

/// With `only` (a framework's lowercase name), only that framework's rows.
pub(super) fn size_rows(report: &mut Report, sdk: &Sdk, only: Option<&str>) -> Result<(), String> {
    let js = sdk.size.1;
    let js_cell = format!("{} ({} B; {} B raw)", kb(js), js, sdk.size.0);
    let wanted = |name: &str| only.is_none_or(|only| name.starts_with(only));
    if only.is_none() {
        core_row(report, &js_cell, js)?;
    }
    for (framework, base, label) in ADAPTERS.into_iter().filter(|(_, base, _)| wanted(base)) {
        let (plain, adapted) = adapter_builds(base, label)?;
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
    let demos = CRATES.iter().filter(|c| matches!(c.serve, Serve::At(..)));
    for (package, dir) in demos.map(|c| (c.package, c.dir)).filter(|(package, _)| wanted(package)) {
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

/// The core added to an empty wasm app.
fn core_row(report: &mut Report, js_cell: &str, js: u64) -> Result<(), String> {
    let empty = build_probe("size-probe", &[], "empty")?;
    let core = build_probe("size-probe", &["core"], "core")?;
    let added = core.total_gzip_min().saturating_sub(empty.total_gzip_min());
    let added_raw = (core.wasm.0 + core.js_min.0).saturating_sub(empty.wasm.0 + empty.js_min.0);
    let budget = if added <= BUDGET_GZIP { "within" } else { "over" };
    report.row(
        "size: core added to a wasm app (gzip)",
        format!("{} ({added} B; {added_raw} B raw)", kb(added)),
        js_cell.to_owned(),
        ratio(added as f64, js as f64),
        format!(
            "`size-probe` with the Connect UI + auth calls minus without; wasm-opt -Oz wasm + esbuild-minified glue; \
             {budget} the {} KB budget (aim ≤ 2× JS = {} B; the issue's JS figure: {JS_SDK_GZIP} B)",
            BUDGET_GZIP / 1024,
            2 * js
        ),
    );
    Ok(())
}

/// `(raw, gzip, files)` of a demo as served: its wasm after `wasm-opt -Oz` and every other file.
fn demo_transfer(package: &str, dir: &str) -> Result<(u64, u64, usize), String> {
    let wasm = timed(&format!("build {package}"), || cargo_build(package, &[]))?;
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
