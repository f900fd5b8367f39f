//! 5. The dev server's load example.

use std::process::Stdio;

use super::Report;
use crate::cmd::{cargo, timed};

pub(super) fn load_rows(report: &mut Report) -> Result<(), String> {
    let output = timed("dev server load example (1,000 flows)", || {
        cargo()
            .args(["run", "-p", "nango-dev-server", "--release", "--example", "load", "--", "1000"])
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| e.to_string())
    })?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!("the load example failed: {text}"));
    }
    let field = |key: &str| {
        text.lines().find_map(|l| l.strip_prefix(key)).map(|v| v.trim_start_matches(':').trim().to_owned())
    };
    let figures: Vec<String> =
        ["completed", "lost", "wall time", "latency p50", "latency p99", "peak memory"]
            .iter()
            .filter_map(|k| field(k).map(|v| format!("{k}: {v}")))
            .collect();
    let throughput = text.lines().find(|l| l.contains("/s")).map(str::trim).unwrap_or_default().to_owned();
    report.row(
        "dev server: 1,000 concurrent OAuth flows (load example)",
        figures.join("; "),
        "–",
        "–",
        format!("{throughput}; `cargo run -p nango-dev-server --release --example load -- 1000`; no JS counterpart"),
    );
    Ok(())
}
