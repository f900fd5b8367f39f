//! The `nango-cli-demo` binary against the dev server: an OAuth flow through `--open-with`
//! (the test browser approving or denying), an API-key flow, and the exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::process::Output;

use nango_dev_server::{DevServerConfig, RunningServer};

const CLI: &str = env!("CARGO_BIN_EXE_nango-cli-demo");
const BROWSER: &str = env!("CARGO_BIN_EXE_fake-browser");

async fn cli(server: &RunningServer, args: &[&str]) -> Output {
    let api = server.api_url();
    let session = format!("{api}/demo/session");
    let mut command = tokio::process::Command::new(CLI);
    command.args(["--host", &api, "--session-url", &session]).args(args);
    tokio::time::timeout(std::time::Duration::from_secs(60), command.output()).await.unwrap().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[tokio::test]
async fn oauth_approve_prints_the_connection_and_deny_fails_with_code_1() {
    let server = nango_dev_server::start(DevServerConfig::for_tests()).await.unwrap();
    let approve = format!("{BROWSER} approve");
    let output = cli(&server, &["--open-with", &approve, "auth", "github-dev"]).await;
    let line = stdout(&output);
    assert!(output.status.success(), "{output:?}");
    let id = line.strip_prefix("connected ").unwrap_or_else(|| panic!("{line:?}"));
    assert!(
        server.connections().iter().any(|c| c.connection_id == id && c.provider_config_key == "github-dev")
    );

    let deny = format!("{BROWSER} deny");
    let output = cli(&server, &["--open-with", &deny, "auth", "github-dev"]).await;
    assert_eq!(stdout(&output), "failed callback_err", "{output:?}");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(server.connections().len(), 1);
}

#[tokio::test]
async fn api_key_connects_a_wrong_key_fails_and_bad_usage_is_code_2() {
    let server = nango_dev_server::start(DevServerConfig::for_tests()).await.unwrap();
    let output = cli(&server, &["api-key", "api-key-dev", "dev-key-ok"]).await;
    assert!(output.status.success(), "{output:?}");
    let line = stdout(&output);
    let id = line.strip_prefix("connected ").unwrap_or_else(|| panic!("{line:?}"));
    assert!(
        server.connections().iter().any(|c| c.connection_id == id && c.provider_config_key == "api-key-dev")
    );

    let output = cli(&server, &["api-key", "api-key-dev", "wrong"]).await;
    assert_eq!(stdout(&output), "failed connection_test_failed", "{output:?}");
    assert_eq!(output.status.code(), Some(1));

    let output = cli(&server, &["api-key", "no-such-integration", "k"]).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(stdout(&output).starts_with("failed "), "{output:?}");

    let output = cli(&server, &["auth"]).await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage:"));
}

#[tokio::test]
async fn an_unreachable_session_url_is_a_network_error() {
    let server = nango_dev_server::start(DevServerConfig::for_tests()).await.unwrap();
    let api = server.api_url();
    let output = tokio::process::Command::new(CLI)
        .args(["--host", &api, "--session-url", "http://127.0.0.1:1/none", "api-key", "api-key-dev", "k"])
        .output()
        .await
        .unwrap();
    assert_eq!(stdout(&output), "failed network_error", "{output:?}");
    assert_eq!(output.status.code(), Some(1));
}

#[tokio::test]
async fn a_user_who_never_finishes_is_a_timeout_with_code_1() {
    let server = nango_dev_server::start(DevServerConfig::for_tests()).await.unwrap();
    // `true` stands for a browser the user then ignores.
    let started = std::time::Instant::now();
    let output = cli(&server, &["--open-with", "true", "--timeout", "1", "auth", "github-dev"]).await;
    assert_eq!(stdout(&output), "failed timeout", "{output:?}");
    assert_eq!(output.status.code(), Some(1));
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "{:?}", started.elapsed());
    assert!(server.connections().is_empty());
}
