//! The Connect UI iframe and its `message` listener (`show` in `driver.js`).

use std::rc::Rc;

use super::js::{self, Js, Refused};
use crate::AuthError;
use crate::connect_ui::{UiRef, deliver};
use crate::protocol::connect_ui::{message_event, session_token_message};

/// The mounted iframe. Dropping or [`remove`](Dom::remove)-ing it removes the listener and the
/// iframe; the last Connect UI of the page to go restores the page's `overflow-x` and
/// `overflow-y` (with their priority) as they were before the first one came (handles closed in
/// any order). The iframe's id is the official SDK's `connect-ui`; one shown while others are
/// open gets `connect-ui-2`, `connect-ui-3`, …, numbered until none is open.
pub(crate) struct Dom(Js);

impl Dom {
    pub fn mount(ui: &UiRef) -> Result<Self, AuthError> {
        // The show has just written these and holds no borrow (see `crate::cell`).
        let Ok((src, origin)) = ui.try_borrow().map(|state| (state.iframe_url.clone(), state.origin.clone()))
        else {
            return Err(AuthError::unsupported());
        };
        // The driver checks each message's origin and source (the iframe's own window) first.
        let weak = Rc::downgrade(ui);
        let shown = Js::show(&src, &origin, move |data| {
            if let Some(ui) = weak.upgrade() {
                deliver(&ui, message_event(data));
            }
        });
        match shown {
            Ok(js) => Ok(Self(js)),
            Err(Refused::Failed(why)) => {
                Err(AuthError::new(crate::AuthErrorType::UnsupportedEnvironment, why))
            }
            Err(Refused::Blocked) => Err(AuthError::unsupported()),
        }
    }

    pub fn is_connected(&self) -> bool {
        js::connected(&self.0.handle)
    }

    /// Posts the session token to the Connect UI's origin only (the JS SDK uses `"*"`).
    pub fn post_token(&self, token: &str) {
        js::post(&self.0.handle, &session_token_message(token));
    }

    pub fn remove(self) {}
}
