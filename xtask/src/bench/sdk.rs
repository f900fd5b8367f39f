//! The official JS SDK from npm, bundled and minified by esbuild: its size, and a bundle for the bench page.

use std::path::PathBuf;
use std::process::Command;

use super::JS_SDK;
use crate::cmd::run;
use crate::crates::target_dir;
use crate::wasm::{esbuild, sizes};

pub(super) struct Sdk {
    /// `(raw, gzip)` of the ESM bundle, minified.
    pub(super) size: (u64, u64),
    /// An IIFE bundle setting `window.NangoJs`, for the bench page.
    pub(super) page_bundle: PathBuf,
}

pub(super) fn js_sdk() -> Result<Sdk, String> {
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
