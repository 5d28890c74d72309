//! Source positions: where the node a JSON pointer names was written in a YAML or JSON text.
//!
//! In: the texts xtask loaded, one per spec file and keyed by the file name diagnostics print,
//! and, on demand, JSON pointers (RFC 6901) into them. Out: 1-based `(line, column)` pairs as a
//! text editor shows them (columns count characters, not bytes), so a diagnostic can print
//! `file:line:col`. A pointer that names no node resolves to its nearest existing ancestor.
//!
//! Each file's [`PositionIndex`] is built lazily, the first time a position in that file is asked
//! for, which in practice means only when diagnostics are rendered. It is built from libyaml's
//! event stream (the `unsafe-libyaml` port that serde_yaml loads the specs with, so the index
//! accepts exactly the texts the loader accepts; JSON is YAML, so one parser serves both)
//! without building the document itself: aliases are recorded where they are written and never
//! expanded, nesting is bounded, the walk is iterative, and a parse error keeps whatever was
//! indexed before it.

use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use libyaml::{Event, Events};

/// Nodes nested deeper than this (the root is at depth 0) are not indexed.
const MAX_DEPTH: usize = 512;

/// Positions of every node of one YAML/JSON text, by JSON pointer.
#[derive(Clone, Default)]
pub struct PositionIndex {
    /// Arena of nodes; `nodes[0]`, if any, is the root of the first document.
    nodes: Vec<Node>,
}

/// One indexed node: where it starts (its key, for a mapping entry) and its children.
#[derive(Clone)]
struct Node {
    /// 1-based line and column.
    pos: (usize, usize),
    children: Children,
}

#[derive(Clone)]
enum Children {
    /// A scalar, an alias, or a collection too deep to index.
    Leaf,
    /// Mapping: key text to node id. A duplicate key keeps the last entry, as serde_json does.
    Map(HashMap<String, usize>),
    /// Sequence: item node ids in order.
    Seq(Vec<usize>),
}

impl PositionIndex {
    /// Parses `text` with libyaml's event parser and records, for every mapping value and
    /// sequence item, the position where that node starts; for a mapping entry that is the
    /// position of its key, which is what a user wants to see. The root `""` maps to the first
    /// node of the first document; later documents are neither indexed nor parsed.
    ///
    /// Never panics: on a parse error the index holds what was parsed before the error. Aliases
    /// are not expanded (only the alias itself is recorded), parsing stops at the first node
    /// nested deeper than 512 levels (the loader accepts no more than 128), and entries whose key
    /// is not a scalar (complex keys) are skipped.
    pub fn new(text: &str) -> PositionIndex {
        // Editors do not show a byte order mark, and it must not count as a column.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // JSON strings may hold characters that YAML forbids anywhere (C1 controls: SendGrid's
        // U+009F), where libyaml would stop and leave the rest of the file unindexed. A
        // space takes the place of each (one character for one, so columns stay).
        let printable = |c: char| matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..);
        let cleaned: String;
        let text = if text.chars().all(printable) {
            text
        } else {
            cleaned = text
                .chars()
                .map(|c| if printable(c) { c } else { ' ' })
                .collect();
            &cleaned
        };
        let mut builder = Builder::default();
        // libyaml's state machine is iterative (explicit, heap-allocated state stacks), so deep
        // nesting cannot overflow the stack. libyaml aborts rather than unwinds on an internal
        // bug, so `catch_unwind` only guards the walk below; whatever was recorded is kept, and
        // the parser is freed either way.
        let _ = catch_unwind(AssertUnwindSafe(|| {
            let Some(mut events) = Events::new(text) else {
                return;
            };
            // Stop below the index's bound: libyaml's scanner spends time proportional to the
            // open flow levels on every token, so parsing on through deeper nesting would take
            // time quadratic in the text's length.
            while !builder.done && builder.stack.len() + builder.skip <= MAX_DEPTH {
                match events.next() {
                    Some((event, pos)) => builder.event(event, pos),
                    None => break,
                }
            }
        }));
        PositionIndex {
            nodes: builder.nodes,
        }
    }

    /// Line and column (both 1-based) of the node at `pointer`; if the pointer does not exist,
    /// the position of its nearest existing ancestor (walk up token by token); None only if the
    /// text had no nodes.
    pub fn locate(&self, pointer: &str) -> Option<(usize, usize)> {
        let mut node = self.nodes.first()?;
        for token in crate::diag::tokens(pointer) {
            let next = match &node.children {
                Children::Map(entries) => entries.get(&token),
                Children::Seq(items) => array_index(&token).and_then(|i| items.get(i)),
                Children::Leaf => None,
            };
            match next {
                Some(&id) => node = &self.nodes[id],
                None => break,
            }
        }
        Some(node.pos)
    }
}

impl fmt::Debug for PositionIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PositionIndex")
            .field("nodes", &self.nodes.len())
            .finish()
    }
}

/// An array index token per RFC 6901: `0` or digits without a leading zero.
fn array_index(token: &str) -> Option<usize> {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    if !digits || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    token.parse().ok()
}

/// Where, as a 1-based line and character column, `text` first opens a flow collection (`[`,
/// `{`) nested deeper than `limit` flow collections, as libyaml's scanner reads it: brackets
/// inside quoted and block scalars, comments and tags do not count. None if it never does, or if
/// libyaml stops at a syntax error first (serde_yaml then reports that error). Reads tokens only
/// up to that bracket, so the scanner, whose work per token grows with the open flow levels,
/// never holds many more than `limit` of them open: linear time.
pub(crate) fn flow_too_deep(text: &str, limit: usize) -> Option<(usize, usize)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut tokens = libyaml::Tokens::new(text)?;
    let mut depth = 0usize;
    while let Some((token, pos)) = tokens.next() {
        match token {
            libyaml::Token::FlowStart => {
                depth += 1;
                if depth > limit {
                    return Some(pos);
                }
            }
            libyaml::Token::FlowEnd => depth = depth.saturating_sub(1),
            libyaml::Token::Other => {}
        }
    }
    None
}

/// A safe event stream over libyaml's parser: the only `unsafe` code of the crate's source
/// positions.
mod libyaml {
    use std::marker::PhantomData;
    use std::mem::MaybeUninit;

    use unsafe_libyaml::{
        YAML_ALIAS_EVENT, YAML_DOCUMENT_END_EVENT, YAML_DOCUMENT_START_EVENT,
        YAML_FLOW_MAPPING_END_TOKEN, YAML_FLOW_MAPPING_START_TOKEN, YAML_FLOW_SEQUENCE_END_TOKEN,
        YAML_FLOW_SEQUENCE_START_TOKEN, YAML_MAPPING_END_EVENT, YAML_MAPPING_START_EVENT,
        YAML_NO_TOKEN, YAML_SCALAR_EVENT, YAML_SEQUENCE_END_EVENT, YAML_SEQUENCE_START_EVENT,
        YAML_STREAM_END_TOKEN, YAML_STREAM_START_EVENT, YAML_UTF8_ENCODING, yaml_event_delete,
        yaml_event_t, yaml_mark_t, yaml_parser_delete, yaml_parser_initialize, yaml_parser_parse,
        yaml_parser_scan, yaml_parser_set_encoding, yaml_parser_set_input_string, yaml_parser_t,
        yaml_token_delete, yaml_token_t,
    };

    /// One parser event, reduced to what the index needs.
    pub(super) enum Event {
        /// A scalar node and its (unescaped) text.
        Scalar(String),
        Alias,
        SequenceStart,
        MappingStart,
        /// The end of a sequence or a mapping.
        CollectionEnd,
        DocumentEnd,
        /// Stream and document starts.
        Other,
    }

    /// The events of one text, from libyaml's event parser (the one serde_yaml uses).
    ///
    /// `Events` owns an initialized `yaml_parser_t` on the heap, reading from `input`. The
    /// parser must not move once its input is set (it keeps a pointer to itself for its read
    /// handler), so it is held by a raw pointer from [`Box::into_raw`] and never moved or
    /// reborrowed as a `Box` until [`Drop`] frees it. The borrow `'a` keeps `input` alive and
    /// unchanged for as long as the parser holds pointers into it. Every event is copied out
    /// and freed before [`Events::next`] returns, and once the stream ends or an error occurs
    /// the parser is not called again. libyaml does not expand aliases at this level.
    pub(super) struct Events<'a> {
        parser: *mut yaml_parser_t,
        /// Stream end or error seen: libyaml yields nothing more.
        finished: bool,
        input: PhantomData<&'a str>,
    }

    impl<'a> Events<'a> {
        /// A parser reading `input` as UTF-8, or None if libyaml could not set itself up.
        pub(super) fn new(input: &'a str) -> Option<Events<'a>> {
            let parser = new_parser(input)?;
            Some(Events {
                parser,
                finished: false,
                input: PhantomData,
            })
        }

        /// The next event and where it starts, as a 1-based line and character column; None
        /// at the end of the stream or on a parse error, and from then on.
        pub(super) fn next(&mut self) -> Option<(Event, (usize, usize))> {
            if self.finished {
                return None;
            }
            let mut raw = MaybeUninit::<yaml_event_t>::uninit();
            let event = raw.as_mut_ptr();
            // SAFETY: `self.parser` is initialized, has its input set, and has not failed or
            // ended (`finished` is false); `event` points to writable memory for one
            // `yaml_event_t`, which `yaml_parser_parse` zeroes before anything else.
            if unsafe { yaml_parser_parse(self.parser, event) }.fail {
                // A failed parse leaves the zeroed event owning nothing.
                self.finished = true;
                return None;
            }
            // SAFETY: `yaml_parser_parse` succeeded, so `*event` is fully written: `type_`,
            // `start_mark` and, for a scalar, `data.scalar` whose `value` points to `length`
            // readable bytes allocated by libyaml. Those bytes are copied before
            // `yaml_event_delete` frees them and everything else the event owns, and `*event`
            // is not read after that.
            let (kind, mark) = unsafe {
                let kind = match (*event).type_ {
                    YAML_SCALAR_EVENT => {
                        let scalar = (*event).data.scalar;
                        let bytes = match usize::try_from(scalar.length) {
                            Ok(len) if !scalar.value.is_null() => {
                                std::slice::from_raw_parts(scalar.value, len)
                            }
                            _ => &[],
                        };
                        Some(Event::Scalar(String::from_utf8_lossy(bytes).into_owned()))
                    }
                    YAML_ALIAS_EVENT => Some(Event::Alias),
                    YAML_SEQUENCE_START_EVENT => Some(Event::SequenceStart),
                    YAML_MAPPING_START_EVENT => Some(Event::MappingStart),
                    YAML_SEQUENCE_END_EVENT | YAML_MAPPING_END_EVENT => Some(Event::CollectionEnd),
                    YAML_DOCUMENT_END_EVENT => Some(Event::DocumentEnd),
                    YAML_STREAM_START_EVENT | YAML_DOCUMENT_START_EVENT => Some(Event::Other),
                    // Stream end, or no event (the parser had already stopped).
                    _ => None,
                };
                let mark = (*event).start_mark;
                yaml_event_delete(event);
                (kind, mark)
            };
            let Some(kind) = kind else {
                self.finished = true;
                return None;
            };
            Some((kind, one_based(mark)))
        }
    }

    /// One scanner token, reduced to what the flow depth needs.
    pub(super) enum Token {
        /// `[` or `{`.
        FlowStart,
        /// `]` or `}`.
        FlowEnd,
        Other,
    }

    /// The tokens of one text, from libyaml's scanner (the stage below its event parser), for
    /// counting flow levels without parsing.
    ///
    /// Owns its parser exactly as [`Events`] does (see there); only `yaml_parser_scan` is called
    /// on it, never `yaml_parser_parse`, as libyaml requires. Every token is freed before
    /// [`Tokens::next`] returns, and once the stream ends or an error occurs the scanner is not
    /// called again.
    pub(super) struct Tokens<'a> {
        parser: *mut yaml_parser_t,
        finished: bool,
        input: PhantomData<&'a str>,
    }

    impl<'a> Tokens<'a> {
        /// A scanner reading `input` as UTF-8, or None if libyaml could not set itself up.
        pub(super) fn new(input: &'a str) -> Option<Tokens<'a>> {
            let parser = new_parser(input)?;
            Some(Tokens {
                parser,
                finished: false,
                input: PhantomData,
            })
        }

        /// The next token and where it starts (1-based line and character column); None at the
        /// end of the stream or on a scanner error, and from then on.
        pub(super) fn next(&mut self) -> Option<(Token, (usize, usize))> {
            if self.finished {
                return None;
            }
            let mut raw = MaybeUninit::<yaml_token_t>::uninit();
            let token = raw.as_mut_ptr();
            // SAFETY: `self.parser` is initialized, has its input set, has only ever been used
            // through `yaml_parser_scan`, and has not failed or ended (`finished` is false);
            // `token` points to writable memory for one `yaml_token_t`, which
            // `yaml_parser_scan` zeroes before anything else.
            if unsafe { yaml_parser_scan(self.parser, token) }.fail {
                // A failed scan leaves the zeroed token owning nothing.
                self.finished = true;
                return None;
            }
            // SAFETY: `yaml_parser_scan` succeeded, so `*token` is fully written (a zeroed
            // `YAML_NO_TOKEN` if the scanner had already stopped); its type and start mark are
            // plain values copied out before `yaml_token_delete` frees what the token owns, and
            // `*token` is not read after that.
            let (kind, mark) = unsafe {
                let kind = match (*token).type_ {
                    YAML_FLOW_SEQUENCE_START_TOKEN | YAML_FLOW_MAPPING_START_TOKEN => {
                        Some(Token::FlowStart)
                    }
                    YAML_FLOW_SEQUENCE_END_TOKEN | YAML_FLOW_MAPPING_END_TOKEN => {
                        Some(Token::FlowEnd)
                    }
                    YAML_STREAM_END_TOKEN | YAML_NO_TOKEN => None,
                    _ => Some(Token::Other),
                };
                let mark = (*token).start_mark;
                yaml_token_delete(token);
                (kind, mark)
            };
            let Some(kind) = kind else {
                self.finished = true;
                return None;
            };
            Some((kind, one_based(mark)))
        }
    }

    impl Drop for Tokens<'_> {
        fn drop(&mut self) {
            // SAFETY: as for `Events`: `self.parser` came from `new_parser` and is freed only here.
            unsafe { free_parser(self.parser) }
        }
    }

    impl Drop for Events<'_> {
        fn drop(&mut self) {
            // SAFETY: `self.parser` came from `new_parser` in `Events::new` and is freed only
            // here.
            unsafe { free_parser(self.parser) }
        }
    }

    /// A heap-allocated, initialized libyaml parser reading `input` as UTF-8, or None if libyaml
    /// could not set itself up. The parser must not move once its input is set (it keeps a
    /// pointer to itself for its read handler), so it is held by the raw pointer from
    /// [`Box::into_raw`]; the caller keeps `input` alive and unchanged for as long as the parser
    /// lives and frees it with [`free_parser`], once.
    fn new_parser(input: &str) -> Option<*mut yaml_parser_t> {
        let parser =
            Box::into_raw(Box::new(MaybeUninit::<yaml_parser_t>::uninit())).cast::<yaml_parser_t>();
        // SAFETY: `parser` is a valid, aligned, exclusively owned allocation for a
        // `yaml_parser_t`; `yaml_parser_initialize` zeroes it before writing any field.
        if unsafe { yaml_parser_initialize(parser) }.fail {
            // SAFETY: `parser` came from `Box::into_raw` above and nothing else refers to it;
            // `MaybeUninit` has no destructor. (This port's initialization cannot actually
            // fail: it aborts on allocation failure.)
            drop(unsafe { Box::from_raw(parser.cast::<MaybeUninit<yaml_parser_t>>()) });
            return None;
        }
        // SAFETY: `parser` is initialized and its encoding and input are not set yet (both
        // functions assert that). `input` is valid for `input.len()` bytes (its pointer is
        // non-null even when empty) and, by this function's contract, outlives the parser,
        // which only reads through the pointer.
        unsafe {
            yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING);
            yaml_parser_set_input_string(parser, input.as_ptr(), input.len() as u64);
        }
        Some(parser)
    }

    /// Frees a parser from [`new_parser`].
    ///
    /// # Safety
    ///
    /// `parser` came from [`new_parser`] and is not used again.
    unsafe fn free_parser(parser: *mut yaml_parser_t) {
        // SAFETY: by the contract, `parser` is initialized: `yaml_parser_delete` releases
        // everything it allocated (buffers, queued tokens, stacks), then the allocation from
        // `Box::into_raw` is released as the `MaybeUninit` it was created as.
        unsafe {
            yaml_parser_delete(parser);
            drop(Box::from_raw(parser.cast::<MaybeUninit<yaml_parser_t>>()));
        }
    }

    /// libyaml marks are 0-based; `column` counts characters (`index` counts bytes), and `\n`,
    /// `\r\n` and `\r` each end a line.
    fn one_based(mark: yaml_mark_t) -> (usize, usize) {
        let one_based = |n: u64| usize::try_from(n).unwrap_or(usize::MAX).saturating_add(1);
        (one_based(mark.line), one_based(mark.column))
    }
}

/// An open collection while the events are walked.
enum Frame {
    Seq { node: usize },
    Map { node: usize, key: Key },
}

/// Where a mapping is between its entries.
enum Key {
    /// The next node is a key.
    Expected,
    /// The next node is the value of this scalar key, written at this position.
    Scalar(String, (usize, usize)),
    /// The next node is the value of a non-scalar key: skip it.
    Complex,
}

/// What kind of node an event starts.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Scalar,
    Alias,
    Seq,
    Map,
}

#[derive(Default)]
struct Builder {
    nodes: Vec<Node>,
    stack: Vec<Frame>,
    /// How many collections deep the walk is inside a subtree that is not indexed.
    skip: usize,
    /// The first document is complete.
    done: bool,
}

impl Builder {
    /// Takes one event, starting at the 1-based `pos`.
    fn event(&mut self, event: Event, pos: (usize, usize)) {
        match event {
            Event::Scalar(text) => self.node(Kind::Scalar, Some(text), pos),
            Event::Alias => self.node(Kind::Alias, None, pos),
            Event::SequenceStart => self.node(Kind::Seq, None, pos),
            Event::MappingStart => self.node(Kind::Map, None, pos),
            Event::CollectionEnd => {
                if self.skip > 0 {
                    self.skip -= 1;
                } else {
                    self.stack.pop();
                }
            }
            // Only the first document is indexed. libyaml gives every document a root node
            // (an empty one is an empty scalar), so the first document end closes the index.
            Event::DocumentEnd => self.done = true,
            Event::Other => {}
        }
    }

    /// A node starts: index it under its parent, or skip it (and, for a collection, its subtree).
    fn node(&mut self, kind: Kind, scalar: Option<String>, pos: (usize, usize)) {
        let collection = matches!(kind, Kind::Seq | Kind::Map);
        if self.skip > 0 {
            self.skip += usize::from(collection);
            return;
        }
        let depth = self.stack.len();
        let (parent, token) = match self.stack.last_mut() {
            None if self.nodes.is_empty() => (None, None),
            // A second root in the same document cannot happen; ignore it if it does.
            None => {
                self.skip += usize::from(collection);
                return;
            }
            Some(Frame::Seq { node }) => (Some(*node), None),
            Some(Frame::Map { node, key }) => match std::mem::replace(key, Key::Expected) {
                Key::Expected => {
                    // libyaml marks a block mapping's start at its first key and a flow mapping's
                    // at its `{`; keep the earlier of the start and the first key regardless.
                    let start = &mut self.nodes[*node].pos;
                    *start = (*start).min(pos);
                    *key = match scalar {
                        Some(text) => Key::Scalar(text, pos),
                        None => {
                            self.skip += usize::from(collection);
                            Key::Complex
                        }
                    };
                    return;
                }
                Key::Scalar(text, key_pos) => (Some(*node), Some((text, key_pos))),
                Key::Complex => {
                    self.skip += usize::from(collection);
                    return;
                }
            },
        };
        if depth > MAX_DEPTH {
            self.skip += usize::from(collection);
            return;
        }
        let id = self.nodes.len();
        let children = match kind {
            Kind::Seq if depth < MAX_DEPTH => Children::Seq(Vec::new()),
            Kind::Map if depth < MAX_DEPTH => Children::Map(HashMap::new()),
            _ => Children::Leaf,
        };
        let pos = token.as_ref().map_or(pos, |(_, key_pos)| *key_pos);
        self.nodes.push(Node { pos, children });
        if let Some(parent) = parent {
            match (&mut self.nodes[parent].children, token) {
                (Children::Map(entries), Some((text, _))) => {
                    entries.insert(text, id);
                }
                (Children::Seq(items), None) => items.push(id),
                _ => {}
            }
        }
        match kind {
            Kind::Seq => self.stack.push(Frame::Seq { node: id }),
            Kind::Map => self.stack.push(Frame::Map {
                node: id,
                key: Key::Expected,
            }),
            Kind::Scalar | Kind::Alias => {}
        }
    }
}

/// Several source files: what xtask loaded, keyed by the file name used in diagnostics.
#[derive(Default, Clone)]
pub struct SourceMap {
    files: BTreeMap<String, SourceFile>,
}

#[derive(Clone)]
struct SourceFile {
    text: String,
    /// Built on the first [`SourceMap::locate`] in this file.
    index: OnceCell<PositionIndex>,
    /// Where each line starts (byte offsets), built on the first [`SourceMap::line`].
    lines: OnceCell<Vec<usize>>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the text of `file`.
    pub fn add(&mut self, file: impl Into<String>, text: impl Into<String>) {
        self.files.insert(
            file.into(),
            SourceFile {
                text: text.into(),
                index: OnceCell::new(),
                lines: OnceCell::new(),
            },
        );
    }

    /// The text of `file`, if it was added.
    pub fn text(&self, file: &str) -> Option<&str> {
        self.files.get(file).map(|f| f.text.as_str())
    }

    /// Line `line` (1-based) of `file`, without its line break; None if either is unknown.
    pub fn line(&self, file: &str, line: usize) -> Option<&str> {
        let file = self.files.get(file)?;
        let starts = file.lines.get_or_init(|| {
            std::iter::once(0)
                .chain(file.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let start = *starts.get(line.checked_sub(1)?)?;
        let end = starts.get(line).map_or(file.text.len(), |next| next - 1);
        Some(file.text[start..end].trim_end_matches('\r'))
    }

    /// Position of `pointer` in `file`, see [`PositionIndex::locate`]; None if the file is unknown.
    pub fn locate(&self, file: &str, pointer: &str) -> Option<(usize, usize)> {
        let file = self.files.get(file)?;
        file.index
            .get_or_init(|| PositionIndex::new(&file.text))
            .locate(pointer)
    }
}

impl fmt::Debug for SourceMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceMap")
            .field("files", &self.files.keys().collect::<Vec<_>>())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::child;

    const YAML: &str = "\
openapi: 3.0.0
info:
  title: x
paths:
  /v4/metadata:
    get:
      responses:
        '200':
          description: ok
tags:
  - name: a
    description: first
  - name: b
";

    #[test]
    fn yaml_nested_maps_sequences_and_quoted_keys() {
        let index = PositionIndex::new(YAML);
        assert_eq!(index.locate(""), Some((1, 1)));
        assert_eq!(index.locate("/openapi"), Some((1, 1)));
        assert_eq!(index.locate("/info"), Some((2, 1)));
        assert_eq!(index.locate("/info/title"), Some((3, 3)));
        assert_eq!(index.locate("/paths"), Some((4, 1)));
        // A key containing `/` is reached through `~1`.
        let path = child("/paths", "/v4/metadata");
        assert_eq!(path, "/paths/~1v4~1metadata");
        assert_eq!(index.locate(&path), Some((5, 3)));
        assert_eq!(index.locate(&child(&path, "get")), Some((6, 5)));
        // The quoted key `'200'` is the token `200`.
        assert_eq!(
            index.locate("/paths/~1v4~1metadata/get/responses/200"),
            Some((8, 9))
        );
        assert_eq!(
            index.locate("/paths/~1v4~1metadata/get/responses/200/description"),
            Some((9, 11))
        );
        // A sequence of maps: an item starts at its first key, not at the `:` after it.
        assert_eq!(index.locate("/tags"), Some((10, 1)));
        assert_eq!(index.locate("/tags/0"), Some((11, 5)));
        assert_eq!(index.locate("/tags/0/description"), Some((12, 5)));
        assert_eq!(index.locate("/tags/1"), Some((13, 5)));
        assert_eq!(index.locate("/tags/1/name"), Some((13, 5)));
    }

    #[test]
    fn yaml_root_after_comments_and_unquoted_number_key() {
        let index = PositionIndex::new("# spec\n\n---\nresponses:\n  200: {description: ok}\n");
        assert_eq!(index.locate(""), Some((4, 1)));
        assert_eq!(index.locate("/responses/200"), Some((5, 3)));
        assert_eq!(index.locate("/responses/200/description"), Some((5, 9)));
    }

    #[test]
    fn missing_pointer_falls_back_to_nearest_ancestor() {
        let index = PositionIndex::new(YAML);
        let responses = Some((7, 7));
        assert_eq!(
            index.locate("/paths/~1v4~1metadata/get/responses"),
            responses
        );
        assert_eq!(
            index.locate("/paths/~1v4~1metadata/get/responses/404"),
            responses
        );
        assert_eq!(
            index.locate("/paths/~1v4~1metadata/get/responses/404/description"),
            responses
        );
        assert_eq!(index.locate("/tags/7/name"), Some((10, 1)));
        // Not valid array indices (RFC 6901): leading zero, sign, name.
        assert_eq!(index.locate("/tags/01"), Some((10, 1)));
        assert_eq!(index.locate("/tags/+1"), Some((10, 1)));
        assert_eq!(index.locate("/tags/name"), Some((10, 1)));
        // Below a scalar.
        assert_eq!(index.locate("/openapi/x"), Some((1, 1)));
        assert_eq!(index.locate("/nope"), Some((1, 1)));
    }

    #[test]
    fn json_single_line() {
        let index = PositionIndex::new(r#"{"a":[1,{"b":2}],"c":{},"d/e~f":null}"#);
        assert_eq!(index.locate(""), Some((1, 1)));
        assert_eq!(index.locate("/a"), Some((1, 2)));
        assert_eq!(index.locate("/a/0"), Some((1, 7)));
        assert_eq!(index.locate("/a/1"), Some((1, 9)));
        assert_eq!(index.locate("/a/1/b"), Some((1, 10)));
        assert_eq!(index.locate("/c"), Some((1, 18)));
        assert_eq!(index.locate("/c/missing"), Some((1, 18)));
        assert_eq!(index.locate("/d~1e~0f"), Some((1, 25)));
    }

    #[test]
    fn json_strings_with_characters_yaml_forbids_are_indexed_past_them() {
        // SendGrid's spec has a raw U+009F in a description; libyaml stops there.
        let text = "{\"a\": \"x\u{9f}y\",\n \"b\": {\"c\": 1}}";
        let index = PositionIndex::new(text);
        assert_eq!(index.locate("/b/c"), Some((2, 8)));
    }

    #[test]
    fn json_pretty_printed() {
        let text = r#"{
  "openapi": "3.0.0",
  "paths": {
    "/v4/metadata": {
      "get": {"responses": {"200": {"description": "ok"}}}
    }
  },
  "tags": [
    {"name": "a"},
    "b"
  ]
}
"#;
        let index = PositionIndex::new(text);
        assert_eq!(index.locate(""), Some((1, 1)));
        assert_eq!(index.locate("/openapi"), Some((2, 3)));
        assert_eq!(index.locate("/paths"), Some((3, 3)));
        assert_eq!(index.locate("/paths/~1v4~1metadata"), Some((4, 5)));
        assert_eq!(index.locate("/paths/~1v4~1metadata/get"), Some((5, 7)));
        assert_eq!(
            index.locate("/paths/~1v4~1metadata/get/responses"),
            Some((5, 15))
        );
        assert_eq!(
            index.locate("/paths/~1v4~1metadata/get/responses/200"),
            Some((5, 29))
        );
        assert_eq!(index.locate("/tags"), Some((8, 3)));
        assert_eq!(index.locate("/tags/0"), Some((9, 5)));
        assert_eq!(index.locate("/tags/0/name"), Some((9, 6)));
        assert_eq!(index.locate("/tags/1"), Some((10, 5)));
    }

    #[test]
    fn aliases_are_not_expanded() {
        let text = "\
a: &a [lol, lol, lol]
b: &b [*a, *a, *a]
c: &c [*b, *b, *b]
d: *c
";
        let index = PositionIndex::new(text);
        assert_eq!(index.locate("/a/2"), Some((1, 18)));
        assert_eq!(index.locate("/b/1"), Some((2, 12)));
        assert_eq!(index.locate("/d"), Some((4, 1)));
        // Nothing below an alias: the pointer stops at the alias itself.
        assert_eq!(index.locate("/b/1/0"), Some((2, 12)));
        assert_eq!(index.locate("/d/0/0/0"), Some((4, 1)));
        // The root, its 4 entries and the 3 + 3 + 3 sequence items: no copies were made.
        assert_eq!(index.nodes.len(), 1 + 4 + 3 + 3 + 3);
    }

    #[test]
    fn malformed_text_keeps_what_was_parsed() {
        let text = "a: 1\nb:\n  c: 2\n  d: \"unterminated\ne: 3\n";
        let index = PositionIndex::new(text);
        assert_eq!(index.locate("/a"), Some((1, 1)));
        assert_eq!(index.locate("/b/c"), Some((3, 3)));
        // `d`'s value never completed, and nothing after the error was indexed.
        assert_eq!(index.locate("/b/d"), Some((2, 1)));
        assert_eq!(index.locate("/e"), Some((1, 1)));

        let index = PositionIndex::new("x: [1, 2\n");
        assert_eq!(index.locate("/x/1"), Some((1, 8)));

        for text in [
            "",
            "# only a comment\n",
            "\u{0}",
            "]",
            "{{{",
            "- a\nb: c",
            ": : :",
        ] {
            let _ = PositionIndex::new(text).locate("/a/0");
        }
        assert_eq!(PositionIndex::new("").locate(""), None);
        assert_eq!(PositionIndex::new("# only a comment\n").locate("/x"), None);
    }

    #[test]
    fn deep_nesting_neither_overflows_nor_indexes_past_the_bound() {
        // libyaml has no nesting limit of its own and its parser is iterative: a deep flow
        // collection, closed or not, is indexed down to depth 512 and no further.
        let pointer = "/0".repeat(10_000);
        for text in [
            "[".repeat(10_000),
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
        ] {
            let index = PositionIndex::new(&text);
            assert_eq!(index.locate(&pointer), Some((1, MAX_DEPTH + 1)));
            assert_eq!(index.nodes.len(), MAX_DEPTH + 1);
        }
        let index = PositionIndex::new(&format!("{}{}", "[".repeat(200), "]".repeat(200)));
        assert_eq!(index.locate(&pointer), Some((1, 200)));

        // Block collections too; the index stops at depth 512.
        let index = PositionIndex::new(&format!("{}x", "- ".repeat(10_000)));
        assert_eq!(index.locate(""), Some((1, 1)));
        assert_eq!(index.locate("/0/0"), Some((1, 5)));
        assert_eq!(index.locate(&pointer), Some((1, 2 * MAX_DEPTH + 1)));
        assert_eq!(index.nodes.len(), MAX_DEPTH + 1);

        let text: String = (0..1000)
            .map(|i| format!("{}a:\n", "  ".repeat(i)))
            .collect();
        let index = PositionIndex::new(&text);
        assert_eq!(index.locate("/a/a/a"), Some((3, 5)));
        assert_eq!(
            index.locate(&"/a".repeat(1000)),
            Some((MAX_DEPTH, 2 * MAX_DEPTH - 1))
        );
    }

    #[test]
    fn columns_count_characters_and_ignore_bom_and_crlf() {
        let index = PositionIndex::new("\u{feff}é: ü\r\nx: [é, «y»]\r\n");
        assert_eq!(index.locate("/é"), Some((1, 1)));
        assert_eq!(index.locate("/x"), Some((2, 1)));
        assert_eq!(index.locate("/x/1"), Some((2, 8)));
        // A block scalar does not shift what follows it.
        let index = PositionIndex::new("a: |\n  ééé\n  ü\nb: [1, 2]\n");
        assert_eq!(index.locate("/b/1"), Some((4, 8)));
    }

    #[test]
    fn complex_keys_duplicates_and_later_documents() {
        let text = "? [x, y]\n: {skipped: 1}\nk: 1\nk: 2\n--- \nother: 1\n";
        let index = PositionIndex::new(text);
        assert_eq!(index.locate("/k"), Some((4, 1)));
        assert_eq!(index.locate("/skipped"), Some((1, 1)));
        assert_eq!(index.locate("/other"), Some((1, 1)));
    }

    #[test]
    fn source_map_locates_lazily_per_file() {
        let mut map = SourceMap::new();
        map.add("spec.yaml", YAML);
        map.add("extra.json", "{\n  \"x\": 1\n}");
        assert_eq!(map.text("spec.yaml"), Some(YAML));
        assert_eq!(map.text("missing.yaml"), None);
        assert!(map.files["spec.yaml"].index.get().is_none());
        assert_eq!(map.locate("spec.yaml", "/info/title"), Some((3, 3)));
        assert!(map.files["spec.yaml"].index.get().is_some());
        assert!(map.files["extra.json"].index.get().is_none());
        assert_eq!(map.locate("extra.json", "/x"), Some((2, 3)));
        assert_eq!(map.locate("missing.yaml", ""), None);
        // Replacing a file drops its index.
        map.add("extra.json", "\n\n{\"x\": 1}");
        assert_eq!(map.locate("extra.json", "/x"), Some((3, 2)));
    }

    #[test]
    fn alias_bomb_is_indexed_as_written() {
        // Nine levels of nine aliases to the level below would expand to 9^9 scalars.
        let mut text = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for level in 1..10 {
            let refs = vec![format!("*l{}", level - 1); 9].join(", ");
            text.push_str(&format!("l{level}: &l{level} [{refs}]\n"));
        }
        text.push_str("bomb: *l9\n");
        let index = PositionIndex::new(&text);
        // The root, 11 entries, and 9 items for each of the 10 sequences.
        assert_eq!(index.nodes.len(), 1 + 11 + 10 * 9);
        assert_eq!(index.locate("/l9/8"), Some((10, 50)));
        assert_eq!(index.locate("/bomb/0/0/0"), Some((11, 1)));
    }

    #[test]
    fn only_the_first_document_is_indexed() {
        let index = PositionIndex::new("a: 1\n---\nb: 2\n");
        assert_eq!(index.locate("/a"), Some((1, 1)));
        assert_eq!(index.locate("/b"), Some((1, 1)));
        // An empty first document is still the first document (its root is an empty scalar),
        // and a broken later document is never parsed.
        let index = PositionIndex::new("--- # empty\n---\nb: 2\n");
        assert_eq!(index.locate("/b"), index.locate(""));
        assert_ne!(index.locate("/b"), Some((3, 1)));
        let index = PositionIndex::new("a: [1]\n...\n--- {{{\n");
        assert_eq!(index.locate("/a/0"), Some((1, 5)));
    }

    #[test]
    fn flow_sequence_closed_at_the_key_indentation() {
        // libyaml (and so the loader) accepts a flow collection whose closing bracket is not
        // indented more than its key; the index must too.
        let text = "x:\n  k: [\n    1\n  ]\n  after: 2\nnext: 3\n";
        let index = PositionIndex::new(text);
        assert_eq!(index.locate("/x/k/0"), Some((3, 5)));
        assert_eq!(index.locate("/x/after"), Some((5, 3)));
        assert_eq!(index.locate("/next"), Some((6, 1)));
    }

    #[test]
    fn real_spec_file() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../specs/gitlab/v4/access_tokens.yaml"
        );
        let text = std::fs::read_to_string(path).unwrap();
        let index = PositionIndex::new(&text);
        assert_eq!(index.locate("/accessTokens/get"), Some((5, 3)));
        // Past the example whose `]` (line 130) sits at its key's indentation.
        assert_eq!(index.locate("/accessTokensRevoke"), Some((140, 1)));
        assert_eq!(
            index.locate("/accessTokensRevoke/delete/parameters/0/schema/oneOf"),
            Some((153, 11))
        );
        assert_eq!(
            index.locate("/accessTokensRevoke/delete/parameters/1/schema/oneOf/1"),
            Some((163, 15))
        );
    }
}
