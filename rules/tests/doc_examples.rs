//! Every rule's documented examples run as tests: an `## Example` block fires the rule, a `## Use instead` block does
//! not, and a ```` ```dockerfile fixed ```` block is what the fixer makes of the example before it.
//! A rule that needs the build context documents one in a `## Build context` section (a ```` ```text ```` block,
//! one path per line, or `path: content` for a file of one line); its examples run with those files as the context.
//! A rule whose examples need options documents them in a `## Configuration` section (a ```` ```toml ````
//! block as written in `.dflint.toml`); its examples run with those options.
use dflint_rules::engine::docs::{examples, sections, ExampleKind};
use dflint_rules::engine::{
    all_rules, fix, lint, BuildContext, FixAvailability, FixMode, MemoryBuildContext, OptValue,
    RuleOptions, Settings,
};
use dflint_rules::syntax::Document;

/// The files of a `## Build context` section.
fn build_context(doc: &str) -> Option<MemoryBuildContext> {
    let (_, secs) = sections(doc);
    let body = &secs.iter().find(|s| s.title == "Build context")?.body;
    let mut ctx = MemoryBuildContext::new();
    let mut in_block = false;
    for line in body.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_block && !line.trim().is_empty() {
            // `path: content` gives a file one line of content (`.dockerignore: tmp/*`).
            let (path, content) = match line.trim().split_once(": ") {
                Some((p, c)) => (p, format!("{c}\n")),
                None => (line.trim(), String::new()),
            };
            ctx = ctx.with_file(path, &content);
        }
    }
    Some(ctx)
}

/// The rule options of a `## Configuration` section's TOML block (`[rules.<name>]` tables).
fn configured_options(doc: &str) -> Vec<(String, RuleOptions)> {
    let (_, secs) = sections(doc);
    let Some(section) = secs.iter().find(|s| s.title == "Configuration") else {
        return Vec::new();
    };
    let block: String = section
        .body
        .lines()
        .skip_while(|l| l.trim() != "```toml")
        .skip(1)
        .take_while(|l| l.trim() != "```")
        .map(|l| format!("{l}\n"))
        .collect();
    let table: toml::Table = block
        .parse()
        .unwrap_or_else(|e| panic!("the Configuration block is not TOML: {e}\n{block}"));
    let Some(rules) = table.get("rules").and_then(|r| r.as_table()) else {
        return Vec::new();
    };
    rules
        .iter()
        .map(|(name, opts)| {
            let mut out = RuleOptions::new();
            for (key, value) in opts.as_table().expect("[rules.<name>] is a table") {
                let value = match value {
                    toml::Value::String(s) => OptValue::Str(s.clone()),
                    toml::Value::Boolean(b) => OptValue::Bool(*b),
                    toml::Value::Integer(i) => OptValue::Int(*i),
                    toml::Value::Array(a) => OptValue::List(
                        a.iter()
                            .map(|v| v.as_str().expect("a list of strings").to_string())
                            .collect(),
                    ),
                    other => panic!("unsupported option value {other}"),
                };
                out.insert(key.clone(), value);
            }
            (name.clone(), out)
        })
        .collect()
}

#[test]
fn documented_examples_behave_as_documented() {
    let mut failures = Vec::new();
    let mut counts = (0, 0, 0);
    for rule in all_rules() {
        let doc = rule.doc();
        let ex = examples(&doc);
        let context = build_context(&doc);
        let ctx: Option<&dyn BuildContext> = context.as_ref().map(|c| c as &dyn BuildContext);
        // The default rule set plus this rule: rules that need company (unused-suppression) see it,
        // and a `fixed` block shows that the example is otherwise clean.
        let settings = Settings {
            extend_select: vec![rule.code.to_string()],
            options: configured_options(&doc),
            ..Settings::default()
        };
        let fires = |src: &str| {
            lint(&Document::parse(src), &settings, ctx)
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
                    let out = fix(src, &settings, ctx, FixMode::Unsafe);
                    if out.text != e.code {
                        failures.push(format!(
                            "{at}: the fixer gives\n{}\ninstead of\n{}",
                            out.text, e.code
                        ));
                    }
                    // Files the fix created are part of the context from then on.
                    let mut after = context.clone().unwrap_or_default();
                    for (path, content) in &out.created_files {
                        after = after.with_file(path, content);
                    }
                    let after_ctx: Option<&dyn BuildContext> =
                        (context.is_some() || !out.created_files.is_empty()).then_some(&after);
                    let still = lint(&Document::parse(&out.text), &settings, after_ctx)
                        .into_iter()
                        .filter(|d| d.code == rule.code)
                        .count();
                    if still != 0 {
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
