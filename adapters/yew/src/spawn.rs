//! Running futures in the background: on the page's event loop in a browser; elsewhere (server
//! rendering) the core's futures are inert, so nothing is spawned.

use std::future::Future;

/// Runs `future` to completion in the background (browser only).
pub(crate) fn spawn(future: impl Future<Output = ()> + 'static) {
    #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
    wasm_bindgen_futures::spawn_local(future);
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    drop(future);
}
