//! Replays what a real Nango server answered (`fixtures/real-nango/exchanges.json`, recorded by
//! `tests/real-nango/record.mjs` from Nango's open-source server) against the dev server: every
//! recorded request, in order, and the dev server's answer must match the real one: the exact
//! status, content type and CORS headers, the same body kind, the same JSON field sets all the
//! way down, the same values (error codes, ids, flags), where the fixture has a typed
//! placeholder (`<uuid>`, `<timestamp>`, ...) a value of that type, and only where the fixture
//! lists a JSON pointer as `free` (texts for humans, catalog data) a different value of the same
//! JSON type. WebSocket exchanges: the same messages on the same socket, and none where the real
//! server sent none. Every difference is reported at once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::StreamExt as _;
use nango_dev_server::{DevServerConfig, start};
use serde_json::{Map, Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

const FIXTURE: &str = include_str!("fixtures/real-nango/exchanges.json");

/// The fixture, parsed.
fn fixture() -> Value {
    serde_json::from_str(FIXTURE).expect("the fixture is JSON")
}

/// The dev server configured with the integrations the recording set up on the real server.
fn config(fixture: &Value) -> DevServerConfig {
    let integrations: Vec<Value> = fixture["setup"]["integrations"]
        .as_array()
        .expect("setup.integrations")
        .iter()
        .map(|i| {
            let mut c = json!({
                "unique_key": i["unique_key"],
                "provider": i["provider"],
                "display_name": i["provider"],
                "auth_mode": i["auth_mode"],
            });
            if let Some(fields) = i.get("dev_server").and_then(Value::as_object) {
                c.as_object_mut().unwrap().extend(fields.clone());
            }
            c
        })
        .collect();
    let base = serde_json::to_value(DevServerConfig::for_tests()).expect("config serializes");
    let mut merged = base.as_object().cloned().unwrap_or_default();
    merged.insert("integrations".into(), Value::Array(integrations));
    serde_json::from_value(Value::Object(merged)).expect("a valid dev-server config")
}

/// `{{name}}` replaced by the variable's value in every string.
fn fill(v: &Value, vars: &BTreeMap<String, String>) -> Value {
    match v {
        Value::String(s) => Value::String(fill_str(s, vars)),
        Value::Array(a) => Value::Array(a.iter().map(|x| fill(x, vars)).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, x)| (k.clone(), fill(x, vars))).collect()),
        other => other.clone(),
    }
}

fn fill_str(s: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").expect("a closed {{variable}}");
        let name = &after[..end];
        out.push_str(vars.get(name).unwrap_or_else(|| panic!("unknown variable {{{{{name}}}}}")));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The value at a JSON pointer (`/a/0/b`).
fn at<'a>(v: &'a Value, pointer: &str) -> Option<&'a Value> {
    v.pointer(pointer)
}

/// Whether `path` (a JSON pointer of the answer) matches one of `patterns` (`*` = any segment).
fn matches_any(path: &str, patterns: &[String]) -> bool {
    patterns.iter().any(|p| {
        let a: Vec<&str> = p.split('/').collect();
        let b: Vec<&str> = path.split('/').collect();
        // `/x/*` at the end of a pattern also covers everything below `/x/<any>`.
        (a.len() == b.len() || (a.last() == Some(&"*") && b.len() >= a.len()))
            && a.iter().zip(&b).all(|(x, y)| *x == "*" || x == y)
    })
}

/// What the placeholders of the fixture stand for on the dev server.
struct Ctx {
    origin: String,
    connect_ui_origin: String,
    vars: BTreeMap<String, String>,
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter()
            .enumerate()
            .all(|(i, c)| if [8, 13, 18, 23].contains(&i) { *c == b'-' } else { c.is_ascii_hexdigit() })
}

fn is_timestamp(s: &str) -> bool {
    // 2026-12-06T21:07:32.535Z (or an offset instead of Z)
    let b = s.as_bytes();
    b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && (s.ends_with('Z') || s[19..].contains(['+', '-']))
        && s.bytes().all(|c| c.is_ascii_digit() || b"-T:.Z+".contains(&c))
}

/// The length of the placeholder's value at the start of `s`, if `s` starts with one.
fn placeholder_len(name: &str, s: &str, ctx: &Ctx, next_literal: &str) -> Option<usize> {
    match name {
        "uuid" => s.get(..36).filter(|p| is_uuid(p)).map(|_| 36),
        "timestamp" => {
            let n = s.bytes().take_while(|c| c.is_ascii_digit() || b"-T:.Z+".contains(c)).count();
            is_timestamp(&s[..n]).then_some(n)
        }
        "session_token" => {
            let rest = s.strip_prefix("nango_connect_session_")?;
            let n = rest.bytes().take_while(u8::is_ascii_hexdigit).count();
            (n >= 16).then_some("nango_connect_session_".len() + n)
        }
        "int" => {
            let n = s.bytes().take_while(u8::is_ascii_digit).count();
            (n > 0).then_some(n)
        }
        "origin" => s.starts_with(&ctx.origin).then_some(ctx.origin.len()),
        "connect_ui_origin" => s.starts_with(&ctx.connect_ui_origin).then_some(ctx.connect_ui_origin.len()),
        "string" => Some(if next_literal.is_empty() {
            s.len()
        } else {
            s.find(next_literal.chars().next().unwrap_or('&')).unwrap_or(s.len())
        }),
        _ => None,
    }
}

const PLACEHOLDERS: &[&str] =
    &["uuid", "timestamp", "session_token", "int", "origin", "connect_ui_origin", "string"];

/// `expected` (literal text with `<placeholder>`s and `{{variables}}`) matches `actual`.
fn text_matches(expected: &str, actual: &str, ctx: &Ctx) -> bool {
    let expected = fill_str(expected, &ctx.vars);
    // Split into literal and placeholder parts.
    let mut parts: Vec<(bool, &str)> = Vec::new();
    let mut rest = expected.as_str();
    'outer: while !rest.is_empty() {
        let mut search = 0;
        while let Some(i) = rest[search..].find('<') {
            let i = search + i;
            for p in PLACEHOLDERS {
                if rest[i + 1..].starts_with(p) && rest[i + 1 + p.len()..].starts_with('>') {
                    if i > 0 {
                        parts.push((false, &rest[..i]));
                    }
                    parts.push((true, p));
                    rest = &rest[i + p.len() + 2..];
                    continue 'outer;
                }
            }
            search = i + 1;
        }
        parts.push((false, rest));
        break;
    }
    let mut s = actual;
    for (k, (is_placeholder, part)) in parts.iter().enumerate() {
        if *is_placeholder {
            let next_literal = parts.get(k + 1).filter(|(p, _)| !p).map_or("", |(_, l)| l);
            match placeholder_len(part, s, ctx, next_literal) {
                Some(n) => s = &s[n..],
                None => return false,
            }
        } else if let Some(r) = s.strip_prefix(part) {
            s = r;
        } else {
            return false;
        }
    }
    s.is_empty()
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Compares the dev server's `actual` with the recorded `expected`, collecting differences.
fn compare(
    expected: &Value,
    actual: &Value,
    path: &str,
    free: &[String],
    ctx: &Ctx,
    diffs: &mut Vec<String>,
) {
    let shown = if path.is_empty() { "/" } else { path };
    if let Value::String(e) = expected
        && e == "<int>"
    {
        if actual.as_u64().is_none() {
            diffs.push(format!("{shown}: expected an integer, got {actual}"));
        }
        return;
    }
    if matches_any(path, free) {
        if kind(expected) != kind(actual) {
            diffs.push(format!("{shown} (free): expected a {}, got {actual}", kind(expected)));
        }
        if let (Value::Object(e), Value::Object(a)) = (expected, actual) {
            compare_keys(e, a, path, free, diffs);
        }
        return;
    }
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            compare_keys(e, a, path, free, diffs);
            for (k, ev) in e {
                if let Some(av) = a.get(k) {
                    compare(ev, av, &format!("{path}/{k}"), free, ctx, diffs);
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                diffs.push(format!("{shown}: expected {} items, got {}: {actual}", e.len(), a.len()));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                compare(ev, av, &format!("{path}/{i}"), free, ctx, diffs);
            }
        }
        (Value::String(e), Value::String(a)) => {
            if !text_matches(e, a, ctx) {
                diffs.push(format!("{shown}: expected {e:?}, got {a:?}"));
            }
        }
        (e, a) if e == a => {}
        (e, a) => diffs.push(format!("{shown}: expected {e}, got {a}")),
    }
}

/// The same field names; `absent:<pointer>` entries of `free` may be missing.
fn compare_keys(
    e: &Map<String, Value>,
    a: &Map<String, Value>,
    path: &str,
    free: &[String],
    diffs: &mut Vec<String>,
) {
    let shown = if path.is_empty() { "/" } else { path };
    let may_lack: Vec<String> =
        free.iter().filter_map(|f| f.strip_prefix("absent:")).map(str::to_owned).collect();
    let missing: Vec<&String> =
        e.keys().filter(|k| !a.contains_key(*k) && !matches_any(&format!("{path}/{k}"), &may_lack)).collect();
    let extra: Vec<&String> = a.keys().filter(|k| !e.contains_key(*k)).collect();
    if !missing.is_empty() {
        diffs.push(format!("{shown}: fields missing: {missing:?}"));
    }
    if !extra.is_empty() {
        diffs.push(format!("{shown}: fields real Nango does not send: {extra:?}"));
    }
}

/// `window.__nangoOAuthError = {...};` of an auth page, as JSON.
fn oauth_error_of_page(html: &str) -> Option<Value> {
    let start = html.find("window.__nangoOAuthError = ")? + "window.__nangoOAuthError = ".len();
    let line = &html[start..];
    let end = line.find(";\n")?;
    serde_json::from_str(&line[..end]).ok()
}

/// A redirect target: the query's names and kept values must match; the origin and path are
/// free (the dev server's provider is its fake one).
fn compare_location(expected: &str, actual: &str, diffs: &mut Vec<String>) {
    let query = |u: &str| -> Vec<(String, String)> {
        u.split_once('?')
            .map(|(_, q)| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default()
    };
    let mut e = query(expected);
    let mut a: Vec<(String, String)> = query(actual)
        .into_iter()
        .map(|(k, v)| {
            let kept = e.iter().any(|(ek, ev)| *ek == k && ev != "<string>");
            (k, if kept { v } else { "<string>".into() })
        })
        .collect();
    e.sort();
    a.sort();
    if e != a {
        diffs.push(format!("location: expected a query like {expected}, got {actual}"));
    }
}

struct Replay {
    http: reqwest::Client,
    api: String,
    ws_url: String,
    ctx: Ctx,
    sockets: BTreeMap<String, Ws>,
}

impl Replay {
    async fn http(&mut self, ex: &Value, diffs: &mut Vec<String>) {
        let req = fill(&ex["request"], &self.ctx.vars);
        let method = reqwest::Method::from_bytes(req["method"].as_str().unwrap().as_bytes()).unwrap();
        // An absolute `url` (a captured callback), else `path` and `query` on the dev server.
        let url = if let Some(url) = req["url"].as_str() {
            url.to_owned()
        } else {
            let mut url = format!("{}{}", self.api, req["path"].as_str().unwrap());
            if let Some(q) = req["query"].as_str() {
                url.push('?');
                url.push_str(q);
            }
            url
        };
        let mut builder = self.http.request(method, url);
        let mut has_content_type = false;
        for (k, v) in req["headers"].as_object().into_iter().flatten() {
            has_content_type |= k.eq_ignore_ascii_case("content-type");
            builder = builder.header(k, v.as_str().unwrap());
        }
        match &req["body"] {
            Value::Null => {}
            Value::String(raw) => builder = builder.body(raw.clone()),
            other => builder = builder.body(other.to_string()),
        }
        if !req["body"].is_null() && !has_content_type {
            builder = builder.header("content-type", "application/json");
        }
        let res = builder.send().await.expect("the dev server answers");
        let recorded = &ex["response"];
        let free: Vec<String> = ex["free"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str().map(str::to_owned))
            .collect();

        let status = res.status().as_u16();
        if recorded["status"].as_u64() != Some(u64::from(status)) {
            diffs.push(format!("status: expected {}, got {status}", recorded["status"]));
        }
        let headers = res.headers().clone();
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        for name in
            ["content-type", "access-control-allow-origin", "access-control-allow-credentials", "location"]
        {
            let expected = recorded["headers"][name].as_str();
            let mut actual = header(name);
            if name == "content-type" {
                actual = actual.map(|v| v.split(';').next().unwrap_or("").trim().to_owned());
            }
            match (expected, actual.as_deref()) {
                (None, None) => {}
                _ if free.iter().any(|f| f == &format!("header:{name}")) => {}
                (Some(e), Some(a)) if name == "location" => compare_location(e, a, diffs),
                (Some(e), Some(a)) if text_matches(e, a, &self.ctx) => {}
                (e, a) => diffs.push(format!("header {name}: expected {e:?}, got {a:?}")),
            }
        }
        let text = res.text().await.unwrap_or_default();
        let body_kind = if text.is_empty() {
            "empty"
        } else if header("content-type").is_some_and(|c| c.contains("json")) {
            "json"
        } else if header("content-type").is_some_and(|c| c.contains("html")) {
            "html"
        } else {
            "text"
        };
        if recorded["body_kind"].as_str() != Some(body_kind) {
            diffs.push(format!("body: expected {}, got {body_kind}: {}", recorded["body_kind"], cut(&text)));
            return;
        }
        let actual = match body_kind {
            "json" => serde_json::from_str::<Value>(&text).ok(),
            "html" => oauth_error_of_page(&text).map(|e| json!({ "nango_oauth_error": e })),
            _ => None,
        };
        match (recorded.get("body"), &actual) {
            (Some(expected), Some(actual)) => compare(expected, actual, "", &free, &self.ctx, diffs),
            (Some(_), None) => {
                diffs.push(format!("body: expected a comparable {body_kind} body, got {}", cut(&text)))
            }
            (None, _) => {}
        }
        for (name, pointer) in ex["capture"].as_object().into_iter().flatten() {
            let pointer = pointer.as_str().unwrap();
            if pointer == "location" {
                let location =
                    header("location").unwrap_or_else(|| panic!("{}: no Location to capture", ex["name"]));
                self.ctx.vars.insert(name.clone(), location);
                continue;
            }
            match actual.as_ref().and_then(|a| at(a, pointer)) {
                Some(Value::String(s)) => {
                    self.ctx.vars.insert(name.clone(), s.clone());
                }
                Some(other) => {
                    self.ctx.vars.insert(name.clone(), other.to_string());
                }
                None => panic!("{}: nothing at {pointer} to capture as {name}: {}", ex["name"], cut(&text)),
            }
        }
    }

    /// The user at the provider: the recording's provider decided at once; here the dev
    /// server's fake provider shows its consent form, which is submitted with the same decision.
    async fn provider(&mut self, ex: &Value, diffs: &mut Vec<String>) {
        let decision = ex["provider"].as_str().unwrap();
        let from = ex["from"].as_str().unwrap();
        let authorize = self.ctx.vars[from].clone();
        let page = self.http.get(&authorize).send().await.expect("the fake provider answers");
        if page.status() != 200 {
            diffs.push(format!("the fake provider's page: {}", page.status()));
            return;
        }
        let html = page.text().await.unwrap_or_default();
        let mut form = hidden_fields(&html);
        form.push(("decision".into(), decision.into()));
        let res = self
            .http
            .post(format!("{}/fake-oauth/authorize", self.api))
            .form(&form)
            .send()
            .await
            .expect("the fake provider answers");
        let Some(location) = res.headers().get("location").and_then(|v| v.to_str().ok()) else {
            diffs.push(format!("the fake provider's decision did not redirect ({})", res.status()));
            return;
        };
        for name in ex["capture"].as_object().into_iter().flatten().map(|(k, _)| k) {
            self.ctx.vars.insert(name.clone(), location.to_owned());
        }
    }

    async fn ws(&mut self, ex: &Value, diffs: &mut Vec<String>) {
        let socket = ex["socket"].as_str().unwrap().to_owned();
        let free: Vec<String> = ex["free"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str().map(str::to_owned))
            .collect();
        let expected = ex["messages"].as_array().cloned().unwrap_or_default();
        match ex["ws"].as_str().unwrap() {
            "open" => {
                let (ws, _) =
                    tokio_tungstenite::connect_async(&self.ws_url).await.expect("the WebSocket opens");
                self.sockets.insert(socket.clone(), ws);
            }
            "close" => {
                if let Some(mut ws) = self.sockets.remove(&socket) {
                    let _ = ws.close(None).await;
                }
                return;
            }
            _ => {}
        }
        let ws = self.sockets.get_mut(&socket).expect("an open socket");
        // Expected messages arrive before the HTTP answer that caused them (as in Nango, the
        // push comes first); silence is checked for a while.
        let within = Duration::from_millis(ex["within_ms"].as_u64().unwrap_or(1500).min(600));
        let mut got = Vec::new();
        let deadline =
            tokio::time::Instant::now() + if expected.is_empty() { within } else { Duration::from_secs(5) };
        while got.len() < expected.len().max(1) {
            match tokio::time::timeout_at(deadline, ws.next()).await {
                Ok(Some(Ok(Message::Text(t)))) => {
                    got.push(serde_json::from_str::<Value>(&t).unwrap_or(Value::Null))
                }
                Ok(Some(Ok(Message::Close(f)))) => {
                    diffs.push(format!("socket {socket} closed: {f:?}"));
                    break;
                }
                Ok(Some(Ok(_))) => {}
                Ok(_) | Err(_) => break,
            }
        }
        compare(&Value::Array(expected), &Value::Array(got.clone()), "", &free, &self.ctx, diffs);
        for (name, pointer) in ex["capture"].as_object().into_iter().flatten() {
            let v = got.first().and_then(|m| at(m, pointer.as_str().unwrap())).and_then(Value::as_str);
            let v = v.unwrap_or_else(|| panic!("{}: nothing to capture as {name}", ex["name"]));
            self.ctx.vars.insert(name.clone(), v.to_owned());
        }
    }
}

/// `(name, value)` of the hidden inputs of the fake provider's consent form.
fn hidden_fields(html: &str) -> Vec<(String, String)> {
    let unescape = |s: &str| {
        s.replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    let attr = |chunk: &str, name: &str| -> String {
        let start = chunk.find(&format!("{name}=\"")).map(|i| i + name.len() + 2).unwrap_or(0);
        let rest = chunk.get(start..).unwrap_or("");
        unescape(&rest[..rest.find('"').unwrap_or(rest.len())])
    };
    html.split("<input type=\"hidden\" ")
        .skip(1)
        .map(|chunk| (attr(chunk, "name"), attr(chunk, "value")))
        .collect()
}

fn cut(s: &str) -> String {
    s.chars().take(300).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dev_server_answers_every_recorded_request_as_real_nango_did() {
    let fixture = fixture();
    let server = start(config(&fixture)).await.expect("the dev server starts");
    let connect_ui = server.connect_ui_url();
    let connect_ui_origin = connect_ui.trim_end_matches('/').to_owned();
    let mut vars = BTreeMap::new();
    vars.insert("secret_key".to_owned(), server.secret_key().to_owned());
    vars.insert("public_key".to_owned(), server.public_key().to_owned());
    vars.insert("now".to_owned(), humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string());
    let mut replay = Replay {
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap(),
        api: server.api_url(),
        ws_url: server.websocket_url(),
        ctx: Ctx { origin: server.api_url(), connect_ui_origin, vars },
        sockets: BTreeMap::new(),
    };
    let exchanges = fixture["exchanges"].as_array().expect("exchanges");
    let mut report = Vec::new();
    for ex in exchanges {
        let mut diffs = Vec::new();
        if ex.get("ws").is_some() {
            replay.ws(ex, &mut diffs).await;
        } else if ex.get("provider").is_some() {
            replay.provider(ex, &mut diffs).await;
        } else {
            replay.http(ex, &mut diffs).await;
        }
        if !diffs.is_empty() {
            report.push(format!("{}:\n    {}", ex["name"].as_str().unwrap_or("?"), diffs.join("\n    ")));
        }
    }
    assert!(
        report.is_empty(),
        "{} of {} exchanges differ from real Nango {} ({}):\n{}",
        report.len(),
        exchanges.len(),
        fixture["nango"]["version"],
        fixture["nango"]["commit"],
        report.join("\n")
    );
}

#[test]
fn the_fixture_names_its_nango_commit_and_has_enough_exchanges() {
    let fixture = fixture();
    let commit = fixture["nango"]["commit"].as_str().unwrap_or("");
    assert_eq!(commit.len(), 40, "a full commit id: {commit:?}");
    assert!(commit.bytes().all(|b| b.is_ascii_hexdigit()));
    let exchanges = fixture["exchanges"].as_array().unwrap();
    assert!(exchanges.len() >= 60, "{} exchanges", exchanges.len());
    let ws = exchanges.iter().filter(|e| e.get("ws").is_some()).count();
    assert!(ws >= 5, "{ws} WebSocket exchanges");
    let mut names: Vec<&str> = exchanges.iter().filter_map(|e| e["name"].as_str()).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "exchange names are unique");
    assert!(!fixture["dev_server_goes_further"].as_array().unwrap().is_empty());
    for list in ["dev_server_goes_further", "differs_on_purpose"] {
        for item in fixture[list].as_array().unwrap() {
            assert!(item["what"].is_string() && item["why"].is_string(), "{list}: {item}");
        }
    }
}

#[test]
fn placeholders_match_only_values_of_their_type() {
    let ctx = Ctx {
        origin: "http://127.0.0.1:4000".into(),
        connect_ui_origin: "http://127.0.0.1:4001".into(),
        vars: BTreeMap::from([("secret_key".to_owned(), "s3cr3t".to_owned())]),
    };
    assert!(text_matches("<uuid>", "0e1c2d3a-1111-4222-8333-444455556666", &ctx));
    assert!(!text_matches("<uuid>", "0e1c2d3a-1111-4222-8333-44445555666", &ctx));
    assert!(text_matches("<timestamp>", "2026-12-06T21:07:32.535Z", &ctx));
    assert!(!text_matches("<timestamp>", "yesterday", &ctx));
    assert!(text_matches(
        "<connect_ui_origin>/?session_token=<session_token>",
        &format!("http://127.0.0.1:4001/?session_token=nango_connect_session_{}", "ab".repeat(32)),
        &ctx
    ));
    assert!(!text_matches(
        "<connect_ui_origin>/?session_token=<session_token>",
        "http://evil/?session_token=x",
        &ctx
    ));
    assert!(text_matches("<origin>/images/x.svg", "http://127.0.0.1:4000/images/x.svg", &ctx));
    assert!(text_matches("Bearer {{secret_key}}", "Bearer s3cr3t", &ctx));
    assert!(!text_matches("literal", "literally", &ctx));
    let mut diffs = Vec::new();
    compare(
        &json!({"error": {"code": "x", "message": "m"}}),
        &json!({"error": {"code": "x", "message": "other", "extra": 1}}),
        "",
        &["/error/message".to_owned()],
        &ctx,
        &mut diffs,
    );
    assert_eq!(diffs, vec!["/error: fields real Nango does not send: [\"extra\"]".to_owned()]);
    diffs.clear();
    compare(&json!({"code": "x"}), &json!({"code": "y"}), "", &[], &ctx, &mut diffs);
    assert_eq!(diffs.len(), 1);
    assert!(matches_any("/error/errors/3/message", &["/error/errors/*/message".to_owned()]));
    assert!(!matches_any("/error/errors/3/code", &["/error/errors/*/message".to_owned()]));
}
