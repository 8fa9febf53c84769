//! `.dockerignore` patterns read as BuildKit reads them, so rules can ask whether a context path is left out.
//!
//! The reading follows Docker's documented rules: a line starting with `#` is a comment, surrounding whitespace
//! is trimmed, `!` starts an exception, a leading `/` means the context root (every pattern is anchored there),
//! `*` and `?` stay inside one path segment, `**` spans any number of segments, `[...]` is a character class,
//! `\` escapes the next character, and the last pattern that matches a path decides.
//! A pattern that matches a folder also leaves out everything inside it.
use super::clean;

/// The patterns of one ignore file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DockerIgnore {
    /// Where the patterns came from (`.dockerignore`, `app.Dockerfile.dockerignore`), for messages.
    pub source: String,
    patterns: Vec<Pattern>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Pattern {
    /// As cleaned (for messages).
    text: String,
    exception: bool,
    tokens: Vec<Token>,
    /// Path segments in the pattern: a path's leading folders are tried against a pattern of that depth.
    depth: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `*`: any run of characters but `/`.
    Star,
    /// `?`: one character but `/`.
    One,
    /// `**` followed by more pattern: any number of whole segments, including none.
    AnySegments,
    /// `**` at the end: anything at all.
    Rest,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl DockerIgnore {
    /// Reads the text of an ignore file; `source` names it in messages.
    pub fn parse(source: &str, text: &str) -> DockerIgnore {
        let mut patterns = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = if n == 0 {
                line.trim_start_matches('\u{feff}')
            } else {
                line
            };
            if line.starts_with('#') {
                continue;
            }
            let mut pattern = line.trim();
            let exception = pattern.starts_with('!');
            if exception {
                pattern = pattern[1..].trim();
            }
            if pattern.is_empty() {
                continue;
            }
            let cleaned = clean(pattern);
            if cleaned.is_empty() {
                continue;
            }
            patterns.push(Pattern {
                depth: cleaned.split('/').count(),
                tokens: tokens(&cleaned),
                text: cleaned,
                exception,
            });
        }
        DockerIgnore {
            source: source.to_string(),
            patterns,
        }
    }

    /// Whether `rel` (a path relative to the context root) is left out of the context.
    pub fn is_ignored(&self, rel: &str) -> bool {
        self.deciding_pattern(rel).is_some_and(|p| !p.exception)
    }

    /// The pattern that leaves `rel` out, as cleaned; `None` when it is sent.
    pub fn ignored_by(&self, rel: &str) -> Option<&str> {
        self.deciding_pattern(rel)
            .filter(|p| !p.exception)
            .map(|p| p.text.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether some pattern is an exception (`!pattern`).
    pub fn has_exceptions(&self) -> bool {
        self.patterns.iter().any(|p| p.exception)
    }

    /// Whether a pattern leaves out every entry of the root (`*`, `**`, `**/*`).
    pub fn excludes_every_root_entry(&self) -> bool {
        self.patterns
            .iter()
            .any(|p| !p.exception && matches!(p.text.as_str(), "*" | "**" | "**/*"))
    }

    fn deciding_pattern(&self, rel: &str) -> Option<&Pattern> {
        let path = clean(rel);
        if path.is_empty() {
            return None;
        }
        let segments: Vec<&str> = path.split('/').collect();
        let mut decided = None;
        for p in &self.patterns {
            let mut hit = matches(&p.tokens, &path);
            // A pattern that names a folder leaves out what is inside it.
            if !hit && segments.len() > 1 && p.depth < segments.len() {
                hit = matches(&p.tokens, &segments[..p.depth].join("/"));
            }
            if hit {
                decided = Some(p);
            }
        }
        decided
    }
}

fn tokens(pattern: &str) -> Vec<Token> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                // `**/` reads as `**`.
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                out.push(if i >= chars.len() {
                    Token::Rest
                } else {
                    Token::AnySegments
                });
                continue;
            }
            '*' => out.push(Token::Star),
            '?' => out.push(Token::One),
            '\\' if i + 1 < chars.len() => {
                i += 1;
                out.push(Token::Char(chars[i]));
            }
            '[' => {
                if let Some((class, next)) = class(&chars, i) {
                    out.push(class);
                    i = next;
                    continue;
                }
                out.push(Token::Char('['));
            }
            c => out.push(Token::Char(c)),
        }
        i += 1;
    }
    out
}

/// A `[...]` class starting at `start`, and the index after it; `None` when it is not closed.
fn class(chars: &[char], start: usize) -> Option<(Token, usize)> {
    let mut i = start + 1;
    let negated = matches!(chars.get(i), Some('^') | Some('!'));
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    while i < chars.len() {
        let mut c = chars[i];
        if c == ']' && !first {
            return Some((Token::Class { negated, ranges }, i + 1));
        }
        first = false;
        if c == '\\' && i + 1 < chars.len() {
            i += 1;
            c = chars[i];
        }
        if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|&e| e != ']') {
            ranges.push((c, chars[i + 2]));
            i += 3;
        } else {
            ranges.push((c, c));
            i += 1;
        }
    }
    None
}

/// Whether the whole of `path` matches the tokens.
fn matches(tokens: &[Token], path: &str) -> bool {
    let chars: Vec<char> = path.chars().collect();
    match_at(tokens, &chars)
}

fn match_at(tokens: &[Token], s: &[char]) -> bool {
    let Some((token, rest)) = tokens.split_first() else {
        return s.is_empty();
    };
    match token {
        Token::Char(c) => s.first() == Some(c) && match_at(rest, &s[1..]),
        Token::One => s.first().is_some_and(|&c| c != '/') && match_at(rest, &s[1..]),
        Token::Class { negated, ranges } => {
            s.first().is_some_and(|&c| {
                c != '/' && ranges.iter().any(|&(a, b)| a <= c && c <= b) != *negated
            }) && match_at(rest, &s[1..])
        }
        Token::Star => {
            for n in 0..=s.len() {
                if match_at(rest, &s[n..]) {
                    return true;
                }
                if s.get(n) == Some(&'/') {
                    break;
                }
            }
            false
        }
        Token::Rest => true,
        // Nothing, or anything that ends with `/`.
        Token::AnySegments => {
            match_at(rest, s) || (0..s.len()).any(|n| s[n] == '/' && match_at(rest, &s[n + 1..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignore(text: &str) -> DockerIgnore {
        DockerIgnore::parse(".dockerignore", text)
    }

    #[test]
    fn plain_names_are_anchored_at_the_root_and_cover_folders() {
        let i = ignore("# comment\nnode_modules\n/build/\n  .env  \n");
        assert!(i.is_ignored("node_modules"));
        assert!(i.is_ignored("node_modules/a/b.js"));
        assert!(!i.is_ignored("web/node_modules"));
        assert!(i.is_ignored("build/out.o"));
        assert!(i.is_ignored("./.env"));
        assert!(!i.is_ignored("# comment"));
        assert!(!i.is_ignored("src/main.rs"));
        assert!(!i.is_ignored(""));
    }

    #[test]
    fn stars_stay_in_one_segment_and_double_stars_span() {
        let i = ignore("*.md\n*/temp*\n**/*.pyc\ndocs/**\n");
        assert!(i.is_ignored("README.md"));
        assert!(!i.is_ignored("docs2/README.md"));
        assert!(i.is_ignored("a/temporary.txt"));
        assert!(!i.is_ignored("a/b/temporary.txt"));
        assert!(i.is_ignored("x.pyc"));
        assert!(i.is_ignored("a/b/c/x.pyc"));
        assert!(i.is_ignored("docs/a/b"));
        assert!(!i.is_ignored("docsx"));
    }

    #[test]
    fn the_last_matching_pattern_decides() {
        let i = ignore("*.md\n!README*.md\nREADME-secret.md\n");
        assert!(i.is_ignored("CHANGES.md"));
        assert!(!i.is_ignored("README.md"));
        assert!(i.is_ignored("README-secret.md"));
        assert_eq!(i.ignored_by("README-secret.md"), Some("README-secret.md"));
        let i = ignore("*\n!src\n!package.json\n");
        assert!(i.is_ignored(".git"));
        assert!(!i.is_ignored("src"));
        assert!(!i.is_ignored("package.json"));
        // `src/a.js` is matched by `*` through its folder, and `!src` through its folder: the exception is last.
        assert!(!i.is_ignored("src/a.js"));
    }

    #[test]
    fn classes_escapes_and_question_marks() {
        let i = ignore("temp?\n[abc].txt\n[!x]y\nwhat\\*\n");
        assert!(i.is_ignored("tempa"));
        assert!(!i.is_ignored("temp"));
        assert!(i.is_ignored("b.txt"));
        assert!(!i.is_ignored("d.txt"));
        assert!(i.is_ignored("ay"));
        assert!(!i.is_ignored("xy"));
        assert!(i.is_ignored("what*"));
        assert!(!i.is_ignored("whatever"));
        assert_eq!(ignore("\u{feff}a\n").ignored_by("a"), Some("a"));
    }
}
