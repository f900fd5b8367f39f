//! `cargo xtask size`: what the core adds to a wasm app, after wasm-bindgen and `wasm-opt -Oz`.

use crate::cmd::timed;
use crate::crates::target_dir;
use crate::wasm::{bindgen, bundle, cargo_build, optimize, sizes};

/// Sizes of one build: `(raw, gzip)` of the optimized wasm, of wasm-bindgen's JS glue bundled
/// with the JS snippets it imports, and of that bundle minified by esbuild.
pub(crate) struct Build {
    pub(crate) wasm: (u64, u64),
    pub(crate) js: (u64, u64),
    pub(crate) js_min: (u64, u64),
}

impl Build {
    /// wasm + minified glue, gzip.
    pub(crate) fn total_gzip_min(&self) -> u64 {
        self.wasm.1 + self.js_min.1
    }
}

fn build(features: &[&str], name: &str) -> Result<Build, String> {
    build_probe("size-probe", features, name)
}

/// Builds `package` (a wasm32 cdylib) with `features`, runs wasm-bindgen, `wasm-opt -Oz` and
/// esbuild on it under `target/size/{name}`, and measures.
pub(crate) fn build_probe(package: &str, features: &[&str], name: &str) -> Result<Build, String> {
    let wasm =
        timed(&format!("build {package} [{}]", features.join(",")), || cargo_build(package, features))?;
    let out = target_dir().join("size").join(name);
    // Two builds share one output file: copy it out before the next build overwrites it.
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let copy = out.join("input.wasm");
    std::fs::copy(&wasm, &copy).map_err(|e| e.to_string())?;
    timed("wasm-bindgen", || bindgen(&copy, &out, "app"))?;
    let bg = out.join("app_bg.wasm");
    timed("wasm-opt -Oz", || optimize(&bg))?;
    // The glue and the JS snippets it imports (the core's `driver.js`), as one file.
    let (js, min) = (out.join("app.bundle.js"), out.join("app.min.js"));
    timed("esbuild --bundle", || bundle(&out.join("app.js"), &js, false))?;
    timed("esbuild --bundle --minify", || bundle(&out.join("app.js"), &min, true))?;
    Ok(Build { wasm: sizes(&bg)?, js: sizes(&js)?, js_min: sizes(&min)? })
}

/// The official JS SDK, minified, gzip (esbuild bundle of `@nangohq/frontend` 0.71.10),
/// as measured for the issue that set the budget.
pub(crate) const JS_SDK_GZIP: u64 = 3_966;
/// The budget: the core adds at most this much, gzip.
pub(crate) const BUDGET_GZIP: u64 = 30 * 1024;

/// The adapters' minimal apps in `framework-probe`: framework, its plain app's feature, the
/// feature that adds the adapter.
pub(crate) const ADAPTERS: [(&str, &str, &str); 3] =
    [("Yew", "yew", "nango-yew"), ("Dioxus", "dioxus", "nango-dioxus"), ("Leptos", "leptos", "nango-leptos")];

/// A framework's minimal app without and with its adapter.
pub(crate) fn adapter_builds(base: &str, with: &str) -> Result<(Build, Build), String> {
    Ok((
        build_probe("framework-probe", &[base], &format!("{base}-app"))?,
        build_probe("framework-probe", &[with], &format!("{with}-app"))?,
    ))
}

/// `cargo xtask size [--adapters [yew|dioxus|leptos]…]`.
pub fn size(args: &[String]) -> Result<(), String> {
    crate::setup::ensure_wasm_target()?;
    match args.split_first() {
        None => core_size(),
        Some((flag, names)) if flag == "--adapters" => adapter_size(names),
        Some((other, _)) => {
            Err(format!("size: unknown argument {other} (expected --adapters [yew|dioxus|leptos]…)"))
        }
    }
}

/// Per adapter (all, or those named): the plain app, the app with the adapter, what that adds,
/// and the adapter's own share of it, two ways: the addition minus the core's addition to an
/// empty app, and the app with the adapter minus the same app making the hooks' core calls
/// directly (`framework-probe` feature `core-calls`), which leaves out the core code the size
/// probe does not call (the auth runner, token sources, snapshots) and the code the framework
/// already has.
fn adapter_size(names: &[String]) -> Result<(), String> {
    if let Some(name) = names.iter().find(|n| !ADAPTERS.iter().any(|(_, base, _)| base == n)) {
        return Err(format!("size --adapters: unknown framework {name} (expected yew, dioxus or leptos)"));
    }
    let core =
        build(&["core"], "core")?.total_gzip_min().saturating_sub(build(&[], "empty")?.total_gzip_min());
    let mut rows = Vec::new();
    for (framework, base, with) in ADAPTERS {
        if names.is_empty() || names.iter().any(|n| n == base) {
            let (plain, adapted) = adapter_builds(base, with)?;
            let calls = build_probe("framework-probe", &[base, "core-calls"], &format!("{base}-core-calls"))?;
            rows.push((framework, plain.total_gzip_min(), adapted.total_gzip_min(), calls.total_gzip_min()));
        }
    }
    println!("\ngzip B, wasm-opt -Oz wasm + esbuild-minified glue; the core adds {core} B to an empty app\n");
    println!(
        "| framework | app B | app with adapter B | added B | share: added − core B | app with the core calls B | share: with adapter − with the core calls B |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (framework, plain, adapted, calls) in rows {
        let added = adapted.saturating_sub(plain);
        println!(
            "| {framework} | {plain} | {adapted} | {added} | {} | {calls} | {} |",
            added as i64 - core as i64,
            adapted as i64 - calls as i64
        );
    }
    Ok(())
}

fn core_size() -> Result<(), String> {
    let empty = build(&[], "empty")?;
    let ui = build(&["ui"], "ui")?;
    let auth = build(&["auth"], "auth")?;
    let core = build(&["core"], "core")?;
    let protocol = build(&["protocol"], "protocol")?;
    let row = |name: &str, b: &Build| {
        println!(
            "| {name} | {} | {} | {} | {} | {} | {} | {} |",
            b.wasm.0,
            b.wasm.1,
            b.js.0,
            b.js.1,
            b.js_min.1,
            b.wasm.1 + b.js.1,
            b.wasm.1 + b.js_min.1
        )
    };
    println!(
        "\n| app | wasm B | wasm gzip B | JS glue B | JS glue gzip B | JS glue min+gzip B | total gzip B | total gzip B (JS minified) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    row("empty", &empty);
    row("Connect UI only", &ui);
    row("auth only", &auth);
    row("with core (both)", &core);
    row("protocol layer only (the decisions)", &protocol);
    let added = (core.wasm.1 + core.js.1).saturating_sub(empty.wasm.1 + empty.js.1);
    let added_min = (core.wasm.1 + core.js_min.1).saturating_sub(empty.wasm.1 + empty.js_min.1);
    println!(
        "\ncore adds {added} B gzip ({:.1} KB) with wasm-bindgen's JS glue as is, {added_min} B ({:.1} KB) with the glue \
         minified by esbuild as the JS SDK's figure was; budget {} KB; {:.2}x the JS SDK's {JS_SDK_GZIP} B",
        added as f64 / 1024.0,
        added_min as f64 / 1024.0,
        BUDGET_GZIP / 1024,
        added_min as f64 / JS_SDK_GZIP as f64
    );
    let decisions = (protocol.wasm.1 + protocol.js_min.1).saturating_sub(empty.wasm.1 + empty.js_min.1);
    println!(
        "the protocol layer alone (the same calls' decisions, no browser layer) adds {decisions} B ({:.0}% of the core's)",
        decisions as f64 * 100.0 / added_min.max(1) as f64
    );
    Ok(())
}
