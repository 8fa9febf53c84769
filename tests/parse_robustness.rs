//! Parsing never fails: random and Dockerfile-shaped garbage never panics the syntax layer, every range it
//! reports lies inside the text, and an incremental reparse gives the same model as a parse from scratch.
use std::ops::Range;

use dflint_rules::syntax::{floor_char_boundary, Document};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

mod oracle;

/// Pieces that stress the grammar and its external scanner: keywords, continuations, heredocs, quotes,
/// JSON, variables, directives, odd line ends and bytes that are not UTF-8.
const FRAGMENTS: &[&[u8]] = &[
    b" ",
    b"  ",
    b"\t",
    b"\n",
    b"\n",
    b"\n",
    b"\r\n",
    b"\r",
    b"\\",
    b"\\\n",
    b"\\ \n",
    b"\\\r\n",
    b"`",
    b"`\n",
    b"`\r\n",
    b"<<EOF",
    b"<<-\"X\"",
    b"<<'EOF'",
    b"<<-EOT",
    b"<<EOF <<-X",
    b"EOF\n",
    b"EOF",
    b"X\n",
    b"\tX\n",
    b"\tEOT\n",
    b"[",
    b"]",
    b"[\"",
    b"\", \"",
    b"\"]",
    b"\"",
    b"'",
    b"\\\"",
    b"\\u0000",
    b",",
    b"=",
    b"${",
    b"}",
    b"$",
    b"${A:-b}",
    b"$HOME",
    b"#",
    b"# ",
    b"# escape=`\n",
    b"# escape=\\\n",
    b"# escape=",
    b"# syntax=docker/dockerfile:1\n",
    b"# check=skip=all\n",
    b"--",
    b"--mount=type=cache,target=/root/.cache",
    b"--from=build",
    b"--chmod=755",
    b"--platform=$BUILDPLATFORM",
    b"--interval=30s",
    b"AS",
    b"as",
    b"NONE",
    b"ubuntu:22.04",
    b"alpine@sha256:abc",
    b"/app",
    b"a=b",
    b"key=\"v a l\"",
    b"echo hi",
    b"&&",
    b"{{ .Version }}",
    b"\xEF\xBB\xBF",
    b"\0",
    b"\xFF",
    b"\xC3",
    b"\xE2\x82",
    b"\xC3\xA9",
    b"\xF0\x9F\x98\x80",
    b"\xC2\xA0",
    b"\xE2\x80\x83",
];

const KEYWORDS: &[&str] = &[
    "FROM",
    "RUN",
    "CMD",
    "LABEL",
    "MAINTAINER",
    "EXPOSE",
    "ENV",
    "ADD",
    "COPY",
    "ENTRYPOINT",
    "VOLUME",
    "USER",
    "WORKDIR",
    "ARG",
    "ONBUILD",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "SHELL",
    "BOGUS",
];

/// A keyword in a random mix of upper and lower case, often at the start of a line.
fn keyword() -> impl Strategy<Value = Vec<u8>> {
    (prop::sample::select(KEYWORDS), any::<u32>(), any::<bool>()).prop_map(|(k, mask, newline)| {
        let mut out = Vec::new();
        if newline {
            out.push(b'\n');
        }
        out.extend(k.bytes().enumerate().map(|(i, b)| {
            if mask & (1 << (i % 32)) != 0 {
                b.to_ascii_lowercase()
            } else {
                b
            }
        }));
        out.push(b' ');
        out
    })
}

fn fragment() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => prop::sample::select(FRAGMENTS).prop_map(|f| f.to_vec()),
        3 => keyword(),
        2 => "[a-zA-Z0-9/._:-]{1,8}".prop_map(String::into_bytes),
        1 => prop::collection::vec(any::<u8>(), 1..4),
    ]
}

/// Dockerfile-shaped bytes: a mix of fragments.
fn dockerfile_ish() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(fragment(), 0..60).prop_map(|v| v.concat())
}

/// Dockerfile-shaped text (valid UTF-8), for the edit tests.
fn dockerfile_ish_text() -> impl Strategy<Value = String> {
    dockerfile_ish().prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// An edit: where (any offset, clamped later, possibly inside a character), how much to delete, what to insert.
fn edit() -> impl Strategy<Value = (usize, usize, String)> {
    (
        prop_oneof![9 => 0usize..300, 1 => any::<usize>()],
        prop_oneof![3 => 0usize..3, 1 => 0usize..40],
        prop_oneof![
            3 => dockerfile_ish_text().prop_map(|s| s.chars().take(12).collect()),
            1 => Just(String::new()),
        ],
    )
}

fn in_text(r: &Range<usize>, len: usize) -> bool {
    r.start <= r.end && r.end <= len
}

/// What went wrong with one input.
#[derive(Debug)]
enum Failure {
    /// The parser panicked, at `location` (`file:line`).
    Panic { location: String, message: String },
    /// A broken invariant, named by `what`.
    Invariant { what: &'static str, detail: String },
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Panic { location, message } => write!(f, "panic at {location}: {message}"),
            Failure::Invariant { what, detail } => write!(f, "{what}: {detail}"),
        }
    }
}

/// Bugs these tests found in the syntax layer, tolerated so the suite stays green until they are fixed.
/// Each has a minimal input; `known_bugs_still_reproduce` fails once it no longer fails, so the entry goes.
struct KnownBug {
    input: &'static [u8],
    why: &'static str,
    is_it: fn(&Failure) -> bool,
}

const KNOWN_BUGS: &[KnownBug] = &[];

/// Inputs that once broke an invariant (found by the properties below), kept as plain tests.
const REGRESSIONS: &[(&[u8], &str)] = &[
    (
        b"HEALTHCHECK a\xC2\xA0b\n",
        "HEALTHCHECK split its arguments at the continuation byte of U+00A0 and sliced inside it",
    ),
    (b"HEALTHCHECK ]\xC2\x85\\", "the same with U+0085"),
    (
        b"\x80",
        "the invalid-UTF-8 error covered one byte of the 3-byte U+FFFD",
    ),
    (b"FROM a\nRUN echo \xFF\xFE\n", "two invalid bytes in a row"),
];

fn known_bug(f: &Failure) -> Option<&'static KnownBug> {
    KNOWN_BUGS.iter().find(|b| (b.is_it)(f))
}

thread_local! {
    static PANIC_LOCATION: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic into a `Failure` that knows where it happened.
fn catch<T>(f: impl FnOnce() -> T) -> Result<T, Failure> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANIC_LOCATION.with(|l| {
                *l.borrow_mut() = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()))
            });
            if !QUIET.with(|q| q.get()) {
                default(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    result.map_err(|payload| Failure::Panic {
        location: PANIC_LOCATION
            .with(|l| l.borrow_mut().take())
            .unwrap_or_default(),
        message: payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default(),
    })
}

/// What must hold for any parse: ranges inside the text and in file order; BuildKit's view computable.
fn violations(doc: &Document) -> Vec<Failure> {
    let mut out = Vec::new();
    let mut fail = |what, detail: String| out.push(Failure::Invariant { what, detail });
    let text = doc.text();
    let len = text.len();
    for e in doc.syntax_errors() {
        if !in_text(&e.range, len) {
            fail(
                "syntax error outside the text",
                format!("{:?} ({}) in {len} bytes", e.range, e.message),
            );
        } else if !text.is_char_boundary(e.range.start) || !text.is_char_boundary(e.range.end) {
            fail(
                "syntax error splits a character",
                format!("{:?} ({})", e.range, e.message),
            );
        }
    }
    let mut previous_end = 0;
    for (i, ins) in doc.instructions().iter().enumerate() {
        if !in_text(&ins.full_range, len) {
            fail(
                "instruction outside the text",
                format!("instruction {i} {:?} in {len} bytes", ins.full_range),
            );
        }
        if !(ins.full_range.start <= ins.range.start && ins.range.end <= ins.full_range.end) {
            fail(
                "range not inside full_range",
                format!("instruction {i}: {:?} vs {:?}", ins.range, ins.full_range),
            );
        }
        if !(ins.range.start <= ins.keyword.start && ins.keyword.end <= ins.range.end) {
            fail(
                "keyword not inside range",
                format!("instruction {i}: {:?} vs {:?}", ins.keyword, ins.range),
            );
        }
        if ins.full_range.start < previous_end {
            fail(
                "instructions out of order",
                format!(
                    "instruction {i} starts at {} before the previous one ends at {previous_end}",
                    ins.full_range.start
                ),
            );
        }
        previous_end = ins.full_range.end;
    }
    if let Err(f) = catch(|| doc.buildkit_view()) {
        out.push(f);
    }
    out
}

/// Parses `bytes` and checks it; every failure, known bugs included.
fn examine(bytes: &[u8]) -> Vec<Failure> {
    match catch(|| Document::parse_bytes(bytes)) {
        Ok(doc) => violations(&doc),
        Err(f) => vec![f],
    }
}

/// Fails the case on any failure that is not a known bug.
fn unknown(failures: Vec<Failure>, input: &[u8]) -> Result<(), TestCaseError> {
    let unknown: Vec<String> = failures
        .iter()
        .filter(|f| known_bug(f).is_none())
        .map(|f| f.to_string())
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(TestCaseError::fail(format!(
        "{} on input {:?}",
        unknown.join("; "),
        String::from_utf8_lossy(input)
    )))
}

/// The edit `Document::apply_edit` documents: offsets clamped to the text and floored to characters.
fn edited(text: &str, start: usize, delete: usize, insert: &str) -> (Range<usize>, String) {
    let end = start.saturating_add(delete);
    let clamped = start.min(text.len());
    let s = floor_char_boundary(text, clamped);
    let e = floor_char_boundary(text, end.clamp(clamped, text.len()));
    let mut out = text.to_string();
    out.replace_range(s..e, insert);
    (start..end, out)
}

fn same_model(incremental: &Document, fresh: &Document) -> Result<(), TestCaseError> {
    prop_assert_eq!(incremental.text(), fresh.text());
    prop_assert_eq!(incremental.instructions(), fresh.instructions());
    prop_assert_eq!(incremental.syntax_errors(), fresh.syntax_errors());
    prop_assert_eq!(incremental.directives(), fresh.directives());
    prop_assert_eq!(incremental.comments(), fresh.comments());
    prop_assert_eq!(incremental.stages(), fresh.stages());
    prop_assert_eq!(incremental.escape(), fresh.escape());
    Ok(())
}

fn config(cases: u32) -> ProptestConfig {
    // Failures are turned into explicit tests (or KNOWN_BUGS entries), not files proptest writes.
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(cases)
    }
}

proptest! {
    #![proptest_config(config(10_000))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        unknown(examine(&bytes), &bytes)?;
    }

    #[test]
    fn dockerfile_shaped_bytes_never_panic(bytes in dockerfile_ish()) {
        unknown(examine(&bytes), &bytes)?;
    }
}

proptest! {
    #![proptest_config(config(4_000))]

    #[test]
    fn incremental_reparse_equals_fresh_parse(
        text in dockerfile_ish_text(),
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let Ok(mut doc) = catch(|| Document::parse(&text)) else {
            // A panic on the initial text is the parse tests' business.
            return Ok(());
        };
        let mut expected = text.clone();
        for (start, delete, insert) in edits {
            let (range, next) = edited(&expected, start, delete, &insert);
            if let Err(f) = catch(|| doc.apply_edit(range.clone(), &insert)) {
                unknown(vec![f], next.as_bytes())?;
                return Ok(());
            }
            expected = next;
            prop_assert_eq!(doc.text(), expected.as_str());
            unknown(violations(&doc), expected.as_bytes())?;
            let fresh = catch(|| Document::parse(&expected))
                .map_err(|f| TestCaseError::fail(format!("fresh parse panicked but the incremental one did not: {f}")))?;
            same_model(&doc, &fresh)?;
        }
    }
}

/// Each known bug still happens on its minimal input; once fixed, its entry must go.
#[test]
fn known_bugs_still_reproduce() {
    let mut fixed = Vec::new();
    for bug in KNOWN_BUGS {
        let failures = examine(bug.input);
        if !failures.iter().any(|f| (bug.is_it)(f)) {
            fixed.push(format!(
                "{:?} no longer fails ({failures:?}): remove its KNOWN_BUGS entry ({})",
                String::from_utf8_lossy(bug.input),
                bug.why
            ));
        }
    }
    assert!(fixed.is_empty(), "{}", fixed.join("\n"));
}

#[test]
fn regressions_hold() {
    for (input, what) in REGRESSIONS {
        let failures = examine(input);
        assert!(
            failures.is_empty(),
            "{:?} ({what}): {}",
            String::from_utf8_lossy(input),
            failures
                .iter()
                .map(|f| f.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
}

/// Edits that exercise the clamping in `apply_edit`: past the end, inside a character, inverted.
#[test]
fn out_of_range_edits_are_clamped() {
    let text = "FROM alpine\nRUN echo é\n";
    for (range, insert) in [
        (100..200, "\nUSER x"),
        (22..23, "e"),
        (Range { start: 20, end: 5 }, ""),
        (0..usize::MAX, "FROM scratch\n"),
    ] {
        let mut doc = Document::parse(text);
        let (_, expected) = edited(
            text,
            range.start,
            range.end.saturating_sub(range.start),
            insert,
        );
        doc.apply_edit(range.clone(), insert);
        assert_eq!(doc.text(), expected, "edit {range:?} {insert:?}");
        let fresh = Document::parse(&expected);
        assert_eq!(doc.instructions(), fresh.instructions(), "edit {range:?}");
        assert_eq!(doc.syntax_errors(), fresh.syntax_errors(), "edit {range:?}");
    }
}

/// Every corpus file parses without panicking, with instruction ranges inside the text and in file order.
#[test]
fn corpus_files_parse_with_ordered_ranges() {
    let Some(corpus) =
        oracle::corpus_dir("../shared/corpus", "corpus_files_parse_with_ordered_ranges")
    else {
        return;
    };
    let mut files = Vec::new();
    for folder in ["public", "parser-edge"] {
        files.extend(oracle::files_under(&corpus.join(folder)));
    }
    assert!(files.len() > 100, "found only {} corpus files", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        for f in examine(&bytes) {
            failures.push(format!("{}: {f}", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus files break a range invariant:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
