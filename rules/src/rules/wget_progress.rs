//! `wget-progress`: `wget` that fills the build log with its progress bar.
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Peer, Rule};
use crate::rules::run_scripts::run_scripts;
use crate::shell::SimpleCommand;

declare_rule! {
    /// Reports `wget` without `--progress`, `-q` or `-nv`.
    ///
    /// ## Why is this bad?
    /// In a build, `wget`'s output is no terminal, so it prints its progress as a line of dots per few kilobytes:
    /// a large download writes thousands of lines to the build log.
    /// `--progress=dot:giga` keeps a progress report at one dot per megabyte; `-nv` prints one line per file;
    /// `-q` prints nothing.
    ///
    /// Not reported: `wget` with any of those, or with its output sent to a log file (`-o`, `-a`).
    ///
    /// ## Off by default
    /// The image is the same either way, and a long log is a nuisance more than a problem: turn it on with
    /// `dflint check --extend-select DL3047`, or `extend-select = ["wget-progress"]` in `.dflint.toml`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN wget https://example.com/app.tar.gz
    /// ```
    /// ```dockerfile fixed
    /// FROM debian:bookworm-slim
    /// RUN wget --progress=dot:giga https://example.com/app.tar.gz
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN wget -nv https://example.com/app.tar.gz
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `--progress=dot:giga` after `wget`, as hadolint suggests.
    /// GNU wget accepts it, but busybox's `wget` (Alpine's) does not and fails: the fix is unsafe.
    /// On Alpine, use `-q`.
    ///
    /// ## References
    /// - [GNU Wget manual: --progress](https://www.gnu.org/software/wget/manual/wget.html#Download-Options)
    /// - hadolint's [`DL3047`](https://github.com/hadolint/hadolint/wiki/DL3047)
    pub struct WgetProgress {
        code: "DF512",
        name: "wget-progress",
        category: Style,
        severity: Info,
        fix: Always,
        peers: [Peer::Hadolint("DL3047")],
        options: [],
        default_enabled: false,
        changes: [Rewrite],
    }
}

/// Short options that take a value, so the rest of a cluster (`-O-`) is that value.
const TAKES_VALUE: &str = "OoaetTwQPUiBlARDXIY";

impl Rule for WgetProgress {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for run in run_scripts(ctx) {
            for c in &run.script.commands {
                if c.program() != Some("wget") || quiet(c) {
                    continue;
                }
                let range = c.argv()[0].range.clone();
                let fix = Fix::unsafe_(
                    "Add `--progress=dot:giga`",
                    vec![Edit::insert(range.end, " --progress=dot:giga")],
                );
                out.push(
                    ctx.diagnostic(
                        range,
                        "`wget` without `--progress`, `-q` or `-nv` fills the build log",
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}

/// Whether the command controls its progress output (or the arguments cannot be read).
fn quiet(c: &SimpleCommand) -> bool {
    c.argv().iter().skip(1).any(|w| {
        let v = w.value.as_str();
        // `$WGET_OPTS` could hold the option; a URL with a variable inside cannot.
        if w.dynamic && v.starts_with('$') {
            return true;
        }
        if let Some(long) = v.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or(long);
            return matches!(
                name,
                "progress" | "quiet" | "no-verbose" | "output-file" | "append-output"
            );
        }
        let Some(short) = v.strip_prefix('-') else {
            return false;
        };
        if short == "nv" {
            return true;
        }
        if short.starts_with('n') {
            return false;
        }
        for ch in short.chars() {
            if matches!(ch, 'q' | 'o' | 'a') {
                return true;
            }
            if TAKES_VALUE.contains(ch) {
                return false;
            }
        }
        false
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &WgetProgress::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN wget http://x/y\n", &["wget"]),
                ("FROM a\nRUN wget -O - http://x/y | tar -x\n", &["wget"]),
                ("FROM a\nRUN wget -O-q http://x/y\n", &["wget"]),
                ("FROM a\nRUN wget -nc http://x/y\n", &["wget"]),
                (
                    "FROM a\nRUN wget https://x/$V/y.tgz -O /tmp/y.tgz\n",
                    &["wget"],
                ),
                ("FROM a\nONBUILD RUN wget http://x/y\n", &["wget"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN wget -q http://x/y\n",
                "FROM a\nRUN wget -qO- http://x/y\n",
                "FROM a\nRUN wget -nv http://x/y\n",
                "FROM a\nRUN wget --quiet http://x/y\n",
                "FROM a\nRUN wget --no-verbose http://x/y\n",
                "FROM a\nRUN wget --progress=dot:giga http://x/y\n",
                "FROM a\nRUN wget --progress dot http://x/y\n",
                "FROM a\nRUN wget -o log http://x/y\n",
                "FROM a\nRUN wget -a log http://x/y\n",
                "FROM a\nRUN wget $WGET_OPTS http://x/y\n",
                "FROM a\nRUN curl -fsSL http://x/y\n",
            ],
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[(
                "FROM a\nRUN wget -O /tmp/a http://x/y\n",
                "FROM a\nRUN wget --progress=dot:giga -O /tmp/a http://x/y\n",
            )],
        );
    }

    #[test]
    fn off_by_default() {
        assert!(!R.default_enabled);
    }
}
