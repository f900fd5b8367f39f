//! Installing what the tests need on a fresh Debian machine, saying what is done.

use std::path::PathBuf;
use std::process::Command;

use crate::cmd::{output, run};
use crate::crates::root;

/// The version of `package` pinned in Cargo.lock.
pub fn locked_version(package: &str) -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    locked_in(&lock, package)
}

fn locked_in(lock: &str, package: &str) -> Result<String, String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == format!("name = \"{package}\"")
            && let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_owned());
        }
    }
    Err(format!("{package} is not in Cargo.lock"))
}

/// The library crates ask for `wasm-bindgen` by a range; the xtask post-processes their wasm with
/// `wasm-bindgen-cli-support`, which must be exactly the `wasm-bindgen` of Cargo.lock (the
/// schema the macros embed must match the CLI's). Says what to change when they drift.
pub fn check_wasm_bindgen_pin() -> Result<(), String> {
    let read = |path: &str| std::fs::read_to_string(root().join(path)).map_err(|e| format!("{path}: {e}"));
    wasm_bindgen_pin_matches(&read("Cargo.lock")?, &read("xtask/Cargo.toml")?)
}

fn wasm_bindgen_pin_matches(lock: &str, xtask_manifest: &str) -> Result<(), String> {
    let library = locked_in(lock, "wasm-bindgen")?;
    let locked_cli = locked_in(lock, "wasm-bindgen-cli-support")?;
    let required = xtask_manifest
        .lines()
        .find_map(|l| l.strip_prefix("wasm-bindgen-cli-support = \"="))
        .map(|v| v.trim_end_matches('"').to_owned())
        .ok_or("xtask/Cargo.toml: no exact `wasm-bindgen-cli-support = \"=…\"` line")?;
    if library == required && library == locked_cli {
        return Ok(());
    }
    Err(format!(
        "Cargo.lock has wasm-bindgen {library}, but xtask/Cargo.toml pins wasm-bindgen-cli-support \
         ={required} (locked: {locked_cli}). They must be the same version: set \
         `wasm-bindgen-cli-support = \"={library}\"` in xtask/Cargo.toml, or move the lockfile with \
         `cargo update -p wasm-bindgen --precise {required}`."
    ))
}

/// What the browser tests need, found or installed.
#[derive(Debug, Default)]
pub struct Setup {
    chromedriver: Option<PathBuf>,
}

impl Setup {
    pub fn ensure_all(&mut self) -> Result<(), String> {
        check_wasm_bindgen_pin()?;
        ensure_wasm_target()?;
        ensure_wasm_bindgen_cli()?;
        self.chromedriver = Some(ensure_chromium()?);
        Ok(())
    }

    pub fn chromedriver(&self) -> PathBuf {
        self.chromedriver.clone().unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"))
    }

    /// `PATH` with cargo's bin directory first, where `wasm-bindgen-test-runner` is installed.
    pub fn path_with_tools(&self) -> String {
        path_with_cargo_bin()
    }
}

/// `PATH` with cargo's bin directory (where `wasm-bindgen-cli` is installed) first.
pub fn path_with_cargo_bin() -> String {
    let path = std::env::var("PATH").unwrap_or_default();
    format!("{}:{path}", cargo_bin().display())
}

fn cargo_bin() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

pub fn ensure_wasm_target() -> Result<(), String> {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    eprintln!("installing the wasm32-unknown-unknown target (rustup target add)");
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// `wasm-bindgen-cli` of Cargo.lock's version (`wasm-bindgen`, `wasm-bindgen-test-runner`) in
/// cargo's bin directory.
pub fn ensure_wasm_bindgen_cli() -> Result<(), String> {
    let version = locked_version("wasm-bindgen")?;
    let runner = cargo_bin().join("wasm-bindgen-test-runner");
    let found = output(Command::new(&runner).arg("--version")).unwrap_or_default();
    if found.split_whitespace().any(|w| w == version) {
        return Ok(());
    }
    eprintln!("installing wasm-bindgen-cli {version} (the version in Cargo.lock; takes ~2 minutes)");
    // `--locked` fails against this registry; the version is pinned exactly instead.
    run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &version, "--force"]))
}

pub fn ensure_chromium() -> Result<PathBuf, String> {
    let driver = PathBuf::from("/usr/bin/chromedriver");
    let browser = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .iter()
        .any(|p| std::path::Path::new(p).exists());
    if driver.exists() && browser {
        return Ok(driver);
    }
    let root = output(Command::new("id").arg("-u")).is_some_and(|id| id.trim() == "0");
    if !root {
        return Err(
            "Chromium and ChromeDriver are missing: run `sudo apt-get install -y chromium chromium-driver`"
                .into(),
        );
    }
    eprintln!("installing Chromium and ChromeDriver (apt-get install -y chromium chromium-driver)");
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "chromium", "chromium-driver"])
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    Ok(driver)
}

/// What a Dioxus desktop build needs on Linux: webkit2gtk 4.1 and libxdo (their `-dev`
/// packages), installed with apt when missing and run as root.
pub fn ensure_webkit2gtk() -> Result<(), String> {
    if !cfg!(target_os = "linux") {
        return Ok(());
    }
    let packages = ["libwebkit2gtk-4.1-dev", "libxdo-dev"];
    let installed = |cmd: &mut Command| cmd.output().is_ok_and(|o| o.status.success());
    // Debian's packages; without dpkg (another distribution), webkit2gtk found by pkg-config.
    let present = if std::path::Path::new("/usr/bin/dpkg").exists() {
        installed(Command::new("dpkg").arg("-s").args(packages))
    } else {
        installed(Command::new("pkg-config").args(["--exists", "webkit2gtk-4.1"]))
    };
    if present {
        return Ok(());
    }
    let root = output(Command::new("id").arg("-u")).is_some_and(|id| id.trim() == "0");
    if !root {
        return Err(format!("webkit2gtk is missing: run `sudo apt-get install -y {}`", packages.join(" ")));
    }
    eprintln!("installing webkit2gtk (apt-get install -y --no-install-recommends {})", packages.join(" "));
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wasm_bindgen_cli_support_matches_the_lockfile() {
        assert_eq!(check_wasm_bindgen_pin(), Ok(()));
    }

    #[test]
    fn a_drifted_pin_is_reported_with_the_fix() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.131\"\n\n\
                    [[package]]\nname = \"wasm-bindgen-cli-support\"\nversion = \"0.2.130\"\n";
        let manifest = "[dependencies]\nwasm-bindgen-cli-support = \"=0.2.130\"\n";
        let err = wasm_bindgen_pin_matches(lock, manifest).err().unwrap_or_default();
        assert!(err.contains("Cargo.lock has wasm-bindgen 0.2.131"), "{err}");
        assert!(err.contains("`wasm-bindgen-cli-support = \"=0.2.131\"`"), "{err}");
        let manifest = "[dependencies]\nwasm-bindgen-cli-support = \"0.2\"\n";
        assert!(wasm_bindgen_pin_matches(lock, manifest).is_err(), "a range is not a pin");
    }
}
