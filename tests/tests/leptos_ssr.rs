//! The fullstack example `examples/leptos-ssr` end to end: its axum server (in-process, the
//! `ssr` build) renders the page for a cookie session, headless Chromium hydrates it with the
//! `hydrate` build's wasm, and the page connects through the dev server: the Connect UI with an
//! API key, headless OAuth, a headless API key. Session tokens come from the app's `#[server]`
//! function, which mints them with `nango-backend` for the signed-in user.
//!
//! Needs the built wasm and Connect UI (`cargo xtask examples --build-only`). Every scenario
//! also checks that the console stayed clean (no hydration warning, no error) and that the
//! server's nodes were hydrated, not replaced.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::Duration;

use fantoccini::Locator;
use nango_dev_server::{DevServerConfig, RunningServer};
use nango_e2e::{Browser, Error, built_app, target_dir};
use serde_json::Value;

/// Recorded before the page's own scripts run: console errors and warnings, uncaught errors,
/// and the server-rendered button (to check that hydration kept it).
const RECORDER: &str = r#"<script>
window.__problems = [];
for (const level of ['error', 'warn']) {
  const original = console[level];
  console[level] = function (...args) {
    window.__problems.push(level + ': ' + args.map(String).join(' '));
    return original.apply(this, args);
  };
}
addEventListener('error', (e) => window.__problems.push('uncaught: ' + e.message));
addEventListener('unhandledrejection', (e) => window.__problems.push('unhandled rejection: ' + e.reason));
document.addEventListener('readystatechange', () => {
  if (document.readyState === 'interactive') window.__ssrButton = document.getElementById('open-connect-ui');
});
</script>"#;

/// The dev server (API, Connect UI) and the example's server on free ports.
struct Stack {
    nango: RunningServer,
    app: String,
}

async fn start() -> Result<Stack, Error> {
    let pkg = target_dir().join("dist/leptos-ssr/pkg");
    if !pkg.join("app_bg.wasm").exists() {
        return Err(format!("{} is not built: run `cargo xtask examples --build-only` first", pkg.display()));
    }
    let config = DevServerConfig {
        connect_ui_dir: Some(built_app("nango-connect-ui")?),
        ..DevServerConfig::for_tests()
    };
    let nango = nango_dev_server::start(config).await.map_err(|e| e.to_string())?;
    let client =
        nango_backend::Nango::new(nango.secret_key()).host(&nango.api_url()).map_err(|e| e.to_string())?;
    let app = leptos_ssr::server::app(leptos_ssr::server::Config {
        nango: client,
        api_url: nango.api_url(),
        connect_ui_url: nango.connect_ui_url(),
        pkg_dir: pkg,
        allowed_integrations: Some(vec!["github-dev".to_owned(), "api-key-dev".to_owned()]),
        head_html: RECORDER.to_owned(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(Stack { nango, app: format!("http://{addr}") })
}

/// Signs in as Ada through the page's form and waits until the page is hydrated.
async fn sign_in_and_hydrate(s: &Stack, b: &Browser) -> Result<(), Error> {
    b.client.goto(&format!("{}/", s.app)).await.map_err(|e| e.to_string())?;
    b.wait_for("#user-name").await?.send_keys("Ada").await.map_err(|e| e.to_string())?;
    b.wait_for("#sign-in-button").await?.click().await.map_err(|e| e.to_string())?;
    b.wait_text("#signed-in", "the user's name", |t| t == "Ada").await?;
    if let Err(e) = b.wait_for("html[data-hydrated='true']").await {
        return Err(format!("the page never hydrated ({e}); console: {:#?}", problems(b).await?));
    }
    let kept = b.js("return !!window.__ssrButton && window.__ssrButton === document.getElementById('open-connect-ui');").await?;
    if kept != Value::Bool(true) {
        return Err("hydration replaced the server-rendered button instead of adopting it".into());
    }
    Ok(())
}

/// The console's errors and warnings since the page loaded.
async fn problems(b: &Browser) -> Result<Vec<String>, Error> {
    let list = b.js("return window.__problems || ['the recorder did not run'];").await?;
    Ok(list.as_array().into_iter().flatten().map(|v| v.as_str().unwrap_or_default().to_owned()).collect())
}

/// Runs `scenario` signed in and hydrated; fails on a console problem, with a screenshot.
async fn run<F>(name: &str, scenario: F)
where
    F: AsyncFnOnce(&Stack, &Browser) -> Result<(), Error>,
{
    let stack = start().await.unwrap_or_else(|e| panic!("{name}: {e}"));
    let browser = Browser::start().await.unwrap_or_else(|e| panic!("{name}: {e}"));
    let outcome = async {
        sign_in_and_hydrate(&stack, &browser).await?;
        scenario(&stack, &browser).await?;
        let _ = browser.client.enter_parent_frame().await;
        match problems(&browser).await? {
            p if p.is_empty() => Ok(()),
            p => Err(format!("the console was not clean: {p:#?}")),
        }
    }
    .await;
    if let Err(e) = outcome {
        let _ = browser.client.enter_parent_frame().await;
        let shot = browser.screenshot(&format!("leptos-ssr-{name}")).await;
        browser.close().await;
        panic!("{name} (leptos-ssr): {e}\nscreenshot: {shot:?}");
    }
    browser.close().await;
}

async fn click(b: &Browser, css: &str) -> Result<(), Error> {
    b.wait_for(css).await?.click().await.map_err(|e| format!("click {css}: {e}"))
}

/// The server renders the page for the cookie session (and only then offers Nango); the
/// server function refuses a caller without one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_renders_for_the_cookie_session_and_the_page_hydrates() {
    let s = start().await.unwrap();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let anonymous = http.get(format!("{}/", s.app)).send().await.unwrap().text().await.unwrap();
    assert!(
        anonymous.contains("id=\"sign-in\"") && !anonymous.contains("id=\"open-connect-ui\""),
        "{anonymous}"
    );

    let res = http.post(format!("{}/login", s.app)).form(&[("name", "Ada")]).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let page =
        http.get(format!("{}/", s.app)).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
    for rendered in [
        "<strong id=\"signed-in\">Ada</strong>",
        "id=\"open-connect-ui\"",
        "id=\"auth-state\">idle",
        "closed",
    ] {
        assert!(page.contains(rendered), "the server rendered no {rendered:?}: {page}");
    }
    assert!(!page.contains(s.nango.secret_key()), "the secret key never reaches the page");

    // The server function: a token for the signed-in user; nothing without a session.
    let token =
        http.post(format!("{}/api/nango-session", s.app)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(token.status(), 200);
    let token: String = token.json().await.unwrap();
    let session: Value = http
        .get(format!("{}/connect/session", s.nango.api_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(session["data"]["endUser"]["id"], "user-ada", "{session}");
    assert_eq!(
        session["data"]["allowed_integrations"],
        serde_json::json!(["github-dev", "api-key-dev"]),
        "{session}"
    );
    let refused = http.post(format!("{}/api/nango-session", s.app)).send().await.unwrap();
    assert!(!refused.status().is_success(), "an anonymous caller got {}", refused.status());
    assert!(!refused.text().await.unwrap().contains("nango_connect_session_"));

    // The browser hydrates what the server rendered, with a clean console (checked by `run`).
    run("hydrates", async |_s, b| {
        b.wait_text("#connect-ui-state", "closed", |t| t == "closed").await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connect_ui_opens_and_connects_an_api_key() {
    run("connect-ui-api-key", async |s, b| {
        click(b, "#open-connect-ui").await?;
        b.wait_for("#event-log li[data-kind='ready']").await?;
        let frame = b.wait_for("iframe#connect-ui").await?;
        frame.enter_frame().await.map_err(|e| format!("enter iframe: {e}"))?;
        click(b, "[data-integration='api-key-dev']").await?;
        b.wait_for("#field-apiKey")
            .await?
            .send_keys(nango_dev_server::DEV_API_KEY)
            .await
            .map_err(|e| e.to_string())?;
        click(b, "#connect-button").await?;
        b.wait_for("#success-screen").await?;
        b.client.enter_parent_frame().await.map_err(|e| e.to_string())?;
        b.wait_for("#event-log li[data-kind='connect']").await?;
        let stored = s.nango.connections();
        let connection =
            stored.iter().find(|c| c.provider_config_key == "api-key-dev").ok_or("no connection stored")?;
        let owner = connection.end_user.as_ref().and_then(|u| u["id"].as_str()).unwrap_or_default();
        if owner != "user-ada" {
            return Err(format!("the connection belongs to {owner:?}, not the signed-in user"));
        }
        b.wait_for(&format!("#connections li[data-connection-id='{}']", connection.connection_id)).await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headless_oauth_connects() {
    run("headless-oauth", async |_s, b| {
        let main = b.client.window().await.map_err(|e| e.to_string())?;
        b.wait_text("#auth-state", "idle", |t| t == "idle").await?;
        click(b, "#oauth-button").await?;
        b.switch_to_new_window(&main).await?;
        click(b, "#approve").await?;
        b.client.switch_to_window(main).await.map_err(|e| e.to_string())?;
        b.wait_text("#auth-state", "connected", |t| t.starts_with("connected:")).await?;
        b.wait_for("#connections li[data-provider-config-key='github-dev']").await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_headless_api_key_connects() {
    run("headless-api-key", async |s, b| {
        b.wait_for("#api-key-input")
            .await?
            .send_keys(nango_dev_server::DEV_API_KEY)
            .await
            .map_err(|e| e.to_string())?;
        click(b, "#api-key-submit").await?;
        b.wait_text("#auth-state", "connected", |t| t.starts_with("connected:")).await?;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let found =
            b.client.find_all(Locator::Css("#connections li[data-provider-config-key='api-key-dev']")).await;
        if found.map(|v| v.len()).unwrap_or(0) != 1 || s.nango.connections().len() != 1 {
            return Err("the API-key connection is not listed once".into());
        }
        Ok(())
    })
    .await;
}
