//! The core's native driver (feature `native`) with headless Chromium as the system browser:
//! the opener sends Chromium to Nango's link, the user clicks Approve or Deny on the fake
//! provider's page, the result comes on the driver's own socket (tokio-tungstenite).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::Duration;

use fantoccini::{Client, Locator};
use nango_dev_server::{DevServerConfig, RunningServer};
use nango_e2e::Browser;
use nango_frontend::native::set_opener;
use nango_frontend::{AuthError, AuthOptions, AuthSuccess, Nango, NangoConfig, SessionTokens, TokenSource};

/// The opener: Chromium loads the URL and clicks `button` on the consent page; then waits for
/// the callback page and returns its `data-status`.
fn chromium_opens(
    client: Client,
    button: &'static str,
) -> tokio::sync::oneshot::Receiver<Result<String, String>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let tx = std::cell::RefCell::new(Some(tx));
    set_opener(move |url: &str| {
        let (client, url, tx) = (client.clone(), url.to_owned(), tx.borrow_mut().take());
        tokio::spawn(async move {
            let outcome = async {
                client.goto(&url).await.map_err(|e| e.to_string())?;
                let wait = client.wait().at_most(Duration::from_secs(15));
                wait.for_element(Locator::Css(button))
                    .await
                    .map_err(|e| e.to_string())?
                    .click()
                    .await
                    .map_err(|e| e.to_string())?;
                let page = client.wait().at_most(Duration::from_secs(15));
                let main =
                    page.for_element(Locator::Css("#nango-callback")).await.map_err(|e| e.to_string())?;
                main.attr("data-status").await.map_err(|e| e.to_string()).map(Option::unwrap_or_default)
            }
            .await;
            if let Some(tx) = tx {
                let _ = tx.send(outcome);
            }
        });
        Ok(())
    });
    rx
}

async fn auth(server: &RunningServer) -> Result<AuthSuccess, AuthError> {
    let session = format!("{}/demo/session", server.api_url());
    let token = SessionTokens::new(TokenSource::backend(session)).get().await?;
    let nango = Nango::new(NangoConfig::new().host(server.api_url()).connect_session_token(token))?;
    nango.auth("github-dev", AuthOptions::new()).await
}

#[tokio::test(flavor = "current_thread")]
async fn approve_in_chromium_connects_and_deny_fails() {
    let server = nango_dev_server::start(DevServerConfig::for_tests()).await.unwrap();
    let browser = Browser::start().await.unwrap();

    let page = chromium_opens(browser.client.clone(), "#approve");
    let connection = tokio::time::timeout(Duration::from_secs(30), auth(&server)).await.unwrap().unwrap();
    assert_eq!(page.await.unwrap(), Ok("success".to_owned()));
    assert!(server.connections().iter().any(|c| c.connection_id == connection.connection_id));

    let page = chromium_opens(browser.client.clone(), "#deny");
    let error = tokio::time::timeout(Duration::from_secs(30), auth(&server)).await.unwrap().unwrap_err();
    assert_eq!(error.error_type(), "callback_err", "{error:?}");
    assert_eq!(page.await.unwrap(), Ok("error".to_owned()));
    assert_eq!(server.connections().len(), 1);
    browser.close().await;
}
