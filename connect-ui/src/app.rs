//! The root component: owns the [`State`], performs its effects, renders the dialog.

use std::cell::Cell;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use gloo_timers::callback::Timeout;
use nango_frontend::{AuthError, AuthErrorType, AuthFuture, AuthOptions, ConnectUiEvent, Nango, NangoConfig};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{KeyboardEvent, MouseEvent, SubmitEvent};
use yew::html::Scope;
use yew::prelude::*;

use crate::bridge::{self, Incoming, Parent};
use crate::form::{FormError, Method, Submission};
use crate::i18n::{Key, Lang};
use crate::query::{self, Query};
use crate::screens;
use crate::state::{Action, CloseBy, Effect, Phase, State};
use crate::{api, dom, telemetry, theme};

/// How long the page waits for the parent's `session_token` before saying so.
const TOKEN_WAIT_MS: u32 = 10_000;

/// How long the copy button says "Copied".
const COPIED_MS: u32 = 2_000;

/// The Connect UI page.
pub struct App {
    state: State,
    query: Query,
    lang: Lang,
    parent: Parent,
    nango: Result<Nango, AuthError>,
    /// Which screen got the focus last, to move it only when the screen changes.
    focused_screen: Option<&'static str>,
    /// A submit was refused: focus the first invalid field after the render.
    focus_invalid: bool,
    /// The pointer went down on the backdrop itself (a click outside starts and ends there).
    pressed_outside: Rc<Cell<bool>>,
    /// The id of the last auth call started, so that each result names its call.
    last_auth: Rc<Cell<u64>>,
    _listeners: Vec<EventListener>,
    _token_timeout: Option<Timeout>,
    /// Ends "Copied" on the external id's copy button.
    _copied_timeout: Option<Timeout>,
}

impl Component for App {
    type Message = Action;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let window = web_sys::window();
        let search = window.as_ref().and_then(|w| w.location().search().ok()).unwrap_or_default();
        let query = Query::parse(&search);
        let browser_langs: Vec<String> = window
            .as_ref()
            .map(|w| w.navigator().languages().iter().filter_map(|l| l.as_string()).collect())
            .unwrap_or_default();
        let lang = Lang::detect(query.lang.as_deref(), browser_langs.iter().map(String::as_str));
        let in_iframe = window.as_ref().is_some_and(bridge::in_iframe);
        let (state, effects) = State::new(in_iframe, query.session_token.clone(), query.preview);

        let mut app = Self {
            state,
            lang,
            parent: match &window {
                Some(w) => Parent::new(w),
                None => Parent::detached(),
            },
            nango: Err(AuthError::new(
                AuthErrorType::MissingConnectSessionToken,
                "The session is not loaded yet",
            )),
            focused_screen: None,
            focus_invalid: false,
            pressed_outside: Rc::new(Cell::new(false)),
            last_auth: Rc::new(Cell::new(0)),
            _listeners: Vec::new(),
            _token_timeout: None,
            _copied_timeout: None,
            query,
        };
        if let Some(window) = &window {
            dom::set_lang(window, lang.code());
            let forced = theme::resolve(app.query.theme, &Default::default());
            dom::apply_theme(window, forced, &theme::primaries(&Default::default()));
            app.install_listeners(window, ctx.link());
            if in_iframe && app.query.session_token.is_none() {
                let link = ctx.link().clone();
                app._token_timeout =
                    Some(Timeout::new(TOKEN_WAIT_MS, move || link.send_message(Action::TokenTimeout)));
            }
        }
        // After the listener is in place, so that the parent's answer cannot be missed.
        app.parent.post(&ConnectUiEvent::Ready);
        app.run(ctx, effects);
        app
    }

    fn update(&mut self, ctx: &Context<Self>, action: Action) -> bool {
        match &action {
            Action::Token(_) => self._token_timeout = None,
            Action::ShowErrors => self.focus_invalid = true,
            Action::Copied(true) => {
                let link = ctx.link().clone();
                self._copied_timeout =
                    Some(Timeout::new(COPIED_MS, move || link.send_message(Action::Copied(false))));
            }
            _ => {}
        }
        let effects = self.state.apply(action);
        self.run(ctx, effects);
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let lang = self.lang;
        let link = ctx.link();
        let close = link.callback(|_: MouseEvent| Action::RequestClose(CloseBy::Button));
        let pressed = Rc::clone(&self.pressed_outside);
        let on_press = Callback::from(move |e: MouseEvent| pressed.set(is_on_self(&e)));
        let pressed = Rc::clone(&self.pressed_outside);
        let on_backdrop = link.batch_callback(move |e: MouseEvent| {
            let outside = pressed.replace(false) && is_on_self(&e);
            outside.then_some(Action::RequestClose(CloseBy::Outside))
        });
        let ui = screens::Ui { state: &self.state, lang, link };
        let body = if let Some(leave) = self.state.confirm {
            screens::confirm::view(&ui, leave)
        } else {
            match &self.state.phase {
                Phase::WaitingForToken | Phase::Loading | Phase::LoadingProvider => {
                    screens::loading::view(&ui)
                }
                Phase::NoToken => screens::message::no_token(&ui),
                Phase::SessionExpired => screens::message::expired(&ui),
                Phase::LoadError(details) => screens::message::load_error(&ui, details),
                Phase::Closed => screens::message::closed(&ui),
                Phase::List => screens::list::view(&ui),
                Phase::Form | Phase::Connecting => screens::form::view(&ui, self.connect_callback(ctx)),
                Phase::Success(success) => screens::outcome::success(&ui, success),
                Phase::Failure(error) => screens::outcome::failure(&ui, error),
            }
        };
        let title = match (&self.state.phase, &self.state.selected) {
            (Phase::List | Phase::Loading | Phase::WaitingForToken, _) | (_, None) => {
                lang.t(Key::Title).to_owned()
            }
            (_, Some(integration)) => lang.fill(Key::ConnectTo, &integration.display_name),
        };
        let watermark = self.state.session.settings.show_watermark.unwrap_or(true);
        html! {
            <div class={classes!("backdrop", self.query.embedded.then_some("embedded"))}
                 onmousedown={on_press} onclick={on_backdrop}>
                <div id={dom::DIALOG_ID} class="dialog" role="dialog" aria-modal="true"
                     aria-labelledby="dialog-title" tabindex="-1">
                    <header class="dialog-header">
                        <h1 id="dialog-title">{ title }</h1>
                        if self.state.in_iframe {
                            <button id="close-button" type="button" class="icon-button"
                                    aria-label={lang.t(Key::Close)} title={lang.t(Key::Close)} onclick={close}>
                                { screens::icon_close() }
                            </button>
                        }
                    </header>
                    <div class="dialog-body">{ body }</div>
                    if watermark {
                        <footer class="dialog-footer">{ lang.t(Key::SecuredBy) }</footer>
                    }
                </div>
            </div>
        }
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first_render: bool) {
        let Some(window) = web_sys::window() else { return };
        let screen = screens::focus_key(&self.state);
        if self.focused_screen != Some(screen) {
            self.focused_screen = Some(screen);
            dom::focus_screen(&window);
        }
        if std::mem::take(&mut self.focus_invalid) {
            dom::focus_first_invalid(&window);
        }
    }
}

impl App {
    fn install_listeners(&mut self, window: &web_sys::Window, link: &Scope<Self>) {
        let api_origin = web_sys::Url::new(&self.query.api_url).map(|u| u.origin()).unwrap_or_default();
        let lang = self.lang;
        let on_message = link.callback(move |message| match message {
            Incoming::Token(token) => Action::Token(token),
            Incoming::Settings(settings) => Action::PreviewSettings(settings),
            Incoming::CallbackError { message, error_type } => Action::CallbackError {
                message: message.unwrap_or_else(|| lang.t(Key::AuthorizationFailed).to_owned()),
                error_type,
            },
        });
        self._listeners.push(bridge::listen(window, &self.parent, api_origin, move |m| on_message.emit(m)));
        let keys = link.clone();
        let key_window = window.clone();
        // Not passive: Tab's default is prevented to keep the focus in the dialog.
        self._listeners.push(EventListener::new_with_options(
            window,
            "keydown",
            EventListenerOptions::enable_prevent_default(),
            move |event| {
                let Some(event) = event.dyn_ref::<KeyboardEvent>() else { return };
                match event.key().as_str() {
                    "Escape" => {
                        event.prevent_default();
                        keys.send_message(Action::Escape);
                    }
                    "Tab" => dom::trap_tab(&key_window, event),
                    _ => {}
                }
            },
        ));
    }

    fn run(&mut self, ctx: &Context<Self>, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::LoadSession { token, ticket } => {
                    let link = ctx.link().clone();
                    let api_url = self.query.api_url.clone();
                    spawn_local(async move {
                        link.send_message(match api::load_session(&api_url, &token).await {
                            Ok((session, integrations)) => {
                                Action::SessionLoaded { ticket, session, integrations }
                            }
                            Err(error) => Action::LoadFailed { ticket, error },
                        });
                    });
                }
                Effect::UseSession => self.use_session(),
                Effect::LoadProvider { provider, ticket } => {
                    let link = ctx.link().clone();
                    let api_url = self.query.api_url.clone();
                    let token = self.state.token.clone().unwrap_or_default();
                    let lang = self.lang.code();
                    spawn_local(async move {
                        link.send_message(
                            match api::load_provider(&api_url, &token, &provider, lang).await {
                                Ok(provider) => Action::ProviderLoaded {
                                    ticket,
                                    provider,
                                    external_id: dom::random_uuid(),
                                },
                                Err(error) => Action::ProviderFailed { ticket, error },
                            },
                        );
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
                Effect::Telemetry(beacon) => telemetry::send(&self.query.api_url, &beacon),
            }
        }
    }

    /// The client for the session just loaded, and its theme.
    fn use_session(&mut self) {
        let session = &self.state.session;
        let token = self.state.token.clone().unwrap_or_default();
        let websockets_path = query::websockets_path(&self.query.api_url, session.websockets_path.as_deref());
        let config = NangoConfig::new()
            .connect_session_token(token)
            .host(self.query.api_url.as_str())
            .websockets_path(websockets_path);
        self.nango = Nango::new(config);
        if let Some(window) = web_sys::window() {
            let theme = theme::resolve(self.query.theme, &session.settings);
            dom::apply_theme(&window, theme, &theme::primaries(&session.settings));
        }
    }

    /// The form's submit handler. The auth call starts inside the handler itself, so that the
    /// OAuth popup opens within the user's click (Safari blocks it after an await).
    fn connect_callback(&self, ctx: &Context<Self>) -> Callback<SubmitEvent> {
        let link = ctx.link().clone();
        let submission = self.state.form.as_ref().map(|f| f.submission());
        let key = self.state.selected.as_ref().map(|i| i.unique_key.clone()).unwrap_or_default();
        let nango = self.nango.clone();
        let detect = self.query.detect_closed_auth_window;
        let reconnect = self.state.session.is_reconnecting;
        let busy = self.state.phase == Phase::Connecting;
        let may_start = self.state.may_start_auth();
        let last_auth = Rc::clone(&self.last_auth);
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if busy {
                return;
            }
            let future: Result<AuthFuture, AuthError> = match &submission {
                None => return,
                Some(Err(FormError::Fields(_))) => {
                    link.send_message(Action::ShowErrors);
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
            link.send_message(Action::Connecting(id));
            let link = link.clone();
            spawn_local(async move {
                let result = match future {
                    Ok(future) => future.await,
                    Err(error) => Err(error),
                };
                link.send_message(Action::AuthDone { id, result });
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

/// Whether a mouse event hit the backdrop itself, not the dialog. (Yew delegates events, so
/// `currentTarget` is not the backdrop: look at the target's class.)
fn is_on_self(event: &MouseEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| el.class_list().contains("backdrop"))
}
