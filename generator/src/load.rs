//! Loading: spec text → `serde_json::Value`, one file at a time.
//!
//! In: a file name and a [`FileSource`] that can read it (xtask and tests provide one; this
//! module never touches the file system itself, so it stays pure). Out: the parsed document, or a
//! located `malformed-yaml` / `file-not-found` diagnostic. YAML and JSON go through the same
//! parser (`serde_yaml`, YAML 1.2, of which JSON is a subset); its alias-expansion and recursion
//! limits make alias bombs and absurd nesting an error instead of a hang.

use crate::diag::{Diagnostic, Origin};
use serde_json::Value;
use std::collections::BTreeMap;

/// Reads the files of a spec. Names are `/`-separated paths as the user wrote them.
pub trait FileSource {
    fn read(&self, name: &str) -> Result<String, String>;
}

/// A [`FileSource`] over files held in memory (tests, fuzzing, `build.rs` with embedded specs).
#[derive(Debug, Default, Clone)]
pub struct MemoryFiles(pub BTreeMap<String, String>);

impl MemoryFiles {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with(mut self, name: &str, text: &str) -> Self {
        self.0.insert(name.to_owned(), text.to_owned());
        self
    }
}

impl FileSource for MemoryFiles {
    fn read(&self, name: &str) -> Result<String, String> {
        self.0
            .get(name)
            .cloned()
            .ok_or_else(|| "no such file".to_owned())
    }
}

/// Parses one YAML or JSON text. Mapping keys that YAML reads as numbers or booleans (`200:`)
/// become strings, as JSON requires.
pub fn parse(file: &str, text: &str) -> Result<Value, Box<Diagnostic>> {
    match serde_yaml::from_str::<Value>(text) {
        Ok(Value::Null) => Err(Box::new(
            Diagnostic::error(
                "empty-document",
                Origin::new(file, ""),
                "the file has no YAML/JSON content",
            )
            .with_help("point the generator at an OpenAPI document")
            .at(1, 1),
        )),
        Ok(v) => Ok(v),
        Err(e) => {
            let mut message = e.to_string();
            // serde_yaml appends " at line L column C"; we print the position in front instead.
            if let Some(i) = message.find(" at line ") {
                message.truncate(i);
            }
            // serde_yaml's limits against hostile input are not syntax errors.
            let d = if message.contains("repetition limit exceeded") {
                Diagnostic::error(
                    "yaml-alias-limit",
                    Origin::new(file, ""),
                    "the document's YAML aliases (`*name`) expand to more nodes than the loader allows (an alias bomb?)",
                )
                .with_help("write the repeated parts out, or refer to them with `$ref` instead of YAML aliases")
            } else if message.contains("recursion limit exceeded") {
                Diagnostic::error("yaml-too-deep", Origin::new(file, ""), "the document nests deeper than the loader allows (128 levels)")
                    .with_help("flatten the document: name deeply nested schemas as components and `$ref` them")
            } else {
                Diagnostic::error("malformed-yaml", Origin::new(file, ""), message)
                    .with_help("fix the YAML/JSON syntax at this position")
            };
            Err(Box::new(match e.location() {
                Some(l) => d.at(l.line(), l.column()),
                None => d,
            }))
        }
    }
}

/// Joins a relative reference onto the directory of `base` and removes `.` and `..` segments.
pub fn resolve_path(base: &str, reference: &str) -> String {
    let mut parts: Vec<&str> = if reference.starts_with('/') {
        Vec::new()
    } else {
        let mut p: Vec<&str> = base.split('/').collect();
        p.pop();
        p
    };
    for seg in reference.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                if matches!(parts.last(), Some(&last) if last != "..") {
                    parts.pop();
                } else if !reference.starts_with('/') {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if reference.starts_with('/') || base.starts_with('/') && !joined.starts_with("..") {
        if joined.starts_with('/') {
            joined
        } else {
            format!("/{joined}")
        }
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_paths() {
        assert_eq!(
            resolve_path("specs/gitlab/openapi.yaml", "v4/a.yaml"),
            "specs/gitlab/v4/a.yaml"
        );
        assert_eq!(
            resolve_path("specs/gitlab/v4/a.yaml", "../b.yaml"),
            "specs/gitlab/b.yaml"
        );
        assert_eq!(resolve_path("a.yaml", "./b/c.yaml"), "b/c.yaml");
        assert_eq!(resolve_path("a.yaml", "../c.yaml"), "../c.yaml");
        assert_eq!(resolve_path("/x/y/a.yaml", "b.yaml"), "/x/y/b.yaml");
    }

    #[test]
    fn numeric_keys_become_strings_and_errors_are_located() {
        let v = parse("f.yaml", "responses:\n  200:\n    description: ok\n").unwrap();
        assert_eq!(v["responses"]["200"]["description"], "ok");
        let e = parse("f.yaml", "a: b\n  c: d\n").unwrap_err();
        assert_eq!(e.line_col, Some((2, 4)));
        assert_eq!(e.code, "malformed-yaml");
        assert!(!e.message.contains(" at line "), "{}", e.message);
    }

    #[test]
    fn alias_bomb_is_an_error_not_a_hang() {
        let mut text = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .windows(2)
            .map(|w| (w[0], w[1]))
        {
            let refs = vec![format!("*{prev}"); 9].join(",");
            text.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        let e = parse("bomb.yaml", &text).unwrap_err();
        assert_eq!(e.code, "yaml-alias-limit");
    }
}
