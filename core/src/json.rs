//! A small JSON value, parser and writer.
//!
//! Why not `serde_json`: in a wasm app it costs tens of KB gzip (its number parsing and float
//! formatting, `Value`'s generic deserializer, serde's error formatting), several times the
//! whole official JS SDK. The SDK only reads and writes small messages, so this module keeps
//! numbers as their JSON text (no float code at all), objects as ordered pairs, and bounds
//! nesting so that hostile input cannot overflow the stack. Enable the `serde_json` feature for
//! conversions to and from `serde_json::Value`.

use std::fmt;

/// Deepest nesting the parser accepts; deeper input is an error, not a stack overflow.
const MAX_DEPTH: usize = 128;

/// A JSON value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Json {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, kept as its JSON text.
    Number(JsonNumber),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object.
    Object(JsonObject),
}

/// A JSON number, kept as valid JSON number text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonNumber(String);

impl JsonNumber {
    /// The number's JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as an integer, when it is one.
    pub fn as_i64(&self) -> Option<i64> {
        self.0.parse().ok()
    }
}

/// A JSON object: key/value pairs in insertion order, keys unique.
///
/// ```
/// use nango_frontend::{Json, JsonObject};
/// let mut o = JsonObject::new();
/// o.insert("type", "JWT");
/// o.insert("issuerId", "iss");
/// assert_eq!(Json::Object(o).to_string(), r#"{"type":"JWT","issuerId":"iss"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JsonObject(Vec<(String, Json)>);

impl JsonObject {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key`, replacing an existing value in place.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Json>) {
        let (key, value) = (key.into(), value.into());
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v = value,
            None => self.0.push((key, value)),
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Removes `key` and returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Json> {
        // `retain` rather than `Vec::remove`, whose index check links a formatted panic.
        let mut removed = None;
        self.0.retain_mut(|(k, v)| {
            let hit = removed.is_none() && k == key;
            if hit {
                removed = Some(std::mem::take(v));
            }
            !hit
        });
        removed
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The pairs, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Json)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The pairs, owned, in order.
    pub(crate) fn into_pairs(self) -> Vec<(String, Json)> {
        self.0
    }
}

impl<K: Into<String>, V: Into<Json>> FromIterator<(K, V)> for JsonObject {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut object = Self::new();
        for (k, v) in iter {
            object.insert(k, v);
        }
        object
    }
}

impl From<&str> for Json {
    fn from(value: &str) -> Self {
        Self::String(value.to_owned())
    }
}

impl From<String> for Json {
    fn from(value: String) -> Self {
        Self::String(value)
    }
}

impl From<bool> for Json {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl From<u32> for Json {
    fn from(value: u32) -> Self {
        Self::Number(JsonNumber(crate::url::decimal(value.into())))
    }
}

impl From<JsonObject> for Json {
    fn from(value: JsonObject) -> Self {
        Self::Object(value)
    }
}

impl<T: Into<Json>> From<Option<T>> for Json {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Into::into)
    }
}

impl Json {
    /// Parses JSON text; anything invalid (including nesting deeper than 128) is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parser = Parser { text, bytes: text.as_bytes(), pos: 0 };
        let value = parser.value(0)?;
        parser.skip_ws();
        (parser.pos == parser.bytes.len()).then_some(value)
    }

    /// The value of `key` when this is an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.as_object()?.get(key)
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, when this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The object, when this is one.
    pub fn as_object(&self) -> Option<&JsonObject> {
        match self {
            Self::Object(o) => Some(o),
            _ => None,
        }
    }
}

/// Read access to a parsed JSON value: all the protocol's parsers need.
///
/// Implemented by `&Json` everywhere and by `JsValue` in the browser, where messages arrive
/// already parsed (`postMessage` data, `JSON.parse` of a socket frame or a response body): reading
/// them in place keeps a JSON parser out of the wasm build (see `cargo xtask size`).
pub(crate) trait JsonRead: Sized {
    /// The value of `key`, when this is an object that has it.
    fn field(&self, key: &str) -> Option<Self>;
    /// The string, when this is one.
    fn string(&self) -> Option<String>;
    /// The boolean, when this is one.
    fn boolean(&self) -> Option<bool>;
    /// Whether this is an object or an array (what JavaScript's `typeof` calls an object).
    fn is_object(&self) -> bool;

    /// The string value of `key`.
    fn text(&self, key: &str) -> Option<String> {
        self.field(key)?.string()
    }
}

impl JsonRead for &Json {
    fn field(&self, key: &str) -> Option<Self> {
        self.get(key)
    }

    fn string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn is_object(&self) -> bool {
        matches!(self, Json::Object(_) | Json::Array(_))
    }
}

impl Json {
    /// Compact JSON text (what `to_string()` gives, without the formatting machinery).
    pub fn to_json_string(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Self::Null => out.push_str("null"),
            Self::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Self::Number(n) => out.push_str(&n.0),
            Self::String(s) => write_string(out, s),
            Self::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Self::Object(object) => {
                out.push('{');
                for (i, (k, v)) in object.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(out, k);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

impl fmt::Display for Json {
    /// Compact JSON text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json_string())
    }
}

/// Appends `s` as a JSON string literal.
pub(crate) fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => {
                out.push_str("\\u00");
                let byte = c as u8;
                out.push(crate::url::hex_digit(byte >> 4).to_ascii_lowercase());
                out.push(crate::url::hex_digit(byte & 0xF).to_ascii_lowercase());
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, word: &str) -> Option<()> {
        let end = self.pos.checked_add(word.len())?;
        (self.bytes.get(self.pos..end)? == word.as_bytes()).then(|| self.pos = end)
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_ws();
        match self.peek()? {
            b'n' => self.eat("null").map(|()| Json::Null),
            b't' => self.eat("true").map(|()| Json::Bool(true)),
            b'f' => self.eat("false").map(|()| Json::Bool(false)),
            b'"' => self.string().map(Json::String),
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                self.skip_ws();
                if self.peek() == Some(b']') {
                    self.pos += 1;
                    return Some(Json::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.skip_ws();
                    match self.next()? {
                        b',' => {}
                        b']' => return Some(Json::Array(items)),
                        _ => return None,
                    }
                }
            }
            b'{' => {
                self.pos += 1;
                let mut object = JsonObject::new();
                self.skip_ws();
                if self.peek() == Some(b'}') {
                    self.pos += 1;
                    return Some(Json::Object(object));
                }
                loop {
                    self.skip_ws();
                    if self.peek() != Some(b'"') {
                        return None;
                    }
                    let key = self.string()?;
                    self.skip_ws();
                    if self.next()? != b':' {
                        return None;
                    }
                    object.insert(key, self.value(depth + 1)?);
                    self.skip_ws();
                    match self.next()? {
                        b',' => {}
                        b'}' => return Some(Json::Object(object)),
                        _ => return None,
                    }
                }
            }
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Option<Json> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        Some(Json::Number(JsonNumber(self.text.get(start..self.pos)?.to_owned())))
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut value = 0;
        for _ in 0..4 {
            let digit = char::from(self.next()?).to_digit(16)?;
            value = value * 16 + digit;
        }
        Some(value)
    }

    fn string(&mut self) -> Option<String> {
        self.pos += 1; // the opening quote
        let mut out = String::new();
        loop {
            // Copy the run of plain characters at once.
            let start = self.pos;
            while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                self.pos += 1;
            }
            // The run ends at an ASCII byte, so it is a whole number of characters.
            out.push_str(self.text.get(start..self.pos)?);
            match self.next()? {
                b'"' => return Some(out),
                b'\\' => {
                    let c = match self.next()? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    };
                    out.push(c);
                }
                _ => return None, // a raw control character
            }
        }
    }

    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        if (0xD800..0xDC00).contains(&first) && self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u") {
            let save = self.pos;
            self.pos += 2;
            let second = self.hex4()?;
            if (0xDC00..0xE000).contains(&second) {
                let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                return char::from_u32(code);
            }
            self.pos = save;
        }
        // A lone surrogate (JSON.stringify can emit one) becomes U+FFFD rather than an error.
        Some(char::from_u32(first).unwrap_or('\u{FFFD}'))
    }
}

#[cfg(feature = "serde_json")]
mod serde_interop {
    use super::{Json, JsonNumber, JsonObject};

    impl From<serde_json::Value> for Json {
        fn from(value: serde_json::Value) -> Self {
            use serde_json::Value as V;
            match value {
                V::Null => Json::Null,
                V::Bool(b) => Json::Bool(b),
                V::Number(n) => Json::Number(JsonNumber(n.to_string())),
                V::String(s) => Json::String(s),
                V::Array(items) => Json::Array(items.into_iter().map(Json::from).collect()),
                V::Object(map) => Json::Object(map.into_iter().collect::<JsonObject>()),
            }
        }
    }

    impl From<Json> for serde_json::Value {
        fn from(value: Json) -> Self {
            serde_json::from_str(&value.to_string()).unwrap_or(serde_json::Value::Null)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_writes() {
        let text = r#"{"a":[1,-2.5e3,true,null],"b":"x\"y\\z\n\u00e9\ud83d\ude00","c":{}}"#;
        let value = Json::parse(text).unwrap();
        assert_eq!(value.get("b").and_then(Json::as_str), Some("x\"y\\z\né😀"));
        assert_eq!(value.to_string(), r#"{"a":[1,-2.5e3,true,null],"b":"x\"y\\z\né😀","c":{}}"#);
        assert_eq!(Json::parse(" [ ] ").unwrap(), Json::Array(vec![]));
        assert_eq!(Json::parse(r#""\ud800""#).unwrap(), Json::String("\u{FFFD}".into()));
    }

    #[test]
    fn rejects_invalid_json() {
        for bad in [
            "",
            "nul",
            "01",
            "1.",
            "-",
            "1e",
            "[1,]",
            "{\"a\"}",
            "{a:1}",
            "\"\u{1}\"",
            "\"\\x\"",
            "[1] 2",
            "\"abc",
            "\"\\u12g4\"",
        ] {
            assert_eq!(Json::parse(bad), None, "{bad:?}");
        }
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert_eq!(Json::parse(&deep), None, "deep nesting is refused, not a stack overflow");
    }

    #[test]
    fn remove_takes_the_key_out_and_keeps_the_order() {
        let Some(Json::Object(mut object)) = Json::parse(r#"{"a":1,"type":"x","b":[2]}"#) else { panic!() };
        assert_eq!(object.remove("type"), Some(Json::String("x".into())));
        assert_eq!(object.remove("type"), None);
        assert_eq!(object.remove("nope"), None);
        assert_eq!(Json::Object(object).to_string(), r#"{"a":1,"b":[2]}"#);
    }

    #[test]
    fn object_keys_are_unique_and_ordered() {
        let value = Json::parse(r#"{"b":1,"a":2,"b":3}"#).unwrap();
        assert_eq!(value.to_string(), r#"{"b":3,"a":2}"#);
    }
}
