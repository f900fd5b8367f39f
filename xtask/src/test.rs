//! `cargo xtask test`: the README's test command and what CI runs. It sets up what a fresh
//! machine lacks, then runs every stage in order and names the one that fails.

use std::time::Instant;

use crate::cmd::{cargo, run, stage, with_packages};
use crate::setup::Setup;
use crate::{crates, examples};

pub fn test() -> Result<(), String> {
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
        let mut cmd = with_packages(cmd, crates::wasm());
        // The fullstack example's browser build (checking only: unified features are fine here).
        cmd.args(["--features", "leptos-ssr/hydrate", "--", "-D", "warnings"]);
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
        let mut cmd = with_packages(cmd, crates::browser_tested());
        cmd.env("CHROMEDRIVER", setup.chromedriver()).env("PATH", setup.path_with_tools());
        run(&mut cmd)
    })?;
    eprintln!("\nxtask test: all stages passed in {:.0}s", total.elapsed().as_secs_f64());
    Ok(())
}

/// `cargo publish --workspace --dry-run`: packages every crate not marked `publish = false`
/// (the core, the three adapters, the dev server, the backend client), with unpublished siblings resolved from the local
/// packages, and builds each package as crates.io would get it. Uploads nothing. Without debug
/// info: the packages are built alone (their own features), so little is shared with the other
/// stages anyway, and this spends ~15% less CPU (first run on 2 busy cores: 6.5 minutes; later
/// runs about 20 seconds: only the four crates are rebuilt).
///
/// The verification builds each crate's siblings from a local registry copy, and cargo takes a
/// registry crate of a given version as immutable: a copy built by an earlier run of the same
/// version would be reused, stale (an adapter then fails against the core it was packaged
/// with). So the packages build in a target directory of their own, whose artifacts of the
/// project's crates (`nango-*`) are removed first; their dependencies stay cached.
fn publish_dry_run() -> Result<(), String> {
    let dir = crates::target_dir().join("publish");
    for sub in ["debug/.fingerprint", "debug/deps", "debug/build"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if ["nango-", "nango_", "libnango_"].iter().any(|p| name.starts_with(p)) {
                let path = entry.path();
                let _ =
                    if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
            }
        }
    }
    run(cargo()
        .args(["publish", "--workspace", "--dry-run", "--allow-dirty"])
        .env("CARGO_TARGET_DIR", &dir)
        .env("CARGO_PROFILE_DEV_DEBUG", "0"))
}
