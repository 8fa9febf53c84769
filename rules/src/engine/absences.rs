//! The peers' checks dflint deliberately does not have, and why: with the rules' declared peers, this answers
//! `dflint rule InvalidBaseImagePlatform` for every code of hadolint and BuildKit, and the rule index lists them.
//!
//! A code belongs here only by a decision, never as a to-do: a check no rule covers yet is simply absent, and the
//! lookup says so. When a rule declares one of these codes as its peer, the entry must go (a test checks it).
use super::rule::Peer;
use super::settings::all_rules;

/// A peer's check that dflint does not implement on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Absence {
    pub peer: Peer,
    /// What the peer checks, in a few words.
    pub checks: &'static str,
    /// Why dflint does not.
    pub why: &'static str,
    /// The names of the rules that do what a user wanted from the check instead, if any.
    pub instead: &'static [&'static str],
}

pub const ABSENCES: &[Absence] = &[
    Absence {
        peer: Peer::BuildKit("InvalidBaseImagePlatform"),
        checks: "a base image whose platform differs from the target platform",
        why: "only the pulled image's manifest says which platforms it has, and dflint never uses the network",
        instead: &[],
    },
];

/// The documented absence of a peer's code (any case), if it is one.
pub fn absence(code: &str) -> Option<&'static Absence> {
    let code = code.trim();
    ABSENCES
        .iter()
        .find(|a| a.peer.code().eq_ignore_ascii_case(code))
}

/// Which peer tool a code looks like it belongs to: hadolint's `DL` codes, ShellCheck's `SC` codes (which hadolint
/// runs), or one of BuildKit's check names.
pub fn peer_tool_of(code: &str) -> Option<&'static str> {
    let code = code.trim();
    let numbered = |prefix: &str| {
        code.len() == 6
            && code[..2].eq_ignore_ascii_case(prefix)
            && code[2..].bytes().all(|b| b.is_ascii_digit())
    };
    if code.is_char_boundary(2) && numbered("DL") {
        Some("hadolint")
    } else if code.is_char_boundary(2) && numbered("SC") {
        Some("ShellCheck (through hadolint)")
    } else if BUILDKIT_CHECKS.iter().any(|c| c.eq_ignore_ascii_case(code)) {
        Some("BuildKit")
    } else {
        None
    }
}

/// BuildKit's build checks (docs.docker.com/reference/build-checks/), so their names are recognised even where no
/// rule declares them.
pub const BUILDKIT_CHECKS: &[&str] = &[
    "ConsistentInstructionCasing",
    "CopyIgnoredFile",
    "DuplicateStageName",
    "ExposeInvalidFormat",
    "ExposeProtoCasing",
    "FromAsCasing",
    "FromPlatformFlagConstDisallowed",
    "InvalidBaseImagePlatform",
    "InvalidDefaultArgInFrom",
    "InvalidDefinitionDescription",
    "JSONArgsRecommended",
    "LegacyKeyValueFormat",
    "MaintainerDeprecated",
    "MultipleInstructionsDisallowed",
    "NoEmptyContinuation",
    "RedundantTargetPlatform",
    "ReservedStageName",
    "SecretsUsedInArgOrEnv",
    "StageNameCasing",
    "UndefinedArgInFrom",
    "UndefinedVar",
    "WorkdirRelativePath",
];

/// Every rule that declares `code` as a peer's equivalent (a peer's check may be split over several rules).
pub fn rules_for_peer(code: &str) -> Vec<&'static super::rule::RuleMeta> {
    let code = code.trim();
    all_rules()
        .iter()
        .filter(|r| r.peers.iter().any(|p| p.code().eq_ignore_ascii_case(code)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::resolve_rule;

    #[test]
    fn absences_are_decisions_not_stale_entries() {
        for a in ABSENCES {
            assert!(
                rules_for_peer(a.peer.code()).is_empty(),
                "{} is declared by a rule now: remove it from ABSENCES",
                a.peer.code()
            );
            for name in a.instead {
                assert!(
                    resolve_rule(name).is_some(),
                    "{}: no rule `{name}`",
                    a.peer.code()
                );
            }
            assert!(peer_tool_of(a.peer.code()).is_some(), "{}", a.peer.code());
        }
    }

    #[test]
    fn declared_buildkit_peers_are_known_checks() {
        for rule in all_rules() {
            for peer in rule.peers {
                if let Peer::BuildKit(name) = peer {
                    assert!(BUILDKIT_CHECKS.contains(name), "{}: {name}", rule.code);
                }
            }
        }
    }

    #[test]
    fn codes_are_recognised_by_shape() {
        assert_eq!(peer_tool_of("dl3020"), Some("hadolint"));
        assert_eq!(
            peer_tool_of("SC2086"),
            Some("ShellCheck (through hadolint)")
        );
        assert_eq!(peer_tool_of("undefinedvar"), Some("BuildKit"));
        assert_eq!(peer_tool_of("DL30"), None);
        assert_eq!(peer_tool_of("DF301"), None);
        assert_eq!(peer_tool_of("é1234"), None);
    }
}
