//! Analysis shared by the optimizer rules (families cache, size and entrypoint): what each instruction does, and the
//! line-level edits their fixes are made of.
pub(crate) mod commands;
pub(crate) use crate::build::facts;
pub(crate) mod layers;
pub(crate) mod lines;
pub(crate) mod multistage;
pub(crate) mod product;
pub(crate) mod runtime;
