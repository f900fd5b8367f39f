//! The root component: owns the [`State`], sends its actions through the reducer, has the
//! [`Runner`] perform the effects, and renders the dialog around the current screen.

use std::cell::Cell;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use gloo_timers::callback::Timeout;
use nango_frontend::ConnectUiEvent;
use wasm_bindgen::JsCast;
use web_sys::{KeyboardEvent, MouseEvent};
use yew::prelude::*;

use crate::bridge::{self, Incoming, Parent};
use crate::effects::Runner;
use crate::i18n::{Key, Lang};
use crate::query::Query;
use crate::screens::{self, Ui};
use crate::state::{Action, CloseBy, State};
use crate::submit::Submit;
use crate::{dom, theme};

/// How long the page waits for the parent's `session_token` before saying so.
const TOKEN_WAIT_MS: u32 = 10_000;

/// How long the copy button says "Copied".
const COPIED_MS: u32 = 2_000;

/// The Connect UI page.
pub struct App {
    state: State,
    query: Query,
    lang: Lang,
    /// Performs the reducer's effects.
    runner: Runner,
    /// Starts auth calls inside the form's submit.
    submit: Submit,
    /// Which screen got the focus last, to move it only when the screen changes.
    focused_screen: Option<&'static str>,
    /// A submit was refused: focus the first invalid field after the render.
    focus_invalid: bool,
    /// The pointer went down on the backdrop itself (a click outside starts and ends there).
    pressed_outside: Rc<Cell<bool>>,
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
        let parent = match &window {
            Some(w) => Parent::new(w),
            None => Parent::detached(),
        };

        let mut app = Self {
            state,
            lang,
            runner: Runner::new(&query, lang, parent, ctx.link().callback(|action| action)),
            submit: Submit::new(query.detect_closed_auth_window),
            focused_screen: None,
            focus_invalid: false,
            pressed_outside: Rc::new(Cell::new(false)),
            _listeners: Vec::new(),
            _token_timeout: None,
            _copied_timeout: None,
            query,
        };
        if let Some(window) = &window {
            dom::set_lang(window, lang.code());
            let forced = theme::resolve(app.query.theme, &Default::default());
            dom::apply_theme(window, forced, &theme::primaries(&Default::default()));
            app._listeners =
                listeners(window, app.runner.parent(), &app.query, lang, ctx.link().callback(|a| a));
            if in_iframe && app.query.session_token.is_none() {
                let link = ctx.link().clone();
                app._token_timeout =
                    Some(Timeout::new(TOKEN_WAIT_MS, move || link.send_message(Action::TokenTimeout)));
            }
        }
        // After the listener is in place, so that the parent's answer cannot be missed.
        app.runner.parent().post(&ConnectUiEvent::Ready);
        app.runner.run(&app.state, effects);
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
        self.runner.run(&self.state, effects);
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
        let send = link.callback(|action| action);
        let on_submit = self.submit.handler(&self.state, self.runner.nango(), send.clone());
        let ui = Ui { state: &self.state, lang, send };
        let body = screens::body(&ui, on_submit);
        let title = screens::title(&ui);
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

/// The page's listeners: the parent's and the callback page's messages (see [`bridge::listen`]),
/// and the keys (Escape closes, Tab stays in the dialog). Their actions go to `send`.
fn listeners(
    window: &web_sys::Window,
    parent: &Parent,
    query: &Query,
    lang: Lang,
    send: Callback<Action>,
) -> Vec<EventListener> {
    let api_origin = web_sys::Url::new(&query.api_url).map(|u| u.origin()).unwrap_or_default();
    let on_message = send.reform(move |message| match message {
        Incoming::Token(token) => Action::Token(token),
        Incoming::Settings(settings) => Action::PreviewSettings(settings),
        Incoming::CallbackError { message, error_type } => Action::CallbackError {
            message: message.unwrap_or_else(|| lang.t(Key::AuthorizationFailed).to_owned()),
            error_type,
        },
    });
    let messages = bridge::listen(window, parent, api_origin, move |m| on_message.emit(m));
    let key_window = window.clone();
    // Not passive: Tab's default is prevented to keep the focus in the dialog.
    let keys = EventListener::new_with_options(
        window,
        "keydown",
        EventListenerOptions::enable_prevent_default(),
        move |event| {
            let Some(event) = event.dyn_ref::<KeyboardEvent>() else { return };
            match event.key().as_str() {
                "Escape" => {
                    event.prevent_default();
                    send.emit(Action::Escape);
                }
                "Tab" => dom::trap_tab(&key_window, event),
                _ => {}
            }
        },
    );
    vec![messages, keys]
}

/// Whether a mouse event hit the backdrop itself, not the dialog. (Yew delegates events, so
/// `currentTarget` is not the backdrop: look at the target's class.)
fn is_on_self(event: &MouseEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| el.class_list().contains("backdrop"))
}
