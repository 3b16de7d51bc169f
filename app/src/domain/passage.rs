//! Passages readers comment on ("Inline Feedbacks"): how a passage is found in an article's
//! text, and how the article's HTML shows it.
//!
//! A passage is anchored the way the W3C Web Annotation `TextQuoteSelector` does it: the exact
//! quote, some text before and after it, and a position hint. When the article is edited, the
//! quote is looked up again: exact occurrences first (the context decides between several),
//! then — if the quote itself was edited — the place between its old context, accepted when it
//! is still similar enough. A passage that cannot be found is "changed", never deleted.
//!
//! All offsets are in characters of the article's *plain text*: tags dropped, entities decoded,
//! whitespace collapsed to single spaces, trimmed. The same walker produces the plain text
//! and the highlighted HTML, so their offsets always agree.
use serde::{Deserialize, Serialize};

/// `feedback:` in the front matter: a passage of the body (quoted exactly, as it reads once
/// rendered) and the question readers see beside it. `id` is optional: give one to keep a
/// passage's feedback attached even when its text is rewritten beyond recognition.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct FeedbackPassage {
    #[serde(default)]
    pub id: Option<String>,
    pub passage: String,
    pub question: String,
}

/// Characters of context kept on each side of a quote.
pub const CONTEXT: usize = 32;
/// Limits on a quote readers select.
pub const QUOTE_MIN: usize = 3;
pub const QUOTE_MAX: usize = 600;
/// How similar an edited quote must still be to keep its feedback attached.
const MIN_SIMILARITY: f64 = 0.6;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selector {
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
    /// Character offset of the quote's start when it was made.
    pub position: usize,
}

/// A passage as the article page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassageView {
    pub id: i64,
    /// The editor's question; `None` for a passage a reader selected.
    pub question: Option<String>,
    pub quote: String,
    /// Where it is in the article's plain text (characters).
    pub start: usize,
    pub end: usize,
    /// Approved feedback on it.
    pub count: i64,
    /// The last three feedbacks, newest first.
    pub recent: Vec<RecentFeedback>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentFeedback {
    pub comment_id: i64,
    pub author: String,
    /// The feedback's text cut to about 85 characters.
    pub excerpt: String,
}

/// What a feedback is about: a known passage, or the quote a reader selected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FeedbackTarget {
    Passage(i64),
    Quote(Selector),
}

/// The passage a feedback in the thread quotes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassageRef {
    pub id: i64,
    /// About 20 words of it.
    pub quote: String,
    /// The article was edited and the passage could not be found again.
    pub changed: bool,
}

/// Collapses whitespace runs to one space and trims, as the plain text does.
pub fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The selector of `text[start..end]` (character offsets).
pub fn selector_at(text: &str, start: usize, end: usize) -> Selector {
    let chars: Vec<char> = text.chars().collect();
    let end = end.min(chars.len());
    let start = start.min(end);
    Selector {
        exact: chars[start..end].iter().collect(),
        prefix: chars[start.saturating_sub(CONTEXT)..start].iter().collect(),
        suffix: chars[end..(end + CONTEXT).min(chars.len())].iter().collect(),
        position: start,
    }
}

fn find_all(hay: &[char], needle: &[char]) -> Vec<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return Vec::new();
    }
    (0..=hay.len() - needle.len()).filter(|&i| hay[i..i + needle.len()] == *needle).collect()
}

/// How many characters before `at` match the end of `prefix`.
fn before_match(text: &[char], at: usize, prefix: &[char]) -> usize {
    text[..at].iter().rev().zip(prefix.iter().rev()).take_while(|(a, b)| a == b).count()
}

/// How many characters from `at` match the start of `suffix`.
fn after_match(text: &[char], at: usize, suffix: &[char]) -> usize {
    text[at..].iter().zip(suffix.iter()).take_while(|(a, b)| a == b).count()
}

/// 1.0 for equal strings, 0.0 for nothing in common (Levenshtein distance over the longer).
pub fn similarity(a: &[char], b: &[char]) -> f64 {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    1.0 - prev[b.len()] as f64 / longest as f64
}

/// Finds the selector's passage in `text`: `Some((start, end))` in characters, or `None`
/// when the passage is gone.
pub fn anchor(text: &str, sel: &Selector) -> Option<(usize, usize)> {
    let t: Vec<char> = text.chars().collect();
    let q: Vec<char> = sel.exact.chars().collect();
    let pre: Vec<char> = sel.prefix.chars().collect();
    let suf: Vec<char> = sel.suffix.chars().collect();
    if q.is_empty() {
        return None;
    }
    let distance = |s: usize| s.abs_diff(sel.position);
    // 1. the quote as it was: the context decides between occurrences, then the position
    let exact = find_all(&t, &q);
    if let Some(&best) = exact.iter().max_by_key(|&&s| {
        let context = before_match(&t, s, &pre) + after_match(&t, s + q.len(), &suf);
        (context, std::cmp::Reverse(distance(s)))
    }) {
        return Some((best, best + q.len()));
    }
    // 2. the quote was edited: look where its context still is
    let key = 12;
    let pre_key = &pre[pre.len().saturating_sub(key)..];
    let suf_key = &suf[..suf.len().min(key)];
    let mut candidates = Vec::new();
    let starts: Vec<usize> = if pre_key.len() >= 6 {
        find_all(&t, pre_key).into_iter().map(|p| p + pre_key.len()).collect()
    } else {
        Vec::new()
    };
    let ends: Vec<usize> = if suf_key.len() >= 6 { find_all(&t, suf_key) } else { Vec::new() };
    let (min_len, max_len) = (q.len() / 2, q.len() * 2 + 10);
    for &s in &starts {
        let mut paired = false;
        for &e in &ends {
            if e >= s && (min_len..=max_len).contains(&(e - s)) {
                candidates.push((s, e));
                paired = true;
            }
        }
        if !paired {
            candidates.push((s, (s + q.len()).min(t.len())));
        }
    }
    for &e in &ends {
        if e >= q.len() {
            candidates.push((e - q.len(), e));
        }
    }
    candidates
        .into_iter()
        .map(|(s, e)| {
            // trim to what a reader would select: no spaces at the ends
            let (mut s, mut e) = (s, e);
            while s < e && t[s] == ' ' {
                s += 1;
            }
            while e > s && t[e - 1] == ' ' {
                e -= 1;
            }
            (s, e, similarity(&t[s..e], &q))
        })
        .filter(|&(s, e, sim)| e > s && sim >= MIN_SIMILARITY)
        .max_by(|a, b| a.2.total_cmp(&b.2).then(distance(b.0).cmp(&distance(a.0))))
        .map(|(s, e, _)| (s, e))
}

/// The first `n` words of a quote, with an ellipsis when cut (about 20 words in the thread).
pub fn words(quote: &str, n: usize) -> String {
    let all: Vec<&str> = quote.split_whitespace().collect();
    if all.len() <= n {
        all.join(" ")
    } else {
        format!("{}…", all[..n].join(" "))
    }
}

// ---------------------------------------------------------------------------------------------
// Walking the article's HTML

enum Token<'a> {
    /// A tag, as written; `name` lower-cased, `closing` for `</x>`, `void` for `<br>` and co.
    Tag { raw: &'a str, name: String, closing: bool, void: bool },
    /// One character of text: the raw source (an entity or a char) and what it reads as.
    Char { raw: &'a str, ch: char },
}

const VOID: [&str; 10] = ["br", "hr", "img", "input", "meta", "link", "source", "wbr", "col", "area"];
const BLOCK: [&str; 20] = [
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

fn tokens(html: &str) -> impl Iterator<Item = Token<'_>> {
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

fn entity(name: &str) -> Option<char> {
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
struct Counter {
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
fn finish_passage(kept: &[&Mark], next: &mut usize, started: &mut bool, pos: usize, cur: &mut Block) {
    if let Some(m) = kept.get(*next) {
        if *started && pos >= m.end {
            cur.html.push_str(&m.after_html);
            cur.passages.push(m.id);
            *next += 1;
            *started = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "The treaty lists reasons for refusing a request. Critics say the reasons for refusing \
                        a request are vague. Ankara has not ratified it.";

    fn sel(text: &str, quote: &str, nth: usize) -> Selector {
        let byte = text.match_indices(quote).nth(nth).unwrap().0;
        let start = text[..byte].chars().count();
        selector_at(text, start, start + quote.chars().count())
    }

    fn quoted(text: &str, at: Option<(usize, usize)>) -> Option<String> {
        at.map(|(s, e)| text.chars().skip(s).take(e - s).collect())
    }

    #[test]
    fn an_exact_quote_is_found_where_it_is() {
        let s = sel(TEXT, "Ankara has not ratified it", 0);
        assert_eq!(quoted(TEXT, anchor(TEXT, &s)).as_deref(), Some("Ankara has not ratified it"));
        assert_eq!(anchor(TEXT, &s).unwrap().0, s.position);
    }

    #[test]
    fn a_quote_that_occurs_twice_is_told_apart_by_its_context() {
        let second = sel(TEXT, "reasons for refusing a request", 1);
        let first = sel(TEXT, "reasons for refusing a request", 0);
        assert_ne!(anchor(TEXT, &first), anchor(TEXT, &second));
        assert_eq!(anchor(TEXT, &second).unwrap().0, second.position);
        // an edit before both moves the positions; the context still picks the second
        let edited = format!("Breaking: {TEXT}");
        let (start, _) = anchor(&edited, &second).unwrap();
        assert_eq!(start, second.position + "Breaking: ".len());
    }

    #[test]
    fn small_edits_around_and_inside_the_quote_keep_the_anchor() {
        let s = sel(TEXT, "the reasons for refusing a request are vague", 0);
        // the context changed
        let around = TEXT.replace("Critics say", "Several critics said").replace("Ankara", "Turkey");
        assert_eq!(
            quoted(&around, anchor(&around, &s)).as_deref(),
            Some("the reasons for refusing a request are vague")
        );
        // the quote itself was corrected
        let inside = TEXT.replace("are vague", "are too vague");
        assert_eq!(
            quoted(&inside, anchor(&inside, &s)).as_deref(),
            Some("the reasons for refusing a request are too vague")
        );
    }

    #[test]
    fn a_deleted_passage_is_not_found() {
        let s = sel(TEXT, "Critics say the reasons for refusing a request are vague.", 0);
        let gone = TEXT.replace("Critics say the reasons for refusing a request are vague. ", "");
        assert_eq!(anchor(&gone, &s), None);
        let rewritten = "Something else entirely happened in Geneva on Tuesday, officials said.";
        assert_eq!(anchor(rewritten, &s), None);
    }

    #[test]
    fn plain_text_collapses_whitespace_and_decodes_entities() {
        let html = "<p>One  <em>two</em>\nthree &amp; four</p>\n<p>Five&nbsp;six</p>\n";
        assert_eq!(plain_text(html), "One two three & four Five six");
        assert_eq!(normalize("  a \n\n b  "), "a b");
    }

    #[test]
    fn highlight_marks_across_tags_and_blocks_and_keeps_offsets() {
        let html = "<p>One <em>two three</em> four.</p>\n<p>Five six.</p>\n";
        let text = plain_text(html);
        let s = sel(&text, "three four. Five", 0);
        let (start, end) = anchor(&text, &s).unwrap();
        let blocks =
            highlight(html, &[Mark { id: 7, start, end, after_html: "<a class=\"icon\">1</a>".into() }]);
        assert_eq!(blocks.len(), 2);
        assert_eq!(
            blocks[0].html,
            "<p>One <em>two <mark class=\"passage\" id=\"passage-7\" data-passage=\"7\">three</mark></em>\
             <mark class=\"passage\" data-passage=\"7\"> four.</mark></p>"
        );
        assert_eq!(
            blocks[1].html,
            "<p><mark class=\"passage\" data-passage=\"7\">Five</mark><a class=\"icon\">1</a> six.</p>"
        );
        assert_eq!(blocks[1].passages, vec![7]);
        assert!(blocks[0].passages.is_empty());
        // the text is unchanged by the marks
        let joined: String = blocks.iter().map(|b| b.html.clone()).collect::<Vec<_>>().join("\n");
        assert_eq!(plain_text(&joined.replace("<a class=\"icon\">1</a>", "")), text);
    }

    #[test]
    fn words_cuts_long_quotes() {
        assert_eq!(words("a b c", 20), "a b c");
        assert_eq!(words("a b c d", 2), "a b…");
    }
}
