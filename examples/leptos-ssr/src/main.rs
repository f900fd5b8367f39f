//! The server of the fullstack example: `cargo run -p leptos-ssr --features ssr`.
//!
//! Environment: `NANGO_SECRET_KEY` (required), `NANGO_HOST` (default Nango Cloud; the dev
//! server is `http://127.0.0.1:3003`), `NANGO_CONNECT_UI_URL` (default Nango's hosted one),
//! `NANGO_ALLOWED_INTEGRATIONS` (comma-separated; default all), `PKG_DIR` (the `hydrate` build
//! after wasm-bindgen; default `target/dist/leptos-ssr/pkg`), `PORT` (default 3011).

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let nango = nango_backend::Nango::from_env()?;
    let var = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    let config = leptos_ssr::server::Config {
        api_url: nango.host_url().trim_end_matches('/').to_owned(),
        connect_ui_url: var("NANGO_CONNECT_UI_URL", "https://connect.nango.dev"),
        pkg_dir: var("PKG_DIR", "target/dist/leptos-ssr/pkg").into(),
        allowed_integrations: std::env::var("NANGO_ALLOWED_INTEGRATIONS")
            .ok()
            .map(|keys| keys.split(',').map(|k| k.trim().to_owned()).filter(|k| !k.is_empty()).collect()),
        head_html: String::new(),
        nango,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", var("PORT", "3011").parse()?)).await?;
    println!("http://{}/", listener.local_addr()?);
    axum::serve(listener, leptos_ssr::server::app(config)).await?;
    Ok(())
}

#[cfg(not(feature = "ssr"))]
fn main() {}
