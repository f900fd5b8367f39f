//! A test browser: follows Nango's `/oauth/connect` link to the dev server's fake provider and
//! clicks Approve or Deny, as a user in the system browser would. The end-to-end tests open it
//! in place of the system browser (`--open-with "fake-browser approve"`, or an
//! [`Opener`](nango_frontend::native::Opener) in process).

use reqwest::{StatusCode, Url, redirect::Policy};

/// The user's choice on the consent page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Click `#approve`.
    Approve,
    /// Click `#deny`.
    Deny,
}

impl Decision {
    /// `approve` or `deny`.
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "approve" => Some(Self::Approve),
            "deny" => Some(Self::Deny),
            _ => None,
        }
    }

    fn value(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Deny => "deny",
        }
    }
}

/// The last page the browser showed: its status and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: String,
}

/// Loads `url`, follows redirects, decides on the consent page, and returns the last page (the
/// callback page after a decision; an error page when `/oauth/connect` refused).
pub async fn browse(url: &str, decision: Decision) -> Result<Page, String> {
    let client = reqwest::Client::builder().redirect(Policy::none()).build().map_err(|e| e.to_string())?;
    let mut url = Url::parse(url).map_err(|e| e.to_string())?;
    let mut decided = false;
    for _ in 0..10 {
        let response = client.get(url.clone()).send().await.map_err(|e| e.to_string())?;
        if let Some(next) = redirect(&url, &response)? {
            url = next;
            continue;
        }
        let status = response.status().as_u16();
        let body = response.text().await.map_err(|e| e.to_string())?;
        if decided || !body.contains("id=\"fake-oauth-authorize\"") {
            return Ok(Page { status, body });
        }
        // The consent page: one form (`action="authorize"`) with hidden fields and two buttons.
        let mut fields = hidden_fields(&body);
        fields.push(("decision".to_owned(), decision.value().to_owned()));
        let action = url.join("authorize").map_err(|e| e.to_string())?;
        let response = client.post(action.clone()).form(&fields).send().await.map_err(|e| e.to_string())?;
        url = redirect(&action, &response)?
            .ok_or_else(|| format!("the consent form answered {} without a redirect", response.status()))?;
        decided = true;
    }
    Err("too many redirects".to_owned())
}

fn redirect(base: &Url, response: &reqwest::Response) -> Result<Option<Url>, String> {
    if !response.status().is_redirection() || response.status() == StatusCode::NOT_MODIFIED {
        return Ok(None);
    }
    let location = response.headers().get("location").and_then(|l| l.to_str().ok());
    let location = location.ok_or("a redirect without a Location")?;
    base.join(location).map(Some).map_err(|e| e.to_string())
}

/// The `<input type="hidden" name="…" value="…">` fields of a page, unescaped.
fn hidden_fields(html: &str) -> Vec<(String, String)> {
    let attribute = |tag: &str, name: &str| {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let rest = tag.get(start..)?;
        Some(unescape(rest.get(..rest.find('"')?)?))
    };
    html.split("<input ")
        .skip(1)
        .filter_map(|rest| rest.get(..rest.find('>')?))
        .filter(|tag| tag.contains("type=\"hidden\""))
        .filter_map(|tag| Some((attribute(tag, "name")?, attribute(tag, "value")?)))
        .collect()
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_fields_are_read_and_unescaped() {
        let html = r#"<form><input type="hidden" name="state" value="a&amp;b&quot;c"><input type="text" name="x" value="y"><input type="hidden" name="scope" value=""></form>"#;
        assert_eq!(
            hidden_fields(html),
            [("state".to_owned(), "a&b\"c".to_owned()), ("scope".to_owned(), String::new())]
        );
    }
}
