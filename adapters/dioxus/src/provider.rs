//! `NangoProvider`, `use_nango` and `try_use_nango`: the client through context.

use dioxus::prelude::*;
use nango_frontend::{AuthError, AuthErrorType, Nango, NangoConfig};

/// The context value (a newtype, so that no other crate's `Nango` context is mistaken for ours).
#[derive(Clone)]
struct NangoContext(Nango);

/// Props of [`NangoProvider`]: a client configuration or a ready client (exactly one), and
/// the children that may use the hooks.
#[derive(Props, Clone, PartialEq, Debug)]
pub struct NangoProviderProps {
    /// The configuration to build the client from (once, on the first render).
    #[props(default, into)]
    pub config: Option<NangoConfig>,
    /// A ready client, e.g. one shared with code outside Dioxus.
    #[props(default, into)]
    pub client: Option<Nango>,
    /// The part of the app that uses Nango.
    pub children: Element,
}

/// Provides a [`Nango`] client to its children, for [`use_nango`], [`use_connect_ui`] and
/// [`use_auth`].
///
/// The client is made once, on the first render. An invalid configuration (a host that is not
/// an absolute `http(s)` URL), or neither or both of `config` and `client`, is a render error
/// that goes to the nearest `ErrorBoundary`: there is no silent default client.
///
/// ```no_run
/// use dioxus::prelude::*;
/// use nango_dioxus::{NangoConfig, NangoProvider};
///
/// fn App() -> Element {
///     rsx! {
///         NangoProvider { config: NangoConfig::new().host("http://localhost:3003"),
///             "…components using the hooks…"
///         }
///     }
/// }
/// ```
///
/// [`use_connect_ui`]: crate::use_connect_ui
/// [`use_auth`]: crate::use_auth
#[allow(non_snake_case)]
pub fn NangoProvider(props: NangoProviderProps) -> Element {
    let client = use_hook(|| {
        let client = match (props.client.clone(), props.config.clone()) {
            (Some(client), None) => Ok(client),
            (None, Some(config)) => Nango::new(config),
            _ => Err(AuthError::new(
                AuthErrorType::InvalidHostUrl,
                "NangoProvider needs exactly one of `config` and `client`",
            )),
        };
        if let Ok(client) = &client {
            provide_context(NangoContext(client.clone()));
        }
        client
    });
    client?;
    rsx! { {props.children} }
}

/// The client of the nearest [`NangoProvider`].
///
/// # Panics
/// Without a `NangoProvider` above the component, with a message saying so; see
/// [`try_use_nango`] for the non-panicking form.
#[track_caller]
pub fn use_nango() -> Nango {
    match try_use_nango() {
        Some(client) => client,
        None => panic!(
            "use_nango() found no Nango client: wrap this component in a \
             `NangoProvider {{ config: NangoConfig::new()… }}` (or call try_use_nango())"
        ),
    }
}

/// The client of the nearest [`NangoProvider`], or `None` without one.
pub fn try_use_nango() -> Option<Nango> {
    try_use_context::<NangoContext>().map(|context| context.0)
}
