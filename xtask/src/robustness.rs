//! `cargo xtask robustness [CASES]`: the core's property tests with many cases.

use crate::cmd::{cargo, run, stage};

pub fn robustness(cases: &str) -> Result<(), String> {
    stage(&format!("property tests, {cases} cases each"), || {
        run(cargo()
            .args(["test", "--release", "-p", "nango-frontend", "--test", "robustness"])
            .env("PROPTEST_CASES", cases))
    })
}
