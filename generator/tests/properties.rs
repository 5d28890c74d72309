//! Property tests of the naming module (proptest): whatever a spec calls something, the
//! generator makes a Rust identifier of it, and names made unique in one scope stay distinct.
//!
//! In: arbitrary strings (any Unicode), biased towards what specs really hold: ASCII words,
//! separators, leading digits and Rust keywords. Out: pass/fail; proptest shrinks a failure to
//! a minimal string and records it in `properties.proptest-regressions` beside this file.

use oapi_client_gen_core::naming::{Names, bare, snake_name, type_name, variant_name};
use proptest::prelude::*;

/// Strict, reserved and edition-2024 keywords, weak keywords, and names `naming` treats
/// specially (prelude types, separators only, leading digits, a raw prefix), written out here
/// rather than taken from `naming`, so the test does not share the module's mistakes.
const SPECIAL: &str = "as break const continue crate else enum extern false fn for if impl in \
    let loop match mod move mut pub ref return self Self static struct super trait true type \
    unsafe use where while async await dyn abstract become box do final macro override priv \
    typeof unsized virtual yield try gen union raw safe macro_rules _ __ r#type r# Option \
    Result self_ 2fa";

/// A spec's name: anything, ASCII words with separators and digits, or a keyword-ish word with
/// some decoration.
fn spec_name() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9_ ./{}\\[\\]$-]{0,16}",
        (
            prop::sample::select(SPECIAL.split_whitespace().chain([""]).collect::<Vec<_>>()),
            "[_ 0-9-]{0,2}",
            "[_ 0-9-]{0,2}"
        )
            .prop_map(|(k, a, b)| format!("{a}{k}{b}")),
    ]
}

/// An identifier in edition 2024 (the generated crates'): what `syn` parses as an `Ident`, but
/// not `gen`, which `syn` accepts whatever the edition.
fn assert_ident(kind: &str, raw: &str, name: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        syn::parse_str::<syn::Ident>(name).is_ok() && name != "gen",
        "{kind}({raw:?}) = {name:?} is not a Rust identifier"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn names_are_identifiers(raw in spec_name()) {
        assert_ident("snake_name", &raw, &snake_name(&raw))?;
        assert_ident("type_name", &raw, &type_name(&raw))?;
        assert_ident("variant_name", &raw, &variant_name(&raw))?;
        // Raw identifiers only where plain ones would be keywords.
        prop_assert!(!type_name(&raw).starts_with("r#"));
        prop_assert!(!variant_name(&raw).starts_with("r#"));
    }

    #[test]
    fn unique_names_are_distinct(bases in prop::collection::vec(spec_name(), 0..24)) {
        let mut names = Names::new();
        let made: Vec<String> = bases.iter().map(|b| names.unique(b)).collect();
        for (i, a) in made.iter().enumerate() {
            for b in &made[..i] {
                prop_assert_ne!(a, b, "from {:?}", bases);
            }
        }
    }

    /// What lowering does: identifiers from `snake_name` made unique in one scope are distinct
    /// as Rust sees them (`r#type` and `type2` are, `r#a` and `a` would not be) and stay
    /// identifiers after their suffixes.
    #[test]
    fn unique_identifiers_are_distinct_identifiers(raws in prop::collection::vec(spec_name(), 0..24)) {
        let mut names = Names::new();
        let mut seen = std::collections::BTreeSet::new();
        for raw in &raws {
            let name = names.unique(&snake_name(raw));
            assert_ident("unique(snake_name)", raw, &name)?;
            prop_assert!(seen.insert(bare(&name).to_owned()), "{name:?} twice from {raws:?}");
        }
        let mut names = Names::new();
        let mut seen = std::collections::BTreeSet::new();
        for raw in &raws {
            let name = names.unique(&type_name(raw));
            assert_ident("unique(type_name)", raw, &name)?;
            prop_assert!(seen.insert(name.clone()), "{name:?} twice from {raws:?}");
        }
    }
}

/// The oracle itself: `syn` refuses keywords (but not `gen`, see `assert_ident`) and raw forms
/// of `self`-like keywords.
#[test]
fn syn_refuses_what_naming_must_avoid() {
    for bad in ["type", "self", "r#self", "r#crate", "_", "2fa", "a-b", ""] {
        assert!(syn::parse_str::<syn::Ident>(bad).is_err(), "{bad:?}");
    }
    for good in ["r#type", "r#gen", "self_", "_2fa", "value"] {
        assert!(syn::parse_str::<syn::Ident>(good).is_ok(), "{good:?}");
    }
}
