//! Theme choice and primary colours.

use nango_frontend::{ConnectUiSettings, Theme};

/// Nango's default primary colour.
pub const DEFAULT_PRIMARY: &str = "#00B2E3";

/// The theme to show: the host's `theme` query, else the session's `defaultTheme`, else
/// the system's.
pub fn resolve(query: Option<Theme>, settings: &ConnectUiSettings) -> Theme {
    query.or(settings.default_theme).unwrap_or(Theme::System)
}

/// The primary colours `(light, dark)`; anything that is not a plain CSS colour is replaced by
/// the default, so that settings cannot inject CSS.
pub fn primaries(settings: &ConnectUiSettings) -> (String, String) {
    let pick =
        |c: &Option<String>| c.as_deref().filter(|c| is_safe_color(c)).unwrap_or(DEFAULT_PRIMARY).to_owned();
    (pick(&settings.theme.light.primary), pick(&settings.theme.dark.primary))
}

/// The text colour that contrasts best with `color` (`#rgb`/`#rrggbb`; others get white).
pub fn on_color(color: &str) -> &'static str {
    let Some(hex) = color.strip_prefix('#') else { return "#ffffff" };
    let channel = |i: usize, short: bool| -> Option<f64> {
        let text = if short {
            hex.get(i..=i).map(|c| c.repeat(2))
        } else {
            hex.get(2 * i..2 * i + 2).map(str::to_owned)
        };
        let v = f64::from(u8::from_str_radix(&text?, 16).ok()?) / 255.0;
        Some(if v <= 0.039_28 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) })
    };
    let short = matches!(hex.len(), 3 | 4);
    let (Some(r), Some(g), Some(b)) = (channel(0, short), channel(1, short), channel(2, short)) else {
        return "#ffffff";
    };
    let luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    // Contrast with white is 1.05 / (L + 0.05); with near-black (#0b1220, L≈0.006) (L + 0.05) / 0.056.
    if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.056 { "#ffffff" } else { "#0b1220" }
}

/// `#rgb`, `#rrggbb`, `#rrggbbaa`, or a functional/named colour made of safe characters.
fn is_safe_color(color: &str) -> bool {
    if let Some(hex) = color.strip_prefix('#') {
        return matches!(hex.len(), 3 | 4 | 6 | 8) && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    !color.is_empty()
        && color.len() <= 64
        && color.chars().all(|c| c.is_ascii_alphanumeric() || " ,.%()-".contains(c))
}

#[cfg(test)]
mod tests {
    use nango_frontend::{Json, ThemeColors};

    use super::*;

    #[test]
    fn query_overrides_the_session() {
        let mut settings = ConnectUiSettings::default();
        assert_eq!(resolve(None, &settings), Theme::System);
        settings.default_theme = Some(Theme::Dark);
        assert_eq!(resolve(None, &settings), Theme::Dark);
        assert_eq!(resolve(Some(Theme::Light), &settings), Theme::Light);
    }

    #[test]
    fn primary_colours_are_sanitised() {
        let settings = ConnectUiSettings::from_json(
            &Json::parse(r##"{"theme":{"light":{"primary":"#123abc"},"dark":{"primary":"red;}body{x:1"}}}"##)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(primaries(&settings), ("#123abc".to_owned(), DEFAULT_PRIMARY.to_owned()));
        let mut settings = ConnectUiSettings::default();
        settings.theme.dark = ThemeColors::default();
        assert_eq!(primaries(&settings).1, DEFAULT_PRIMARY);
        assert!(is_safe_color("rgb(1, 2, 3)"));
        assert!(!is_safe_color("#12345"));
        assert!(!is_safe_color("url(x)\""));
    }

    #[test]
    fn text_on_primary_contrasts() {
        assert_eq!(on_color("#00B2E3"), "#0b1220");
        assert_eq!(on_color("#1e3a8a"), "#ffffff");
        assert_eq!(on_color("#fff"), "#0b1220");
        assert_eq!(on_color("rgb(0,0,0)"), "#ffffff");
    }
}
