//! `cargo xtask <command>`: every chore of the project (matklad's cargo-xtask pattern).
//!
//! - `examples`: build the demos and the Connect UI (wasm32, release, wasm-bindgen) and serve them
//!   with the local dev server; `--nango-host URL` (+ `NANGO_SECRET_KEY`) uses a real Nango instead.
//!   `--desktop` builds the Dioxus desktop example instead (installs webkit2gtk with apt if
//!   missing); not part of `test`.
//! - `test`: set up what is missing (wasm target, wasm-bindgen-test-runner, Chromium), then
//!   fmt, clippy (native and wasm32), docs, `cargo publish --workspace --dry-run`, the wasm apps,
//!   native tests (with the end-to-end suite), browser tests. A failure names its stage.
//! - `starters`: install Trunk and the Dioxus CLI (cached under `target/tools`) and build the
//!   starters `examples/yew-trunk` and `examples/dioxus-cli` with them, offline (a local
//!   `wasm-bindgen`); a tool that fails is reported and the starter built by the xtask instead.
//!   Not part of `test` (the tools take over half an hour to compile on a fresh machine).
//! - `size`: what the core adds to a wasm app (wasm-bindgen + `wasm-opt -Oz`, gzip).
//! - `bench [--skip-size] [--skip-load] [--cycles N] [--only yew|dioxus|leptos]`: sizes, event
//!   latency, open cost and leaks beside the official JS SDK in headless Chromium (prints;
//!   `docs/benchmarks.md` has a run); `--only` keeps one framework's rows.
//! - `robustness [CASES]`: the property tests with many cases (default 100,000).
//! - `real-nango record`: records what a real Nango answers into
//!   `dev-server/tests/fixtures/real-nango/` (`dev-server/tests/real-nango/record.mjs`, with
//!   node); the real server comes from the developer's boot script and Nango mirror
//!   (`NANGO_BOOT`, `NANGO_MIRROR`, `NANGO_ROOT`), never from the repository. `test` replays the
//!   fixture against the dev server (no real server needed).

mod bench;
mod examples;
mod setup;
mod size;
mod starters;
mod wasm;

use std::process::{Command, ExitCode};
use std::time::Instant;

use setup::{Setup, run};

/// The crates that build for wasm32 (the dev server and the xtask cannot).
const WASM_CRATES: &[&str] = &[
    "nango-frontend",
    "nango-yew",
    "nango-dioxus",
    "nango-leptos",
    "yew-demo",
    "dioxus-demo",
    "leptos-demo",
    "yew-trunk-starter",
    "dioxus-cli-starter",
    "nango-connect-ui",
    "size-probe",
    "latency-probe",
];
/// The crates with browser tests (wasm-bindgen-test in headless Chromium).
const BROWSER_TESTED: &[&str] =
    &["nango-frontend", "nango-yew", "nango-dioxus", "nango-leptos", "nango-connect-ui"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("examples") => examples::examples(args.get(1..).unwrap_or_default()),
        Some("size") => size::size(),
        Some("starters") => starters::starters(args.get(1..).unwrap_or_default()),
        Some("bench") => bench::bench(),
        Some("robustness") => robustness(args.get(1).map(String::as_str).unwrap_or("100000")),
        Some("real-nango") if args.get(1).map(String::as_str) == Some("record") => record_real_nango(),
        _ => {
            eprintln!(
                "usage: cargo xtask <examples [--build-only] [--wasm-opt] [--desktop] [--nango-host URL] [--connect-ui-url URL] \
                 [--api-port N] [--connect-ui-port N] [--secret-key KEY] [--public-key UUID] | test | size | starters [yew-trunk] [dioxus-cli] | bench | robustness [CASES] | real-nango record>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One named step: runs, reports its duration, and names itself on failure.
fn stage(name: &str, f: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    eprintln!("\n==> {name}");
    let start = Instant::now();
    f().map_err(|e| format!("stage `{name}`: {e}"))?;
    eprintln!("<== {name}: ok ({:.1}s)", start.elapsed().as_secs_f64());
    Ok(())
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn with_packages(mut cmd: Command, packages: &[&str]) -> Command {
    for p in packages {
        cmd.args(["-p", p]);
    }
    cmd
}

fn test() -> Result<(), String> {
    let total = Instant::now();
    let mut setup = Setup::default();
    stage("setup: wasm target, wasm-bindgen-test-runner, Chromium", || setup.ensure_all())?;
    stage("fmt", || run(cargo().args(["fmt", "--all", "--check"])))?;
    stage("clippy (native)", || {
        run(cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))
    })?;
    stage("clippy (wasm32)", || {
        let mut cmd = cargo();
        cmd.args(["clippy", "--target", "wasm32-unknown-unknown", "--all-targets"]);
        let mut cmd = with_packages(cmd, WASM_CRATES);
        cmd.args(["--", "-D", "warnings"]);
        run(&mut cmd)
    })?;
    stage("docs", || {
        run(cargo().args(["doc", "--workspace", "--no-deps"]).env("RUSTDOCFLAGS", "-D warnings"))
    })?;
    stage("publish dry-run (package and build the crates for crates.io)", publish_dry_run)?;
    stage("build the demos and the Connect UI (wasm32, release)", || examples::build(false))?;
    stage("replay real Nango's recorded answers against the dev server", || {
        run(cargo().args(["test", "-p", "nango-dev-server", "--test", "real_nango_replay"]))
    })?;
    stage("native tests (incl. the end-to-end suite in headless Chromium)", || {
        run(cargo().args(["test", "--workspace"]).env("CHROMEDRIVER", setup.chromedriver()))
    })?;
    stage("browser tests (headless Chromium)", || {
        let mut cmd = cargo();
        cmd.args(["test", "--target", "wasm32-unknown-unknown"]);
        let mut cmd = with_packages(cmd, BROWSER_TESTED);
        cmd.env("CHROMEDRIVER", setup.chromedriver()).env("PATH", setup.path_with_tools());
        run(&mut cmd)
    })?;
    eprintln!("\nxtask test: all stages passed in {:.0}s", total.elapsed().as_secs_f64());
    Ok(())
}

/// `cargo publish --workspace --dry-run`: packages every crate not marked `publish = false`
/// (the core, both adapters, the dev server), with unpublished siblings resolved from the local
/// packages, and builds each package as crates.io would get it. Uploads nothing. Without debug
/// info: the packages are built alone (their own features), so little is shared with the other
/// stages anyway, and this spends ~15% less CPU (first run on 2 busy cores: 6.5 minutes; later
/// runs about 20 seconds: only the four crates are rebuilt).
fn publish_dry_run() -> Result<(), String> {
    run(cargo()
        .args(["publish", "--workspace", "--dry-run", "--allow-dirty"])
        .env("CARGO_PROFILE_DEV_DEBUG", "0"))
}

/// `cargo xtask real-nango record`: runs the recorder with node; it boots the real server with
/// the developer's `NANGO_BOOT` script (see `dev-server/README.md`).
fn record_real_nango() -> Result<(), String> {
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../dev-server/tests/real-nango/record.mjs");
    for var in ["NANGO_MIRROR", "NANGO_ROOT"] {
        if std::env::var_os(var).is_none() && std::env::var_os("NANGO_URL").is_none() {
            return Err(format!(
                "set {var} (and NANGO_BOOT to the real-nango boot script), or NANGO_URL + NANGO_SECRET_KEY + NANGO_PUBLIC_KEY for a running server"
            ));
        }
    }
    stage("record real Nango's answers", || run(Command::new("node").arg(script)))
}

fn robustness(cases: &str) -> Result<(), String> {
    stage(&format!("property tests, {cases} cases each"), || {
        run(cargo()
            .args(["test", "--release", "-p", "nango-frontend", "--test", "robustness"])
            .env("PROPTEST_CASES", cases))
    })
}
