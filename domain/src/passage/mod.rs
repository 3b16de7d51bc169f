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

mod html;
pub use html::{highlight, plain_text, Block, Mark};
#[cfg(test)]
mod tests;
