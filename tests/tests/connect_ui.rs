//! End-to-end tests of the Connect UI page in headless Chromium, through WebDriver
//! (fantoccini + chromedriver), against the dev server started in-process.
//!
//! A plain-JavaScript host page, served by the dev server on the API origin, opens the page in
//! an iframe exactly as `docs/protocol.md` §5 describes (and as `openConnectUI` does), answers `ready`
//! with the session token and records every message it accepts in `window.__events`.
//!
//! The page must be built (`cargo xtask examples --build-only`; `cargo xtask test` does it).
//! Screenshots of every screen, light and dark, go to `target/screenshots/`.
//!
//! Needs Chromium and ChromeDriver (`cargo xtask test` installs them; or set `CHROMEDRIVER`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use nango_dev_server::{
    AuthMode, DevServerConfig, Faults, FieldSpec, IntegrationConfig, ManualClock, RunningServer, StaticMount,
};
use nango_e2e::{Browser, TempDir, built_app, target_dir};
use serde_json::{Value, json};

type Error = Box<dyn std::error::Error + Send + Sync>;
type Result<T, E = Error> = std::result::Result<T, E>;

const WAIT: Duration = Duration::from_secs(20);

fn fail<T>(message: impl Into<String>) -> Result<T> {
    Err(message.into().into())
}

// ---------------------------------------------------------------------------------------------
// The host page.
// ---------------------------------------------------------------------------------------------

const HOST_HTML: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Acme CRM · Integrations</title>
<style>
  body { margin: 0; font: 15px/1.5 system-ui, sans-serif; background: #f3f4f6; color: #1f2937; }
  header { background: #312e81; color: #fff; padding: 18px 32px; font-weight: 700; font-size: 18px; }
  main { padding: 32px; display: grid; grid-template-columns: repeat(3, 1fr); gap: 16px; }
  .card { background: #fff; border-radius: 12px; padding: 20px; box-shadow: 0 1px 3px rgba(0,0,0,.1); }
  .card b { display: block; margin-bottom: 6px; }
</style>
</head>
<body>
<header>Acme CRM</header>
<main>
  <div class="card"><b>Contacts</b>1,284 people synced</div>
  <div class="card"><b>Deals</b>37 open deals</div>
  <div class="card"><b>Integrations</b>Connect your tools to sync data.</div>
</main>
<script src="host.js"></script>
</body>
</html>
"#;

/// The host: creates the iframe as `docs/protocol.md` §5 describes and records the messages.
const HOST_JS: &str = r#"
(function () {
  var q = new URLSearchParams(location.search);
  var token = q.get('token');
  window.__events = [];
  var url = new URL(q.get('ui'));
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.searchParams.set('apiURL', q.get('api'));
  url.searchParams.set('detectClosedAuthWindow', 'true');
  if (q.get('lang')) url.searchParams.set('lang', q.get('lang'));
  if (q.get('theme')) url.searchParams.set('theme', q.get('theme'));
  ['embedded', 'preview'].forEach(function (k) { if (q.get(k)) url.searchParams.set(k, q.get(k)); });
  var origin = url.origin;
  var iframe = document.createElement('iframe');
  iframe.id = 'connect-ui';
  iframe.src = url.toString();
  iframe.setAttribute('allow', 'clipboard-write');
  Object.assign(iframe.style, {
    position: 'fixed', top: '0', left: '0', width: '100vw', height: '100vh',
    zIndex: '9999', border: 'none', backgroundColor: 'transparent'
  });
  var previousOverflow = document.body.style.overflow;
  document.body.style.overflow = 'hidden';
  function onMessage(e) {
    if (e.origin !== origin || e.source !== iframe.contentWindow) return;
    var d = e.data;
    if (!d || typeof d !== 'object' || typeof d.type !== 'string') return;
    window.__events.push(d);
    if (d.type === 'ready' && token) {
      iframe.contentWindow.postMessage({ type: 'session_token', sessionToken: token }, origin);
    }
    if (d.type === 'close') {
      window.removeEventListener('message', onMessage);
      iframe.remove();
      document.body.style.overflow = previousOverflow;
    }
  }
  window.addEventListener('message', onMessage);
  // What a dashboard editing the theme does with a preview.
  window.__postSettings = function (payload) {
    iframe.contentWindow.postMessage({ type: 'settings_changed', payload: payload }, origin);
  };
  document.body.appendChild(iframe);
})();
"#;

// ---------------------------------------------------------------------------------------------
// The harness used by the scenarios.
// ---------------------------------------------------------------------------------------------

struct Harness {
    client: Client,
    server: RunningServer,
    clock: ManualClock,
    http: reqwest::Client,
    screenshots: PathBuf,
}

impl Harness {
    /// A connect session for `allowed` integrations: its token.
    async fn session(&self, allowed: &[&str]) -> Result<String> {
        self.session_field(allowed, "/data/token").await
    }

    /// `POST /connect/sessions` → the field at `pointer` of the answer.
    async fn session_field(&self, allowed: &[&str], pointer: &str) -> Result<String> {
        let answer: Value = self
            .http
            .post(format!("{}/connect/sessions", self.server.api_url()))
            .bearer_auth(self.server.secret_key())
            .json(&json!({ "end_user": { "id": "e2e-user", "email": "e2e@example.com" }, "allowed_integrations": allowed }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        match answer.pointer(pointer).and_then(Value::as_str) {
            Some(value) => Ok(value.to_owned()),
            None => fail(format!("no {pointer} in {answer}")),
        }
    }

    /// `GET /connection` with the secret key.
    async fn connections(&self) -> Result<Vec<Value>> {
        let answer: Value = self
            .http
            .get(format!("{}/connection", self.server.api_url()))
            .bearer_auth(self.server.secret_key())
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(answer.get("connections").and_then(Value::as_array).cloned().unwrap_or_default())
    }

    /// Opens the host page, which opens the Connect UI, and enters the iframe.
    async fn open(&self, token: Option<&str>, theme: &str, lang: &str) -> Result<()> {
        self.open_with(token, theme, lang, &[]).await
    }

    /// [`open`](Self::open) with more query parameters for the page (`embedded`, `preview`).
    async fn open_with(
        &self,
        token: Option<&str>,
        theme: &str,
        lang: &str,
        extra: &[(&str, &str)],
    ) -> Result<()> {
        let mut url = reqwest::Url::parse(&format!("{}/host/", self.server.api_url()))?;
        url.query_pairs_mut()
            .append_pair("ui", &self.server.connect_ui_url())
            .append_pair("api", &self.server.api_url())
            .append_pair("theme", theme)
            .append_pair("lang", lang)
            .extend_pairs(extra);
        if let Some(token) = token {
            url.query_pairs_mut().append_pair("token", token);
        }
        self.client.goto(url.as_str()).await?;
        let iframe = self.client.wait().at_most(WAIT).for_element(Locator::Css("#connect-ui")).await?;
        iframe.enter_frame().await?;
        self.find("#connect-ui-dialog").await?;
        Ok(())
    }

    /// Waits for an element of the current frame.
    async fn find(&self, css: &str) -> Result<Element> {
        match self.client.wait().at_most(WAIT).for_element(Locator::Css(css)).await {
            Ok(element) => Ok(element),
            Err(error) => fail(format!("waiting for {css}: {error}")),
        }
    }

    /// The id of the focused element of the current frame.
    async fn focused(&self) -> Result<String> {
        let id = self
            .client
            .execute("return document.activeElement ? document.activeElement.id : null;", vec![])
            .await?;
        Ok(id.as_str().unwrap_or_default().to_owned())
    }

    /// Finds `css` and runs `action` on it, finding it again when a re-render replaced it in
    /// between (WebDriver's "stale element").
    async fn on<T, F, Fut>(&self, css: &str, action: F) -> Result<T>
    where
        F: Fn(Element) -> Fut,
        Fut: Future<Output = Result<T, fantoccini::error::CmdError>>,
    {
        let mut attempts = 0;
        loop {
            match action(self.find(css).await?).await {
                Ok(value) => return Ok(value),
                Err(error) if attempts < 5 && error.to_string().contains("stale element") => attempts += 1,
                Err(error) => return fail(format!("{css}: {error}")),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn click(&self, css: &str) -> Result<()> {
        self.on(css, |e| async move { e.click().await }).await
    }

    async fn text(&self, css: &str) -> Result<String> {
        self.on(css, |e| async move { e.text().await }).await
    }

    async fn type_into(&self, css: &str, keys: &str) -> Result<()> {
        self.on(css, |e| async move { e.send_keys(keys).await }).await
    }

    /// Waits until the dialog's animation is over, then saves a screenshot.
    async fn screenshot(&self, name: &str) -> Result<()> {
        tokio::time::sleep(Duration::from_millis(350)).await;
        let png = self.client.screenshot().await?;
        std::fs::create_dir_all(&self.screenshots)?;
        std::fs::write(self.screenshots.join(format!("{name}.png")), png)?;
        Ok(())
    }

    /// The messages the host accepted so far (read in the top frame; re-enters the iframe
    /// when it is still there).
    async fn events(&self) -> Result<Vec<Value>> {
        self.client.enter_parent_frame().await?;
        let events = self.client.execute("return window.__events || [];", vec![]).await?;
        if let Ok(iframe) = self.client.find(Locator::Css("#connect-ui")).await {
            match iframe.enter_frame().await {
                // The host removed it (`close`) between the two calls.
                Err(error) if error.to_string().contains("stale element") => {}
                other => other?,
            }
        }
        Ok(events.as_array().cloned().unwrap_or_default())
    }

    /// Waits for an event of type `kind`.
    async fn event(&self, kind: &str) -> Result<Value> {
        let started = Instant::now();
        loop {
            let events = self.events().await?;
            if let Some(event) = events.iter().find(|e| e.get("type").and_then(Value::as_str) == Some(kind)) {
                return Ok(event.clone());
            }
            if started.elapsed() > WAIT {
                return fail(format!("no {kind} event; the host saw {events:?}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The telemetry events the server accepted for `token`, with their integration, once the
    /// last is `last` (beacons are sent in the background).
    async fn telemetry(&self, token: &str, last: &str) -> Result<Vec<(String, Option<String>)>> {
        let started = Instant::now();
        loop {
            let events: Vec<(String, Option<String>)> = self
                .server
                .telemetry()
                .iter()
                .filter(|b| b.get("token").and_then(Value::as_str) == Some(token))
                .map(|b| {
                    let text = |p: &str| b.pointer(p).and_then(Value::as_str).map(str::to_owned);
                    (text("/event").unwrap_or_default(), text("/dimensions/integration"))
                })
                .collect();
            if events.last().is_some_and(|(e, _)| e == last) {
                return Ok(events);
            }
            if started.elapsed() > WAIT {
                return fail(format!("telemetry never ended with {last}: {events:?}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The value of a form control.
    async fn value(&self, css: &str) -> Result<String> {
        Ok(self.on(css, |e| async move { e.prop("value").await }).await?.unwrap_or_default())
    }

    /// Waits for the `close` event and checks that the host removed the iframe.
    async fn expect_closed(&self) -> Result<()> {
        self.event("close").await?;
        self.client.enter_parent_frame().await?;
        let gone =
            self.client.execute("return document.getElementById('connect-ui') === null;", vec![]).await?;
        if gone != Value::Bool(true) {
            return fail("the iframe is still there after close");
        }
        Ok(())
    }

    /// Runs the OAuth popup: waits for it, clicks `button` on the fake provider's page and
    /// comes back to the iframe.
    async fn in_popup(&self, button: &str) -> Result<()> {
        let main = self.client.window().await?;
        let started = Instant::now();
        let popup = loop {
            let windows = self.client.windows().await?;
            if let Some(popup) = windows.into_iter().find(|w| *w != main) {
                break popup;
            }
            if started.elapsed() > WAIT {
                return fail("the OAuth popup did not open");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        self.client.switch_to_window(popup).await?;
        self.click(button).await?;
        self.client.switch_to_window(main).await?;
        let iframe = self.client.wait().at_most(WAIT).for_element(Locator::Css("#connect-ui")).await?;
        iframe.enter_frame().await?;
        Ok(())
    }
}

fn payload<'a>(event: &'a Value, key: &str) -> Option<&'a str> {
    event.get("payload")?.get(key)?.as_str()
}

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

/// The API-key path in one theme: list → form → validation → leave confirmation → bad key →
/// failure → back → good key → success → finish. Screenshots of each screen.
async fn api_key_tour(h: &Harness, theme: &str) -> Result<()> {
    let token = h.session(&["api-key-dev", "github-dev", "basic-dev", "unauthenticated-dev"]).await?;
    h.open(Some(&token), theme, "en").await?;

    // List, with logos and names.
    h.find("[data-integration=\"github-dev\"]").await?;
    assert_eq!(h.focused().await?, "", "the focus is in the dialog, on the first integration");
    assert_eq!(
        h.client.execute("return document.activeElement.dataset.integration;", vec![]).await?,
        json!("github-dev")
    );
    let ready = h.event("ready").await?;
    assert_eq!(ready, json!({ "type": "ready" }));
    let settings = h.event("settings_changed").await?;
    assert_eq!(payload(&settings, "defaultTheme"), Some("system"), "{settings}");
    h.screenshot(&format!("list-{theme}")).await?;

    // The form, with a validation message on an empty submit.
    h.click("[data-integration=\"api-key-dev\"]").await?;
    h.find("#field-apiKey").await?;
    let label = h.text("label[for=\"field-apiKey\"]").await?;
    assert!(label.contains("API Key"), "label: {label}");
    h.screenshot(&format!("form-{theme}")).await?;
    h.click("#connect-button").await?;
    let message = h.text("#field-apiKey-error").await?;
    assert_eq!(message, "This field is required.");
    assert_eq!(h.focused().await?, "field-apiKey", "the first invalid field takes the focus");
    // Tab from the last control wraps to the first one: the focus stays in the dialog.
    h.type_into("#connect-button", "\u{E004}").await?;
    assert_eq!(h.focused().await?, "close-button");
    h.screenshot(&format!("validation-{theme}")).await?;

    // A half-filled form asks before closing; Escape dismisses the question.
    h.type_into("#field-apiKey", "wrong-key").await?;
    h.type_into("#field-apiKey", "\u{E00C}").await?; // Escape
    h.find("#confirm-leave").await?;
    h.screenshot(&format!("confirm-{theme}")).await?;
    h.click("#confirm-stay").await?;

    // Bad key → error event and failure screen.
    h.click("#connect-button").await?;
    h.find("#error-screen").await?;
    assert_eq!(h.text("#error-type").await?, "connection_test_failed");
    assert_eq!(
        h.text("#error-hint").await?,
        "Stripe (API key, dev) refused these credentials: check them and try again."
    );
    let error = h.event("error").await?;
    assert_eq!(payload(&error, "errorType"), Some("connection_test_failed"), "{error}");
    h.screenshot(&format!("error-{theme}")).await?;

    // Back keeps what was typed; the good key connects.
    h.click("#back-button").await?;
    let typed = h.on("#field-apiKey", |e| async move { e.prop("value").await }).await?;
    assert_eq!(typed.as_deref(), Some("wrong-key"));
    h.on("#field-apiKey", |e| async move { e.clear().await }).await?;
    h.type_into("#field-apiKey", "dev-key-ok").await?;
    h.click("#connect-button").await?;
    h.find("#success-screen").await?;
    let connect = h.event("connect").await?;
    assert_eq!(payload(&connect, "providerConfigKey"), Some("api-key-dev"), "{connect}");
    assert_eq!(connect.pointer("/payload/isPending"), Some(&Value::Bool(false)), "{connect}");
    let connection_id = payload(&connect, "connectionId").unwrap_or_default().to_owned();
    assert!(!connection_id.is_empty(), "{connect}");
    h.screenshot(&format!("success-{theme}")).await?;

    // The backend sees the connection.
    let listed = h.connections().await?;
    assert!(
        listed.iter().any(|c| c.get("connection_id").and_then(Value::as_str) == Some(connection_id.as_str())
            && c.get("provider_config_key").and_then(Value::as_str) == Some("api-key-dev")),
        "GET /connection does not list {connection_id}: {listed:?}"
    );

    // Finish posts close; the host removes the iframe.
    h.click("#finish-button").await?;
    h.expect_closed().await
}

/// OAuth through the fake provider: Approve connects, Deny fails.
async fn oauth(h: &Harness, approve: bool, theme: &str) -> Result<()> {
    // One allowed integration: the list is skipped.
    let token = h.session(&["github-dev"]).await?;
    h.open(Some(&token), theme, "en").await?;
    h.find("#connect-button").await?;
    if approve {
        h.screenshot(&format!("oauth-form-{theme}")).await?;
    }
    h.click("#connect-button").await?;
    h.in_popup(if approve { "#approve" } else { "#deny" }).await?;
    if approve {
        h.find("#success-screen").await?;
        let connect = h.event("connect").await?;
        assert_eq!(payload(&connect, "providerConfigKey"), Some("github-dev"), "{connect}");
        let id = payload(&connect, "connectionId").unwrap_or_default();
        assert!(h.server.connections().iter().any(|c| c.connection_id == id), "{id} not stored");
    } else {
        h.find("#error-screen").await?;
        let error = h.event("error").await?;
        assert_eq!(payload(&error, "errorType"), Some("callback_err"), "{error}");
        assert_eq!(h.text("#error-type").await?, "callback_err");
        h.screenshot(&format!("oauth-denied-{theme}")).await?;
    }
    Ok(())
}

/// Close by the close button, by Escape, and by a click outside the dialog.
async fn closing(h: &Harness) -> Result<()> {
    let token = h.session(&["api-key-dev", "github-dev"]).await?;
    h.open(Some(&token), "light", "en").await?;
    h.find("[data-integration]").await?;
    h.click("#close-button").await?;
    h.expect_closed().await?;

    h.open(Some(&token), "light", "en").await?;
    h.type_into("[data-integration]", "\u{E00C}").await?;
    h.expect_closed().await?;

    h.open(Some(&token), "dark", "en").await?;
    h.find("[data-integration]").await?;
    h.client
        .execute(
            "var b = document.querySelector('.backdrop');
             b.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
             b.dispatchEvent(new MouseEvent('click', { bubbles: true }));",
            vec![],
        )
        .await?;
    h.expect_closed().await
}

/// An expired session shows "session expired" (the dev server's clock moves 31 minutes).
async fn expired(h: &Harness) -> Result<()> {
    let token = h.session(&["api-key-dev"]).await?;
    h.clock.advance(Duration::from_secs(31 * 60));
    for theme in ["light", "dark"] {
        h.open(Some(&token), theme, "en").await?;
        h.find("#session-expired").await?;
        h.screenshot(&format!("session-expired-{theme}")).await?;
    }
    Ok(())
}

/// French, a host that never sends the token (a message after 10 s), and a page opened as a
/// plain link without a token (a message at once).
async fn french_and_standalone(h: &Harness) -> Result<()> {
    let token = h.session(&["api-key-dev", "basic-dev"]).await?;
    h.open(Some(&token), "dark", "fr").await?;
    h.find("[data-integration=\"basic-dev\"]").await?;
    assert_eq!(h.text("#dialog-title").await?, "Connecter un compte");
    h.click("[data-integration=\"basic-dev\"]").await?;
    h.find("#field-username").await?;
    h.find("#field-password").await?;
    h.screenshot("form-basic-fr-dark").await?;

    h.open(None, "dark", "en").await?;
    h.find("#loading-screen").await?;
    // A valid token from a window that is not the parent (here the page itself) is ignored.
    let valid = h.session(&["api-key-dev"]).await?;
    h.client
        .execute(
            "window.postMessage({ type: 'session_token', sessionToken: arguments[0] }, '*');",
            vec![json!(valid)],
        )
        .await?;
    let waited = Instant::now();
    h.client.wait().at_most(Duration::from_secs(15)).for_element(Locator::Css("#no-token")).await?;
    assert!(waited.elapsed() > Duration::from_secs(5), "the page gave up on the token too early");
    assert!(h.client.find(Locator::Css("[data-integration]")).await.is_err(), "a foreign token was used");
    h.screenshot("no-token-dark").await?;

    let url = format!("{}/?apiURL={}&theme=light", h.server.connect_ui_url(), h.server.api_url());
    h.client.goto(&url).await?;
    h.find("#no-token").await?;
    h.screenshot("no-token-light").await?;

    // The session's connect link opens the page in a tab of its own (no parent): it works the
    // same, with nothing to close (as Nango's page): no close button, Escape does nothing, and
    // the success screen says to close the tab.
    let link = h.session_field(&["api-key-dev", "github-dev"], "/data/connect_link").await?;
    h.client.goto(&link).await?;
    h.find("[data-integration=\"api-key-dev\"]").await?;
    assert!(h.client.find(Locator::Css("#close-button")).await.is_err(), "no close button");
    h.type_into("[data-integration=\"api-key-dev\"]", "\u{E00C}").await?;
    h.click("[data-integration=\"api-key-dev\"]").await?;
    h.type_into("#field-apiKey", "dev-key-ok").await?;
    h.click("#connect-button").await?;
    h.find("#success-screen").await?;
    assert!(h.client.find(Locator::Css("#finish-button")).await.is_err(), "no finish button");
    assert_eq!(h.text("#close-tab").await?, "You can now close this tab.");
    h.screenshot("standalone-success-light").await?;
    Ok(())
}

/// The list in each of Nango's five languages (a screenshot each), and the form's texts.
async fn languages(h: &Harness) -> Result<()> {
    let token = h.session(&["api-key-dev", "github-dev", "basic-dev", "unauthenticated-dev"]).await?;
    for (lang, title, connect) in [
        ("en", "Connect an account", "Connect"),
        ("fr", "Connecter un compte", "Connecter"),
        ("de", "Konto verbinden", "Verbinden"),
        ("es", "Conectar una cuenta", "Conectar"),
        ("ja", "アカウントを接続", "接続"),
    ] {
        h.open(Some(&token), "light", lang).await?;
        h.find("[data-integration=\"github-dev\"]").await?;
        assert_eq!(h.text("#dialog-title").await?, title, "{lang}");
        let html_lang = h.client.execute("return document.documentElement.lang;", vec![]).await?;
        assert_eq!(html_lang, json!(lang));
        h.screenshot(&format!("list-{lang}-light")).await?;
        h.click("[data-integration=\"api-key-dev\"]").await?;
        h.find("#field-apiKey").await?;
        assert_eq!(h.text("#connect-button").await?, connect, "{lang}");
    }
    // A language Nango's page does not have falls back to the browser's (English here).
    h.open(Some(&token), "light", "it").await?;
    h.find("[data-integration]").await?;
    assert_eq!(h.text("#dialog-title").await?, "Connect an account");
    Ok(())
}

/// Nango's telemetry beacons, as the dev server received them, for a whole API-key connection.
async fn telemetry(h: &Harness) -> Result<()> {
    let token = h.session(&["api-key-dev", "github-dev"]).await?;
    h.open(Some(&token), "light", "en").await?;
    h.click("[data-integration=\"api-key-dev\"]").await?;
    h.type_into("#field-apiKey", "dev-key-ok").await?;
    h.click("#docs-link").await?;
    h.click(".field-docs").await?;
    h.click("#connect-button").await?;
    h.find("#success-screen").await?;
    h.click("#finish-button").await?;
    h.expect_closed().await?;
    let key = || Some("api-key-dev".to_owned());
    let events = h.telemetry(&token, "click:finish").await?;
    let expected: Vec<(String, Option<String>)> = [
        ("open", None),
        ("view:list", None),
        ("click:integration", key()),
        ("view:integration", key()),
        ("click:doc", key()),
        ("click:doc_section", key()),
        ("click:connect", None),
        ("view:success", None),
        ("click:finish", None),
    ]
    .into_iter()
    .map(|(e, k)| (e.to_owned(), k))
    .collect();
    assert_eq!(events, expected);
    // The docs links opened tabs.
    close_popups(h).await
}

/// The OAuth callback page reports a failure before the (slow) socket does: the page fails
/// with the page's code and the callback's message, once. The page's code is
/// `connection_validation_failed`, as real Nango's page says for every failure (recorded in
/// `dev-server/tests/fixtures/real-nango`); the specific `callback_err` comes on the socket.
async fn callback_error(h: &Harness) -> Result<()> {
    h.server.set_faults(Faults::none().push_delay(Duration::from_secs(3)));
    let token = h.session(&["github-dev"]).await?;
    h.open(Some(&token), "light", "en").await?;
    h.click("#connect-button").await?;
    h.in_popup("#deny").await?;
    h.find("#error-screen").await?;
    assert_eq!(h.text("#error-type").await?, "connection_validation_failed");
    let error = h.event("error").await?;
    assert_eq!(payload(&error, "errorType"), Some("connection_validation_failed"), "{error}");
    assert!(payload(&error, "errorMessage").is_some_and(|m| m.contains("access_denied")), "{error}");
    h.screenshot("callback-error-light").await?;
    // The socket's own error, 3 s later, is not a second failure.
    tokio::time::sleep(Duration::from_millis(3_500)).await;
    let errors = h.events().await?.into_iter().filter(|e| e["type"] == "error").count();
    assert_eq!(errors, 1);
    h.server.set_faults(Faults::none());
    let events = h.telemetry(&token, "view:credentials_error").await?;
    assert!(events.iter().any(|(e, _)| e == "click:connect"), "{events:?}");
    close_popups(h).await
}

/// Closes every window but the first (popups left open by a scenario).
async fn close_popups(h: &Harness) -> Result<()> {
    let main = h.client.window().await?;
    for window in h.client.windows().await? {
        if window != main {
            h.client.switch_to_window(window).await?;
            h.client.close_window().await?;
        }
    }
    h.client.switch_to_window(main).await?;
    Ok(())
}

/// An outbound installation posts to the outbound route (no popup) and stores a pending
/// connection.
async fn outbound(h: &Harness) -> Result<()> {
    let token = h.session(&["outbound-dev"]).await?;
    h.open(Some(&token), "light", "en").await?;
    h.find("#connect-button").await?;
    assert!(h.text("#auth-form").await?.contains("installation"), "the outbound hint");
    h.screenshot("outbound-light").await?;
    let windows = h.client.windows().await?.len();
    h.click("#connect-button").await?;
    h.find("#success-screen").await?;
    assert_eq!(h.client.windows().await?.len(), windows, "no popup");
    let connect = h.event("connect").await?;
    let id = payload(&connect, "connectionId").unwrap_or_default().to_owned();
    let stored = h.server.connections().into_iter().find(|c| c.connection_id == id);
    assert!(stored.is_some_and(|c| c.pending), "a pending connection {id}");
    Ok(())
}

/// AWS SigV4: the page shows an external id for the trust policy and the connection keeps it.
async fn aws_external_id(h: &Harness) -> Result<()> {
    let token = h.session(&["aws-sigv4-dev"]).await?;
    h.open(Some(&token), "dark", "en").await?;
    let shown = h.value("#external-id").await?;
    assert_eq!(shown.len(), 36, "a UUID: {shown}");
    h.type_into("#field-role_arn", "arn:aws:iam::123456789012:role/nango-dev").await?;
    h.screenshot("aws-external-id-dark").await?;
    h.click("#connect-button").await?;
    h.find("#success-screen").await?;
    let connect = h.event("connect").await?;
    let id = payload(&connect, "connectionId").unwrap_or_default().to_owned();
    let stored = h.server.connections().into_iter().find(|c| c.connection_id == id);
    let external_id = stored.and_then(|c| c.connection_config.get("external_id").cloned());
    assert_eq!(external_id, Some(json!(shown)));
    Ok(())
}

/// A two-step provider with an assertion option: the key travels as `assertionOption`.
async fn two_step_assertion(h: &Harness) -> Result<()> {
    let token = h.session(&["assertion-dev"]).await?;
    h.open(Some(&token), "light", "en").await?;
    h.type_into("#field-clientId", "dev-client").await?;
    h.type_into("#field-privateKey", "wrong").await?;
    h.screenshot("two-step-assertion-light").await?;
    h.click("#connect-button").await?;
    assert_eq!(h.text("#error-type").await?, "connection_test_failed");
    h.click("#back-button").await?;
    h.on("#field-privateKey", |e| async move { e.clear().await }).await?;
    h.type_into("#field-privateKey", "dev-private-key").await?;
    h.click("#connect-button").await?;
    h.find("#success-screen").await?;
    Ok(())
}

/// `embedded` and `preview`: no backdrop; nothing connects, closes or is sent; the parent's
/// `settings_changed` restyles the page.
async fn preview_and_embedded(h: &Harness) -> Result<()> {
    let token = h.session(&["api-key-dev", "github-dev"]).await?;
    let connections = h.server.connections().len();
    h.open_with(Some(&token), "light", "en", &[("embedded", "true"), ("preview", "true")]).await?;
    h.find("[data-integration=\"api-key-dev\"]").await?;
    let backdrop = h
        .client
        .execute(
            "return getComputedStyle(document.querySelector('.backdrop.embedded')).backgroundColor;",
            vec![],
        )
        .await?;
    assert_eq!(backdrop, json!("rgba(0, 0, 0, 0)"), "no backdrop");
    h.click("#close-button").await?;
    h.click("[data-integration=\"api-key-dev\"]").await?;
    h.find("#preview-notice").await?;
    h.type_into("#field-apiKey", "dev-key-ok").await?;
    h.click("#connect-button").await?;
    h.screenshot("preview-embedded-light").await?;

    // The dashboard changes the theme.
    h.client.enter_parent_frame().await?;
    h.client
        .execute(
            "__postSettings({ defaultTheme: 'dark', showWatermark: false, theme: { light: { primary: '#ff0066' }, dark: { primary: '#ff0066' } } });",
            vec![],
        )
        .await?;
    h.client.find(Locator::Css("#connect-ui")).await?.enter_frame().await?;
    let started = Instant::now();
    loop {
        let look = h
            .client
            .execute(
                "return [document.documentElement.dataset.theme, document.documentElement.style.getPropertyValue('--primary-dark'),
                         document.querySelector('.dialog-footer') === null];",
                vec![],
            )
            .await?;
        if look == json!(["dark", "#ff0066", true]) {
            break;
        }
        if started.elapsed() > WAIT {
            return fail(format!("the preview did not restyle: {look}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    h.screenshot("preview-restyled-dark").await?;
    assert!(h.client.find(Locator::Css("#success-screen")).await.is_err(), "a preview connects nothing");
    let events = h.events().await?;
    assert!(!events.iter().any(|e| e["type"] == "close" || e["type"] == "connect"), "{events:?}");
    assert_eq!(h.server.connections().len(), connections, "nothing stored");
    assert!(h.server.telemetry().iter().all(|b| b["token"] != json!(token)), "a preview sends no telemetry");
    Ok(())
}

/// A self-hosted Nango under `/nango`: the API, the telemetry and the OAuth WebSocket are all
/// reached under the prefix.
async fn base_path(h: &Harness, page: PathBuf, host: PathBuf) -> Result<()> {
    let server = nango_dev_server::start(DevServerConfig {
        base_path: "/nango".into(),
        connect_ui_dir: Some(page),
        serve: vec![StaticMount { path: "/host".into(), dir: host }],
        ..DevServerConfig::for_tests()
    })
    .await?;
    let prefixed = Harness {
        client: h.client.clone(),
        server,
        clock: ManualClock::starting_now(),
        http: h.http.clone(),
        screenshots: h.screenshots.clone(),
    };
    let outcome = async {
        assert!(prefixed.server.api_url().ends_with("/nango"));
        let token = prefixed.session(&["github-dev"]).await?;
        prefixed.open(Some(&token), "light", "en").await?;
        prefixed.click("#connect-button").await?;
        prefixed.in_popup("#approve").await?;
        prefixed.find("#success-screen").await?;
        prefixed.telemetry(&token, "view:success").await?;
        Ok(())
    }
    .await;
    let Harness { server, .. } = prefixed;
    server.shutdown().await;
    outcome
}

async fn step<F: Future<Output = Result<()>>>(h: &Harness, name: &str, run: F) -> Result<()> {
    let started = Instant::now();
    match run.await {
        Ok(()) => {
            eprintln!("connect-ui e2e: {name} ok ({:.1?})", started.elapsed());
            Ok(())
        }
        Err(error) => {
            let _ = h.client.enter_parent_frame().await;
            let _ = h.screenshot(&format!("failed-{name}")).await;
            fail(format!("{name}: {error}"))
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_ui_in_chromium() -> Result<()> {
    let page = built_app("nango-connect-ui")?;
    let host = TempDir::new("nango-connect-ui-host")?;
    std::fs::write(host.path().join("index.html"), HOST_HTML)?;
    std::fs::write(host.path().join("host.js"), HOST_JS)?;

    let clock = ManualClock::starting_now();
    let mut config = DevServerConfig {
        clock: clock.clock(),
        connect_ui_dir: Some(page.clone()),
        serve: vec![StaticMount { path: "/host".into(), dir: host.path().to_owned() }],
        ..DevServerConfig::for_tests()
    };
    config.integrations.push(assertion_integration());
    let server = nango_dev_server::start(config).await?;
    let browser = Browser::start().await?;
    browser.client.set_window_size(1000, 760).await?;
    let h = Harness {
        client: browser.client.clone(),
        server,
        clock,
        http: reqwest::Client::new(),
        screenshots: target_dir().join("screenshots"),
    };

    let outcome = async {
        step(&h, "api-key-light", api_key_tour(&h, "light")).await?;
        step(&h, "api-key-dark", api_key_tour(&h, "dark")).await?;
        step(&h, "oauth-approve", oauth(&h, true, "light")).await?;
        step(&h, "oauth-deny", oauth(&h, false, "dark")).await?;
        step(&h, "close", closing(&h)).await?;
        step(&h, "french-and-standalone", french_and_standalone(&h)).await?;
        step(&h, "languages", languages(&h)).await?;
        step(&h, "telemetry", telemetry(&h)).await?;
        step(&h, "callback-error", callback_error(&h)).await?;
        step(&h, "outbound", outbound(&h)).await?;
        step(&h, "aws-external-id", aws_external_id(&h)).await?;
        step(&h, "two-step-assertion", two_step_assertion(&h)).await?;
        step(&h, "preview-and-embedded", preview_and_embedded(&h)).await?;
        step(&h, "base-path", base_path(&h, page.clone(), host.path().to_owned())).await?;
        // Last: it moves the server's clock past every session's expiry.
        step(&h, "session-expired", expired(&h)).await
    }
    .await;
    let Harness { server, .. } = h;
    browser.close().await;
    server.shutdown().await;
    outcome
}

/// A two-step integration whose provider signs an assertion with a private key: the test
/// accepts `clientId` `dev-client` with `assertionOption.privateKey` `dev-private-key`.
fn assertion_integration() -> IntegrationConfig {
    let mut integration = IntegrationConfig::new(
        "assertion-dev",
        "assertion-demo",
        "Assertion (two-step, dev)",
        AuthMode::TwoStep,
    );
    let field = |title: &str, secret: bool| FieldSpec {
        kind: Some("string".into()),
        title: Some(title.into()),
        secret: Some(secret),
        ..FieldSpec::default()
    };
    integration.credentials.insert("clientId".into(), field("Client ID", false));
    integration.assertion_option.insert("privateKey".into(), field("Private Key", true));
    let accepted =
        json!({ "clientId": "dev-client", "assertionOption": { "privateKey": "dev-private-key" } });
    if let Value::Object(accepted) = accepted {
        integration.valid_credentials.push(accepted);
    }
    integration
}
