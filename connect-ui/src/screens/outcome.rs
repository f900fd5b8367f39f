//! Success and failure screens.

use nango_frontend::{AuthError, AuthSuccess};
use yew::prelude::*;

use super::{Ui, status_icon};
use crate::i18n::Key;
use crate::state::{Action, CloseBy};

fn name(ui: &Ui<'_>) -> String {
    ui.state.selected.as_ref().map(|i| i.display_name.clone()).unwrap_or_default()
}

/// Connected: "Finish" posts `close`.
pub fn success(ui: &Ui<'_>, success: &AuthSuccess) -> Html {
    let body = if success.is_pending { Key::PendingBody } else { Key::SuccessBody };
    html! {
        <div id="success-screen" class="center message" role="status">
            { status_icon("ok") }
            <h2>{ ui.lang.t(Key::SuccessTitle) }</h2>
            <p class="muted">{ ui.lang.fill(body, &name(ui)) }</p>
            if ui.state.in_iframe {
                <div class="actions">
                    <button id="finish-button" type="button" class="primary wide" data-autofocus=""
                            onclick={ui.send.reform(|_: MouseEvent| Action::Finish)}>{ ui.lang.t(Key::Finish) }</button>
                </div>
            } else {
                <p id="close-tab" class="muted" data-autofocus="" tabindex="-1">{ ui.lang.t(Key::CloseTab) }</p>
            }
        </div>
    }
}

/// Failed: the error type and message, "Back" to the form.
pub fn failure(ui: &Ui<'_>, error: &AuthError) -> Html {
    let can_go_back = ui.state.form.is_some() || ui.state.can_go_back_to_list();
    html! {
        <div id="error-screen" class="center message" role="alert">
            { status_icon("error") }
            <h2>{ ui.lang.t(Key::FailureTitle) }</h2>
            <p class="muted">{ ui.lang.fill(Key::FailureBody, &name(ui)) }</p>
            if let Some(hint) = crate::i18n::failure_hint(&error.kind) {
                <p id="error-hint">{ ui.lang.fill(hint, &name(ui)) }</p>
            }
            <dl class="error-details">
                <dt>{ ui.lang.t(Key::ErrorType) }</dt>
                <dd><code id="error-type">{ error.error_type() }</code></dd>
                if !error.message.is_empty() {
                    <dd id="error-message">{ &error.message }</dd>
                }
            </dl>
            <div class="actions">
                if can_go_back {
                    <button id="back-button" type="button" class="primary wide" data-autofocus=""
                            onclick={ui.send.reform(|_: MouseEvent| Action::Back)}>{ ui.lang.t(Key::Back) }</button>
                } else if ui.state.in_iframe {
                    <button id="back-button" type="button" class="secondary wide" data-autofocus=""
                            onclick={ui.send.reform(|_: MouseEvent| Action::RequestClose(CloseBy::Button))}>{ ui.lang.t(Key::Close) }</button>
                }
            </div>
        </div>
    }
}
