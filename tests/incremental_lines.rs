//! Line reparsing (`Document::apply_edit` parsing only the logical lines an edit touches) must give
//! exactly the model of a fresh parse. Valid, line-structured files are where it applies, so these
//! tests edit such files (generated ones, and every corpus file) with the edits that can make an
//! edit reach past its lines: continuations, heredoc markers and terminators, comments, newlines,
//! quotes, escape characters.
use dflint_rules::syntax::{Document, Reparsed};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

mod oracle;

/// Lines of valid Dockerfiles, several of them multi-line (continuations, heredocs, comments inside).
const UNITS: &[&str] = &[
    "FROM alpine:3.20 AS build\n",
    "FROM build\n",
    "RUN apk add --no-cache \\\n    curl \\\n    git\n",
    "RUN set -eux; \\\n# a comment inside\n    make \\\n\n    install\n",
    "RUN <<EOF\nset -e\necho hi\nEOF\n",
    "RUN <<-EOT bash\n\techo tab\n\tEOT\n",
    "COPY <<A /a <<'B' /b\nalpha\nA\nbeta $X\nB\n",
    "COPY --from=build --chmod=755 /src /dst\n",
    "ENV A=1 \\\n    B=\"two words\"\n",
    "ENV LEGACY value with spaces\n",
    "LABEL org.opencontainers.image.title=\"x\"\n",
    "CMD [\"run\", \"--port\", \"80\"]\n",
    "ENTRYPOINT exec app\n",
    "ONBUILD RUN echo later\n",
    "HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1\n",
    "ARG VERSION=1.0\n",
    "WORKDIR /app\n",
    "EXPOSE 80/tcp\n",
    "USER 1000:1000\n",
    "SHELL [\"/bin/sh\", \"-c\"]\n",
    "# a comment\n",
    "\n",
    "\\\nRUN after a lone continuation\n",
    "VOLUME [\"/data\"]\n",
];

/// What an edit inserts: mostly the pieces that change how far a line reaches.
const INSERTS: &[&str] = &[
    "",
    "x",
    " ",
    "\n",
    "\n\n",
    "\\",
    "\\\n",
    " \\\n",
    "`",
    "`\n",
    "<<EOF",
    "<<EOF\n",
    "EOF",
    "EOF\n",
    "\tEOT\n",
    "#",
    "# note\n",
    "\"",
    "'",
    "[",
    "]",
    "[\"a\"]",
    "RUN x\n",
    "FROM b AS c\n",
    "ONBUILD ",
    "--mount=type=cache,target=/c ",
    "$",
    "${",
    "}",
    "=",
    "\r\n",
    "RUN <<X\nbody\n",
    "\\\n\n",
    "bogus ",
    "AS",
    "\u{e9}",
];

fn escape_header() -> impl Strategy<Value = &'static str> {
    prop_oneof![6 => Just(""), 1 => Just("# escape=`\n"), 1 => Just("# syntax=docker/dockerfile:1\n")]
}

fn file() -> impl Strategy<Value = String> {
    (
        escape_header(),
        prop::collection::vec(prop::sample::select(UNITS), 1..14),
    )
        .prop_map(|(h, units)| {
            let mut s = String::from(h);
            s.push_str("FROM debian:12\n");
            for u in units {
                s.push_str(u);
            }
            s
        })
}

/// An edit as (position in permille of the text, bytes to delete, what to insert).
fn edit() -> impl Strategy<Value = (u32, usize, &'static str)> {
    (
        0u32..=1000,
        prop_oneof![4 => Just(0usize), 2 => 1usize..3, 1 => 0usize..30],
        prop::sample::select(INSERTS),
    )
}

/// Applies an edit at a position snapped to a character boundary; returns the new text.
fn apply(
    doc: &mut Document,
    text: &str,
    permille: u32,
    delete: usize,
    insert: &str,
) -> (String, Reparsed) {
    let mut at = text.len() * permille as usize / 1000;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let mut end = (at + delete).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut next = text.to_string();
    next.replace_range(at..end, insert);
    let how = doc.apply_edit(at..end, insert);
    (next, how)
}

fn same_as_fresh(doc: &Document, text: &str) -> Result<(), String> {
    let fresh = Document::parse(text);
    let checks: [(&str, bool); 7] = [
        ("text", doc.text() == fresh.text()),
        ("instructions", doc.instructions() == fresh.instructions()),
        (
            "syntax errors",
            doc.syntax_errors() == fresh.syntax_errors(),
        ),
        ("directives", doc.directives() == fresh.directives()),
        ("comments", doc.comments() == fresh.comments()),
        ("stages", doc.stages() == fresh.stages()),
        ("line index", doc.line_index() == fresh.line_index()),
    ];
    for (what, same) in checks {
        if !same {
            let detail = match what {
                "instructions" => format!(
                    "\nincremental: {:#?}\nfresh: {:#?}",
                    doc.instructions(),
                    fresh.instructions()
                ),
                "syntax errors" => format!(
                    "\nincremental: {:?}\nfresh: {:?}",
                    doc.syntax_errors(),
                    fresh.syntax_errors()
                ),
                "comments" => format!(
                    "\nincremental: {:?}\nfresh: {:?}",
                    doc.comments(),
                    fresh.comments()
                ),
                _ => String::new(),
            };
            return Err(format!(
                "{what} differ from a fresh parse of {text:?}{detail}"
            ));
        }
    }
    if doc.escape() != fresh.escape() || doc.sexp() != fresh.sexp() {
        return Err(format!(
            "escape or tree differ from a fresh parse of {text:?}"
        ));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(6_000) })]

    #[test]
    fn line_reparse_equals_fresh_parse(text in file(), edits in prop::collection::vec(edit(), 1..6)) {
        let mut doc = Document::parse(&text);
        let mut expected = text;
        for (permille, delete, insert) in edits {
            let before = expected.clone();
            let (next, how) = apply(&mut doc, &expected, permille, delete, insert);
            expected = next;
            same_as_fresh(&doc, &expected).map_err(|e| {
                TestCaseError::fail(format!("after {how:?} for ({permille}, {delete}, {insert:?}) on {before:?}: {e}"))
            })?;
        }
    }
}

/// A small xorshift generator: the corpus test is deterministic without another dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Every file of the shared public corpus (at least a thousand), or `None` when the test is to be skipped.
fn public_corpus_files(test: &str) -> Option<Vec<std::path::PathBuf>> {
    let dir = oracle::corpus_dir("../shared/corpus/public", test)?;
    let files = oracle::files_under(&dir);
    assert!(
        files.len() > 1000,
        "found only {} corpus files",
        files.len()
    );
    Some(files)
}

/// Every valid UTF-8 corpus file, edited four times in a row at seeded positions: each result must
/// equal a fresh parse, and most of the edits must have been line reparses (or this test would
/// not be testing them).
#[test]
fn corpus_edits_equal_fresh_parse() {
    let Some(files) = public_corpus_files("corpus_edits_equal_fresh_parse") else {
        return;
    };
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut lines, mut total) = (0usize, 0usize);
    let mut failures = Vec::new();
    for path in &files {
        let Ok(mut text) = std::fs::read_to_string(path) else {
            continue;
        };
        let mut doc = Document::parse(&text);
        for _ in 0..4 {
            let permille = rng.below(1001) as u32;
            let delete = [0, 0, 1, 2, 7][rng.below(5)];
            let insert = INSERTS[rng.below(INSERTS.len())];
            let (next, how) = apply(&mut doc, &text, permille, delete, insert);
            text = next;
            total += 1;
            if matches!(how, Reparsed::Lines(_)) {
                lines += 1;
            }
            if let Err(e) = same_as_fresh(&doc, &text) {
                failures.push(format!("{}: {e}", path.display()));
                break;
            }
        }
    }
    eprintln!("{lines} of {total} corpus edits were line reparses");
    assert!(
        failures.is_empty(),
        "{} corpus files differ after edits:\n{}",
        failures.len(),
        failures
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
    assert!(
        lines * 2 > total,
        "only {lines} of {total} edits were line reparses"
    );
}

/// A one-letter edit in the middle of a long file reparses only its instruction's lines.
#[test]
fn a_letter_edit_reparses_one_instruction() {
    let mut text = String::from("FROM debian:12\n");
    for i in 0..200 {
        text.push_str(&format!("RUN echo {i} \\\n    && true\n# comment {i}\n\n"));
    }
    let mut doc = Document::parse(&text);
    let at = text.find("echo 100").unwrap() + 1;
    let how = doc.apply_edit(at..at + 1, "X");
    let start = text.find("RUN echo 100").unwrap();
    let end = text.find("# comment 100").unwrap();
    assert_eq!(how, Reparsed::Lines(start..end));
    text.replace_range(at..at + 1, "X");
    same_as_fresh(&doc, &text).unwrap();
    // A continuation added at the end of that instruction joins the comment line and the next
    // instruction: still equal to a fresh parse, whichever way it went.
    let at = end - 1;
    doc.apply_edit(at..at, " \\");
    text.replace_range(at..at, " \\");
    same_as_fresh(&doc, &text).unwrap();
}

/// Instructions added to or removed from a stage on the line path renumber the later stages
/// without rebuilding them; a FROM added or removed rebuilds them. Each step equals a fresh parse.
#[test]
fn line_edits_that_add_or_remove_instructions_keep_the_stages() {
    let mut text = String::from("ARG V=1\nFROM a AS one\nRUN x\nFROM b AS two\nRUN y\nRUN z\nFROM two\nCOPY --from=one /a /b\n");
    let mut doc = Document::parse(&text);
    let step = |doc: &mut Document, text: &mut String, at: usize, delete: usize, insert: &str| {
        let how = doc.apply_edit(at..at + delete, insert);
        text.replace_range(at..at + delete, insert);
        same_as_fresh(doc, text).unwrap_or_else(|e| panic!("after {insert:?} at {at}: {e}"));
        how
    };
    // A new instruction in the middle stage (the RUN y line becomes two instructions).
    let at = text.find("RUN y").unwrap() + "RUN y".len();
    let how = step(&mut doc, &mut text, at, 0, "\nRUN w");
    assert!(matches!(how, Reparsed::Lines(_)), "{how:?}");
    assert_eq!(doc.stages()[1].instructions, 3..7);
    assert_eq!(doc.stages()[2].from, 7);
    // The global ARG grows a second instruction before every stage.
    let how = step(&mut doc, &mut text, "ARG V=1".len(), 0, "\nARG W=2");
    assert!(matches!(how, Reparsed::Lines(_)), "{how:?}");
    assert_eq!(doc.stages()[0].from, 2);
    // An instruction removed from the first stage.
    let at = text.find("RUN x\n").unwrap();
    step(&mut doc, &mut text, at, "RUN x\n".len(), "");
    // A RUN turned into a FROM starts a stage; and back.
    let at = text.find("RUN z").unwrap();
    step(&mut doc, &mut text, at, 3, "FROM");
    assert_eq!(doc.stages().len(), 4);
    step(&mut doc, &mut text, at, 4, "RUN");
    assert_eq!(doc.stages().len(), 3);
    // A stage renamed (the FROM line itself) and the name ranges after an edit before them.
    let at = text.find("AS two").unwrap() + 3;
    step(&mut doc, &mut text, at, 3, "second");
    let at = text.find("RUN y").unwrap() + 4;
    step(&mut doc, &mut text, at, 1, "yyyy");
    let at = text.find("RUN y").unwrap() + 4;
    step(&mut doc, &mut text, at, 4, "");
}

/// Every corpus file parsed in pieces (as large documents are: `Document::parse_in_pieces`) of one line and of
/// 64 bytes reads as a whole-file parse, whether its pieces took the line path or fell back to a whole parse.
#[test]
fn corpus_parsed_in_pieces_equals_fresh_parse() {
    let Some(files) = public_corpus_files("corpus_parsed_in_pieces_equals_fresh_parse") else {
        return;
    };
    let mut failures = Vec::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for piece in [1, 64] {
            let doc = Document::parse_in_pieces(text.clone(), piece);
            if let Err(e) = same_as_fresh(&doc, &text) {
                failures.push(format!("{} in pieces of {piece}: {e}", path.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} corpus files differ:\n{}",
        failures.len(),
        failures
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}
