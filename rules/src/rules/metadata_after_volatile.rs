//! `metadata-after-volatile`: EXPOSE, CMD, ENTRYPOINT, LABEL or a constant ENV placed after a source copy.
use std::collections::HashSet;

use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Rule};
use crate::optimizer::facts::Facts;
use crate::optimizer::lines::{block, block_start, removals, Block};
use crate::syntax::{Instruction, Kind};

declare_rule! {
    /// Reports `EXPOSE`, `CMD`, `ENTRYPOINT`, `LABEL` and constant `ENV` instructions placed after a copy of the sources.
    ///
    /// ## Why is this bad?
    /// Docker reuses a cached layer only while every instruction before it is unchanged.
    /// A `COPY` of the sources changes with every edit, so everything after it is rebuilt on every build,
    /// metadata included: settings that never change are redone each time and show up as new layers in the history.
    /// Put what does not depend on the sources right after `FROM`/`WORKDIR`, and the copy of the sources as late as
    /// possible.
    ///
    /// An `ENV` is moved only when it is constant and no `RUN` between its new and old place could see it; an
    /// instruction is not moved past another of the same kind (or the same key), nor past the `ARG`/`ENV` it uses.
    /// Metadata that cannot move for one of those reasons is probably where it is on purpose, and is not reported.
    ///
    /// ## Off by default
    /// Under BuildKit these instructions add no layer and cost next to nothing to redo, so on half of all real
    /// Dockerfiles this would be noise.
    /// Turn it on when you want the layout *Learn Docker in a Month of Lunches* teaches:
    /// `dflint check --extend-select metadata-after-volatile`, or `extend-select = ["metadata-after-volatile"]`
    /// in `.dflint.toml`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// WORKDIR /app
    /// COPY app.js .
    /// EXPOSE 8080
    /// CMD ["node", "app.js"]
    /// ```
    /// ```dockerfile fixed
    /// FROM node:20-slim
    /// WORKDIR /app
    /// EXPOSE 8080
    /// CMD ["node", "app.js"]
    /// COPY app.js .
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-slim
    /// WORKDIR /app
    /// EXPOSE 8080
    /// CMD ["node", "app.js"]
    /// COPY app.js .
    /// ```
    ///
    /// ## Fix safety
    /// The fix moves the instructions (with the comments above them) right before the first copy of the sources.
    /// The built image is the same: metadata adds no files; the last instruction of each kind (and each `LABEL` or
    /// `ENV` key) still wins, because none is moved past another of its kind; values that expand a variable are not
    /// moved past the `ARG`/`ENV` that sets it; an `ENV` is moved only when no `RUN` it passes could see it; and
    /// `CMD` and `ENTRYPOINT` are not expanded by the builder at all.
    /// Only the image's history lists the instructions in the new order: the fix is safe.
    ///
    /// ## References
    /// - [Leverage the build cache](https://docs.docker.com/build/cache/#order-your-layers)
    /// - *Learn Docker in a Month of Lunches*, chapter 3: `web-ping` and `web-ping-optimized`
    pub struct MetadataAfterVolatile {
        code: "DF403",
        name: "metadata-after-volatile",
        category: Cache,
        severity: Info,
        fix: Sometimes,
        peers: [],
        options: [],
        default_enabled: false,
        withhold_fixes_on_syntax_errors: true,
        changes: [Move],
    }
}

fn is_metadata(ins: &Instruction) -> bool {
    match ins.kind {
        Kind::Expose | Kind::Cmd | Kind::Entrypoint | Kind::Label => true,
        // A constant: no variable in its values.
        Kind::Env => ins.var_refs().is_empty() && !ins.pairs.is_empty(),
        _ => false,
    }
}

/// The keys an instruction defines (ENV, ARG, LABEL).
fn keys(ins: &Instruction) -> Vec<String> {
    ins.pairs.iter().map(|p| p.key.clone()).collect()
}

/// Whether `moving` can be moved above everything in `between` that stays.
fn can_pass(f: &Facts, j: usize, between: &[usize], moved: &HashSet<usize>) -> bool {
    let moving = f.ins(j);
    let own_keys = keys(moving);
    let uses: Vec<String> = moving.var_refs().iter().map(|v| v.name.clone()).collect();
    for &i in between {
        if moved.contains(&i) {
            continue;
        }
        // The build model: the two read or write something in common.
        if f.model().depends(i, j) {
            return false;
        }
        let other = f.ins(i);
        // The last CMD/ENTRYPOINT wins: never reorder two of them.
        if matches!(moving.kind, Kind::Cmd | Kind::Entrypoint) && other.kind == moving.kind {
            return false;
        }
        // The instruction's variables must be defined above its new place.
        if matches!(other.kind, Kind::Env | Kind::Arg)
            && keys(other).iter().any(|k| uses.contains(k))
        {
            return false;
        }
        if matches!(moving.kind, Kind::Env | Kind::Label)
            && other.kind == moving.kind
            && keys(other).iter().any(|k| own_keys.contains(k))
        {
            return false;
        }
        if moving.kind == Kind::Env {
            // A RUN (or ONBUILD) between would see the variable where it did not before.
            if matches!(other.kind, Kind::Run | Kind::Onbuild) {
                return false;
            }
            if other.var_refs().iter().any(|v| own_keys.contains(&v.name)) {
                return false;
            }
        }
    }
    true
}

impl MetadataAfterVolatile {
    fn check_all(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let f = Facts::new(ctx);
        let doc = ctx.doc();
        for stage in doc.stages() {
            // The first copy that changes with the sources.
            let Some(v) = stage
                .instructions
                .clone()
                .find(|&i| f.steps[i].copy.as_ref().is_some_and(|c| c.volatile()))
            else {
                continue;
            };
            let candidates: Vec<usize> = (v + 1..stage.instructions.end)
                .filter(|&i| is_metadata(f.ins(i)))
                .collect();
            if candidates.is_empty() {
                continue;
            }
            let mut moved: HashSet<usize> = HashSet::new();
            let mut order: Vec<usize> = Vec::new();
            for &j in &candidates {
                let between: Vec<usize> = (v..j).collect();
                if can_pass(f, j, &between, &moved) {
                    moved.insert(j);
                    order.push(j);
                }
            }
            if order.is_empty() {
                continue;
            }
            let copy_text = ctx
                .slice(f.ins(v).range.clone())
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            let blocks: Vec<Block> = order
                .iter()
                .map(|&j| block(doc, j, true, ctx.newline()))
                .collect();
            let refs: Vec<&Block> = blocks.iter().collect();
            let mut edits = removals(doc, &refs);
            let text: String = blocks.iter().map(|b| b.text.as_str()).collect();
            edits.push(Edit::insert(block_start(doc, v), text));
            let names: Vec<&str> = order.iter().map(|&j| f.ins(j).kind.keyword()).collect();
            let fix = Fix::safe(
                format!("Move {} above `{copy_text}`", names.join(", ")),
                edits,
            );
            // Metadata that cannot move (a RUN that must not see an ENV, an ARG it uses) is where it is on
            // purpose: only what moves is reported.
            for &j in &order {
                let ins = f.ins(j);
                let message = format!(
                    "`{}` after a copy of the sources is redone on every source change: it belongs above the copy",
                    ins.keyword_text(ctx.text())
                );
                out.push(
                    ctx.diagnostic(ins.keyword.clone(), message)
                        .with_fix(fix.clone()),
                );
            }
        }
    }
}

impl Rule for MetadataAfterVolatile {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        self.check_all(ctx, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &MetadataAfterVolatile::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                (
                    "FROM a\nCOPY app.js .\nCMD [\"node\", \"app.js\"]\n",
                    &["CMD"],
                ),
                (
                    "FROM a\nCOPY . .\nRUN make\nENV A=1\nEXPOSE 80\nLABEL x=y\n",
                    &["EXPOSE", "LABEL"],
                ),
                (
                    "FROM a AS b\nCOPY . .\nRUN x\nFROM c\nCOPY --from=b /x /x\nENTRYPOINT [\"/x\"]\n",
                    &["ENTRYPOINT"],
                ),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nCMD [\"node\", \"app.js\"]\nCOPY app.js .\n",
                "FROM a\nCOPY package.json .\nEXPOSE 80\nRUN npm ci\n",
                "FROM a\nCOPY . .\nENV PATH=/app/bin:$PATH\n",
                "FROM a\nCOPY --from=nginx:alpine /etc/nginx /etc/nginx\nEXPOSE 80\n",
                "FROM a\nCOPY <<EOF /x\nhi\nEOF\nCMD [\"cat\", \"/x\"]\n",
            ],
        );
    }

    #[test]
    fn metadata_that_cannot_move_is_left_alone() {
        assert!(spec::diagnostics(R, "FROM a\nCOPY . .\nRUN make\nENV A=1\n").is_empty());
        assert!(spec::diagnostics(R, "FROM a\nCOPY . .\nARG V\nLABEL v=$V\n").is_empty());
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Safe,
            &[
                (
                    "FROM a\n\nWORKDIR /web\nCOPY app.js .\n\nCMD [\"node\", \"/web/app.js\"]",
                    "FROM a\n\nWORKDIR /web\nCMD [\"node\", \"/web/app.js\"]\nCOPY app.js .",
                ),
                (
                    "FROM a\r\n# the sources\r\nCOPY . .\r\nRUN make\r\n# port\r\nEXPOSE 80\r\nENV A=1\r\nCMD [\"x\"]\r\nLABEL a=$V\r\n",
                    "FROM a\r\n# port\r\nEXPOSE 80\r\nCMD [\"x\"]\r\nLABEL a=$V\r\n# the sources\r\nCOPY . .\r\nRUN make\r\nENV A=1\r\n",
                ),
                (
                    "FROM a\nCOPY . .\nCMD [\"a\"]\nRUN x\nCMD [\"b\"]\n",
                    "FROM a\nCMD [\"a\"]\nCMD [\"b\"]\nCOPY . .\nRUN x\n",
                ),
                // Removals that reach the end of a file without a final line break, a blank line between them.
                (
                    "FROM a\r\nCOPY a /\r\nENTRYPOINT [\"x\"]\r\n\r\nEXPOSE 5432\r\nCMD [\"y\"]",
                    "FROM a\r\nENTRYPOINT [\"x\"]\r\nEXPOSE 5432\r\nCMD [\"y\"]\r\nCOPY a /",
                ),
                (
                    "FROM a\nCOPY . .\nARG V\nLABEL version=$V\nEXPOSE 80\n",
                    "FROM a\nEXPOSE 80\nCOPY . .\nARG V\nLABEL version=$V\n",
                ),
            ],
        );
    }
}
