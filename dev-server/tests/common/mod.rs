//! Helpers shared by the integration tests: an in-process server on port 0, an HTTP client
//! that does not follow redirects, a WebSocket client.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::Duration;

use futures_util::StreamExt;
use nango_dev_server::{DevServerConfig, RunningServer, start};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub struct TestServer {
    pub server: RunningServer,
    pub http: reqwest::Client,
    pub base: String,
}

pub async fn start_server() -> TestServer {
    start_with(DevServerConfig::for_tests()).await
}

pub async fn start_with(config: DevServerConfig) -> TestServer {
    let server = start(config).await.expect("server starts");
    let base = server.api_url();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    TestServer { server, http, base }
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn secret(&self) -> String {
        format!("Bearer {}", self.server.secret_key())
    }

    /// `POST /connect/sessions` with the secret key; returns the response.
    pub async fn post_session(&self, body: Value) -> reqwest::Response {
        self.http
            .post(self.url("/connect/sessions"))
            .header("authorization", self.secret())
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// A session token for end user `u1` with `extra` merged into the body.
    pub async fn session_with(&self, extra: Value) -> String {
        let mut body = json!({ "end_user": { "id": "u1", "email": "u1@example.com" } });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        let res = self.post_session(body).await;
        assert_eq!(res.status(), 201);
        let v: Value = res.json().await.unwrap();
        v["data"]["token"].as_str().unwrap().to_owned()
    }

    pub async fn session(&self) -> String {
        self.session_with(json!({})).await
    }

    /// POSTs JSON to an auth endpoint with a query string.
    pub async fn post_auth(&self, path_and_query: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self.http.post(self.url(path_and_query)).header("content-type", "application/json");
        if let Some(body) = body {
            req = req.body(body.to_string());
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        (status, json)
    }

    pub async fn get_json(&self, path: &str, auth: Option<&str>) -> (u16, Value) {
        let mut req = self.http.get(self.url(path));
        if let Some(auth) = auth {
            req = req.header("authorization", auth);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Stored connections, as `GET /connection` answers them.
    pub async fn connections(&self) -> Vec<Value> {
        let (status, body) = self.get_json("/connection", Some(&self.secret())).await;
        assert_eq!(status, 200);
        body["connections"].as_array().unwrap().clone()
    }

    /// `GET /connection/{id}?provider_config_key=` with credentials.
    pub async fn connection(&self, key: &str, id: &str) -> Value {
        let (status, body) =
            self.get_json(&format!("/connection/{id}?provider_config_key={key}"), Some(&self.secret())).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// Opens the WebSocket and returns it with the acknowledged client id.
    pub async fn ws(&self) -> (Ws, String) {
        self.ws_at(&self.server.websocket_url()).await
    }

    pub async fn ws_at(&self, url: &str) -> (Ws, String) {
        let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        let ack = next_json(&mut ws).await;
        assert_eq!(ack["message_type"], "connection_ack");
        let id = ack["ws_client_id"].as_str().unwrap().to_owned();
        (ws, id)
    }
}

/// The next text message as JSON (5 s timeout).
pub async fn next_json(ws: &mut Ws) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a WebSocket message within 5 s")
            .expect("socket open")
            .expect("no socket error");
        match msg {
            Message::Text(text) => return serde_json::from_str(&text).unwrap(),
            Message::Close(frame) => panic!("socket closed: {frame:?}"),
            _ => {}
        }
    }
}

/// Asserts that no text message arrives within `ms`.
pub async fn assert_silent(ws: &mut Ws, ms: u64) {
    if let Ok(Some(Ok(Message::Text(text)))) =
        tokio::time::timeout(Duration::from_millis(ms), ws.next()).await
    {
        panic!("unexpected message {text}");
    }
}

/// `(name, value)` of the hidden inputs of the fake provider's form.
pub fn hidden_fields(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for chunk in html.split("<input type=\"hidden\" ").skip(1) {
        let name = between(chunk, "name=\"", "\"");
        let value = between(chunk, "value=\"", "\"");
        out.push((unescape(&name), unescape(&value)));
    }
    out
}

fn between(s: &str, start: &str, end: &str) -> String {
    let from = s.find(start).unwrap() + start.len();
    let rest = &s[from..];
    rest[..rest.find(end).unwrap()].to_owned()
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The `Location` of a redirect, resolved against the server.
pub fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_owned()
}

/// Query pairs of a URL.
pub fn query_of(url: &str) -> Vec<(String, String)> {
    url::Url::parse(url).unwrap().query_pairs().into_owned().collect()
}

pub fn query_value(url: &str, key: &str) -> Option<String> {
    query_of(url).into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Result of driving the popup part of an OAuth flow.
pub struct PopupResult {
    pub status: u16,
    pub page: String,
    pub callback_url: String,
}

impl TestServer {
    /// Drives the popup: `/oauth/connect` → authorize page → decision form POST → callback.
    pub async fn drive_popup(&self, connect_path_and_query: &str, decision: &str) -> PopupResult {
        let res = self.http.get(self.url(connect_path_and_query)).send().await.unwrap();
        assert_eq!(res.status(), 302, "oauth/connect redirects");
        let authorize_url = location(&res);
        let res = self.http.get(&authorize_url).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        assert!(html.contains("id=\"approve\"") && html.contains("id=\"deny\""));
        let mut form = hidden_fields(&html);
        form.push(("decision".into(), decision.into()));
        let res = self.http.post(self.url("/fake-oauth/authorize")).form(&form).send().await.unwrap();
        assert_eq!(res.status(), 303, "decision redirects to the callback");
        let callback_url = location(&res);
        let res = self.http.get(&callback_url).send().await.unwrap();
        PopupResult { status: res.status().as_u16(), page: res.text().await.unwrap(), callback_url }
    }
}
