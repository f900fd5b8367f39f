//! The one table of the workspace crates the xtask builds, checks, tests or serves: every command
//! reads it (clippy's wasm32 list, the browser tests, the apps the examples build and serve, the
//! starters and the bench's demo rows).

use std::path::PathBuf;

/// How `cargo xtask examples` builds and serves a crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serve {
    /// Not an app the dev server serves.
    No,
    /// A demo page, served under this path of the API port, with the name the examples print.
    At(&'static str, &'static str),
    /// The Connect UI, served on its own port.
    ConnectUi,
    /// A fullstack app: a native server (`ssr`) and its page's wasm (`hydrate`), a build of its
    /// own (its Leptos features differ from the client-side demos'), whose wasm-bindgen output
    /// goes to `target/dist/{package}/pkg`.
    Hydrated,
}

/// A workspace crate, as the xtask sees it.
#[derive(Debug)]
pub struct Crate {
    /// Its package name.
    pub package: &'static str,
    /// Its directory, from the workspace root.
    pub dir: &'static str,
    /// It builds for wasm32 (the server crates and the xtask cannot).
    pub wasm: bool,
    /// It has browser tests (wasm-bindgen-test in headless Chromium).
    pub browser_tested: bool,
    /// How the examples serve it.
    pub serve: Serve,
}

const fn krate(package: &'static str, dir: &'static str, browser_tested: bool, serve: Serve) -> Crate {
    Crate { package, dir, wasm: true, browser_tested, serve }
}

/// Every crate the xtask works on.
pub const CRATES: &[Crate] = &[
    krate("nango-frontend", "core", true, Serve::No),
    krate("nango-yew", "adapters/yew", true, Serve::No),
    krate("nango-dioxus", "adapters/dioxus", true, Serve::No),
    krate("nango-leptos", "adapters/leptos", true, Serve::No),
    krate("yew-demo", "examples/yew-demo", false, Serve::At("/yew", "Yew demo")),
    krate("dioxus-demo", "examples/dioxus-demo", false, Serve::At("/dioxus", "Dioxus demo")),
    krate("leptos-demo", "examples/leptos-demo", false, Serve::At("/leptos", "Leptos demo")),
    krate("leptos-ssr", "examples/leptos-ssr", false, Serve::Hydrated),
    krate("yew-trunk-starter", "examples/yew-trunk", false, Serve::No),
    krate("dioxus-cli-starter", "examples/dioxus-cli", false, Serve::No),
    krate("nango-connect-ui", "connect-ui", true, Serve::ConnectUi),
    krate("size-probe", "bench/size-probe", false, Serve::No),
    krate("latency-probe", "bench/latency-probe", false, Serve::No),
];

/// The crates that build for wasm32.
pub fn wasm() -> impl Iterator<Item = &'static str> {
    CRATES.iter().filter(|c| c.wasm).map(|c| c.package)
}

/// The crates with browser tests.
pub fn browser_tested() -> impl Iterator<Item = &'static str> {
    CRATES.iter().filter(|c| c.browser_tested).map(|c| c.package)
}

/// The crates present in this checkout that the examples serve in `how`'s way (`None`: the
/// client-side apps, demos and Connect UI, built together).
pub fn served(how: Option<Serve>) -> impl Iterator<Item = &'static Crate> {
    CRATES
        .iter()
        .filter(move |c| match how {
            Some(how) => c.serve == how,
            None => matches!(c.serve, Serve::At(..) | Serve::ConnectUi),
        })
        .filter(|c| root().join(c.dir).join("Cargo.toml").exists())
}

/// The workspace root (the xtask lives one level below it).
pub fn root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(PathBuf::from).unwrap_or(here)
}

/// The target directory of the workspace.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

/// Where a built app goes.
pub fn dist(app: &Crate) -> PathBuf {
    target_dir().join("dist").join(app.package)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_crate_of_the_table_is_a_workspace_member_with_that_name() {
        let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap_or_default();
        for c in CRATES {
            assert!(manifest.contains(&format!("\"{}\"", c.dir)), "{} is not a workspace member", c.dir);
            let own = std::fs::read_to_string(root().join(c.dir).join("Cargo.toml")).unwrap_or_default();
            assert!(own.contains(&format!("name = \"{}\"", c.package)), "{} is not {}", c.dir, c.package);
        }
    }
}
