//! DOM chores: theme, language, focus management inside the dialog.

use nango_frontend::Theme;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent, Window};

/// The dialog's element id.
pub const DIALOG_ID: &str = "connect-ui-dialog";

const FOCUSABLE: &str = "button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), \
                         textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/// Sets `<html data-theme lang>` and the primary colours.
pub fn apply_theme(window: &Window, theme: Theme, primaries: &(String, String)) {
    let Some(root) = window.document().and_then(|d| d.document_element()) else { return };
    let _ = root.set_attribute("data-theme", theme.as_str());
    if let Some(root) = root.dyn_ref::<HtmlElement>() {
        let style = root.style();
        let (light, dark) = primaries;
        let _ = style.set_property("--primary-light", light);
        let _ = style.set_property("--primary-dark", dark);
        let _ = style.set_property("--on-primary-light", crate::theme::on_color(light));
        let _ = style.set_property("--on-primary-dark", crate::theme::on_color(dark));
    }
}

/// Sets `<html lang>`.
pub fn set_lang(window: &Window, code: &str) {
    if let Some(root) = window.document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", code);
    }
}

fn dialog(window: &Window) -> Option<Element> {
    window.document()?.get_element_by_id(DIALOG_ID)
}

fn focusables(dialog: &Element) -> Vec<HtmlElement> {
    let Ok(list) = dialog.query_selector_all(FOCUSABLE) else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok()).collect()
}

/// Moves the focus into the dialog: to the element marked `data-autofocus`, else the dialog.
pub fn focus_screen(window: &Window) {
    let Some(dialog) = dialog(window) else { return };
    let target = dialog.query_selector("[data-autofocus]").ok().flatten().unwrap_or(dialog);
    if let Some(target) = target.dyn_ref::<HtmlElement>() {
        let _ = target.focus();
    }
}

/// Moves the focus to the first field marked `aria-invalid`.
pub fn focus_first_invalid(window: &Window) {
    let Some(dialog) = dialog(window) else { return };
    let field = dialog.query_selector("[aria-invalid='true']").ok().flatten();
    if let Some(field) = field.as_ref().and_then(|f| f.dyn_ref::<HtmlElement>()) {
        let _ = field.focus();
    }
}

/// Keeps Tab and Shift+Tab inside the dialog.
pub fn trap_tab(window: &Window, event: &KeyboardEvent) {
    let Some(dialog) = dialog(window) else { return };
    let items = focusables(&dialog);
    let active = window.document().and_then(|d| d.active_element());
    let inside = active.as_ref().is_some_and(|a| dialog.contains(Some(a)));
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        event.prevent_default();
        if let Some(dialog) = dialog.dyn_ref::<HtmlElement>() {
            let _ = dialog.focus();
        }
        return;
    };
    let is = |el: &HtmlElement| active.as_ref().is_some_and(|a| a == el.unchecked_ref::<Element>());
    let target = if event.shift_key() {
        (!inside || is(first) || active.as_ref().is_some_and(|a| a == &dialog)).then_some(last)
    } else {
        (!inside || is(last)).then_some(first)
    };
    if let Some(target) = target {
        event.prevent_default();
        let _ = target.focus();
    }
}

/// A random UUID v4: `crypto.randomUUID()` where the browser has it (secure contexts: HTTPS or
/// loopback), else one made from `crypto.getRandomValues`.
pub fn random_uuid() -> String {
    let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) else { return String::new() };
    let has_random_uuid = js_sys::Reflect::get(&crypto, &"randomUUID".into()).is_ok_and(|f| f.is_function());
    if has_random_uuid {
        return crypto.random_uuid();
    }
    let mut bytes = [0u8; 16];
    if crypto.get_random_values_with_u8_array(&mut bytes).is_err() {
        return String::new();
    }
    let mut uuid = String::with_capacity(36);
    for (i, byte) in bytes.into_iter().enumerate() {
        let byte = match i {
            6 => (byte & 0x0f) | 0x40, // version 4
            8 => (byte & 0x3f) | 0x80, // RFC 4122 variant
            _ => byte,
        };
        if matches!(i, 4 | 6 | 8 | 10) {
            uuid.push('-');
        }
        uuid.push_str(&format!("{byte:02x}"));
    }
    uuid
}

/// Copies `text` to the clipboard; resolves to whether it worked.
pub async fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}
