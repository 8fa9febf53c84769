//! Hover: rule docs on a diagnostic, instruction, flag, `--mount` key and directive docs, the value a variable
//! resolves to, a stage's summary, and a base image's registry page.
use std::ops::Range;

use dflint_rules::engine::{self, Diagnostic};
use dflint_rules::syntax::{Document, Instruction, Kind};

use super::links;
use super::names::{Key, Names, Occurrence, Role};
use crate::lsp::reference;

/// Markdown and the range it is about.
pub struct Hover {
    pub markdown: String,
    pub range: Option<Range<usize>>,
}

pub fn hover(
    doc: &Document,
    names: &Names,
    diagnostics: &[Diagnostic],
    offset: usize,
) -> Option<Hover> {
    let mut parts = Vec::new();
    let mut range = None;
    for d in diagnostics
        .iter()
        .filter(|d| d.range.start <= offset && offset <= d.range.end)
    {
        parts.push(rule_docs(d));
        range.get_or_insert(d.range.clone());
    }
    if let Some((md, r)) = syntax_hover(doc, names, offset) {
        parts.push(md);
        range = Some(r);
    }
    if parts.is_empty() {
        return None;
    }
    Some(Hover {
        markdown: parts.join("\n\n---\n\n"),
        range,
    })
}

fn rule_docs(d: &Diagnostic) -> String {
    let mut out = format!("**{}** `{}`: {}", d.code, d.name, d.message);
    if let Some(rule) = engine::resolve_rule(d.code) {
        let (summary, sections) = engine::docs::sections(&rule.doc());
        out.push_str(&format!("\n\n{summary}"));
        if let Some(why) = sections.iter().find(|s| s.title == "Why is this bad?") {
            out.push_str(&format!("\n\n{}", why.body.trim()));
        }
    }
    if let Some(fix) = &d.fix {
        out.push_str(&format!(
            "\n\nFix ({}): {}",
            fix.applicability.as_str(),
            fix.title
        ));
    }
    out.push_str(&match d.docs_url() {
        Some(url) => format!("\n\n[{} documentation]({url})", d.name),
        None => format!(
            "\n\nDocumentation: `{}`",
            dflint_rules::engine::docs_command(d.code)
        ),
    });
    out
}

fn syntax_hover(doc: &Document, names: &Names, offset: usize) -> Option<(String, Range<usize>)> {
    if let Some((index, occ)) = names.at(offset) {
        let md = if occ.key.is_stage() {
            stage_summary(doc, names, &occ.name)
        } else {
            variable(doc, names, index, occ)
        };
        if let Some(md) = md {
            return Some((md, occ.range.clone()));
        }
    }
    if let Some(d) = doc
        .directives()
        .iter()
        .find(|d| d.range.start <= offset && offset <= d.range.end)
    {
        let docs = reference::directive(&d.name)?;
        return Some((
            format!("**# {}=**: {}", docs.name, docs.doc),
            d.range.clone(),
        ));
    }
    let (_, ins) = doc.instruction_at(offset)?;
    let ins = innermost(ins, offset);
    if in_range(&ins.keyword, offset) {
        return Some((
            reference::instruction(ins.kind)?.markdown(),
            ins.keyword.clone(),
        ));
    }
    if let Some(flag) = ins.flags.iter().find(|f| in_range(&f.range, offset)) {
        if flag.name.eq_ignore_ascii_case("mount") {
            if let Some(md) = mount_key_hover(doc, flag.value_range.clone(), offset) {
                return Some(md);
            }
        }
        let docs = reference::flag_doc(ins.kind, &flag.name)?;
        let value = docs.value.map(|v| format!("={v}")).unwrap_or_default();
        return Some((
            format!(
                "**--{}{}** ({}): {}",
                docs.name,
                value,
                ins.kind.keyword(),
                docs.doc
            ),
            flag.range.clone(),
        ));
    }
    if let Some(image) = ins.image.as_ref().filter(|i| in_range(&i.range, offset)) {
        let mut md = format!("**Image** `{}`", image.text);
        if let Some(url) = links::image_url(image) {
            md.push_str(&format!("\n\n[Registry page]({url})"));
        }
        return Some((md, image.range.clone()));
    }
    None
}

fn in_range(r: &Range<usize>, offset: usize) -> bool {
    r.start <= offset && offset <= r.end && !r.is_empty()
}

/// The instruction after ONBUILD when the offset is in it.
fn innermost(ins: &Instruction, offset: usize) -> &Instruction {
    match &ins.onbuild {
        Some(inner) if inner.range.start <= offset => inner,
        _ => ins,
    }
}

fn mount_key_hover(
    doc: &Document,
    value: Option<Range<usize>>,
    offset: usize,
) -> Option<(String, Range<usize>)> {
    let value = value?;
    let text = &doc.text()[value.clone()];
    let mut start = value.start;
    for part in text.split(',') {
        let end = start + part.len();
        if start <= offset && offset <= end {
            let key = part
                .split('=')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"');
            let docs = reference::MOUNT_KEYS
                .iter()
                .find(|k| k.name.eq_ignore_ascii_case(key))?;
            return Some((
                format!("**--mount {}**: {}", docs.name, docs.doc),
                start..end,
            ));
        }
        start = end + 1;
    }
    None
}

fn line_of(doc: &Document, offset: usize) -> usize {
    doc.line_index().line(offset) + 1
}

fn stage_summary(doc: &Document, names: &Names, name: &str) -> Option<String> {
    let stage = doc.stage_by_ref(name)?;
    let from = &doc.instructions()[stage.from];
    let label = stage.name.as_deref().unwrap_or(name);
    let mut md = format!(
        "**Stage `{label}`** (stage {}, line {})\n",
        stage.index,
        from.start_line + 1
    );
    md.push_str(&format!("\n- base: `{}`", stage.base));
    if let Some(p) = &stage.platform {
        md.push_str(&format!(" on `{p}`"));
    }
    let users = names.users_of_stage(doc, label);
    if users.is_empty() {
        md.push_str("\n- no later stage copies from it");
    } else {
        let list: Vec<String> = users
            .iter()
            .map(|&u| {
                let s = &doc.stages()[u];
                match &s.name {
                    Some(n) => format!("`{n}`"),
                    None => format!("stage {u}"),
                }
            })
            .collect();
        md.push_str(&format!("\n- used by: {}", list.join(", ")));
    }
    let count = stage.instructions.len();
    md.push_str(&format!(
        "\n- {count} instruction{}",
        if count == 1 { "" } else { "s" }
    ));
    if stage.index + 1 == doc.stages().len() {
        md.push_str("\n- the final stage (what `docker build` outputs without `--target`)");
    }
    Some(md)
}

/// The declaration and value of a variable.
fn variable(doc: &Document, names: &Names, index: usize, occ: &Occurrence) -> Option<String> {
    let nearest = match occ.role {
        Role::Definition => Some(occ),
        Role::Reference => names.definition(index),
    };
    let Some(nearest) = nearest else {
        return Some(match reference::automatic_arg(&occ.name) {
            Some(d) => format!("**`{}`**: automatic build argument, {d}", occ.name),
            None => format!(
                "**`{}`**: not declared in scope (empty unless set by the base image)",
                occ.name
            ),
        });
    };
    // A stage's `ARG NAME` redeclares a global: the value comes from it unless the redeclaration gives one.
    let global = nearest.target.and_then(|t| names.occurrences.get(t));
    let value_of = |o: &Occurrence| declared_value(&doc.instructions()[o.instruction], &o.name);
    let value = value_of(nearest).or_else(|| global.and_then(value_of));
    let kind = doc.instructions()[nearest.instruction].kind;
    let what = if kind == Kind::Env { "ENV" } else { "ARG" };
    let mut md = match &value {
        Some(v) => format!("**`{}`** = `{}`", nearest.name, v),
        None => format!(
            "**`{}`**: no default (set with `--build-arg {}=...`)",
            nearest.name, nearest.name
        ),
    };
    let decl = global.unwrap_or(nearest);
    let scope = match &nearest.key {
        Key::Global(_) => "global build argument".to_string(),
        Key::Local(s, _) => match &doc.stages()[*s].name {
            Some(n) => format!("in stage `{n}`"),
            None => format!("in stage {s}"),
        },
        _ => String::new(),
    };
    md.push_str(&format!(
        "\n\n{what} on line {} ({scope})",
        line_of(doc, decl.range.start)
    ));
    if global.is_some() {
        md.push_str(&format!(
            ", redeclared on line {}",
            line_of(doc, nearest.range.start)
        ));
    }
    if let Some(auto) = reference::automatic_arg(&nearest.name) {
        md.push_str(&format!("\n\nAutomatic build argument: {auto}"));
    }
    Some(md)
}

/// The default or value given to `name` in an ARG or ENV instruction.
pub fn declared_value(ins: &Instruction, name: &str) -> Option<String> {
    ins.pairs
        .iter()
        .rev()
        .find(|p| p.key == name)
        .and_then(|p| p.value.as_ref())
        .map(|w| w.raw.clone())
}
