//! Naming: every Rust identifier the generator emits is made here.
//!
//! In: names as the spec writes them (`accessRequestsProjects_get`, `Private-Token`, `2fa`,
//! `type`, `名前`). Out: valid, stable Rust identifiers — UpperCamelCase types and variants,
//! snake_case functions, fields and modules — with keywords escaped (`r#type`, or a trailing `_`
//! where a raw identifier is not allowed), leading digits guarded, and collisions resolved by
//! [`Names`] with numeric suffixes in first-come order, so output is deterministic. Generated
//! methods never take the name of a trait method the generated types could reach
//! ([`TRAIT_METHODS`]): an operation `clone` becomes `clone_`, so `client.clone()` still clones.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::{BTreeSet, HashMap};

const KEYWORDS: [&str; 52] = [
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
    // Reserved in edition 2024, which the generated crates use.
    "gen",
];
/// Keywords that cannot be raw identifiers.
const NOT_RAW: [&str; 5] = ["crate", "self", "Self", "super", "_"];
/// Also avoided as type names: they would shadow the prelude in the generated modules, and in
/// any module of a user's that glob-imports the client's (`use gitlab_api_client::types::*`).
/// The crate root's `Client` and `Error` are not here: the spec's types live in `types`, and
/// request builders keep off the root's names ([`crate::ir::ROOT_NAMES`]).
const PRELUDE_TYPES: [&str; 38] = [
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "AsRef",
    "AsMut",
    "Into",
    "From",
    "TryFrom",
    "TryInto",
    "Iterator",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Extend",
    "FromIterator",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "ToOwned",
    "ToString",
];

/// Methods that every generated type with inherent methods (`Client` and the request
/// builders) has through a trait: `Clone` and `Debug` (derived), `IntoFuture` (the builders),
/// and std's blanket impls (`ToOwned`, `Into`, `TryInto`, `Borrow`, `BorrowMut`, `Any`). An
/// inherent method of the same name wins over the trait's in method-call syntax
/// (`client.clone()` would build a request instead of cloning the client), so [`method_name`]
/// never gives one of these. Associated functions without `self` (`From::from`,
/// `Default::default`) are not shadowed by a setter taking `self`, and methods of traits these
/// types do not implement (`eq`, `cmp`, `max`, `hash`) cannot be: GitLab's `.from(date)` and
/// `.max(n)`-style parameters keep their names.
pub const TRAIT_METHODS: &[&str] = &[
    // Clone, ToOwned
    "clone",
    "clone_from",
    "to_owned",
    "clone_into",
    // Debug
    "fmt",
    // Into, TryInto
    "into",
    "try_into",
    // Borrow, BorrowMut, Any
    "borrow",
    "borrow_mut",
    "type_id",
    // IntoFuture
    "into_future",
];

/// Keeps ASCII letters, digits and `_`; everything else separates words.
fn words(raw: &str) -> String {
    let mut s = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else {
            s.push(' ');
        }
    }
    s
}

/// A type or variant name: `UpperCamelCase`, never empty, never starting with a digit.
pub fn type_name(raw: &str) -> String {
    let mut n = type_name_part(raw);
    if n.is_empty() {
        n = "Unnamed".to_owned();
    }
    if n.starts_with(|c: char| c.is_ascii_digit()) {
        n.insert(0, 'V');
    }
    if n == "Self" || PRELUDE_TYPES.contains(&n.as_str()) {
        n.push('_');
    }
    n
}

/// A part of a longer type name (a property's name after its parent's): UpperCamelCase
/// without [`type_name`]'s guards, which only matter for a whole name (`result` → `Result`,
/// not `Result_`, in `GetMenuResponseResultItem`).
pub fn type_name_part(raw: &str) -> String {
    words(raw).to_upper_camel_case()
}

/// The word for a symbol that makes a value on its own (`=`, `!=`, `>`: Jira's operators).
fn symbol_word(c: char) -> Option<&'static str> {
    Some(match c {
        '=' => "eq",
        '!' => "not",
        '<' => "lt",
        '>' => "gt",
        '~' => "tilde",
        '*' => "star",
        '+' => "plus",
        '-' => "minus",
        '/' => "slash",
        '.' => "dot",
        '%' => "percent",
        '&' => "and",
        '|' => "or",
        '^' => "caret",
        '?' => "question",
        '@' => "at",
        '#' => "hash",
        '$' => "dollar",
        ':' => "colon",
        _ => return None,
    })
}

/// `raw` with the signs that tell values apart spelled as words: a leading `+` or `-` (`+name`
/// and `-name`, a sort order's directions: `PlusName`, `MinusName`), a sign before a digit
/// (`Etc/GMT-1` and `Etc/GMT+1`), and a value of symbols only (`!=`: `NotEq`). Any other
/// punctuation separates words.
fn spell_signs(raw: &str) -> std::borrow::Cow<'_, str> {
    if !raw.is_empty() && !raw.chars().any(char::is_alphanumeric) {
        let words: Vec<&str> = raw.chars().filter_map(symbol_word).collect();
        return words.join(" ").into();
    }
    if !raw.contains(['+', '-']) {
        return raw.into();
    }
    let mut out = String::with_capacity(raw.len() + 8);
    let mut prev: Option<char> = None;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        let next_digit = chars.peek().is_some_and(char::is_ascii_digit);
        let sign = matches!(c, '+' | '-')
            && (prev.is_none() || (next_digit && !prev.is_some_and(|p| p.is_ascii_digit())));
        if sign {
            out.push_str(if c == '+' { " plus " } else { " minus " });
        } else {
            out.push(c);
        }
        prev = Some(c);
    }
    out.into()
}

/// A variant name (as [`type_name`], but `Self` is fine inside an enum only as `Self_`); a
/// value of symbols only is spelled (`!=`: `NotEq`).
pub fn variant_name(raw: &str) -> String {
    if !raw.is_empty() && !raw.chars().any(char::is_alphanumeric) {
        return variant_name_signed(raw);
    }
    variant_name_of(raw)
}

/// [`variant_name`] with signs spelled ([`spell_signs`]): for values that [`variant_name`] would
/// not tell apart (`name`, `+name`, `-name`: `Name`, `PlusName`, `MinusName`).
pub fn variant_name_signed(raw: &str) -> String {
    variant_name_of(&spell_signs(raw))
}

fn variant_name_of(raw: &str) -> String {
    let mut n = type_name_part(raw);
    if n.is_empty() {
        n = "Empty".to_owned();
    }
    if n.starts_with(|c: char| c.is_ascii_digit()) {
        n.insert(0, 'V');
    }
    if n == "Self" {
        n.push('_');
    }
    n
}

/// A function, field, parameter or module name: `snake_case`, keywords escaped.
pub fn snake_name(raw: &str) -> String {
    let mut n = words(raw).to_snake_case();
    if n.is_empty() {
        n = "value".to_owned();
    }
    if n.starts_with(|c: char| c.is_ascii_digit()) {
        n.insert(0, '_');
    }
    escape(n)
}

/// [`snake_name`] with comparison signs spelled as words, anywhere in `raw` (Twilio's filters
/// `DateCreated<` and `DateCreated>`: `date_created_lt`, `date_created_gt`), for names that
/// [`snake_name`] would not tell apart.
pub fn snake_name_spelled(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 8);
    for c in raw.chars() {
        match c {
            '<' | '>' | '=' | '!' => {
                out.push(' ');
                out.push_str(symbol_word(c).unwrap_or_default());
                out.push(' ');
            }
            _ => out.push(c),
        }
    }
    snake_name(&out)
}

/// A generated method's or argument's name (an operation's on `Client`, a request builder's
/// setter, a method's parameter): [`snake_name`], with a trailing `_` when that is a keyword
/// (`.in_(…)`, `.type_(…)`, `.ref_(…)`, which read and type better than `.r#in(…)`, as
/// progenitor and python-gitlab spell them) or a trait method's ([`TRAIT_METHODS`]: `clone` →
/// `clone_`, `fmt` → `fmt_`). Struct fields keep the raw form (`r#type`), which serde's own
/// derive output and the wider ecosystem use for fields.
pub fn method_name(raw: &str) -> String {
    let n = snake_name(raw);
    let plain = bare(&n);
    if n.starts_with("r#") || TRAIT_METHODS.contains(&plain) {
        format!("{plain}_")
    } else {
        n
    }
}

fn escape(n: String) -> String {
    if NOT_RAW.contains(&n.as_str()) {
        format!("{n}_")
    } else if KEYWORDS.contains(&n.as_str()) {
        format!("r#{n}")
    } else {
        n
    }
}

/// The identifier without a raw prefix (for building other names from it).
pub fn bare(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// A set of names in one scope; [`Names::unique`] resolves collisions with numeric suffixes.
#[derive(Debug, Default, Clone)]
pub struct Names {
    taken: BTreeSet<String>,
}

impl Names {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reserves names that generated code uses itself in this scope.
    pub fn reserve(&mut self, names: &[&str]) {
        self.taken.extend(names.iter().map(|s| s.to_string()));
    }

    /// `base` if free, else `base2`, `base3`, … (`r#type` → `type2`, `Result_` → `Result2`).
    pub fn unique(&mut self, base: &str) -> String {
        if self.taken.insert(base.to_owned()) {
            return base.to_owned();
        }
        // `Result_` (kept off the prelude's name) → `Result2`, not `Result_2`, which is not
        // UpperCamelCase; `self_` → `self2`.
        let stem = match bare(base).trim_end_matches('_') {
            "" => bare(base),
            trimmed => trimmed,
        };
        let sep = if stem.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|n| format!("{stem}{sep}{n}"))
            .find(|c| self.taken.insert(c.clone()))
            .expect("an unbounded range always yields a free name")
    }

    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

/// Words whose plural form names one thing in APIs.
const KEPT: &[&str] = &[
    "data",
    "metadata",
    "media",
    "analytics",
    "statistics",
    "news",
    "series",
];

/// Singular forms of English words (`merge_requests` → `merge_request`), remembered.
#[derive(Default)]
pub struct Singular(HashMap<String, String>);

impl Singular {
    /// `snake`'s last word in the singular.
    pub fn of(&mut self, snake: &str) -> String {
        let (head, last) = match snake.rsplit_once('_') {
            Some((head, last)) => (Some(head), last),
            None => (None, snake),
        };
        let one = self
            .0
            .entry(last.to_owned())
            .or_insert_with(|| {
                // Short words and ones with digits are not English nouns (`v1`, `p`, `ci`);
                // `data` is singular in API names (`usage_data`, not `usage_datum`).
                if last.len() < 3
                    || last.chars().any(|c| c.is_ascii_digit())
                    || KEPT.contains(&last)
                {
                    last.to_owned()
                } else {
                    pluralizer::pluralize(last, 1, false)
                }
            })
            .clone();
        match head {
            Some(head) => format!("{head}_{one}"),
            None => one,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_valid_rust() {
        assert_eq!(
            snake_name("accessRequestsProjects_get"),
            "access_requests_projects_get"
        );
        assert_eq!(snake_name("Private-Token"), "private_token");
        assert_eq!(snake_name("type"), "r#type");
        assert_eq!(snake_name("gen"), "r#gen");
        assert_eq!(snake_name("self"), "self_");
        assert_eq!(snake_name("2fa"), "_2fa");
        assert_eq!(snake_name("名前"), "value");
        assert_eq!(type_name("ProjectAccessResponse"), "ProjectAccessResponse");
        assert_eq!(
            type_name("project-access.response"),
            "ProjectAccessResponse"
        );
        assert_eq!(type_name("Option"), "Option_");
        assert_eq!(type_name("clone"), "Clone_");
        assert_eq!(type_name("iterator"), "Iterator_");
        assert_eq!(type_name("200"), "V200");
        assert_eq!(variant_name("read_api"), "ReadApi");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("-description"), "Description");
        assert_eq!(variant_name_signed("-description"), "MinusDescription");
        assert_eq!(variant_name_signed("+description"), "PlusDescription");
        assert_eq!(variant_name_signed("created-by-me"), "CreatedByMe");
        assert_eq!(variant_name_signed("Etc/GMT-1"), "EtcGmtMinus1");
        assert_eq!(variant_name_signed("Etc/GMT+10"), "EtcGmtPlus10");
        assert_eq!(variant_name_signed("-1"), "Minus1");
        assert_eq!(variant_name_signed("2020-01-02"), "V20200102");
        assert_eq!(variant_name("!="), "NotEq");
        assert_eq!(variant_name(">="), "GtEq");
        assert_eq!(variant_name("="), "Eq");
        assert_eq!(snake_name_spelled("DateCreated<"), "date_created_lt");
        assert_eq!(snake_name_spelled("DateCreated>="), "date_created_gt_eq");
    }

    #[test]
    fn methods_never_shadow_trait_methods() {
        assert_eq!(method_name("clone"), "clone_");
        assert_eq!(method_name("Clone"), "clone_");
        assert_eq!(method_name("fmt"), "fmt_");
        assert_eq!(method_name("toString"), "to_string");
        // Setters take `self`: `From::from` and `Default::default` are not shadowed.
        assert_eq!(method_name("from"), "from");
        assert_eq!(method_name("default"), "default");
        assert_eq!(method_name("into_future"), "into_future_");
        assert_eq!(method_name("cloneProject"), "clone_project");
        assert_eq!(method_name("type"), "type_");
        assert_eq!(method_name("in"), "in_");
        for name in TRAIT_METHODS {
            assert_eq!(method_name(name), format!("{name}_"));
        }
    }

    #[test]
    fn collisions_get_suffixes_in_order() {
        let mut n = Names::new();
        assert_eq!(n.unique("a"), "a");
        assert_eq!(n.unique("a"), "a2");
        assert_eq!(n.unique("a"), "a3");
        assert_eq!(n.unique("r#type"), "r#type");
        assert_eq!(n.unique("r#type"), "type2");
        assert_eq!(n.unique("v2"), "v2");
        assert_eq!(n.unique("v2"), "v2_2");
    }
}
