//! `<NangoProvider>` and `use_nango`: the client, shared through Yew's context.

use std::rc::Rc;

use nango_frontend::{AuthError, Nango, NangoConfig};
use yew::prelude::*;

/// What the provider shares: the client, or why its configuration was refused.
#[derive(Clone, Debug)]
pub(crate) struct NangoContext(Rc<Result<Nango, AuthError>>);

impl PartialEq for NangoContext {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Props of [`NangoProvider`]: a ready `client`, or a `config` to build one from (the client
/// wins when both are given; neither means Nango Cloud's defaults with no token).
#[derive(Debug, Clone, PartialEq, Properties)]
pub struct NangoProviderProps {
    /// A client made by the app (e.g. shared with code outside Yew).
    #[prop_or_default]
    pub client: Option<Nango>,
    /// The configuration to build the client from; a new client is made when it changes.
    #[prop_or_default]
    pub config: Option<NangoConfig>,
    /// The components that may call [`use_nango`] and the other hooks.
    #[prop_or_default]
    pub children: Html,
}

/// Provides a [`Nango`] client to its children (see [`use_nango`]).
///
/// ```no_run
/// # use nango_yew::{NangoConfig, NangoProvider};
/// # use yew::prelude::*;
/// # #[component] fn Page() -> Html { html! {} }
/// # fn view() -> Html {
/// html! {
///     <NangoProvider config={NangoConfig::new().host("https://nango.example.com")}>
///         <Page />
///     </NangoProvider>
/// }
/// # }
/// ```
#[component]
pub fn NangoProvider(props: &NangoProviderProps) -> Html {
    let context = use_memo((props.client.clone(), props.config.clone()), |(client, config)| {
        NangoContext(Rc::new(match client {
            Some(client) => Ok(client.clone()),
            None => Nango::new(config.clone().unwrap_or_default()),
        }))
    });
    html! {
        <ContextProvider<NangoContext> context={(*context).clone()}>
            { props.children.clone() }
        </ContextProvider<NangoContext>>
    }
}

/// The client of the nearest [`NangoProvider`].
///
/// # Panics
/// Without a `<NangoProvider>` above the component, or when the provider's configuration is
/// invalid; [`use_optional_nango`] returns `None` instead.
#[hook]
pub fn use_nango() -> Nango {
    match use_context::<NangoContext>() {
        Some(NangoContext(client)) => match &*client {
            Ok(client) => client.clone(),
            Err(error) => {
                panic!("use_nango(): the configuration given to <NangoProvider> is invalid: {error}")
            }
        },
        None => panic!(
            "use_nango() found no Nango client: wrap this component in \
             <NangoProvider config={{NangoConfig::new()…}}> (or <NangoProvider client={{nango}}>)"
        ),
    }
}

/// The client of the nearest [`NangoProvider`], or `None` when there is none (or its
/// configuration is invalid). (Yew requires hook names to start with `use_`, hence not
/// `try_use_nango`.)
#[hook]
pub fn use_optional_nango() -> Option<Nango> {
    use_context::<NangoContext>().and_then(|NangoContext(client)| (*client).as_ref().ok().cloned())
}
