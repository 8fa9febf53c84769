//! BuildKit's `check` directive through the real binary: `skip=<names>`, `skip=all`, `error=true` and
//! `experimental=<names>|all`, at the top of the file and directly above an instruction, mapped to dflint's rules
//! through their BuildKit peers.
mod cli_support;

use cli_support::Project;

/// (rule name, severity) of each finding of `dflint check --format json` on one Dockerfile.
fn findings(src: &str, extra: &[&str]) -> (Vec<(String, String)>, i32) {
    let p = Project::new();
    p.file("Dockerfile", src);
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    args.push("Dockerfile");
    let run = p.run(&args);
    let found = run
        .json()
        .as_array()
        .expect("an array")
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (found, run.code)
}

fn names(src: &str) -> Vec<String> {
    findings(src, &[]).0.into_iter().map(|(n, _)| n).collect()
}

/// Two BuildKit checks (FromAsCasing, StageNameCasing) and one dflint rule with no BuildKit peer (latest-tag).
const BODY: &str = "FROM alpine:latest as Build\nRUN true\n";

#[test]
fn without_a_directive_every_check_runs() {
    let n = names(BODY);
    for rule in ["from-as-casing", "stage-name-casing", "latest-tag"] {
        assert!(n.iter().any(|x| x == rule), "{rule} missing: {n:?}");
    }
}

#[test]
fn skip_names_buildkit_checks() {
    let n = names(&format!("# check=skip=StageNameCasing\n{BODY}"));
    assert!(!n.iter().any(|x| x == "stage-name-casing"), "{n:?}");
    assert!(n.iter().any(|x| x == "from-as-casing"), "{n:?}");
    let n = names(&format!(
        "# check=skip=StageNameCasing, FromAsCasing\n{BODY}"
    ));
    assert!(
        !n.iter()
            .any(|x| x == "stage-name-casing" || x == "from-as-casing"),
        "{n:?}"
    );
    // BuildKit's names are case-sensitive.
    let n = names(&format!("# check=skip=stagenamecasing\n{BODY}"));
    assert!(n.iter().any(|x| x == "stage-name-casing"), "{n:?}");
}

#[test]
fn skip_all_leaves_only_rules_buildkit_does_not_have() {
    let n = names(&format!("# check=skip=all\n{BODY}"));
    assert_eq!(n, ["latest-tag"]);
    // `all` among other names is no rule at all.
    let n = names(&format!("# check=skip=all,FromAsCasing\n{BODY}"));
    assert!(n.iter().any(|x| x == "stage-name-casing"), "{n:?}");
}

#[test]
fn error_true_makes_buildkit_checks_errors() {
    let src = "# check=error=true\nFROM alpine:3.20 as build\n";
    let (f, code) = findings(src, &["--severity-threshold", "error"]);
    assert_eq!(f, [("from-as-casing".to_string(), "error".to_string())]);
    assert_ne!(code, 0, "an error fails the run");
    let (f, code) = findings(
        "FROM alpine:3.20 as build\n",
        &["--severity-threshold", "error"],
    );
    assert_eq!(f, [("from-as-casing".to_string(), "warning".to_string())]);
    assert_eq!(code, 0, "a warning under an error threshold passes");
    // Only findings of BuildKit's checks become errors.
    let (f, _) = findings("# check=error=true\nFROM alpine:latest\n", &[]);
    assert_eq!(f, [("latest-tag".to_string(), "warning".to_string())]);
}

#[test]
fn experimental_checks_run_only_when_asked_for() {
    let body = "# not a description\nARG VERSION=1\nFROM alpine:3.20\n";
    assert!(!names(body)
        .iter()
        .any(|x| x == "invalid-definition-description"));
    for directive in [
        "# check=experimental=InvalidDefinitionDescription\n",
        "# check=experimental=all\n",
        // `skip=all` does not stop an experimental check that is asked for.
        "# check=skip=all;experimental=InvalidDefinitionDescription\n",
    ] {
        let n = names(&format!("{directive}{body}"));
        assert!(
            n.iter().any(|x| x == "invalid-definition-description"),
            "{directive}: {n:?}"
        );
    }
    // Skipping an experimental check that is not asked for changes nothing.
    let n = names(&format!(
        "# check=skip=InvalidDefinitionDescription\n{body}"
    ));
    assert!(
        !n.iter().any(|x| x == "invalid-definition-description"),
        "{n:?}"
    );
}

#[test]
fn a_check_comment_above_an_instruction_applies_to_it() {
    let src = "FROM alpine:3.20 as one\n# check=skip=FromAsCasing\nFROM alpine:3.20 as two\nFROM alpine:3.20 as three\n";
    let p = Project::new();
    p.file("Dockerfile", src);
    let run = p.run(&[
        "check",
        "--format",
        "json",
        "--select",
        "FromAsCasing",
        "Dockerfile",
    ]);
    let lines: Vec<u64> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(
        lines,
        [1, 4],
        "the FROM on line 3 is skipped, the others are not"
    );
}

#[test]
fn an_unreadable_directive_skips_nothing() {
    // BuildKit refuses to build with it ("failed to parse check options"): nothing is skipped.
    let n = names(&format!("# check=skip=StageNameCasing;bogus\n{BODY}"));
    assert!(n.iter().any(|x| x == "stage-name-casing"), "{n:?}");
}
