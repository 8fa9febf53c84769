//! `dflint rules` and `dflint rule`: the rule list (text and JSON) and one rule's page.
#[path = "cli_support/mod.rs"]
mod support;

use support::Project;

#[test]
fn rules_lists_every_rule_in_text_and_json() {
    let p = Project::new();
    let json = p.run(&["rules", "--format", "json"]);
    json.expect_code(0);
    let list = json.json();
    let list = list.as_array().unwrap();
    assert!(list.len() >= 5, "{list:?}");
    let codes: Vec<&str> = list.iter().map(|r| r["code"].as_str().unwrap()).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(codes, sorted, "by code, no duplicates");
    for rule in list {
        let code = rule["code"].as_str().unwrap();
        assert!(code.starts_with("DF") && code.len() == 5, "{code}");
        assert!(["error", "warning", "info", "style"].contains(&rule["severity"].as_str().unwrap()));
        assert!(["none", "sometimes", "always"].contains(&rule["fix"].as_str().unwrap()));
        assert!(!rule["name"].as_str().unwrap().is_empty());
        assert!(!rule["category"].as_str().unwrap().is_empty());
        assert!(!rule["summary"].as_str().unwrap().is_empty());
        assert!(rule["default_enabled"].is_boolean());
        assert!(rule["peers"].is_array());
    }
    let latest = list.iter().find(|r| r["code"] == "DF301").unwrap();
    assert_eq!(latest["name"], "latest-tag");
    assert_eq!(latest["peers"][0]["code"], "DL3007");

    let text = p.run(&["rules"]);
    text.expect_code(0);
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert!(lines[0].starts_with("CODE"), "{}", lines[0]);
    assert_eq!(lines.len(), list.len() + 1);
    for (line, rule) in lines[1..].iter().zip(list) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[0], rule["code"]);
        assert_eq!(words[1], rule["name"]);
        assert_eq!(words[2], rule["category"]);
        assert_eq!(words[3], rule["severity"]);
        assert_eq!(words[4], rule["fix"]);
    }
}

#[test]
fn rule_prints_its_page_by_code_name_or_peer() {
    let p = Project::new();
    let by_code = p.run(&["rule", "DF301"]);
    by_code.expect_code(0);
    assert!(
        by_code.stdout.starts_with("# latest-tag (DF301)\n"),
        "{}",
        by_code.stdout
    );
    assert!(
        by_code.stdout.contains("## Why is this bad?"),
        "{}",
        by_code.stdout
    );
    assert!(
        by_code.stdout.contains("```dockerfile"),
        "{}",
        by_code.stdout
    );
    assert_eq!(p.run(&["rule", "latest-tag"]).stdout, by_code.stdout);
    assert_eq!(p.run(&["rule", "DL3007"]).stdout, by_code.stdout);
    assert_eq!(p.run(&["rule", "df301"]).stdout, by_code.stdout);
    let unknown = p.run(&["rule", "latest"]);
    unknown.expect_code(2);
    assert!(
        unknown.stderr.contains("no rule `latest`"),
        "{}",
        unknown.stderr
    );
    assert!(
        unknown.stderr.contains("latest-tag"),
        "a suggestion: {}",
        unknown.stderr
    );
    p.run(&["rule"]).expect_code(2);
}
