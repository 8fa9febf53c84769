//! Small text helpers shared by rules: edit distance for did-you-mean fixes, casing.

/// Levenshtein distance over Unicode scalar values.
pub(crate) fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Candidates within edit distance 2 of `word` (ignoring ASCII case), nearest first (ties keep `candidates` order).
/// A candidate must also be closer than the word is long, so `CP` suggests nothing.
pub(crate) fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Vec<&'a str> {
    let w = word.to_ascii_lowercase();
    let mut found: Vec<(usize, usize, &'a str)> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (levenshtein(&w, &c.to_ascii_lowercase()), i, *c))
        .filter(|(d, _, _)| *d <= 2 && *d < w.chars().count())
        .collect();
    found.sort();
    found.into_iter().map(|(_, _, c)| c).collect()
}

/// Letter case of a word, as casing rules see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Case {
    Upper,
    Lower,
    Mixed,
}

pub(crate) fn case_of(word: &str) -> Case {
    // What `to_ascii_uppercase` would change, without the copy (asked of every instruction's keyword per lint).
    if !word.bytes().any(|b| b.is_ascii_lowercase()) {
        Case::Upper
    } else if !word.bytes().any(|b| b.is_ascii_uppercase()) {
        Case::Lower
    } else {
        Case::Mixed
    }
}

/// `word` in `case` (`Mixed` leaves it as is).
pub(crate) fn to_case(word: &str, case: Case) -> String {
    match case {
        Case::Upper => word.to_ascii_uppercase(),
        Case::Lower => word.to_ascii_lowercase(),
        Case::Mixed => word.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(levenshtein("form", "from"), 2);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("chwon", "chown"), 2);
    }

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("FORM", &["from", "chown", "link"]), ["from"]);
        assert_eq!(did_you_mean("cp", &["cmd", "copy"]), Vec::<&str>::new());
        assert_eq!(
            did_you_mean("chmon", &["chown", "chmod"]),
            ["chmod", "chown"]
        );
        assert!(did_you_mean("platfrom-x", &["platform"]).is_empty());
    }

    #[test]
    fn cases() {
        assert_eq!(case_of("FROM"), Case::Upper);
        assert_eq!(case_of("from"), Case::Lower);
        assert_eq!(case_of("From"), Case::Mixed);
        assert_eq!(to_case("From", Case::Lower), "from");
    }
}
