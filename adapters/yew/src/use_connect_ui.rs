//! `use_connect_ui`: Nango's Connect UI, its state rendered from the core's snapshot.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use nango_frontend::{AuthError, AuthSuccess, ConnectUi, ConnectUiEvent, Nango, SessionTokens, Subscription};
use yew::prelude::*;

use crate::UseConnectUiOptions;
use crate::{tokens::use_session_tokens, use_optional_nango};

/// What [`use_connect_ui`] returns: the Connect UI's state at this render, and commands.
#[derive(Clone)]
pub struct UseConnectUiHandle {
    /// The iframe is in the page.
    pub is_open: bool,
    /// The Connect UI said `ready`.
    pub is_ready: bool,
    /// The latest event.
    pub last_event: Option<ConnectUiEvent>,
    /// The latest error: an `Error` event, or a failure to show the Connect UI.
    pub last_error: Option<AuthError>,
    /// The connections made through this component, oldest first.
    pub connections: Vec<AuthSuccess>,
    inner: Rc<Inner>,
}

struct Inner {
    /// One Connect UI for the component's lifetime; options apply on each `open`.
    ui: ConnectUi,
    subscription: RefCell<Option<Subscription>>,
    latest: Rc<RefCell<Latest>>,
    /// A failure to show the Connect UI (an `Error` event is in the snapshot instead).
    error: RefCell<Option<AuthError>>,
    update: UseForceUpdateHandle,
}

/// What the latest render passed.
struct Latest {
    options: UseConnectUiOptions,
    tokens: Option<SessionTokens>,
    client: Option<Nango>,
}

impl UseConnectUiHandle {
    /// Shows the Connect UI (a no-op while it is open) with the options of the latest render.
    /// With a token source it shows at once and hands over the token when it arrives; a failure
    /// ends up in `last_error`.
    pub fn open(&self) {
        let (options, tokens, client) = {
            let latest = self.inner.latest.borrow();
            (latest.options.clone(), latest.tokens.clone(), latest.client.clone())
        };
        let ui = &self.inner.ui;
        let wanted = options.connect_ui_options(client.as_ref());
        let result =
            (if ui.is_open() { Ok(()) } else { ui.set_options(wanted) }).and_then(|()| match &tokens {
                Some(tokens) => ui.show_with_tokens(tokens),
                None => ui.show(),
            });
        *self.inner.error.borrow_mut() = result.as_ref().err().cloned();
        if let (Err(error), Some(on_error)) = (result, options.on_error) {
            on_error.emit(error);
        }
        self.inner.update.force_update();
    }

    /// Closes the Connect UI (no `Close` event: the app asked for it).
    pub fn close(&self) {
        self.inner.ui.close();
        self.inner.update.force_update();
    }

    /// Hands the Connect UI a session token (at once if it is ready, else on `ready`).
    pub fn set_session_token(&self, token: impl Into<String>) {
        self.inner.ui.set_session_token(token);
    }
}

/// The subscriber: calls the latest callbacks (cloned out first: they may re-render) and
/// re-renders the component.
fn dispatcher(
    latest: std::rc::Weak<RefCell<Latest>>,
    update: UseForceUpdateHandle,
) -> impl Fn(&ConnectUiEvent) + 'static {
    move |event| {
        let Some(latest) = latest.upgrade() else { return };
        let o = latest.borrow().options.clone();
        update.force_update();
        if let Some(on_event) = o.on_event {
            on_event.emit(event.clone());
        }
        match (event, o.on_connect, o.on_close, o.on_error) {
            (ConnectUiEvent::Connect(connection), Some(on_connect), ..) => {
                on_connect.emit(connection.clone())
            }
            (ConnectUiEvent::Close, _, Some(on_close), _) => on_close.emit(()),
            (ConnectUiEvent::Error { .. }, .., Some(on_error)) => {
                if let Some(error) = event.as_error() {
                    on_error.emit(error);
                }
            }
            _ => {}
        }
    }
}

impl PartialEq for UseConnectUiHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
            && self.is_open == other.is_open
            && self.is_ready == other.is_ready
            && self.last_event == other.last_event
            && self.last_error == other.last_error
            && self.connections == other.connections
    }
}

impl fmt::Debug for UseConnectUiHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UseConnectUiHandle")
            .field("is_open", &self.is_open)
            .field("is_ready", &self.is_ready)
            .field("last_event", &self.last_event)
            .field("last_error", &self.last_error)
            .field("connections", &self.connections)
            .finish_non_exhaustive()
    }
}

/// The Connect UI with default options (the provider's client token, if any, is handed over).
#[hook]
pub fn use_connect_ui() -> UseConnectUiHandle {
    use_connect_ui_with_options(UseConnectUiOptions::default())
}

/// The Connect UI of this component: made once, subscribed once, removed on unmount (iframe and
/// `message` listener). Each event re-renders the component from the core's snapshot.
#[hook]
pub fn use_connect_ui_with_options(options: UseConnectUiOptions) -> UseConnectUiHandle {
    let tokens = use_session_tokens(options.session_token.clone());
    let client = use_optional_nango();
    let update = use_force_update();
    let inner = use_memo((), |()| {
        let latest = Rc::new(RefCell::new(Latest {
            options: UseConnectUiOptions::default(),
            tokens: None,
            client: None,
        }));
        let ui = ConnectUi::default();
        let subscription = ui.subscribe(dispatcher(Rc::downgrade(&latest), update.clone()));
        Inner {
            ui,
            subscription: RefCell::new(Some(subscription)),
            latest,
            error: RefCell::default(),
            update,
        }
    });
    *inner.latest.borrow_mut() = Latest { options, tokens, client };
    {
        let inner = inner.clone();
        // Unmount: remove the iframe and listener now (callbacks may hold this handle: a cycle).
        use_effect_with((), move |()| {
            move || {
                inner.subscription.borrow_mut().take();
                inner.ui.close();
            }
        });
    }
    let mut snapshot = inner.ui.snapshot();
    if let Some(error) = inner.error.borrow().clone() {
        snapshot.last_error = Some(error);
    }
    UseConnectUiHandle {
        is_open: snapshot.is_open,
        is_ready: snapshot.is_ready,
        last_event: snapshot.last_event,
        last_error: snapshot.last_error,
        connections: snapshot.connections,
        inner,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nango_frontend::{ConnectUiOptions, Theme};

    #[test]
    fn options_map_to_the_core_and_default_the_api_to_the_provider_host() {
        let core = ConnectUiOptions::new().base_url("http://localhost:3009").lang("fr").theme(Theme::Dark);
        let o = UseConnectUiOptions::new().connect_ui(core.clone());
        let client = Nango::new(nango_frontend::NangoConfig::new().host("http://localhost:3003")).unwrap();
        let core = o.connect_ui_options(Some(&client));
        assert_eq!(
            core.iframe_url().unwrap(),
            "http://localhost:3009/?apiURL=http%3A%2F%2Flocalhost%3A3003&lang=fr&theme=dark"
        );
        assert_eq!(
            o.clone()
                .connect_ui(core.api_url("https://api.example.com"))
                .connect_ui_options(Some(&client))
                .api_url
                .as_deref(),
            Some("https://api.example.com")
        );
        assert_eq!(o.connect_ui_options(None).api_url, None);
    }
}
