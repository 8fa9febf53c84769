//! `invalid-healthcheck`: a `HEALTHCHECK` BuildKit refuses: unknown type, missing command, bad duration or retries.
use crate::engine::{declare_rule, Context, Diagnostic, Rule};
use crate::rules::invalid_instruction::parser_refuses;
use crate::syntax::{Instruction, Kind};

declare_rule! {
    /// Reports a `HEALTHCHECK` that Docker refuses to build.
    ///
    /// These are: a type other than `CMD` or `NONE`, `NONE` with arguments, `CMD` without a command, a duration flag
    /// that is not a Go duration (`30s`, `1m30s`) or is under one millisecond, and `--retries` that is not a whole
    /// number or is negative.
    ///
    /// ## Why is this bad?
    /// BuildKit checks these before it builds anything and stops the whole build on the first one, with the message
    /// dflint shows.
    /// Durations need a unit (`--interval=30` is refused; write `30s`), and flag values are not expanded, so
    /// `--interval=$INTERVAL` is refused too.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// HEALTHCHECK --interval=30 --retries=-1 CMD curl -f http://localhost/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM nginx:1.27
    /// HEALTHCHECK --interval=30s --retries=3 CMD curl -f http://localhost/
    /// ```
    ///
    /// ## References
    /// - [HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
    /// - BuildKit's `parseHealthcheck` in `frontend/dockerfile/instructions/parse.go`, which gives these messages
    pub struct InvalidHealthcheck {
        code: "DF108",
        name: "invalid-healthcheck",
        category: Correctness,
        severity: Error,
        fix: None,
        peers: [],
        options: [],
    }
}

const DURATION_FLAGS: [&str; 4] = ["interval", "timeout", "start-period", "start-interval"];

/// Go's `time.ParseDuration`, in nanoseconds, with its error messages.
pub(crate) fn go_duration(orig: &str) -> Result<f64, String> {
    let invalid = || format!("time: invalid duration \"{orig}\"");
    let mut s = orig;
    let mut neg = false;
    if let Some(r) = s.strip_prefix('-') {
        neg = true;
        s = r;
    } else if let Some(r) = s.strip_prefix('+') {
        s = r;
    }
    if s == "0" {
        return Ok(0.0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total = 0f64;
    while !s.is_empty() {
        let int_len = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (int, rest) = s.split_at(int_len);
        s = rest;
        let mut frac = "";
        if let Some(r) = s.strip_prefix('.') {
            let n = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
            frac = &r[..n];
            s = &r[n..];
        }
        if int.is_empty() && frac.is_empty() {
            return Err(invalid());
        }
        let unit_len = s
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        if unit_len == 0 {
            return Err(format!("time: missing unit in duration \"{orig}\""));
        }
        let (unit, rest) = s.split_at(unit_len);
        s = rest;
        let scale = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => {
                return Err(format!(
                    "time: unknown unit \"{unit}\" in duration \"{orig}\""
                ))
            }
        };
        let number: f64 = format!("{}.{}0", if int.is_empty() { "0" } else { int }, frac)
            .parse()
            .map_err(|_| invalid())?;
        total += number * scale;
        if total > i64::MAX as f64 {
            return Err(invalid());
        }
    }
    Ok(if neg { -total } else { total })
}

/// Each refusal with the span it is about.
pub(crate) fn refusals(
    ins: &Instruction,
    args: &[String],
) -> Vec<(std::ops::Range<usize>, String)> {
    let mut out = Vec::new();
    let Some(typ) = args.first() else {
        return out;
    };
    let typ = typ.to_ascii_uppercase();
    let whole = ins.keyword.start..ins.range.end;
    if typ == "NONE" {
        if args.len() > 1 {
            out.push((whole, "HEALTHCHECK NONE takes no arguments".to_string()));
        }
        return out;
    }
    match typ.as_str() {
        "CMD" if args.len() < 2 || args[1..].iter().all(|a| a.is_empty()) => {
            out.push((whole, "Missing command after HEALTHCHECK CMD".to_string()))
        }
        "CMD" => {}
        _ => out.push((
            ins.args_range.clone(),
            format!("Unknown type \"{typ}\" in HEALTHCHECK (try CMD)"),
        )),
    }
    for f in &ins.flags {
        let name = f.name.to_ascii_lowercase();
        let Some(value) = f.value.as_deref().filter(|v| !v.is_empty()) else {
            continue;
        };
        let span = f.value_range.clone().unwrap_or(f.range.clone());
        if DURATION_FLAGS.contains(&name.as_str()) {
            match go_duration(value) {
                Err(e) => out.push((span, e)),
                Ok(d) if d != 0.0 && d < 1e6 => {
                    out.push((span, format!("Interval \"{name}\" cannot be less than 1ms")))
                }
                Ok(_) => {}
            }
        } else if name == "retries" {
            match value.parse::<i64>() {
                Ok(n) if i32::try_from(n).is_err() => out.push((
                    span,
                    format!("strconv.ParseInt: parsing \"{value}\": value out of range"),
                )),
                Ok(n) if n < 0 => out.push((span, format!("--retries cannot be negative ({n})"))),
                Ok(_) => {}
                Err(_) => {
                    let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
                    let why = if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
                        "value out of range"
                    } else {
                        "invalid syntax"
                    };
                    out.push((
                        span,
                        format!("strconv.ParseInt: parsing \"{value}\": {why}"),
                    ));
                }
            }
        }
    }
    out
}

impl Rule for InvalidHealthcheck {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
        let errors = doc.syntax_errors();
        for (i, ins) in doc.instructions().iter().enumerate() {
            if ins.kind != Kind::Healthcheck {
                continue;
            }
            // A line the parser already refuses is reported by `syntax-error`, in the parser's words.
            if parser_refuses(doc.text(), &errors, ins) {
                continue;
            }
            let Some(Ok(bk)) = doc.buildkit_instruction(i) else {
                continue;
            };
            for (span, message) in refusals(ins, &bk.value) {
                out.push(ctx.diagnostic(span, message));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &InvalidHealthcheck::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nHEALTHCHECK FOO x\n", &["FOO x"]),
                ("FROM a\nHEALTHCHECK --interval=1x CMD x\n", &["1x"]),
                ("FROM a\nHEALTHCHECK --timeout=30 CMD x\n", &["30"]),
                (
                    "FROM a\nHEALTHCHECK --start-period=500us CMD x\n",
                    &["500us"],
                ),
                ("FROM a\nHEALTHCHECK --interval=-5s CMD x\n", &["-5s"]),
                ("FROM a\nHEALTHCHECK --interval=$I CMD x\n", &["$I"]),
                ("FROM a\nHEALTHCHECK --retries=-1 CMD x\n", &["-1"]),
                ("FROM a\nHEALTHCHECK --retries=three CMD x\n", &["three"]),
                ("FROM a\nHEALTHCHECK CMD\n", &["HEALTHCHECK CMD"]),
                ("FROM a\nHEALTHCHECK CMD []\n", &["HEALTHCHECK CMD []"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nHEALTHCHECK NONE\n",
                "FROM a\nHEALTHCHECK --interval=30s --timeout=1m30s --start-period=0 --start-interval=1.5ms --retries=3 CMD curl -f http://x/\n",
                "FROM a\nhealthcheck --interval=1h cmd [\"x\"]\n",
                "FROM a\nHEALTHCHECK --interval=0s --retries=0 CMD x\n",
                "FROM a\nHEALTHCHECK\n",
            ],
        );
    }

    /// BuildKit's and Go's words, read in `parseHealthcheck` and `time.ParseDuration`.
    #[test]
    fn messages_are_buildkits() {
        let cases = [
            (
                "FROM a\nHEALTHCHECK foo x\n",
                "Unknown type \"FOO\" in HEALTHCHECK (try CMD)",
            ),
            (
                "FROM a\nHEALTHCHECK CMD\n",
                "Missing command after HEALTHCHECK CMD",
            ),
            (
                "FROM a\nHEALTHCHECK --interval=30 CMD x\n",
                "time: missing unit in duration \"30\"",
            ),
            (
                "FROM a\nHEALTHCHECK --interval=3d CMD x\n",
                "time: unknown unit \"d\" in duration \"3d\"",
            ),
            (
                "FROM a\nHEALTHCHECK --interval=s CMD x\n",
                "time: invalid duration \"s\"",
            ),
            (
                "FROM a\nHEALTHCHECK --timeout=10ns CMD x\n",
                "Interval \"timeout\" cannot be less than 1ms",
            ),
            (
                "FROM a\nHEALTHCHECK --retries=-2 CMD x\n",
                "--retries cannot be negative (-2)",
            ),
            (
                "FROM a\nHEALTHCHECK --retries=1.5 CMD x\n",
                "strconv.ParseInt: parsing \"1.5\": invalid syntax",
            ),
            (
                "FROM a\nHEALTHCHECK --retries=9999999999 CMD x\n",
                "strconv.ParseInt: parsing \"9999999999\": value out of range",
            ),
        ];
        for (src, want) in cases {
            assert_eq!(spec::messages(R, src), [want], "{src:?}");
        }
    }

    #[test]
    fn durations_read_as_go_reads_them() {
        assert_eq!(go_duration("1m30s"), Ok(90e9));
        assert_eq!(go_duration("1.5ms"), Ok(1.5e6));
        assert_eq!(go_duration(".5s"), Ok(0.5e9));
        assert_eq!(go_duration("-0"), Ok(0.0));
        assert!(go_duration("1.s").is_ok());
        assert!(go_duration(".s").is_err());
        assert!(go_duration("").is_err());
    }
}
