//! One file per rule; `RULES` is the registry, one line per rule.
use crate::engine::RuleMeta;

mod duplicate_stage_name;
mod empty_continuation_line;
mod from_as_casing;
mod instruction_casing;
mod latest_tag;
mod legacy_key_value_format;
mod maintainer_deprecated;
mod reserved_stage_name;
mod syntax_error;
mod unknown_flag;
mod unknown_instruction;
mod untagged_image;
mod unused_suppression;
mod workdir_relative_path;

#[cfg(test)]
pub(crate) mod spec;

pub use duplicate_stage_name::DuplicateStageName;
pub use empty_continuation_line::EmptyContinuationLine;
pub use from_as_casing::FromAsCasing;
pub use instruction_casing::InstructionCasing;
pub use latest_tag::LatestTag;
pub use legacy_key_value_format::LegacyKeyValueFormat;
pub use maintainer_deprecated::MaintainerDeprecated;
pub use reserved_stage_name::ReservedStageName;
pub use syntax_error::SyntaxError;
pub use unknown_flag::{known_flags, UnknownFlag};
pub use unknown_instruction::UnknownInstruction;
pub use untagged_image::UntaggedImage;
pub use unused_suppression::UnusedSuppression;
pub use workdir_relative_path::WorkdirRelativePath;

/// Every rule, by code.
pub static RULES: &[RuleMeta] = &[
    UnknownInstruction::META,
    UnknownFlag::META,
    WorkdirRelativePath::META,
    DuplicateStageName::META,
    ReservedStageName::META,
    LatestTag::META,
    UntaggedImage::META,
    InstructionCasing::META,
    FromAsCasing::META,
    LegacyKeyValueFormat::META,
    EmptyContinuationLine::META,
    MaintainerDeprecated::META,
    SyntaxError::META,
    UnusedSuppression::META,
];
