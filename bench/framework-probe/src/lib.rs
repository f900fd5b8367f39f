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
        #[cfg(not(feature = "nango-yew"))]
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
        #[cfg(not(feature = "nango-dioxus"))]
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
        #[cfg(not(feature = "nango-leptos"))]
        let nango = ();
        view! {
            <main>
                <button on:click=move |_| count.update(|c| *c += 1)>{count}</button>
                {nango}
            </main>
        }
    }
}
