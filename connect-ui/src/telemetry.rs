//! Telemetry beacons, as Nango's page sends them (`docs/protocol.md` §6): `navigator.sendBeacon`
//! of `POST {apiURL}/connect/telemetry` with `{event, dimensions?, token, timestamp}` as
//! `application/json`. Never in preview; a beacon that cannot be sent is forgotten.

use nango_frontend::{Json, JsonObject};

/// The events Nango's telemetry endpoint accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A session token arrived: the page is open.
    Open,
    /// The integration list is shown.
    ViewList,
    /// An integration's form is shown.
    ViewIntegration,
    /// A load failed.
    ViewUnknownError,
    /// An auth failed.
    ViewCredentialsError,
    /// Connected.
    ViewSuccess,
    /// An integration was chosen in the list.
    ClickIntegration,
    /// The provider's documentation link.
    ClickDoc,
    /// A field's documentation link.
    ClickDocSection,
    /// A valid form was submitted.
    ClickConnect,
    /// The close button.
    ClickClose,
    /// "Finish" on the success screen.
    ClickFinish,
    /// Escape, or a click outside the dialog.
    ClickOutside,
    /// The browser refused the OAuth popup.
    PopupBlockedByBrowser,
    /// The OAuth popup was closed before the end.
    PopupClosedEarly,
}

impl Event {
    /// Nango's name of the event.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::ViewList => "view:list",
            Self::ViewIntegration => "view:integration",
            Self::ViewUnknownError => "view:unknown_error",
            Self::ViewCredentialsError => "view:credentials_error",
            Self::ViewSuccess => "view:success",
            Self::ClickIntegration => "click:integration",
            Self::ClickDoc => "click:doc",
            Self::ClickDocSection => "click:doc_section",
            Self::ClickConnect => "click:connect",
            Self::ClickClose => "click:close",
            Self::ClickFinish => "click:finish",
            Self::ClickOutside => "click:outside",
            Self::PopupBlockedByBrowser => "popup:blocked_by_browser",
            Self::PopupClosedEarly => "popup:closed_early",
        }
    }
}

/// One beacon to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Beacon {
    /// What happened.
    pub event: Event,
    /// The integration it concerns (`dimensions.integration`), if any.
    pub integration: Option<String>,
    /// The session token, which authenticates the beacon.
    pub token: String,
}

impl Beacon {
    /// The JSON body, with `timestamp` as an ISO 8601 date (what `JSON.stringify(new Date())`
    /// gives).
    pub fn body(&self, timestamp: &str) -> String {
        let mut body = JsonObject::new();
        body.insert("event", self.event.as_str());
        if let Some(integration) = &self.integration {
            let dimensions: JsonObject = [("integration", integration.as_str())].into_iter().collect();
            body.insert("dimensions", dimensions);
        }
        body.insert("token", self.token.as_str());
        body.insert("timestamp", timestamp);
        Json::Object(body).to_string()
    }
}

/// Sends `beacon` to `{api_url}/connect/telemetry`.
pub fn send(api_url: &str, beacon: &Beacon) {
    let Some(window) = web_sys::window() else { return };
    let body = beacon.body(&String::from(js_sys::Date::new_0().to_iso_string()));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let parts = js_sys::Array::of1(&body.into());
    if let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) {
        // `false` (queue full) or an exception (bad URL): telemetry is best effort.
        let _ = window
            .navigator()
            .send_beacon_with_opt_blob(&format!("{api_url}/connect/telemetry"), Some(&blob));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beacon(event: Event, integration: Option<&str>) -> Beacon {
        Beacon { event, integration: integration.map(str::to_owned), token: "nango_connect_session_x".into() }
    }

    #[test]
    fn bodies_as_nango_reads_them() {
        assert_eq!(
            beacon(Event::Open, None).body("2026-01-02T03:04:05.678Z"),
            r#"{"event":"open","token":"nango_connect_session_x","timestamp":"2026-01-02T03:04:05.678Z"}"#
        );
        let body = Json::parse(&beacon(Event::ClickIntegration, Some("api-key-dev")).body("t")).unwrap();
        assert_eq!(body.get("event").and_then(Json::as_str), Some("click:integration"));
        assert_eq!(
            body.get("dimensions").and_then(|d| d.get("integration")).and_then(Json::as_str),
            Some("api-key-dev")
        );
    }
}
