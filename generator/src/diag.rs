//! Diagnostics: what every stage reports about the input.
//!
//! In: problems found by a stage, each with a severity, a stable code (the name of the quirk or
//! check), a message, a hint for the user, and the origin of the node (file + JSON pointer).
//! Out: a sorted, deduplicated list rendered as `file:line:col: severity[code]: message`, where
//! line:column come from [`crate::source::SourceMap`]. Warnings never stop generation; any error
//! stops it at the next stage boundary with every problem of that stage listed (cxx's `Errors`).

use std::fmt;

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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.origin.file)?;
        if let Some((line, col)) = self.line_col {
            write!(f, ":{line}:{col}")?;
        }
        write!(f, ": {}[{}]: {}", self.severity, self.code, self.message)?;
        let pointer = if self.origin.pointer.is_empty() {
            "/"
        } else {
            &self.origin.pointer
        };
        write!(f, "\n  at #{pointer}")?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
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
