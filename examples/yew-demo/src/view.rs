//! The page: Connect UI, headless auth, connections and the live event log.

use nango_yew::{
    AuthOptions, AuthState, AuthSuccess, ConnectUiEvent, ConnectUiOptions, Credentials, Theme, TokenSource,
    UseAuthOptions, UseConnectUiOptions, use_auth_with_options, use_connect_ui_with_options,
};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::config::DemoConfig;
use crate::{auth_label, connect_ui_label};

/// Props of [`Demo`].
#[derive(Properties, PartialEq)]
pub struct DemoProps {
    /// The page's configuration.
    pub config: DemoConfig,
}

/// One line of the event log.
#[derive(Clone, PartialEq)]
struct LogEntry {
    id: usize,
    event: ConnectUiEvent,
}

/// Sets `data-theme` on `<html>` (the stylesheet follows it).
fn apply_theme(theme: Theme) {
    #[cfg(target_arch = "wasm32")]
    if let Some(html) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = html.set_attribute("data-theme", theme.as_str());
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = theme;
}

/// An `oninput` handler writing the input's value into `state`.
fn bind(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| state.set(e.target_unchecked_into::<HtmlInputElement>().value()))
}

/// The demo page.
#[component]
pub fn Demo(props: &DemoProps) -> Html {
    let config = &props.config;
    let theme = use_state_eq(|| Theme::Light);
    use_effect_with(*theme, |theme| apply_theme(*theme));
    let tokens = use_memo(config.session_url.clone(), |url| TokenSource::backend(url.clone()));

    let log = use_reducer(EventLog::default);
    let ui = use_connect_ui_with_options(
        UseConnectUiOptions::new()
            .connect_ui(
                ConnectUiOptions::new()
                    .base_url(config.connect_ui_url.clone())
                    .api_url(config.api_url.clone())
                    .theme(*theme),
            )
            .session_token((*tokens).clone())
            .on_event({
                let log = log.dispatcher();
                move |event: ConnectUiEvent| log.dispatch(event)
            }),
    );

    let auth = use_auth_with_options(UseAuthOptions::new().session_token((*tokens).clone()));
    let headless = use_state_eq(Vec::<AuthSuccess>::new);
    {
        let headless = headless.clone();
        use_effect_with(auth.state.clone(), move |state| {
            if let AuthState::Connected(connection) = state
                && !headless.contains(connection)
            {
                let mut all = (*headless).clone();
                all.push(connection.clone());
                headless.set(all);
            }
        });
    }
    let mut connections = ui.connections.clone();
    connections.extend(headless.iter().filter(|c| !ui.connections.contains(c)).cloned());

    let oauth_provider = use_state(|| "github-dev".to_owned());
    let api_key_provider = use_state(|| "api-key-dev".to_owned());
    let api_key = use_state(String::new);
    let next_theme = if *theme == Theme::Dark { Theme::Light } else { Theme::Dark };

    let on_open = {
        let ui = ui.clone();
        move |_| ui.open()
    };
    let on_close = {
        let ui = ui.clone();
        move |_| ui.close()
    };
    let on_theme = {
        let theme = theme.clone();
        move |_| theme.set(next_theme)
    };
    // The popup opens inside `run`, during the click: browsers allow it there.
    let on_oauth = {
        let (auth, provider) = (auth.clone(), oauth_provider.clone());
        move |_| auth.run(&provider, AuthOptions::new().detect_closed_auth_window(true))
    };
    let on_api_key = {
        let (auth, provider, key) = (auth.clone(), api_key_provider.clone(), api_key.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            auth.run(&provider, AuthOptions::new().credentials(Credentials::api_key((*key).clone())));
        }
    };
    let pending = auth.state.is_pending();

    html! {
        <>
        <header>
            <h1>{ "Nango " }<span class="accent">{ "×" }</span>{ " Yew" }</h1>
            <button id="theme-toggle" class="ghost" onclick={on_theme} aria-label="Toggle the theme">
                { format!("{} theme", next_theme.as_str()) }
            </button>
        </header>
        <main>
            <section class="card">
                <h2>{ "Connect UI" }</h2>
                <p class="muted">{ "Nango's Connect UI in an iframe; it shows at once and gets its session token from the demo backend." }</p>
                <div class="row">
                    <button id="open-connect-ui" onclick={on_open}>{ "Connect an account" }</button>
                    <button id="close-connect-ui" class="ghost" onclick={on_close}>{ "Close" }</button>
                    <span class="badge">{ "state: " }<span id="connect-ui-state">{ connect_ui_label(ui.is_open, ui.is_ready) }</span></span>
                </div>
                if let Some(error) = &ui.last_error {
                    <p class="error">{ format!("{}: {}", error.error_type(), error.message) }</p>
                }
            </section>
            <section class="card">
                <h2>{ "Headless auth" }</h2>
                <p class="muted">{ "Your own UI: an OAuth popup, or credentials posted to Nango." }</p>
                <div class="row">
                    <input id="oauth-provider" aria-label="Integration for OAuth" value={(*oauth_provider).clone()} oninput={bind(&oauth_provider)} />
                    <button id="oauth-button" onclick={on_oauth} disabled={pending}>{ "Connect with OAuth" }</button>
                </div>
                <form class="row" onsubmit={on_api_key}>
                    <input id="api-key-provider" aria-label="Integration for the API key" value={(*api_key_provider).clone()} oninput={bind(&api_key_provider)} />
                    <input id="api-key-input" type="password" placeholder="API key" aria-label="API key" value={(*api_key).clone()} oninput={bind(&api_key)} />
                    <button id="api-key-submit" type="submit" disabled={pending}>{ "Save API key" }</button>
                </form>
                <p class="badge">{ "auth: " }<span id="auth-state">{ auth_label(&auth.state) }</span></p>
                if let AuthState::Failed(error) = &auth.state {
                    <p class="error">{ &error.message }</p>
                }
            </section>
            <section class="card">
                <h2>{ "Connections" }</h2>
                if connections.is_empty() {
                    <p class="muted">{ "None yet." }</p>
                }
                <ul id="connections">
                    { for connections.iter().map(|c| html! {
                        <li key={format!("{}/{}", c.provider_config_key, c.connection_id)}
                            data-connection-id={c.connection_id.clone()}
                            data-provider-config-key={c.provider_config_key.clone()}>
                            <strong>{ &c.provider_config_key }</strong>{ " " }<code>{ &c.connection_id }</code>
                        </li>
                    }) }
                </ul>
            </section>
            <section class="card wide">
                <h2>{ "Event log" }</h2>
                if log.entries.is_empty() {
                    <p class="muted">{ "Events from the Connect UI appear here, newest first." }</p>
                }
                <ol id="event-log" reversed=true>
                    { for log.entries.iter().map(|entry| html! {
                        <li key={entry.id} data-kind={entry.event.kind()}>
                            <strong>{ entry.event.kind() }</strong>
                            if let Some(payload) = entry.event.to_message().get("payload") {
                                { " " }<code>{ payload.to_string() }</code>
                            }
                        </li>
                    }) }
                </ol>
            </section>
        </main>
        </>
    }
}

/// The event log, newest first.
#[derive(Default, PartialEq)]
struct EventLog {
    entries: Vec<LogEntry>,
}

impl Reducible for EventLog {
    type Action = ConnectUiEvent;

    fn reduce(self: std::rc::Rc<Self>, event: ConnectUiEvent) -> std::rc::Rc<Self> {
        let mut entries = Vec::with_capacity(self.entries.len() + 1);
        entries.push(LogEntry { id: self.entries.len(), event });
        entries.extend(self.entries.iter().cloned());
        std::rc::Rc::new(Self { entries })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    #[test]
    fn the_log_is_newest_first_with_stable_keys() {
        let log = Rc::new(EventLog::default()).reduce(ConnectUiEvent::Ready).reduce(ConnectUiEvent::Close);
        let kinds: Vec<_> = log.entries.iter().map(|e| (e.id, e.event.kind())).collect();
        assert_eq!(kinds, [(1, "close"), (0, "ready")]);
    }
}
