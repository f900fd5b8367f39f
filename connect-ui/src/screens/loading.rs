//! Loading: waiting for the token, the session or the provider.

use yew::prelude::*;

use super::Ui;
use crate::i18n::Key;

/// The spinner.
pub fn view(ui: &Ui<'_>) -> Html {
    html! {
        <div id="loading-screen" class="center" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <p class="muted">{ ui.lang.t(Key::Loading) }</p>
        </div>
    }
}
