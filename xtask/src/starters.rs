//! `cargo xtask starters`: the starters built by their own tools, as their users build them.
//!
//! - `examples/yew-trunk`: `trunk build --release` (Trunk 0.21.14, `cargo install`ed under
//!   `target/tools/trunk`). Trunk takes a `wasm-bindgen` from `PATH` when its `--version` is the
//!   lockfile's; `--offline` makes it fail instead of downloading one.
//! - `examples/dioxus-cli`: `dx build --release --platform web` (dioxus-cli 0.7.10 under
//!   `target/tools/dx`). With `NO_DOWNLOADS=1`, dx takes `wasm-bindgen`, `wasm-opt` and `esbuild`
//!   from `PATH` instead of downloading them.
//!
//! The local `wasm-bindgen` is the CLI the test setup installs (the lockfile's version, in cargo's
//! bin directory); `wasm-opt` and `esbuild` come from npm under `target/tools`. Installs are
//! skipped when the binary answers `--version` with the pinned version. A tool that cannot be
//! installed or cannot build prints its error, and the same starter files are then built by the
//! xtask's own pipeline (cargo + the wasm-bindgen library) into `target/starters/<starter>`.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::cmd::{cargo, run};
use crate::crates::{root, target_dir};
use crate::{setup, wasm};

/// Trunk 0.22 needs a newer rustc than the workspace's toolchain may have.
const TRUNK_VERSION: &str = "0.21.14";
/// The Dioxus CLI matching the lockfile's `dioxus`.
const DX_VERSION: &str = "0.7.10";

/// One starter and the tool that builds it.
struct Starter {
    /// The directory under `examples/`.
    dir: &'static str,
    /// Its package name.
    package: &'static str,
    /// The crate installed with `cargo install`, its binary, and the pinned version.
    tool: (&'static str, &'static str, &'static str),
}

const STARTERS: &[Starter] = &[
    Starter { dir: "yew-trunk", package: "yew-trunk-starter", tool: ("trunk", "trunk", TRUNK_VERSION) },
    Starter { dir: "dioxus-cli", package: "dioxus-cli-starter", tool: ("dioxus-cli", "dx", DX_VERSION) },
];

/// Builds the starters named in `only` (directory names under `examples/`), or all of them.
pub fn starters(only: &[String]) -> Result<(), String> {
    let chosen: Vec<&Starter> =
        STARTERS.iter().filter(|s| only.is_empty() || only.iter().any(|o| o == s.dir)).collect();
    if chosen.len() < only.len().max(1) {
        let known: Vec<&str> = STARTERS.iter().map(|s| s.dir).collect();
        return Err(format!("unknown starter in {only:?}; the starters are {}", known.join(", ")));
    }
    let total = Instant::now();
    step("setup: wasm target, wasm-bindgen CLI (Cargo.lock's version), wasm-opt and esbuild", || {
        setup::check_wasm_bindgen_pin()?;
        setup::ensure_wasm_target()?;
        setup::ensure_wasm_bindgen_cli()?;
        wasm::wasm_opt()?;
        wasm::esbuild()?;
        Ok(())
    })?;
    let mut fallbacks = Vec::new();
    for starter in chosen {
        if let Err(error) = with_tool(starter) {
            eprintln!(
                "\n{} could not build examples/{} ({error}).\nFalling back: the same files built by the \
                 xtask's pipeline (cargo build + the wasm-bindgen library).",
                starter.tool.1, starter.dir
            );
            step(&format!("{}: fallback build (cargo + wasm-bindgen library)", starter.dir), || {
                fallback(starter)
            })?;
            fallbacks.push(starter.dir);
        }
    }
    eprintln!("\nxtask starters: done in {:.0}s", total.elapsed().as_secs_f64());
    if !fallbacks.is_empty() {
        eprintln!("built by the xtask's pipeline instead of their tool: {}", fallbacks.join(", "));
    }
    Ok(())
}

/// Installs the starter's tool (cached) and builds the starter with it.
fn with_tool(starter: &Starter) -> Result<(), String> {
    let (krate, bin, version) = starter.tool;
    let tool = step(&format!("{bin}: install {krate} {version} (cached under target/tools/{bin})"), || {
        install(krate, bin, version)
    })?;
    let dir = root().join("examples").join(starter.dir);
    let mut cmd = Command::new(&tool);
    cmd.current_dir(&dir).env("PATH", path_with_tools());
    match bin {
        "trunk" => {
            let dist = out_dir(starter);
            cmd.args(["build", "--release", "--offline", "--dist"]).arg(&dist);
        }
        _ => {
            cmd.args(["build", "--release", "--platform", "web"])
                .env("NO_DOWNLOADS", "1")
                .env("DX_TELEMETRY_ENABLED", "false");
        }
    }
    step(&format!("{}: {bin} build --release", starter.dir), || run_keeping_tail(&mut cmd))
}

/// `cargo install KRATE --version VERSION --locked --root target/tools/BIN`, unless the binary is
/// there and says it is that version. Returns the binary.
fn install(krate: &str, bin: &str, version: &str) -> Result<PathBuf, String> {
    let tool_root = target_dir().join("tools").join(bin);
    let binary = tool_root.join("bin").join(bin);
    let found = Command::new(&binary)
        .arg("--version")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default();
    if found.split_whitespace().any(|word| word == version) {
        eprintln!("  {bin} {version} is already installed");
        return Ok(binary);
    }
    eprintln!("  installing {krate} {version} from crates.io (several minutes: it is compiled here)");
    run(cargo().args(["install", krate, "--version", version, "--locked", "--root"]).arg(&tool_root))?;
    Ok(binary)
}

/// `PATH` with the local `wasm-bindgen` (cargo's bin directory) and npm's `wasm-opt` and
/// `esbuild` first.
fn path_with_tools() -> String {
    let npm_bin = target_dir().join("tools/node_modules/.bin");
    format!("{}:{}", npm_bin.display(), setup::path_with_cargo_bin())
}

/// Where the fallback (and Trunk's `--dist`) writes a starter.
fn out_dir(starter: &Starter) -> PathBuf {
    target_dir().join("starters").join(starter.dir)
}

/// Runs `cmd`, its output shown as it comes; on failure the error holds the last lines of its
/// output (the tool's own error message).
fn run_keeping_tail(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    let mut child = cmd
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    let mut tail = Vec::new();
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("{line}");
            tail.push(line);
            if tail.len() > 12 {
                tail.remove(0);
            }
        }
    }
    let status = child.wait().map_err(|e| format!("{shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} exited with {status}; its last output:\n{}", tail.join("\n")))
    }
}

/// Builds the starter's crate with cargo and the wasm-bindgen library, and writes an
/// `index.html` loading it, into `target/starters/<starter>`.
fn fallback(starter: &Starter) -> Result<(), String> {
    let wasm_file = wasm::cargo_build(starter.package, &[])?;
    let out = out_dir(starter);
    wasm::bindgen(&wasm_file, &out, "app")?;
    let dir = root().join("examples").join(starter.dir);
    let html = match starter.tool.1 {
        "trunk" => trunk_html_without_trunk(&read(&dir.join("index.html"))?),
        _ => dioxus_html(&read(&dir.join("Dioxus.toml"))?),
    };
    let index = out.join("index.html");
    std::fs::write(&index, html).map_err(|e| format!("{}: {e}", index.display()))?;
    eprintln!("  wrote {}", out.display());
    Ok(())
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

const LOADER: &str = "<script type=\"module\">import init from './app.js'; init();</script>";

/// Trunk's `index.html` with its `data-trunk` Rust link replaced by the module loading `app.js`.
fn trunk_html_without_trunk(html: &str) -> String {
    html.lines()
        .map(|line| if line.contains("data-trunk") { format!("    {LOADER}") } else { line.to_owned() })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The page dx generates, reduced: the title of `Dioxus.toml` and the `#main` root Dioxus
/// renders into.
fn dioxus_html(dioxus_toml: &str) -> String {
    let title = dioxus_toml
        .lines()
        .find_map(|l| l.trim().strip_prefix("title = \""))
        .map(|t| t.trim_end_matches('"').to_owned())
        .unwrap_or_else(|| "Dioxus app".to_owned());
    format!(
        "<!doctype html>\n<html lang=\"en\">\n  <head>\n    <meta charset=\"utf-8\">\n    \
         <title>{title}</title>\n  </head>\n  <body>\n    <div id=\"main\"></div>\n    {LOADER}\n  \
         </body>\n</html>\n"
    )
}

/// A named step with its duration.
fn step<T>(name: &str, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    eprintln!("\n==> {name}");
    let start = Instant::now();
    let result = f();
    let secs = start.elapsed().as_secs_f64();
    match &result {
        Ok(_) => eprintln!("<== {name}: ok ({secs:.1}s)"),
        Err(_) => eprintln!("<== {name}: FAILED ({secs:.1}s)"),
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fallback_pages_load_the_app_module() {
        let html = trunk_html_without_trunk(
            "<head>\n    <link data-trunk rel=\"rust\" data-wasm-opt=\"0\" />\n</head>",
        );
        assert_eq!(html, format!("<head>\n    {LOADER}\n</head>"));
        let html = dioxus_html("[web.app]\ntitle = \"Hello\"\n");
        assert!(html.contains("<title>Hello</title>") && html.contains("id=\"main\""), "{html}");
    }
}
