//! `unpinned-go-package`: `go install`, `go get` or `go run` of a module at a moving version.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::package_checks::report_unpinned;
use crate::shell::{Manager, PackageCommand, Word};

declare_rule! {
    /// Reports `go install pkg@latest` (or `@master`, `@main`, `@HEAD`, `@upgrade`, `@patch`), `go run` of the same, and `go get pkg` without a version.
    ///
    /// ## Why is this bad?
    /// A query such as `@latest` resolves to whatever the module's newest version (or branch tip) is on the day
    /// of the build: the same Dockerfile builds a different image next month.
    ///
    /// `go install pkg` and `go run pkg` without a version are not reported, unlike in hadolint: Go then builds
    /// the version the main module's `go.mod` requires (pinned by `go.sum`), or refuses outside a module
    /// ("'go install' requires a version when current directory is not in a module"), so nothing floats.
    /// For the same reason `go run main.go` (a file) is not reported.
    /// `go get pkg` without a version asks for the newest one and is reported, as in hadolint.
    /// Local paths (`.`, `./...`, `/src/x`) are pinned.
    ///
    /// Unlike hadolint, commands behind `sudo` (or `env`, `xargs`), in an exec form `["sh", "-c", "..."]` and in a
    /// quoted `sh -c '...'` string are read.
    ///
    /// ## On by default
    /// The Go module proxy keeps every version, so a pin never breaks the build.
    /// On the shared corpus of public Dockerfiles it reports 13 commands in 12 files (`go install ...@latest` of
    /// test and lint tools in the build images of buildx, compose, moby and kind).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23
    /// RUN go install golang.org/x/tools/gopls@latest
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.23
    /// RUN go install golang.org/x/tools/gopls@v0.16.2
    /// ```
    ///
    /// ## Fix
    /// None: the version to pin is a choice (the one you tested), which dflint does not look up.
    ///
    /// ## References
    /// - [go install](https://go.dev/ref/mod#go-install)
    /// - hadolint's [`DL3062`](https://github.com/hadolint/hadolint/wiki/DL3062)
    pub struct UnpinnedGoPackage {
        code: "DF311",
        name: "unpinned-go-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3062")],
        options: [],
    }
}

impl Rule for UnpinnedGoPackage {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report_unpinned(ctx, out, "Go package", unpinned);
    }
}

/// Version queries that move: the newest release, a branch tip.
const MOVING: &[&str] = &["latest", "upgrade", "patch", "master", "main", "HEAD"];

fn unpinned<'p>(p: &PackageCommand<'p>) -> Vec<&'p Word> {
    if p.manager != Manager::Go {
        return Vec::new();
    }
    let (get, packages) = match p.sub() {
        Some("install") => (false, &p.operands[..]),
        Some("get") => (true, &p.operands[..]),
        // What follows the package of `go run` are the program's arguments.
        Some("run") => (false, &p.operands[..p.operands.len().min(1)]),
        _ => return Vec::new(),
    };
    packages
        .iter()
        .copied()
        .filter(|w| {
            let v = w.value.as_str();
            if w.dynamic || v == "tool" || v.starts_with('.') || v.starts_with('/') {
                return false;
            }
            match v.rsplit_once('@') {
                Some((_, version)) => MOVING.contains(&version),
                None => get,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &UnpinnedGoPackage::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                (
                    "FROM a\nRUN go install golang.org/x/tools/gopls@latest\n",
                    &["golang.org/x/tools/gopls@latest"],
                ),
                (
                    "FROM a\nRUN go install -ldflags '-s' example.com/x@master\n",
                    &["example.com/x@master"],
                ),
                ("FROM a\nRUN go get github.com/x/y\n", &["github.com/x/y"]),
                (
                    "FROM a\nRUN go run example.com/gen@latest -out x\n",
                    &["example.com/gen@latest"],
                ),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN go install golang.org/x/tools/gopls@v0.16.2\n",
                "FROM a\nRUN go install ./cmd/... && go install .\n",
                "FROM a\nRUN go install example.com/x/cmd/y\n",
                "FROM a\nRUN go run main.go && go run ./cmd/gen latest\n",
                "FROM a\nRUN go get github.com/x/y@v1.2.3\n",
                "FROM a\nRUN go build -o /app .\n",
            ],
        );
    }
}
