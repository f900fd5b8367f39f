//! Load benchmark (not a test): N concurrent complete OAuth flows against an in-process server.
//!
//! ```text
//! cargo run -p nango-dev-server --release --example load -- [FLOWS=1000]
//! ```
//!
//! Each flow opens a WebSocket, waits for `connection_ack`, follows `/oauth/connect` to the fake
//! provider's consent page, approves it, loads the callback and waits for `success` on its
//! socket. Prints flows completed and lost, flows/s and HTTP requests/s, p50/p99 latency, and
//! the process's peak memory (client and server share the process).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use nango_dev_server::{DevServerConfig, start};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

/// HTTP requests per flow: connect, authorize page, decision, callback (+ the token exchange
/// the server makes to itself).
const HTTP_PER_FLOW: usize = 5;

async fn one_flow(
    http: reqwest::Client,
    base: Arc<str>,
    ws_url: Arc<str>,
    token: Arc<str>,
) -> Result<Duration, String> {
    let started = Instant::now();
    let (mut ws, _) =
        tokio_tungstenite::connect_async(&*ws_url).await.map_err(|e| format!("ws connect: {e}"))?;
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
        .map_err(|e| format!("authorize: {e}"))?
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
        .map_err(|e| format!("decision: {e}"))?;
    let callback =
        res.headers().get("location").and_then(|l| l.to_str().ok()).ok_or("no callback redirect")?.to_owned();
    let res = http.get(&callback).send().await.map_err(|e| format!("callback: {e}"))?;
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

async fn next_text(
    ws: &mut tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
) -> Result<Value, String> {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(60), ws.next())
            .await
            .map_err(|_| "timeout waiting for the socket".to_owned())?
            .ok_or("socket closed")?
            .map_err(|e| e.to_string())?;
        if let Message::Text(text) = msg {
            return serde_json::from_str(&text).map_err(|e| e.to_string());
        }
    }
}

fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let flows: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let server = start(DevServerConfig::for_tests()).await.expect("server");
    let base: Arc<str> = server.api_url().into();
    let ws_url: Arc<str> = server.websocket_url().into();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(flows)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let session: Value =
        http.post(format!("{base}/demo/session")).send().await.unwrap().json().await.unwrap();
    let token: Arc<str> = session["token"].as_str().unwrap().into();

    println!("running {flows} concurrent OAuth flows against {base} …");
    let started = Instant::now();
    let tasks: Vec<_> = (0..flows)
        .map(|_| {
            tokio::spawn(one_flow(http.clone(), Arc::clone(&base), Arc::clone(&ws_url), Arc::clone(&token)))
        })
        .collect();
    let mut latencies = Vec::with_capacity(flows);
    let mut errors: Vec<String> = Vec::new();
    for task in tasks {
        match task.await {
            Ok(Ok(latency)) => latencies.push(latency),
            Ok(Err(e)) => errors.push(e),
            Err(e) => errors.push(e.to_string()),
        }
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let stored = server.connections().len();
    println!("flows:       {flows}");
    println!("completed:   {}", latencies.len());
    println!("lost:        {}", errors.len());
    println!("stored:      {stored} connections");
    println!("wall time:   {:.2?}", elapsed);
    println!(
        "throughput:  {:.0} flows/s, {:.0} HTTP requests/s",
        latencies.len() as f64 / elapsed.as_secs_f64(),
        (latencies.len() * HTTP_PER_FLOW) as f64 / elapsed.as_secs_f64()
    );
    println!("latency p50: {:.2?}", percentile(&latencies, 0.50));
    println!("latency p99: {:.2?}", percentile(&latencies, 0.99));
    if let Some(kib) = peak_memory_kib() {
        println!("peak memory: {:.1} MiB (client and server in one process)", kib as f64 / 1024.0);
    }
    if let Some(first) = errors.first() {
        println!("first error: {first}");
    }
    server.shutdown().await;
}
