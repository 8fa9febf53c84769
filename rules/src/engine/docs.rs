//! Rule documentation: the sections and examples of a rule's doc comment, and the generated Markdown pages.
use super::absences::ABSENCES;
use super::rule::{Category, Peer, RuleMeta};

/// A `## Title` section of a rule's documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    /// Markdown, without the heading line.
    pub body: String,
}

/// What a documented example shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExampleKind {
    /// A ```` ```dockerfile ```` block under `## Example`: the rule fires on it.
    Fires,
    /// A ```` ```dockerfile ```` block under `## Use instead`: the rule is silent on it.
    Clean,
    /// A ```` ```dockerfile fixed ```` block under `## Example`: the fixer's output for the block before it.
    Fixed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocExample {
    pub kind: ExampleKind,
    pub code: String,
    /// 1-based line of the opening fence within the documentation, for test messages.
    pub line: usize,
}

/// The summary line and the `##` sections of a rule's documentation.
pub fn sections(doc: &str) -> (String, Vec<Section>) {
    let mut summary = String::new();
    let mut sections: Vec<Section> = Vec::new();
    let mut in_fence = false;
    for line in doc.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence {
            if let Some(title) = line.strip_prefix("## ") {
                sections.push(Section {
                    title: title.trim().to_string(),
                    body: String::new(),
                });
                continue;
            }
        }
        match sections.last_mut() {
            Some(s) => {
                s.body.push_str(line);
                s.body.push('\n');
            }
            None if summary.is_empty() => summary = line.trim().to_string(),
            None => {}
        }
    }
    (summary, sections)
}

/// The Dockerfile examples of a rule's documentation, in order.
pub fn examples(doc: &str) -> Vec<DocExample> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut fence: Option<(String, usize, String)> = None;
    for (i, line) in doc.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some((info, start, mut code)) = fence.take() {
            if trimmed.starts_with("```") {
                let words: Vec<&str> = info.split_whitespace().collect();
                let kind = match (section.as_str(), words.as_slice()) {
                    ("Example", ["dockerfile"]) => Some(ExampleKind::Fires),
                    ("Example", ["dockerfile", "fixed"]) => Some(ExampleKind::Fixed),
                    ("Use instead", ["dockerfile"]) => Some(ExampleKind::Clean),
                    _ => None,
                };
                if let Some(kind) = kind {
                    out.push(DocExample {
                        kind,
                        code,
                        line: start,
                    });
                }
            } else {
                code.push_str(line);
                code.push('\n');
                fence = Some((info, start, code));
            }
            continue;
        }
        if let Some(info) = trimmed.strip_prefix("```") {
            fence = Some((info.trim().to_string(), i + 1, String::new()));
        } else if let Some(title) = line.strip_prefix("## ") {
            section = title.trim().to_string();
        }
    }
    out
}

fn peers_cell(rule: &RuleMeta) -> String {
    rule.peers
        .iter()
        .map(|p| format!("{} [`{}`]({})", p.tool(), p.code(), p.url()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn fix_cell(rule: &RuleMeta) -> &'static str {
    rule.fix.as_str()
}

/// The Markdown page of one rule (`rules/docs/<name>.md`).
pub fn render_page(rule: &RuleMeta) -> String {
    let doc = rule.doc();
    let (summary, sections) = sections(&doc);
    let mut out = format!("# {} ({})\n\n{summary}\n\n", rule.name, rule.code);
    out.push_str(
        "| Code | Category | Default severity | Fix | Enabled by default | Equivalents |\n",
    );
    out.push_str("|---|---|---|---|---|---|\n");
    let peers = peers_cell(rule);
    out.push_str(&format!(
        "| `{}` | {} | {} | {} | {} | {} |\n",
        rule.code,
        rule.category,
        rule.severity,
        fix_cell(rule),
        if rule.default_enabled { "yes" } else { "no" },
        if peers.is_empty() {
            "–".to_string()
        } else {
            peers
        }
    ));
    for s in &sections {
        out.push_str(&format!("\n## {}\n\n", s.title));
        let body = s.body.trim_matches('\n');
        for line in body.lines() {
            if line.trim() == "```dockerfile fixed" {
                out.push_str("\nAfter the fix:\n\n```dockerfile\n");
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
        if s.title == "Options" && !rule.options.is_empty() {
            out.push_str("\n| Option | Type | Default | Meaning |\n|---|---|---|---|\n");
            for o in rule.options {
                out.push_str(&format!(
                    "| `{}` | {} | `{}` | {} |\n",
                    o.name,
                    o.kind.describe(),
                    o.default,
                    o.doc
                ));
            }
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The index page (`rules/docs/README.md`): the rules by category, then every peer code (hadolint, ShellCheck,
/// BuildKit) with the rules that cover it, and the peers' checks dflint leaves out on purpose.
pub fn render_index(rules: &[RuleMeta]) -> String {
    let mut sorted: Vec<&RuleMeta> = rules.iter().collect();
    sorted.sort_by_key(|r| r.code);
    let mut out = String::from(
        "# dflint rules\n\n\
         One page per rule, generated from the rules' doc comments by `cargo test -p dflint_rules --test docs`.\n\
         Do not edit these pages: edit the rule's doc comment and run the tests with `DFLINT_UPDATE_DOCS=1`.\n\
         The same pages are at hand offline: `dflint rule DF301` (or a name, or a peer's code such as `DL3007`).\n",
    );
    for category in Category::ALL {
        let in_category: Vec<&&RuleMeta> =
            sorted.iter().filter(|r| r.category == category).collect();
        if in_category.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n## {}\n\n| Code | Name | Severity | Fix | Equivalents | Summary |\n|---|---|---|---|---|---|\n",
            category.as_str()
        ));
        for r in in_category {
            let peers: Vec<String> = r.peers.iter().map(|p| format!("`{}`", p.code())).collect();
            out.push_str(&format!(
                "| `{}` | [{}]({}.md) | {} | {} | {} | {} |\n",
                r.code,
                r.name,
                r.name,
                r.severity,
                fix_cell(r),
                peers.join(", "),
                r.summary().replace('|', "\\|")
            ));
        }
    }
    // Every peer code once, in the peer's own order, with every rule that declares it.
    let mut by_peer: Vec<(Peer, Vec<&RuleMeta>)> = Vec::new();
    for r in &sorted {
        for &peer in r.peers {
            match by_peer.iter_mut().find(|(p, _)| *p == peer) {
                Some((_, list)) => list.push(r),
                None => by_peer.push((peer, vec![r])),
            }
        }
    }
    by_peer.sort_by(|(a, _), (b, _)| (a.tool(), a.code()).cmp(&(b.tool(), b.code())));
    out.push_str(
        "\n## By the peers' codes\n\n\
         `--select`, `--ignore`, `.hadolint.yaml` and `# hadolint ignore=` accept these codes for the rules beside them.\n\n\
         | Tool | Code | dflint |\n|---|---|---|\n",
    );
    for (peer, list) in &by_peer {
        let names: Vec<String> = list
            .iter()
            .map(|r| format!("[{}]({}.md) (`{}`)", r.name, r.name, r.code))
            .collect();
        out.push_str(&format!(
            "| {} | [`{}`]({}) | {} |\n",
            peer.tool(),
            peer.code(),
            peer.url(),
            names.join(", ")
        ));
    }
    out.push_str(
        "\n## Left out on purpose\n\n\
         | Tool | Code | What it checks | Why not | Instead |\n|---|---|---|---|---|\n",
    );
    for a in ABSENCES {
        let instead: Vec<String> = a
            .instead
            .iter()
            .map(|name| format!("[{name}]({name}.md)"))
            .collect();
        out.push_str(&format!(
            "| {} | [`{}`]({}) | {} | {} | {} |\n",
            a.peer.tool(),
            a.peer.code(),
            a.peer.url(),
            a.checks,
            a.why,
            if instead.is_empty() {
                "–".to_string()
            } else {
                instead.join(", ")
            }
        ));
    }
    out
}

/// The page that maps each hadolint DL rule to its dflint equivalents (`rules/docs/hadolint.md`), from the codes the
/// rules declare and, where none does, why.
pub fn render_hadolint(rules: &[RuleMeta]) -> String {
    let mut out = String::from(
        "# hadolint's rules in dflint\n\n\
         Every DL rule of hadolint 2.15.1 and the dflint rule that checks the same thing.\n\
         A dflint rule answers to the hadolint code too: `--select DL3020`, `ignored: [DL3020]` in `.hadolint.yaml` and \
         `# hadolint ignore=DL3020` keep working.\n\
         Where dflint deliberately reports something else, the rule's page says what and why under \
         \"Differences from hadolint\".\n\
         Generated by `cargo test -p dflint_rules --test docs` from the rules' declared equivalents.\n\n\
         | hadolint | Checks | dflint | On by default | Differences |\n\
         |---|---|---|---|---|\n",
    );
    for h in crate::knowledge::HADOLINT_RULES {
        let ours: Vec<&RuleMeta> = rules
            .iter()
            .filter(|r| r.hadolint_codes().any(|c| c == h.code))
            .collect();
        let link = format!(
            "[`{}`](https://github.com/hadolint/hadolint/wiki/{})",
            h.code, h.code
        );
        if ours.is_empty() {
            out.push_str(&format!(
                "| {link} | {} | – | – | {} |\n",
                h.checks,
                h.absent.unwrap_or("No equivalent yet.")
            ));
            continue;
        }
        let names: Vec<String> = ours
            .iter()
            .map(|r| format!("[{}]({}.md) (`{}`)", r.name, r.name, r.code))
            .collect();
        let on: Vec<&str> = ours
            .iter()
            .map(|r| if r.default_enabled { "yes" } else { "no" })
            .collect();
        let differs: Vec<String> = ours
            .iter()
            .filter(|r| {
                sections(&r.doc())
                    .1
                    .iter()
                    .any(|s| s.title == "Differences from hadolint")
            })
            .map(|r| format!("[{}]({}.md#differences-from-hadolint)", r.name, r.name))
            .collect();
        out.push_str(&format!(
            "| {link} | {} | {} | {} | {} |\n",
            h.checks,
            names.join(", "),
            on.join(", "),
            if differs.is_empty() {
                "–".to_string()
            } else {
                format!("see {}", differs.join(", "))
            }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "Summary.\n\n## Why is this bad?\nBecause.\n\n## Example\n```dockerfile\nFROM a\n```\n\
                       ```dockerfile fixed\nFROM b\n```\n\n## Use instead\n```dockerfile\nFROM c\n# ## not a heading\n```\n\
                       ```text\nignored\n```\n";

    #[test]
    fn sections_and_examples() {
        let (summary, secs) = sections(DOC);
        assert_eq!(summary, "Summary.");
        let titles: Vec<&str> = secs.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Why is this bad?", "Example", "Use instead"]);
        let ex = examples(DOC);
        let kinds: Vec<ExampleKind> = ex.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [ExampleKind::Fires, ExampleKind::Fixed, ExampleKind::Clean]
        );
        assert_eq!(ex[2].code, "FROM c\n# ## not a heading\n");
        assert_eq!(ex[0].line, 7);
    }
}
