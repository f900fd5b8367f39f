//! `cargo xtask size`: what the core adds to a wasm app, after wasm-bindgen and `wasm-opt -Oz`.

use crate::wasm::{bindgen, cargo_build, optimize, sizes, target_dir, timed};

struct Build {
    wasm: (u64, u64),
    js: (u64, u64),
}

fn build(features: &[&str], name: &str) -> Result<Build, String> {
    let wasm = timed(&format!("build size-probe [{}]", features.join(",")), || cargo_build("size-probe", features))?;
    let out = target_dir().join("size").join(name);
    // Two builds share one output file: copy it out before the next build overwrites it.
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let copy = out.join("input.wasm");
    std::fs::copy(&wasm, &copy).map_err(|e| e.to_string())?;
    timed("wasm-bindgen", || bindgen(&copy, &out, "app"))?;
    let bg = out.join("app_bg.wasm");
    timed("wasm-opt -Oz", || optimize(&bg))?;
    Ok(Build { wasm: sizes(&bg)?, js: sizes(&out.join("app.js"))? })
}

/// The official JS SDK, minified, gzip (esbuild bundle of `@nangohq/frontend` 0.71.10),
/// as measured for the issue that set the budget.
const JS_SDK_GZIP: u64 = 3_966;
/// The budget: the core adds at most this much, gzip.
const BUDGET_GZIP: u64 = 30 * 1024;

pub fn size() -> Result<(), String> {
    crate::setup::ensure_wasm_target()?;
    let empty = build(&[], "empty")?;
    let core = build(&["core"], "core")?;
    let row = |name: &str, b: &Build| {
        println!(
            "| {name} | {} | {} | {} | {} | {} |",
            b.wasm.0,
            b.wasm.1,
            b.js.0,
            b.js.1,
            b.wasm.1 + b.js.1
        )
    };
    println!("\n| app | wasm B | wasm gzip B | js B | js gzip B | total gzip B |");
    println!("|---|---|---|---|---|---|");
    row("empty", &empty);
    row("with core", &core);
    let added = (core.wasm.1 + core.js.1).saturating_sub(empty.wasm.1 + empty.js.1);
    println!(
        "\ncore adds {added} B gzip (wasm + JS glue) = {:.1} KB; budget {} KB; {:.2}x the JS SDK's {JS_SDK_GZIP} B",
        added as f64 / 1024.0,
        BUDGET_GZIP / 1024,
        added as f64 / JS_SDK_GZIP as f64
    );
    Ok(())
}
