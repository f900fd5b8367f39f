//! Performs the reducer's [`Effect`]s: the API requests (their answers come back as actions),
//! the messages to the parent, the Nango client of the session, the theme and the telemetry.
//! Touches the browser and the network.

use nango_frontend::{AuthError, AuthErrorType, ConnectUiEvent, Nango, NangoConfig, Theme};
use wasm_bindgen_futures::spawn_local;
use yew::Callback;

use crate::bridge::Parent;
use crate::i18n::Lang;
use crate::query::{self, Query};
use crate::state::{Action, Effect, State};
use crate::{api, dom, telemetry, theme};

/// What performs the effects, and the Nango client it makes for the session.
pub struct Runner {
    /// The Nango API.
    api_url: String,
    /// The theme the query forces, if any.
    theme: Option<Theme>,
    lang: Lang,
    parent: Parent,
    nango: Result<Nango, AuthError>,
    /// Where the answers go, as actions.
    send: Callback<Action>,
}

impl Runner {
    /// The runner of the page opened with `query`; answers are sent to `send`.
    pub fn new(query: &Query, lang: Lang, parent: Parent, send: Callback<Action>) -> Self {
        Self {
            api_url: query.api_url.clone(),
            theme: query.theme,
            lang,
            parent,
            nango: Err(AuthError::new(
                AuthErrorType::MissingConnectSessionToken,
                "The session is not loaded yet",
            )),
            send,
        }
    }

    /// The parent window.
    pub fn parent(&self) -> &Parent {
        &self.parent
    }

    /// The Nango client of the loaded session (an error before one is loaded).
    pub fn nango(&self) -> &Result<Nango, AuthError> {
        &self.nango
    }

    /// Performs `effects`, in order; `state` is the state they came from.
    pub fn run(&mut self, state: &State, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::LoadSession { token, ticket } => {
                    let send = self.send.clone();
                    let api_url = self.api_url.clone();
                    spawn_local(async move {
                        send.emit(match api::load_session(&api_url, &token).await {
                            Ok((session, integrations)) => {
                                Action::SessionLoaded { ticket, session, integrations }
                            }
                            Err(error) => Action::LoadFailed { ticket, error },
                        });
                    });
                }
                Effect::UseSession => self.use_session(state),
                Effect::LoadProvider { provider, ticket } => {
                    let send = self.send.clone();
                    let api_url = self.api_url.clone();
                    let token = state.token.clone().unwrap_or_default();
                    let lang = self.lang.code();
                    spawn_local(async move {
                        send.emit(match api::load_provider(&api_url, &token, &provider, lang).await {
                            Ok(provider) => {
                                Action::ProviderLoaded { ticket, provider, external_id: dom::random_uuid() }
                            }
                            Err(error) => Action::ProviderFailed { ticket, error },
                        });
                    });
                }
                Effect::Post(event) => self.parent.post(&event),
                Effect::CancelAuth => {
                    if let Ok(nango) = &self.nango {
                        nango.cancel_pending_auth();
                    }
                }
                Effect::Close => self.parent.post(&ConnectUiEvent::Close),
                Effect::Restyle(settings) => {
                    // As Nango's preview: the settings' own default theme, not the query's.
                    if let Some(window) = web_sys::window() {
                        dom::apply_theme(
                            &window,
                            theme::resolve(None, &settings),
                            &theme::primaries(&settings),
                        );
                    }
                }
                Effect::Telemetry(beacon) => telemetry::send(&self.api_url, &beacon),
            }
        }
    }

    /// The client for the session just loaded, and its theme.
    fn use_session(&mut self, state: &State) {
        let session = &state.session;
        let token = state.token.clone().unwrap_or_default();
        let websockets_path = query::websockets_path(&self.api_url, session.websockets_path.as_deref());
        let config = NangoConfig::new()
            .connect_session_token(token)
            .host(self.api_url.as_str())
            .websockets_path(websockets_path);
        self.nango = Nango::new(config);
        if let Some(window) = web_sys::window() {
            let theme = theme::resolve(self.theme, &session.settings);
            dom::apply_theme(&window, theme, &theme::primaries(&session.settings));
        }
    }
}
