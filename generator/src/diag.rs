//! Diagnostics: what every stage reports about the input.
//!
//! In: problems found by a stage, each with a severity, a stable code (the name of the quirk or
//! check), a message, a hint for the user, and the origin of the node (file + JSON pointer).
//! Out: a sorted, deduplicated list rendered as `file:line:col: severity[code]: message`, where
//! line:column come from [`crate::source::SourceMap`]. Warnings never stop generation; any error
//! stops it at the next stage boundary with every problem of that stage listed (cxx's `Errors`).

use std::fmt;

/// Every diagnostic code the generator reports, sorted: what the settings `allow` and `deny`
/// may name. (A test checks that every code the sources and the test specs produce is here.)
pub const CODES: &[&str] = &[
    "array-without-items",
    "binary-parameter",
    "boolean-required",
    "cookie-parameter",
    "dangling-ref",
    "date-type",
    "default-type-mismatch",
    "duplicate-enum-value",
    "duplicate-union-branch",
    "empty-document",
    "enum-name-collision",
    "example-schema-mismatch",
    "example-type-mismatch",
    "example-undeclared-property",
    "external-docs-without-url",
    "file-in-json-body",
    "file-not-found",
    "file-not-regular",
    "file-not-utf8",
    "file-outside-root",
    "file-too-large",
    "incomplete-info",
    "internal-emit",
    "invalid-field",
    "invalid-ref",
    "invalid-validation-keyword",
    "items-as-union",
    "json-schema-keyword",
    "list-declared-as-object",
    "malformed-json",
    "malformed-yaml",
    "merge-conflict",
    "missing-paths",
    "no-content-body",
    "non-standard-root-key",
    "non-standard-type",
    "non-string-version",
    "not-an-object",
    "not-openapi",
    "operation-dropped",
    "operation-without-responses",
    "optional-path-segment",
    "overlapping-one-of",
    "overlay-invalid",
    "overlay-invalid-action",
    "overlay-invalid-target",
    "overlay-unsupported",
    "overlay-unused-action",
    "paginated-object-response",
    "parameter-name-collision",
    "parameter-ref-as-schema",
    "path-parameter-type-mismatch",
    "plural-ref-as-list",
    "ref-cycle",
    "ref-file-not-found",
    "ref-repaired",
    "remote-ref",
    "rename-unmatched",
    "response-without-description",
    "schema-too-deep",
    "setting-unmatched",
    "too-deep",
    "undeclared-body",
    "undeclared-path-parameter",
    "undocumented-string",
    "unknown-code",
    "unknown-type",
    "unresolved-parameter",
    "unresolved-path-item",
    "unresolved-ref",
    "unresolved-request-body",
    "unresolved-response",
    "unsupported-collection-format",
    "unsupported-ref",
    "unsupported-security-scheme",
    "unsupported-version",
    "unused-path-parameter",
    "wildcard-path",
    "yaml-alias-limit",
    "yaml-too-deep",
];

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// Where a node came from: a file of the spec and a JSON pointer (RFC 6901) inside it.
///
/// Stages after bundling speak in pointers into the bundled document (`file` = the root file);
/// [`crate::source::SourceMap`] maps those back to the file and pointer the node was written at.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
pub struct Origin {
    pub file: String,
    pub pointer: String,
}

impl Origin {
    pub fn new(file: impl Into<String>, pointer: impl Into<String>) -> Self {
        Origin {
            file: file.into(),
            pointer: pointer.into(),
        }
    }
}

/// One finding about the input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable, kebab-case name of the check or normalization (`date-type`, `dangling-ref`, …).
    pub code: &'static str,
    pub origin: Origin,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What the user can do about it.
    pub help: Option<String>,
    /// Line and column (1-based), once resolved against the source text.
    pub line_col: Option<(usize, usize)>,
    /// The source line at [`Diagnostic::line_col`], for [`Diagnostic::render`] (derived from the
    /// file and position, so it orders nothing; not serialized).
    #[serde(skip)]
    pub source_line: Option<SourceLine>,
}

/// The source line a diagnostic points into, for [`Diagnostic::render`]. A line longer than
/// [`SourceLine::WIDTH`] characters (a minified JSON spec is one line) is cut to that many
/// around the column, with `…` where it was cut.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceLine {
    /// The text shown, its control characters escaped.
    pub text: String,
    /// The byte range of the text that the diagnostic points at: start, end.
    pub span: (usize, usize),
    /// Whether the line was cut: the span's column in the text is not the column in the file.
    pub cut: bool,
}

impl SourceLine {
    /// The most characters shown of a line.
    pub const WIDTH: usize = 160;

    /// The line around the 1-based character `column`; the span covers the token that starts
    /// there (up to the next space, comma or closing bracket; at least one character).
    pub fn new(line: &str, column: usize) -> SourceLine {
        let chars: Vec<char> = line.chars().collect();
        let at = column.saturating_sub(1).min(chars.len());
        let (from, to) = if chars.len() <= Self::WIDTH {
            (0, chars.len())
        } else {
            let from = at.saturating_sub(Self::WIDTH / 3);
            (from, (from + Self::WIDTH).min(chars.len()))
        };
        // A quoted token (a JSON string, a quoted YAML key) runs to its closing quote, past the
        // spaces, commas and braces inside it (`"/groups/{id}/-/packages"`); any other to the
        // first of those.
        let quoted = match chars.get(at) {
            Some(&q @ ('"' | '\'')) => {
                // `\"` escapes in a double-quoted string, `''` in a single-quoted YAML one.
                let mut i = at + 1;
                let mut end = None;
                while i < to {
                    match chars[i] {
                        '\\' if q == '"' => i += 1,
                        '\'' if q == '\'' && chars.get(i + 1) == Some(&'\'') => i += 1,
                        c if c == q => {
                            end = Some(i + 1);
                            break;
                        }
                        _ => {}
                    }
                    i += 1;
                }
                end
            }
            _ => None,
        };
        let token_end = quoted
            .or_else(|| {
                (at..to).find(|&i| chars[i].is_whitespace() || matches!(chars[i], ',' | '}' | ']'))
            })
            .unwrap_or(to)
            .max(at + 1)
            .min(to.max(at));
        let escaped = |cs: &[char]| Escaped(&cs.iter().collect::<String>()).to_string();
        let mut text = String::new();
        if from > 0 {
            text.push('…');
        }
        text.push_str(&escaped(&chars[from..at]));
        let start = text.len();
        text.push_str(&escaped(&chars[at..token_end]));
        // A column past the end of the line (an error at the end of the text): the caret goes
        // after the last character.
        if token_end == at {
            text.push(' ');
        }
        let end = text.len();
        text.push_str(&escaped(&chars[token_end..to]));
        if to < chars.len() {
            text.push('…');
        }
        SourceLine {
            text,
            span: (start, end),
            cut: from > 0 || to < chars.len(),
        }
    }
}

impl Diagnostic {
    pub fn error(code: &'static str, origin: Origin, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            origin,
            message: message.into(),
            help: None,
            line_col: None,
            source_line: None,
        }
    }

    pub fn warning(code: &'static str, origin: Origin, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, origin, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn at(mut self, line: usize, col: usize) -> Self {
        self.line_col = Some((line, col));
        self
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:col: severity[code]: message`, then `  at #pointer` and `  help: …` lines.
    /// Control characters (C0, DEL, C1: terminal escape sequences among them) and bidirectional
    /// overrides in the file name, message, pointer and help are escaped (`\u{1b}`), so a spec
    /// cannot write to the terminal through a diagnostic or make one line look like two.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Escaped(&self.origin.file))?;
        if let Some((line, col)) = self.line_col {
            write!(f, ":{line}:{col}")?;
        }
        write!(
            f,
            ": {}[{}]: {}",
            self.severity,
            self.code,
            Escaped(&self.message)
        )?;
        let pointer = if self.origin.pointer.is_empty() {
            "/"
        } else {
            &self.origin.pointer
        };
        write!(f, "\n  at #{}", Escaped(pointer))?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {}", Escaped(help))?;
        }
        Ok(())
    }
}

impl Diagnostic {
    /// The diagnostic as rustc shows one (by `annotate-snippets`, rustc's renderer): the
    /// severity, code and message, then the file, line and column, the source line with the
    /// token at the column underlined and labelled with the JSON pointer, and the help. Without
    /// a source line, the location and pointer are a note. `styled`: with terminal colors.
    /// Control characters from the input are escaped as in [`Display`](fmt::Display).
    pub fn render(&self, styled: bool) -> String {
        use annotate_snippets::{Level, Renderer, Snippet};
        let level = match self.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        };
        let message = Escaped(&self.message).to_string();
        let file = Escaped(&self.origin.file).to_string();
        let pointer = if self.origin.pointer.is_empty() {
            "/"
        } else {
            &self.origin.pointer
        };
        let label = format!("at #{}", Escaped(pointer));
        let location = match self.line_col {
            Some((line, col)) => format!("{file}:{line}:{col}"),
            None => file.clone(),
        };
        let note = format!("in {location}, {label}");
        let help = self.help.as_ref().map(|h| Escaped(h).to_string());
        let mut report = level.title(&message).id(self.code);
        match (&self.source_line, self.line_col) {
            (Some(source), Some((line, _))) => {
                let mut snippet = Snippet::source(&source.text)
                    .line_start(line)
                    .annotation(level.span(source.span.0..source.span.1).label(&label));
                if source.cut {
                    report = report.footer(Level::Note.title(&note));
                } else {
                    snippet = snippet.origin(&file);
                }
                report = report.snippet(snippet);
            }
            _ => report = report.footer(Level::Note.title(&note)),
        }
        if let Some(help) = &help {
            report = report.footer(Level::Help.title(help));
        }
        let renderer = if styled {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(report).to_string()
    }
}

/// Text from the input shown with its control characters escaped: C0 and C1 controls and DEL
/// (`\n`, `\r`, `\t` by name, others as `\u{…}`), and the bidirectional formatting characters
/// (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) that reorder what a terminal shows.
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(needs_escape) {
            f.write_str(&rest[..i])?;
            let c = rest[i..].chars().next().unwrap_or_default();
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c => write!(f, "\\u{{{:x}}}", u32::from(c))?,
            }
            rest = &rest[i + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// How many characters of a value from the input a message quotes.
pub const QUOTE_MAX: usize = 60;

/// A value from the input as a message quotes it: at most [`QUOTE_MAX`] characters, cut with
/// `…`, so a diagnostic shows which value it means without repeating a whole file's contents.
pub fn clip(value: &str) -> std::borrow::Cow<'_, str> {
    match value.char_indices().nth(QUOTE_MAX) {
        Some((i, _)) => format!("{}…", &value[..i]).into(),
        None => value.into(),
    }
}

/// A serde message with the values it quotes clipped ([`clip`]): serde quotes a string value as
/// a Rust string literal (`invalid type: string "…", expected …`) and a variant or field name in
/// backquotes (``unknown variant `…`, expected one of …``).
pub fn clip_quoted(message: &str) -> String {
    for prefix in ["unknown variant `", "unknown field `"] {
        let Some(start) = message.find(prefix).map(|i| i + prefix.len()) else {
            continue;
        };
        // The name is raw text: it ends at serde's own words after it, which the expected list
        // (made of the type's own names) does not repeat.
        let rest = &message[start..];
        let len = ["`, expected", "`, there are no"]
            .iter()
            .find_map(|end| rest.rfind(end))
            .or_else(|| rest.strip_suffix('`').map(str::len))
            .unwrap_or(rest.len());
        return format!(
            "{}{}{}",
            &message[..start],
            clip(&rest[..len]),
            &rest[len..]
        );
    }
    // String literals as `{:?}` writes them: `"` … `"`, with `\"` and `\\` escaped inside.
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        let mut escaped = false;
        let close = rest.char_indices().find_map(|(i, c)| match c {
            _ if escaped => {
                escaped = false;
                None
            }
            '\\' => {
                escaped = true;
                None
            }
            '"' => Some(i),
            _ => None,
        });
        let len = close.unwrap_or(rest.len());
        out.push_str(&clip(&rest[..len]));
        match close {
            Some(i) => {
                out.push('"');
                rest = &rest[i + 1..];
            }
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

/// The diagnostics collected by a run, in the order they are found until [`Diagnostics::sorted`].
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// Applies lint levels, as rustc's `allow` and `deny` do: a warning whose code `deny`
    /// names becomes an error (which stops generation), one whose code `allow` names is
    /// dropped. Errors stay errors whatever `allow` says; `deny` wins over `allow`.
    pub fn apply_levels(&mut self, allow: &[String], deny: &[String]) {
        let named = |list: &[String], code: &str| list.iter().any(|c| c == code);
        self.0.retain_mut(|d| {
            if d.severity != Severity::Warning {
                return true;
            }
            if named(deny, d.code) {
                d.severity = Severity::Error;
                let why = format!("denied by the setting `deny = [\"{}\"]`", d.code);
                d.help = Some(match d.help.take() {
                    Some(help) => format!("{help} ({why})"),
                    None => why,
                });
                return true;
            }
            !named(allow, d.code)
        });
    }

    pub fn errors(&self) -> usize {
        self.0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.0
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Errors first, then by file, position and code; exact duplicates removed.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| {
            (
                a.severity,
                &a.origin.file,
                a.line_col,
                &a.origin.pointer,
                a.code,
                &a.message,
            )
                .cmp(&(
                    b.severity,
                    &b.origin.file,
                    b.line_col,
                    &b.origin.pointer,
                    b.code,
                    &b.message,
                ))
        });
        self.0.dedup();
        self
    }
}

impl Diagnostics {
    /// Every diagnostic [rendered](Diagnostic::render), a blank line after each.
    pub fn render(&self, styled: bool) -> String {
        self.0.iter().map(|d| d.render(styled) + "\n\n").collect()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Escapes one reference token for a JSON pointer (RFC 6901 §3).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends one unescaped token to a JSON pointer.
pub fn child(pointer: &str, token: impl AsRef<str>) -> String {
    format!("{pointer}/{}", escape_token(token.as_ref()))
}

/// Splits a JSON pointer into unescaped tokens. `""` is the whole document.
pub fn tokens(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_escapes_terminal_controls_but_keeps_its_own_lines() {
        // ESC sequences (colour, clear screen, window title), a C1 CSI, a bidi override and a
        // line break that would fake a second diagnostic, in every field a spec can reach.
        let d = Diagnostic::error(
            "invalid-field",
            Origin::new("spec\u{1b}[2J.yaml", "/paths/~1x\u{1b}]0;title\u{7}"),
            "`\u{1b}[31mred\u{1b}[0m` and \u{9b}1m and \u{202e}txt.exe\nspec.yaml:1:1: error[fake]: x",
        )
        .with_help("write \u{2066}this\u{2069}\r\tthere")
        .at(3, 4);
        let shown = d.to_string();
        assert_eq!(
            shown,
            "spec\\u{1b}[2J.yaml:3:4: error[invalid-field]: `\\u{1b}[31mred\\u{1b}[0m` and \\u{9b}1m and \\u{202e}txt.exe\\nspec.yaml:1:1: error[fake]: x\n  at #/paths/~1x\\u{1b}]0;title\\u{7}\n  help: write \\u{2066}this\\u{2069}\\r\\tthere"
        );
        assert!(!shown.chars().any(|c| c.is_control() && c != '\n'));
        assert_eq!(shown.lines().count(), 3, "only the structure's own lines");
        let all = Diagnostics(vec![d]).to_string();
        assert!(!all.contains('\u{1b}') && !all.contains('\u{9b}') && !all.contains('\u{202e}'));
        // Printable text, quotes and backslashes are left as they are.
        assert_eq!(Escaped("é \"a\\b\" ✓").to_string(), "é \"a\\b\" ✓");
    }

    #[test]
    fn quoted_values_are_clipped() {
        let long = "x".repeat(500);
        assert_eq!(clip("short"), "short");
        assert_eq!(clip(&long), format!("{}…", "x".repeat(QUOTE_MAX)));
        assert_eq!(clip(&"é".repeat(61)).chars().count(), QUOTE_MAX + 1);
        // serde's string literals, escapes inside them included.
        let message = format!("invalid type: string \"{long}\\\"{long}\", expected a boolean");
        assert_eq!(
            clip_quoted(&message),
            format!(
                "invalid type: string \"{}…\", expected a boolean",
                "x".repeat(QUOTE_MAX)
            )
        );
        // serde's backquoted variants and fields, even with backquotes inside.
        let message =
            format!("unknown variant `{long}`, expected {long}`, expected one of `query`, `path`");
        assert_eq!(
            clip_quoted(&message),
            format!(
                "unknown variant `{}…`, expected one of `query`, `path`",
                "x".repeat(QUOTE_MAX)
            )
        );
        let message = "unknown field `a`, there are no fields";
        assert_eq!(clip_quoted(message), message);
    }

    #[test]
    fn source_lines_point_at_the_token_and_cut_long_lines() {
        let line = SourceLine::new("  type: strin # typo", 9);
        assert_eq!(line.text, "  type: strin # typo");
        assert_eq!(&line.text[line.span.0..line.span.1], "strin");
        assert!(!line.cut);
        // A quoted key or string runs to its closing quote, past braces and escaped quotes.
        let key = SourceLine::new("  \"/groups/{id}/-/packages/{name}\":", 3);
        assert_eq!(
            &key.text[key.span.0..key.span.1],
            "\"/groups/{id}/-/packages/{name}\""
        );
        let json = SourceLine::new(r#"{"description": "a \"b\" {c}", "x": 1}"#, 17);
        assert_eq!(&json.text[json.span.0..json.span.1], r#""a \"b\" {c}""#);
        let single = SourceLine::new("  summary: 'it''s {x}' # c", 12);
        assert_eq!(&single.text[single.span.0..single.span.1], "'it''s {x}'");
        // Past the end (an error at the end of the text): one space after the last character.
        let end = SourceLine::new("a: [", 5);
        assert_eq!((end.text.as_str(), end.span), ("a: [ ", (4, 5)));
        // A minified JSON spec: the window around the column, cut on both sides.
        let long = format!(
            "{{{}\"type\": \"strin\"{}}}",
            "\"a\": 1, ".repeat(100),
            ", \"b\": 2".repeat(100)
        );
        let column = long.find("\"strin\"").unwrap() + 1;
        let cut = SourceLine::new(&long, column);
        assert!(cut.cut && cut.text.starts_with('…') && cut.text.ends_with('…'));
        assert_eq!(cut.text.chars().count(), SourceLine::WIDTH + 2);
        assert_eq!(&cut.text[cut.span.0..cut.span.1], "\"strin\"");
        // Control characters are shown escaped, the span still on the token.
        let escaped = SourceLine::new("x: \u{1b}[31mred", 4);
        assert_eq!(escaped.text, "x: \\u{1b}[31mred");
        assert_eq!(
            &escaped.text[escaped.span.0..escaped.span.1],
            "\\u{1b}[31mred"
        );
    }

    #[test]
    fn a_rendered_diagnostic_shows_the_line_or_notes_where_it_is() {
        let mut d = Diagnostic::error("unknown-type", Origin::new("spec.yaml", "/a/type"), "bad")
            .with_help("fix it");
        d.line_col = Some((12, 9));
        d.source_line = Some(SourceLine::new("  type: strin", 9));
        assert_eq!(
            d.render(false),
            "error[unknown-type]: bad\n  --> spec.yaml:12:9\n   |\n12 |   type: strin\n   |         \
             ^^^^^ at #/a/type\n   |\n   = help: fix it"
        );
        // A cut line's columns are not the file's: the location is a note.
        d.source_line = Some(SourceLine::new(&"x".repeat(500), 300));
        let rendered = d.render(false);
        assert!(!rendered.contains("-->"), "{rendered}");
        assert!(
            rendered.contains("= note: in spec.yaml:12:9, at #/a/type"),
            "{rendered}"
        );
        d.source_line = None;
        assert!(
            d.render(false)
                .contains("= note: in spec.yaml:12:9, at #/a/type")
        );
    }
}
