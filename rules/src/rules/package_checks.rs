//! What the package-manager rules share: one pass over every RUN's package commands, the report of packages
//! installed without a version, and the report of commands that would stop at a prompt.
use crate::engine::{Context, Diagnostic, Edit, Fix};
use crate::rules::run_scripts::operator_after;
use crate::shell::{Manager, PackageCommand, Script, Word};

/// Calls `f` with every package-manager command of every RUN (past `sudo`, `xargs`, `python -m`, and inside
/// `sh -c '...'`), and the script and index of the command in it. The commands are found once per lint.
pub(crate) fn each_package_command(
    ctx: &Context,
    mut f: impl FnMut(&PackageCommand, &Script, usize),
) {
    for hit in ctx.package_commands() {
        f(&hit.command, hit.script, hit.index);
    }
}

/// Reports, once per command, the packages `unpinned` picks: on the first of them, naming them all.
pub(crate) fn report_unpinned(
    ctx: &Context,
    out: &mut Vec<Diagnostic>,
    what: &str,
    unpinned: for<'p> fn(&PackageCommand<'p>) -> Vec<&'p Word>,
) {
    each_package_command(ctx, |p, _, _| {
        let packages = unpinned(p);
        if !packages.is_empty() {
            out.push(unpinned_diagnostic(ctx, what, &packages));
        }
    });
}

/// The diagnostic for `packages` (not empty) that have no version.
fn unpinned_diagnostic(ctx: &Context, what: &str, packages: &[&Word]) -> Diagnostic {
    let names: Vec<String> = packages
        .iter()
        .take(3)
        .map(|w| format!("`{}`", w.value))
        .collect();
    let more = packages.len().saturating_sub(3);
    let list = match more {
        0 => names.join(", "),
        n => format!("{} and {n} more", names.join(", ")),
    };
    let (s, verb) = if packages.len() == 1 {
        ("", "has")
    } else {
        ("s", "have")
    };
    ctx.diagnostic(
        packages[0].range.clone(),
        format!("{what}{s} {list} {verb} no pinned version"),
    )
}

/// Whether the command reads its answers from `yes` (`yes | apt-get install x`): no prompt waits.
pub(crate) fn fed_by_yes(ctx: &Context, script: &Script, at: usize) -> bool {
    let Some(prev) = at.checked_sub(1).and_then(|i| script.commands.get(i)) else {
        return false;
    };
    let cur = &script.commands[at];
    prev.program() == Some("yes")
        && operator_after(ctx.text(), prev.range.end, cur.range.start)
            .is_some_and(|(_, gap)| gap.starts_with('|') && !gap.starts_with("||"))
}

/// How a prompt rule's fix adds its option.
#[derive(Clone, Copy)]
pub(crate) enum AddOption {
    /// After the subcommand, safe (`apt-get install -y`).
    AfterSubcommandSafe(&'static str),
    /// After the program, before the subcommand (`zypper --non-interactive install`), unsafe.
    AfterProgramUnsafe(&'static str),
}

/// A command that stops at a prompt: reported on its subcommand, with a fix that adds an option.
fn prompt_diagnostic(
    ctx: &Context,
    p: &PackageCommand,
    message: String,
    add: AddOption,
) -> Option<Diagnostic> {
    let sub = p.subcommand?;
    let (flag, at, safe) = match add {
        AddOption::AfterSubcommandSafe(f) => (f, sub.range.end, true),
        AddOption::AfterProgramUnsafe(f) => (f, p.program.range.end, false),
    };
    let title = format!("Add `{flag}`");
    let edits = vec![Edit::insert(at, format!(" {flag}"))];
    let fix = if safe {
        Fix::safe(title, edits)
    } else {
        Fix::unsafe_(title, edits)
    };
    Some(ctx.diagnostic(sub.range.clone(), message).with_fix(fix))
}

/// The packages of a yum or dnf install without a version, as hadolint reads them: a package is pinned when
/// what follows its first `-` reads as a version (`httpd-2.4.57`, `nginx-1:1.24.0-1.el9`) or it is an `.rpm`;
/// a module (`yum module install nodejs:20`) when it names its stream.
pub(crate) fn unpinned_rpm<'p>(p: &PackageCommand<'p>) -> Vec<&'p Word> {
    let (modules, packages) = match p.sub() {
        Some("install" | "in") => (false, &p.operands[..]),
        Some("module") if p.operands.first().is_some_and(|w| w.value == "install") => {
            (true, &p.operands[1..])
        }
        _ => return Vec::new(),
    };
    packages
        .iter()
        .copied()
        .filter(|w| {
            let v = w.value.as_str();
            let pinned = if modules {
                v.contains(':')
            } else {
                v.ends_with(".rpm") || version_like(v)
            };
            !(w.dynamic || pinned)
        })
        .collect()
}

/// `name-1.2.3-4.el9`: the parts after the first `-` are made of version characters and one starts with a digit.
fn version_like(v: &str) -> bool {
    let mut parts = v.split('-');
    parts.next();
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && rest.iter().all(|p| {
            p.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".~^_:+".contains(c))
        })
        && rest
            .iter()
            .any(|p| p.starts_with(|c: char| c.is_ascii_digit()))
}

/// Reports the commands of `manager` that `prompts` says would ask for confirmation and that nothing answers
/// (no yes option `answered` finds, no `yes |`, no option hidden in a variable), with a fix that adds an option.
pub(crate) fn report_prompts(
    ctx: &Context,
    out: &mut Vec<Diagnostic>,
    prompts: impl Fn(&PackageCommand) -> bool,
    answered: fn(&PackageCommand) -> bool,
    message: fn(&PackageCommand) -> String,
    add: AddOption,
) {
    each_package_command(ctx, |p, script, i| {
        if !prompts(p) || answered(p) || p.dynamic_option() || fed_by_yes(ctx, script, i) {
            return;
        }
        out.extend(prompt_diagnostic(ctx, p, message(p), add));
    });
}

/// The rules that add `-y` (apt-get, yum, dnf): a command `prompts` accepts and `answered` leaves asking is
/// reported, with the safe fix that adds `-y` after the subcommand.
pub(crate) fn report_without_yes(
    ctx: &Context,
    out: &mut Vec<Diagnostic>,
    prompts: impl Fn(&PackageCommand) -> bool,
    answered: fn(&PackageCommand) -> bool,
) {
    report_prompts(
        ctx,
        out,
        prompts,
        answered,
        |p| {
            format!(
                "`{} {}` without `-y` stops at its prompt in a build",
                p.program.value,
                p.sub().unwrap_or_default()
            )
        },
        AddOption::AfterSubcommandSafe("-y"),
    );
}

/// yum and dnf: a transaction of `manager` that nothing answers.
pub(crate) fn report_rpm_without_yes(ctx: &Context, out: &mut Vec<Diagnostic>, manager: Manager) {
    report_without_yes(
        ctx,
        out,
        |p| p.manager == manager && rpm_transaction(p),
        rpm_assumes_yes,
    );
}

/// Whether a yum or dnf command runs a transaction, which asks for confirmation.
pub(crate) fn rpm_transaction(p: &PackageCommand) -> bool {
    match p.sub() {
        Some(
            "install" | "in" | "groupinstall" | "localinstall" | "reinstall" | "remove" | "rm"
            | "erase" | "update" | "upgrade" | "up" | "downgrade" | "autoremove" | "distro-sync"
            | "groupupdate" | "groupremove",
        ) => true,
        Some("group" | "module") => p.operands.first().is_some_and(|w| {
            matches!(
                w.value.as_str(),
                "install" | "remove" | "upgrade" | "update" | "erase" | "reset"
            )
        }),
        _ => false,
    }
}

/// Whether a yum or dnf command answers yes: `-y`, `--assumeyes`, `--setopt=assumeyes=1`.
pub(crate) fn rpm_assumes_yes(p: &PackageCommand) -> bool {
    p.has(&["--assumeyes"], &['y'])
        || p.values(&["--setopt"]).iter().any(|s| {
            s.split_once('=').is_some_and(|(k, v)| {
                k == "assumeyes" && matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes")
            })
        })
}
