//! `cargo xtask …` (the alias in `.cargo/config.toml`) runs this tiny binary first. The first
//! time, it says that the xtask is being built and roughly how long that takes, and lets cargo
//! show its progress; afterwards it runs the xtask quietly.

use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // The xtask's binary sits beside this one (same target directory and profile).
    let built = std::env::current_exe()
        .map(|exe| exe.with_file_name(format!("xtask{}", std::env::consts::EXE_SUFFIX)).exists())
        .unwrap_or(false);
    let mut cmd = Command::new(cargo);
    cmd.args(["run", "--package", "xtask"]);
    if built {
        cmd.arg("--quiet");
    } else {
        eprintln!(
            "cargo xtask: first run: building the xtask and its ~200 crates (the dev server, a \
             WebDriver client, wasm-bindgen's CLI support). This takes 3 to 10 minutes on 2 cores \
             (9 on a busy one); later runs start at once."
        );
    }
    cmd.arg("--").args(std::env::args_os().skip(1));
    match cmd.status() {
        Ok(status) => {
            status.code().and_then(|c| u8::try_from(c).ok()).map_or(ExitCode::FAILURE, ExitCode::from)
        }
        Err(err) => {
            eprintln!("cargo xtask: cannot run cargo: {err}");
            ExitCode::FAILURE
        }
    }
}
