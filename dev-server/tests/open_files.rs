//! Issue 14 item 4: when the process runs out of open files, the accept loop must not stall
//! every route for a second per `EMFILE` (axum's own loop does). Its own test binary: it lowers
//! the process's open-file limit.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use rlimit::Resource;

/// One `GET` over a fresh connection; how long the answer took.
fn probe(addr: std::net::SocketAddr) -> Result<Duration, String> {
    let started = Instant::now();
    let mut s = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(5))).map_err(|e| e.to_string())?;
    s.write_all(b"GET /images/template-logos/x.svg HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let mut head = [0u8; 12];
    s.read_exact(&mut head).map_err(|e| e.to_string())?;
    if !head.starts_with(b"HTTP/1.1 200") {
        return Err(format!("answer {:?}", String::from_utf8_lossy(&head)));
    }
    Ok(started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn running_out_of_files_does_not_stall_the_routes() {
    let t = common::start_server().await;
    let addr = t.server.api_addr();
    let (soft, hard) = rlimit::getrlimit(Resource::NOFILE).unwrap();
    let open_now = std::fs::read_dir("/proc/self/fd").map(|d| d.count() as u64).unwrap_or(64);
    rlimit::setrlimit(Resource::NOFILE, open_now + 48, hard).unwrap();

    let outcome = tokio::task::spawn_blocking(move || {
        let mut worst = Duration::ZERO;
        for _round in 0..3 {
            // Use up every file: the client's ends, and the server's until its accept fails.
            let mut hogs = Vec::new();
            while let Ok(s) = TcpStream::connect(addr) {
                hogs.push(s);
                if hogs.len() > 4096 {
                    break;
                }
            }
            std::thread::sleep(Duration::from_millis(50)); // the server's accept meets EMFILE
            hogs.truncate(hogs.len().saturating_sub(24));
            std::thread::sleep(Duration::from_millis(20));
            drop(hogs);
            worst = worst.max(probe(addr)?);
        }
        Ok::<Duration, String>(worst)
    })
    .await
    .unwrap();
    rlimit::setrlimit(Resource::NOFILE, soft, hard).unwrap();
    let worst = outcome.unwrap();
    assert!(worst < Duration::from_millis(500), "a route stalled for {worst:?} after EMFILE");
}
