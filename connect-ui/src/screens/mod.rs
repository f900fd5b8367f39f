//! One module per screen. Each `view` renders the dialog body from the [`Ui`] it is given: the
//! state, the language and where to send actions. No screen sees the component.

pub mod confirm;
pub mod form;
pub mod list;
pub mod loading;
pub mod message;
pub mod outcome;

use web_sys::SubmitEvent;
use yew::prelude::*;

use crate::i18n::{Key, Lang};
use crate::model::Integration;
use crate::state::{Action, Phase, State};

/// What every screen renders from.
pub struct Ui<'a> {
    /// The state.
    pub state: &'a State,
    /// The language.
    pub lang: Lang,
    /// Where actions go.
    pub send: Callback<Action>,
}

/// The dialog's body: the screen of the current phase (or the leave question); `on_submit`
/// is the form's submit handler ([`crate::submit`]).
pub fn body(ui: &Ui<'_>, on_submit: Callback<SubmitEvent>) -> Html {
    if let Some(leave) = ui.state.confirm {
        return confirm::view(ui, leave);
    }
    match &ui.state.phase {
        Phase::WaitingForToken | Phase::Loading | Phase::LoadingProvider => loading::view(ui),
        Phase::NoToken => message::no_token(ui),
        Phase::SessionExpired => message::expired(ui),
        Phase::LoadError(details) => message::load_error(ui, details),
        Phase::Closed => message::closed(ui),
        Phase::List => list::view(ui),
        Phase::Form | Phase::Connecting => form::view(ui, on_submit),
        Phase::Success(success) => outcome::success(ui, success),
        Phase::Failure(error) => outcome::failure(ui, error),
    }
}

/// The dialog's title: "Connect {name}" once an integration is chosen.
pub fn title(ui: &Ui<'_>) -> String {
    match (&ui.state.phase, &ui.state.selected) {
        (Phase::List | Phase::Loading | Phase::WaitingForToken, _) | (_, None) => {
            ui.lang.t(Key::Title).to_owned()
        }
        (_, Some(integration)) => ui.lang.fill(Key::ConnectTo, &integration.display_name),
    }
}

/// A name for the current screen: the focus moves into the dialog when it changes.
pub fn focus_key(state: &State) -> &'static str {
    if state.confirm.is_some() {
        return "confirm";
    }
    match state.phase {
        Phase::WaitingForToken | Phase::Loading | Phase::LoadingProvider => "loading",
        Phase::NoToken => "no-token",
        Phase::SessionExpired => "expired",
        Phase::LoadError(_) => "load-error",
        Phase::List => "list",
        // The form keeps the focus where the user is while connecting.
        Phase::Form | Phase::Connecting => "form",
        Phase::Success(_) => "success",
        Phase::Failure(_) => "failure",
        Phase::Closed => "closed",
    }
}

/// An integration's logo, or its initial when it has none.
pub fn logo(integration: &Integration, size: u32) -> Html {
    match &integration.logo {
        Some(src) => html! {
            <img class="logo" src={src.clone()} alt="" width={size.to_string()} height={size.to_string()} />
        },
        None => {
            let initial: String = integration.display_name.chars().take(1).collect();
            html! { <span class="logo logo-initial" aria-hidden="true">{ initial.to_uppercase() }</span> }
        }
    }
}

/// ×
pub fn icon_close() -> Html {
    html! {
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
            <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round" fill="none" />
        </svg>
    }
}

/// A status icon: `ok`, `error` or `info`.
pub fn status_icon(kind: &'static str) -> Html {
    let path = match kind {
        "ok" => "M7 12.5l3.2 3.2L17 9",
        "error" => "M12 7.5v5.5M12 16.5v.01",
        _ => "M12 8v.01M12 11v5",
    };
    html! {
        <div class={classes!("status-icon", kind)} aria-hidden="true">
            <svg viewBox="0 0 24 24" width="32" height="32" focusable="false">
                <path d={path} stroke="currentColor" stroke-width="2.4" stroke-linecap="round"
                      stroke-linejoin="round" fill="none" />
            </svg>
        </div>
    }
}
