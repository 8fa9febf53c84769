//! The rule pages in `rules/docs/` are generated from the rules' doc comments; this test regenerates them and fails
//! when the committed pages differ. Run with `DFLINT_UPDATE_DOCS=1` to rewrite them.
use std::collections::BTreeMap;
use std::path::PathBuf;

use dflint_rules::engine::docs::{render_hadolint, render_index, render_page, sections};
use dflint_rules::engine::{all_rules, Applicability, FixAvailability};

fn docs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs")
}

#[test]
fn rule_pages_are_up_to_date() {
    let mut expected: BTreeMap<String, String> = BTreeMap::new();
    for rule in all_rules() {
        expected.insert(format!("{}.md", rule.name), render_page(rule));
    }
    expected.insert("README.md".into(), render_index(all_rules()));
    expected.insert("hadolint.md".into(), render_hadolint(all_rules()));

    let dir = docs_dir();
    let update = std::env::var_os("DFLINT_UPDATE_DOCS").is_some_and(|v| v != "0");
    let existing: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".md"))
                .collect()
        })
        .unwrap_or_default();
    if update {
        std::fs::create_dir_all(&dir).unwrap();
        for name in existing.iter().filter(|n| !expected.contains_key(*n)) {
            std::fs::remove_file(dir.join(name)).unwrap();
        }
        for (name, text) in &expected {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    let mut problems = Vec::new();
    for (name, text) in &expected {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(on_disk) if on_disk == *text => {}
            Ok(_) => problems.push(format!("{name} is out of date")),
            Err(_) => problems.push(format!("{name} is missing")),
        }
    }
    for name in existing.iter().filter(|n| !expected.contains_key(*n)) {
        problems.push(format!("{name} belongs to no rule"));
    }
    assert!(
        problems.is_empty(),
        "rules/docs differs from the rules' doc comments:\n  {}\nRun `DFLINT_UPDATE_DOCS=1 cargo test -p dflint_rules --test docs` and commit the result.",
        problems.join("\n  ")
    );
}

#[test]
fn every_rule_documents_what_the_house_style_asks() {
    for rule in all_rules() {
        let doc = rule.doc();
        let (summary, secs) = sections(&doc);
        let titles: Vec<&str> = secs.iter().map(|s| s.title.as_str()).collect();
        assert!(
            summary.ends_with('.'),
            "{}: summary line `{summary}` is a sentence",
            rule.name
        );
        for required in ["Why is this bad?", "Example", "Use instead", "References"] {
            assert!(
                titles.contains(&required),
                "{}: no `## {required}` section",
                rule.name
            );
        }
        if rule.fix != FixAvailability::None {
            assert!(
                titles.contains(&"Fix safety"),
                "{}: has a fix but no `## Fix safety`",
                rule.name
            );
        }
        if !rule.options.is_empty() {
            let options = secs.iter().find(|s| s.title == "Options");
            let options =
                options.unwrap_or_else(|| panic!("{}: options but no `## Options`", rule.name));
            for o in rule.options {
                assert!(
                    options.body.contains(o.name),
                    "{}: option `{}` undocumented",
                    rule.name,
                    o.name
                );
            }
        }
        for peer in rule.peers {
            let refs = &secs.iter().find(|s| s.title == "References").unwrap().body;
            assert!(
                refs.contains(peer.code()),
                "{}: references do not cite `{}`",
                rule.name,
                peer.code()
            );
        }
    }
}

#[test]
fn codes_names_and_bands_are_consistent() {
    let rules = all_rules();
    for (i, r) in rules.iter().enumerate() {
        assert!(
            r.code.len() == 5
                && r.code.starts_with("DF")
                && r.code[2..].bytes().all(|b| b.is_ascii_digit()),
            "{}: code `{}` is `DF` + 3 digits",
            r.name,
            r.code
        );
        assert!(
            r.category.band().contains(&r.number()),
            "{}: {} is outside the {} band",
            r.name,
            r.code,
            r.category
        );
        assert!(
            !r.name.is_empty()
                && r.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !r.name.starts_with('-')
                && !r.name.ends_with('-')
                && !r.name.contains("--"),
            "`{}` is kebab-case",
            r.name
        );
        for other in &rules[i + 1..] {
            assert_ne!(r.code, other.code, "duplicate code");
            assert_ne!(r.name, other.name, "duplicate name");
            // BuildKit's MultipleInstructionsDisallowed is one check over CMD, ENTRYPOINT and HEALTHCHECK, which
            // are three rules here (as in hadolint): the only peer check several rules share.
            for p in r
                .peers
                .iter()
                .filter(|p| p.code() != "MultipleInstructionsDisallowed")
            {
                assert!(
                    !other.peers.contains(p),
                    "{} and {} both claim {}",
                    r.name,
                    other.name,
                    p.code()
                );
            }
        }
    }
    let codes: Vec<&str> = rules.iter().map(|r| r.code).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    assert_eq!(codes, sorted, "the registry lists rules by code");
    // `Applicability` ordering is what `FixMode::allows` relies on.
    assert!(
        Applicability::Safe > Applicability::Unsafe
            && Applicability::Unsafe > Applicability::DisplayOnly
    );
}

/// Every hadolint DL code a rule declares is one hadolint has, so the page lists it (ShellCheck's SC codes, which
/// hadolint's pragmas also name, are ShellCheck's).
#[test]
fn declared_hadolint_codes_are_hadolints() {
    for rule in all_rules() {
        for code in rule.hadolint_codes().filter(|c| !c.starts_with("SC")) {
            assert!(
                dflint_rules::knowledge::HADOLINT_RULES
                    .iter()
                    .any(|h| h.code == code),
                "{}: `{code}` is no hadolint 2.15.1 rule",
                rule.name
            );
        }
    }
}

/// BuildKit's build checks (docs.docker.com/reference/build-checks, BuildKit 0.16 and later: 22 of them).
const BUILDKIT_CHECKS: &[&str] = &[
    "ConsistentInstructionCasing",
    "CopyIgnoredFile",
    "DuplicateStageName",
    "ExposeInvalidFormat",
    "ExposeProtoCasing",
    "FromAsCasing",
    "FromPlatformFlagConstDisallowed",
    "InvalidBaseImagePlatform",
    "InvalidDefaultArgInFrom",
    "InvalidDefinitionDescription",
    "JSONArgsRecommended",
    "LegacyKeyValueFormat",
    "MaintainerDeprecated",
    "MultipleInstructionsDisallowed",
    "NoEmptyContinuation",
    "RedundantTargetPlatform",
    "ReservedStageName",
    "SecretsUsedInArgOrEnv",
    "StageNameCasing",
    "UndefinedArgInFrom",
    "UndefinedVar",
    "WorkdirRelativePath",
];

/// Every hadolint DL rule and every BuildKit check has a rule that declares it, or a documented absence; and every
/// BuildKit name a rule declares is one of BuildKit's checks.
#[test]
fn every_peer_check_has_an_equivalent_or_a_reason() {
    use dflint_rules::engine::{absence, rules_for_peer};
    let codes = dflint_rules::knowledge::HADOLINT_RULES
        .iter()
        .map(|h| h.code)
        .chain(BUILDKIT_CHECKS.iter().copied());
    for code in codes {
        assert!(
            !rules_for_peer(code).is_empty() || absence(code).is_some(),
            "`{code}`: no rule declares it and no absence explains it"
        );
    }
    for rule in all_rules() {
        for name in rule.buildkit_names() {
            assert!(
                BUILDKIT_CHECKS.contains(&name),
                "{}: `{name}` is no BuildKit check",
                rule.name
            );
        }
    }
    // BuildKit's MultipleInstructionsDisallowed covers CMD, ENTRYPOINT and HEALTHCHECK.
    assert_eq!(rules_for_peer("MultipleInstructionsDisallowed").len(), 3);
}
