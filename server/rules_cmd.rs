//! `dflint rules` (the rule list, as a table or JSON) and `dflint rule CODE` (one rule's documentation page).
use std::io::{self, Write};

use dflint_rules::engine::docs::render_page;
use dflint_rules::engine::{
    absence, all_rules, peer_tool_of, resolve_rule, rules_for_peer, RuleMeta,
};
use serde_json::json;

/// `dflint rules --format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    #[default]
    Text,
    Json,
}

fn sorted() -> Vec<&'static RuleMeta> {
    let mut rules: Vec<&RuleMeta> = all_rules().iter().collect();
    rules.sort_by_key(|r| r.code);
    rules
}

/// Every rule: code, name, category, default severity, fix availability, and whether it is on by default.
pub fn list(format: ListFormat, out: &mut dyn Write) -> io::Result<()> {
    let rules = sorted();
    if format == ListFormat::Json {
        let list: Vec<_> = rules
            .iter()
            .map(|r| {
                json!({
                    "code": r.code,
                    "name": r.name,
                    "category": r.category.as_str(),
                    "severity": r.severity.as_str(),
                    "fix": r.fix.as_str(),
                    "default_enabled": r.default_enabled,
                    "peers": r.peers.iter().map(|p| json!({"tool": p.tool(), "code": p.code()})).collect::<Vec<_>>(),
                    "summary": r.summary(),
                    "url": r.docs_url(),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &list)?;
        return writeln!(out);
    }
    let width = |f: fn(&RuleMeta) -> usize, title: &str| {
        rules
            .iter()
            .map(|r| f(r))
            .max()
            .unwrap_or(0)
            .max(title.len())
    };
    let name_w = width(|r| r.name.len(), "NAME");
    let cat_w = width(|r| r.category.as_str().len(), "CATEGORY");
    writeln!(
        out,
        "{:<6}  {:<name_w$}  {:<cat_w$}  {:<8}  {:<9}  DEFAULT",
        "CODE", "NAME", "CATEGORY", "SEVERITY", "FIX"
    )?;
    for r in rules {
        writeln!(
            out,
            "{:<6}  {:<name_w$}  {:<cat_w$}  {:<8}  {:<9}  {}",
            r.code,
            r.name,
            r.category.as_str(),
            r.severity.as_str(),
            r.fix.as_str(),
            if r.default_enabled { "on" } else { "off" }
        )?;
    }
    Ok(())
}

/// The documentation page of the rule a code, name or peer code names; `Err` says why there is none.
///
/// A peer's code that several rules share gets the list of them; one that dflint leaves out on purpose gets the
/// reason and what to use instead; one that no rule covers yet says so.
pub fn page(id: &str) -> Result<String, String> {
    if let Some(rule) = resolve_rule(id) {
        return Ok(render_page(rule));
    }
    let code = id.trim();
    if code.eq_ignore_ascii_case(crate::shellcheck::CODE)
        || code.eq_ignore_ascii_case(crate::shellcheck::NAME)
    {
        return Ok(crate::shellcheck::page());
    }
    let shared = rules_for_peer(code);
    if shared.len() > 1 {
        let mut out = format!("`{code}` is covered by {} dflint rules:\n\n", shared.len());
        for r in shared {
            out.push_str(&format!(
                "- {} `{}`: {} (`dflint rule {}`)\n",
                r.code,
                r.name,
                r.summary(),
                r.code
            ));
        }
        return Ok(out.trim_end().to_string());
    }
    if let Some(a) = absence(code) {
        let mut out = format!(
            "# {} {} (no dflint equivalent)\n\n{} checks {}.\ndflint leaves it out on purpose: {}.\n",
            a.peer.tool(),
            a.peer.code(),
            a.peer.tool(),
            a.checks,
            a.why
        );
        for name in a.instead {
            if let Some(r) = resolve_rule(name) {
                out.push_str(&format!(
                    "\nInstead: {} `{}`: {} (`dflint rule {}`)\n",
                    r.code,
                    r.name,
                    r.summary(),
                    r.code
                ));
            }
        }
        out.push_str(&format!("\n{}: {}", a.peer.tool(), a.peer.url()));
        return Ok(out);
    }
    if let Some(tool) = peer_tool_of(code) {
        let external = if code.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("SC")) {
            format!(
                " natively; `dflint check --shellcheck` reports it through the `shellcheck` program ({})",
                crate::shellcheck::CODE
            )
        } else {
            " yet".to_string()
        };
        return Err(format!(
            "`{code}` is a {tool} check that no dflint rule covers{external}; `dflint rules` lists what dflint checks"
        ));
    }
    let near = suggestions(id);
    let hint = if near.is_empty() {
        " (`dflint rules` lists them)".to_string()
    } else {
        format!("; did you mean {}?", near.join(", "))
    };
    Err(format!("no rule `{id}`{hint}"))
}

/// Rules whose name contains the word, or whose code starts with it.
fn suggestions(id: &str) -> Vec<String> {
    let needle = id.trim().to_ascii_lowercase();
    if needle.len() < 3 {
        return Vec::new();
    }
    sorted()
        .into_iter()
        .filter(|r| r.name.contains(&needle) || r.code.to_ascii_lowercase().starts_with(&needle))
        .take(5)
        .map(|r| format!("`{}` ({})", r.name, r.code))
        .collect()
}
