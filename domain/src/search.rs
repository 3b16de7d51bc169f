//! Search (`/search?q=`): what a reader typed, made into words both databases match the same
//! way. Stories with every word in their headline come first, then those with them in their
//! text; comments after; newest first within each (the order both indexes read without ranking
//! every match: a common word costs what a rare one does). Text is folded before it is indexed and before it is looked for (`fold`): lower-cased,
//! accents dropped, everything but letters and digits a space — so no character a reader types
//! is syntax to SQLite's FTS5 or PostgreSQL's `to_tsquery`, and both index the same words.
use serde::{Deserialize, Serialize};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Characters of a query read (the rest is ignored, not refused: a pasted paragraph still finds).
pub const MAX_QUERY_CHARS: usize = 200;
/// Words of a query looked for.
pub const MAX_TERMS: usize = 8;
/// Characters of one word looked for.
pub const MAX_TERM_CHARS: usize = 40;
/// Results of each kind (stories, comments) on a page.
pub const PER_PAGE: usize = 10;
/// Pages a search goes to.
pub const MAX_PAGES: u32 = 20;
/// Characters the last word needs to be looked for as the start of words (`bu` alone would
/// match half the index, and rank all of it).
pub const MIN_PREFIX_CHARS: usize = 3;

/// Text as the index holds it: letters and digits of any script, lower-cased, without accents,
/// single spaces between words.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The words of a query: each once, in the order typed; a story or comment matches when it
/// has every word (the last may be the start of a word, as one types).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Query {
    pub terms: Vec<String>,
}

impl Query {
    pub fn parse(typed: &str) -> Query {
        let head: String = typed.chars().take(MAX_QUERY_CHARS).collect();
        let mut terms: Vec<String> = Vec::new();
        for word in fold(&head).split(' ').filter(|w| !w.is_empty()) {
            let word: String = word.chars().take(MAX_TERM_CHARS).collect();
            if !terms.contains(&word) {
                terms.push(word);
            }
            if terms.len() == MAX_TERMS {
                break;
            }
        }
        Query { terms }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether term `i` is looked for as the start of words: the last, when long enough.
    fn prefix(&self, i: usize) -> bool {
        i + 1 == self.terms.len() && self.terms[i].chars().count() >= MIN_PREFIX_CHARS
    }

    /// As FTS5 reads it: each word quoted (letters and digits only: nothing inside is syntax),
    /// all of them required, the last as a prefix (`MIN_PREFIX_CHARS`).
    pub fn fts5(&self) -> String {
        self.terms
            .iter()
            .enumerate()
            .map(|(i, t)| if self.prefix(i) { format!("\"{t}\"*") } else { format!("\"{t}\"") })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// As PostgreSQL's `to_tsquery('simple', …)` reads it: the same words, the last a prefix.
    pub fn tsquery(&self) -> String {
        self.terms
            .iter()
            .enumerate()
            .map(|(i, t)| if self.prefix(i) { format!("'{t}':*") } else { format!("'{t}'") })
            .collect::<Vec<_>>()
            .join(" & ")
    }

    /// Stories with every word in their headline (FTS5; the column filter covers the group).
    pub fn fts5_headline(&self) -> String {
        format!("search_title : ({})", self.fts5())
    }

    /// Stories with every word, not all in their headline (FTS5).
    pub fn fts5_text_only(&self) -> String {
        format!("({0}) NOT search_title : ({0})", self.fts5())
    }

    /// As `fts5_headline`, for PostgreSQL: the headline's words are weighted A.
    pub fn tsquery_headline(&self) -> String {
        self.terms
            .iter()
            .enumerate()
            .map(|(i, t)| if self.prefix(i) { format!("'{t}':*A") } else { format!("'{t}':A") })
            .collect::<Vec<_>>()
            .join(" & ")
    }

    /// As `fts5_text_only`, for PostgreSQL.
    pub fn tsquery_text_only(&self) -> String {
        format!("({}) & !({})", self.tsquery(), self.tsquery_headline())
    }

    /// Whether a word of the text (as typed) is one looked for.
    fn matches(&self, word: &str) -> bool {
        let folded = fold(word);
        folded.split(' ').any(|w| {
            self.terms
                .iter()
                .enumerate()
                .any(|(i, t)| if self.prefix(i) { w.starts_with(t.as_str()) } else { w == t })
        })
    }
}

/// A piece of a snippet: text, and whether it is a word looked for (shown marked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Piece {
    pub text: String,
    pub hit: bool,
}

/// About `words` words of `text` around the first word looked for, those words marked; the
/// start of the text when none is in it (a story found by its headline).
pub fn snippet(text: &str, q: &Query, words: usize) -> Vec<Piece> {
    let all: Vec<&str> = text.split_whitespace().collect();
    let first = all.iter().position(|w| q.matches(w)).unwrap_or(0);
    let start = first.saturating_sub(words / 4);
    let end = (start + words).min(all.len());
    let mut out: Vec<Piece> = Vec::new();
    if start > 0 {
        out.push(Piece { text: "… ".into(), hit: false });
    }
    for (i, w) in all[start..end].iter().enumerate() {
        let hit = q.matches(w);
        let sep = if i + 1 < end - start { " " } else { "" };
        match out.last_mut() {
            Some(last) if !last.hit && !hit => {
                last.text.push_str(w);
                last.text.push_str(sep);
            }
            _ if hit => {
                out.push(Piece { text: (*w).to_string(), hit: true });
                if !sep.is_empty() {
                    out.push(Piece { text: sep.into(), hit: false });
                }
            }
            _ => out.push(Piece { text: format!("{w}{sep}"), hit: false }),
        }
    }
    if end < all.len() {
        out.push(Piece { text: " …".into(), hit: false });
    }
    out
}

/// A story found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryHit {
    pub slug: String,
    pub title: String,
    /// The headline, its words found marked.
    pub title_marked: Vec<Piece>,
    pub section: String,
    pub published_at: i64,
    pub snippet: Vec<Piece>,
}

/// A comment found, with the story it is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentHit {
    pub id: i64,
    pub author_name: String,
    pub created_at: i64,
    pub article_slug: String,
    pub article_title: String,
    pub snippet: Vec<Piece>,
}

/// A page of results.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchPage {
    /// As typed (what the search box shows again).
    pub typed: String,
    /// The words looked for (none: nothing was looked for).
    pub terms: Vec<String>,
    pub page: u32,
    pub stories: Vec<StoryHit>,
    pub comments: Vec<CommentHit>,
    /// There are more results of either kind on the next page.
    pub more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn text_folds_to_words_both_databases_read_alike() {
        assert_eq!(fold("L'Économie  d'Ankara — 2026!"), "l economie d ankara 2026");
        assert_eq!(fold("İstanbul"), "istanbul");
        assert_eq!(fold("\"a\" OR b* NEAR(c) -d"), "a or b near c d");
        assert_eq!(fold("ئۇيغۇر"), fold("ئۇيغۇر"));
        assert_eq!(fold("\0\0"), "");
    }

    #[test]
    fn a_query_is_words_never_syntax() {
        let q = Query::parse("  Budget\" OR 1=1; -- économie* ");
        assert_eq!(q.terms, ["budget", "or", "1", "economie"]);
        assert_eq!(q.fts5(), "\"budget\" \"or\" \"1\" \"economie\"*");
        assert_eq!(Query::parse("budget bu").fts5(), "\"budget\" \"bu\"", "too short to be a start");
        let two = Query::parse("council budg");
        assert_eq!(two.fts5_headline(), "search_title : (\"council\" \"budg\"*)");
        assert_eq!(
            two.fts5_text_only(),
            "(\"council\" \"budg\"*) NOT search_title : (\"council\" \"budg\"*)"
        );
        assert_eq!(two.tsquery_text_only(), "('council' & 'budg':*) & !('council':A & 'budg':*A)");
        assert_eq!(q.tsquery(), "'budget' & 'or' & '1' & 'economie':*");
        assert!(Query::parse("\"'*()^:&|!").is_empty());
        assert_eq!(Query::parse(&"word ".repeat(2000)).terms, ["word"]);
        assert_eq!(Query::parse("a b c d e f g h i j").terms.len(), MAX_TERMS);
    }

    #[test]
    fn a_snippet_marks_the_words_found_near_the_first() {
        let q = Query::parse("council budget");
        let text =
            "One two three four five six seven eight. The Council voted on the budget today, said Ana.";
        let s = snippet(text, &q, 8);
        let shown: String =
            s.iter().map(|p| if p.hit { format!("[{}]", p.text) } else { p.text.clone() }).collect();
        assert_eq!(shown, "… eight. The [Council] voted on the [budget] today, …");
        assert_eq!(snippet("", &q, 8), vec![]);
    }

    proptest! {
        #[test]
        fn any_text_folds_and_any_query_parses_without_panic(typed in "\\PC{0,400}", text in "\\PC{0,400}") {
            let q = Query::parse(&typed);
            prop_assert!(q.terms.len() <= MAX_TERMS);
            for t in &q.terms {
                prop_assert!(!t.is_empty() && t.chars().count() <= MAX_TERM_CHARS);
                prop_assert!(t.chars().all(char::is_alphanumeric), "{t:?}");
            }
            // nothing a reader types escapes its quotes
            prop_assert!(!q.fts5().trim_end_matches('*').trim_matches('"').contains('\''));
            let f = fold(&text);
            prop_assert!(!f.starts_with(' ') && !f.ends_with(' ') && !f.contains("  "));
            let _ = snippet(&text, &q, 30);
        }
    }
}
