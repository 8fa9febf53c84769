//! Rule options: a small value type the settings hand to a rule, and the shapes a rule declares.
use std::collections::BTreeMap;
use std::fmt;

/// One option value, as read from a config file or an editor's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptValue {
    Bool(bool),
    Int(i64),
    Str(String),
    List(Vec<String>),
}

impl OptValue {
    pub fn type_name(&self) -> &'static str {
        match self {
            OptValue::Bool(_) => "boolean",
            OptValue::Int(_) => "integer",
            OptValue::Str(_) => "string",
            OptValue::List(_) => "list of strings",
        }
    }
}

impl fmt::Display for OptValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptValue::Bool(b) => write!(f, "{b}"),
            OptValue::Int(i) => write!(f, "{i}"),
            OptValue::Str(s) => write!(f, "{s:?}"),
            OptValue::List(l) => write!(f, "{l:?}"),
        }
    }
}

impl From<bool> for OptValue {
    fn from(b: bool) -> OptValue {
        OptValue::Bool(b)
    }
}
impl From<i64> for OptValue {
    fn from(i: i64) -> OptValue {
        OptValue::Int(i)
    }
}
impl From<&str> for OptValue {
    fn from(s: &str) -> OptValue {
        OptValue::Str(s.to_string())
    }
}
impl From<String> for OptValue {
    fn from(s: String) -> OptValue {
        OptValue::Str(s)
    }
}
impl From<Vec<String>> for OptValue {
    fn from(l: Vec<String>) -> OptValue {
        OptValue::List(l)
    }
}

/// The type a declared option accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptKind {
    Bool,
    Int,
    Str,
    List,
    /// A string out of a fixed set.
    OneOf(&'static [&'static str]),
}

impl OptKind {
    /// `Err` says what was expected.
    pub fn accepts(self, value: &OptValue) -> Result<(), String> {
        match (self, value) {
            (OptKind::Bool, OptValue::Bool(_))
            | (OptKind::Int, OptValue::Int(_))
            | (OptKind::Str, OptValue::Str(_))
            | (OptKind::List, OptValue::List(_)) => Ok(()),
            (OptKind::OneOf(choices), OptValue::Str(s)) if choices.contains(&s.as_str()) => Ok(()),
            (OptKind::OneOf(choices), _) => Err(format!(
                "expected one of {}",
                choices
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            (kind, _) => Err(format!("expected a {}", kind.describe())),
        }
    }

    pub fn describe(self) -> String {
        match self {
            OptKind::Bool => "boolean".into(),
            OptKind::Int => "integer".into(),
            OptKind::Str => "string".into(),
            OptKind::List => "list of strings".into(),
            OptKind::OneOf(choices) => choices
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(" \\| "),
        }
    }
}

/// Options for one rule, by kebab-case key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleOptions(BTreeMap<String, OptValue>);

impl RuleOptions {
    pub fn new() -> RuleOptions {
        RuleOptions::default()
    }

    pub fn with(mut self, key: impl Into<String>, value: OptValue) -> RuleOptions {
        self.insert(key, value);
        self
    }

    pub fn insert(&mut self, key: impl Into<String>, value: OptValue) {
        self.0.insert(key.into(), value);
    }

    /// Adds `other`'s keys, which win over existing ones.
    pub fn merge(&mut self, other: &RuleOptions) {
        for (k, v) in &other.0 {
            self.0.insert(k.clone(), v.clone());
        }
    }

    pub fn get(&self, key: &str) -> Option<&OptValue> {
        self.0.get(key)
    }
    pub fn get_bool(&self, key: &str) -> Option<bool> {
        match self.0.get(key)? {
            OptValue::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn get_int(&self, key: &str) -> Option<i64> {
        match self.0.get(key)? {
            OptValue::Int(i) => Some(*i),
            _ => None,
        }
    }
    pub fn get_str(&self, key: &str) -> Option<&str> {
        match self.0.get(key)? {
            OptValue::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn get_list(&self, key: &str) -> Option<&[String]> {
        match self.0.get(key)? {
            OptValue::List(l) => Some(l),
            _ => None,
        }
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &OptValue)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<K: Into<String>> FromIterator<(K, OptValue)> for RuleOptions {
    fn from_iter<T: IntoIterator<Item = (K, OptValue)>>(iter: T) -> Self {
        RuleOptions(iter.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_check_values() {
        assert!(OptKind::Bool.accepts(&OptValue::Bool(true)).is_ok());
        assert!(OptKind::Int.accepts(&OptValue::Bool(true)).is_err());
        let one_of = OptKind::OneOf(&["upper", "lower"]);
        assert!(one_of.accepts(&OptValue::Str("upper".into())).is_ok());
        let err = one_of.accepts(&OptValue::Str("camel".into())).unwrap_err();
        assert_eq!(err, "expected one of `upper`, `lower`");
    }

    #[test]
    fn typed_getters_and_merge() {
        let mut a: RuleOptions = [("x", OptValue::Int(1)), ("y", OptValue::Bool(false))]
            .into_iter()
            .collect();
        a.merge(&RuleOptions::new().with("x", OptValue::Int(2)));
        assert_eq!(a.get_int("x"), Some(2));
        assert_eq!(a.get_bool("y"), Some(false));
        assert_eq!(a.get_str("x"), None);
    }
}
