//! Go to definition, references, highlights, rename and linked editing for stage names and variables.
use std::ops::Range;

use super::names::{Key, Names, Occurrence, Role};

/// The definitions the name at `offset` resolves to.
pub fn definition(names: &Names, offset: usize) -> Vec<Range<usize>> {
    let Some((index, occ)) = names.at(offset) else {
        return Vec::new();
    };
    if let Key::Stage(_) = occ.key {
        return names
            .group(&occ.key)
            .filter(|o| o.role == Role::Definition)
            .map(|o| o.range.clone())
            .collect();
    }
    names
        .definition(index)
        .map(|d| vec![d.range.clone()])
        .unwrap_or_default()
}

/// Every occurrence of the name at `offset` (definitions only when `declarations`).
pub fn references(names: &Names, offset: usize, declarations: bool) -> Vec<&Occurrence> {
    let Some((_, occ)) = names.at(offset) else {
        return Vec::new();
    };
    names
        .group(&occ.key)
        .filter(|o| declarations || o.role == Role::Reference)
        .collect()
}

/// Why a rename cannot happen, for the client to show.
pub type Refusal = String;

/// The range to rename and the current name, or why not.
pub fn prepare_rename(names: &Names, offset: usize) -> Result<&Occurrence, Refusal> {
    let Some((_, occ)) = names.at(offset) else {
        return Err("no stage name or variable here".into());
    };
    if let Key::Unresolved(..) = occ.key {
        return Err(format!("`{}` is not declared in this Dockerfile", occ.name));
    }
    Ok(occ)
}

/// Whether `name` is a valid new name for what `key` names.
pub fn valid_name(key: &Key, name: &str) -> Result<(), Refusal> {
    let mut chars = name.chars();
    let first = chars.next().ok_or("the new name is empty")?;
    let ok = match key {
        // BuildKit: a letter, then letters, digits, `-`, `_`, `.`.
        Key::Stage(_) => {
            first.is_ascii_alphabetic()
                && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        }
        _ => {
            (first.is_ascii_alphabetic() || first == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
    };
    if ok {
        Ok(())
    } else if key.is_stage() {
        Err(format!(
            "`{name}` is not a valid stage name (a letter, then letters, digits, `-`, `_` or `.`)"
        ))
    } else {
        Err(format!("`{name}` is not a valid variable name (letters, digits and `_`, not starting with a digit)"))
    }
}

/// The edits renaming the name at `offset` to `new_name`.
pub fn rename(
    names: &Names,
    offset: usize,
    new_name: &str,
) -> Result<Vec<(Range<usize>, String)>, Refusal> {
    let occ = prepare_rename(names, offset)?;
    valid_name(&occ.key, new_name)?;
    Ok(names
        .group(&occ.key)
        .map(|o| (o.range.clone(), new_name.to_string()))
        .collect())
}

/// The occurrences of a stage name with the same spelling as the one at `offset`, edited together.
pub fn linked_editing(names: &Names, text: &str, offset: usize) -> Vec<Range<usize>> {
    let Some((_, occ)) = names.at(offset) else {
        return Vec::new();
    };
    if !occ.key.is_stage() {
        return Vec::new();
    }
    let spelled = &text[occ.range.clone()];
    names
        .group(&occ.key)
        .filter(|o| &text[o.range.clone()] == spelled)
        .map(|o| o.range.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use dflint_rules::syntax::Document;

    #[test]
    fn rename_stage_and_variables() {
        let text =
            "ARG V=1\nFROM a AS build\nARG V\nRUN echo $V\nFROM b\nCOPY --from=build /a /b\n";
        let doc = Document::parse(text);
        let names = Names::build(&doc);
        let at = text.find("build /a").unwrap();
        let edits = rename(&names, at, "compile").unwrap();
        assert_eq!(edits.len(), 2);
        assert!(rename(&names, at, "9x").is_err());
        let edits = rename(&names, text.find("$V").unwrap() + 1, "W").unwrap();
        assert_eq!(edits.len(), 3);
        assert_eq!(
            definition(&names, text.find("$V").unwrap() + 1),
            vec![text.find("V\nRUN").unwrap()..text.find("V\nRUN").unwrap() + 1]
        );
        assert_eq!(references(&names, 4, false).len(), 1);
        assert_eq!(linked_editing(&names, text, at).len(), 2);
    }
}
