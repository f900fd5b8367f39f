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
//! - `size [--adapters [yew|dioxus|leptos]…]`: what the core adds to a wasm app (wasm-bindgen +
//!   `wasm-opt -Oz`, gzip); `--adapters`: per framework, its minimal app without and with the
//!   adapter, the added bytes and the adapter's own share (added minus the core's addition).
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
mod cmd;
mod crates;
mod examples;
mod real_nango;
mod robustness;
mod setup;
mod size;
mod starters;
mod test;
mod wasm;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = args.get(1..).unwrap_or_default();
    let result = match args.first().map(String::as_str) {
        Some("test") => test::test(),
        Some("examples") => examples::examples(rest),
        Some("size") => size::size(rest),
        Some("starters") => starters::starters(rest),
        Some("bench") => bench::bench(),
        Some("robustness") => robustness::robustness(args.get(1).map(String::as_str).unwrap_or("100000")),
        Some("real-nango") if args.get(1).map(String::as_str) == Some("record") => real_nango::record(),
        _ => {
            eprintln!(
                "usage: cargo xtask <examples [--build-only] [--wasm-opt] [--desktop] [--nango-host URL] [--connect-ui-url URL] \
                 [--api-port N] [--connect-ui-port N] [--secret-key KEY] [--public-key UUID] | test | size [--adapters [yew|dioxus|leptos]…] | starters [yew-trunk] [dioxus-cli] | bench | robustness [CASES] | real-nango record>"
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
