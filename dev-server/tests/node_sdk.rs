//! Nango's official Node SDK (`@nangohq/node` 0.71.10 from npm) as an app's backend against the
//! dev server: `tests/node/backend.mjs` mints a session, verifies the auth webhooks with the
//! SDK's own `verifyIncomingWebhookRequest`, lists, reads, sets metadata, reconnects and
//! deletes. The package is installed once under `target/tools` (as the xtask installs its npm
//! tools); without `node` or `npm` the test fails saying so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use nango_dev_server::DevServerConfig;
use serde_json::Value;

const SDK: &str = "@nangohq/node@0.71.10";
const SDK_VERSION: &str = "0.71.10";

/// `target/tools`, shared with the xtask's npm installs.
fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap_or(Path::new(".")).join("tools")
}

/// Installs the SDK under `target/tools` unless that exact version is there.
fn install_sdk(tools: &Path) -> Result<(), String> {
    let manifest = tools.join("node_modules/@nangohq/node/package.json");
    let installed = std::fs::read_to_string(&manifest)
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .is_some_and(|m| m["version"] == SDK_VERSION);
    if installed {
        return Ok(());
    }
    std::fs::create_dir_all(tools).map_err(|e| format!("cannot create {}: {e}", tools.display()))?;
    let out = Command::new("npm")
        .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
        .arg(tools)
        .arg(SDK)
        .output()
        .map_err(|e| format!("npm is needed to install {SDK} for this test, and could not run: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "npm install {SDK} failed (is the npm registry reachable?): {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_node_sdk_runs_a_backend_against_the_dev_server() {
    let tools = tools_dir();
    let install = {
        let tools = tools.clone();
        tokio::task::spawn_blocking(move || install_sdk(&tools)).await.unwrap()
    };
    if let Err(message) = install {
        panic!("{message}");
    }

    // The script's webhook port: free now, taken by node before the first webhook.
    let webhook_port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let t = common::start_with(DevServerConfig {
        webhook_url: Some(format!("http://127.0.0.1:{webhook_port}/webhooks/nango")),
        ..DevServerConfig::for_tests()
    })
    .await;
    // ES modules resolve packages from the script's directory upwards (not from NODE_PATH):
    // run a copy of the committed script beside the installed `node_modules`.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node/backend.mjs");
    let copy = tools.join("nango-dev-server-backend.mjs");
    std::fs::copy(&script, &copy).unwrap();
    let mut cmd = Command::new("node");
    cmd.arg(&copy)
        .env("NANGO_HOST", t.server.api_url())
        .env("NANGO_SECRET_KEY", t.server.secret_key())
        .env("NANGO_WEBHOOK_SIGNING_KEY", &t.server.config().webhook_signing_key)
        .env("WEBHOOK_PORT", webhook_port.to_string());
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("node is needed to run the Node SDK test, and could not run: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "backend.mjs failed ({}):\n{stdout}\n{stderr}", out.status);

    let steps: Vec<Value> = stdout.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let step = |name: &str| {
        steps
            .iter()
            .find(|s| s["step"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no {name} step in:\n{stdout}"))
    };
    let webhook = step("webhook");
    assert_eq!(webhook["verified"], true, "the SDK verified the signature");
    assert_eq!(webhook["tampered"], false, "the SDK refused a changed body");
    assert_eq!(webhook["operation"], "creation");
    assert_eq!(webhook["tags"]["end_user_id"], "user-123");
    assert_eq!(webhook["tags"]["organization_id"], "org-9");
    assert_eq!(step("list")["end_user"], "user-123");
    assert_eq!(step("get")["apiKey"], "dev-key-ok");
    assert_eq!(step("metadata")["metadata"], serde_json::json!({"plan": "pro", "seats": 5}));
    assert_eq!(step("catalog")["auth_mode"], "API_KEY");
    assert_eq!(step("reconnect")["operation"], "override");
    let deleted = step("delete");
    assert_eq!((deleted["success"].as_bool(), deleted["after"].as_u64()), (Some(true), Some(404)));
    assert_eq!(deleted["left"], 0);
    assert_eq!(step("done")["ok"], true);
    assert!(t.server.connections().is_empty(), "the SDK's delete reached the server");
}
