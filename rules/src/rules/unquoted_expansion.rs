//! `unquoted-expansion`: ShellCheck's SC2086, an unquoted `$var` in a RUN command's words.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::shellcheck_findings::report;
use crate::shell::ShellCode;

declare_rule! {
    /// Reports an unquoted variable expansion in a `RUN` command's words (ShellCheck's SC2086).
    ///
    /// ## Why is this bad?
    /// The shell splits an unquoted expansion on blanks and expands globs in it: `rm -rf $DIR` with a `DIR`
    /// holding a space removes two paths, and one holding `*` removes what the glob matches.
    ///
    /// As in hadolint, which runs ShellCheck with every ARG and ENV in force exported: a variable the Dockerfile
    /// defines with `ARG` or `ENV` (and Docker's predefined proxy arguments) is the author's own and is not
    /// reported; neither is a variable the script only assigns plain words without blanks or globs (`n=4`,
    /// `for v in 1 2 3`), `$#`, `$?`, `$$`, `$!`, `${#x}`, `${x:+--flag}` (nothing or one word, unquoted on
    /// purpose), nor expansions in assignments, `[[ ]]`, `case`, arithmetic
    /// and `for ... in` lists.
    /// Under a POSIX `/bin/sh` the values of `export`/`local` are split too (dash does it, bash does not), so they
    /// are reported only when the stage's `SHELL` is a POSIX `sh`.
    /// Stages whose `SHELL` is not a POSIX shell (PowerShell, cmd) are not read.
    ///
    /// Off by default: on the shared corpus most of its 477 hits split on purpose (`apt-mark manual $savedAptMark`,
    /// `${rustArch:+--enable-yjit}` in docker-library images); select it (or `SC2086`) to have ShellCheck's check.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN dir=$(mktemp -d) && cp -r /src $dir
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN dir="$(mktemp -d)" && cp -r /src "$dir"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: splitting is sometimes what the author wants (`apt-get install $PACKAGES` with a list), and quoting
    /// would change the command.
    ///
    /// ## References
    /// - ShellCheck's [`SC2086`](https://www.shellcheck.net/wiki/SC2086)
    pub struct UnquotedExpansion {
        code: "DF701",
        name: "unquoted-expansion",
        category: Shell,
        severity: Info,
        fix: None,
        peers: [Peer::ShellCheck("SC2086")],
        options: [],
        default_enabled: false,
    }
}

impl Rule for UnquotedExpansion {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report(ctx, ShellCode::Sc2086, out, |_, text| {
            format!("double quote `{text}` to prevent globbing and word splitting")
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &UnquotedExpansion::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN echo $foo\n", &["$foo"]),
                ("FROM a\nRUN cp x ${DEST}/y\n", &["${DEST}"]),
                ("FROM a\nRUN d=$(mktemp -d) && cd $d\n", &["$d"]),
                ("FROM a\nRUN x=\"a b\"; echo $x\n", &["$x"]),
                ("FROM a\nRUN echo $1 $*\n", &["$1", "$*"]),
                ("FROM a\nRUN [ $v = 1 ]\n", &["$v"]),
                ("FROM a\nRUN cat > $OUT\n", &["$OUT"]),
                ("FROM a\nRUN export A=$B\n", &["$B"]),
                ("FROM a\nRUN <<EOF\nrm -rf $TMP\nEOF\n", &["$TMP"]),
                ("FROM a\nONBUILD RUN echo ${x:-y}\n", &["${x:-y}"]),
                ("FROM a\nRUN echo ${x:-y} ${x:+--y}\n", &["${x:-y}"]),
                // An ARG of another stage is not in force.
                ("FROM a\nARG V\nFROM b\nRUN echo $V\n", &["$V"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN echo \"$foo\"\n",
                "FROM a\nARG VERSION\nRUN curl -o x https://e.com/$VERSION\n",
                "FROM a\nENV APP=/app\nRUN cd $APP\n",
                "FROM a\nARG V=1\nFROM a\nARG V\nRUN echo $V\n",
                "FROM a\nRUN n=4; make -j $n\n",
                "FROM a\nRUN for v in 1 2; do echo $v; done\n",
                "FROM a\nRUN echo $# $? $$ ${#x}\n",
                "FROM a\nRUN x=$y\n",
                "FROM a\nRUN for f in $LIST; do :; done\n",
                "FROM a\nRUN [[ $x = y ]]\n",
                "FROM a\nRUN case $x in y) ;; esac\n",
                "FROM a\nRUN echo $((x + 1))\n",
                "FROM a\nRUN echo $http_proxy\n",
                "FROM a\nSHELL [\"/bin/bash\", \"-c\"]\nRUN export A=$B\n",
                "FROM a\nSHELL [\"pwsh\", \"-c\"]\nRUN echo $foo\n",
                "FROM a\nRUN [\"echo\", \"$foo\"]\n",
                "FROM a\nRUN cat <<EOF > /x\n$foo\nEOF\n",
            ],
        );
    }
}
