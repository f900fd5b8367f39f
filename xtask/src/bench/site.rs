//! The bench page (the latency-probe wasm, the JS SDK bundle, the stub Connect UI) and the
//! static server that serves it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::sdk::Sdk;
use crate::cmd::timed;
use crate::crates::{root, target_dir};
use crate::wasm::{bindgen, cargo_build, optimize};

pub(super) struct Site {
    pub(super) page: PathBuf,
    pub(super) stub: PathBuf,
}

pub(super) fn site(sdk: &Sdk) -> Result<Site, String> {
    let wasm = timed("build latency-probe", || cargo_build("latency-probe", &[]))?;
    let dir = target_dir().join("bench/site");
    let stub = target_dir().join("bench/stub");
    for d in [&dir, &stub] {
        let _ = std::fs::remove_dir_all(d);
        std::fs::create_dir_all(d).map_err(|e| e.to_string())?;
    }
    timed("wasm-bindgen latency-probe", || bindgen(&wasm, &dir.join("probe"), "app"))?;
    timed("wasm-opt -Oz latency-probe", || optimize(&dir.join("probe/app_bg.wasm")))?;
    let web = root().join("bench/web");
    for name in ["bench.html", "instrument.js", "bench.js"] {
        std::fs::copy(web.join(name), dir.join(name)).map_err(|e| format!("bench/web/{name}: {e}"))?;
    }
    std::fs::copy(&sdk.page_bundle, dir.join("sdk.js")).map_err(|e| e.to_string())?;
    std::fs::copy(web.join("stub.html"), stub.join("stub.html")).map_err(|e| e.to_string())?;
    Ok(Site { page: dir, stub })
}

/// Serves `dir` on `127.0.0.1` and a free port, for the rest of the process's life (axum on the
/// caller's tokio runtime). A path ending in `/` serves `index`. Every answer is cross-origin
/// isolated (COOP + COEP + CORP) so that `performance.now()` has its fine resolution.
pub(super) async fn serve(dir: PathBuf, index: &'static str) -> Result<u16, String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let app = axum::Router::new().fallback(answer).with_state((Arc::from(dir), index));
    tokio::spawn(async move { drop(axum::serve(listener, app).await) });
    Ok(port)
}

async fn answer(State((dir, index)): State<(Arc<Path>, &'static str)>, request: Request) -> Response {
    let path = request.uri().path();
    let file = if path.ends_with('/') {
        Some(dir.join(index))
    } else {
        let relative = path.trim_start_matches('/');
        (!relative.split('/').any(|s| s == "..")).then(|| dir.join(relative))
    };
    let body = match &file {
        Some(file) => tokio::fs::read(file).await.ok(),
        None => None,
    };
    let mut response = match body {
        Some(body) => body.into_response(),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    let content_type = match file.as_deref().and_then(Path::extension).and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        _ => "application/octet-stream",
    };
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, "no-store"),
        (header::HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
        (header::HeaderName::from_static("cross-origin-embedder-policy"), "require-corp"),
        (header::HeaderName::from_static("cross-origin-resource-policy"), "cross-origin"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}
