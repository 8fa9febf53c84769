//! BuildKit's reading of an instruction (its parser's `Node`): used for conformance with Docker and
//! for the parse errors Docker itself reports.
use super::json::{parse_exec_array, JsonArray};
use super::model::{Instruction, Kind};
use super::words::{extract_flags, is_unicode_space, parse_words, split_ws, split_ws2};

/// One instruction as BuildKit's parser returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BkInstruction {
    /// The keyword as written.
    pub cmd: String,
    /// For ONBUILD: the inner instruction's keyword.
    pub sub_cmd: Option<String>,
    pub json: bool,
    pub flags: Vec<String>,
    pub value: Vec<String>,
    /// (name, content) of each heredoc.
    pub heredocs: Vec<(String, String)>,
    /// 1-based.
    pub start_line: usize,
    pub end_line: usize,
}

struct Parsed {
    cmd: String,
    flags: Vec<String>,
    value: Vec<String>,
    json: bool,
    sub_cmd: Option<String>,
}

/// Checks an instruction the way BuildKit's parser does; `Err` holds Docker's complaint.
pub(crate) fn check(ins: &Instruction, text: &str, escape: char) -> Result<(), String> {
    if !can_refuse(ins, text) {
        return Ok(());
    }
    parse_line(&ins.logical(text), escape).map(|_| ())
}

/// Whether BuildKit's parser could refuse the instruction: it refuses an ENV or LABEL without a value, a JSON array
/// of something other than strings where it reads JSON, and what it refuses of an ONBUILD's trigger; never an ARG,
/// EXPOSE, FROM, MAINTAINER, STOPSIGNAL, USER, WORKDIR or unknown keyword. Reading every instruction as BuildKit
/// does copied each RUN's text twice, for nothing in all but a few.
fn can_refuse(ins: &Instruction, text: &str) -> bool {
    let Some(source) = text.get(ins.range.clone()) else {
        return true;
    };
    // The keyword as BuildKit finds it: the first word of the line. Should it name another kind than the tree's
    // (it does not on the corpus), the whole reading decides.
    let keyword = source
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    if Kind::from_keyword(keyword) != ins.kind {
        return true;
    }
    match ins.kind {
        Kind::Env | Kind::Label | Kind::Onbuild => true,
        Kind::Add
        | Kind::Copy
        | Kind::Volume
        | Kind::Run
        | Kind::Cmd
        | Kind::Entrypoint
        | Kind::Shell
        | Kind::Healthcheck => source.contains('['),
        _ => false,
    }
}

/// BuildKit's view of an instruction.
pub fn view(ins: &Instruction, text: &str, escape: char) -> Result<BkInstruction, String> {
    let p = parse_line(&ins.logical(text), escape)?;
    let heredocs = if can_contain_heredoc(&p) {
        ins.heredocs
            .iter()
            .map(|h| (h.name.clone(), text[h.body_range.clone()].to_string()))
            .collect()
    } else {
        Vec::new()
    };
    Ok(BkInstruction {
        cmd: p.cmd,
        sub_cmd: p.sub_cmd,
        json: p.json,
        flags: p.flags,
        value: p.value,
        heredocs,
        start_line: ins.start_line + 1,
        end_line: ins.end_line + 1,
    })
}

fn can_contain_heredoc(p: &Parsed) -> bool {
    let k = p.sub_cmd.as_deref().unwrap_or(&p.cmd).to_ascii_lowercase();
    matches!(k.as_str(), "run" | "copy" | "add") && !p.json
}

fn parse_line(line: &str, escape: char) -> Result<Parsed, String> {
    let trimmed = line.trim_matches(is_unicode_space);
    let (cmd, rest) = match trimmed.find(|c: char| c.is_whitespace()) {
        Some(i) => (
            &trimmed[..i],
            Some(trimmed[i..].trim_start_matches(|c: char| c.is_whitespace())),
        ),
        None => (trimmed, None),
    };
    let (flags, args) = match rest {
        Some(r) => {
            let (f, a) = extract_flags(r);
            (f, a.trim_matches(is_unicode_space).to_string())
        }
        None => (Vec::new(), String::new()),
    };
    let kind = Kind::from_keyword(cmd);
    let mut json = false;
    let mut sub_cmd = None;
    let value: Vec<String> = match kind {
        Kind::Add | Kind::Copy | Kind::Volume => match parse_exec_array(&args) {
            JsonArray::Strings(v) => {
                json = true;
                v
            }
            JsonArray::NotStrings => return Err(not_strings()),
            JsonArray::Invalid => split_ws(&args),
        },
        Kind::Run | Kind::Cmd | Kind::Entrypoint | Kind::Shell => maybe_json(&args, &mut json)?,
        Kind::Arg => parse_words(&args, escape),
        Kind::Env | Kind::Label => name_val(&args, kind, escape)?,
        Kind::Expose | Kind::From => split_ws(&args),
        Kind::Maintainer | Kind::Stopsignal | Kind::User | Kind::Workdir => {
            if args.is_empty() {
                vec![]
            } else {
                vec![args.clone()]
            }
        }
        Kind::Healthcheck => {
            // Go tests each byte as a rune here, so 0x85 and 0xA0 count as spaces even inside a
            // character; split the bytes the same way and read the halves leniently.
            let b = args.as_bytes();
            let is_space = |c: u8| (c as char).is_whitespace();
            let sep = b.iter().position(|&c| is_space(c)).unwrap_or(b.len());
            if sep == 0 {
                vec![]
            } else {
                let next = b[sep..]
                    .iter()
                    .position(|&c| !is_space(c))
                    .map_or(b.len(), |i| sep + i);
                let mut v = vec![String::from_utf8_lossy(&b[..sep]).into_owned()];
                v.extend(maybe_json(&String::from_utf8_lossy(&b[next..]), &mut json)?);
                v
            }
        }
        Kind::Onbuild => {
            if args.is_empty() {
                vec![]
            } else {
                let inner = parse_line(&args, escape)?;
                json = inner.json;
                // BuildKit's node for a nested `ONBUILD` holds its trigger as a child, not a value: the value
                // list shows one empty string.
                let value = if Kind::from_keyword(&inner.cmd) == Kind::Onbuild {
                    vec![String::new()]
                } else {
                    inner.value
                };
                sub_cmd = Some(inner.cmd);
                value
            }
        }
        Kind::Unknown => vec![String::new()],
    };
    Ok(Parsed {
        cmd: cmd.to_string(),
        flags,
        value,
        json,
        sub_cmd,
    })
}

fn not_strings() -> String {
    "when using JSON array syntax, arrays must be comprised of strings only".to_string()
}

fn maybe_json(args: &str, json: &mut bool) -> Result<Vec<String>, String> {
    if args.is_empty() {
        return Ok(vec![]);
    }
    match parse_exec_array(args) {
        JsonArray::Strings(v) => {
            *json = true;
            Ok(v)
        }
        JsonArray::NotStrings => Err(not_strings()),
        JsonArray::Invalid => Ok(vec![args.to_string()]),
    }
}

fn name_val(rest: &str, kind: Kind, escape: char) -> Result<Vec<String>, String> {
    let words = parse_words(rest, escape);
    if words.is_empty() {
        return Ok(vec![]);
    }
    if !words[0].contains('=') {
        let parts = split_ws2(rest);
        if parts.len() < 2 {
            return Err(format!("{} must have two arguments", kind.keyword()));
        }
        return Ok(parts);
    }
    let mut out = Vec::with_capacity(words.len() * 2);
    for w in words {
        let Some((k, v)) = w.split_once('=') else {
            return Err(format!(
                "syntax error: can't find `=` in `{w}`; use the form name=value"
            ));
        };
        out.push(k.to_string());
        out.push(v.to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Document;

    /// The shortcut never hides a refusal: every instruction it lets pass, BuildKit's whole reading accepts.
    #[test]
    fn what_cannot_be_refused_is_accepted_by_the_whole_reading() {
        let src = "FROM a\nRUN [\"a\", 1]\nRUN echo [x]\nCMD [1]\nENTRYPOINT [\"a\", {}]\nSHELL [2]\n\
                   COPY [\"a\", 2]\nADD [\"a\", \"b\"]\nVOLUME [true]\nHEALTHCHECK CMD [1]\nENV a\nENV\nLABEL a\n\
                   LABEL a=b\nONBUILD ENV a\nONBUILD RUN x\nARG [1]\nEXPOSE [1]\nUSER [1]\nWORKDIR [1]\n\
                   STOPSIGNAL [1]\nMAINTAINER [1]\nFROM [1]\nNOPE [1]\nRUN \\\n  [\"a\", 1]\nenv x\n";
        let doc = Document::parse(src);
        let mut refused = Vec::new();
        for ins in doc.instructions() {
            let whole = parse_line(&ins.logical(doc.text()), doc.escape()).map(|_| ());
            if whole.is_err() {
                refused.push(ins.start_line + 1);
            }
            if !can_refuse(ins, doc.text()) {
                assert_eq!(whole, Ok(()), "{}", ins.logical(doc.text()));
            }
            assert_eq!(check(ins, doc.text(), doc.escape()), whole);
        }
        // `ENV a` and `LABEL a` are syntax errors of the tree already: no instruction to read.
        assert_eq!(refused, [2, 4, 5, 6, 7, 9, 10, 25], "lines refused");
    }
}
