//! Screens that only explain: session expired, no token, load error, closed.

use yew::prelude::*;

use super::{Ui, status_icon};
use crate::i18n::Key;

fn message(id: &'static str, icon: &'static str, title: &str, body: &str, details: Option<&str>) -> Html {
    html! {
        <div id={id} class="center message" role="alert">
            { status_icon(icon) }
            <h2 data-autofocus="" tabindex="-1">{ title }</h2>
            if !body.is_empty() {
                <p class="muted">{ body }</p>
            }
            if let Some(details) = details {
                <p class="details"><code>{ details }</code></p>
            }
        </div>
    }
}

/// 401 from the API.
pub fn expired(ui: &Ui<'_>) -> Html {
    message(
        "session-expired",
        "error",
        ui.lang.t(Key::SessionExpiredTitle),
        ui.lang.t(Key::SessionExpiredBody),
        None,
    )
}

/// No session token: after 10 s in an iframe, or at once in a standalone page.
pub fn no_token(ui: &Ui<'_>) -> Html {
    let body = if ui.state.in_iframe { Key::NoTokenIframe } else { Key::NoTokenStandalone };
    message("no-token", "info", ui.lang.t(Key::NoTokenTitle), ui.lang.t(body), None)
}

/// The session could not be loaded.
pub fn load_error(ui: &Ui<'_>, details: &str) -> Html {
    message("load-error", "error", ui.lang.t(Key::LoadErrorTitle), "", Some(details))
}

/// Shown after `close` when no parent removes the page.
pub fn closed(ui: &Ui<'_>) -> Html {
    message("closed-screen", "info", ui.lang.t(Key::Closed), "", None)
}
