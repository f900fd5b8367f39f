//! The backend endpoint behind `TokenSource::backend("/api/nango-session")`, with
//! `nango-backend`: it mints a Nango connect session for the signed-in user of the request and
//! answers `{"token": …}`; anonymous requests get 401. It also receives Nango's auth webhook,
//! which names each new connection.
//!
//! Against the local dev server (`cargo run -p nango-dev-server -- --secret-key dev-secret
//! --webhook-url http://127.0.0.1:3010/webhooks/nango --webhook-signing-key dev-webhook-key`):
//!
//! ```sh
//! NANGO_HOST=http://127.0.0.1:3003 NANGO_SECRET_KEY=dev-secret NANGO_WEBHOOK_SIGNING_KEY=dev-webhook-key \
//!     cargo run -p nango-backend --features axum --example session_endpoint
//! curl -X POST -H 'x-demo-user: user-123' http://127.0.0.1:3010/api/nango-session   # {"token":"nango_connect_session_…"}
//! ```
//!
//! Against Nango Cloud: `NANGO_SECRET_KEY=<your secret key>` (no `NANGO_HOST`).

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use nango_backend::{EndUser, Nango, WebhookEvent};

// README: session endpoint start
/// Who is connecting: in your app, the signed-in user of the request's session. This example
/// trusts a header, which a real app must never do.
async fn signed_in_user(request: Parts) -> Option<EndUser> {
    let id = request.headers.get("x-demo-user")?.to_str().ok()?;
    Some(EndUser::new(id).email(format!("{id}@example.com")))
}

/// Nango's webhooks: verified on the raw body, then typed.
async fn webhook(State(nango): State<Nango>, headers: HeaderMap, body: Bytes) -> StatusCode {
    match nango.verify_webhook(&body, &headers) {
        Ok(WebhookEvent::Auth(auth)) if auth.success => {
            // Store auth.connection_id for auth.end_user_id() here.
            println!("{:?}: {} for {:?}", auth.operation, auth.connection_id, auth.end_user_id());
            StatusCode::OK
        }
        Ok(_) => StatusCode::OK,
        Err(_) => StatusCode::UNAUTHORIZED,
    }
}

fn app(nango: Nango) -> Router {
    Router::new()
        .route("/api/nango-session", nango_backend::axum::session_endpoint(nango.clone(), signed_in_user))
        .route("/webhooks/nango", post(webhook))
        .with_state(nango)
}
// README: session endpoint end

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // NANGO_SECRET_KEY, NANGO_HOST (default Nango Cloud), NANGO_WEBHOOK_SIGNING_KEY.
    let nango = Nango::from_env()?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3010").await?;
    println!("POST http://{}/api/nango-session", listener.local_addr()?);
    axum::serve(listener, app(nango)).await?;
    Ok(())
}
