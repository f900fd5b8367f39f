//! 2–4. In the browser: event latency, open cost and leaks, ours beside the JS SDK's.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use nango_e2e::Browser;
use serde_json::{Value, json};

use super::site::{Site, serve};
use super::sizes::ratio;
use super::{KINDS, Report, STATE_KINDS};

/// Starts `name` in the page and polls until it ends.
async fn page_run(browser: &Browser, name: &str, args: Value, limit: Duration) -> Result<Value, String> {
    browser
        .client
        .execute("window.bench.start(arguments[0], arguments[1]); return true;", vec![json!(name), args])
        .await
        .map_err(|e| format!("{name}: {e}"))?;
    let deadline = Instant::now() + limit;
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        // A busy page (hundreds of popups) may miss WebDriver's script timeout: poll again.
        let Ok(state) = browser.js("return window.bench.poll();").await else { continue };
        if state.get("done").and_then(Value::as_bool) == Some(true) {
            if let Some(error) = state.get("error").and_then(Value::as_str) {
                return Err(format!("{name}: {error}"));
            }
            return Ok(state.get("result").cloned().unwrap_or(Value::Null));
        }
        if Instant::now() > deadline {
            return Err(format!("{name}: no result in {}s", limit.as_secs()));
        }
    }
}

pub(super) async fn browser_rows(
    report: &mut Report,
    site: &Site,
    chromedriver: &Path,
    cycles: u32,
    only: Option<&str>,
) -> Result<(), String> {
    let page_port = serve(site.page.clone(), "bench.html").await?;
    let stub_port = serve(site.stub.clone(), "stub.html").await?;
    let page = format!("http://127.0.0.1:{page_port}/");
    // `localhost` is another site than `127.0.0.1`: the stub runs cross-site, as Nango's does.
    let stub_origin = format!("http://localhost:{stub_port}");
    // A Nango host whose WebSocket endpoint refuses (404): sockets are opened, never served.
    let host = format!("http://127.0.0.1:{page_port}");
    let browser = start_browser(chromedriver).await?;
    let result = async {
        browser.client.goto(&page).await.map_err(|e| format!("{page}: {e}"))?;
        wait_ready(&browser).await?;
        let isolated = browser.js("return self.crossOriginIsolated;").await?;
        if isolated != Value::Bool(true) {
            report.details.push("Note: the page was not cross-origin isolated; times are coarsened to 100 µs.\n".into());
        }
        latency_rows(report, &browser, &stub_origin, cycles, only).await;
        if only.is_some() {
            return Ok(()); // the open cost and leak rows are the core's
        }
        match page_run(&browser, "openCost", json!({ "stubOrigin": stub_origin, "n": cycles }), Duration::from_secs(300)).await {
            Ok(v) => {
                let (ours, js) = (stat(&v, "/ours/median"), stat(&v, "/js/median"));
                report.row(
                    format!("open cost: open_connect_ui → iframe in the page, median of {cycles}"),
                    format!("{} (p99 {})", ms(ours), ms(stat(&v, "/ours/p99"))),
                    format!("{} (p99 {})", ms(js), ms(stat(&v, "/js/p99"))),
                    ratio(ours, js),
                    "`Nango::open_connect_ui` timed inside wasm vs `nango.openConnectUI` in JS; closed between opens",
                );
            }
            Err(e) => report.failed("open cost", &e),
        }
        leak_rows(report, &browser, &stub_origin, &host, cycles).await;
        Ok::<(), String>(())
    }
    .await;
    browser.close().await;
    result
}

async fn start_browser(chromedriver: &Path) -> Result<Browser, String> {
    // The harness takes ChromeDriver from `CHROMEDRIVER` or /usr/bin, where setup installs it.
    if std::env::var_os("CHROMEDRIVER").is_none() && chromedriver != Path::new("/usr/bin/chromedriver") {
        return Err(format!("set CHROMEDRIVER={} and run again", chromedriver.display()));
    }
    Browser::start_with_args(&["--js-flags=--expose-gc", "--enable-precise-memory-info"]).await
}

async fn wait_ready(browser: &Browser) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if browser.js("return window.benchReady === true;").await? == Value::Bool(true) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err("the bench page did not load its wasm in 30 s".into())
}

fn stat(v: &Value, pointer: &str) -> f64 {
    v.pointer(pointer).and_then(Value::as_f64).unwrap_or(f64::NAN)
}

fn ms(value: f64) -> String {
    if value.is_nan() {
        "–".into()
    } else if value < 1.0 {
        format!("{:.0} µs", value * 1000.0)
    } else {
        format!("{value:.2} ms")
    }
}

/// Median and p99 of `values` (nearest rank).
fn percentiles(values: &[f64]) -> (f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |p: f64| {
        let rank = ((p * sorted.len() as f64).ceil() as usize).saturating_sub(1);
        sorted.get(rank.min(sorted.len().saturating_sub(1))).copied().unwrap_or(f64::NAN)
    };
    (at(0.5), at(0.99))
}

/// Latency subjects: page name, label, kinds, where the time is taken. Each is measured paired
/// with the JS SDK's `onEvent` on the same messages.
const SUBJECTS: [(&str, &str, &[&str], &str); 5] = [
    ("core-callback", "core: on_event callback", KINDS, "the callback's first statement"),
    ("core-stream", "core: events() stream item", KINDS, "a spawn_local task's `next().await`"),
    ("yew", "Yew: use_connect_ui state update", STATE_KINDS, "use_effect_with after the re-render"),
    ("dioxus", "Dioxus: use_connect_ui state update", STATE_KINDS, "use_effect after the signal update"),
    ("leptos", "Leptos: use_connect_ui state update", STATE_KINDS, "Effect::new after the signal update"),
];
/// Latency runs are split into rounds, the subjects taking turns and the listener order
/// alternating (JS first in even rounds), so that drift and being second are shared alike.
const ROUNDS: u32 = 4;

/// With `only`, that subject alone.
async fn latency_rows(report: &mut Report, browser: &Browser, stub_origin: &str, n: u32, only: Option<&str>) {
    let per_round = n.div_ceil(ROUNDS);
    // subject → kind → (ours, JS) latencies in ms
    let mut values: Vec<Vec<(Vec<f64>, Vec<f64>)>> =
        SUBJECTS.iter().map(|(_, _, kinds, _)| vec![(Vec::new(), Vec::new()); kinds.len()]).collect();
    let mut errors: Vec<Option<String>> = vec![None; SUBJECTS.len()];
    for round in 0..ROUNDS {
        eprintln!(
            "  event latency, round {}/{ROUNDS} ({per_round} events of each kind per subject)",
            round + 1
        );
        for (i, (subject, _, kinds, _)) in SUBJECTS.iter().enumerate() {
            if errors.get(i).is_some_and(Option::is_some) || only.is_some_and(|only| only != *subject) {
                continue;
            }
            let args = json!({
                "subject": subject, "stubOrigin": stub_origin, "kinds": kinds, "n": per_round, "jsFirst": round % 2 == 0,
            });
            match page_run(browser, "latency", args, Duration::from_secs(600)).await {
                Ok(v) => {
                    for (k, kind) in kinds.iter().enumerate() {
                        let get = |side: &str| -> Vec<f64> {
                            v.pointer(&format!("/perKind/{kind}/{side}"))
                                .and_then(Value::as_array)
                                .map(|a| a.iter().filter_map(Value::as_f64).collect())
                                .unwrap_or_default()
                        };
                        if let Some(slot) = values.get_mut(i).and_then(|s| s.get_mut(k)) {
                            slot.0.extend(get("ours"));
                            slot.1.extend(get("js"));
                        }
                    }
                }
                Err(e) => {
                    if let Some(slot) = errors.get_mut(i) {
                        *slot = Some(e);
                    }
                }
            }
        }
    }
    let sent = per_round * ROUNDS;
    let mut detail = String::from(
        "Event latency per kind (stub's postMessage → arrival; nearest-rank median and p99; the JS SDK measured on \
         the same messages in the same runs):\n\n\
         | subject | kind | ours median | ours p99 | JS median | JS p99 | received ours / JS | ratio median | ratio p99 |\n\
         |---|---|---|---|---|---|---|---|---|\n",
    );
    for (i, (subject, label, kinds, note)) in SUBJECTS.iter().enumerate() {
        if only.is_some_and(|only| only != *subject) {
            continue;
        }
        if let Some(Some(e)) = errors.get(i) {
            report.failed(&format!("event latency: {label}"), e);
            continue;
        }
        let (mut all, mut all_js) = (Vec::new(), Vec::new());
        for (k, kind) in kinds.iter().enumerate() {
            let (ours, js) = values.get(i).and_then(|s| s.get(k)).cloned().unwrap_or_default();
            let ((m, p), (jm, jp)) = (percentiles(&ours), percentiles(&js));
            let _ = writeln!(
                detail,
                "| {label} | {kind} | {} | {} | {} | {} | {}/{sent} / {}/{sent} | {} | {} |",
                ms(m),
                ms(p),
                ms(jm),
                ms(jp),
                ours.len(),
                js.len(),
                ratio(m, jm),
                ratio(p, jp)
            );
            all.extend_from_slice(&ours);
            all_js.extend_from_slice(&js);
        }
        let ((m, p), (jm, jp)) = (percentiles(&all), percentiles(&all_js));
        report.row(
            format!("event latency: {label} (median / p99)"),
            format!("{} / {}", ms(m), ms(p)),
            format!("{} / {}", ms(jm), ms(jp)),
            format!("{} / {}", ratio(m, jm), ratio(p, jp)),
            format!(
                "{} × {sent} events ({}); {} / {} received; ours at {note}, JS at onEvent's first statement, same messages",
                kinds.len(),
                kinds.join(", "),
                all.len(),
                all_js.len()
            ),
        );
    }
    report.details.push(detail);
}

async fn leak_rows(report: &mut Report, browser: &Browser, stub_origin: &str, host: &str, n: u32) {
    let mut detail = String::from(
        "Leak counts after the cycles (after − before; sockets and popups: of those made during the cycles):\n\n\
         | scenario | listeners | window `message` listeners | iframes | sockets made / not closed / still open | \
         popups opened / left open | promises never settled | JS heap Δ | wasm memory Δ |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    let scenarios = [
        ("ui", "Connect UI open/close"),
        ("auth-blocked", "auth start/cancel, popup blocked"),
        ("auth-popup", "auth start/cancel, popup opened then dropped"),
    ];
    for (scenario, label) in scenarios {
        let mut cells = Vec::new();
        for side in ["ours", "js"] {
            let name = format!("{scenario}-{side}");
            let args = json!({ "name": name, "stubOrigin": stub_origin, "host": host, "n": n });
            match page_run(browser, "leak", args, Duration::from_secs(600)).await {
                Ok(v) => {
                    let d = |k: &str| stat(&v, &format!("/after/{k}")) - stat(&v, &format!("/before/{k}"));
                    let a = |k: &str| stat(&v, &format!("/after/{k}"));
                    let left =
                        d("listeners") + d("iframes") + a("socketsOpenOrConnecting") + a("popupsLeftOpen");
                    let _ = writeln!(
                        detail,
                        "| {label} ({}) | {} | {} | {} | {} / {} / {} | {} / {} | {} | {:+.1} KB | {:+.0} KB |",
                        if side == "ours" { "this project" } else { "JS SDK" },
                        d("listeners"),
                        d("messageListeners"),
                        d("iframes"),
                        a("socketsCreated"),
                        a("socketsNotClosedBySdk"),
                        a("socketsOpenOrConnecting"),
                        a("popupsOpened"),
                        a("popupsLeftOpen"),
                        v.get("pendingPromises").and_then(Value::as_u64).unwrap_or(0),
                        d("heap") / 1024.0,
                        d("wasmMemory") / 1024.0,
                    );
                    cells.push(format!("{left} left, heap {:+.0} KB", d("heap") / 1024.0));
                }
                Err(e) => {
                    eprintln!("bench: leak {name}: {e}");
                    cells.push(format!("not measured ({})", e.replace('|', "/")));
                }
            }
        }
        let js = cells.pop().unwrap_or_default();
        let ours = cells.pop().unwrap_or_default();
        report.row(
            format!("leaks: {n} × {label}"),
            ours,
            js,
            "–",
            "listeners + iframes + open sockets + open popups left after the cycles (budget 0); JS heap after − before, after forced GC",
        );
    }
    report.details.push(detail);
}
