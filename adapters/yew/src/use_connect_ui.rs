//! `use_connect_ui`: Nango's Connect UI, rendered from the core's [`ConnectUi`] snapshot.

use std::ops::Deref;

use nango_frontend::{
    AuthError, AuthSuccess, ConnectUi, ConnectUiEvent, ConnectUiOptions, ConnectUiSnapshot, TokenSource,
};
use yew::prelude::*;

use crate::use_nango;

/// Options of [`use_connect_ui_with_options`]: the core's [`ConnectUiOptions`] (the callbacks
/// go straight into them) and the session token source. Every render's options are handed to
/// the core: the latest callbacks are called, the latest token source is used (the same source
/// keeps its cached token), the other options apply at the next [`open`](UseConnectUiHandle::open).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct UseConnectUiOptions {
    /// The core's options: URLs (the API's defaults to the provider's host), language, theme,
    /// closed-window detection, callbacks.
    pub connect_ui: ConnectUiOptions,
    /// Where session tokens come from; the Connect UI shows at once and gets the token when it
    /// arrives. Without one, the provider's client token is used (or call `set_session_token`).
    pub session_token: Option<TokenSource>,
}

impl UseConnectUiOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the core's options; the callbacks set before are kept where `options` has none.
    pub fn connect_ui(mut self, options: ConnectUiOptions) -> Self {
        let earlier = std::mem::take(&mut self.connect_ui);
        Self { connect_ui: options.or_callbacks_of(earlier), ..self }
    }
    /// Sets where session tokens come from.
    pub fn session_token(self, source: TokenSource) -> Self {
        Self { session_token: Some(source), ..self }
    }
    /// Sets the callback called with every event.
    pub fn on_event(self, callback: impl Into<Callback<ConnectUiEvent>>) -> Self {
        let cb = callback.into();
        Self { connect_ui: self.connect_ui.on_event(move |e| cb.emit(e.clone())), ..self }
    }
    /// Sets the callback called when an account was connected.
    pub fn on_connect(self, callback: impl Into<Callback<AuthSuccess>>) -> Self {
        let cb = callback.into();
        Self { connect_ui: self.connect_ui.on_connect(move |c| cb.emit(c.clone())), ..self }
    }
    /// Sets the callback called when the Connect UI closed itself.
    pub fn on_close(self, callback: impl Into<Callback<()>>) -> Self {
        let cb = callback.into();
        Self { connect_ui: self.connect_ui.on_close(move || cb.emit(())), ..self }
    }
    /// Sets the callback called with `Error` events, and when the Connect UI cannot be shown.
    pub fn on_error(self, callback: impl Into<Callback<AuthError>>) -> Self {
        let cb = callback.into();
        Self { connect_ui: self.connect_ui.on_error(move |e| cb.emit(e.clone())), ..self }
    }
}

/// What [`use_connect_ui`] returns: the Connect UI's state at this render (the fields of
/// [`ConnectUiSnapshot`]: `is_open`, `is_ready`, `last_event`, `last_error`, `connections`)
/// and commands.
#[derive(Clone, Debug, PartialEq)]
pub struct UseConnectUiHandle {
    snapshot: ConnectUiSnapshot,
    ui: ConnectUi,
}

impl Deref for UseConnectUiHandle {
    type Target = ConnectUiSnapshot;
    fn deref(&self) -> &ConnectUiSnapshot {
        &self.snapshot
    }
}

impl UseConnectUiHandle {
    /// Shows the Connect UI (a no-op while it is open) with the latest render's options; with
    /// a token source it shows at once and gets the token when it arrives. A failure is in
    /// `last_error` and goes to `on_error`.
    pub fn open(&self) {
        let _ = self.ui.show();
    }

    /// Closes the Connect UI (no `on_close`: the app asked for it).
    pub fn close(&self) {
        self.ui.close();
    }

    /// Hands the Connect UI a session token; it wins over every default until replaced.
    pub fn set_session_token(&self, token: impl Into<String>) {
        self.ui.set_session_token(token);
    }

    /// The core's handle, for what this one does not offer (e.g. an event stream).
    pub fn connect_ui(&self) -> &ConnectUi {
        &self.ui
    }
}

/// The Connect UI with default options (the provider's client, if any, gives the token and API).
#[hook]
pub fn use_connect_ui() -> UseConnectUiHandle {
    use_connect_ui_with_options(UseConnectUiOptions::default())
}

/// The Connect UI of this component (see [`ConnectUi`] for what each show uses): made once,
/// re-rendered at every change of the core's state (read at each render), released on unmount
/// (iframe and `message` listener removed). Works without a [`NangoProvider`](crate::NangoProvider) too.
/// Under server-side rendering it renders closed, and `open` records `unsupported_environment`.
///
/// ```no_run
/// # use nango_yew::*; use yew::prelude::*;
/// #[component]
/// fn Connect() -> Html {
///     let ui = use_connect_ui_with_options(UseConnectUiOptions::new()
///         .session_token(TokenSource::backend("/api/nango-session")));
///     let open = { let ui = ui.clone(); move |_| ui.open() };
///     html! { <button onclick={open}>{ format!("Connect ({})", ui.connections.len()) }</button> }
/// }
/// ```
#[hook]
pub fn use_connect_ui_with_options(options: UseConnectUiOptions) -> UseConnectUiHandle {
    let client = use_nango().ok();
    let ui = use_memo((), |()| ConnectUi::default());
    let update = use_force_update();
    ui.set_client(client);
    ui.set_token_source(options.session_token);
    ui.set_options(options.connect_ui);
    {
        let ui = (*ui).clone();
        use_effect_with((), move |()| {
            let watch = ui.watch(move |_| update.force_update());
            move || {
                drop(watch);
                ui.release();
            }
        });
    }
    UseConnectUiHandle { snapshot: ui.snapshot(), ui: (*ui).clone() }
}
