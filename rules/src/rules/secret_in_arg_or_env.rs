//! `secret-in-arg-or-env`: an `ARG` or `ENV` whose name says it holds a secret (`GITHUB_TOKEN`, `DB_PASSWORD`).
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::syntax::Kind;

declare_rule! {
    /// Reports an `ARG` or `ENV` in a stage whose name says it holds a secret.
    ///
    /// That is: one of its `_`-separated parts is `apikey`, `auth`, `credential(s)`, `key`, `password`, `pword`,
    /// `passwd`, `secret` or `token` (in any case), and none is `public`, `file` or `version`.
    ///
    /// ## Why is this bad?
    /// `ENV` values are stored in the image's config, and `ARG` values in its build history (`docker history`) and
    /// in the provenance the build attaches; anyone who can pull the image can read them.
    /// Pass secrets with secret mounts instead (`RUN --mount=type=secret,id=...,env=NAME`), which leave nothing in
    /// the image.
    /// The words are BuildKit's, and so is the scope of BuildKit's `SecretsUsedInArgOrEnv` check: `ARG` and `ENV`
    /// inside stages (an `ARG` before the first `FROM` only reaches `FROM` lines).
    /// One deliberate difference: a name with a `gpg` or `pgp` part (`GPG_KEY`) is not reported, since it holds
    /// the id of a public key that verifies a download (25 of BuildKit's 72 findings on dflint's corpus were
    /// docker-library's `ENV GPG_KEY`).
    ///
    /// ## Differences from hadolint
    /// hadolint's `DL3064` reports the same names, and also a name with a `file` part (`PASSWORD_FILE`), which holds
    /// the path of a secret file (docker-library images read `*_FILE` variables so that secrets can stay out of the
    /// image): not a secret, not reported here. It reports at most one finding per instruction; this rule reports
    /// each name, so `ENV MY_SECRET=1 API_TOKEN=2` gives two.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM amazon/aws-cli:2.17.0
    /// ARG AWS_ACCESS_KEY_ID
    /// ARG AWS_SECRET_ACCESS_KEY
    /// RUN aws s3 cp s3://my-bucket/file .
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM amazon/aws-cli:2.17.0
    /// RUN --mount=type=secret,id=aws_key_id,env=AWS_ACCESS_KEY_ID \
    ///     --mount=type=secret,id=aws_secret_key,env=AWS_SECRET_ACCESS_KEY \
    ///     aws s3 cp s3://my-bucket/file .
    /// ```
    ///
    /// ## References
    /// - [Build secrets](https://docs.docker.com/build/building/secrets/)
    /// - BuildKit's [`SecretsUsedInArgOrEnv`](https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/)
    /// - hadolint's [`DL3064`](https://github.com/hadolint/hadolint/wiki/DL3064)
    pub struct SecretInArgOrEnv {
        code: "DF202",
        name: "secret-in-arg-or-env",
        category: Security,
        severity: Warning,
        fix: None,
        peers: [Peer::BuildKit("SecretsUsedInArgOrEnv"), Peer::Hadolint("DL3064")],
        options: [],
    }
}

const SECRET: &[&str] = &[
    "apikey",
    "auth",
    "credential",
    "credentials",
    "key",
    "password",
    "pword",
    "passwd",
    "secret",
    "token",
];
/// BuildKit's allowed words, and `gpg`/`pgp`: a GPG key named in a Dockerfile is the id or fingerprint of a public
/// key that verifies a download (docker-library's `ENV GPG_KEY ...`), never a secret.
const ALLOWED: &[&str] = &["public", "file", "version", "gpg", "pgp"];

/// BuildKit's test on a name: a part between `_`s (or the ends) is a secret word, and none is an allowed one.
pub(crate) fn names_a_secret(key: &str) -> bool {
    let parts: Vec<String> = key.split('_').map(str::to_ascii_lowercase).collect();
    let has = |words: &[&str]| parts.iter().any(|p| words.contains(&p.as_str()));
    has(SECRET) && !has(ALLOWED)
}

impl Rule for SecretInArgOrEnv {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
        for stage in doc.stages() {
            for ins in &doc.instructions()[stage.instructions.clone()] {
                let keyword = match ins.kind {
                    Kind::Arg => "ARG",
                    Kind::Env => "ENV",
                    _ => continue,
                };
                for p in &ins.pairs {
                    if names_a_secret(&p.key) {
                        out.push(ctx.diagnostic(
                            p.key_range.clone(),
                            format!(
                                "Do not use ARG or ENV instructions for sensitive data ({keyword} \"{}\")",
                                p.key
                            ),
                        ));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &SecretInArgOrEnv::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                // BuildKit's documented bad example (in a stage).
                (
                    "FROM a\nARG AWS_ACCESS_KEY_ID\nARG AWS_SECRET_ACCESS_KEY\nRUN aws s3 cp s3://my-bucket/file .\n",
                    &["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"],
                ),
                ("FROM a\nENV GITHUB_TOKEN=x DB_PASSWORD=y\n", &["GITHUB_TOKEN", "DB_PASSWORD"]),
                ("FROM a\nENV auth x\nARG api_Key\n", &["auth", "api_Key"]),
            ],
        );
        assert_eq!(
            spec::messages(R, "FROM a\nARG AWS_SECRET_ACCESS_KEY\n"),
            ["Do not use ARG or ENV instructions for sensitive data (ARG \"AWS_SECRET_ACCESS_KEY\")"]
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                // BuildKit's documented good example.
                "FROM a\nRUN --mount=type=secret,id=aws_key_id,env=AWS_ACCESS_KEY_ID \\\n    --mount=type=secret,id=aws_secret_key,env=AWS_SECRET_ACCESS_KEY \\\n    aws s3 cp s3://my-bucket/file .\n",
                // Allowed words, words inside other words, global ARGs.
                "FROM a\nENV GPG_KEYS=x PASSWORD_FILE=/run/p PUBLIC_KEY=k KEYCLOAK=1 TOKENIZER=2\n",
                "ARG NPM_TOKEN\nFROM a\n",
                "FROM a\nARG SECRET_VERSION=1\n",
                // A deliberate difference from BuildKit: the id of a public GPG key.
                "FROM python:3.12\nENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D5550053\n",
            ],
        );
    }
}
