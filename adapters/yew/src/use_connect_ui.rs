//! `use_connect_ui`: Nango's Connect UI, rendered from the core's [`ConnectUi`] snapshot.

use std::ops::Deref;

use nango_frontend::{ConnectUi, ConnectUiSnapshot};
use yew::prelude::*;

use crate::{UseConnectUiOptions, use_nango};

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
    ui.set_token_source(options.session_token.clone());
    ui.set_options(options.to_core());
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
