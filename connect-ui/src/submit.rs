//! The form's submit handler. The auth call starts inside the handler itself, so that the OAuth
//! popup opens within the user's click (Safari blocks it after an await); the reducer then
//! hears of it by its ticket ([`Action::Connecting`]) and of its end ([`Action::AuthDone`]).

use std::cell::Cell;
use std::rc::Rc;

use nango_frontend::{AuthError, AuthFuture, AuthOptions, Nango};
use wasm_bindgen_futures::spawn_local;
use web_sys::SubmitEvent;
use yew::Callback;

use crate::form::{FormError, Method, Submission};
use crate::state::{Action, AuthTicket, Phase, State};

/// Starts auth calls from the form, each with a new ticket.
pub struct Submit {
    /// `detectClosedAuthWindow` from the query.
    detect_closed_auth_window: bool,
    /// The ticket of the last auth call started, so that each result names its call.
    last_auth: Rc<Cell<AuthTicket>>,
}

impl Submit {
    /// Auth calls with the query's `detectClosedAuthWindow`.
    pub fn new(detect_closed_auth_window: bool) -> Self {
        Self { detect_closed_auth_window, last_auth: Rc::new(Cell::new(0)) }
    }

    /// The submit handler of the form shown in `state`, connecting through `nango`; the
    /// actions go to `send`.
    pub fn handler(
        &self,
        state: &State,
        nango: &Result<Nango, AuthError>,
        send: Callback<Action>,
    ) -> Callback<SubmitEvent> {
        let submission = state.form.as_ref().map(|f| f.submission());
        let key = state.selected.as_ref().map(|i| i.unique_key.clone()).unwrap_or_default();
        let nango = nango.clone();
        let detect = self.detect_closed_auth_window;
        let reconnect = state.session.is_reconnecting;
        let busy = state.phase == Phase::Connecting;
        let may_start = state.may_start_auth();
        let last_auth = Rc::clone(&self.last_auth);
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if busy {
                return;
            }
            let future: Result<AuthFuture, AuthError> = match &submission {
                None => return,
                Some(Err(FormError::Fields(_))) => {
                    send.emit(Action::ShowErrors);
                    return;
                }
                // A preview checks the form but connects nothing.
                Some(_) if !may_start => return,
                Some(Err(FormError::Auth(error))) => Err(error.clone()),
                Some(Ok(submission)) => match &nango {
                    Ok(nango) => Ok(start_auth(nango, &key, submission.clone(), detect, reconnect)),
                    Err(error) => Err(error.clone()),
                },
            };
            let id = last_auth.get().wrapping_add(1);
            last_auth.set(id);
            send.emit(Action::Connecting(id));
            let send = send.clone();
            spawn_local(async move {
                let result = match future {
                    Ok(future) => future.await,
                    Err(error) => Err(error),
                };
                send.emit(Action::AuthDone { id, result });
            });
        })
    }
}

/// Starts the core's auth call for a valid form (synchronously: an OAuth popup opens here).
fn start_auth(nango: &Nango, key: &str, submission: Submission, detect: bool, reconnect: bool) -> AuthFuture {
    let mut options = AuthOptions::new().detect_closed_auth_window(detect);
    for (name, value) in submission.params {
        options = options.param(name, value);
    }
    if let Some(assertion) = submission.assertion_option {
        options = options.assertion_option(assertion);
    }
    match submission.method {
        Method::Create => nango.create(key, options),
        Method::OAuth if reconnect => nango.reconnect(key, options),
        Method::OAuth => nango.auth(key, options),
        Method::Credentials(credentials) if reconnect => {
            nango.reconnect(key, options.credentials(credentials))
        }
        Method::Credentials(credentials) => nango.auth(key, options.credentials(credentials)),
    }
}
