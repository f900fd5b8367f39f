//! Minimal wasm apps for the adapters' sizes in `cargo xtask bench`: a counter in Yew (feature
//! `yew`), Dioxus (`dioxus`) or Leptos (`leptos`); with `nango-yew` / `nango-dioxus` /
//! `nango-leptos` the same counter also opens
//! the Connect UI and runs an auth through the adapter's hooks and shows the connections, so the
//! difference between the two builds is what the adapter (and the core under it) adds to an app
//! of that framework. Without features it only exports a start function.

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
use wasm_bindgen::prelude::*;

/// Mounts the app.
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
#[wasm_bindgen(start)]
pub fn start() {
    #[cfg(feature = "yew")]
    yew::Renderer::<yew_app::App>::new().render();
    #[cfg(feature = "dioxus")]
    dioxus::web::launch::launch_cfg(dioxus_app::App, dioxus::web::Config::new());
    #[cfg(feature = "leptos")]
    leptos::mount::mount_to_body(leptos_app::App);
}

#[cfg(all(feature = "yew", target_arch = "wasm32"))]
mod yew_app {
    use yew::prelude::*;

    #[component]
    pub fn App() -> Html {
        let count = use_state(|| 0_u32);
        let increment = {
            let count = count.clone();
            move |_| count.set(*count + 1)
        };
        #[cfg(feature = "nango-yew")]
        let nango = {
            use nango_yew::{
                AuthOptions, TokenSource, UseConnectUiOptions, use_auth, use_connect_ui_with_options,
            };
            let ui = use_connect_ui_with_options(
                UseConnectUiOptions::new().session_token(TokenSource::backend("/api/nango-session")),
            );
            let auth = use_auth();
            let open = {
                let ui = ui.clone();
                move |_| ui.open()
            };
            let run = move |_| auth.run("github", AuthOptions::new());
            html! {
                <>
                    <button onclick={open}>{ "Connect" }</button>
                    <button onclick={run}>{ "GitHub" }</button>
                    <p>{ ui.connections.len() }</p>
                </>
            }
        };
        #[cfg(all(feature = "core-calls", not(feature = "nango-yew")))]
        let nango = {
            let nango = use_memo((), |_| crate::core_calls::mount());
            let (open, run) = (nango.clone(), nango.clone());
            html! {
                <>
                    <button onclick={move |_| drop(open(0))}>{ "Connect" }</button>
                    <button onclick={move |_| drop(run(1))}>{ "GitHub" }</button>
                    <p>{ nango(2) }</p>
                </>
            }
        };
        #[cfg(not(any(feature = "nango-yew", feature = "core-calls")))]
        let nango = html! {};
        html! {
            <main>
                <button onclick={increment}>{ *count }</button>
                { nango }
            </main>
        }
    }
}

#[cfg(all(feature = "dioxus", target_arch = "wasm32"))]
mod dioxus_app {
    use dioxus::prelude::*;

    #[allow(non_snake_case)]
    pub fn App() -> Element {
        let mut count = use_signal(|| 0_u32);
        #[cfg(feature = "nango-dioxus")]
        let nango = {
            use nango_dioxus::{
                AuthOptions, TokenSource, UseConnectUiOptions, use_auth, use_connect_ui_with_options,
            };
            let tokens = use_hook(|| TokenSource::backend("/api/nango-session"));
            let ui = use_connect_ui_with_options(UseConnectUiOptions::new().session_token(tokens));
            let auth = use_auth();
            let connections = ui.connections().len();
            rsx! {
                button { onclick: move |_| ui.open(), "Connect" }
                button { onclick: move |_| auth.run("github", AuthOptions::new()), "GitHub" }
                p { "{connections}" }
            }
        };
        #[cfg(all(feature = "core-calls", not(feature = "nango-dioxus")))]
        let nango = {
            let nango = use_hook(crate::core_calls::mount);
            let (open, run) = (nango.clone(), nango.clone());
            let connections = nango(2);
            rsx! {
                button { onclick: move |_| drop(open(0)), "Connect" }
                button { onclick: move |_| drop(run(1)), "GitHub" }
                p { "{connections}" }
            }
        };
        #[cfg(not(any(feature = "nango-dioxus", feature = "core-calls")))]
        let nango = rsx! {};
        rsx! {
            main {
                button { onclick: move |_| count += 1, "{count}" }
                {nango}
            }
        }
    }
}

#[cfg(all(feature = "leptos", target_arch = "wasm32"))]
mod leptos_app {
    use leptos::prelude::*;

    #[component]
    pub fn App() -> impl IntoView {
        let count = RwSignal::new(0_u32);
        #[cfg(feature = "nango-leptos")]
        let nango = {
            use nango_leptos::{
                AuthOptions, TokenSource, UseConnectUiOptions, use_auth, use_connect_ui_with_options,
            };
            let ui = use_connect_ui_with_options(
                UseConnectUiOptions::new().session_token(TokenSource::backend("/api/nango-session")),
            );
            let auth = use_auth();
            view! {
                <button on:click=move |_| ui.open()>"Connect"</button>
                <button on:click=move |_| auth.run("github", AuthOptions::new())>"GitHub"</button>
                <p>{move || ui.connections.get().len()}</p>
            }
        };
        #[cfg(all(feature = "core-calls", not(feature = "nango-leptos")))]
        let nango = {
            let nango = crate::core_calls::mount();
            let (open, run) = (nango.clone(), nango.clone());
            view! {
                <button on:click=move |_| drop(open(0))>"Connect"</button>
                <button on:click=move |_| drop(run(1))>"GitHub"</button>
                <p>{nango(2)}</p>
            }
        };
        #[cfg(not(any(feature = "nango-leptos", feature = "core-calls")))]
        let nango = ();
        view! {
            <main>
                <button on:click=move |_| count.update(|c| *c += 1)>{count}</button>
                {nango}
            </main>
        }
    }
}

/// The core calls the adapters' hooks make (`ConnectUi` with a backend token source, watched;
/// `AuthRunner` without a provider's client, subscribed; show, run, release), made directly
/// (feature `core-calls`): a framework's app with them minus the plain app is the core's share
/// of that app, and the app with the adapter minus the app with them the adapter's own share.
#[cfg(all(feature = "core-calls", target_arch = "wasm32"))]
mod core_calls {
    use std::cell::Cell;
    use std::rc::Rc;

    use nango_frontend::{
        AuthError, AuthErrorType, AuthOptions, AuthRunner, ConnectUi, ConnectUiOptions, TokenSource,
    };

    /// `0` shows the Connect UI, `1` runs an auth, anything else releases both; each returns
    /// the number of connections made.
    pub fn mount() -> Rc<dyn Fn(u8) -> usize> {
        let ui = ConnectUi::default();
        ui.set_client(None);
        ui.set_token_source(Some(TokenSource::backend("/api/nango-session")));
        ui.set_options(ConnectUiOptions::new());
        // Each hook keeps a copy of every new state, as the adapters' signals do.
        let snapshot = Rc::new(Cell::new(None));
        let seen = snapshot.clone();
        let watch = ui.watch(move |s| seen.set(Some(s.clone())));
        let runner =
            AuthRunner::with_client(Err(AuthError::new(AuthErrorType::InvalidProviderSetup, "no provider")));
        runner.set_token_source(Some(TokenSource::backend("/api/nango-session")));
        let state = Rc::new(Cell::new(None));
        let latest = state.clone();
        let subscription = runner.subscribe(move |s| latest.set(Some(s.clone())));
        Rc::new(move |what| {
            match what {
                0 => drop(ui.show()),
                1 => runner.auth("github", AuthOptions::new()),
                _ => {
                    ui.release();
                    runner.release();
                }
            }
            let _ = (&watch, &subscription, state.take());
            let latest: Option<nango_frontend::ConnectUiSnapshot> = snapshot.take();
            let connections = latest.as_ref().map_or(0, |s| s.connections.len());
            snapshot.set(latest);
            connections
        })
    }
}
