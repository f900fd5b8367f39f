//! The backend endpoint behind `TokenSource::backend("/api/nango-session")`: it mints a Nango
//! connect session with the secret key (`POST /connect/sessions`, which only a backend may call)
//! and answers `{"token": …}`. The frontend posts to it with no body whenever it needs a token.
//!
//! Against the local dev server (`cargo run -p nango-dev-server` in another terminal):
//!
//! ```sh
//! NANGO_HOST=http://127.0.0.1:3003 NANGO_SECRET_KEY=nango_dev_secret_key_do_not_use_in_production \
//!     cargo run -p nango-dev-server --example session_backend
//! curl -X POST http://127.0.0.1:3010/api/nango-session      # {"token":"nango_connect_session_…"}
//! ```
//!
//! Against Nango Cloud: `NANGO_HOST=https://api.nango.dev NANGO_SECRET_KEY=<your secret key>`.
//! Serve your app from the same origin as this endpoint (or add CORS headers for its origin).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};

#[derive(Clone)]
struct Nango {
    host: String,
    secret_key: String,
    http: reqwest::Client,
}

/// `POST /api/nango-session` → `{"token": "nango_connect_session_…"}`.
async fn nango_session(State(nango): State<Nango>) -> Result<Json<Value>, (StatusCode, String)> {
    // Who is connecting: in your app, the signed-in user of this request (from its session).
    let end_user = json!({ "id": "user-123", "email": "ada@example.com", "display_name": "Ada" });
    let response = nango
        .http
        .post(format!("{}/connect/sessions", nango.host))
        .bearer_auth(&nango.secret_key)
        .json(&json!({ "end_user": end_user, "allowed_integrations": ["github-dev"] }))
        .send()
        .await
        .map_err(bad_gateway)?;
    let status = response.status();
    let body: Value = response.json().await.map_err(bad_gateway)?;
    // 201 `{"data": {"token", "connect_link", "expires_at"}}`
    match body.pointer("/data/token").and_then(Value::as_str) {
        Some(token) if status.is_success() => Ok(Json(json!({ "token": token }))),
        _ => Err((StatusCode::BAD_GATEWAY, format!("Nango answered {status}: {body}"))),
    }
}

fn bad_gateway(err: reqwest::Error) -> (StatusCode, String) {
    (StatusCode::BAD_GATEWAY, format!("cannot reach Nango: {err}"))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let nango = Nango {
        host: std::env::var("NANGO_HOST").unwrap_or_else(|_| "https://api.nango.dev".into()),
        secret_key: std::env::var("NANGO_SECRET_KEY").map_err(|_| "set NANGO_SECRET_KEY")?,
        http: reqwest::Client::new(),
    };
    let app = Router::new().route("/api/nango-session", post(nango_session)).with_state(nango);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3010").await?;
    println!("POST http://{}/api/nango-session", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
