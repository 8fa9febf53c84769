//! The optimizer's rewrites read by BuildKit's own parser (the `dockerfile` package): every app under
//! `rules/tests/fixtures/optimizer`, fixed with unsafe fixes and its folder as build context, and the CMD/ENTRYPOINT
//! rewrites of shell forms whose first words BuildKit would take for flags (`CMD --listen :9090`). Each result must
//! parse, no CMD/ENTRYPOINT may carry instruction flags (they take none, and the build fails on one), and every
//! rewritten one must be a JSON array of exactly the intended words.
//!
//! Environment: `DFLINT_PYTHON` picks the interpreter with the `dockerfile` package (default `python3`).
mod oracle;

use std::path::{Path, PathBuf};

use dflint::context::DiskBuildContext;
use dflint_rules::engine::{fix, FixMode, Settings};
use oracle::{buildkit, python};
use serde_json::Value;

/// A folder of its own under the system's temporary folder.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "dflint-optimizer-oracle-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// BuildKit's reading of each text, written to `dir`.
fn read_all(dir: &Path, texts: &[(String, String)]) -> Vec<Value> {
    let mut names = Vec::new();
    for (name, text) in texts {
        std::fs::write(dir.join(name), text).unwrap();
        names.push(name.clone());
    }
    buildkit(&python(), dir, &names)
}

fn commands<'a>(v: &'a Value, cmd: &str) -> Vec<&'a Value> {
    v["instructions"]
        .as_array()
        .map(|a| a.iter().filter(|i| i["cmd"] == cmd).collect())
        .unwrap_or_default()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn fixed_apps_parse_with_buildkit_and_run_in_exec_form() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/tests/fixtures/optimizer");
    let mut apps: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("Dockerfile").is_file())
        .collect();
    apps.sort();
    assert!(apps.len() >= 10, "{apps:?}");
    let settings = Settings::default();
    let mut texts = Vec::new();
    for app in &apps {
        let name = app.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(app.join("Dockerfile")).unwrap();
        let ctx = DiskBuildContext::new(app);
        let out = fix(&text, &settings, Some(&ctx), FixMode::Unsafe);
        texts.push((format!("{name}.Dockerfile"), out.text));
    }
    // The book's ch04 lab as rewritten (snapshotted by rules/tests/optimizer_book.rs).
    let book = fixtures.join("book/ch04-lab.fixed.Dockerfile");
    texts.push((
        "ch04-lab.Dockerfile".into(),
        std::fs::read_to_string(book).unwrap(),
    ));
    let dir = scratch_dir("apps");
    for (value, (name, text)) in read_all(&dir, &texts).iter().zip(&texts) {
        assert_eq!(
            value["ok"], true,
            "{name}: BuildKit rejects the fix:\n{text}\n{value}"
        );
        for kind in ["cmd", "entrypoint"] {
            for c in commands(value, kind) {
                assert_eq!(c["flags"], serde_json::json!([]), "{name}: {c}\n{text}");
            }
        }
        // The final stage runs its program in exec form.
        let last_from = value["instructions"]
            .as_array()
            .unwrap()
            .iter()
            .rposition(|i| i["cmd"] == "from")
            .unwrap();
        for c in &value["instructions"].as_array().unwrap()[last_from..] {
            if c["cmd"] == "cmd" || c["cmd"] == "entrypoint" {
                assert_eq!(c["json"], true, "{name}: {c}\n{text}");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cmd_words_that_look_like_flags_become_an_exec_form_buildkit_reads_as_written() {
    let settings = Settings::default();
    let cases: &[(&str, Option<&[&str]>)] = &[
        (
            "CMD --listen :9090 --verbose",
            Some(&["--listen", ":9090", "--verbose"]),
        ),
        (
            "CMD --listen=:9090 --tls \"my cert.pem\"",
            Some(&["--listen=:9090", "--tls", "my cert.pem"]),
        ),
        ("CMD -- --listen :9090", Some(&["--listen", ":9090"])),
        ("CMD -p 8080 --verbose", Some(&["-p", "8080", "--verbose"])),
        // Variables: the shell expanded them, an exec form would not; left for a person.
        ("CMD --port=$PORT -v", None),
        ("CMD --listen :$PORT", None),
    ];
    let mut texts = Vec::new();
    for (i, (cmd, _)) in cases.iter().enumerate() {
        let src = format!("FROM alpine:3.22\nENTRYPOINT [\"/usr/local/bin/server\"]\n{cmd}\n");
        let out = fix(&src, &settings, None, FixMode::Unsafe);
        texts.push((format!("case{i}.Dockerfile"), out.text));
    }
    let dir = scratch_dir("cmd");
    for ((value, (_, text)), (cmd, want)) in read_all(&dir, &texts).iter().zip(&texts).zip(cases) {
        assert_eq!(value["ok"], true, "{cmd}: {value}");
        let c = commands(value, "cmd");
        let c = c.last().unwrap();
        match want {
            Some(words) => {
                assert_eq!(c["json"], true, "{cmd} → {text}");
                assert_eq!(c["flags"], serde_json::json!([]), "{cmd} → {text}");
                assert_eq!(strings(&c["value"]), *words, "{cmd} → {text}");
            }
            None => assert!(text.ends_with(&format!("{cmd}\n")), "{cmd} → {text}"),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
