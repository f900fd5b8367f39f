//! The end-to-end harness: a dev server serving the built apps on free ports, and headless
//! Chromium driven through ChromeDriver (WebDriver, fantoccini).
//!
//! The apps must be built first (`cargo xtask examples --build-only`; `cargo xtask test` does
//! it): the harness serves `target/dist/`.

#![allow(missing_debug_implementations)] // test harness types hold processes and sessions

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use nango_dev_server::{DevServerConfig, ManualClock, RunningServer, StaticMount};
use serde_json::{Value, json};

/// A harness failure, as text (tests print it).
pub type Error = String;

/// The workspace's target directory.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(|p| p.join("target")).unwrap_or_default()
    })
}

/// A built app under `target/dist/`, or a clear error naming the command that builds it.
pub fn built_app(package: &str) -> Result<PathBuf, Error> {
    let dir = target_dir().join("dist").join(package);
    if dir.join("app_bg.wasm").exists() {
        Ok(dir)
    } else {
        Err(format!("{} is not built: run `cargo xtask examples --build-only` first", dir.display()))
    }
}

/// Which demo a scenario runs against (Zag.js's layout: one scenario list, a framework parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framework {
    /// `examples/yew-demo`.
    Yew,
    /// `examples/dioxus-demo`.
    Dioxus,
    /// `examples/leptos-demo`.
    Leptos,
}

impl Framework {
    /// Every demo.
    pub const ALL: [Self; 3] = [Self::Yew, Self::Dioxus, Self::Leptos];

    /// The demo's package.
    pub fn package(self) -> &'static str {
        match self {
            Self::Yew => "yew-demo",
            Self::Dioxus => "dioxus-demo",
            Self::Leptos => "leptos-demo",
        }
    }

    /// Where the stack mounts the demo.
    pub fn mount(self) -> &'static str {
        match self {
            Self::Yew => "/yew",
            Self::Dioxus => "/dioxus",
            Self::Leptos => "/leptos",
        }
    }
}

/// A dev server on free ports serving the Connect UI and the demos, with a manual clock.
pub struct Stack {
    /// The running server.
    pub server: RunningServer,
    /// Its clock: advance it to expire sessions.
    pub clock: ManualClock,
    _pages: TempDir,
}

impl Stack {
    /// Starts the stack: copies each built demo into a temporary directory with a `config.js`
    /// pointing at this server (so that stacks can run side by side).
    pub async fn start() -> Result<Self, Error> {
        let pages = TempDir::new("nango-e2e-pages")?;
        let clock = ManualClock::new(std::time::SystemTime::now());
        let mut config = DevServerConfig::for_tests();
        config.clock = clock.clock();
        config.connect_ui_dir = Some(built_app("nango-connect-ui")?);
        for fw in Framework::ALL {
            let dir = pages.path().join(fw.package());
            copy_dir(&built_app(fw.package())?, &dir)?;
            config.serve.push(StaticMount { path: fw.mount().to_owned(), dir });
        }
        let server = nango_dev_server::start(config).await.map_err(|e| e.to_string())?;
        let api = server.api_url();
        let js = format!(
            "window.NANGO_DEMO = {{ apiUrl: {api:?}, connectUiUrl: {:?}, sessionUrl: {:?}, websocketsPath: \"/\" }};",
            server.connect_ui_url(),
            format!("{api}/demo/session")
        );
        for fw in Framework::ALL {
            std::fs::write(pages.path().join(fw.package()).join("config.js"), &js)
                .map_err(|e| e.to_string())?;
        }
        Ok(Self { server, clock, _pages: pages })
    }

    /// The demo's URL.
    pub fn demo_url(&self, fw: Framework) -> String {
        format!("{}{}/", self.server.api_url(), fw.mount())
    }
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(from).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// A directory removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A fresh directory under the system's temporary directory.
    pub fn new(prefix: &str) -> Result<Self, Error> {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("{prefix}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        Ok(Self(dir))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn free_port() -> Result<u16, Error> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

/// Headless Chromium through its own ChromeDriver; both go away on drop.
pub struct Browser {
    /// The WebDriver session.
    pub client: Client,
    driver: Child,
    _profile: TempDir,
}

impl Browser {
    /// Starts ChromeDriver on a free port and opens a headless Chromium session.
    pub async fn start() -> Result<Self, Error> {
        Self::start_with_args(&[]).await
    }

    /// [`start`](Self::start) with extra Chromium arguments (e.g. `--js-flags=--expose-gc`).
    pub async fn start_with_args(extra_args: &[&str]) -> Result<Self, Error> {
        let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        if !Path::new(&chromedriver).exists() {
            return Err(format!(
                "ChromeDriver not found at {chromedriver}: run `cargo xtask test` (it installs Chromium) or \
                 `apt-get install -y chromium chromium-driver`"
            ));
        }
        let port = free_port()?;
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("{chromedriver}: {e}"))?;
        let profile = TempDir::new("nango-e2e-chromium")?;
        let caps = json!({
            "goog:chromeOptions": {
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        });
        let mut caps = caps;
        if let Some(args) = caps.pointer_mut("/goog:chromeOptions/args").and_then(Value::as_array_mut) {
            args.extend(extra_args.iter().map(|a| Value::from(*a)));
        }
        let Value::Object(caps) = caps else { return Err("capabilities".into()) };
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut driver = driver;
        loop {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => return Ok(Self { client, driver, _profile: profile }),
                Err(e) if Instant::now() > deadline => {
                    let _ = driver.kill();
                    return Err(format!("no WebDriver session: {e}"));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Waits until `css` matches an element (15 s).
    pub async fn wait_for(&self, css: &str) -> Result<fantoccini::elements::Element, Error> {
        self.client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await
            .map_err(|e| format!("waiting for {css}: {e}"))
    }

    /// Waits until the text of `css` satisfies `pred` (15 s); returns the text.
    pub async fn wait_text(
        &self,
        css: &str,
        what: &str,
        pred: impl Fn(&str) -> bool,
    ) -> Result<String, Error> {
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut last = String::new();
        while Instant::now() < deadline {
            if let Ok(el) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = el.text().await
            {
                if pred(&text) {
                    return Ok(text);
                }
                last = text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!("{css} never showed {what}; last text: {last:?}"))
    }

    /// Runs a script in the current frame and returns its value.
    pub async fn js(&self, script: &str) -> Result<Value, Error> {
        self.client.execute(script, vec![]).await.map_err(|e| format!("script failed: {e}"))
    }

    /// Saves a screenshot as a test artefact under `target/e2e-artifacts/`.
    pub async fn screenshot(&self, name: &str) -> Option<PathBuf> {
        let dir = target_dir().join("e2e-artifacts");
        std::fs::create_dir_all(&dir).ok()?;
        let png = self.client.screenshot().await.ok()?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).ok()?;
        Some(path)
    }

    /// Waits for a window other than `current` and switches to it.
    pub async fn switch_to_new_window(&self, current: &fantoccini::wd::WindowHandle) -> Result<(), Error> {
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            let windows = self.client.windows().await.map_err(|e| e.to_string())?;
            if let Some(other) = windows.into_iter().find(|w| w != current) {
                return self.client.switch_to_window(other).await.map_err(|e| e.to_string());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err("no popup window opened".into())
    }

    /// Ends the session and ChromeDriver.
    pub async fn close(mut self) {
        let client = self.client.clone();
        let _ = client.close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
