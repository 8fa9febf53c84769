//! The build model: what each instruction of a document does, below the engine and the rules (which ask it) and
//! above the syntax layer, the shell analysis and the knowledge tables (which it reads). No IO; built once per lint.
//!
//! - `facts`: each instruction read from the source (COPY sources and destination, RUN scripts and the actions
//!   recognised in them, stage bases).
//! - `state`: what is in force when each instruction runs (ARG/ENV with Docker's scoping, WORKDIR, USER, SHELL,
//!   inherited through `FROM <stage>`).
//! - `access` and `effects`: what each instruction reads and writes (paths with how far below them the access
//!   reaches, variables, the state and config it sets), "unknown" where the analysis is not sure.
//! - `model`: dependencies (two instructions depend on each other when one reads or writes what the other writes,
//!   or either is unknown), the checks rules make before they move lines, and each stage's image config.
//! - `contract`: the after-fix check the engine runs on every fix; `reorder`: its cheap form for fixes that only
//!   move or drop whole instructions, read against the original's model without parsing the fixed text.
//! - `runs`: the RUN scripts the shell rules read and the package-manager commands in them, found once per lint.
//!
//! Deliberate limits (what the model does not see):
//! - The base image: its WORKDIR (unless `knowledge` knows it; otherwise a stand-in folder that only compares with
//!   other relative paths), its ENV, its files. A stage built on an image whose WORKDIR is unknown is assumed not to
//!   work in a system folder.
//! - `--build-arg`: an ARG has its default value.
//! - The build context's content: a copied folder may hold any file (with a build context, `facts` tells folders
//!   from files).
//! - Packages install into the system folders (`knowledge::SYSTEM_DIRS`), not into `/home`, `/srv` or an
//!   application folder; programs the model knows are the system's, not a copied replacement.
//! - A command it does not know (a script, an interpreter, `sh -c`, `make` targets' recipes aside) is unknown and
//!   pins its RUN; a variable set inside the script is unknown.
//! - A build tool reads the folder it runs in, the direct entries of the folders above it and the files it names;
//!   Go and C compilers read their source files anywhere; a dependency install reads its whole project folder.
//! - Creating a WORKDIR folder commutes with copies into it; only the state it sets is ordered.
//! - The config of a stage built on an image starts empty: changes are compared, not the image's values.
//! - Between stages: `COPY --from`, a mount's `from=` and `FROM <stage>` read what the named stage (and the stages it
//!   builds on) wrote, by path prefix; a read of an image, or of a stage named through a variable, sees no writer.
//! - `RUN --mount`: what the RUN reads or writes below a mount's target is the mount's, not the image's (a cache or
//!   tmpfs keeps nothing, a bind mount's writes are dropped); a target the model cannot resolve hides nothing.
//!   A bind mount of the build context reads no path of the image.
//! - The whole-build rewrite (`Change::Stages`) is compared on the final image only: its config, and the files its
//!   ENTRYPOINT and CMD name (words with a `/`, and program names) that the build wrote. A WORKDIR below a toolchain
//!   image's unknown WORKDIR is taken as below `/` (the rewrite takes it so); a system program (`/usr/bin/...`) is
//!   the image's even after a step the model does not understand; a toolchain's own ENV settings (`CGO_ENABLED`,
//!   `CARGO_HOME` ...) may leave with the toolchain.
pub(crate) mod access;
pub(crate) mod contract;
pub(crate) mod effects;
pub(crate) mod facts;
pub(crate) mod model;
pub(crate) mod reorder;
pub(crate) mod runs;
pub(crate) mod state;
