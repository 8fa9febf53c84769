//! Decoding of the first JSON value of a string, as Go's `json.Decoder` does for exec form.

/// What the start of a string holds, read as BuildKit reads exec form.
#[derive(Debug, PartialEq, Eq)]
pub enum JsonArray {
    /// A JSON array of strings (text after it is ignored, as Docker does).
    Strings(Vec<String>),
    /// Valid JSON array, but not all elements are strings: Docker rejects the file.
    NotStrings,
    /// Not JSON at all: the instruction is in shell form.
    Invalid,
}

/// Reads `text` (leading whitespace allowed) as exec form.
pub fn parse_exec_array(text: &str) -> JsonArray {
    let t = text.trim_start();
    if !t.starts_with('[') {
        return JsonArray::Invalid;
    }
    let mut p = Parser {
        s: t.as_bytes(),
        i: 0,
    };
    match p.value() {
        Some(Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(s) => out.push(s),
                    Value::Other => return JsonArray::NotStrings,
                    Value::Array(_) => return JsonArray::NotStrings,
                }
            }
            JsonArray::Strings(out)
        }
        _ => JsonArray::Invalid,
    }
}

/// Decodes the body of a JSON string literal (without its quotes).
pub fn decode_string_body(body: &str) -> String {
    let quoted = format!("\"{body}\"");
    let mut p = Parser {
        s: quoted.as_bytes(),
        i: 0,
    };
    p.string().unwrap_or_else(|| body.to_string())
}

enum Value {
    String(String),
    Array(Vec<Value>),
    Other,
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while matches!(self.s.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// The top-level array and the kind of each element; nested values are only checked, without recursion (an
    /// input can nest `[` as deep as it likes).
    fn value(&mut self) -> Option<Value> {
        self.ws();
        match *self.s.get(self.i)? {
            b'"' => self.string().map(Value::String),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Some(Value::Array(items));
                }
                loop {
                    self.ws();
                    let item = if self.s.get(self.i) == Some(&b'"') {
                        Value::String(self.string()?)
                    } else {
                        self.skip_value(1)?;
                        Value::Other
                    };
                    items.push(item);
                    self.ws();
                    match *self.s.get(self.i)? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(Value::Array(items));
                        }
                        _ => return None,
                    }
                }
            }
            _ => {
                self.skip_value(0)?;
                Some(Value::Other)
            }
        }
    }

    /// Reads one JSON value inside `depth` open containers, with an explicit stack of the containers it opens.
    /// Nesting deeper than Go's `maxNestingDepth` is an error there ("exceeded max depth"), so it is here.
    fn skip_value(&mut self, depth: usize) -> Option<()> {
        const MAX_DEPTH: usize = 10_000;
        let mut open: Vec<u8> = Vec::new();
        loop {
            self.ws();
            match *self.s.get(self.i)? {
                b'"' => {
                    self.string()?;
                }
                c @ (b'[' | b'{') => {
                    self.i += 1;
                    if depth + open.len() + 1 > MAX_DEPTH {
                        return None;
                    }
                    let close = if c == b'[' { b']' } else { b'}' };
                    self.ws();
                    if self.s.get(self.i) == Some(&close) {
                        self.i += 1;
                    } else {
                        open.push(close);
                        if close == b'}' {
                            self.key()?;
                        }
                        continue;
                    }
                }
                b't' => {
                    self.literal(b"true")?;
                }
                b'f' => {
                    self.literal(b"false")?;
                }
                b'n' => {
                    self.literal(b"null")?;
                }
                b'-' | b'0'..=b'9' => {
                    self.number()?;
                }
                _ => return None,
            }
            // A value ended: close the containers it ends, or go on to the next element.
            loop {
                let Some(&close) = open.last() else {
                    return Some(());
                };
                self.ws();
                match *self.s.get(self.i)? {
                    b',' => {
                        self.i += 1;
                        if close == b'}' {
                            self.key()?;
                        }
                        break;
                    }
                    c if c == close => {
                        self.i += 1;
                        open.pop();
                    }
                    _ => return None,
                }
            }
        }
    }

    /// `"name":` in an object.
    fn key(&mut self) -> Option<()> {
        self.ws();
        if self.s.get(self.i) != Some(&b'"') {
            return None;
        }
        self.string()?;
        self.ws();
        if self.s.get(self.i) != Some(&b':') {
            return None;
        }
        self.i += 1;
        Some(())
    }

    fn literal(&mut self, word: &[u8]) -> Option<Value> {
        if self.s[self.i..].starts_with(word) {
            self.i += word.len();
            Some(Value::Other)
        } else {
            None
        }
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.i;
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.s.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                while matches!(self.s.get(self.i), Some(b'0'..=b'9')) {
                    self.i += 1;
                }
            }
            _ => return None,
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            let d = self.i;
            while matches!(self.s.get(self.i), Some(b'0'..=b'9')) {
                self.i += 1;
            }
            if d == self.i {
                return None;
            }
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            let d = self.i;
            while matches!(self.s.get(self.i), Some(b'0'..=b'9')) {
                self.i += 1;
            }
            if d == self.i {
                return None;
            }
        }
        (self.i > start).then_some(Value::Other)
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.s.get(self.i..self.i + 4)?;
        let v = u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()?;
        self.i += 4;
        Some(v)
    }

    fn string(&mut self) -> Option<String> {
        self.i += 1; // opening quote
        let mut out: Vec<u8> = Vec::new();
        loop {
            let c = *self.s.get(self.i)?;
            self.i += 1;
            match c {
                b'"' => return Some(String::from_utf8_lossy(&out).into_owned()),
                b'\\' => {
                    let e = *self.s.get(self.i)?;
                    self.i += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            if (0xD800..0xDC00).contains(&hi)
                                && self.s.get(self.i) == Some(&b'\\')
                                && self.s.get(self.i + 1) == Some(&b'u')
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                    char::from_u32(cp).unwrap_or('\u{FFFD}')
                                } else {
                                    self.i = save;
                                    '\u{FFFD}'
                                }
                            } else {
                                char::from_u32(hi).unwrap_or('\u{FFFD}')
                            }
                        }
                        _ => return None,
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                c if c < 0x20 => return None,
                c => out.push(c),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_past_go_limit_is_not_json() {
        // Go's decoder accepts 10,000 levels and rejects 10,001; a deeper array is never read by recursion.
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(parse_exec_array(&nested(10_000)), JsonArray::NotStrings);
        assert_eq!(parse_exec_array(&nested(10_001)), JsonArray::Invalid);
        assert_eq!(parse_exec_array(&nested(1_000_000)), JsonArray::Invalid);
        let objects = format!("[{}1{}]", "{\"a\":".repeat(20_000), "}".repeat(20_000));
        assert_eq!(parse_exec_array(&objects), JsonArray::Invalid);
    }

    #[test]
    fn exec_forms() {
        assert_eq!(
            parse_exec_array(r#" ["a", "b\"c"] trailing"#),
            JsonArray::Strings(vec!["a".into(), "b\"c".into()])
        );
        assert_eq!(parse_exec_array("[]"), JsonArray::Strings(vec![]));
        assert_eq!(parse_exec_array("['a']"), JsonArray::Invalid);
        assert_eq!(parse_exec_array(r#"["a",]"#), JsonArray::Invalid);
        assert_eq!(
            parse_exec_array(r#"[ "echo", [ "x" ] ]"#),
            JsonArray::NotStrings
        );
        assert_eq!(parse_exec_array(r#"["a", 1]"#), JsonArray::NotStrings);
        assert_eq!(
            parse_exec_array(r#"["a", {"k": [1, {"m": null}], "n": true}, [[]]]"#),
            JsonArray::NotStrings
        );
        assert_eq!(parse_exec_array(r#"["a", {"k" 1}]"#), JsonArray::Invalid);
        assert_eq!(parse_exec_array(r#"["a", [1,]]"#), JsonArray::Invalid);
        assert_eq!(
            parse_exec_array(r#"["\u00e9\ud83d\ude00"]"#),
            JsonArray::Strings(vec!["é😀".into()])
        );
    }
}
