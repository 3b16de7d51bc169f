//! The article's HTML walked once: its plain text (for offsets), and the same HTML with passages marked.
use super::*;

pub(super) const VOID: [&str; 10] =
    ["br", "hr", "img", "input", "meta", "link", "source", "wbr", "col", "area"];
pub(super) const BLOCK: [&str; 20] = [
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "br",
    "hr",
    "table",
    "tr",
    "td",
    "th",
    "figure",
];

pub(super) fn tokens(html: &str) -> impl Iterator<Item = Token<'_>> {
    let mut rest = html;
    std::iter::from_fn(move || {
        let c = rest.chars().next()?;
        if c == '<' {
            let end = rest.find('>').map(|i| i + 1).unwrap_or(rest.len());
            let raw = &rest[..end];
            rest = &rest[end..];
            let inner = raw.trim_start_matches('<').trim_end_matches('>');
            let closing = inner.starts_with('/');
            let name: String = inner
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            let void = VOID.contains(&name.as_str()) || inner.ends_with('/') || inner.starts_with('!');
            return Some(Token::Tag { raw, name, closing, void });
        }
        if c == '&' {
            // look for the `;` among the next few bytes: `;` is ASCII, so wherever it is found
            // the slices around it fall on character boundaries (a `&` followed by `’` must not
            // be cut inside the `’`)
            if let Some(semi) = rest.bytes().take(12).position(|b| b == b';') {
                if let Some(ch) = entity(&rest[1..semi]) {
                    let raw = &rest[..=semi];
                    rest = &rest[semi + 1..];
                    return Some(Token::Char { raw, ch });
                }
            }
        }
        let raw = &rest[..c.len_utf8()];
        rest = &rest[c.len_utf8()..];
        Some(Token::Char { raw, ch: c })
    })
}

pub(super) fn entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)?
        }
    })
}

/// Walks the HTML and tells, for each text character, whether it counts in the plain text
/// (collapsed whitespace does not) — the one definition of offsets.
pub(super) struct Counter {
    pos: usize,
    last_space: bool,
}

impl Counter {
    fn new() -> Counter {
        // no leading space: the plain text is trimmed
        Counter { pos: 0, last_space: true }
    }

    /// `Some(char)` when this character is part of the plain text (at `self.pos` before the call).
    fn count(&mut self, ch: char) -> Option<char> {
        if ch.is_whitespace() {
            if self.last_space {
                return None;
            }
            self.last_space = true;
            self.pos += 1;
            Some(' ')
        } else {
            self.last_space = false;
            self.pos += 1;
            Some(ch)
        }
    }

    /// Block boundaries read as a space.
    fn boundary(&mut self) -> bool {
        if self.last_space {
            return false;
        }
        self.last_space = true;
        self.pos += 1;
        true
    }
}

/// The article's text as readers see it (see the module docs).
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut counter = Counter::new();
    for token in tokens(html) {
        match token {
            Token::Tag { name, .. } if BLOCK.contains(&name.as_str()) => {
                if counter.boundary() {
                    out.push(' ');
                }
            }
            Token::Tag { .. } => {}
            Token::Char { ch, .. } => {
                if let Some(c) = counter.count(ch) {
                    out.push(c);
                }
            }
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// A passage to show in the article: its characters and the icon after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub id: i64,
    pub start: usize,
    pub end: usize,
    /// Inserted right after the passage (the comment icon with its count).
    pub after_html: String,
}

/// A top-level block of the article (a paragraph, a list…), highlighted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub html: String,
    /// The passages that end in this block: their panels open after it.
    pub passages: Vec<i64>,
}

/// Wraps each passage in `<mark class="passage">` (split at tags so the HTML stays valid),
/// adds its icon after it, and cuts the article into top-level blocks. Overlapping passages
/// after the first are left unmarked.
pub fn highlight(html: &str, marks: &[Mark]) -> Vec<Block> {
    let mut marks: Vec<&Mark> = marks.iter().filter(|m| m.end > m.start).collect();
    marks.sort_by_key(|m| (m.start, m.end));
    let mut kept: Vec<&Mark> = Vec::new();
    for m in marks {
        if kept.last().is_none_or(|k| m.start >= k.end) {
            kept.push(m);
        }
    }
    let mut blocks = Vec::new();
    let mut cur = Block { html: String::new(), passages: Vec::new() };
    let mut counter = Counter::new();
    let mut depth: i32 = 0;
    let mut next = 0; // index into `kept` of the next passage to start or finish
    let mut open = false; // a <mark> is open in the output
    let mut started = false; // the current passage has begun (its first segment was written)
    let open_tag = |m: &Mark, first: bool| {
        if first {
            format!("<mark class=\"passage\" id=\"passage-{0}\" data-passage=\"{0}\">", m.id)
        } else {
            format!("<mark class=\"passage\" data-passage=\"{}\">", m.id)
        }
    };
    for token in tokens(html) {
        match token {
            Token::Tag { raw, name, closing, void } => {
                if open {
                    cur.html.push_str("</mark>");
                    open = false;
                }
                if BLOCK.contains(&name.as_str()) {
                    counter.boundary();
                    finish_passage(&kept, &mut next, &mut started, counter.pos, &mut cur);
                }
                cur.html.push_str(raw);
                if !void {
                    depth += if closing { -1 } else { 1 };
                }
                if closing && depth <= 0 {
                    depth = 0;
                    blocks.push(std::mem::replace(
                        &mut cur,
                        Block { html: String::new(), passages: Vec::new() },
                    ));
                }
            }
            Token::Char { raw, ch } => {
                let at = counter.pos;
                let counts = counter.count(ch).is_some();
                if counts {
                    if let Some(m) = kept.get(next) {
                        if at >= m.start && at < m.end && !open {
                            cur.html.push_str(&open_tag(m, !started));
                            open = true;
                            started = true;
                        }
                    }
                }
                if depth == 0 && !counts && !open {
                    // whitespace between blocks
                    continue;
                }
                cur.html.push_str(raw);
                if counts {
                    if let Some(m) = kept.get(next) {
                        if at + 1 >= m.end && started {
                            if open {
                                cur.html.push_str("</mark>");
                                open = false;
                            }
                            cur.html.push_str(&m.after_html);
                            cur.passages.push(m.id);
                            next += 1;
                            started = false;
                        }
                    }
                }
            }
        }
    }
    if open {
        cur.html.push_str("</mark>");
    }
    finish_passage(&kept, &mut next, &mut started, usize::MAX, &mut cur);
    if !cur.html.trim().is_empty() || !cur.passages.is_empty() {
        blocks.push(cur);
    }
    blocks
}

/// A passage whose end fell on collapsed whitespace or a block boundary ends here.
pub(super) fn finish_passage(
    kept: &[&Mark],
    next: &mut usize,
    started: &mut bool,
    pos: usize,
    cur: &mut Block,
) {
    if let Some(m) = kept.get(*next) {
        if *started && pos >= m.end {
            cur.html.push_str(&m.after_html);
            cur.passages.push(m.id);
            *next += 1;
            *started = false;
        }
    }
}
