//! The optimizer's rewrites as an expert would write them, on small apps under `tests/fixtures/optimizer/<app>`
//! (the lessons of real builds in OPTIMIZER.md): a Go module without cgo built with `CGO_ENABLED=0` and shipped on
//! `scratch`, one with cgo on the builder's Debian release, global `ARG` defaults resolved in `FROM`, users
//! the images already have kept, floating builder tags reported.
//! `fix` in unsafe mode with the app as build context is snapshotted as `expected.Dockerfile` next to it.
mod support;

use dflint_rules::engine::{fix, lint, BuildContext, FixMode, Settings, WithCreatedFiles};
use dflint_rules::syntax::{Document, Instruction, Kind};
use support::{added, fixtures, snapshot, DirContext};

struct Fixed {
    before: String,
    text: String,
    messages: Vec<String>,
}

/// The unsafe fix of an app, checked for what every rewrite must keep: parses, adds no finding, and a second run
/// changes nothing.
fn fixed(name: &str) -> Fixed {
    let dir = fixtures().join(name);
    let text = std::fs::read_to_string(dir.join("Dockerfile")).unwrap();
    let ctx = DirContext(dir.clone());
    let settings = Settings::default();
    let before = lint(&Document::parse(&text), &settings, Some(&ctx));
    let out = fix(&text, &settings, Some(&ctx), FixMode::Unsafe);
    assert!(
        out.refused.is_none() && out.non_converged.is_empty(),
        "{name}: {out:#?}"
    );
    snapshot(&dir.join("expected.Dockerfile"), &out.text);
    let doc = Document::parse(&out.text);
    assert!(
        !doc.has_syntax_errors(),
        "{name}: {:?}",
        doc.syntax_errors()
    );
    let new = added(&before, &out.remaining);
    assert!(new.is_empty(), "{name}: the fix added {new:#?}");
    let after = WithCreatedFiles {
        base: Some(&ctx as &dyn BuildContext),
        files: &out.created_files,
    };
    let again = fix(&out.text, &settings, Some(&after), FixMode::Unsafe);
    assert!(
        !again.changed(),
        "{name}: a second run applied {:?}",
        again.applied
    );
    Fixed {
        before: text,
        text: out.text,
        messages: before.into_iter().map(|d| d.message).collect(),
    }
}

fn stages(text: &str) -> Vec<Vec<Instruction>> {
    let doc = Document::parse(text);
    doc.stages()
        .iter()
        .map(|s| doc.stage_instructions(s).to_vec())
        .collect()
}

fn final_image(text: &str) -> String {
    let st = stages(text);
    st.last().unwrap()[0].image.as_ref().unwrap().text.clone()
}

fn logical(text: &str, ins: &[Instruction], kind: Kind) -> Vec<String> {
    ins.iter()
        .filter(|i| i.kind == kind)
        .map(|i| i.logical(text).into_owned())
        .collect()
}

#[test]
fn go_without_cgo_builds_static_on_a_static_image() {
    let f = fixed("go-static");
    assert_eq!(final_image(&f.text), "scratch");
    let st = stages(&f.text);
    // The global ARG's default was resolved to judge `golang:${GO_VERSION}-bookworm`; the ARG stays.
    assert!(
        f.before.starts_with("ARG GO_VERSION=1.22\n")
            && f.text.starts_with("ARG GO_VERSION=1.22\n")
    );
    assert!(
        logical(&f.text, &st[0], Kind::Run)
            .iter()
            .any(|r| r == "RUN CGO_ENABLED=0 go build -o /out/hello ."),
        "{}",
        f.text
    );
    // golang's Debian has `nobody`: the USER moves to the final stage as written, with the user table it needs.
    assert_eq!(logical(&f.text, &st[1], Kind::User), ["USER nobody"]);
    let copies = logical(&f.text, &st[1], Kind::Copy);
    for file in [
        "/etc/passwd",
        "/etc/group",
        "/etc/ssl/certs/ca-certificates.crt",
    ] {
        assert!(
            copies.contains(&format!("COPY --from=build {file} {file}")),
            "{file}: {copies:?}"
        );
    }
}

#[test]
fn cgo_turned_on_in_the_stage_stays_on() {
    let dir = fixtures().join("go-static");
    let ctx = DirContext(dir);
    let src = "FROM golang:1.22-bookworm\nWORKDIR /src\nCOPY . .\nENV CGO_ENABLED=1\nRUN go build -o /out/hello .\nCMD [\"/out/hello\"]\n";
    let out = fix(src, &Settings::default(), Some(&ctx), FixMode::Unsafe);
    assert_eq!(
        final_image(&out.text),
        "debian:bookworm-slim",
        "{}",
        out.text
    );
    assert!(!out.text.contains("CGO_ENABLED=0"), "{}", out.text);
}

#[test]
fn go_with_cgo_runs_on_the_builders_debian_release() {
    let f = fixed("go-cgo");
    assert_eq!(final_image(&f.text), "debian:bookworm-slim");
    let st = stages(&f.text);
    assert!(
        !f.text.contains("CGO_ENABLED"),
        "go-sqlite3 needs cgo:\n{}",
        f.text
    );
    // Debian's own `www-data` is not created by the build, and the slim runtime has it.
    assert_eq!(logical(&f.text, &st[1], Kind::User), ["USER www-data"]);
    // `golang:1.22` floats over Debian releases: the finding says which tag to pin.
    let size = f
        .messages
        .iter()
        .find(|m| m.contains("a Go toolchain"))
        .unwrap();
    assert!(size.contains("pin `golang:1.22-bookworm`"), "{size}");
}

#[test]
fn rust_dependencies_are_compiled_once_and_the_binary_is_named_by_cargo_toml() {
    let f = fixed("rust-backend");
    assert_eq!(final_image(&f.text), "debian:bookworm-slim");
    let st = stages(&f.text);
    let runs = logical(&f.text, &st[0], Kind::Run);
    // The dependencies compile on a placeholder before the sources arrive; the real build touches the sources.
    assert_eq!(
        runs,
        [
            "RUN mkdir -p src && echo 'fn main() {}' > src/main.rs && cargo build --release && rm -rf src",
            "RUN touch src/main.rs && cargo build --release",
        ]
    );
    let copies = logical(&f.text, &st[0], Kind::Copy);
    assert_eq!(
        copies,
        [
            "COPY backend/Cargo.toml backend/Cargo.lock ./",
            "COPY backend/src ./src"
        ]
    );
    // `[[bin]] name = "server"` of backend/Cargo.toml, copied from there.
    assert!(
        logical(&f.text, &st[1], Kind::Copy).contains(
            &"COPY --from=build /app/target/release/server /app/target/release/server".to_string()
        ),
        "{}",
        f.text
    );
}

#[test]
fn npm_start_becomes_node_and_the_node_user_stays() {
    let f = fixed("node-start");
    assert_eq!(final_image(&f.text), "node:20-slim");
    let st = stages(&f.text);
    // package.json's start script is `node dist/server.js`: that is what runs, as PID 1.
    assert_eq!(
        logical(&f.text, &st[1], Kind::Cmd),
        ["CMD [\"node\", \"dist/server.js\"]"]
    );
    // The node images have the `node` user: it is not created by the build, and the slim image has it.
    assert_eq!(logical(&f.text, &st[1], Kind::User), ["USER node"]);
    // The install and the build were one RUN: split so the install is cached across source edits.
    let build = &st[0];
    let install = build
        .iter()
        .position(|i| i.kind == Kind::Run && i.logical(&f.text).contains("npm ci"))
        .unwrap();
    let sources = build
        .iter()
        .position(|i| i.kind == Kind::Copy && i.logical(&f.text) == "COPY . .")
        .unwrap();
    let compile = build
        .iter()
        .position(|i| i.kind == Kind::Run && i.logical(&f.text).contains("npm run build"))
        .unwrap();
    assert!(install < sources && sources < compile, "{}", f.text);
}
