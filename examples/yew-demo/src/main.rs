//! The demo page written with `nango-yew`: the same page, element ids and behaviour as the
//! Dioxus demo, so that one end-to-end scenario list runs against both (see `examples/README.md`).
//!
//! Built with `cargo build --release --target wasm32-unknown-unknown -p yew-demo`, then
//! `wasm-bindgen --target web --out-name app`. URLs come from `window.NANGO_DEMO` (written to
//! `config.js`), never from constants in the code.

mod config;
mod view;

use nango_yew::{AuthState, NangoConfig, NangoProvider};
use yew::prelude::*;

use crate::config::DemoConfig;

fn main() {
    #[cfg(target_arch = "wasm32")]
    match web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app")) {
        Some(root) => yew::Renderer::<App>::with_root(root).render(),
        None => yew::Renderer::<App>::new().render(),
    };
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _render = yew::Renderer::<App>::new;
        eprintln!(
            "The demo runs in a browser: build it for wasm32-unknown-unknown (`cargo xtask examples`)."
        );
    }
}

#[component]
fn App() -> Html {
    let config = use_memo((), |()| DemoConfig::from_page());
    let client =
        NangoConfig::new().host(config.api_url.clone()).websockets_path(config.websockets_path.clone());
    html! {
        <NangoProvider config={client}>
            <view::Demo config={(*config).clone()} />
        </NangoProvider>
    }
}

/// The text of `#auth-state`.
fn auth_label(state: &AuthState) -> String {
    match state {
        AuthState::Idle => "idle".to_owned(),
        AuthState::Pending => "pending".to_owned(),
        AuthState::Connected(connection) => format!("connected:{}", connection.connection_id),
        AuthState::Failed(error) => format!("failed:{}", error.error_type()),
    }
}

/// The text of `#connect-ui-state`.
fn connect_ui_label(is_open: bool, is_ready: bool) -> &'static str {
    match (is_open, is_ready) {
        (true, true) => "ready",
        (true, false) => "open",
        _ => "closed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nango_yew::{AuthError, AuthErrorType, AuthSuccess};

    #[test]
    fn labels_follow_the_page_contract() {
        assert_eq!(auth_label(&AuthState::Idle), "idle");
        assert_eq!(auth_label(&AuthState::Pending), "pending");
        let c =
            AuthSuccess { provider_config_key: "p".into(), connection_id: "c-1".into(), is_pending: false };
        assert_eq!(auth_label(&AuthState::Connected(c)), "connected:c-1");
        let e = AuthError::new(AuthErrorType::WindowClosed, "closed");
        assert_eq!(auth_label(&AuthState::Failed(e)), "failed:window_closed");
        assert_eq!(connect_ui_label(false, false), "closed");
        assert_eq!(connect_ui_label(true, false), "open");
        assert_eq!(connect_ui_label(true, true), "ready");
        assert_eq!(connect_ui_label(false, true), "closed");
    }
}
