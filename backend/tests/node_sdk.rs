//! The webhook check against the official Node SDK's (`@nangohq/node` 0.71.10, installed from
//! npm under `target/tools` as the dev server's Node test does): the same bodies, keys and
//! headers go to the SDK's `verifyIncomingWebhookRequest` and to `verify_signature`, which must
//! agree on every case. Without `node` or `npm` the test fails, saying so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use hmac::{Hmac, Mac};
use nango_backend::verify_signature;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const SDK: &str = "@nangohq/node@0.71.10";
const SDK_VERSION: &str = "0.71.10";

fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap_or(Path::new(".")).join("tools")
}

fn install_sdk(tools: &Path) -> Result<(), String> {
    let manifest = tools.join("node_modules/@nangohq/node/package.json");
    let installed = std::fs::read_to_string(&manifest)
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .is_some_and(|m| m["version"] == SDK_VERSION);
    if installed {
        return Ok(());
    }
    std::fs::create_dir_all(tools).map_err(|e| format!("cannot create {}: {e}", tools.display()))?;
    let out = Command::new("npm")
        .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
        .arg(tools)
        .arg(SDK)
        .output()
        .map_err(|e| format!("npm is needed to install {SDK} for this test, and could not run: {e}"))?;
    if !out.status.success() {
        return Err(format!("npm install {SDK} failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(())
}

fn hmac_hex(key: &str, body: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// `(what, key, body, headers)`: the signing key the receiver holds, the body as received.
type Case = (&'static str, &'static str, String, Vec<(&'static str, String)>);

fn cases() -> Vec<Case> {
    let key = "whsec-vectors";
    let body = r#"{"from":"nango","type":"auth","operation":"creation","success":true,"connectionId":"c-1"}"#
        .to_owned();
    let good = hmac_hex(key, &body);
    let legacy = hex::encode(Sha256::digest(format!("{key}{body}")));
    let unicode = r#"{"type":"auth","name":"Zoë 🚀 \u00e9"}"#.to_owned();
    vec![
        ("signed", key, body.clone(), vec![("x-nango-hmac-sha256", good.clone())]),
        ("body changed", key, body.replace("c-1", "c-2"), vec![("x-nango-hmac-sha256", good.clone())]),
        ("body with a trailing space", key, format!("{body} "), vec![("x-nango-hmac-sha256", good.clone())]),
        ("other key", "whsec-other", body.clone(), vec![("x-nango-hmac-sha256", good.clone())]),
        ("uppercase hex", key, body.clone(), vec![("x-nango-hmac-sha256", good.to_uppercase())]),
        ("truncated", key, body.clone(), vec![("x-nango-hmac-sha256", good[..63].to_owned())]),
        ("padded", key, body.clone(), vec![("x-nango-hmac-sha256", format!("{good} x"))]),
        ("no header", key, body.clone(), vec![]),
        ("legacy header only", key, body.clone(), vec![("x-nango-signature", legacy.clone())]),
        (
            "both headers, legacy wrong",
            key,
            body.clone(),
            vec![("x-nango-signature", "0".repeat(64)), ("x-nango-hmac-sha256", good.clone())],
        ),
        ("empty body", key, String::new(), vec![("x-nango-hmac-sha256", hmac_hex(key, ""))]),
        ("unicode body", key, unicode.clone(), vec![("x-nango-hmac-sha256", hmac_hex(key, &unicode))]),
        ("not hex", key, body.clone(), vec![("x-nango-hmac-sha256", "z".repeat(64))]),
        ("hex, then not", key, body.clone(), vec![("x-nango-hmac-sha256", format!("{}zz", &good[..62]))]),
        ("twice as long", key, body.clone(), vec![("x-nango-hmac-sha256", format!("{good}{good}"))]),
    ]
}

#[test]
fn verify_signature_agrees_with_the_official_node_sdk() {
    let tools = tools_dir();
    if let Err(message) = install_sdk(&tools) {
        panic!("{message}");
    }
    let script = tools.join("nango-backend-verify.mjs");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node/verify.mjs"), &script).unwrap();

    let cases = cases();
    let input: Vec<Value> = cases
        .iter()
        .map(|(_, key, body, headers)| {
            let headers: serde_json::Map<String, Value> =
                headers.iter().map(|(k, v)| ((*k).to_owned(), json!(v))).collect();
            json!({ "key": key, "body": body, "headers": headers })
        })
        .collect();
    let mut node = Command::new("node")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("node is needed to run the Node SDK test, and could not run: {e}"));
    node.stdin.take().unwrap().write_all(Value::Array(input).to_string().as_bytes()).unwrap();
    let out = node.wait_with_output().unwrap();
    assert!(out.status.success(), "verify.mjs failed: {}", String::from_utf8_lossy(&out.stderr));
    let sdk: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sdk.len(), cases.len());

    for ((what, key, body, headers), sdk) in cases.iter().zip(sdk) {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(HeaderName::from_static(name), HeaderValue::from_str(value).unwrap());
        }
        let ours = verify_signature(key, body.as_bytes(), &map).is_ok();
        assert_eq!(Value::Bool(ours), sdk, "{what}: nango-backend says {ours}, the Node SDK {sdk}");
        let genuine = ["signed", "uppercase hex", "both headers, legacy wrong", "empty body", "unicode body"]
            .contains(what);
        assert_eq!(ours, genuine, "{what}");
    }
}
