//! One file per rule; `RULES` is the registry, one line per rule.
use crate::engine::RuleMeta;

mod add_instead_of_copy;
mod apt_get_without_yes;
mod apt_install_recommends;
mod apt_instead_of_apt_get;
mod archive_copied_then_extracted;
mod backtick_substitution;
mod build_deps_in_final_stage;
mod cd_in_run;
mod chmod_after_copy;
mod cmd_shell_form_with_entrypoint;
mod command_pointless_in_build;
mod consecutive_run;
mod constant_from_platform;
mod copy_args;
mod copy_from_missing_artifact;
mod copy_from_unknown_stage;
mod copy_ignored_file;
mod copy_multiple_sources_to_file;
mod copy_relative_without_workdir;
mod curl_and_wget;
mod declaration_masks_status;
mod dnf_without_yes;
mod duplicate_stage_name;
mod echo_escape_sequence;
mod empty_continuation_line;
mod empty_label;
mod entrypoint_shell_form;
mod env_self_reference;
mod exec_form_not_json;
mod exec_form_single_string;
mod expansion_in_single_quotes;
mod expose_host_mapping;
mod expose_proto_casing;
mod final_stage_from_builder;
mod from_as_casing;
mod hadolint_ignore_pragma;
mod instruction_before_from;
mod instruction_casing;
mod invalid_default_arg_in_from;
mod invalid_definition_description;
mod invalid_expose;
mod invalid_healthcheck;
mod invalid_instruction;
mod invalid_label_key;
mod label_not_email;
mod label_not_git_hash;
mod label_not_rfc3339;
mod label_not_semver;
mod label_not_spdx;
mod label_not_url;
mod label_schema;
mod latest_tag;
mod legacy_key_value_format;
mod ln_bin_sh;
mod loop_over_one_word;
mod maintainer_deprecated;
mod metadata_after_volatile;
mod missing_dockerignore;
mod missing_healthcheck;
mod missing_label;
mod multiple_cmd;
mod multiple_entrypoint;
mod multiple_healthcheck;
mod negation_skips_errexit;
mod package_cache_in_layer;
mod package_checks;
mod pipe_without_pipefail;
mod redundant_target_platform;
mod reserved_stage_name;
mod run_scripts;
mod secret_in_arg_or_env;
mod shell_cmd_signals;
mod shell_syntax_error;
mod shellcheck_findings;
mod source_copy_before_install;
mod stage_name_casing;
mod sudo_in_run;
mod superfluous_label;
mod syntax_error;
mod too_deeply_nested;
mod toolchain_in_final_image;
mod undefined_arg_in_from;
mod undefined_shell_variable;
mod undefined_var;
mod unknown_flag;
mod unknown_instruction;
mod unpinned_apk_package;
mod unpinned_apt_package;
mod unpinned_dnf_package;
mod unpinned_gem;
mod unpinned_go_package;
mod unpinned_npm_package;
mod unpinned_pip_package;
mod unpinned_yum_package;
mod unpinned_zypper_package;
mod unquoted_command_substitution;
mod unquoted_expansion;
mod untagged_image;
mod untrusted_registry;
mod unused_suppression;
mod user_not_numeric;
mod user_root_last;
mod useradd_without_no_log_init;
mod volatile_layer_before_stable;
mod wget_progress;
mod workdir_relative_path;
mod yum_without_yes;
mod zypper_dist_upgrade;
mod zypper_without_non_interactive;

#[cfg(test)]
pub(crate) mod spec;

pub use add_instead_of_copy::AddInsteadOfCopy;
pub use apt_get_without_yes::AptGetWithoutYes;
pub use apt_install_recommends::AptInstallRecommends;
pub use apt_instead_of_apt_get::AptInsteadOfAptGet;
pub use archive_copied_then_extracted::ArchiveCopiedThenExtracted;
pub use backtick_substitution::BacktickSubstitution;
pub use build_deps_in_final_stage::BuildDepsInFinalStage;
pub use cd_in_run::CdInRun;
pub use chmod_after_copy::ChmodAfterCopy;
pub use cmd_shell_form_with_entrypoint::CmdShellFormWithEntrypoint;
pub use command_pointless_in_build::CommandPointlessInBuild;
pub use consecutive_run::ConsecutiveRun;
pub use constant_from_platform::ConstantFromPlatform;
pub use copy_from_missing_artifact::CopyFromMissingArtifact;
pub use copy_from_unknown_stage::CopyFromUnknownStage;
pub use copy_ignored_file::CopyIgnoredFile;
pub use copy_multiple_sources_to_file::CopyMultipleSourcesToFile;
pub use copy_relative_without_workdir::CopyRelativeWithoutWorkdir;
pub use curl_and_wget::CurlAndWget;
pub use declaration_masks_status::DeclarationMasksStatus;
pub use dnf_without_yes::DnfWithoutYes;
pub use duplicate_stage_name::DuplicateStageName;
pub use echo_escape_sequence::EchoEscapeSequence;
pub use empty_continuation_line::EmptyContinuationLine;
pub use empty_label::EmptyLabel;
pub use entrypoint_shell_form::EntrypointShellForm;
pub use env_self_reference::EnvSelfReference;
pub use exec_form_not_json::ExecFormNotJson;
pub use exec_form_single_string::ExecFormSingleString;
pub use expansion_in_single_quotes::ExpansionInSingleQuotes;
pub use expose_host_mapping::ExposeHostMapping;
pub use expose_proto_casing::ExposeProtoCasing;
pub use final_stage_from_builder::FinalStageFromBuilder;
pub use from_as_casing::FromAsCasing;
pub use hadolint_ignore_pragma::HadolintIgnorePragma;
pub use instruction_before_from::InstructionBeforeFrom;
pub use instruction_casing::InstructionCasing;
pub use invalid_default_arg_in_from::InvalidDefaultArgInFrom;
pub use invalid_definition_description::InvalidDefinitionDescription;
pub use invalid_expose::InvalidExpose;
pub use invalid_healthcheck::InvalidHealthcheck;
pub use invalid_instruction::InvalidInstruction;
pub use invalid_label_key::InvalidLabelKey;
pub use label_not_email::LabelNotEmail;
pub use label_not_git_hash::LabelNotGitHash;
pub use label_not_rfc3339::LabelNotRfc3339;
pub use label_not_semver::LabelNotSemver;
pub use label_not_spdx::LabelNotSpdx;
pub use label_not_url::LabelNotUrl;
pub use latest_tag::LatestTag;
pub use legacy_key_value_format::LegacyKeyValueFormat;
pub use ln_bin_sh::LnBinSh;
pub use loop_over_one_word::LoopOverOneWord;
pub use maintainer_deprecated::MaintainerDeprecated;
pub use metadata_after_volatile::MetadataAfterVolatile;
pub use missing_dockerignore::MissingDockerignore;
pub use missing_healthcheck::MissingHealthcheck;
pub use missing_label::MissingLabel;
pub use multiple_cmd::MultipleCmd;
pub use multiple_entrypoint::MultipleEntrypoint;
pub use multiple_healthcheck::MultipleHealthcheck;
pub use negation_skips_errexit::NegationSkipsErrexit;
pub use package_cache_in_layer::PackageCacheInLayer;
pub use pipe_without_pipefail::PipeWithoutPipefail;
pub use redundant_target_platform::RedundantTargetPlatform;
pub use reserved_stage_name::ReservedStageName;
pub use secret_in_arg_or_env::SecretInArgOrEnv;
pub use shell_cmd_signals::ShellCmdSignals;
pub use shell_syntax_error::ShellSyntaxError;
pub use shellcheck_findings::{external_scripts, ExternalScript};
pub use source_copy_before_install::SourceCopyBeforeInstall;
pub use stage_name_casing::StageNameCasing;
pub use sudo_in_run::SudoInRun;
pub use superfluous_label::SuperfluousLabel;
pub use syntax_error::SyntaxError;
pub use too_deeply_nested::TooDeeplyNested;
pub use toolchain_in_final_image::ToolchainInFinalImage;
pub use undefined_arg_in_from::UndefinedArgInFrom;
pub use undefined_shell_variable::UndefinedShellVariable;
pub use undefined_var::UndefinedVar;
pub use unknown_flag::{known_flags, UnknownFlag};
pub use unknown_instruction::UnknownInstruction;
pub use unpinned_apk_package::UnpinnedApkPackage;
pub use unpinned_apt_package::UnpinnedAptPackage;
pub use unpinned_dnf_package::UnpinnedDnfPackage;
pub use unpinned_gem::UnpinnedGem;
pub use unpinned_go_package::UnpinnedGoPackage;
pub use unpinned_npm_package::UnpinnedNpmPackage;
pub use unpinned_pip_package::UnpinnedPipPackage;
pub use unpinned_yum_package::UnpinnedYumPackage;
pub use unpinned_zypper_package::UnpinnedZypperPackage;
pub use unquoted_command_substitution::UnquotedCommandSubstitution;
pub use unquoted_expansion::UnquotedExpansion;
pub use untagged_image::UntaggedImage;
pub use untrusted_registry::UntrustedRegistry;
pub use unused_suppression::UnusedSuppression;
pub use user_not_numeric::UserNotNumeric;
pub use user_root_last::UserRootLast;
pub use useradd_without_no_log_init::UseraddWithoutNoLogInit;
pub use volatile_layer_before_stable::VolatileLayerBeforeStable;
pub use wget_progress::WgetProgress;
pub use workdir_relative_path::WorkdirRelativePath;
pub use yum_without_yes::YumWithoutYes;
pub use zypper_dist_upgrade::ZypperDistUpgrade;
pub use zypper_without_non_interactive::ZypperWithoutNonInteractive;

/// Every rule, by code.
pub static RULES: &[RuleMeta] = &[
    UnknownInstruction::META,
    UnknownFlag::META,
    WorkdirRelativePath::META,
    DuplicateStageName::META,
    ReservedStageName::META,
    InvalidInstruction::META,
    InstructionBeforeFrom::META,
    InvalidHealthcheck::META,
    InvalidExpose::META,
    UndefinedVar::META,
    UndefinedArgInFrom::META,
    InvalidDefaultArgInFrom::META,
    CopyIgnoredFile::META,
    ExposeHostMapping::META,
    ConstantFromPlatform::META,
    AptGetWithoutYes::META,
    YumWithoutYes::META,
    ZypperWithoutNonInteractive::META,
    DnfWithoutYes::META,
    AptInsteadOfAptGet::META,
    PipeWithoutPipefail::META,
    CopyMultipleSourcesToFile::META,
    EnvSelfReference::META,
    CopyRelativeWithoutWorkdir::META,
    UntrustedRegistry::META,
    SecretInArgOrEnv::META,
    UserRootLast::META,
    SudoInRun::META,
    UserNotNumeric::META,
    LatestTag::META,
    UntaggedImage::META,
    UnpinnedAptPackage::META,
    UnpinnedApkPackage::META,
    UnpinnedPipPackage::META,
    UnpinnedNpmPackage::META,
    UnpinnedGem::META,
    UnpinnedYumPackage::META,
    UnpinnedZypperPackage::META,
    UnpinnedDnfPackage::META,
    UnpinnedGoPackage::META,
    ZypperDistUpgrade::META,
    SourceCopyBeforeInstall::META,
    VolatileLayerBeforeStable::META,
    MetadataAfterVolatile::META,
    MissingDockerignore::META,
    PackageCacheInLayer::META,
    ToolchainInFinalImage::META,
    BuildDepsInFinalStage::META,
    FinalStageFromBuilder::META,
    CopyFromUnknownStage::META,
    CopyFromMissingArtifact::META,
    ChmodAfterCopy::META,
    UseraddWithoutNoLogInit::META,
    ArchiveCopiedThenExtracted::META,
    AptInstallRecommends::META,
    EntrypointShellForm::META,
    CmdShellFormWithEntrypoint::META,
    ExecFormSingleString::META,
    ExecFormNotJson::META,
    MultipleCmd::META,
    MultipleEntrypoint::META,
    MultipleHealthcheck::META,
    ShellCmdSignals::META,
    InstructionCasing::META,
    FromAsCasing::META,
    LegacyKeyValueFormat::META,
    EmptyContinuationLine::META,
    MaintainerDeprecated::META,
    CdInRun::META,
    WgetProgress::META,
    StageNameCasing::META,
    RedundantTargetPlatform::META,
    ExposeProtoCasing::META,
    InvalidDefinitionDescription::META,
    AddInsteadOfCopy::META,
    ConsecutiveRun::META,
    CommandPointlessInBuild::META,
    CurlAndWget::META,
    LnBinSh::META,
    MissingHealthcheck::META,
    HadolintIgnorePragma::META,
    InvalidLabelKey::META,
    MissingLabel::META,
    SuperfluousLabel::META,
    EmptyLabel::META,
    LabelNotUrl::META,
    LabelNotRfc3339::META,
    LabelNotSpdx::META,
    LabelNotGitHash::META,
    LabelNotSemver::META,
    LabelNotEmail::META,
    UnquotedExpansion::META,
    UnquotedCommandSubstitution::META,
    DeclarationMasksStatus::META,
    BacktickSubstitution::META,
    ExpansionInSingleQuotes::META,
    EchoEscapeSequence::META,
    NegationSkipsErrexit::META,
    LoopOverOneWord::META,
    UndefinedShellVariable::META,
    ShellSyntaxError::META,
    SyntaxError::META,
    UnusedSuppression::META,
    TooDeeplyNested::META,
];
