//! `cargo xtask examples --desktop` builds this with `--features desktop` (webkit2gtk).

#[cfg(feature = "desktop")]
fn main() {
    use dioxus::prelude::*;
    let settings = nango_dioxus_desktop::Settings::from_env();
    let config = dioxus::desktop::Config::new()
        .with_window(dioxus::desktop::WindowBuilder::new().with_title("Nango × Dioxus desktop"));
    LaunchBuilder::desktop()
        .with_cfg(config)
        .launch(move || rsx! { nango_dioxus_desktop::App { settings: settings.clone() } });
}

#[cfg(not(feature = "desktop"))]
fn main() {
    eprintln!("built without the `desktop` feature: `cargo xtask examples --desktop` builds the window");
    std::process::exit(2);
}
