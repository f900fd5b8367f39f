//! `NangoProvider` and `use_nango`: the client through context.

use dioxus::prelude::*;
use nango_frontend::{AuthError, Nango, NangoConfig};

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
/// The client is made once, on the first render. A wrong setup never panics: neither or both
/// of `config` and `client` (`invalid_provider_setup`), or an invalid configuration (e.g.
/// `invalid_host_url`), is a render error for the nearest `ErrorBoundary`.
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
        let client = Nango::from_provider(props.client.clone(), props.config.clone());
        if let Ok(client) = &client {
            provide_context(NangoContext(client.clone()));
        }
        client
    });
    client?;
    rsx! { {props.children} }
}

/// The client of the nearest [`NangoProvider`]; without one, an `invalid_provider_setup` error
/// naming the provider to add. Never panics.
pub fn use_nango() -> Result<Nango, AuthError> {
    try_use_context::<NangoContext>().map(|context| context.0).ok_or_else(|| {
        AuthError::invalid_provider_setup(
            "use_nango() found no Nango client: wrap this component in a \
             `NangoProvider { config: NangoConfig::new()… }` (or `client: nango`)",
        )
    })
}
