//! One scenario list, run against every demo (Yew, Dioxus, Leptos; the `Framework` parameter
//! picks the app), each scenario with its own dev server on free ports and its own headless
//! Chromium.
//!
//! The apps must be built (`cargo xtask examples --build-only`; `cargo xtask test` does it).
//! A failing scenario saves a screenshot under `target/e2e-artifacts/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::Duration;

use fantoccini::Locator;
use nango_dev_server::Faults;
use nango_e2e::{Browser, Error, Framework, Stack};

/// Runs `scenario` against `fw`; on failure saves a screenshot and panics with the cause.
async fn run<F>(name: &str, fw: Framework, scenario: F)
where
    F: AsyncFnOnce(&Stack, &Browser, Framework) -> Result<(), Error>,
{
    let stack = Stack::start().await.unwrap_or_else(|e| panic!("{name}: {e}"));
    let browser = Browser::start().await.unwrap_or_else(|e| panic!("{name}: {e}"));
    let outcome = async {
        browser.client.goto(&stack.demo_url(fw)).await.map_err(|e| e.to_string())?;
        browser.wait_for("#open-connect-ui").await?;
        scenario(&stack, &browser, fw).await
    }
    .await;
    if let Err(e) = outcome {
        let _ = browser.client.enter_parent_frame().await;
        let shot = browser.screenshot(&format!("{name}-{fw:?}")).await;
        browser.close().await;
        panic!("{name} ({fw:?}): {e}\nscreenshot: {shot:?}");
    }
    browser.close().await;
}

/// Opens the Connect UI from the demo and waits for `ready` in the event log.
async fn open_connect_ui(b: &Browser) -> Result<(), Error> {
    click(b, "#open-connect-ui").await?;
    b.wait_for("#event-log li[data-kind='ready']").await?;
    Ok(())
}

async fn click(b: &Browser, css: &str) -> Result<(), Error> {
    b.wait_for(css).await?.click().await.map_err(|e| format!("click {css}: {e}"))
}

async fn type_into(b: &Browser, css: &str, text: &str) -> Result<(), Error> {
    let input = b.wait_for(css).await?;
    input.clear().await.map_err(|e| e.to_string())?;
    input.send_keys(text).await.map_err(|e| format!("type into {css}: {e}"))
}

/// Enters the Connect UI iframe (leave with `leave_frame`).
async fn enter_connect_ui(b: &Browser) -> Result<(), Error> {
    let frame = b.wait_for("iframe#connect-ui").await?;
    frame.enter_frame().await.map_err(|e| format!("enter iframe: {e}"))?;
    b.wait_for("#connect-ui-dialog").await?;
    Ok(())
}

async fn leave_frame(b: &Browser) -> Result<(), Error> {
    b.client.enter_parent_frame().await.map_err(|e| e.to_string())
}

/// Closes the Connect UI with its own close button (the iframe covers the page).
async fn close_from_inside(b: &Browser) -> Result<(), Error> {
    let closes = count(b, "close").await?;
    enter_connect_ui(b).await?;
    click(b, "#close-button").await?;
    leave_frame(b).await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while count(b, "close").await? <= closes {
        if std::time::Instant::now() > deadline {
            return Err("no close event".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// The number of event log entries of `kind`.
async fn count(b: &Browser, kind: &str) -> Result<usize, Error> {
    let found = b.client.find_all(Locator::Css(&format!("#event-log li[data-kind='{kind}']"))).await;
    found.map(|v| v.len()).map_err(|e| e.to_string())
}

/// Connects an API-key integration through the Connect UI (inside the iframe).
async fn submit_api_key(b: &Browser, key: &str) -> Result<(), Error> {
    enter_connect_ui(b).await?;
    click(b, "[data-integration='api-key-dev']").await?;
    type_into(b, "#field-apiKey", key).await?;
    click(b, "#connect-button").await
}

// 1. Open → `ready`; the iframe's origin differs from the page's.
async fn opens_with_ready(_s: &Stack, b: &Browser, _fw: Framework) -> Result<(), Error> {
    open_connect_ui(b).await?;
    let origins = b
        .js("const f = document.getElementById('connect-ui'); return [location.origin, new URL(f.src).origin];")
        .await?;
    let (page, frame) = (origins[0].as_str().unwrap_or(""), origins[1].as_str().unwrap_or(""));
    if page == frame || frame.is_empty() {
        return Err(format!("the iframe's origin {frame:?} should differ from the page's {page:?}"));
    }
    b.wait_text("#connect-ui-state", "ready", |t| t == "ready").await?;
    Ok(())
}

// 2. Good API key → `connect` with the connection in the log and the list; close → `close`,
//    iframe gone, page scrolls again.
async fn api_key_connects_then_closes(s: &Stack, b: &Browser, _fw: Framework) -> Result<(), Error> {
    open_connect_ui(b).await?;
    submit_api_key(b, nango_dev_server::DEV_API_KEY).await?;
    b.wait_for("#success-screen").await?;
    leave_frame(b).await?;
    let connect = b.wait_for("#event-log li[data-kind='connect']").await?;
    let text = connect.text().await.map_err(|e| e.to_string())?;
    let stored = s.server.connections();
    let connection =
        stored.iter().find(|c| c.provider_config_key == "api-key-dev").ok_or("no connection stored")?;
    if !text.contains(&connection.connection_id) {
        return Err(format!("the connect event {text:?} lacks the id {}", connection.connection_id));
    }
    b.wait_for(&format!("#connections li[data-connection-id='{}']", connection.connection_id)).await?;
    enter_connect_ui(b).await?;
    click(b, "#finish-button").await?;
    leave_frame(b).await?;
    b.wait_for("#event-log li[data-kind='close']").await?;
    let state =
        b.js("return [!!document.getElementById('connect-ui'), document.body.style.overflow];").await?;
    if state[0] != true && state[1] != "hidden" {
        Ok(())
    } else {
        Err(format!("after close: iframe present / body overflow = {state}"))
    }
}

// 3. Bad key → `error` with `connection_test_failed`.
async fn bad_key_is_an_error(_s: &Stack, b: &Browser, _fw: Framework) -> Result<(), Error> {
    open_connect_ui(b).await?;
    submit_api_key(b, "wrong-key").await?;
    b.wait_for("#error-screen").await?;
    leave_frame(b).await?;
    b.wait_text("#event-log li[data-kind='error']", "connection_test_failed", |t| {
        t.contains("connection_test_failed")
    })
    .await?;
    Ok(())
}

/// Starts OAuth for `github-dev` inside the Connect UI and answers the fake provider.
async fn connect_ui_oauth(b: &Browser, button: &str) -> Result<(), Error> {
    let main = b.client.window().await.map_err(|e| e.to_string())?;
    open_connect_ui(b).await?;
    enter_connect_ui(b).await?;
    click(b, "[data-integration='github-dev']").await?;
    click(b, "#connect-button").await?;
    b.switch_to_new_window(&main).await?;
    click(b, button).await?;
    b.client.switch_to_window(main).await.map_err(|e| e.to_string())?;
    Ok(())
}

// 4a. OAuth through the Connect UI, Approve → `connect`.
async fn connect_ui_oauth_approve(_s: &Stack, b: &Browser, _fw: Framework) -> Result<(), Error> {
    connect_ui_oauth(b, "#approve").await?;
    b.wait_text("#event-log li[data-kind='connect']", "github-dev", |t| t.contains("github-dev")).await?;
    Ok(())
}

// 4b. Deny → `error`.
async fn connect_ui_oauth_deny(_s: &Stack, b: &Browser, _fw: Framework) -> Result<(), Error> {
    connect_ui_oauth(b, "#deny").await?;
    b.wait_for("#event-log li[data-kind='error']").await?;
    Ok(())
}

// 5a. Headless OAuth from the demo's button → connected.
async fn headless_oauth_connects(_s: &Stack, b: &Browser, _fw: Framework) -> Result<(), Error> {
    let main = b.client.window().await.map_err(|e| e.to_string())?;
    b.wait_text("#auth-state", "idle", |t| t == "idle").await?;
    click(b, "#oauth-button").await?;
    b.switch_to_new_window(&main).await?;
    click(b, "#approve").await?;
    b.client.switch_to_window(main).await.map_err(|e| e.to_string())?;
    b.wait_text("#auth-state", "connected", |t| t.starts_with("connected:")).await?;
    b.wait_for("#connections li[data-provider-config-key='github-dev']").await?;
    Ok(())
}

// 5b. The user closes the popup, detection on → `window_closed`.
async fn headless_oauth_window_closed(_s: &Stack, b: &Browser, _fw: Framework) -> Result<(), Error> {
    let main = b.client.window().await.map_err(|e| e.to_string())?;
    click(b, "#oauth-button").await?;
    b.switch_to_new_window(&main).await?;
    b.wait_for("#approve").await?;
    b.client.close_window().await.map_err(|e| e.to_string())?;
    b.client.switch_to_window(main).await.map_err(|e| e.to_string())?;
    b.wait_text("#auth-state", "failed:window_closed", |t| t == "failed:window_closed").await?;
    Ok(())
}

// 6. Expired session → the Connect UI says so; the next open fetches a new token.
async fn expired_session_refetches(s: &Stack, b: &Browser, _fw: Framework) -> Result<(), Error> {
    open_connect_ui(b).await?;
    close_from_inside(b).await?;
    s.clock.advance(Duration::from_secs(31 * 60));
    click(b, "#open-connect-ui").await?;
    enter_connect_ui(b).await?;
    b.wait_for("#session-expired").await?;
    leave_frame(b).await?;
    close_from_inside(b).await?;
    let readies = count(b, "ready").await?;
    click(b, "#open-connect-ui").await?;
    enter_connect_ui(b).await?;
    b.wait_for("[data-integration='api-key-dev']").await?;
    leave_frame(b).await?;
    if count(b, "ready").await? <= readies {
        return Err("no ready event after reopening".into());
    }
    Ok(())
}

// 6b. The session expired while the page stayed open: the headless OAuth run ends at once with
//     Nango's code and closes its popup (the session check of `docs/auth-lifecycle.md`, where a
//     real Nango only shows a JSON page in the popup); the next run has a fresh token and connects.
async fn expired_session_fails_fast(s: &Stack, b: &Browser, fw: Framework) -> Result<(), Error> {
    let main = b.client.window().await.map_err(|e| e.to_string())?;
    b.wait_text("#auth-state", "idle", |t| t == "idle").await?;
    // The run's token is fetched ahead when the page loads; then its session expires.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while s.server.memory_report().sessions.0 == 0 {
        if std::time::Instant::now() > deadline {
            return Err("the demo fetched no token ahead".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    s.clock.advance(Duration::from_secs(31 * 60));
    let started = std::time::Instant::now();
    click(b, "#oauth-button").await?;
    let expected = "failed:unknown_connect_session_token";
    typed_error_within(b, fw, "expired-session", started, expected).await?;
    let windows = b.client.windows().await.map_err(|e| e.to_string())?;
    if windows.len() != 1 {
        return Err(format!("the popup stayed open: {} windows", windows.len()));
    }
    click(b, "#oauth-button").await?;
    b.switch_to_new_window(&main).await?;
    click(b, "#approve").await?;
    b.client.switch_to_window(main).await.map_err(|e| e.to_string())?;
    b.wait_text("#auth-state", "connected", |t| t.starts_with("connected:")).await?;
    Ok(())
}

// 7. A Connect-UI-shaped message from another origin (or from the page itself) → no event.
async fn foreign_messages_are_ignored(_s: &Stack, b: &Browser, _fw: Framework) -> Result<(), Error> {
    open_connect_ui(b).await?;
    b.js(
        "window.postMessage({type: 'connect', payload: {providerConfigKey: 'evil', connectionId: 'x'}}, '*');
         const f = document.createElement('iframe'); f.sandbox = 'allow-scripts';
         f.srcdoc = \"<script>parent.postMessage({type:'connect',payload:{providerConfigKey:'evil',connectionId:'y'}}, '*')</script>\";
         document.body.append(f);",
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(800)).await;
    if count(b, "connect").await? != 0 {
        return Err("a foreign message produced a connect event".into());
    }
    Ok(())
}

// Faults (issue 14): the dev server misbehaves as a real Nango or network can; with default
// auth options each auth ends with a typed error in `#auth-state`, and the time it took is
// printed (run with `--nocapture` to see it).

/// Waits for `#auth-state` to read `expected` and prints how long it took since `started`.
async fn typed_error_within(
    b: &Browser,
    fw: Framework,
    what: &str,
    started: std::time::Instant,
    expected: &str,
) -> Result<Duration, Error> {
    b.wait_text("#auth-state", expected, |t| t == expected).await?;
    let took = started.elapsed();
    println!("fault scenario {what} ({fw:?}): {expected} after {:.2} s", took.as_secs_f64());
    Ok(took)
}

// F1. `/oauth/connect` answers Nango's JSON error page and nothing comes on the socket; the
//     user reads it and closes the popup → `window_closed`.
async fn fault_json_error_page_then_popup_closed(s: &Stack, b: &Browser, fw: Framework) -> Result<(), Error> {
    s.server.set_faults(Faults::none().oauth_connect_json_error());
    let main = b.client.window().await.map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    click(b, "#oauth-button").await?;
    b.switch_to_new_window(&main).await?;
    b.wait_text("body", "Nango's JSON error", |t| t.contains("unknown_connect_session_token")).await?;
    b.client.close_window().await.map_err(|e| e.to_string())?;
    b.client.switch_to_window(main).await.map_err(|e| e.to_string())?;
    typed_error_within(b, fw, "json-error-page", started, "failed:window_closed").await?;
    Ok(())
}

// F2. The socket drops while the user is on the provider's page → `network_error`.
async fn fault_socket_dropped_mid_flow(s: &Stack, b: &Browser, fw: Framework) -> Result<(), Error> {
    s.server.set_faults(Faults::none().drop_socket_mid_flow());
    let started = std::time::Instant::now();
    click(b, "#oauth-button").await?;
    typed_error_within(b, fw, "socket-dropped", started, "failed:network_error").await?;
    Ok(())
}

/// Submits the demo's API key form.
async fn submit_demo_api_key(b: &Browser) -> Result<std::time::Instant, Error> {
    type_into(b, "#api-key-input", nango_dev_server::DEV_API_KEY).await?;
    let started = std::time::Instant::now();
    click(b, "#api-key-submit").await?;
    Ok(started)
}

// F3. The credential POST answers 503 → Nango's `server_error`.
async fn fault_credential_post_5xx(s: &Stack, b: &Browser, fw: Framework) -> Result<(), Error> {
    s.server.set_faults(Faults::none().credential_status(503));
    let started = submit_demo_api_key(b).await?;
    typed_error_within(b, fw, "credential-503", started, "failed:server_error").await?;
    if !s.server.connections().is_empty() {
        return Err("a failed credential POST stored a connection".into());
    }
    Ok(())
}

// F4. Every response is slow (1.5 s) and the credential POST then fails: the error still
//     comes, after the delay.
async fn fault_slow_responses(s: &Stack, b: &Browser, fw: Framework) -> Result<(), Error> {
    let delay = Duration::from_millis(1500);
    s.server.set_faults(Faults::none().delay(delay).credential_status(500));
    let started = submit_demo_api_key(b).await?;
    let took = typed_error_within(b, fw, "slow-500", started, "failed:server_error").await?;
    if took < delay {
        return Err(format!("the error came after {took:?}, before the {delay:?} delay"));
    }
    Ok(())
}

macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        mod yew {
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { run(stringify!($name), Framework::Yew, super::$name).await }
            )*
        }
        mod dioxus {
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { run(stringify!($name), Framework::Dioxus, super::$name).await }
            )*
        }
        mod leptos {
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { run(stringify!($name), Framework::Leptos, super::$name).await }
            )*
        }
    };
}

scenarios!(
    opens_with_ready,
    api_key_connects_then_closes,
    bad_key_is_an_error,
    connect_ui_oauth_approve,
    connect_ui_oauth_deny,
    headless_oauth_connects,
    headless_oauth_window_closed,
    expired_session_refetches,
    expired_session_fails_fast,
    foreign_messages_are_ignored,
    fault_json_error_page_then_popup_closed,
    fault_socket_dropped_mid_flow,
    fault_credential_post_5xx,
    fault_slow_responses,
);
