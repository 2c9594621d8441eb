//! A streaming JSON writer that renders records straight into the response buffer.
//!
//! Building `serde_json::Value` trees for a page of 300 orders costs more than the rest of
//! the request; writing bytes directly keeps the store far from being the sync's bottleneck.
//! The writer also applies Magento's `fields=` mask while writing, by swallowing unselected
//! values, so every renderer gets partial responses for free.
//! Strings are escaped the way PHP's `json_encode` does by default (`\/` and `\uXXXX`), so
//! clients meet the same bytes a real store sends.

mod mask;

use rust_decimal::Decimal;

use crate::clock::Ts;
pub use mask::FieldMask;

struct Frame<'m> {
    first: bool,
    is_array: bool,
    /// Selection for this object's keys, or for each element of this array.
    mask: Option<&'m FieldMask>,
}

pub struct JsonWriter<'m> {
    out: Vec<u8>,
    stack: Vec<Frame<'m>>,
    /// The next value belongs to an unselected key and is dropped.
    skip_next: bool,
    /// Containers opened inside a dropped value.
    skip_depth: usize,
    /// Selection for the value announced by the last `key`.
    pending_mask: Option<&'m FieldMask>,
    root_mask: Option<&'m FieldMask>,
}

impl<'m> JsonWriter<'m> {
    pub fn new(mask: Option<&'m FieldMask>) -> Self {
        JsonWriter {
            out: Vec::with_capacity(4096),
            stack: Vec::with_capacity(8),
            skip_next: false,
            skip_depth: 0,
            pending_mask: None,
            root_mask: mask,
        }
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }

    /// Writes `"key":` unless the mask drops it (then the following value is swallowed).
    pub fn key(&mut self, key: &str) {
        if self.skip_depth > 0 {
            return;
        }
        let Some(frame) = self.stack.last_mut() else {
            return;
        };
        self.pending_mask = None;
        if let Some(mask) = frame.mask {
            match mask.select(key) {
                None => {
                    self.skip_next = true;
                    return;
                }
                Some(sub) => self.pending_mask = sub,
            }
        }
        if !frame.first {
            self.out.push(b',');
        }
        frame.first = false;
        // Keys are the renderers' own ASCII literals: nothing to escape.
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
    }

    /// Comma handling before a scalar; false when the scalar is dropped.
    fn scalar(&mut self) -> bool {
        self.pending_mask = None;
        if self.skip_depth > 0 {
            return false;
        }
        if self.skip_next {
            self.skip_next = false;
            return false;
        }
        if let Some(frame) = self.stack.last_mut().filter(|f| f.is_array) {
            if !frame.first {
                self.out.push(b',');
            }
            frame.first = false;
        }
        true
    }

    fn open(&mut self, byte: u8, is_array: bool) {
        if self.skip_depth > 0 {
            self.skip_depth += 1;
            return;
        }
        if self.skip_next {
            self.skip_next = false;
            self.skip_depth = 1;
            return;
        }
        let mask = match self.stack.last_mut() {
            None => self.root_mask,
            Some(frame) if frame.is_array => {
                if !frame.first {
                    self.out.push(b',');
                }
                frame.first = false;
                frame.mask
            }
            Some(_) => self.pending_mask.take(),
        };
        self.out.push(byte);
        self.stack.push(Frame {
            first: true,
            is_array,
            mask,
        });
    }

    fn close(&mut self, byte: u8) {
        if self.skip_depth > 0 {
            self.skip_depth -= 1;
            return;
        }
        self.stack.pop();
        self.out.push(byte);
    }

    pub fn begin_object(&mut self) {
        self.open(b'{', false);
    }

    pub fn end_object(&mut self) {
        self.close(b'}');
    }

    pub fn begin_array(&mut self) {
        self.open(b'[', true);
    }

    pub fn end_array(&mut self) {
        self.close(b']');
    }

    pub fn null(&mut self) {
        if self.scalar() {
            self.out.extend_from_slice(b"null");
        }
    }

    pub fn bool(&mut self, v: bool) {
        if self.scalar() {
            self.out
                .extend_from_slice(if v { b"true" } else { b"false" });
        }
    }

    pub fn int(&mut self, v: i64) {
        if self.scalar() {
            self.out
                .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        }
    }

    /// A decimal as a JSON number, normalised like PHP's float rendering (`165`, `19.99`).
    pub fn dec(&mut self, v: Decimal) {
        if self.scalar() {
            write_decimal(&mut self.out, v);
        }
    }

    pub fn str(&mut self, v: &str) {
        if self.scalar() {
            write_str(&mut self.out, v);
        }
    }

    pub fn ts(&mut self, v: Ts) {
        if self.scalar() {
            self.out.push(b'"');
            v.write_to(&mut self.out);
            self.out.push(b'"');
        }
    }

    // Field helpers: the common `"key": value` pairs in one call.

    pub fn f_int(&mut self, key: &str, v: i64) {
        self.key(key);
        self.int(v);
    }

    pub fn f_dec(&mut self, key: &str, v: Decimal) {
        self.key(key);
        self.dec(v);
    }

    pub fn f_str(&mut self, key: &str, v: &str) {
        self.key(key);
        self.str(v);
    }

    pub fn f_bool(&mut self, key: &str, v: bool) {
        self.key(key);
        self.bool(v);
    }

    pub fn f_ts(&mut self, key: &str, v: Ts) {
        self.key(key);
        self.ts(v);
    }

    pub fn f_null(&mut self, key: &str) {
        self.key(key);
        self.null();
    }

    /// Optional field: omitted when `None` (Magento drops null nullable getters).
    pub fn f_opt_str(&mut self, key: &str, v: Option<&str>) {
        if let Some(v) = v {
            self.f_str(key, v);
        }
    }

    /// Required field: `null` when absent (Magento emits null non-nullable getters).
    pub fn f_req_str(&mut self, key: &str, v: Option<&str>) {
        match v {
            Some(v) => self.f_str(key, v),
            None => self.f_null(key),
        }
    }

    pub fn f_opt_int(&mut self, key: &str, v: Option<i64>) {
        if let Some(v) = v {
            self.f_int(key, v);
        }
    }

    pub fn f_opt_ts(&mut self, key: &str, v: Option<Ts>) {
        if let Some(v) = v {
            self.f_ts(key, v);
        }
    }

    /// An integer id rendered as a JSON string, as Magento does for a few fields.
    pub fn f_id_str(&mut self, key: &str, v: u32) {
        self.key(key);
        if self.scalar() {
            self.out.push(b'"');
            self.out
                .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
            self.out.push(b'"');
        }
    }
}

/// Writes the shortest exact text of a decimal (`165`, `19.99`, `-0.5`): money fields are
/// the bulk of an order, so this avoids `Display` and its allocations.
pub fn write_decimal(out: &mut Vec<u8>, v: Decimal) {
    let mantissa = v.mantissa();
    if mantissa == 0 {
        out.push(b'0');
        return;
    }
    if mantissa < 0 {
        out.push(b'-');
    }
    let abs = mantissa.unsigned_abs();
    let mut digits = v.scale();
    let pow = 10u128.pow(digits);
    let (int, mut frac) = (abs / pow, abs % pow);
    out.extend_from_slice(itoa::Buffer::new().format(int).as_bytes());
    if frac == 0 {
        return;
    }
    while frac % 10 == 0 {
        frac /= 10;
        digits -= 1;
    }
    out.push(b'.');
    let mut buf = itoa::Buffer::new();
    let text = buf.format(frac);
    out.extend(std::iter::repeat_n(b'0', digits as usize - text.len()));
    out.extend_from_slice(text.as_bytes());
}

/// ASCII bytes `json_encode` escapes: control characters, `"`, `\` and `/`.
const ESCAPED: [bool; 128] = {
    let mut table = [false; 128];
    let mut i = 0;
    while i < 0x20 {
        table[i] = true;
        i += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table[b'/' as usize] = true;
    table
};

/// PHP `json_encode` default escaping: `"` `\` `/`, control characters and every non-ASCII
/// character as `\uXXXX` (astral characters as surrogate pairs).
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let push_unit = |out: &mut Vec<u8>, unit: u16| {
        out.extend_from_slice(b"\\u");
        for shift in [12, 8, 4, 0] {
            out.push(HEX[((unit >> shift) & 0xf) as usize]);
        }
    };
    out.push(b'"');
    let bytes = s.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 && !ESCAPED[b as usize] {
            i += 1;
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        if b < 0x80 {
            match b {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'/' => out.extend_from_slice(b"\\/"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                b'\t' => out.extend_from_slice(b"\\t"),
                _ => push_unit(out, b as u16),
            }
            i += 1;
        } else {
            let ch = s[i..].chars().next().unwrap_or('\u{fffd}');
            let mut units = [0u16; 2];
            for unit in ch.encode_utf16(&mut units) {
                push_unit(out, *unit);
            }
            i += ch.len_utf8();
        }
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(mask: Option<&FieldMask>) -> String {
        let mut w = JsonWriter::new(mask);
        w.begin_object();
        w.key("items");
        w.begin_array();
        for id in 1..=2 {
            w.begin_object();
            w.f_int("entity_id", id);
            w.key("payment");
            w.begin_object();
            w.f_str("method", "checkmo");
            w.f_null("cc_last4");
            w.end_object();
            w.key("street");
            w.begin_array();
            w.str("1 Rue");
            w.end_array();
            w.end_object();
        }
        w.end_array();
        w.f_int("total_count", 2);
        w.end_object();
        String::from_utf8(w.into_bytes()).unwrap()
    }

    #[test]
    fn writes_full_documents() {
        let text = render(None);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["items"][1]["payment"]["method"], "checkmo");
        assert!(v["items"][0]["payment"]["cc_last4"].is_null());
    }

    #[test]
    fn applies_field_masks_while_writing() {
        let mask = FieldMask::parse("items[entity_id,payment[method]],total_count").unwrap();
        assert_eq!(
            render(Some(&mask)),
            r#"{"items":[{"entity_id":1,"payment":{"method":"checkmo"}},{"entity_id":2,"payment":{"method":"checkmo"}}],"total_count":2}"#
        );
        let mask = FieldMask::parse("total_count").unwrap();
        assert_eq!(render(Some(&mask)), r#"{"total_count":2}"#);
    }

    #[test]
    fn escapes_like_php() {
        let mut out = Vec::new();
        write_str(&mut out, "é/<\"x\">\n🍰");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#""\u00e9\/<\"x\">\n\ud83c\udf70""#
        );
        let mut out = Vec::new();
        write_decimal(&mut out, Decimal::new(1650000, 4));
        write_decimal(&mut out, Decimal::new(-0, 2));
        write_decimal(&mut out, Decimal::new(1999, 2));
        write_decimal(&mut out, Decimal::new(-5, 1));
        write_decimal(&mut out, Decimal::new(10_050, 4));
        assert_eq!(String::from_utf8(out).unwrap(), "165019.99-0.51.005");
        for cents in [-123_456i64, -1, 0, 7, 100, 2_500_000, i64::MAX / 7] {
            for scale in 0..6 {
                let d = Decimal::new(cents, scale);
                let mut out = Vec::new();
                write_decimal(&mut out, d);
                let expected = if d.is_zero() {
                    "0".to_string()
                } else {
                    d.normalize().to_string()
                };
                assert_eq!(String::from_utf8(out).unwrap(), expected);
            }
        }
    }
}
