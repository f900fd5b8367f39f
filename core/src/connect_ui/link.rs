//! Natively (feature `native`): a show opens the Connect UI's link in the system browser.

use std::rc::Rc;

use super::dispatch::dispatch;
use super::{UiRef, read, write};
use crate::generation::Ticket;
use crate::task::Background;
use crate::{AuthError, ConnectUiEvent};

/// Natively (feature `native`): the Connect UI in the system browser (the thread's
/// [`Opener`](crate::native::Opener)), at its link: the page URL with the session token in the
/// query, as Nango's `connect_link`. Nothing is mounted, so the handle stays closed, and the
/// page, in another program, sends no events: the app learns of a connection from its backend
/// (Nango's auth webhook). A token still to fetch opens the link when it arrives; its failure
/// is an `error` event, as in the browser. Outside a tokio runtime: `unsupported_environment`.
pub(super) fn open_link(ui: &UiRef, fetch: bool, show: Ticket) -> Result<(), AuthError> {
    // As an auth: nothing of the native driver runs outside a tokio runtime (server-side
    // rendering with the feature on opens no browser).
    if !crate::native::has_runtime() {
        return Err(crate::native::no_runtime());
    }
    let Some((url, token, tokens)) = read(ui).map(|state| {
        (state.iframe_url.clone(), state.token.clone(), state.tokens.as_ref().map(|t| t.sessions()))
    }) else {
        return Ok(());
    };
    let open = move |token: &str| {
        let link = crate::text::concat(&[&url, "&session_token=", &crate::url::encode_form(token)]);
        crate::native::open_url(&link).map_err(|error| {
            let why = crate::text::concat(&["The browser could not be opened: ", &error.to_string()]);
            AuthError::new(crate::AuthErrorType::BlockedByBrowser, why)
        })
    };
    match (token, tokens) {
        (Some(token), _) => open(&token),
        (None, Some(tokens)) if fetch => {
            if let Some(token) = tokens.fresh() {
                return open(&token);
            }
            let weak = Rc::downgrade(ui);
            let fetch = Background::spawn(tokens.get(), move |result| {
                let Some(ui) = weak.upgrade() else { return };
                if !read(&ui).is_some_and(|state| state.shows.is_current(show)) {
                    return;
                }
                if let Err(error) = result.and_then(|token: String| open(&token)) {
                    let (error_type, error_message) = (error.error_type().to_owned(), error.message);
                    dispatch(&ui, ConnectUiEvent::Error { error_type, error_message });
                }
            });
            if fetch.is_running() && !crate::platform::can_spawn() {
                // Nothing here polls the fetch again (no executor): say so, never wait.
                return Err(crate::platform::no_executor());
            }
            let replaced = write(ui).map(|mut state| state.fetch.replace(fetch));
            drop(replaced);
            Ok(())
        }
        _ => Err(AuthError::missing_auth_token()),
    }
}
