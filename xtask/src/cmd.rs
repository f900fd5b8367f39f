//! Running commands: cargo, a command's status or output, and the named, timed steps every
//! command prints.

use std::process::Command;
use std::time::Instant;

/// The cargo that runs the xtask (or `cargo` from `PATH`).
pub fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// `cmd` with `-p package` for each of `packages`.
pub fn with_packages<'a>(mut cmd: Command, packages: impl IntoIterator<Item = &'a str>) -> Command {
    for p in packages {
        cmd.args(["-p", p]);
    }
    cmd
}

/// Runs a command, turning a failure into the command's description.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    let status = cmd.status().map_err(|e| format!("could not start {shown}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{shown} exited with {status}")) }
}

/// What a command printed, if it succeeded.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// One named stage of a command: runs, reports its duration, and names itself on failure.
pub fn stage(name: &str, f: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    eprintln!("\n==> {name}");
    let start = Instant::now();
    f().map_err(|e| format!("stage `{name}`: {e}"))?;
    eprintln!("<== {name}: ok ({:.1}s)", start.elapsed().as_secs_f64());
    Ok(())
}

/// A step within a stage: times it and prints it.
pub fn timed<T>(what: &str, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    eprintln!("  {what} …");
    let start = Instant::now();
    let out = f()?;
    eprintln!("  {what}: {:.1}s", start.elapsed().as_secs_f64());
    Ok(out)
}
