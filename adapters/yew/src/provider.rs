//! `<NangoProvider>` and `use_nango`: the client, shared through Yew's context.

use std::rc::Rc;

use nango_frontend::{AuthError, Nango, NangoConfig};
use yew::prelude::*;

/// What the provider shares (a newtype: no other crate's context is mistaken for ours).
#[derive(Clone, Debug)]
struct NangoContext(Rc<Nango>);

impl PartialEq for NangoContext {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Props of [`NangoProvider`]: exactly one of a ready `client` and a `config` to build one from.
#[derive(Debug, Clone, PartialEq, Properties)]
pub struct NangoProviderProps {
    /// A client made by the app (e.g. shared with code outside Yew).
    #[prop_or_default]
    pub client: Option<Nango>,
    /// The configuration to build the client from; a new client is made when it changes.
    #[prop_or_default]
    pub config: Option<NangoConfig>,
    /// Rendered instead of the children when the setup is wrong (neither or both of `client`
    /// and `config`: `invalid_provider_setup`; an invalid config: e.g. `invalid_host_url`).
    /// Default: nothing.
    #[prop_or_default]
    pub fallback: Option<Callback<AuthError, Html>>,
    /// The components that may call [`use_nango`] and the other hooks.
    #[prop_or_default]
    pub children: Html,
}

/// Provides a [`Nango`] client to its children (see [`use_nango`]). A wrong setup never
/// panics: the children are replaced by `fallback`.
///
/// ```no_run
/// # use nango_yew::{NangoConfig, NangoProvider};
/// # use yew::prelude::*;
/// # #[component] fn Page() -> Html { html! {} }
/// # fn view() -> Html {
/// html! {
///     <NangoProvider config={NangoConfig::new().host("https://nango.example.com")}
///                    fallback={Callback::from(|e: nango_yew::AuthError| html! { <p>{ e.to_string() }</p> })}>
///         <Page />
///     </NangoProvider>
/// }
/// # }
/// ```
#[component]
pub fn NangoProvider(props: &NangoProviderProps) -> Html {
    let client = use_memo((props.client.clone(), props.config.clone()), |(client, config)| {
        Nango::from_provider(client.clone(), config.clone()).map(|client| NangoContext(Rc::new(client)))
    });
    match &*client {
        Ok(context) => html! {
            <ContextProvider<NangoContext> context={context.clone()}>
                { props.children.clone() }
            </ContextProvider<NangoContext>>
        },
        Err(error) => props.fallback.as_ref().map(|f| f.emit(error.clone())).unwrap_or_default(),
    }
}

/// The client of the nearest [`NangoProvider`]; without one, an `invalid_provider_setup` error
/// naming the provider to add. Never panics.
#[hook]
pub fn use_nango() -> Result<Nango, AuthError> {
    use_context::<NangoContext>().map(|NangoContext(client)| (*client).clone()).ok_or_else(|| {
        AuthError::invalid_provider_setup(
            "use_nango() found no Nango client: wrap this component in \
             <NangoProvider config={NangoConfig::new()…}> (or <NangoProvider client={nango}>)",
        )
    })
}
