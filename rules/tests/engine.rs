//! The engine's public surface as the CLI and the language server use it: settings, selection, suppressions,
//! `lint`, `fix`, `apply_fix`.
use dflint_rules::engine::{
    all_rules, apply_fix, fix, lint, resolve_rule, resolve_selector, FixMode, MemoryBuildContext,
    OptValue, RuleOptions, Settings, Severity,
};
use dflint_rules::syntax::Document;

fn codes(src: &str, settings: &Settings) -> Vec<&'static str> {
    lint(&Document::parse(src), settings, None)
        .into_iter()
        .map(|d| d.code)
        .collect()
}

fn enabled(settings: &Settings) -> Vec<&'static str> {
    settings.enabled_rules().iter().map(|r| r.code).collect()
}

#[test]
fn rules_resolve_by_code_name_and_peer_code() {
    assert_eq!(resolve_rule("DF502").unwrap().name, "from-as-casing");
    assert_eq!(resolve_rule("df502").unwrap().name, "from-as-casing");
    assert_eq!(resolve_rule("from-as-casing").unwrap().code, "DF502");
    assert_eq!(resolve_rule("FromAsCasing").unwrap().code, "DF502");
    assert_eq!(resolve_rule("DL3006").unwrap().name, "untagged-image");
    assert_eq!(
        resolve_rule("DL4000").unwrap().name,
        "maintainer-deprecated"
    );
    assert_eq!(
        resolve_rule("MaintainerDeprecated").unwrap().name,
        "maintainer-deprecated"
    );
    assert!(resolve_rule("DF5").is_none(), "a prefix is not one rule");
    assert!(resolve_rule("nope").is_none());
    assert!(all_rules().len() >= 14);
}

#[test]
fn selectors_resolve_to_sets_of_rules() {
    let names = |s: &str| -> Option<Vec<&str>> {
        resolve_selector(s).map(|v| v.iter().map(|r| r.name).collect())
    };
    assert_eq!(
        names("DF30").unwrap(),
        [
            "latest-tag",
            "untagged-image",
            "unpinned-apt-package",
            "unpinned-apk-package",
            "unpinned-pip-package",
            "unpinned-npm-package",
            "unpinned-gem",
            "unpinned-yum-package",
            "unpinned-zypper-package"
        ]
    );
    assert_eq!(
        names("meta").unwrap(),
        ["syntax-error", "unused-suppression", "too-deeply-nested"]
    );
    assert_eq!(names("ALL").unwrap().len(), all_rules().len());
    assert_eq!(names("DL3007").unwrap(), ["latest-tag"]);
    assert_eq!(
        names("DF8"),
        Some(vec![]),
        "a well-formed prefix with no rules yet is not a typo"
    );
    assert_eq!(names("DF1234"), None);
    assert_eq!(names("untagged"), None);
}

#[test]
fn selection_prefers_the_more_specific_selector() {
    let s = Settings::select(["DF3"]);
    assert_eq!(
        enabled(&s),
        [
            "DF301", "DF302", "DF303", "DF304", "DF305", "DF306", "DF307", "DF308", "DF309",
            "DF310", "DF311", "DF312"
        ]
    );
    let s = Settings {
        select: Some(vec!["DF3".into()]),
        ignore: vec!["DL3007".into()],
        ..Settings::default()
    };
    assert_eq!(
        enabled(&s),
        [
            "DF302", "DF303", "DF304", "DF305", "DF306", "DF307", "DF308", "DF309", "DF310",
            "DF311", "DF312"
        ]
    );
    let s = Settings {
        select: Some(vec!["untagged-image".into()]),
        ignore: vec!["reproducibility".into()],
        ..Settings::default()
    };
    assert_eq!(enabled(&s), ["DF302"], "a name beats a category");
    let s = Settings {
        select: Some(vec!["ALL".into()]),
        ignore: vec!["ALL".into()],
        extend_select: vec!["DF101".into()],
        ..Settings::default()
    };
    assert_eq!(enabled(&s), ["DF101"]);
    let s = Settings {
        ignore: vec![
            "style".into(),
            "meta".into(),
            "cache".into(),
            "size".into(),
            "entrypoint".into(),
            "shell".into(),
        ],
        ..Settings::default()
    };
    assert_eq!(
        enabled(&s),
        [
            "DF101", "DF102", "DF103", "DF104", "DF105", "DF106", "DF107", "DF108", "DF109",
            "DF110", "DF111", "DF112", "DF113", "DF114", "DF115", "DF130", "DF131", "DF132",
            "DF133", "DF134", "DF141", "DF150", "DF151", "DF152", "DF201", "DF202", "DF210",
            "DF211", "DF301", "DF302", "DF305", "DF306", "DF307", "DF311"
        ]
    );
}

#[test]
fn severity_overrides_and_options() {
    let mut s = Settings {
        severity: vec![
            ("style".into(), Severity::Info),
            ("DF502".into(), Severity::Error),
            ("style".into(), Severity::Style),
        ],
        ..Settings::default()
    };
    let d = lint(&Document::parse("FROM a:1 as b\nrun x\n"), &s, None);
    let sev: Vec<(&str, Severity)> = d.iter().map(|d| (d.code, d.severity)).collect();
    assert_eq!(
        sev,
        [("DF502", Severity::Error), ("DF501", Severity::Style)]
    );
    assert!(s.validate().is_empty());
    s.ignore.push("DF5O1".into());
    s.options.push((
        "DL3006".into(),
        RuleOptions::new().with("x", OptValue::Bool(true)),
    ));
    s.options.push(("style".into(), RuleOptions::new()));
    let errors: Vec<String> = s.validate().into_iter().map(|e| e.message).collect();
    assert_eq!(
        errors,
        [
            "unknown rule or selector `DF5O1`",
            "`untagged-image` has no option `x`",
            "options for `style`, which names no single rule",
        ]
    );
}

#[test]
fn diagnostics_are_sorted_and_complete() {
    let src = "from alpine AS b\nRUN x\nRUN y\nWORKDIR app\n";
    let d = lint(&Document::parse(src), &Settings::default(), None);
    let got: Vec<(&str, &str)> = d.iter().map(|d| (d.code, &src[d.range.clone()])).collect();
    assert_eq!(
        got,
        [
            ("DF501", "from"),
            ("DF302", "alpine"),
            ("DF502", "AS"),
            ("DF103", "app"),
        ]
    );
    for x in &d {
        // A link only when the package metadata names the project's home; the offline page always.
        match dflint_rules::engine::REPOSITORY {
            Some(_) => assert!(x
                .docs_url()
                .unwrap()
                .ends_with(&format!("/rules/docs/{}.md", x.name))),
            None => assert_eq!(x.docs_url(), None),
        }
    }
}

#[test]
fn line_suppressions_cover_the_instruction_below() {
    let s = Settings::default();
    assert_eq!(
        codes("# dflint ignore=DF302\nFROM a\n", &s),
        Vec::<&str>::new()
    );
    assert_eq!(
        codes("# dflint ignore=untagged-image\nFROM a\n", &s),
        Vec::<&str>::new()
    );
    assert_eq!(
        codes("# dflint ignore=DL3006\nFROM a\n", &s),
        Vec::<&str>::new()
    );
    assert_eq!(
        codes("# dflint ignore=reproducibility\nFROM a\n", &s),
        Vec::<&str>::new()
    );
    assert_eq!(
        codes("# hadolint ignore=DL3006\nFROM a\n", &s),
        Vec::<&str>::new()
    );
    assert_eq!(
        codes("# dflint ignore=DF302\n# another comment\nFROM a\n", &s),
        Vec::<&str>::new()
    );
    // Only the instruction right below.
    assert_eq!(
        codes("# hadolint ignore=DL3006\nFROM a\nFROM b\n", &s),
        ["DF302"]
    );
    // Not across a blank line (and the dflint one is then unused).
    assert_eq!(codes("# hadolint ignore=DL3006\n\nFROM a\n", &s), ["DF302"]);
    // Other rules on the same instruction still report.
    assert_eq!(
        codes("# dflint ignore=DF302\nFROM a as b\nRUN x\n", &s),
        ["DF502"]
    );
}

#[test]
fn file_suppressions_cover_everything() {
    let s = Settings::default();
    let src = "FROM a\nFROM b\n# dflint ignore-file=DF302\n";
    assert!(codes(src, &s).is_empty());
    assert!(codes("# hadolint global ignore=DL3006\nFROM a\nFROM b\n", &s).is_empty());
    assert!(codes(
        "# check=skip=FromAsCasing\nFROM a:1 as b\nFROM b:1 as c\n",
        &s
    )
    .is_empty());
    assert!(codes("# check=skip=all\nFROM a:1 as b\nENV x y\n", &s).is_empty());
    // `skip=all` covers only the rules with a BuildKit equivalent.
    assert_eq!(codes("# check=skip=all\nFROM a\n", &s), ["DF302"]);
    assert_eq!(
        codes(
            "# check=error=true;skip=LegacyKeyValueFormat\nFROM a:1 as b\nENV x y\n",
            &s
        ),
        ["DF502"]
    );
    // Not a directive below the first instruction: an ordinary comment.
    assert_eq!(codes("FROM a:1 as b\n# check=skip=all\n", &s), ["DF502"]);
}

#[test]
fn suppressions_can_be_disabled() {
    let s = Settings {
        disable_suppressions: true,
        ..Settings::default()
    };
    assert_eq!(codes("# dflint ignore=DF302\nFROM a\n", &s), ["DF302"]);
    assert_eq!(
        codes("# dflint ignore=DF301\nFROM a:1\n", &s),
        Vec::<&str>::new(),
        "and not reported unused"
    );
}

#[test]
fn fix_keeps_crlf_and_bom_and_reports_what_it_did() {
    let src =
        "\u{feff}from a:1 As b\r\nRUN x\r\nrun y \\\r\n\r\n  z\r\nENV k v w\r\nMAINTAINER me\r\n";
    let out = fix(src, &Settings::default(), None, FixMode::Safe);
    assert_eq!(
        out.text,
        "\u{feff}FROM a:1 AS b\r\nRUN x\r\nRUN y \\\r\n  z\r\nENV k=\"v w\"\r\nMAINTAINER me\r\n"
    );
    // `As` first follows `from`, then `FROM` once instruction-casing has run: two rounds, one result.
    let mut applied: Vec<&str> = out.applied.iter().map(|a| a.name).collect();
    applied.sort_unstable();
    assert_eq!(
        applied,
        [
            "empty-continuation-line",
            "from-as-casing",
            "from-as-casing",
            "instruction-casing",
            "instruction-casing",
            "legacy-key-value-format",
        ]
    );
    let remaining: Vec<&str> = out.remaining.iter().map(|d| d.name).collect();
    assert_eq!(remaining, ["maintainer-deprecated"]);
    assert!(out.non_converged.is_empty() && out.refused.is_none());

    let out = fix(src, &Settings::default(), None, FixMode::Unsafe);
    assert!(
        out.text
            .ends_with("LABEL org.opencontainers.image.authors=\"me\"\r\n"),
        "{:?}",
        out.text
    );
    assert!(out.remaining.is_empty(), "{:?}", out.remaining);
    let with_ctx = MemoryBuildContext::new().with_file("a.txt", "");
    let again = fix(
        &out.text,
        &Settings::default(),
        Some(&with_ctx),
        FixMode::Unsafe,
    );
    assert!(!again.changed());
}

#[test]
fn settings_decide_the_fix_mode() {
    let s = Settings {
        unsafe_fixes: true,
        ..Settings::default()
    };
    assert_eq!(s.fix_mode(), FixMode::Unsafe);
    assert_eq!(Settings::default().fix_mode(), FixMode::Safe);
}

#[test]
fn one_quick_fix_applies_alone() {
    let src = "FROM a:1 as b\nrun x\n";
    let d = lint(&Document::parse(src), &Settings::default(), None);
    let casing = d.iter().find(|d| d.name == "instruction-casing").unwrap();
    assert_eq!(
        apply_fix(src, casing.fix.as_ref().unwrap()),
        "FROM a:1 as b\nRUN x\n"
    );
}

#[test]
fn an_editor_can_add_a_suppression_comment() {
    use dflint_rules::engine::suppression_fix;
    let check = |src: &str, expected: Option<&str>| {
        let doc = Document::parse(src);
        let d = lint(&doc, &Settings::default(), None);
        let target = d.iter().find(|d| d.name == "untagged-image").unwrap();
        let fixed = suppression_fix(&doc, target).map(|f| apply_fix(src, &f));
        assert_eq!(fixed.as_deref(), expected, "{src:?}");
        if let Some(fixed) = fixed {
            let after = codes(&fixed, &Settings::default());
            assert!(!after.contains(&"DF302"), "{fixed:?}: {after:?}");
        }
    };
    check("FROM a\n", Some("# dflint ignore=untagged-image\nFROM a\n"));
    check(
        "\u{feff}FROM a\r\n",
        Some("\u{feff}# dflint ignore=untagged-image\r\nFROM a\r\n"),
    );
    check(
        "FROM b:1\n  # dflint ignore=DF502 why\n  FROM a as x\n",
        Some("FROM b:1\n  # dflint ignore=DF502,untagged-image why\n  FROM a as x\n"),
    );
    check(
        "FROM b:1\n  # note\n  FROM a\n",
        Some("FROM b:1\n  # note\n  # dflint ignore=untagged-image\n  FROM a\n"),
    );
}

#[test]
fn fixes_are_withheld_while_the_file_has_syntax_errors_for_rules_that_ask() {
    let flagged = resolve_rule("metadata-after-volatile").unwrap();
    let plain = resolve_rule("from-as-casing").unwrap();
    assert!(flagged.withhold_fixes_on_syntax_errors);
    assert!(!plain.withhold_fixes_on_syntax_errors);
    let settings = Settings::select([flagged.code, plain.code]);
    let clean = "FROM node:20-slim as base\nWORKDIR /app\nCOPY app.js .\nEXPOSE 8080\n";
    let broken = format!("{clean}ENV a\n");
    assert!(!Document::parse(clean).has_syntax_errors());
    assert!(Document::parse(&broken).has_syntax_errors());
    let finding = |src: &str, code: &str| {
        let d = lint(&Document::parse(src), &settings, None);
        d.into_iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("no {code} on {src:?}"))
    };
    const WITHHELD: &str = " (no fix while the file has syntax errors)";

    // A clean file: both findings keep their fix.
    let d = finding(clean, flagged.code);
    assert!(d.fix.is_some() && !d.message.ends_with(WITHHELD), "{d:#?}");
    let p = finding(clean, plain.code);
    assert!(p.fix.is_some() && !p.message.ends_with(WITHHELD), "{p:#?}");

    // A syntax error: the flagged rule's finding stays, without its fix and saying why; the other rule's keeps it.
    let withheld = finding(&broken, flagged.code);
    assert!(withheld.fix.is_none(), "{withheld:#?}");
    assert_eq!(withheld.message, format!("{}{WITHHELD}", d.message));
    assert_eq!(withheld.range, d.range);
    let kept = finding(&broken, plain.code);
    assert!(kept.fix.is_some(), "{kept:#?}");
    assert_eq!(kept.message, p.message);
}

#[test]
fn the_remembered_selection_follows_every_change_of_the_lists() {
    // One thread asks for one selection, then others, then the first again: each answer is its own.
    let default = enabled(&Settings::default());
    let only = Settings::select(["DF502"]);
    assert_eq!(enabled(&only), ["DF502"]);
    let mut extended = only.clone();
    extended.extend_select.push("DF501".into());
    assert_eq!(enabled(&extended), ["DF501", "DF502"]);
    let mut ignored = extended.clone();
    ignored.ignore.push("DF501".into());
    assert_eq!(enabled(&ignored), ["DF502"]);
    let mut emptied = Settings::default();
    emptied.select = Some(Vec::new());
    assert!(enabled(&emptied).is_empty());
    assert_eq!(enabled(&Settings::default()), default);
    assert!(default.contains(&"DF502") && default.len() > 2);
    assert_eq!(enabled(&only), ["DF502"]);
}
