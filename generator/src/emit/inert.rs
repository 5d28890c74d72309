//! Spec text made inert: what the generated crate takes from the spec's strings can neither
//! run nor break the build, whatever the spec says.
//!
//! In: text from the spec (descriptions, titles, the spec's file name). Out: the same text for
//! documentation ([`doc_text`]), where every Markdown code block rustdoc would compile and run
//! as a doctest — a fence without a language or with a Rust one, an indented block — becomes a
//! fenced `text` block (found by pulldown-cmark, the parser rustdoc uses, with rustdoc's
//! options); or for one line of a comment or a TOML string ([`one_line`]). Both escape the
//! characters rustc or cargo refuse or that make code read other than it compiles
//! ([`is_hostile`]): `\u{202e}` is written as those eight characters. String literals need
//! nothing of this: proc-macro2 writes such characters as `\u{…}` escapes.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// Characters that never reach a generated file as they are: controls other than line ends
/// and tabs (a bare CR is an error in a doc comment, other C0 and C1 controls are refused in
/// TOML and hide text in a terminal), the bidirectional marks, embeddings, overrides and
/// isolates (rustc denies them in comments and literals, `text_direction_codepoint_*`: they
/// make code read other than it compiles), and the Unicode line and paragraph separators,
/// which editors show as line breaks that Rust does not see.
pub(crate) fn is_hostile(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// Line ends made `\n` (a CRLF, and a bare CR, which old Mac-style spec text uses as a line
/// end and rustdoc refuses), hostile characters written as their `\u{…}` escape.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            c if is_hostile(c) => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

/// Spec text for one line of a comment or a TOML string: [`clean`], with line ends and tabs
/// as spaces.
pub(crate) fn one_line(text: &str) -> String {
    clean(text).replace(['\n', '\t'], " ")
}

/// Spec text for a Markdown table cell or code span of a generated Markdown file: [`one_line`],
/// with `|` escaped, backticks made quotes and `-->` broken, so the text ends no cell, span or
/// comment.
pub(crate) fn markdown_cell(text: &str) -> String {
    one_line(text)
        .replace('|', "\\|")
        .replace('`', "'")
        .replace("-->", "- ->")
}

/// Spec text for documentation: [`clean`], and every code block a `text` block ([`rewrite`]).
pub(crate) fn doc_text(text: &str) -> String {
    let text = clean(text);
    // A construct the rewrite does not handle (a footnote holding a list holding a block, an
    // unclosed HTML comment): the whole text as one `text` block.
    rewrite(&text).unwrap_or_else(|| fenced_text(&text))
}

/// `text` with every code block a `text` block, and a fence left open at the end closed, so
/// that what the generator writes after the text stays outside; `None` when that does not make
/// the text inert ([`is_inert`]).
fn rewrite(text: &str) -> Option<String> {
    let (rewritten, closing) = code_blocks_as_text(text);
    if is_inert(&rewritten) {
        return Some(rewritten);
    }
    let closed = format!("{}\n{}", rewritten.trim_end(), closing?);
    is_inert(&closed).then_some(closed)
}

/// The options rustdoc parses documentation with (`main_body_opts`), so a code block is found
/// here exactly where rustdoc finds one.
fn rustdoc_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
}

/// A code block as pulldown-cmark reports it: its kind, its source range, its content (what
/// rustdoc would compile) and where that content starts in the source.
struct Block {
    fenced: bool,
    range: Range<usize>,
    content: String,
    content_start: Option<usize>,
}

fn code_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    for (event, range) in Parser::new_ext(text, rustdoc_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                current = Some(Block {
                    fenced: matches!(kind, CodeBlockKind::Fenced(_)),
                    range,
                    content: String::new(),
                    content_start: None,
                });
            }
            Event::Text(t) => {
                if let Some(block) = &mut current {
                    block.content.push_str(&t);
                    block.content_start.get_or_insert(range.start);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(current.take()),
            _ => {}
        }
    }
    blocks
}

/// Whether every code block of `text` is a fenced `text` block, and `text` ends what it opens:
/// a block after it (as the generator appends its own text) is found as a block of its own.
fn is_inert(text: &str) -> bool {
    let followed = format!("{}\n\n```rust\n```", text.trim_end());
    let mut blocks: Vec<CodeBlockKind> = Parser::new_ext(&followed, rustdoc_options())
        .filter_map(|event| match event {
            Event::Start(Tag::CodeBlock(kind)) => Some(kind),
            _ => None,
        })
        .collect();
    let own = matches!(blocks.pop(), Some(CodeBlockKind::Fenced(info)) if &*info == "rust");
    own && blocks
        .iter()
        .all(|kind| matches!(kind, CodeBlockKind::Fenced(info) if &**info == "text"))
}

/// Each fenced block's info string replaced by `text` (fence characters and length kept), each
/// indented block made a fenced `text` block with the same content, in the same container
/// (list item, block quote); and the line that would close the last fenced block, in its
/// container, should it be left open.
fn code_blocks_as_text(text: &str) -> (String, Option<String>) {
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut closing = None;
    for block in code_blocks(text) {
        let line_start = text[..block.range.start].rfind('\n').map_or(0, |i| i + 1);
        if block.fenced {
            if let Some((edit, close)) = fenced(text, &block, line_start) {
                edits.push(edit);
                closing = Some(close);
            }
        } else {
            edits.push(indented(text, &block, line_start));
        }
    }
    let mut out = text.to_owned();
    for (range, replacement) in edits.into_iter().rev() {
        out.replace_range(range, &replacement);
    }
    (out, closing)
}

/// The edit of a fenced block, its info string made `text`; and the line that closes it.
fn fenced(
    text: &str,
    block: &Block,
    line_start: usize,
) -> Option<((Range<usize>, String), String)> {
    let open_end = text[block.range.start..]
        .find('\n')
        .map_or(text.len(), |i| block.range.start + i);
    let fence_at = text[block.range.start..open_end]
        .find(['`', '~'])
        .map(|i| block.range.start + i)?;
    let fence_char = text[fence_at..].chars().next()?;
    let fence_len = text[fence_at..open_end]
        .chars()
        .take_while(|&c| c == fence_char)
        .count();
    let closing = format!(
        "{}{}",
        continuation(&text[line_start..fence_at]),
        fence_char.to_string().repeat(fence_len)
    );
    Some(((fence_at + fence_len..open_end, "text".to_owned()), closing))
}

/// The edit of an indented block: the lines it spans replaced by a fenced `text` block with its
/// content, in the container its first line is in.
fn indented(text: &str, block: &Block, line_start: usize) -> (Range<usize>, String) {
    let content_start = block.content_start.unwrap_or(block.range.start);
    // The first line's prefix without the block's four columns of indentation: the container
    // (a list item's indentation, `> `); when the block starts a list item (or a footnote),
    // its marker and the one space after it.
    let mut first = expand_tabs(&text[line_start..content_start.max(line_start)]);
    let marker = first.trim_end_matches(' ');
    let keep = if marker.is_empty() || marker.ends_with('>') {
        marker.len().max(first.len().saturating_sub(4))
    } else {
        marker.len() + 1
    };
    first.truncate(keep);
    let rest = continuation(&first);
    let fence = fence_for(&block.content);
    let mut out = format!("{first}{fence}text\n");
    for line in block.content.lines() {
        out.push_str(if line.is_empty() {
            rest.trim_end()
        } else {
            &rest
        });
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&rest);
    out.push_str(&fence);
    if text[block.range.clone()].ends_with('\n') {
        out.push('\n');
    }
    (line_start..block.range.end, out)
}

/// A line's container prefix as the following lines of the same block repeat it: block quote
/// markers kept, each with the space it takes as its own, a list marker made spaces.
fn continuation(prefix: &str) -> String {
    let prefix = expand_tabs(prefix);
    let mut out = String::with_capacity(prefix.len() + 2);
    let mut chars = prefix.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '>' {
            out.push_str("> ");
            if chars.peek() == Some(&' ') {
                chars.next();
            }
        } else {
            out.push(' ');
        }
    }
    out
}

/// Tabs as spaces to the next multiple of four columns, as CommonMark counts indentation.
fn expand_tabs(prefix: &str) -> String {
    let mut out = String::new();
    for c in prefix.chars() {
        if c == '\t' {
            let n = 4 - out.chars().count() % 4;
            out.push_str(&" ".repeat(n));
        } else {
            out.push(c);
        }
    }
    out
}

/// The whole text as one fenced `text` block.
fn fenced_text(text: &str) -> String {
    let fence = fence_for(text);
    format!("{fence}text\n{text}\n{fence}")
}

/// A backtick fence that no line of `content` closes: longer than any backtick run in it.
fn fence_for(content: &str) -> String {
    let longest = content.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat((longest + 1).max(3))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The code blocks rustdoc would run as doctests: every block but a fenced one whose info
    /// names a language other than Rust.
    fn doctests(text: &str) -> usize {
        Parser::new_ext(text, rustdoc_options())
            .filter(|e| match e {
                Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => true,
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                    let info = info.trim();
                    info.is_empty()
                        || info.split([',', ' ', '\t']).any(|t| {
                            matches!(
                                t,
                                "rust"
                                    | "should_panic"
                                    | "no_run"
                                    | "ignore"
                                    | "compile_fail"
                                    | "edition2021"
                                    | "edition2024"
                            )
                        })
                }
                _ => false,
            })
            .count()
    }

    #[test]
    fn fenced_blocks_become_text_blocks() {
        let text = "Run:\n\n```\nstd::fs::write(\"x\", \"\");\n```\n\n~~~~rust,no_run\nx();\n~~~~\n\nand `inline`.";
        assert_eq!(doctests(text), 2);
        let out = doc_text(text);
        assert_eq!(
            out,
            "Run:\n\n```text\nstd::fs::write(\"x\", \"\");\n```\n\n~~~~text\nx();\n~~~~\n\nand `inline`."
        );
        assert_eq!(doctests(&out), 0);
        assert_eq!(doc_text(&out), out, "idempotent");
    }

    #[test]
    fn a_json_block_is_text_too() {
        assert_eq!(doc_text("```json\n{}\n```"), "```text\n{}\n```");
    }

    #[test]
    fn indented_blocks_become_fenced_text_blocks() {
        let text = "Example:\n\n    let a = 1;\n\n    let b = 2;\n\nAfter.";
        assert_eq!(doctests(text), 1);
        let out = doc_text(text);
        assert_eq!(
            out,
            "Example:\n\n```text\nlet a = 1;\n\nlet b = 2;\n```\n\nAfter."
        );
        assert_eq!(doctests(&out), 0);
    }

    #[test]
    fn blocks_in_lists_and_quotes_stay_there() {
        let text =
            "- item\n\n      code();\n\n  more\n\n>     quoted();\n\n- ```rust\n  listed();\n  ```";
        assert_eq!(doctests(text), 3);
        let out = doc_text(text);
        assert_eq!(
            out,
            "- item\n\n  ```text\n  code();\n  ```\n\n  more\n\n> ```text\n> quoted();\n> ```\n\n- ```text\n  listed();\n  ```"
        );
        assert_eq!(doctests(&out), 0);
    }

    #[test]
    fn unclosed_fences_are_closed() {
        let out = doc_text("Text\n\n````\nrun();");
        assert_eq!(out, "Text\n\n````text\nrun();\n````");
        // Text after it, as the generator appends, is outside the block.
        let joined = format!("{out}\n\n```rust\nown();\n```");
        assert_eq!(doctests(&joined), 1);
        assert_eq!(doc_text("```"), "```text\n```");
        // A list item or a block quote ends its fence itself.
        assert_eq!(doc_text("- ```\n  run();"), "- ```text\n  run();");
        assert_eq!(doc_text("> ```\n> run();"), "> ```text\n> run();");
    }

    #[test]
    fn a_paragraph_continuation_is_not_a_block() {
        let text = "Responsible for making HTTP GET\n                  request from secondary";
        assert_eq!(doc_text(text), text);
    }

    #[test]
    fn hostile_characters_are_escaped() {
        assert_eq!(
            doc_text("a\u{202e}b\u{1b}[31mc\0d\re\r\nf\tg\u{85}h\u{2066}i"),
            "a\\u{202e}b\\u{1b}[31mc\\u{0}d\ne\nf\tg\\u{85}h\\u{2066}i"
        );
        assert_eq!(
            one_line("Title \"q\"\nnext\r\u{200f}"),
            "Title \"q\" next \\u{200f}"
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Text made of what builds Markdown blocks: fences, indentation, list and quote markers,
    /// blank lines, HTML, footnotes and tables.
    fn markdown() -> impl Strategy<Value = String> {
        let pieces = [
            "\n", "\n\n", " ", "  ", "    ", "\t", "```", "~~~", "````", "rust", "text", "- ",
            "* ", "1. ", "> ", ">", "x", "code();", "`", "<div>", "<!--", "-->", "[^1]: ", "|a|",
            "|-|", "\r", "\u{202e}",
        ];
        prop::collection::vec(prop::sample::select(pieces.to_vec()), 0..40).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Documentation text is inert whatever the spec says; and but for footnotes and HTML,
        /// the rewrite alone makes it so (the whole-text fallback is not needed).
        #[test]
        fn doc_text_is_inert(text in markdown()) {
            let out = doc_text(&text);
            prop_assert!(is_inert(&out), "{text:?} -> {out:?}");
            prop_assert!(!out.chars().any(|c| c == '\r' || is_hostile(c)), "{out:?}");
            if !text.contains('<') && !text.contains("[^") {
                prop_assert!(rewrite(&clean(&text)).is_some(), "{text:?} needs the fallback");
            }
        }
    }
}
