//! End-to-end tests of the generated client live in `tests/`; this library only compiles the
//! README's example (as a doctest), so the example cannot rot.
#![doc = include_str!("../../README.md")]
