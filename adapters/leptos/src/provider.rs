//! `<NangoProvider>` and `use_nango`: the client through context.

use leptos::context::Provider;
use leptos::prelude::*;
use nango_frontend::{AuthError, Nango, NangoConfig};

use crate::{Held, Stored, with_held};

/// The context (a newtype, ours alone); the client is not `Send`: it stays in its thread's arena.
#[derive(Clone, Copy)]
struct NangoContext(Stored);

/// Provides a [`Nango`] client to its children (for [`use_nango`] and the hooks), built from
/// `config` or given as `client` (exactly one). A wrong setup never panics: neither or both
/// (`invalid_provider_setup`), or an invalid configuration (e.g. `invalid_host_url`), is an
/// `Err` for the nearest `<ErrorBoundary>`, and the children are not rendered.
///
/// ```no_run
/// # use leptos::prelude::*; use nango_leptos::{NangoConfig, NangoProvider};
/// # #[component] fn App() -> impl IntoView {
/// view! {
///     <ErrorBoundary fallback=|errors| view! { <p>{move || format!("{:?}", errors.get())}</p> }>
///         <NangoProvider config=NangoConfig::new().host("https://nango.example.com")>"…"</NangoProvider>
///     </ErrorBoundary>
/// }
/// # }
/// ```
#[component]
pub fn NangoProvider(
    /// The configuration to build the client from.
    #[prop(optional_no_strip, into)]
    config: Option<NangoConfig>,
    /// A ready client, e.g. one shared with code outside Leptos.
    #[prop(optional_no_strip, into)]
    client: Option<Nango>,
    /// The part of the app that uses Nango.
    children: Children,
) -> Result<impl IntoView, AuthError> {
    let client = NangoContext(StoredValue::new_local(Held::Nango(Nango::from_provider(client, config)?)));
    Ok(view! { <Provider value=client>{children()}</Provider> })
}

/// The client of the nearest [`NangoProvider`], or an `invalid_provider_setup` error naming it.
pub fn use_nango() -> Result<Nango, AuthError> {
    let mut client = None;
    if let Some(NangoContext(held)) = use_context::<NangoContext>() {
        with_held(held, &mut |held| {
            if let Held::Nango(nango) = held {
                client = Some(nango.clone());
            }
        });
    }
    client.ok_or_else(|| {
        AuthError::invalid_provider_setup(
            "use_nango() found no Nango client: wrap this component in \
             <NangoProvider config=NangoConfig::new()…> (or client=nango)",
        )
    })
}
