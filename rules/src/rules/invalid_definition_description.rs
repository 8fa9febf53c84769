//! `invalid-definition-description`: a comment right above `FROM ... AS name` or `ARG NAME` that does not start
//! with that name (BuildKit reads it as the description of the stage or argument).
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::syntax::{query, Kind};

declare_rule! {
    /// Reports a comment directly above a named `FROM` or an `ARG` that does not start with that name.
    ///
    /// ## Why is this bad?
    /// `docker build --call=outline` and `--call=targets` print descriptions of build arguments and targets, taken
    /// from the comment right above the `ARG` or `FROM` when it starts with the name (`# VERSION sets the release`).
    /// A comment there that is not meant as a description is easy to mistake for one; separate it from the
    /// instruction with an empty line, or start it with the name.
    ///
    /// ## Off by default
    /// BuildKit's `InvalidDefinitionDescription` is experimental and runs only when asked for
    /// (`# check=experimental=InvalidDefinitionDescription`), and so does this rule: select it, or name it in the
    /// `check` directive.
    /// dflint follows BuildKit's documentation: an empty line between the comment and the instruction separates
    /// them.
    ///
    /// ## Example
    /// ```dockerfile
    /// # a non-descriptive comment
    /// FROM scratch AS base
    ///
    /// # another non-descriptive comment
    /// ARG VERSION=1
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// # base is a stage for compiling source
    /// FROM scratch AS base
    /// # VERSION This is the version number.
    /// ARG VERSION=1
    /// ```
    ///
    /// ## References
    /// - [Descriptions](https://docs.docker.com/reference/cli/docker/buildx/build/#descriptions)
    /// - BuildKit's [`InvalidDefinitionDescription`](https://docs.docker.com/reference/build-checks/invalid-definition-description/)
    pub struct InvalidDefinitionDescription {
        code: "DF523",
        name: "invalid-definition-description",
        category: Style,
        severity: Warning,
        fix: None,
        peers: [Peer::BuildKit("InvalidDefinitionDescription")],
        options: [],
        default_enabled: false,
    }
}

impl Rule for InvalidDefinitionDescription {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
        for (i, ins) in doc.instructions().iter().enumerate() {
            let (keyword, keys): (&str, Vec<String>) = match ins.kind {
                Kind::From => match ins.stage_name.as_deref() {
                    Some((name, _)) => ("FROM", vec![name.to_lowercase()]),
                    None => continue,
                },
                Kind::Arg => ("ARG", ins.pairs.iter().map(|p| p.key.clone()).collect()),
                _ => continue,
            };
            if keys.is_empty() {
                continue;
            }
            // BuildKit's run of comments above: an empty `#` line starts it again.
            let above = query::comments_above(doc, i);
            let Some(&last) = above.last() else { continue };
            let text = &doc.comments()[last].text;
            if text.is_empty() {
                continue;
            }
            let first = text.split(' ').next().unwrap_or("");
            if keys.iter().any(|k| k == first) {
                continue;
            }
            let example = if keys.len() > 1 {
                "<arg_key>"
            } else {
                &keys[0]
            };
            out.push(ctx.diagnostic(
                doc.comments()[last].range.clone(),
                format!(
                    "Comment for {keyword} should follow the format: `# {example} <description>`"
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &InvalidDefinitionDescription::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                // BuildKit's documented bad example.
                (
                    "# a non-descriptive comment\nFROM scratch AS base\n\n# another non-descriptive comment\nARG VERSION=1\n",
                    &["# a non-descriptive comment", "# another non-descriptive comment"],
                ),
                ("# first\n# the ARGs\nARG A B=1\n", &["# the ARGs"]),
            ],
        );
        assert_eq!(
            spec::messages(R, "# x\nARG A B\n# y\nFROM a AS b\n"),
            [
                "Comment for ARG should follow the format: `# <arg_key> <description>`",
                "Comment for FROM should follow the format: `# b <description>`"
            ]
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                // BuildKit's documented good examples.
                "# a non-descriptive comment\n\nFROM scratch AS base\n\n# another non-descriptive comment\n\nARG VERSION=1\n",
                "# base is a stage for compiling source\nFROM scratch AS base\n# VERSION This is the version number.\nARG VERSION=1\n",
                "# no name: no description\nFROM a\n",
                "# B is the second\nARG A B\n",
                "# words\n#\nARG A\n",
            ],
        );
    }
}
