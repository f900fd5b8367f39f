//! The integration list.

use yew::prelude::*;

use super::{Ui, logo};
use crate::i18n::Key;
use crate::state::{Action, CloseBy};

/// One button per integration.
pub fn view(ui: &Ui<'_>) -> Html {
    if ui.state.integrations.is_empty() {
        return html! {
            <div id="integration-list" class="center">
                <p class="muted">{ ui.lang.t(Key::NoIntegrations) }</p>
                if ui.state.in_iframe {
                    <div class="actions">
                        <button id="empty-close-button" type="button" class="secondary wide" data-autofocus=""
                                onclick={ui.send.reform(|_: MouseEvent| Action::RequestClose(CloseBy::Button))}>
                            { ui.lang.t(Key::Close) }
                        </button>
                    </div>
                }
            </div>
        };
    }
    let items = ui.state.integrations.iter().enumerate().map(|(i, integration)| {
        let key = integration.unique_key.clone();
        let onclick = ui.send.reform(move |_: MouseEvent| Action::Select(key.clone()));
        html! {
            <li key={integration.unique_key.clone()}>
                <button type="button" class="integration" data-integration={integration.unique_key.clone()}
                        data-autofocus={(i == 0).then_some("")} onclick={onclick}>
                    { logo(integration, 32) }
                    <span class="integration-name">{ &integration.display_name }</span>
                    <span class="chevron" aria-hidden="true">{ "›" }</span>
                </button>
            </li>
        }
    });
    html! {
        <div id="integration-list">
            <p class="muted lead" id="list-label">{ ui.lang.t(Key::ChooseIntegration) }</p>
            <ul class="integrations" aria-labelledby="list-label">{ for items }</ul>
        </div>
    }
}
