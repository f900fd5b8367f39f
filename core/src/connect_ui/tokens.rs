//! A Connect UI's token source: the cached token, or a fetch for the show that asked, handed
//! over only while that show is current.

use std::rc::Rc;

use super::dispatch::{dispatch, post_token};
use super::{UiRef, read, write};
use crate::generation::Ticket;
use crate::task::Background;
use crate::token::SessionTokens;
use crate::{ConnectUiEvent, TokenSource};

/// The token source of a Connect UI.
pub(super) trait ShowTokens {
    fn set_source(&self, source: TokenSource);
    /// Forgets the cached token (the Connect UI said the session expired, or the app asked).
    fn invalidate(&self);
    /// Hands the show `show` the cached token, or fetches one and hands it over if that
    /// show is still current.
    fn hand_over(&self, ui: &UiRef, show: Ticket);
    #[cfg(test)]
    fn cache(&self) -> SessionTokens;
    /// The tokens themselves (natively, to open the Connect UI's link).
    #[cfg(all(not(browser), feature = "native"))]
    fn sessions(&self) -> SessionTokens;
}

impl ShowTokens for SessionTokens {
    fn set_source(&self, source: TokenSource) {
        let _changed = SessionTokens::set_source(self, source);
    }

    fn invalidate(&self) {
        SessionTokens::invalidate(self);
    }

    fn hand_over(&self, ui: &UiRef, show: Ticket) {
        fetch_token(ui, self, show);
    }

    #[cfg(test)]
    fn cache(&self) -> SessionTokens {
        self.clone()
    }

    #[cfg(all(not(browser), feature = "native"))]
    fn sessions(&self) -> SessionTokens {
        self.clone()
    }
}

pub(super) fn fetch_token(ui: &UiRef, tokens: &SessionTokens, show: Ticket) {
    if let Some(token) = tokens.fresh() {
        if let Some(mut state) = write(ui) {
            state.token = Some(token);
        }
        return;
    }
    let weak = Rc::downgrade(ui);
    let fetch = Background::spawn(tokens.get(), move |result| {
        let Some(ui) = weak.upgrade() else { return };
        // An answer for a show that is no longer current is ignored, a failure as a token.
        let current = read(&ui).is_some_and(|state| {
            state.shows.is_current(show) && state.explicit.is_none() && state.dom.is_some()
        });
        match result {
            Ok(token) if current => {
                if let Some(mut state) = write(&ui) {
                    state.token = Some(token);
                    if state.ready {
                        post_token(&state);
                    }
                }
            }
            Err(error) if current => dispatch(
                &ui,
                ConnectUiEvent::Error {
                    error_type: error.error_type().to_owned(),
                    error_message: error.message,
                },
            ),
            _ => {}
        }
    });
    // A fetch it replaces (the app's future) is dropped with the state released.
    let replaced = write(ui).map(|mut state| state.fetch.replace(fetch));
    drop(replaced);
}
