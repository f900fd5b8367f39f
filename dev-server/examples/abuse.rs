//! Abuse benchmark (not a test): hostile load on loopback while one normal OAuth flow runs.
//!
//! ```text
//! cargo run -p nango-dev-server --release --example abuse
//! ```
//!
//! Against an in-process server with the default limits, at once:
//! - 10,000 fake-provider approvals that name no live flow, each with a 64 KiB `scope`
//!   (what a page could make the server store before issue 14);
//! - 5,000 WebSockets opened and left idle;
//! - 1,000 oversized request bodies (1 MiB each, the limit is 256 KiB) on a credential endpoint;
//!
//! and, in the middle of it, one normal OAuth flow (WebSocket, `/oauth/connect`, consent page,
//! approval, callback, `success` on the socket), timed, next to the same flow timed alone
//! first. Bounded: every phase has a count and the whole run a 120 s deadline. Prints what was
//! refused and accepted, what the server holds afterwards, the normal flow's latency and the
//! process's peak memory (client and server share the process).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::{Duration, Instant};

use futures_util::{StreamExt, stream};
use nango_dev_server::{DevServerConfig, start};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

const APPROVALS: usize = 10_000;
const IDLE_SOCKETS: usize = 5_000;
const OVERSIZED: usize = 1_000;
const DEADLINE: Duration = Duration::from_secs(120);

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn next_text(ws: &mut Ws) -> Result<Value, String> {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(30), ws.next())
            .await
            .map_err(|_| "timeout waiting for the socket".to_owned())?
            .ok_or("socket closed")?
            .map_err(|e| e.to_string())?;
        if let Message::Text(text) = msg {
            return serde_json::from_str(&text).map_err(|e| e.to_string());
        }
    }
}

/// One complete OAuth flow; its latency.
async fn normal_flow(
    http: &reqwest::Client,
    base: &str,
    ws_url: &str,
    token: &str,
) -> Result<Duration, String> {
    let started = Instant::now();
    let (mut ws, _) =
        tokio_tungstenite::connect_async(ws_url).await.map_err(|e| format!("ws connect: {e}"))?;
    let ack = next_text(&mut ws).await?;
    let id = ack["ws_client_id"].as_str().ok_or("no ack")?.to_owned();
    let res = http
        .get(format!("{base}/oauth/connect/github-dev?connect_session_token={token}&ws_client_id={id}"))
        .send()
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let authorize =
        res.headers().get("location").and_then(|l| l.to_str().ok()).ok_or("no redirect")?.to_owned();
    let page = http
        .get(&authorize)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .text()
        .await
        .map_err(|e| e.to_string())?;
    if !page.contains("id=\"approve\"") {
        return Err("no consent page".into());
    }
    let mut form: Vec<(String, String)> = url::Url::parse(&authorize)
        .map_err(|e| e.to_string())?
        .query_pairs()
        .into_owned()
        .filter(|(k, _)| k != "response_type")
        .collect();
    form.push(("decision".into(), "approve".into()));
    let res = http
        .post(format!("{base}/fake-oauth/authorize"))
        .form(&form)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let callback =
        res.headers().get("location").and_then(|l| l.to_str().ok()).ok_or("no callback")?.to_owned();
    let res = http.get(&callback).send().await.map_err(|e| e.to_string())?;
    if res.status() != 200 {
        return Err(format!("callback status {}", res.status()));
    }
    let result = next_text(&mut ws).await?;
    if result["message_type"] != "success" {
        return Err(format!("flow result {result}"));
    }
    let _ = ws.close(None).await;
    Ok(started.elapsed())
}

fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find(|l| l.starts_with(field))?.split_whitespace().nth(1)?.parse().ok()
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(|| "?".to_owned(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

/// Counts answers by status (`0`: no answer was read, e.g. the server closed the connection
/// while a refused body was still being sent).
fn tally(statuses: &[u16]) -> String {
    let mut counts = std::collections::BTreeMap::new();
    for s in statuses {
        *counts.entry(*s).or_insert(0usize) += 1;
    }
    counts
        .iter()
        .map(|(s, n)| {
            format!("{n} × {}", if *s == 0 { "closed before an answer".to_owned() } else { s.to_string() })
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[tokio::main]
async fn main() {
    let server = start(DevServerConfig::for_tests()).await.expect("server");
    let base = server.api_url();
    let ws_url = server.websocket_url();
    // One client (connection pool) per kind of traffic, as separate callers would be.
    let client = || {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap()
    };
    let (http, attacker, uploader) = (client(), client(), client());
    let session: Value =
        http.post(format!("{base}/demo/session")).send().await.unwrap().json().await.unwrap();
    let token = session["token"].as_str().unwrap().to_owned();
    println!("abuse bench against {base} (WebSocket cap {})", server.max_websockets());
    println!("memory before: {} RSS", mib(proc_status_kib("VmRSS:")));
    let alone = normal_flow(&http, &base, &ws_url, &token).await.expect("a normal flow alone");
    println!("normal OAuth flow alone:        {:.1} ms", alone.as_secs_f64() * 1000.0);

    let run = async {
        let started = Instant::now();
        let (client_id, _) = server.fake_oauth_client();
        let client_id = client_id.to_owned();
        let scope = "s".repeat(64 * 1024);
        let redirect_uri = format!("{base}/oauth/callback");
        let approvals = stream::iter(0..APPROVALS)
            .map(|i| {
                let form = [
                    ("client_id", client_id.clone()),
                    ("redirect_uri", redirect_uri.clone()),
                    ("state", format!("{i:064x}")),
                    ("scope", scope.clone()),
                    ("code_challenge", "a".repeat(43)),
                    ("code_challenge_method", "S256".to_owned()),
                    ("decision", "approve".to_owned()),
                ];
                let req = attacker.post(format!("{base}/fake-oauth/authorize")).form(&form).send();
                async move { req.await.map_or(0, |r| r.status().as_u16()) }
            })
            .buffer_unordered(64)
            .collect::<Vec<u16>>();

        let sockets = stream::iter(0..IDLE_SOCKETS)
            .map(|_| {
                let url = ws_url.clone();
                async move {
                    match tokio_tungstenite::connect_async(url).await {
                        Ok((mut ws, _)) => next_text(&mut ws).await.ok().map(|_| ws),
                        Err(_) => None,
                    }
                }
            })
            .buffer_unordered(128)
            .collect::<Vec<Option<Ws>>>();

        let body = vec![b'x'; 1024 * 1024];
        let oversized = stream::iter(0..OVERSIZED)
            .map(|_| {
                let req = uploader
                    .post(format!("{base}/api-auth/api-key/api-key-dev?connect_session_token={token}"))
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send();
                async move { req.await.map_or(0, |r| r.status().as_u16()) }
            })
            .buffer_unordered(32)
            .collect::<Vec<u16>>();

        // The normal flow starts once the abuse is under way.
        let normal = async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            normal_flow(&http, &base, &ws_url, &token).await
        };
        let (approvals, sockets, oversized, normal) = tokio::join!(approvals, sockets, oversized, normal);
        (started.elapsed(), approvals, sockets, oversized, normal)
    };
    let Ok((elapsed, approvals, sockets, oversized, normal)) = tokio::time::timeout(DEADLINE, run).await
    else {
        println!("the run passed its {DEADLINE:?} deadline");
        std::process::exit(1);
    };
    let open = sockets.iter().filter(|s| s.is_some()).count();
    let report = server.memory_report();
    println!("abuse wall time:                {:.1} s", elapsed.as_secs_f64());
    println!("fake-provider approvals:        {APPROVALS} sent, {}", tally(&approvals));
    println!(
        "idle WebSockets:                {IDLE_SOCKETS} asked, {open} open, {} refused",
        IDLE_SOCKETS - open
    );
    println!("oversized bodies (1 MiB):       {OVERSIZED} sent, {}", tally(&oversized));
    match normal {
        Ok(latency) => println!("normal OAuth flow under abuse:  {:.1} ms", latency.as_secs_f64() * 1000.0),
        Err(e) => println!("normal OAuth flow under abuse:  FAILED: {e}"),
    }
    println!(
        "server holds: {} codes ({} B), {} flows ({} B), {} remembered states, {} open WebSockets",
        report.codes.0,
        report.codes.1,
        report.flows.0,
        report.flows.1,
        report.used_states.0,
        report.open_websockets
    );
    println!(
        "memory now: {} RSS; peak: {} (client and server in one process)",
        mib(proc_status_kib("VmRSS:")),
        mib(proc_status_kib("VmHWM:"))
    );
    drop(sockets);
    server.shutdown().await;
}
