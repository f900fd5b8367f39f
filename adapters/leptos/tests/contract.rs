//! The adapter contract (listed in the core's docs) for Leptos: the shared tests
//! (`tests/browser-support/contract.rs`) on this crate's `App`. `#next` moves the phase signal
//! the probe's options are derived from, `#unmount` unmounts the probe.

#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use leptos::prelude::*;
use nango_browser_test_support::document; // not Leptos' `document()`
use nango_leptos as nango;
use nango_leptos::{
    AuthError, AuthOptions, AuthState, AuthSuccess, ConnectUiOptions, NangoProvider, UseAuthOptions,
    UseConnectUiOptions, use_auth_with_options, use_connect_ui_with_options,
};

include!("../../../tests/browser-support/contract.rs");

thread_local! {
    /// The mounted app; dropping it unmounts everything.
    static MOUNTED: RefCell<Option<Box<dyn std::any::Any>>> = RefCell::new(None);
}

#[component]
fn Probe(phase: ReadSignal<u32>) -> impl IntoView {
    // New options, with new closures, at every phase: the contract says the latest are used.
    let options = Signal::derive_local(move || {
        let phase = phase.get();
        let (base_url, token) = SETUP.with(|s| ((s.borrow().base_url)(phase), (s.borrow().ui_token)(phase)));
        let options = UseConnectUiOptions::new()
            .connect_ui(ConnectUiOptions::new().base_url(base_url))
            .on_connect(move |c: &AuthSuccess| log(format!("{phase}:connect:{}", c.connection_id)))
            .on_error(move |e: &AuthError| log(format!("{phase}:error:{}", e.error_type())));
        match token {
            Some(token) => options.session_token(token),
            None => options,
        }
    });
    let ui = use_connect_ui_with_options(options);
    let auth = use_auth_with_options(Signal::derive_local(move || {
        match SETUP.with(|s| (s.borrow().auth_token)(phase.get())) {
            Some(token) => UseAuthOptions::new().session_token(token),
            None => UseAuthOptions::new(),
        }
    }));
    let state = move || match (ui.is_open.get(), ui.is_ready.get()) {
        (true, true) => "ready",
        (true, false) => "open",
        _ => "closed",
    };
    let auth_state = move || match auth.state.get() {
        AuthState::Idle => "idle".to_owned(),
        AuthState::Pending => "pending".to_owned(),
        AuthState::Connected(c) => format!("connected:{}", c.connection_id),
        AuthState::Failed(e) => format!("failed:{}", e.error_type()),
    };
    let error = move || ui.last_error.get().map(|e| e.error_type().to_owned()).unwrap_or_default();
    view! {
        <span id="phase">{move || phase.get()}</span>
        <span id="state">{state}</span>
        <span id="error">{error}</span>
        <span id="auth">{auth_state}</span>
        <button id="open" on:click=move |_| ui.open()>"open"</button>
        <button id="close" on:click=move |_| ui.close()>"close"</button>
        <button id="set-token" on:click=move |_| ui.set_session_token("mine")>"set"</button>
        <button id="oauth" on:click=move |_| auth.run("github", AuthOptions::new())>"oauth"</button>
        <button id="reconnect" on:click=move |_| auth.reconnect("github", AuthOptions::new())>"re"</button>
        <button id="create" on:click=move |_| auth.create("unauthenticated", AuthOptions::new())>"create"</button>
    }
}

#[component]
fn App() -> impl IntoView {
    let (phase, set_phase) = signal(0u32);
    let (shown, set_shown) = signal(true);
    let probe = move || view! { <Show when=move || shown.get()><Probe phase /></Show> };
    let body = if SETUP.with(|s| s.borrow().provider.is_some()) {
        // The client is not `Send`: it is read from the setup inside the children closure.
        let provider = || SETUP.with(|s| s.borrow().provider.clone()).unwrap_or_default();
        view! {
            <ErrorBoundary fallback=|errors| {
                let kind = move || {
                    let first = errors.get().into_iter().next().map(|(_, e)| e.to_string()).unwrap_or_default();
                    first.split(':').next().unwrap_or_default().to_owned()
                };
                view! { <span id="fallback">{kind}</span> }
            }>
                <NangoProvider client=provider().0 config=provider().1>{probe()}</NangoProvider>
            </ErrorBoundary>
        }
        .into_any()
    } else {
        probe().into_any()
    };
    view! {
        <button id="next" on:click=move |_| set_phase.update(|p| *p += 1)>"next"</button>
        <button id="unmount" on:click=move |_| set_shown.set(false)>"unmount"</button>
        {body}
    }
}

fn start(setup: Setup) -> web_sys::Element {
    let root = reset_page(setup);
    let handle = leptos::mount::mount_to(root.clone().unchecked_into(), App);
    MOUNTED.with(|m| *m.borrow_mut() = Some(Box::new(handle)));
    root
}

async fn finish(root: web_sys::Element) {
    if root.query_selector("#unmount").unwrap().is_some() {
        click(&root, "unmount").await;
        until("the probe to unmount", || root.query_selector("#state").unwrap().is_none()).await;
    }
    MOUNTED.with(|m| m.borrow_mut().take());
    root.remove();
}

/// Leptos only: a field is tracked like a memo. Its readers re-run when it changes, not when
/// another field of the same hook, or another hook, changes, nor when it is set to an equal value.
#[wasm_bindgen_test]
async fn a_field_re_runs_its_readers_only_when_it_changes() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    let owner = Owner::new();
    let runs: Arc<[AtomicU32; 3]> = Arc::default();
    let (ui, auth, _effects) = owner.with(|| {
        // An invalid base URL: every show fails, the iframe never in the page.
        let options = UseConnectUiOptions::new().connect_ui(ConnectUiOptions::new().base_url("no url"));
        let (ui, auth) = (use_connect_ui_with_options(options), nango::use_auth());
        let reader = |i: usize, track: Box<dyn Fn() + Send + Sync>| {
            let runs = runs.clone();
            ImmediateEffect::new_isomorphic(move || {
                track();
                runs[i].fetch_add(1, Ordering::SeqCst);
            })
        };
        let effects = [
            reader(0, Box::new(move || ui.is_open.track())),
            reader(1, Box::new(move || ui.last_error.track())),
            reader(2, Box::new(move || auth.state.track())),
        ];
        (ui, auth, effects)
    });
    let seen = || runs.iter().map(|r| r.load(Ordering::SeqCst)).collect::<Vec<_>>();
    assert_eq!(seen(), [1, 1, 1], "each reader ran once");

    ui.open();
    until("the failure to show", || ui.last_error.get_untracked().is_some()).await;
    assert_eq!(seen(), [1, 2, 1], "only last_error's reader re-ran");
    ui.open();
    sleep(Duration::from_millis(50)).await;
    assert_eq!(seen(), [1, 2, 1], "the same error again is no change");

    // No provider: the run fails with `invalid_provider_setup`.
    auth.run("github", AuthOptions::new());
    until("the run to fail", || matches!(auth.state.get_untracked(), AuthState::Failed(_))).await;
    assert_eq!(seen()[..2], [1, 2], "the other hook's readers did not re-run");
    assert!(seen()[2] >= 2, "the state's reader re-ran");
    owner.cleanup();
}
