//! Every rule's documented examples run as tests: an `## Example` block fires the rule, a `## Use instead` block does
//! not, and a ```` ```dockerfile fixed ```` block is what the fixer makes of the example before it.
use dflint_rules::engine::docs::{examples, ExampleKind};
use dflint_rules::engine::{all_rules, fix, lint, FixAvailability, FixMode, Settings};
use dflint_rules::syntax::Document;

#[test]
fn documented_examples_behave_as_documented() {
    let mut failures = Vec::new();
    let mut counts = (0, 0, 0);
    for rule in all_rules() {
        let doc = rule.doc();
        let ex = examples(&doc);
        // The default rule set plus this rule: rules that need company (unused-suppression) see it,
        // and a `fixed` block shows that the example is otherwise clean.
        let settings = Settings {
            extend_select: vec![rule.code.to_string()],
            ..Settings::default()
        };
        let fires = |src: &str| {
            lint(&Document::parse(src), &settings, None)
                .into_iter()
                .filter(|d| d.code == rule.code)
                .count()
        };
        let mut previous_fires: Option<&str> = None;
        for e in &ex {
            let at = format!("{} (doc line {})", rule.name, e.line);
            match e.kind {
                ExampleKind::Fires => {
                    counts.0 += 1;
                    if fires(&e.code) == 0 {
                        failures.push(format!("{at}: the example does not fire"));
                    }
                    previous_fires = Some(&e.code);
                }
                ExampleKind::Clean => {
                    counts.1 += 1;
                    if fires(&e.code) != 0 {
                        failures.push(format!("{at}: the `Use instead` example fires"));
                    }
                }
                ExampleKind::Fixed => {
                    counts.2 += 1;
                    let Some(src) = previous_fires else {
                        failures.push(format!("{at}: a `fixed` block with no example before it"));
                        continue;
                    };
                    let out = fix(src, &settings, None, FixMode::Unsafe);
                    if out.text != e.code {
                        failures.push(format!(
                            "{at}: the fixer gives\n{}\ninstead of\n{}",
                            out.text, e.code
                        ));
                    }
                    if fires(&out.text) != 0 {
                        failures.push(format!("{at}: the fixed example still fires"));
                    }
                }
            }
        }
        let kinds: Vec<ExampleKind> = ex.iter().map(|e| e.kind).collect();
        if !kinds.contains(&ExampleKind::Fires) || !kinds.contains(&ExampleKind::Clean) {
            failures.push(format!(
                "{}: needs an `## Example` and a `## Use instead` block",
                rule.name
            ));
        }
        if rule.fix != FixAvailability::None && !kinds.contains(&ExampleKind::Fixed) {
            failures.push(format!(
                "{}: has a fix but no ```dockerfile fixed example",
                rule.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let checked = all_rules().len();
    assert!(counts.0 >= checked && counts.1 >= checked, "{counts:?}");
}
