//! A streaming XML reader for the import files, on quick-xml: elements and text one at a time,
//! so a 1 GB export never needs 1 GB of memory. What it refuses: entity declarations (a
//! "billion laughs" file expands a few bytes into gigabytes), entities other than XML's five,
//! and text fields larger than `FIELD_MAX` (kept to that length and marked). Bytes that are
//! not UTF-8 are replaced (U+FFFD) and counted, never a reason to stop.
use quick_xml::events::Event;
use std::io::BufRead;

/// The most text kept of one element: a post body larger than this is cut and reported.
pub const FIELD_MAX: usize = 16 * 1024 * 1024;
/// The most bytes read without a single element or text node ending: past this the file is
/// refused (quick-xml would otherwise buffer a gigabyte of text with no `<`).
pub const NODE_MAX: u64 = 64 * 1024 * 1024;
/// How deep elements may nest (an export nests five or six levels).
pub const DEPTH_MAX: usize = 64;

#[derive(Debug, thiserror::Error)]
pub enum XmlError {
    #[error("the file declares entities (<!DOCTYPE … <!ENTITY …>): refused, an export never needs them and they can expand without bound")]
    Entities,
    #[error("unknown entity &{0}; (only &amp; &lt; &gt; &quot; &apos; and character references are read)")]
    UnknownEntity(String),
    #[error("the XML is malformed near byte {position}: {message}")]
    Malformed { position: u64, message: String },
    #[error("the file ends inside <{0}>: it was cut short (import the whole file)")]
    Truncated(String),
    #[error("elements nest deeper than {DEPTH_MAX} levels: not an export")]
    TooDeep,
    #[error("more than {} MB without a tag: not an export", NODE_MAX / 1024 / 1024)]
    NodeTooLarge,
    #[error("reading the file: {0}")]
    Io(#[from] std::io::Error),
}

/// A reader that refuses to hand out more than `NODE_MAX` bytes between two `reset`s.
pub struct Bounded<R> {
    inner: R,
    since_reset: u64,
}

impl<R: BufRead> std::io::Read for Bounded<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Bounded<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.since_reset > NODE_MAX {
            return Err(std::io::Error::other(XmlError::NodeTooLarge.to_string()));
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.since_reset += amt as u64;
        self.inner.consume(amt)
    }
}

pub enum Node {
    /// An element opens: its qualified name (`wp:comment`) and attributes.
    Open(String, Vec<(String, String)>),
    Close(String),
    Text(String),
    End,
}

pub struct XmlIn<R: BufRead> {
    reader: quick_xml::Reader<Bounded<R>>,
    /// The open elements: a file that ends inside one was cut short.
    open: Vec<String>,
    buf: Vec<u8>,
    /// Replacement characters put in for bytes that were not UTF-8.
    pub replaced: u64,
    /// An `<x/>` is reported as open then close: the close waits here.
    pending_close: Option<String>,
}

impl<R: BufRead> XmlIn<R> {
    pub fn new(input: R) -> Self {
        let mut reader = quick_xml::Reader::from_reader(Bounded { inner: input, since_reset: 0 });
        reader.config_mut().check_end_names = true;
        XmlIn {
            reader,
            open: Vec::new(),
            buf: Vec::with_capacity(64 * 1024),
            replaced: 0,
            pending_close: None,
        }
    }

    pub fn position(&self) -> u64 {
        self.reader.buffer_position()
    }

    pub fn next_node(&mut self) -> Result<Node, XmlError> {
        if let Some(name) = self.pending_close.take() {
            self.open.pop();
            return Ok(Node::Close(name));
        }
        loop {
            self.buf.clear();
            if self.buf.capacity() > 1024 * 1024 {
                // a huge node passed: give its memory back
                self.buf = Vec::with_capacity(64 * 1024);
            }
            self.reader.get_mut().since_reset = 0;
            let position = self.reader.buffer_position();
            let event = self.reader.read_event_into(&mut self.buf).map_err(|e| match e {
                quick_xml::Error::Io(io) if io.to_string().contains("without a tag") => {
                    XmlError::NodeTooLarge
                }
                quick_xml::Error::Io(io) => XmlError::Io(std::io::Error::new(io.kind(), io.to_string())),
                other => XmlError::Malformed { position, message: other.to_string() },
            })?;
            let node = match event {
                Event::Start(e) => {
                    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    let attrs = attributes(&e);
                    self.enter(&name)?;
                    Node::Open(name, attrs)
                }
                Event::Empty(e) => {
                    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    let attrs = attributes(&e);
                    self.enter(&name)?;
                    self.pending_close = Some(name.clone());
                    Node::Open(name, attrs)
                }
                Event::End(e) => {
                    self.open.pop();
                    Node::Close(String::from_utf8_lossy(e.name().as_ref()).into_owned())
                }
                Event::Text(t) => {
                    let raw = t.into_inner();
                    let s = lossy(&raw, &mut self.replaced);
                    Node::Text(s.replace("\r\n", "\n"))
                }
                Event::CData(t) => {
                    let raw = t.into_inner();
                    Node::Text(lossy(&raw, &mut self.replaced))
                }
                Event::GeneralRef(r) => {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        Node::Text(c.to_string())
                    } else {
                        let name = String::from_utf8_lossy(&r).into_owned();
                        let c = match name.as_str() {
                            "amp" => "&",
                            "lt" => "<",
                            "gt" => ">",
                            "quot" => "\"",
                            "apos" => "'",
                            _ => return Err(XmlError::UnknownEntity(name.chars().take(40).collect())),
                        };
                        Node::Text(c.to_string())
                    }
                }
                Event::DocType(d) => {
                    if d.windows(8).any(|w| w.eq_ignore_ascii_case(b"<!ENTITY")) {
                        return Err(XmlError::Entities);
                    }
                    continue;
                }
                Event::Eof => match self.open.last() {
                    Some(name) => return Err(XmlError::Truncated(name.chars().take(60).collect())),
                    None => Node::End,
                },
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => continue,
            };
            return Ok(node);
        }
    }
}

impl<R: BufRead> XmlIn<R> {
    fn enter(&mut self, name: &str) -> Result<(), XmlError> {
        if self.open.len() >= DEPTH_MAX {
            return Err(XmlError::TooDeep);
        }
        self.open.push(name.chars().take(60).collect());
        Ok(())
    }
}

fn lossy(bytes: &[u8], replaced: &mut u64) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let s = String::from_utf8_lossy(bytes).into_owned();
            *replaced += s.matches('\u{FFFD}').count() as u64;
            s
        }
    }
}

fn attributes(e: &quick_xml::events::BytesStart<'_>) -> Vec<(String, String)> {
    e.attributes()
        .flatten()
        .map(|a| {
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
            (String::from_utf8_lossy(a.key.as_ref()).into_owned(), value)
        })
        .collect()
}

/// Collects an element's text up to `FIELD_MAX` bytes; `cut` says more was there.
#[derive(Default)]
pub struct Field {
    pub text: String,
    pub cut: bool,
}

impl Field {
    pub fn push(&mut self, s: &str) {
        if self.cut {
            return;
        }
        if self.text.len() + s.len() > FIELD_MAX {
            let mut room = FIELD_MAX - self.text.len();
            while !s.is_char_boundary(room) {
                room -= 1;
            }
            self.text.push_str(&s[..room]);
            self.cut = true;
        } else {
            self.text.push_str(s);
        }
    }

    pub fn take(&mut self) -> (String, bool) {
        let cut = std::mem::take(&mut self.cut);
        (std::mem::take(&mut self.text), cut)
    }
}
