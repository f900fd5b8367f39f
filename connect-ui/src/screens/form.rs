//! The auth form: an OAuth button, a "connect" button (no auth), or credential fields; plus
//! the connection config fields the provider asks for.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::{Ui, logo};
use crate::form::{AuthKind, FieldError, Form, FormField};
use crate::i18n::{Key, Lang};
use crate::state::{Action, Phase};

/// The form of the selected integration; `on_submit` is the submit handler.
pub fn view(ui: &Ui<'_>, on_submit: Callback<SubmitEvent>) -> Html {
    let (Some(form), Some(integration)) = (&ui.state.form, &ui.state.selected) else {
        return Html::default();
    };
    let lang = ui.lang;
    let busy = ui.state.phase == Phase::Connecting;
    let name = integration.display_name.as_str();
    let hint = match form.kind() {
        AuthKind::OAuth => lang.fill(Key::OAuthHint, name),
        AuthKind::NoAuth => lang.fill(Key::NoAuthHint, name),
        AuthKind::Outbound => lang.fill(Key::OutboundHint, name),
        AuthKind::Credentials => lang.fill(Key::CredentialsHint, name),
    };
    let has_errors = form.show_errors && !form.validate().is_empty();
    let fields = form.fields.iter().enumerate().map(|(i, field)| field_view(ui, form, field, i == 0, busy));
    let back = if busy {
        Some((lang.t(Key::Back), "cancel-button"))
    } else {
        ui.state.can_go_back_to_list().then_some((lang.t(Key::Back), "form-back-button"))
    };
    let first_is_button = form.fields.is_empty();
    html! {
        <form id="auth-form" class="auth-form" novalidate=true onsubmit={on_submit} aria-busy={busy.to_string()}>
            <div class="form-head">
                { logo(integration, 40) }
                <p class="muted">{ hint }</p>
            </div>
            if ui.state.preview {
                <p id="preview-notice" class="muted small" role="status">{ lang.t(Key::PreviewNotice) }</p>
            }
            if let (Some(id), false) = (&form.external_id, ui.state.session.is_reconnecting) {
                { external_id_view(ui, id) }
            }
            if has_errors {
                <p class="form-error" role="alert">{ lang.t(Key::FixErrors) }</p>
            }
            { for fields }
            if let (Some(docs), false) = (&form.docs, form.fields.is_empty()) {
                <p class="docs"><a id="docs-link" href={docs.clone()} target="_blank" rel="noopener noreferrer"
                    onclick={ui.send.reform(|_: MouseEvent| Action::DocsClicked)}>{ lang.t(Key::Docs) }</a></p>
            }
            if busy && form.kind() == AuthKind::OAuth {
                <p class="muted small" role="status">{ lang.t(Key::PopupHint) }</p>
            }
            <div class="actions">
                if let Some((label, id)) = back {
                    <button id={id} type="button" class="secondary"
                            onclick={ui.send.reform(|_: MouseEvent| Action::Back)}>{ label }</button>
                }
                <button id="connect-button" type="submit" class="primary grow" disabled={busy}
                        data-autofocus={first_is_button.then_some("")}>
                    if busy {
                        <span class="spinner small" aria-hidden="true"></span>
                        { lang.t(Key::Connecting) }
                    } else {
                        { lang.t(Key::Connect) }
                    }
                </button>
            </div>
        </form>
    }
}

/// AWS SigV4, first connection: the external id for the role's trust policy, with a copy button.
/// (On reconnect Nango keeps the stored one, so a fresh id would mislead: not shown.)
fn external_id_view(ui: &Ui<'_>, id: &str) -> Html {
    let text = id.to_owned();
    let send = ui.send.clone();
    let copy = Callback::from(move |_: MouseEvent| {
        let (text, send) = (text.clone(), send.clone());
        wasm_bindgen_futures::spawn_local(async move {
            if crate::dom::copy_to_clipboard(&text).await {
                send.emit(Action::Copied(true));
            }
        });
    });
    let label = ui.lang.t(if ui.state.copied { Key::Copied } else { Key::Copy });
    html! {
        <div class="external-id">
            <label for="external-id" class="help">{ ui.lang.t(Key::ExternalIdHint) }</label>
            <div class="control">
                <input id="external-id" type="text" readonly=true value={id.to_owned()} spellcheck="false" />
                <button id="copy-external-id" type="button" class="secondary" onclick={copy}>{ label }</button>
            </div>
        </div>
    }
}

fn error_text(lang: Lang, error: FieldError) -> &'static str {
    lang.t(match error {
        FieldError::Required => Key::Required,
        FieldError::InvalidUrl => Key::InvalidUrl,
        FieldError::InvalidChoice => Key::InvalidChoice,
        FieldError::InvalidFormat => Key::InvalidFormat,
    })
}

fn field_view(ui: &Ui<'_>, form: &Form, field: &FormField, first: bool, busy: bool) -> Html {
    let spec = &field.spec;
    let id = format!("field-{}", spec.name);
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let error = form.error_of(&spec.name);
    let described: Vec<&str> =
        [spec.description.is_some().then_some(help_id.as_str()), error.map(|_| error_id.as_str())]
            .into_iter()
            .flatten()
            .collect();
    let described = (!described.is_empty()).then(|| described.join(" "));
    let label = spec.title.clone().unwrap_or_else(|| spec.name.clone());
    let value = form.value(&spec.name).to_owned();
    let name = spec.name.clone();
    let control = if spec.choices.is_empty() {
        let oninput = ui.send.reform(move |e: InputEvent| Action::Input {
            name: name.clone(),
            value: e.target_unchecked_into::<HtmlInputElement>().value(),
        });
        let kind = if spec.secret {
            "password"
        } else if spec.format.as_deref() == Some("uri") {
            "url"
        } else {
            "text"
        };
        html! {
            <input id={id.clone()} name={spec.name.clone()} type={kind} value={value}
                   placeholder={spec.example.clone()} required={!spec.optional} disabled={busy}
                   autocomplete={if spec.secret { "off" } else { "on" }} spellcheck="false"
                   aria-invalid={error.is_some().then_some("true")} aria-describedby={described}
                   data-autofocus={first.then_some("")} {oninput} />
        }
    } else {
        let onchange = ui.send.reform(move |e: Event| Action::Input {
            name: name.clone(),
            value: e.target_unchecked_into::<HtmlSelectElement>().value(),
        });
        let options = spec.choices.iter().map(|choice| {
            html! { <option value={choice.clone()} selected={*choice == value}>{ choice }</option> }
        });
        html! {
            <select id={id.clone()} name={spec.name.clone()} required={!spec.optional} disabled={busy}
                    aria-invalid={error.is_some().then_some("true")} aria-describedby={described}
                    data-autofocus={first.then_some("")} {onchange}>
                <option value="" selected={value.is_empty()}>{ ui.lang.t(Key::Select) }</option>
                { for options }
            </select>
        }
    };
    html! {
        <div class={classes!("field", error.is_some().then_some("invalid"))} key={spec.name.clone()}>
            <div class="label-row">
                <label for={id.clone()}>
                    { label.clone() }
                    if spec.optional {
                        <span class="optional">{ format!(" ({})", ui.lang.t(Key::Optional)) }</span>
                    }
                </label>
                if let Some(href) = form.field_docs(spec) {
                    <a class="field-docs" href={href} target="_blank" rel="noopener noreferrer"
                       aria-label={ui.lang.fill(Key::FieldDocs, &label)} title={ui.lang.fill(Key::FieldDocs, &label)}
                       onclick={ui.send.reform(|_: MouseEvent| Action::DocSectionClicked)}>{ "ⓘ" }</a>
                }
            </div>
            <div class="control">
                if let Some(prefix) = &spec.prefix { <span class="affix">{ prefix }</span> }
                { control }
                if let Some(suffix) = &spec.suffix { <span class="affix">{ suffix }</span> }
            </div>
            if let Some(description) = &spec.description {
                <p id={help_id} class="help">{ description }</p>
            }
            if let Some(error) = error {
                <p id={error_id} class="error">{ error_text(ui.lang, error) }</p>
            }
        </div>
    }
}
