//! Every language feature over real JSON-RPC: hover, completion, symbols, folding, semantic tokens, navigation and
//! rename, linked editing, document links, formatting and code actions.
mod lsp_support;

use lsp_support::{apply_edits, locate, pos, range, Client};
use serde_json::{json, Value};

const DOCKERFILE: &str = "# syntax=docker/dockerfile:1
ARG BASE_TAG=3.20
ARG APP_VERSION=1.0.0

FROM alpine:${BASE_TAG} AS builder
ARG APP_VERSION
ENV GOPATH=/go
RUN --mount=type=cache,target=/root/.cache echo building $APP_VERSION \\
    && make
COPY --chown=1000:1000 . /src/

FROM builder AS test
RUN echo $GOPATH

FROM debian:bookworm-slim AS runtime
ARG APP_VERSION
LABEL org.opencontainers.image.version=$APP_VERSION
COPY --from=builder /usr/local/bin/app /usr/local/bin/app
RUN --mount=type=bind,from=builder,target=/b ls /b
RUN <<EOF
echo $APP_VERSION
EOF
HEALTHCHECK --interval=30s CMD [\"/usr/local/bin/app\", \"health\"]
CMD [\"/usr/local/bin/app\"]
";

const URI: &str = "file:///tmp/dflint-lsp-features/Dockerfile";

async fn client_with(text: &str) -> Client {
    let mut c = Client::in_process();
    c.initialize().await;
    c.open(URI, text).await;
    c.diagnostics(URI, 1).await;
    c
}

fn td() -> Value {
    json!({"uri": URI})
}

async fn hover(c: &mut Client, at: Value) -> String {
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": td(), "position": at}),
        )
        .await;
    h["contents"]["value"].as_str().unwrap_or("").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_everything() {
    let mut c = client_with(DOCKERFILE).await;
    let t = DOCKERFILE;
    assert!(hover(&mut c, locate(t, "FROM alpine", 1))
        .await
        .contains("Starts a build stage"));
    assert!(hover(&mut c, locate(t, "--chown", 3))
        .await
        .contains("Owner of the copied files"));
    assert!(hover(&mut c, locate(t, "type=cache", 1))
        .await
        .contains("--mount type"));
    assert!(hover(&mut c, locate(t, "syntax", 1))
        .await
        .contains("frontend"));
    let value = hover(&mut c, locate(t, "version=$APP_VERSION", 10)).await;
    assert!(value.contains("**`APP_VERSION`** = `1.0.0`"), "{value}");
    assert!(
        value.contains("ARG on line 3 (global build argument), redeclared on line 16"),
        "{value}"
    );
    let stage = hover(&mut c, locate(t, "--from=builder", 9)).await;
    assert!(
        stage.contains("**Stage `builder`**") && stage.contains("base: `alpine:${BASE_TAG}`"),
        "{stage}"
    );
    assert!(stage.contains("used by: `test`, `runtime`"), "{stage}");
    let env = hover(&mut c, locate(t, "$GOPATH", 2)).await;
    assert!(
        env.contains("= `/go`") && env.contains("in stage `builder`"),
        "{env}"
    );
    let heredoc = hover(&mut c, locate(t, "echo $APP_VERSION\nEOF", 7)).await;
    assert!(heredoc.contains("= `1.0.0`"), "{heredoc}");
    let image = hover(&mut c, locate(t, "debian", 2)).await;
    assert!(image.contains("https://hub.docker.com/_/debian"), "{image}");
    c.shutdown().await;

    // Rule docs on a diagnostic, with the instruction's docs.
    let mut c = client_with("FROM alpine:3.20\nrun echo hi\n").await;
    let h = hover(&mut c, pos(1, 1)).await;
    assert!(
        h.contains("**DF501** `instruction-casing`") && h.contains("Docker accepts"),
        "{h}"
    );
    assert!(h.contains("Runs a command"), "{h}");
    c.shutdown().await;
}

/// Labels offered at `|` in `text`.
async fn complete(text_with_cursor: &str) -> Vec<Value> {
    let at = text_with_cursor.find('|').unwrap();
    let text = text_with_cursor.replace('|', "");
    let mut c = Client::in_process();
    c.initialize().await;
    c.open(URI, &text).await;
    let position = locate(&text_with_cursor[..at], &text_with_cursor[..at], at);
    let r = c
        .request(
            "textDocument/completion",
            json!({"textDocument": td(), "position": position}),
        )
        .await;
    c.shutdown().await;
    r["items"].as_array().cloned().unwrap_or_default()
}

fn labels(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

fn has_all(items: &[Value], want: &[&str]) {
    let l = labels(items);
    for w in want {
        assert!(l.iter().any(|x| x == w), "{w} missing from {l:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_everywhere() {
    let items = complete("FROM alpine:3.20\n|\n").await;
    has_all(
        &items,
        &["RUN", "COPY", "HEALTHCHECK", "ARG", "ENV", "ONBUILD"],
    );
    let run = items.iter().find(|i| i["label"] == "RUN").unwrap();
    assert_eq!(run["insertTextFormat"], 2, "a snippet");
    assert!(run["documentation"]["value"]
        .as_str()
        .unwrap()
        .contains("Runs a command"));

    has_all(
        &complete("FROM a\nCOPY --|\n").await,
        &[
            "--chmod",
            "--chown",
            "--from",
            "--link",
            "--parents",
            "--exclude",
        ],
    );
    has_all(
        &complete("FROM a\nADD --| x y\n").await,
        &[
            "--checksum",
            "--unpack",
            "--keep-git-dir",
            "--link",
            "--chmod",
            "--chown",
            "--exclude",
        ],
    );
    has_all(
        &complete("FROM a\nRUN --|\n").await,
        &["--mount", "--network", "--security", "--device"],
    );
    has_all(
        &complete("FROM a\nRUN --mount=|\n").await,
        &[
            "type", "target", "source", "from", "id", "sharing", "mode", "uid", "gid", "readonly",
            "required", "env", "dst",
        ],
    );
    has_all(
        &complete("FROM a\nRUN --mount=type=|\n").await,
        &["bind", "cache", "tmpfs", "secret", "ssh"],
    );
    has_all(
        &complete("FROM a\nRUN --mount=type=cache,sharing=|\n").await,
        &["shared", "private", "locked"],
    );
    has_all(&complete("FROM --|\n").await, &["--platform"]);
    has_all(
        &complete("FROM --platform=|\n").await,
        &["linux/amd64", "$BUILDPLATFORM"],
    );
    has_all(
        &complete("FROM a\nHEALTHCHECK --|\n").await,
        &[
            "--interval",
            "--timeout",
            "--start-period",
            "--start-interval",
            "--retries",
        ],
    );
    has_all(
        &complete("FROM a\nHEALTHCHECK --interval=5s |\n").await,
        &["CMD", "NONE"],
    );
    // Flags already given are not offered again (but --mount may repeat).
    let again = labels(&complete("FROM a\nCOPY --link --|\n").await);
    assert!(!again.contains(&"--link".to_string()), "{again:?}");

    // Stage names.
    let text = "FROM a AS one\nFROM b AS two\nCOPY --from=| /x /y\nRUN --mount=from=|,target=/x true\nFROM |\n";
    // A stage cannot copy from itself; a new FROM sees every stage above it.
    for ((i, _), two) in text.match_indices('|').zip([false, false, true]) {
        let cursor = format!(
            "{}|{}",
            text[..i].replace('|', ""),
            text[i + 1..].replace('|', "")
        );
        let l = labels(&complete(&cursor).await);
        assert!(l.contains(&"one".to_string()), "{cursor}: {l:?}");
        assert_eq!(l.contains(&"two".to_string()), two, "{cursor}: {l:?}");
    }

    // Variables, scoped per stage.
    let text = "ARG G=1\nARG H\nFROM a:${|} AS one\nARG G\nENV E=2\nRUN echo $|\nFROM one\nRUN echo ${|}\nFROM b\nARG H\nRUN echo $|\n";
    let cursors: Vec<String> = text
        .match_indices('|')
        .map(|(i, _)| {
            format!(
                "{}|{}",
                text[..i].replace('|', ""),
                text[i + 1..].replace('|', "")
            )
        })
        .collect();
    let from_line = labels(&complete(&cursors[0]).await);
    assert!(
        from_line.contains(&"G".into())
            && from_line.contains(&"H".into())
            && from_line.contains(&"TARGETPLATFORM".into()),
        "{from_line:?}"
    );
    let first = labels(&complete(&cursors[1]).await);
    assert_eq!(
        first,
        ["E", "G"],
        "redeclared global G and the stage's E; not H"
    );
    let inherited = labels(&complete(&cursors[2]).await);
    assert_eq!(
        inherited,
        ["E"],
        "ENV is inherited from stage `one`, ARG G is not"
    );
    let last = labels(&complete(&cursors[3]).await);
    assert_eq!(last, ["H"]);

    // Parser directives at the top only.
    has_all(
        &complete("# |\nFROM a\n").await,
        &["syntax", "escape", "check"],
    );
    assert!(complete("FROM a\n# |\n").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn symbols_folding_tokens_and_links() {
    let mut c = Client::in_process();
    let init = c.initialize().await;
    let legend = &init["capabilities"]["semanticTokensProvider"]["legend"];
    assert_eq!(legend["tokenTypes"][0], "keyword");
    for t in ["parameter", "variable", "string", "comment", "operator"] {
        assert!(
            legend["tokenTypes"].as_array().unwrap().contains(&json!(t)),
            "{t} in {legend}"
        );
    }
    c.open(URI, DOCKERFILE).await;
    c.diagnostics(URI, 1).await;
    let symbols = c
        .request("textDocument/documentSymbol", json!({"textDocument": td()}))
        .await;
    let top: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        top,
        ["BASE_TAG", "APP_VERSION", "builder", "test", "runtime"]
    );
    let runtime: Vec<&str> = symbols[4]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        runtime,
        [
            "APP_VERSION",
            "LABEL",
            "COPY",
            "RUN",
            "RUN",
            "HEALTHCHECK",
            "CMD"
        ]
    );
    assert_eq!(symbols[2]["range"]["start"], pos(4, 0));
    assert_eq!(symbols[2]["range"]["end"]["line"], 9);

    let folds = c
        .request("textDocument/foldingRange", json!({"textDocument": td()}))
        .await;
    let spans: Vec<(u64, u64)> = folds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["startLine"].as_u64().unwrap(),
                f["endLine"].as_u64().unwrap(),
            )
        })
        .collect();
    for want in [(4, 9), (7, 8), (11, 12), (14, 23), (19, 21)] {
        assert!(spans.contains(&want), "{want:?} not in {spans:?}");
    }

    let full = c
        .request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": td()}),
        )
        .await;
    let data: Vec<u64> = full["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(data.len() % 5, 0);
    // The first token is the directive comment at 0:0; the FROM on line 4 is a keyword (type 0) of length 4.
    let mut line = 0;
    let mut col = 0;
    let mut tokens = Vec::new();
    for t in data.chunks(5) {
        line += t[0];
        col = if t[0] == 0 { col + t[1] } else { t[1] };
        tokens.push((line, col, t[2], t[3], t[4]));
    }
    assert!(tokens.contains(&(4, 0, 4, 0, 0)), "FROM keyword");
    assert!(tokens.contains(&(7, 4, 7, 1, 0)), "--mount as a parameter");
    assert!(
        tokens.iter().any(|t| t.0 == 7 && t.3 == 2),
        "$APP_VERSION as a variable"
    );
    assert!(
        tokens.iter().any(|t| t.0 == 4 && t.3 == 6 && t.4 & 1 == 1),
        "stage name declared"
    );
    let ranged = c
        .request(
            "textDocument/semanticTokens/range",
            json!({"textDocument": td(), "range": range(11, 0, 12, 99)}),
        )
        .await;
    let ranged: Vec<u64> = ranged["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(ranged[0], 11, "the first token is on line 11");
    assert!(ranged.len() < data.len());

    let links = c
        .request("textDocument/documentLink", json!({"textDocument": td()}))
        .await;
    let targets: Vec<&str> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        ["https://hub.docker.com/_/debian"],
        "alpine:${{BASE_TAG}} has a variable; builder is a stage"
    );
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn navigation_and_rename() {
    let mut c = client_with(DOCKERFILE).await;
    let t = DOCKERFILE;
    let at = |needle: &str, delta: usize| json!({"textDocument": td(), "position": locate(t, needle, delta)});

    let def = c
        .request("textDocument/definition", at("--from=builder", 8))
        .await;
    assert_eq!(def[0]["range"], range(4, 27, 4, 34));
    let def = c
        .request("textDocument/definition", at("version=$APP_VERSION", 10))
        .await;
    assert_eq!(
        def[0]["range"],
        range(15, 4, 15, 15),
        "the redeclaration in the stage"
    );
    let def = c
        .request("textDocument/definition", at("ARG APP_VERSION\nLABEL", 5))
        .await;
    assert_eq!(
        def[0]["range"],
        range(2, 4, 2, 15),
        "the redeclaration goes to the global"
    );

    let mut with_decl = at("AS builder", 4);
    with_decl["context"] = json!({"includeDeclaration": true});
    let refs = c
        .request("textDocument/references", with_decl.clone())
        .await;
    assert_eq!(
        refs.as_array().unwrap().len(),
        4,
        "AS builder, FROM builder, COPY --from, --mount from: {refs}"
    );
    with_decl["context"]["includeDeclaration"] = json!(false);
    assert_eq!(
        c.request("textDocument/references", with_decl)
            .await
            .as_array()
            .unwrap()
            .len(),
        3
    );

    let mut arg_refs = at("ARG APP_VERSION=", 5);
    arg_refs["context"] = json!({"includeDeclaration": true});
    let refs = c.request("textDocument/references", arg_refs).await;
    // The global, two redeclarations, $APP_VERSION in RUN, in LABEL and in the heredoc.
    assert_eq!(refs.as_array().unwrap().len(), 6, "{refs}");

    let hl = c
        .request("textDocument/documentHighlight", at("$GOPATH", 2))
        .await;
    let kinds: Vec<u64> = hl
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_u64().unwrap())
        .collect();
    assert_eq!(kinds, [3, 2], "write at ENV, read at $GOPATH");

    let prep = c
        .request("textDocument/prepareRename", at("--from=builder", 9))
        .await;
    assert_eq!(prep["placeholder"], "builder");
    assert_eq!(prep["range"], range(17, 12, 17, 19));
    let refused = c
        .request_raw(
            "textDocument/prepareRename",
            at("/usr/local/bin/app /usr", 3),
        )
        .await;
    assert!(
        refused["result"].is_null(),
        "nothing to rename in a path: {refused}"
    );

    let mut rename = at("--from=builder", 9);
    rename["newName"] = json!("build");
    let edit = c.request("textDocument/rename", rename.clone()).await;
    let edits = edit["changes"][URI].as_array().unwrap().clone();
    let renamed = apply_edits(t, &edits);
    assert_eq!(renamed.matches("builder").count(), 0);
    assert!(
        renamed.contains("AS build\n")
            && renamed.contains("FROM build AS test")
            && renamed.contains("from=build,")
    );
    rename["newName"] = json!("9lives");
    let bad = c.request_raw("textDocument/rename", rename).await;
    assert!(
        bad["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not a valid stage name"),
        "{bad}"
    );

    let mut rename_arg = at("$APP_VERSION \\", 2);
    rename_arg["newName"] = json!("VERSION");
    let edit = c.request("textDocument/rename", rename_arg).await;
    let renamed = apply_edits(t, edit["changes"][URI].as_array().unwrap());
    assert_eq!(renamed.matches("APP_VERSION").count(), 0, "{renamed}");
    assert_eq!(renamed.matches("VERSION").count(), 6);

    let linked = c
        .request("textDocument/linkedEditingRange", at("AS builder", 4))
        .await;
    assert_eq!(linked["ranges"].as_array().unwrap().len(), 4);
    c.shutdown().await;

    // Undeclared variables are not renamed.
    let mut c = client_with("FROM a\nRUN echo $NOPE\n").await;
    let r = c
        .request_raw(
            "textDocument/prepareRename",
            json!({"textDocument": td(), "position": pos(1, 11)}),
        )
        .await;
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not declared"),
        "{r}"
    );
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formatting_full_and_range() {
    let text = "from alpine AS build\n   run apk add \\\n curl \\\n\t&& echo \"a \\\n  b\"\nrun <<EOF\n   keep\nEOF\ncopy a b\n";
    let mut c = client_with(text).await;
    let options = json!({"tabSize": 4, "insertSpaces": true});
    let edits = c
        .request(
            "textDocument/formatting",
            json!({"textDocument": td(), "options": options}),
        )
        .await;
    let formatted = apply_edits(text, edits.as_array().unwrap());
    assert_eq!(
        formatted,
        "FROM alpine AS build\nRUN apk add \\\n    curl \\\n    && echo \"a \\\n  b\"\nRUN <<EOF\n   keep\nEOF\nCOPY a b\n"
    );
    let edits = c
        .request(
            "textDocument/rangeFormatting",
            json!({"textDocument": td(), "options": {"tabSize": 2, "insertSpaces": false}, "range": range(8, 0, 9, 0)}),
        )
        .await;
    assert_eq!(
        apply_edits(text, edits.as_array().unwrap()),
        text.replace("copy a b", "COPY a b")
    );
    c.shutdown().await;
}

async fn actions(c: &mut Client, diags: &[Value], only: Option<&[&str]>) -> Vec<Value> {
    let mut context = json!({"diagnostics": diags});
    if let Some(only) = only {
        context["only"] = json!(only);
    }
    let r = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": td(), "range": range(0, 0, 0, 0), "context": context}),
        )
        .await;
    r.as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_actions_fix_ignore_and_fix_all() {
    let text =
        "# syntax=docker/dockerfile:1\nFROM alpine:3.20 as build\nMAINTAINER me\n  run echo hi\n";
    let mut c = Client::in_process();
    c.initialize().await;
    c.open(URI, text).await;
    let diags = c.diagnostics(URI, 1).await;
    let casing: Vec<Value> = diags
        .iter()
        .filter(|d| d["code"] == "DF501")
        .cloned()
        .collect();
    assert_eq!(casing.len(), 1, "{diags:?}");

    let acts = actions(&mut c, &casing, None).await;
    let titles: Vec<&str> = acts.iter().map(|a| a["title"].as_str().unwrap()).collect();
    let fix = &acts[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true, "a safe fix is preferred");
    assert_eq!(fix["diagnostics"][0]["code"], "DF501");
    let fixed = apply_edits(text, fix["edit"]["changes"][URI].as_array().unwrap());
    assert!(fixed.contains("  RUN echo hi"), "{fixed}");
    let ignore = acts
        .iter()
        .find(|a| a["title"] == "Ignore `instruction-casing` for this instruction")
        .unwrap_or_else(|| panic!("{titles:?}"));
    let ignored = apply_edits(text, ignore["edit"]["changes"][URI].as_array().unwrap());
    assert!(
        ignored.ends_with("MAINTAINER me\n  # dflint ignore=instruction-casing\n  run echo hi\n"),
        "{ignored}"
    );
    let file = acts
        .iter()
        .find(|a| a["title"] == "Ignore `instruction-casing` in this file")
        .unwrap_or_else(|| panic!("{titles:?}"));
    let ignored = apply_edits(text, file["edit"]["changes"][URI].as_array().unwrap());
    assert!(
        ignored.starts_with(
            "# syntax=docker/dockerfile:1\n# dflint ignore-file=instruction-casing\nFROM"
        ),
        "{ignored}"
    );

    // An unsafe fix is offered but not preferred.
    let maintainer: Vec<Value> = diags
        .iter()
        .filter(|d| d["code"] == "DF505")
        .cloned()
        .collect();
    let acts = actions(&mut c, &maintainer, Some(&["quickfix"])).await;
    let fix = acts
        .iter()
        .find(|a| a["isPreferred"].is_boolean())
        .expect("a quick fix for MAINTAINER");
    assert_eq!(fix["isPreferred"], false);

    // Fix all: safe fixes only, resolved lazily.
    let acts = actions(&mut c, &[], Some(&["source.fixAll"])).await;
    assert_eq!(acts.len(), 1, "{acts:?}");
    assert_eq!(acts[0]["kind"], "source.fixAll.dflint");
    assert!(acts[0].get("edit").is_none() && acts[0].get("data").is_some());
    let resolved = c.request("codeAction/resolve", acts[0].clone()).await;
    let all = apply_edits(text, resolved["edit"]["changes"][URI].as_array().unwrap());
    assert_eq!(
        all,
        "# syntax=docker/dockerfile:1\nFROM alpine:3.20 AS build\nMAINTAINER me\n  RUN echo hi\n"
    );

    // After an edit, actions come from the new version (the stale diagnostic carries no usable fix).
    c.change(URI, 2, json!([{"range": range(3, 2, 3, 5), "text": "RUN"}]))
        .await;
    let acts = actions(&mut c, &casing, Some(&["quickfix"])).await;
    assert!(
        acts.iter().all(|a| a.get("isPreferred").is_none()),
        "no fix from stale data: {acts:?}"
    );
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quick_fix_is_the_fix_that_passed_the_after_fix_check() {
    // `ARGG` → `ARG` would give `$DIR` a value, so the copy would land somewhere else: the contract refuses the fix.
    // The server publishes without checking fixes, so the refusal must happen when the quick fix is asked for.
    let text = "FROM alpine:3.20\nARGG DIR=/srv\nCOPY x $DIR/\nRUN cat /srv/x\n";
    let mut c = Client::in_process();
    c.initialize().await;
    c.open(URI, text).await;
    let diags = c.diagnostics(URI, 1).await;
    let unknown: Vec<Value> = diags
        .iter()
        .filter(|d| d["code"] == "DF101")
        .cloned()
        .collect();
    assert_eq!(unknown.len(), 1, "{diags:?}");
    assert!(
        unknown[0]["data"]["fix"]["edits"].is_array(),
        "the rule proposed a fix: {unknown:?}"
    );
    let acts = actions(&mut c, &unknown, None).await;
    let titles: Vec<&str> = acts.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert!(
        acts.iter().all(|a| a.get("isPreferred").is_none()),
        "no quick fix for a fix the contract refuses: {titles:?}"
    );
    assert!(
        titles.contains(&"Ignore `unknown-instruction` for this instruction"),
        "{titles:?}"
    );
    // The same through a client that sends no diagnostics (the server's own for the range).
    let r = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": td(), "range": range(1, 0, 1, 4), "context": {"diagnostics": []}}),
        )
        .await;
    let acts = r.as_array().cloned().unwrap_or_default();
    assert!(!acts.is_empty());
    assert!(
        acts.iter().all(|a| a.get("isPreferred").is_none()),
        "{acts:?}"
    );
    // The hover says why and what to do.
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": td(), "position": {"line": 1, "character": 1}}),
        )
        .await;
    let md = h["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(md.contains("(no fix: `COPY x $DIR/`"), "{md}");
    assert!(!md.contains("Fix ("), "{md}");
    // A client's diagnostic whose data carries a fix the server did not propose gets the server's own fix.
    let mut forged = unknown[0].clone();
    forged["data"]["fix"]["edits"][0]["newText"] = json!("RUN");
    let acts = actions(&mut c, &[forged], None).await;
    assert!(
        acts.iter().all(|a| a.get("isPreferred").is_none()),
        "{acts:?}"
    );

    // Where nothing reads the variable, the same fix passes and is offered.
    c.change(
        URI,
        2,
        json!([{"range": range(2, 0, 4, 0), "text": "COPY x /srv/\n"}]),
    )
    .await;
    let diags = c.diagnostics(URI, 2).await;
    let unknown: Vec<Value> = diags
        .iter()
        .filter(|d| d["code"] == "DF101")
        .cloned()
        .collect();
    let acts = actions(&mut c, &unknown, None).await;
    let fix = acts
        .iter()
        .find(|a| a.get("isPreferred").is_some())
        .unwrap_or_else(|| panic!("a quick fix: {acts:?}"));
    let fixed = apply_edits(
        "FROM alpine:3.20\nARGG DIR=/srv\nCOPY x /srv/\n",
        fix["edit"]["changes"][URI].as_array().unwrap(),
    );
    assert_eq!(fixed, "FROM alpine:3.20\nARG DIR=/srv\nCOPY x /srv/\n");
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn optimizer_fixes_are_refactors() {
    let cases = [
        (
            "FROM golang:1.22\nWORKDIR /src\nRUN go mod init example.com/web && CGO_ENABLED=0 go build -o /out/web\nEXPOSE 8080\nENTRYPOINT [\"/out/web\"]\n",
            "toolchain-in-final-image",
            "Convert to multi-stage build",
            "COPY --from=build /out/web /out/web",
        ),
        (
            "FROM node:20-slim\nWORKDIR /app\nCMD [\"node\", \"server.js\"]\nCOPY . .\nRUN npm ci && npm cache clean --force\n",
            "source-copy-before-install",
            "Reorder for layer cache",
            "COPY package.json package-lock.json ./\nRUN npm ci",
        ),
    ];
    for (text, rule, title, expected) in cases {
        // A build context with the manifests the reordering copies first.
        let dir = tempfile::tempdir().unwrap();
        for f in ["Dockerfile", "package.json", "package-lock.json"] {
            std::fs::write(
                dir.path().join(f),
                if f == "Dockerfile" { text } else { "{}" },
            )
            .unwrap();
        }
        let uri = format!("file://{}/Dockerfile", dir.path().display());
        let mut c = Client::in_process();
        c.initialize_with(
            lsp_support::capabilities(&["utf-16"], false),
            json!({"select": [rule]}),
        )
        .await;
        c.open(&uri, text).await;
        let diags = c.diagnostics(&uri, 1).await;
        assert_eq!(diags.len(), 1, "{rule}: {diags:?}");
        let request = |only: &str| {
            json!({"textDocument": {"uri": uri}, "range": range(0, 0, 0, 0),
                   "context": {"diagnostics": diags, "only": [only]}})
        };
        let acts = c
            .request("textDocument/codeAction", request("refactor"))
            .await;
        let acts = acts.as_array().unwrap();
        assert_eq!(acts.len(), 1, "{acts:?} for {diags:?}");
        assert_eq!(acts[0]["kind"], "refactor.rewrite");
        assert_eq!(acts[0]["title"], title);
        let rewritten = apply_edits(text, acts[0]["edit"]["changes"][&uri].as_array().unwrap());
        assert!(rewritten.contains(expected), "{rewritten}");
        // Not a quick fix: `only: ["quickfix"]` leaves it out.
        let quick = c
            .request("textDocument/codeAction", request("quickfix"))
            .await;
        assert!(
            quick
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["title"] != title),
            "{quick:?}"
        );
        c.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsafe_quick_fixes_can_be_switched_off_by_the_editor() {
    let text = "FROM alpine:3.20\nMAINTAINER me\nrun echo hi\n";
    for (options, offers_unsafe) in [
        (json!({}), true),
        (json!({"unsafe-fixes": false}), false),
        (json!({"dflint": {"unsafe-fixes": true}}), true),
    ] {
        let mut c = Client::in_process();
        c.initialize_with(
            lsp_support::capabilities(&["utf-16"], false),
            options.clone(),
        )
        .await;
        c.open(URI, text).await;
        let diags = c.diagnostics(URI, 1).await;
        let pick = |code: &str| -> Vec<Value> {
            diags
                .iter()
                .filter(|d| d["code"] == code)
                .cloned()
                .collect()
        };
        let (maintainer, casing) = (pick("DF505"), pick("DF501"));
        assert_eq!((maintainer.len(), casing.len()), (1, 1), "{diags:?}");
        // DF505's fix is unsafe, DF501's is safe.
        let unsafe_fixes = actions(&mut c, &maintainer, Some(&["quickfix"])).await;
        let has_fix = unsafe_fixes.iter().any(|a| a["isPreferred"] == false);
        assert_eq!(has_fix, offers_unsafe, "{options}: {unsafe_fixes:?}");
        let safe_fixes = actions(&mut c, &casing, Some(&["quickfix"])).await;
        assert!(
            safe_fixes.iter().any(|a| a["isPreferred"] == true),
            "{options}: {safe_fixes:?}"
        );
        c.shutdown().await;
    }
}
