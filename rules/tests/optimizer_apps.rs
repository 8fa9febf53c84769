//! The optimizer on apps written the naive way (`COPY . .` first, build in the final stage, shell-form
//! `ENTRYPOINT`/`CMD`), one small source tree per ecosystem under `tests/fixtures/optimizer/<app>`: every family fires,
//! and `fix` in unsafe mode (with the source tree as build context) yields a multi-stage, cache-friendly,
//! exec-form file, snapshotted next to the app as `expected.Dockerfile` (and the created `expected.dockerignore`).
mod support;

use dflint_rules::engine::{
    all_rules, fix, lint, BuildContext, Category, Diagnostic, FixMode, Settings, WithCreatedFiles,
};
use dflint_rules::knowledge::{classify, is_manifest, Role};
use dflint_rules::syntax::{Command, Document, Kind};
use support::{added, fixtures, snapshot, DirContext};

/// Each app and the rules that must fire on it.
const APPS: &[(&str, &[&str])] = &[
    (
        "node",
        &[
            "source-copy-before-install",
            "package-cache-in-layer",
            "missing-dockerignore",
            "metadata-after-volatile",
            "toolchain-in-final-image",
            "entrypoint-shell-form",
        ],
    ),
    (
        "python",
        &[
            "source-copy-before-install",
            "volatile-layer-before-stable",
            "package-cache-in-layer",
            "missing-dockerignore",
            "toolchain-in-final-image",
            "shell-cmd-signals",
        ],
    ),
    (
        "maven",
        &[
            "source-copy-before-install",
            "missing-dockerignore",
            "metadata-after-volatile",
            "toolchain-in-final-image",
            "entrypoint-shell-form",
        ],
    ),
    (
        "gradle",
        &[
            "source-copy-before-install",
            "missing-dockerignore",
            "metadata-after-volatile",
            "toolchain-in-final-image",
            "entrypoint-shell-form",
        ],
    ),
    (
        "rust",
        &[
            "source-copy-before-install",
            "missing-dockerignore",
            "metadata-after-volatile",
            "toolchain-in-final-image",
            "entrypoint-shell-form",
        ],
    ),
    (
        "dotnet",
        &[
            "source-copy-before-install",
            "missing-dockerignore",
            "metadata-after-volatile",
            "toolchain-in-final-image",
            "entrypoint-shell-form",
        ],
    ),
    (
        "c",
        &[
            "missing-dockerignore",
            "metadata-after-volatile",
            "toolchain-in-final-image",
            "entrypoint-shell-form",
        ],
    ),
];

/// The defaults plus `metadata-after-volatile`, which is off by default: the apps are written to show every
/// family.
fn everything() -> Settings {
    Settings {
        extend_select: vec!["metadata-after-volatile".into()],
        ..Settings::default()
    }
}

fn category(d: &Diagnostic) -> Category {
    all_rules()
        .iter()
        .find(|r| r.code == d.code)
        .expect("a registered rule")
        .category
}

struct App {
    text: String,
    ctx: DirContext,
}

fn app(name: &str) -> App {
    let dir = fixtures().join(name);
    App {
        text: std::fs::read_to_string(dir.join("Dockerfile")).unwrap(),
        ctx: DirContext(dir),
    }
}

#[test]
fn every_family_fires_on_the_naive_apps() {
    for (name, expected) in APPS {
        let a = app(name);
        let diags = lint(&Document::parse(&a.text), &everything(), Some(&a.ctx));
        for family in [Category::Cache, Category::Size, Category::Entrypoint] {
            assert!(
                diags.iter().any(|d| category(d) == family),
                "{name}: no {family} finding in {diags:#?}"
            );
        }
        for rule in *expected {
            assert!(
                diags.iter().any(|d| d.name == *rule),
                "{name}: `{rule}` does not fire: {diags:#?}"
            );
        }
        let size = diags
            .iter()
            .find(|d| d.name == "toolchain-in-final-image")
            .unwrap();
        assert!(
            size.message.contains("saves about") && size.fix.is_some(),
            "{name}: {}",
            size.message
        );
    }
}

/// The final stage's instructions.
fn final_stage(doc: &Document) -> Vec<&dflint_rules::syntax::Instruction> {
    let last = doc.stages().last().expect("a stage");
    doc.stage_instructions(last).iter().collect()
}

#[test]
fn unsafe_fix_makes_multi_stage_cache_friendly_exec_form_files() {
    let settings = Settings::default();
    for (name, _) in APPS {
        let a = app(name);
        let before = lint(&Document::parse(&a.text), &settings, Some(&a.ctx));
        let out = fix(&a.text, &settings, Some(&a.ctx), FixMode::Unsafe);
        assert!(
            out.refused.is_none() && out.non_converged.is_empty(),
            "{name}: {out:#?}"
        );
        snapshot(
            &fixtures().join(name).join("expected.Dockerfile"),
            &out.text,
        );
        let ignore = out
            .created_files
            .iter()
            .find(|(p, _)| p == ".dockerignore")
            .map(|(_, c)| c.clone());
        snapshot(
            &fixtures().join(name).join("expected.dockerignore"),
            ignore.as_deref().unwrap_or(""),
        );

        let doc = Document::parse(&out.text);
        assert!(
            !doc.has_syntax_errors(),
            "{name}: {:?}",
            doc.syntax_errors()
        );
        // Multi-stage, with a small final image that copies from the build.
        assert!(
            doc.stages().len() >= 2,
            "{name}: single stage:\n{}",
            out.text
        );
        let last = final_stage(&doc);
        let image = last[0].image.as_ref().unwrap();
        let role = classify(&image.name, image.tag.as_ref().map(|t| t.0.as_str())).map(|c| c.0);
        assert!(
            !matches!(role, Some(Role::Toolchain(_))),
            "{name}: final image {} is a toolchain",
            image.text
        );
        assert!(
            last.iter()
                .any(|i| i.kind == Kind::Copy && i.flag("from").is_some()),
            "{name}: the final stage copies nothing from the build"
        );
        // Exec form for what runs.
        for i in last
            .iter()
            .filter(|i| matches!(i.kind, Kind::Cmd | Kind::Entrypoint))
        {
            assert!(
                matches!(i.command, Some(Command::Exec(_))),
                "{name}: `{}` is not in exec form",
                i.logical(doc.text())
            );
        }
        // Cache-friendly: the build stage copies the manifests (or nothing broad) before it installs or builds.
        let build = doc.stage_instructions(&doc.stages()[0]);
        let first_broad = build
            .iter()
            .position(|i| i.kind == Kind::Copy && i.words.first().is_some_and(|w| w.value == "."));
        if *name != "c" {
            let manifests = build.iter().position(|i| {
                i.kind == Kind::Copy
                    && i.words.len() >= 2
                    && i.words[..i.words.len() - 1]
                        .iter()
                        .all(|w| is_manifest(&w.value))
            });
            let (Some(m), Some(b)) = (manifests, first_broad) else {
                panic!("{name}: no manifest copy or no source copy:\n{}", out.text)
            };
            assert!(
                m < b && build[m..b].iter().any(|i| i.kind == Kind::Run),
                "{name}: the install does not sit between the manifests and the sources:\n{}",
                out.text
            );
        }
        // Nothing new, and a second run changes nothing (it sees the created .dockerignore).
        let new = added(&before, &out.remaining);
        assert!(new.is_empty(), "{name}: the fix added {new:#?}");
        let after = WithCreatedFiles {
            base: Some(&a.ctx as &dyn BuildContext),
            files: &out.created_files,
        };
        let again = fix(&out.text, &settings, Some(&after), FixMode::Unsafe);
        assert!(
            !again.changed(),
            "{name}: a second run applied {:?}",
            again.applied
        );
        assert!(
            out.remaining.iter().all(|d| category(d) != Category::Size),
            "{name}: {:#?}",
            out.remaining
        );
    }
}

#[test]
fn safe_mode_only_moves_metadata() {
    let a = app("maven");
    let out = fix(&a.text, &everything(), Some(&a.ctx), FixMode::Safe);
    let names: Vec<&str> = out.applied.iter().map(|f| f.name).collect();
    assert_eq!(names, ["metadata-after-volatile"]);
    // Off by default, so a plain `--fix` changes nothing here.
    let plain = fix(&a.text, &Settings::default(), Some(&a.ctx), FixMode::Safe);
    assert!(!plain.changed(), "{:?}", plain.applied);
    assert_eq!(Document::parse(&out.text).stages().len(), 1);
}

#[test]
fn an_app_in_good_order_gets_no_optimizer_finding() {
    let a = app("good-node");
    let diags = lint(
        &Document::parse(&a.text),
        &Settings::default(),
        Some(&a.ctx),
    );
    let optimizer: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| {
            matches!(
                category(d),
                Category::Cache | Category::Size | Category::Entrypoint
            )
        })
        .collect();
    assert!(optimizer.is_empty(), "{optimizer:#?}");
}

#[test]
fn without_the_context_the_fix_uses_globs_or_is_refused() {
    // Node: a glob that always matches package.json; Rust: the binary's name is in Cargo.toml, so no rewrite.
    let node = app("node");
    let out = fix(&node.text, &Settings::default(), None, FixMode::Unsafe);
    assert!(out.text.contains("COPY package*.json ./\n"), "{}", out.text);
    let rust = app("rust");
    let diags = lint(&Document::parse(&rust.text), &Settings::default(), None);
    let size = diags
        .iter()
        .find(|d| d.name == "toolchain-in-final-image")
        .unwrap();
    assert!(
        size.fix.is_none() && size.message.contains("Cargo.toml"),
        "{}",
        size.message
    );
    let dotnet = app("dotnet");
    let diags = lint(&Document::parse(&dotnet.text), &Settings::default(), None);
    let cache = diags
        .iter()
        .find(|d| d.name == "source-copy-before-install")
        .unwrap();
    assert!(
        cache.fix.is_none() && cache.message.contains("build context is needed"),
        "{}",
        cache.message
    );
}
