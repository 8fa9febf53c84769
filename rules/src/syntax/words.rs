//! BuildKit's word splitting and unquoting, on the logical (continuation-free) text of an instruction.

/// Whitespace as BuildKit's `reWhitespace` (`[\t\v\f\r ]+`) sees it.
pub fn is_ws(c: char) -> bool {
    matches!(c, '\t' | '\u{b}' | '\u{c}' | '\r' | ' ')
}

/// `unicode.IsSpace`.
pub fn is_unicode_space(c: char) -> bool {
    c.is_whitespace()
}

/// Splits on runs of `[\t\v\f\r ]` like Go's `regexp.Split(s, -1)`.
pub fn split_ws(s: &str) -> Vec<String> {
    if s.is_empty() {
        return vec![];
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_ws = false;
    for c in s.chars() {
        if is_ws(c) {
            if !in_ws {
                out.push(std::mem::take(&mut cur));
                in_ws = true;
            }
        } else {
            in_ws = false;
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

/// Splits into at most two parts at the first run of whitespace (`regexp.Split(s, 2)`).
pub fn split_ws2(s: &str) -> Vec<String> {
    match s.char_indices().find(|(_, c)| is_ws(*c)) {
        None => vec![s.to_string()],
        Some((i, _)) => {
            let rest = s[i..].trim_start_matches(is_ws);
            vec![s[..i].to_string(), rest.to_string()]
        }
    }
}

/// BuildKit's `parseWords`: words separated by whitespace, quotes kept, escapes kept.
pub fn parse_words(rest: &str, escape: char) -> Vec<String> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let chars: Vec<char> = rest.chars().collect();
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut pos = 0;
    loop {
        let at_end = pos >= chars.len();
        let mut ch = if at_end { '\0' } else { chars[pos] };
        if phase == Phase::Spaces {
            if at_end {
                break;
            }
            if is_unicode_space(ch) {
                pos += 1;
                continue;
            }
            phase = Phase::Word;
        }
        if at_end {
            if blank_ok || !word.is_empty() {
                words.push(word);
            }
            break;
        }
        if phase == Phase::Word {
            if is_unicode_space(ch) {
                phase = Phase::Spaces;
                if blank_ok || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                word.clear();
                blank_ok = false;
                pos += 1;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
            if ch == escape {
                if pos + 1 == chars.len() {
                    pos += 1;
                    continue;
                }
                word.push(ch);
                pos += 1;
                ch = chars[pos];
            }
            word.push(ch);
            pos += 1;
            continue;
        }
        // in quote
        if ch == quote {
            phase = Phase::Word;
        }
        if ch == escape && quote != '\'' {
            if pos + 1 == chars.len() {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            pos += 1;
            word.push(ch);
            ch = chars[pos];
        }
        word.push(ch);
        pos += 1;
    }
    words
}

/// BuildKit's `extractBuilderFlags`: the leading `--flag[=value]` words (quotes and `\` escapes
/// resolved) and the rest of the line.
pub fn extract_flags(line: &str) -> (Vec<String>, String) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let b = line.as_bytes();
    let mut words: Vec<String> = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word: Vec<u8> = Vec::new();
    let mut quote = 0u8;
    let mut blank_ok = false;
    let mut pos = 0;
    let text = |w: &[u8]| String::from_utf8_lossy(w).into_owned();
    while pos <= b.len() {
        let at_end = pos == b.len();
        let mut ch = if at_end { 0 } else { b[pos] };
        if phase == Phase::Spaces {
            if at_end {
                break;
            }
            if (ch as char).is_ascii_whitespace() || ch == 0x0b {
                pos += 1;
                continue;
            }
            if ch != b'-' || pos + 1 == b.len() || b[pos + 1] != b'-' {
                return (words, line[pos..].to_string());
            }
            phase = Phase::Word;
        }
        if at_end {
            if word != b"--" && (blank_ok || !word.is_empty()) {
                words.push(text(&word));
            }
            break;
        }
        if phase == Phase::Word {
            if (ch as char).is_ascii_whitespace() || ch == 0x0b {
                phase = Phase::Spaces;
                if word == b"--" {
                    return (words, line[pos..].to_string());
                }
                if blank_ok || !word.is_empty() {
                    words.push(text(&word));
                }
                word.clear();
                blank_ok = false;
                pos += 1;
                continue;
            }
            if ch == b'\'' || ch == b'"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
                pos += 1;
                continue;
            }
            if ch == b'\\' {
                if pos + 1 == b.len() {
                    pos += 1;
                    continue;
                }
                pos += 1;
                ch = b[pos];
            }
            word.push(ch);
            pos += 1;
            continue;
        }
        if ch == quote {
            phase = Phase::Word;
            pos += 1;
            continue;
        }
        if ch == b'\\' {
            if pos + 1 == b.len() {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            pos += 1;
            ch = b[pos];
        }
        word.push(ch);
        pos += 1;
    }
    (words, String::new())
}

/// Removes quotes and resolves escapes in one word, as Docker's shell lexer does (no expansion).
pub fn unquote(raw: &str, escape: char) -> String {
    // Most words have nothing to resolve.
    if !raw.contains(['\'', '"', escape]) {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut it = raw.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\'' => {
                for c in it.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    out.push(c);
                }
            }
            '"' => {
                while let Some(c) = it.next() {
                    if c == '"' {
                        break;
                    }
                    if c == escape {
                        match it.peek() {
                            Some(&n) if n == '"' || n == '$' || n == escape => {
                                out.push(n);
                                it.next();
                            }
                            _ => out.push(c),
                        }
                        continue;
                    }
                    out.push(c);
                }
            }
            c if c == escape => {
                if let Some(n) = it.next() {
                    out.push(n);
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_quotes() {
        assert_eq!(
            parse_words(r#"a=1 b="2 3" c"#, '\\'),
            vec!["a=1", "b=\"2 3\"", "c"]
        );
        assert_eq!(parse_words(r"a\ b", '\\'), vec![r"a\ b"]);
    }

    #[test]
    fn flags() {
        let (f, rest) = extract_flags(r#"--from="a b" --link \x c"#);
        assert_eq!(f, vec!["--from=a b", "--link"]);
        assert_eq!(rest, r"\x c");
        let (f, rest) = extract_flags("-- b");
        assert!(f.is_empty());
        assert_eq!(rest, " b");
    }

    #[test]
    fn unquoting() {
        assert_eq!(unquote(r#""a b"'c'\d"#, '\\'), "a bcd");
        assert_eq!(split_ws2("a  b c"), vec!["a", "b c"]);
        assert_eq!(split_ws("a \t b"), vec!["a", "b"]);
    }
}
