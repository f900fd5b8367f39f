//! "Discard what you entered?" before leaving a half-filled form.

use yew::prelude::*;

use super::{Ui, status_icon};
use crate::i18n::Key;
use crate::state::{Action, Leave};

/// The question, in place of the form.
pub fn view(ui: &Ui<'_>, _leave: Leave) -> Html {
    let t = |k| ui.lang.t(k);
    html! {
        <div id="confirm-leave" class="center message" role="alertdialog"
             aria-labelledby="confirm-title" aria-describedby="confirm-body">
            { status_icon("info") }
            <h2 id="confirm-title">{ t(Key::ConfirmTitle) }</h2>
            <p id="confirm-body" class="muted">{ t(Key::ConfirmBody) }</p>
            <div class="actions">
                <button id="confirm-stay" type="button" class="secondary" data-autofocus=""
                        onclick={ui.send.reform(|_: MouseEvent| Action::CancelLeave)}>{ t(Key::ConfirmStay) }</button>
                <button id="confirm-discard" type="button" class="danger"
                        onclick={ui.send.reform(|_: MouseEvent| Action::ConfirmLeave)}>{ t(Key::ConfirmLeave) }</button>
            </div>
        </div>
    }
}
