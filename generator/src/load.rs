//! Loading: spec text → `serde_json::Value`, one file at a time.
//!
//! In: a file name and a [`FileSource`] that can read it ([`crate::DiskFiles`] on disk,
//! [`MemoryFiles`] in memory; this module never touches the file system itself, so it stays
//! pure). Out: the parsed document, or a located `malformed-yaml` / `yaml-too-deep` / …
//! diagnostic. JSON texts go through serde_json and YAML through serde_yaml (YAML 1.2, of which
//! JSON is a subset); their alias-expansion and recursion limits make alias bombs and absurd
//! nesting an error instead of a hang, and flow nesting (`[[[…`) is bounded before serde_yaml
//! sees the text, since libyaml's scanner spends time proportional to the open flow levels on
//! every token. A [`FileSource`] says why it cannot hand out a file with a typed [`FileError`],
//! whose kind is the diagnostic's code.

use crate::diag::{Diagnostic, Origin};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// How deep YAML/JSON may nest: serde_yaml's and serde_json's recursion limit.
pub const MAX_NESTING: usize = 128;

/// Reads the files of a spec. Names are `/`-separated paths as the user wrote them.
pub trait FileSource {
    fn read(&self, name: &str) -> Result<String, FileError>;
}

/// Why a [`FileSource`] could not hand out a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub kind: FileErrorKind,
    /// What went wrong, in one sentence; names the file's path, never its contents.
    pub message: String,
}

/// What kind of [`FileError`]; each has its diagnostic code ([`FileErrorKind::code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileErrorKind {
    /// No such file, or it cannot be opened.
    NotFound,
    /// The file lies outside the folders the source may read (after following symlinks).
    OutsideRoot,
    /// A folder, FIFO, device or socket: only regular files are read.
    NotRegular,
    /// Larger than the source's size cap.
    TooLarge,
    /// The bytes are not UTF-8: the first invalid byte is at `offset`, on 1-based `line` and
    /// `column` (characters).
    NotUtf8 {
        offset: usize,
        line: usize,
        column: usize,
    },
}

impl FileErrorKind {
    /// The diagnostic code: `file-not-found`, `file-outside-root`, `file-not-regular`,
    /// `file-too-large` or `file-not-utf8`.
    pub fn code(self) -> &'static str {
        match self {
            FileErrorKind::NotFound => "file-not-found",
            FileErrorKind::OutsideRoot => "file-outside-root",
            FileErrorKind::NotRegular => "file-not-regular",
            FileErrorKind::TooLarge => "file-too-large",
            FileErrorKind::NotUtf8 { .. } => "file-not-utf8",
        }
    }
}

impl FileError {
    pub fn new(kind: FileErrorKind, message: impl Into<String>) -> Self {
        FileError {
            kind,
            message: message.into(),
        }
    }

    /// A [`FileErrorKind::NotFound`] error.
    pub fn not_found(message: impl Into<String>) -> Self {
        FileError::new(FileErrorKind::NotFound, message)
    }

    /// `bytes` as text, or the [`FileErrorKind::NotUtf8`] error that locates the first invalid
    /// byte.
    pub fn utf8(bytes: Vec<u8>) -> Result<String, FileError> {
        String::from_utf8(bytes).map_err(|e| {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            // The prefix before the invalid byte is valid UTF-8 by definition.
            let before = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            FileError::new(
                FileErrorKind::NotUtf8 {
                    offset,
                    line,
                    column,
                },
                format!(
                    "it is not UTF-8 text: byte 0x{:02x} at byte offset {offset} (line {line}, column {column}) is not valid UTF-8",
                    bytes[offset]
                ),
            )
        })
    }

    /// What the user can do about it.
    pub fn help(&self) -> &'static str {
        match self.kind {
            FileErrorKind::NotFound => {
                "check the path; relative `$ref` paths are resolved against the referring file's folder"
            }
            FileErrorKind::OutsideRoot => {
                "keep the spec's files below its folder, or allow the other folder with `allow_dirs` (`allow_dirs` in codegen.toml, `--allow-dir <DIR>` on the command line, `Options::allow_dirs` from build.rs)"
            }
            FileErrorKind::NotRegular => {
                "point at a regular file; folders, FIFOs, devices and sockets are never read"
            }
            FileErrorKind::TooLarge => {
                "a spec file this large is not expected; raise the size cap (`max_file_size`) if it is genuine"
            }
            FileErrorKind::NotUtf8 { .. } => {
                "save the file as UTF-8 (YAML and JSON specs are UTF-8 text)"
            }
        }
    }

    /// The diagnostic for this error: `code` and `help` of its kind, at `origin`; a file that is
    /// not UTF-8 is located at its first invalid byte instead (`file`, line:column).
    pub fn diagnostic(&self, file: &str, origin: Origin, message: String) -> Diagnostic {
        match self.kind {
            FileErrorKind::NotUtf8 { line, column, .. } => {
                Diagnostic::error(self.kind.code(), Origin::new(file, ""), message)
                    .with_help(self.help())
                    .at(line, column)
            }
            _ => Diagnostic::error(self.kind.code(), origin, message).with_help(self.help()),
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FileError {}

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
    fn read(&self, name: &str) -> Result<String, FileError> {
        self.0
            .get(name)
            .cloned()
            .ok_or_else(|| FileError::not_found("no such file"))
    }
}

/// Parses one YAML or JSON text. A leading byte-order mark is skipped. A text that starts with
/// `{` or `[` is read as JSON first (serde_json accepts what JSON allows and YAML 1.1's libyaml
/// does not: C1 control characters and surrogate-pair escapes in strings); YAML otherwise, or
/// when the JSON reading fails for another reason than nesting too deep. Mapping keys that YAML
/// reads as numbers or booleans (`200:`) become strings, as JSON requires; integers beyond 64
/// bits (`maximum: 18446744073709551616`) become floating point numbers instead of failing the
/// load. Nesting beyond [`MAX_NESTING`] levels is a `yaml-too-deep` error, found in time linear
/// in the text's length.
pub fn parse(file: &str, text: &str) -> Result<Value, Box<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let json_error = if text.trim_start().starts_with(['{', '[']) {
        match serde_json::from_str::<Value>(text) {
            Ok(v) => return Ok(v),
            // serde_json stops at its recursion limit (128) in linear time; the YAML reader
            // would only say the same, after scanning the whole text. Located, as YAML texts
            // are, at the first bracket beyond the limit (serde_json stops one before).
            Err(e) if e.to_string().contains("recursion limit exceeded") => {
                let (line, column) = crate::source::flow_too_deep(text, MAX_NESTING)
                    .unwrap_or((e.line(), e.column()));
                return Err(Box::new(too_deep(file).at(line, column)));
            }
            Err(e) => Some(e),
        }
    } else {
        None
    };
    check_flow_depth(file, text)?;
    let parsed = serde_yaml::Deserializer::from_str(text)
        .next()
        .map(|doc| serde::de::DeserializeSeed::deserialize(JsonValue, doc));
    match parsed {
        Some(Ok(Value::Null)) | None => Err(Box::new(
            Diagnostic::error(
                "empty-document",
                Origin::new(file, ""),
                "the file has no YAML/JSON content",
            )
            .with_help("point the generator at an OpenAPI document")
            .at(1, 1),
        )),
        Some(Ok(v)) => Ok(v),
        // A JSON document that neither reader accepts: serde_json's word is the clearer one.
        Some(Err(_)) if json_error.is_some() => {
            let e = json_error.unwrap_or_else(|| unreachable!());
            let mut message = e.to_string();
            if let Some(i) = message.find(" at line ") {
                message.truncate(i);
            }
            let d = Diagnostic::error(
                "malformed-json",
                Origin::new(file, ""),
                crate::diag::clip_quoted(&message),
            )
            .with_help("fix the JSON syntax at this position");
            Err(Box::new(d.at(e.line(), e.column())))
        }
        Some(Err(e)) => {
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
                too_deep(file)
            } else {
                Diagnostic::error(
                    "malformed-yaml",
                    Origin::new(file, ""),
                    crate::diag::clip_quoted(&message),
                )
                .with_help("fix the YAML/JSON syntax at this position")
            };
            Err(Box::new(match e.location() {
                Some(l) => d.at(l.line(), l.column()),
                None => d,
            }))
        }
    }
}

/// Rejects a text whose flow collections (`[…]`, `{…}`) nest deeper than [`MAX_NESTING`], at the
/// bracket that goes beyond, before serde_yaml reads it. serde_yaml would reject it too, but only
/// after libyaml has scanned the whole text, and libyaml's scanner checks every open flow level
/// on every token: 64 Ki nested brackets took minutes. This scan asks libyaml's own scanner for
/// its tokens (so brackets inside quoted or block scalars, comments and tags count exactly as
/// libyaml counts them) and stops at the first bracket beyond the limit, so the levels it keeps
/// open stay bounded and the time stays linear. Texts with fewer opening brackets than the limit
/// cannot nest too deep and are not scanned.
pub(crate) fn check_flow_depth(file: &str, text: &str) -> Result<(), Box<Diagnostic>> {
    let openers = text.bytes().filter(|b| matches!(b, b'[' | b'{')).count();
    if openers <= MAX_NESTING {
        return Ok(());
    }
    match crate::source::flow_too_deep(text, MAX_NESTING) {
        Some((line, column)) => Err(Box::new(too_deep(file).at(line, column))),
        None => Ok(()),
    }
}

fn too_deep(file: &str) -> Diagnostic {
    Diagnostic::error(
        "yaml-too-deep",
        Origin::new(file, ""),
        format!("the document nests deeper than the loader allows ({MAX_NESTING} levels)"),
    )
    .with_help("flatten the document: name deeply nested schemas as components and `$ref` them")
}

/// Builds a `serde_json::Value` from any self-describing deserializer, as `Value`'s own
/// `Deserialize` does, except that integers wider than 64 bits become floating point numbers
/// (serde_json's `Value` rejects them) and non-finite floats (`.inf`, `.nan`) become null.
struct JsonValue;

impl<'de> serde::de::DeserializeSeed<'de> for JsonValue {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for JsonValue {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(v) = seq.next_element_seed(JsonValue)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(k) = map.next_key::<String>()? {
            let v = map.next_value_seed(JsonValue)?;
            out.insert(k, v);
        }
        Ok(Value::Object(out))
    }
}

fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
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
    fn real_world_texts_load() {
        // A byte-order mark (Windows editors) is not a second document.
        let v = parse("bom.yaml", "\u{feff}openapi: 3.0.0\n").unwrap();
        assert_eq!(v["openapi"], "3.0.0");
        // Integers wider than 64 bits (uint64's bound written as `maximum`) load as floats.
        let v = parse(
            "big.yaml",
            "maximum: 18446744073709551616\nminimum: -9223372036854775809\n",
        )
        .unwrap();
        assert_eq!(v["maximum"].as_f64(), Some(18446744073709551616.0));
        assert_eq!(v["minimum"].as_f64(), Some(-9223372036854775809.0));
        // JSON allows C1 control characters and surrogate-pair escapes, which libyaml rejects.
        let v = parse(
            "c1.json",
            "{\"a\": \"x\u{85}y\", \"b\": \"\\ud83d\\ude00\"}",
        )
        .unwrap();
        assert_eq!(v["a"], "x\u{85}y");
        assert_eq!(v["b"], "\u{1f600}");
        // A JSON syntax error is reported by the JSON reader, at its position.
        let e = parse("bad.json", "{\n  \"a\": [1,\n}").unwrap_err();
        assert_eq!(e.code, "malformed-json");
        assert_eq!(e.line_col, Some((3, 1)));
        let e = parse(
            "deep.json",
            &format!("{}{}", "[".repeat(200), "]".repeat(200)),
        )
        .unwrap_err();
        assert_eq!(e.code, "yaml-too-deep");
    }

    /// Line and column of the `n`th `[` or `{` of a text in which every bracket is a real one.
    fn nth_bracket(text: &str, n: usize) -> (usize, usize) {
        let (mut line, mut col, mut seen) = (1, 0, 0);
        for c in text.chars() {
            col += 1;
            if c == '\n' {
                (line, col) = (line + 1, 0);
            } else if matches!(c, '[' | '{') {
                seen += 1;
                if seen == n {
                    return (line, col);
                }
            }
        }
        panic!("fewer than {n} brackets");
    }

    #[test]
    fn deep_flow_nesting_is_rejected_at_the_first_bracket_beyond_the_limit() {
        // 1 MB of nesting each, YAML and JSON. libyaml's scanner spends time proportional to the
        // open flow levels on every token, so before the pre-scan each took hours (64 Ki
        // brackets: 21 s in a release build). Now the text is rejected at the 129th bracket,
        // whichever reader would have read it.
        const MB: usize = 1 << 20;
        let texts = [
            (
                "yaml [",
                format!("a: {}{}", "[".repeat(MB / 2), "]".repeat(MB / 2)),
            ),
            (
                "yaml {",
                format!("a: {}{}", "{".repeat(MB / 2), "}".repeat(MB / 2)),
            ),
            ("yaml {a:", "{a: ".repeat(MB / 4)),
            ("yaml [a:", "[a: ".repeat(MB / 4)),
            ("yaml mixed", format!("a: {}", "[{a: ".repeat(MB / 5))),
            ("yaml lines", format!("a:\n{}", "  [\n".repeat(MB / 4))),
            (
                "json [",
                format!("{}{}", "[".repeat(MB / 2), "]".repeat(MB / 2)),
            ),
            ("json {", "{\"a\": ".repeat(MB / 6)),
            ("json mixed", "[{\"a\": ".repeat(MB / 7)),
            // Not JSON (a syntax error first), so read as YAML: the same bound.
            ("json, then yaml", format!("[1 2, {}", "[".repeat(MB))),
        ];
        for (what, text) in texts {
            let e = parse("deep.yaml", &text).unwrap_err();
            assert_eq!(e.code, "yaml-too-deep", "{what}: {e}");
            assert_eq!(
                e.line_col,
                Some(nth_bracket(&text, MAX_NESTING + 1)),
                "{what}"
            );
        }
        // The overlay reader is guarded too.
        let overlay = format!("overlay: 1.0.0\nx: {}", "[".repeat(MB));
        let d = crate::overlay::parse("overlay.yaml", &overlay).unwrap_err();
        let e = d.iter().next().unwrap();
        assert_eq!(e.code, "yaml-too-deep");
        assert_eq!(e.line_col, Some((2, 3 + MAX_NESTING + 1)));
    }

    #[test]
    fn brackets_in_scalars_and_comments_are_not_nesting() {
        // More than the limit of brackets, none of them a flow collection for libyaml.
        let deep = "[".repeat(200);
        let text = format!(
            "a: \"{deep}\"\nb: '{deep}'\n# {deep}\nc: |\n  {deep}\nd: x{deep}\ne: [[1], {{f: [2]}}]\n"
        );
        let v = parse("ok.yaml", &text).unwrap();
        assert_eq!(v["a"], deep.as_str());
        assert_eq!(v["b"], deep.as_str());
        assert_eq!(v["c"], format!("{deep}\n"));
        assert_eq!(v["d"], format!("x{deep}"));
        assert_eq!(v["e"][1]["f"][0], 2);
        // Exactly at the limit is fine.
        let at_limit = format!(
            "a: {}{}",
            "[".repeat(MAX_NESTING - 1),
            "]".repeat(MAX_NESTING - 1)
        );
        assert!(parse("limit.yaml", &at_limit).is_ok());
    }

    #[test]
    fn quotes_that_libyaml_reads_as_plain_text_hide_no_nesting() {
        // A pre-scan that took these quotes for the start of a quoted scalar would skip the
        // brackets after them; libyaml reads `x 'y` as plain text (the second line continues
        // the first), then the nesting, and spends quadratic time on it.
        let deep = "[".repeat(1 << 20);
        for (quote, at) in [("\n  'y", 3), ("\n  \"y", 3), (" 'y", 2), (" \"y", 2)] {
            let text = format!("a: x{quote}\nb: {deep}");
            let e = parse("quotes.yaml", &text).unwrap_err();
            assert_eq!(e.code, "yaml-too-deep", "{quote:?}");
            assert_eq!(e.line_col, Some((at, 3 + MAX_NESTING + 1)), "{quote:?}");
            let shallow = format!("a: x{quote}\nb: [1]\n");
            let v = parse("quotes.yaml", &shallow).unwrap();
            assert_eq!(v["a"], format!("x {}", &quote.trim_start()), "{quote:?}");
        }
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
