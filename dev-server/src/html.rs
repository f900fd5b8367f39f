//! Server-rendered pages: the OAuth closing page, the fake provider's pages, the Connect UI
//! placeholder. Inline JavaScript is fine here: these are server pages, not the wasm kit.

use std::fmt::Write as _;

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON safe to embed in a `<script>` element.
fn script_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#0f1115;color:#e8e8e8}\
main{max-width:440px;padding:32px;text-align:center}\
h1{font-size:22px;margin:0 0 12px}p{color:#a8a8a8;line-height:1.5}\
code{background:#1e2128;padding:2px 6px;border-radius:4px;color:#e8e8e8;word-break:break-all}\
button{font-size:15px;padding:10px 22px;border-radius:8px;border:0;margin:8px;cursor:pointer}\
#approve{background:#00B2E3;color:#fff}#deny{background:#2a2d35;color:#e8e8e8}\
.dev{font-size:12px;color:#777;margin-top:28px}";

fn page(title: &str, body: &str, script: &str) -> String {
    let mut html = String::with_capacity(2048 + body.len() + script.len());
    let _ = write!(
        html,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>{body}",
        escape(title)
    );
    if !script.is_empty() {
        let _ = write!(html, "<script>{script}</script>");
    }
    html.push_str("</body></html>\n");
    html
}

/// The result of an OAuth flow, as the closing page shows and announces it.
#[derive(Debug, Clone)]
pub(crate) enum FlowOutcome {
    Success,
    Error { error_type: String, message: String },
}

/// The page that ends every OAuth popup flow (success or error).
///
/// It posts `{type:"nango_oauth_callback_success"}` or
/// `{type:"nango_oauth_callback_error", payload:{message, errorType}}` to its opener with target
/// `"*"` and on the `nango-oauth-callback` BroadcastChannel, closes itself when it receives
/// `{type:"nango_oauth_callback_ack"}` (by either route), and after 500 ms on success. The
/// payload only holds the error type and message, never a token or code.
pub(crate) fn callback_page(outcome: &FlowOutcome) -> String {
    let (title, body, payload, status) = match outcome {
        FlowOutcome::Success => (
            "Authorization successful",
            "<h1>Connection successful &#10003;</h1><p>You can close this window.</p>".to_owned(),
            serde_json::Value::Null,
            "success",
        ),
        FlowOutcome::Error { error_type, message } => (
            "Authorization failed",
            format!(
                "<h1>Connection failed &#10005;</h1><p id=\"error-message\">{}</p>\
                 <p>Error type: <code id=\"error-type\">{}</code></p><p>You can close this window.</p>",
                escape(message),
                escape(error_type)
            ),
            // Real Nango's auth page always says `connection_validation_failed` here; the
            // specific type is on the socket (and, for tests, in `data-error-type`).
            serde_json::json!({ "message": message, "errorType": "connection_validation_failed" }),
            "error",
        ),
    };
    let error_type_attr = match outcome {
        FlowOutcome::Success => String::new(),
        FlowOutcome::Error { error_type, .. } => {
            format!(" data-error-type=\"{}\"", escape(error_type))
        }
    };
    let body = format!(
        "<main id=\"nango-callback\" data-status=\"{status}\"{error_type_attr}>{body}\
         <p class=\"dev\">nango-dev-server</p></main>"
    );
    let script = format!(
        r#"window.__nangoOAuthError = {payload};
(function () {{
  var error = window.__nangoOAuthError;
  var message = error ? {{ type: "nango_oauth_callback_error", payload: error }} : {{ type: "nango_oauth_callback_success" }};
  function closeSelf() {{ try {{ window.close(); }} catch (e) {{}} }}
  function onAck(data) {{ if (data && data.type === "nango_oauth_callback_ack") {{ closeSelf(); }} }}
  window.addEventListener("message", function (event) {{ onAck(event.data); }});
  try {{ if (window.opener) {{ window.opener.postMessage(message, "*"); }} }} catch (e) {{}}
  try {{
    if (typeof BroadcastChannel !== "undefined") {{
      var channel = new BroadcastChannel("nango-oauth-callback");
      channel.onmessage = function (event) {{ onAck(event.data); }};
      channel.postMessage(message);
    }}
  }} catch (e) {{}}
  if (!error) {{ window.setTimeout(closeSelf, 500); }}
}})();"#,
        payload = script_json(&payload)
    );
    page(title, &body, &script)
}

/// What the fake provider's consent page needs.
#[derive(Debug)]
pub(crate) struct AuthorizeView<'a> {
    pub integration_name: &'a str,
    pub scope: &'a str,
    /// Hidden form fields (name, value) carried to the POST.
    pub fields: Vec<(&'a str, &'a str)>,
}

/// The fake provider's consent page: one form, two submit buttons `#approve` and `#deny`.
pub(crate) fn authorize_page(view: &AuthorizeView<'_>) -> String {
    let mut hidden = String::new();
    for (name, value) in &view.fields {
        let _ =
            write!(hidden, "<input type=\"hidden\" name=\"{}\" value=\"{}\">", escape(name), escape(value));
    }
    let scope = if view.scope.is_empty() {
        "no particular scope".to_owned()
    } else {
        format!("<code>{}</code>", escape(view.scope))
    };
    let body = format!(
        "<main id=\"fake-oauth-authorize\"><h1>Fake OAuth provider</h1>\
         <p><strong>{}</strong> (via Nango) asks for access to your account, with {scope}.</p>\
         <form method=\"post\" action=\"authorize\">{hidden}\
         <button id=\"approve\" type=\"submit\" name=\"decision\" value=\"approve\">Approve</button>\
         <button id=\"deny\" type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form>\
         <p class=\"dev\">Signed in as the demo user of the nango-dev-server fake provider. Nothing leaves this machine.</p></main>",
        escape(view.integration_name)
    );
    page("Authorize - fake OAuth provider", &body, "")
}

/// A plain error page of the fake provider (no opener messaging: the flow's result is
/// announced by the Nango callback page).
pub(crate) fn provider_error_page(message: &str) -> String {
    let body = format!(
        "<main id=\"fake-oauth-error\"><h1>Fake OAuth provider error</h1><p id=\"error-message\">{}</p></main>",
        escape(message)
    );
    page("Error - fake OAuth provider", &body, "")
}

/// The page served on the Connect UI port until a built Connect UI is configured.
pub(crate) fn connect_ui_placeholder(api_url: &str) -> String {
    let body = format!(
        "<main id=\"connect-ui-placeholder\"><h1>Connect UI placeholder</h1>\
         <p>This is a placeholder served by nango-dev-server: the Rust Connect UI is not built into this server yet. \
         Start the server with <code>--connect-ui-dir</code> (or <code>connect_ui_dir</code> in the config) pointing at a built Connect UI.</p>\
         <p>API: <code>{}</code></p><button id=\"close\" type=\"button\">Close</button></main>",
        escape(api_url)
    );
    let script = r#"(function () {
  var parentWindow = window.parent !== window ? window.parent : null;
  if (parentWindow) { parentWindow.postMessage({ type: "ready" }, "*"); }
  document.getElementById("close").addEventListener("click", function () {
    if (parentWindow) { parentWindow.postMessage({ type: "close" }, "*"); } else { window.close(); }
  });
})();"#;
    page("Connect UI placeholder - nango-dev-server", &body, script)
}

/// A generated square logo with the provider's initials.
pub(crate) fn logo_svg(name: &str) -> String {
    let initials: String = name
        .split(['-', '_', ' '])
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect::<String>()
        .to_uppercase();
    let hue = name.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b))) % 360;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\" viewBox=\"0 0 64 64\">\
         <rect width=\"64\" height=\"64\" rx=\"14\" fill=\"hsl({hue},55%,45%)\"/>\
         <text x=\"32\" y=\"41\" font-family=\"system-ui,sans-serif\" font-size=\"24\" font-weight=\"600\" fill=\"#fff\" text-anchor=\"middle\">{}</text></svg>",
        escape(&initials)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_cannot_break_out_of_the_page() {
        let page = callback_page(&FlowOutcome::Error {
            error_type: "x\"><script>".into(),
            message: "</script><script>alert(1)</script>&".into(),
        });
        assert!(!page.contains("</script><script>alert(1)"));
        assert!(page.contains("\\u003c/script\\u003e"));
        assert!(page.contains("&lt;/script&gt;"));
    }

    #[test]
    fn authorize_page_has_the_two_buttons() {
        let page = authorize_page(&AuthorizeView {
            integration_name: "GitHub <dev>",
            scope: "repo",
            fields: vec![("state", "s\"1")],
        });
        assert!(page.contains("id=\"approve\"") && page.contains("id=\"deny\""));
        assert!(page.contains("value=\"s&quot;1\""));
        assert!(page.contains("GitHub &lt;dev&gt;"));
    }
}
