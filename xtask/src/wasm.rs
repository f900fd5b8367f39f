//! Building wasm apps: cargo → wasm-bindgen (the library, pinned to Cargo.lock's version, so
//! no CLI install is needed) → optionally wasm-opt (binaryen from npm; Debian's is too old).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd::{cargo, run};
use crate::crates::target_dir;

/// Builds `package` for wasm32 in release and returns the `.wasm` path.
pub fn cargo_build(package: &str, features: &[&str]) -> Result<PathBuf, String> {
    let mut cmd = cargo();
    cmd.args(["build", "--release", "--target", "wasm32-unknown-unknown", "-p", package]);
    if !features.is_empty() {
        cmd.args(["--features", &features.join(",")]);
    }
    run(&mut cmd)?;
    built_wasm(package)
}

/// The wasm cargo wrote for `package`: a binary keeps the package's name, a library (cdylib)
/// gets underscores; when both exist, the newer one.
pub fn built_wasm(package: &str) -> Result<PathBuf, String> {
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

/// Runs wasm-bindgen (`--target web`) on `wasm`, writing `{out_name}.js` and
/// `{out_name}_bg.wasm` into `out_dir`.
pub fn bindgen(wasm: &Path, out_dir: &Path, out_name: &str) -> Result<(), String> {
    std::fs::create_dir_all(out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(wasm)
        .web(true)
        .map_err(|e| e.to_string())?
        // Without this the library's output differs from the CLI's (no default module path).
        .omit_default_module_path(false)
        .out_name(out_name)
        .generate(out_dir)
        .map_err(|e| format!("wasm-bindgen on {}: {e}", wasm.display()))
}

/// binaryen's `wasm-opt` from npm, installed under `target/tools` on first use.
pub fn wasm_opt() -> Result<PathBuf, String> {
    let tools = target_dir().join("tools");
    let bin = tools.join("node_modules/.bin/wasm-opt");
    if bin.exists() {
        return Ok(bin);
    }
    eprintln!(
        "installing binaryen (wasm-opt) from npm into target/tools (Debian's is too old for wasm-bindgen output)"
    );
    std::fs::create_dir_all(&tools).map_err(|e| e.to_string())?;
    run(Command::new("npm")
        .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
        .arg(&tools)
        .arg("binaryen@132"))?;
    if bin.exists() { Ok(bin) } else { Err("npm installed binaryen but no wasm-opt".into()) }
}

/// esbuild from npm (to minify JS glue the way the JS SDK's figure was measured), installed
/// under `target/tools` on first use.
pub fn esbuild() -> Result<PathBuf, String> {
    let tools = target_dir().join("tools");
    let bin = tools.join("node_modules/.bin/esbuild");
    if bin.exists() {
        return Ok(bin);
    }
    eprintln!("installing esbuild from npm into target/tools");
    std::fs::create_dir_all(&tools).map_err(|e| e.to_string())?;
    run(Command::new("npm")
        .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
        .arg(&tools)
        .arg("esbuild@0.25"))?;
    if bin.exists() { Ok(bin) } else { Err("npm installed esbuild but no binary".into()) }
}

/// Bundles a JS module with what it imports (wasm-bindgen's `snippets/`) into `out` with
/// esbuild, minified or as written.
pub fn bundle(js: &Path, out: &Path, minified: bool) -> Result<(), String> {
    let esbuild = esbuild()?;
    let mut cmd = Command::new(esbuild);
    // wasm-bindgen lists a snippet once per function the wasm imports from it directly: the
    // same module under one key, which esbuild would warn about.
    cmd.arg(js).args([
        "--bundle",
        "--format=esm",
        "--log-level=warning",
        "--log-override:duplicate-object-key=silent",
    ]);
    if minified {
        cmd.arg("--minify");
    }
    run(cmd.arg(format!("--outfile={}", out.display())))
}

/// `wasm-opt -Oz` in place.
pub fn optimize(wasm: &Path) -> Result<(), String> {
    let opt = wasm_opt()?;
    run(Command::new(opt)
        .arg("-Oz")
        .arg("--enable-bulk-memory")
        .arg("--enable-nontrapping-float-to-int")
        .arg("--enable-sign-ext")
        .arg("--enable-mutable-globals")
        .arg("--enable-reference-types")
        .arg("--enable-multivalue")
        .arg(wasm)
        .arg("-o")
        .arg(wasm))
}

/// Raw and gzip (level 9) sizes of a file.
pub fn sizes(file: &Path) -> Result<(u64, u64), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bytes).map_err(|e| e.to_string())?;
    let compressed = gz.finish().map_err(|e| e.to_string())?;
    Ok((bytes.len() as u64, compressed.len() as u64))
}
