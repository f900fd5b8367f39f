//! `cargo xtask examples --desktop` builds this with `--features desktop` (webkit2gtk).

#[cfg(feature = "desktop")]
fn main() {
    let config = dioxus::desktop::Config::new()
        .with_window(dioxus::desktop::WindowBuilder::new().with_title("Nango × Dioxus desktop"));
    dioxus::LaunchBuilder::desktop().with_cfg(config).launch(root);
}

#[cfg(feature = "desktop")]
fn root() -> dioxus::prelude::Element {
    use dioxus::prelude::*;
    let settings = use_hook(nango_dioxus_desktop::Settings::from_env);
    rsx! { nango_dioxus_desktop::App { settings } }
}

#[cfg(not(feature = "desktop"))]
fn main() {
    eprintln!("built without the `desktop` feature: `cargo xtask examples --desktop` builds the window");
    std::process::exit(2);
}
