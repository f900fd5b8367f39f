//! `window.NANGO_DEMO`: where the Nango API, the Connect UI and the session endpoint are.

/// The page's configuration (written to `config.js` by `cargo xtask examples`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoConfig {
    /// The Nango API (and WebSocket) host.
    pub api_url: String,
    /// Where the Connect UI is served.
    pub connect_ui_url: String,
    /// The demo backend's endpoint minting connect session tokens (`POST`).
    pub session_url: String,
    /// The WebSocket path on the API host.
    pub websockets_path: String,
}

impl DemoConfig {
    /// Reads `window.NANGO_DEMO`.
    pub fn from_page() -> Self {
        Self::from_lookup(page_setting)
    }

    /// Builds the configuration from `lookup`; each missing or empty field defaults to the dev
    /// server's ports.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |key: &str, default: &str| {
            lookup(key).filter(|v| !v.trim().is_empty()).unwrap_or_else(|| default.to_owned())
        };
        Self {
            api_url: get("apiUrl", "http://127.0.0.1:3003"),
            connect_ui_url: get("connectUiUrl", "http://127.0.0.1:3009"),
            session_url: get("sessionUrl", "http://127.0.0.1:3003/demo/session"),
            websockets_path: get("websocketsPath", "/"),
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn page_setting(key: &str) -> Option<String> {
    use js_sys::Reflect;
    let window: wasm_bindgen::JsValue = web_sys::window()?.into();
    let demo = Reflect::get(&window, &"NANGO_DEMO".into()).ok()?;
    if !demo.is_object() {
        return None;
    }
    Reflect::get(&demo, &key.into()).ok()?.as_string()
}

#[cfg(not(target_arch = "wasm32"))]
fn page_setting(_key: &str) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fields_default_to_the_dev_server() {
        let config = DemoConfig::from_lookup(|key| match key {
            "apiUrl" => Some("https://nango.example.com".to_owned()),
            "connectUiUrl" => Some("  ".to_owned()),
            _ => None,
        });
        assert_eq!(config.api_url, "https://nango.example.com");
        assert_eq!(config.connect_ui_url, "http://127.0.0.1:3009", "blank is missing");
        assert_eq!(config.session_url, "http://127.0.0.1:3003/demo/session");
        assert_eq!(config.websockets_path, "/");
    }
}
