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
    #[cfg(all(feature = "native", not(all(target_arch = "wasm32", target_os = "unknown"))))]
    native::use_dioxus_executor();
    try_use_context::<NangoContext>().map(|context| context.0).ok_or_else(|| {
        AuthError::invalid_provider_setup(
            "use_nango() found no Nango client: wrap this component in a \
             `NangoProvider { config: NangoConfig::new()… }` (or `client: nango`)",
        )
    })
}

/// Natively, the core's background work (runs of `use_auth`, tokens fetched ahead) goes to this
/// thread's Dioxus runtime, which polls it on the UI thread as it does its own tasks.
#[cfg(all(feature = "native", not(all(target_arch = "wasm32", target_os = "unknown"))))]
mod native {
    use std::cell::RefCell;
    use std::rc::{Rc, Weak};

    use dioxus::dioxus_core::{Runtime, ScopeId};

    thread_local! {
        /// The runtime the spawner was set for (a new `VirtualDom` gets its own).
        static SET_FOR: RefCell<Weak<Runtime>> = const { RefCell::new(Weak::new()) };
    }

    pub(super) fn use_dioxus_executor() {
        let Some(runtime) = Runtime::try_current() else { return };
        let fresh = SET_FOR.with(|set| {
            let mut set = set.borrow_mut();
            let fresh = !set.upgrade().is_some_and(|old| Rc::ptr_eq(&old, &runtime));
            if fresh {
                *set = Rc::downgrade(&runtime);
            }
            fresh
        });
        if fresh {
            let weak = Rc::downgrade(&runtime);
            nango_frontend::native::set_spawner(move |task| {
                // Tasks of the root scope live as long as the app; the core drops its own.
                if let Some(runtime) = weak.upgrade() {
                    let _task = runtime.spawn(ScopeId::ROOT, task);
                }
            });
        }
    }
}
