//! `cargo xtask real-nango record`: records what a real Nango answers (see `dev-server/README.md`).

use std::process::Command;

use crate::cmd::{run, stage};

/// `cargo xtask real-nango record`: runs the recorder with node; it boots the real server with
/// the developer's `NANGO_BOOT` script (see `dev-server/README.md`).
pub fn record() -> Result<(), String> {
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
