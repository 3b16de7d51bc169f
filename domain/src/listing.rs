//! The pages that list stories: the front page, a section, a tag, the archive (all stories,
//! newest first) and a month of it. Every list but the front page is paged by a keyset cursor
//! ("Older stories": the position of the last story shown), so a page costs one indexed read
//! however deep it is, and a story published meanwhile never shifts the next page.
use crate::ArticleSummary;
use serde::{Deserialize, Serialize};

/// Stories per list page.
pub const PAGE: usize = 20;
/// Stories per section on the front page.
pub const FRONT_PER_SECTION: usize = 4;

/// Which stories a list page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Listing {
    /// Every listed story, newest first (`/archive`).
    All,
    /// One section (`/section/{name}`, case-insensitive).
    Section(String),
    /// One tag, by its address (`/tags/{tag}`, see [`tag_slug`]).
    Tag(String),
    /// One calendar month in UTC (`/archive/{year}/{month}`).
    Month { year: i32, month: u8 },
    /// One author's stories, by their page's address (`/authors/{slug}`).
    Author(String),
}

impl Listing {
    /// The page's address (without a cursor).
    pub fn path(&self) -> String {
        match self {
            Listing::All => "/archive".into(),
            // (ASCII lower-cased, as SQLite's `lower()`, which finds the section, folds it)
            Listing::Section(s) => format!("/section/{}", path_segment(&s.to_ascii_lowercase())),
            Listing::Tag(t) => format!("/tags/{}", path_segment(t)),
            Listing::Month { year, month } => format!("/archive/{year}/{month:02}"),
            Listing::Author(a) => format!("/authors/{}", path_segment(a)),
        }
    }

    /// The month's bounds, as unix seconds `[start, end)`.
    pub fn bounds(&self) -> Option<(i64, i64)> {
        let Listing::Month { year, month } = *self else { return None };
        Some((
            month_start(year, month)?,
            if month == 12 { month_start(year + 1, 1)? } else { month_start(year, month + 1)? },
        ))
    }
}

/// Midnight UTC on the first of the month.
fn month_start(year: i32, month: u8) -> Option<i64> {
    let m = time::Month::try_from(month).ok()?;
    let date = time::Date::from_calendar_date(year, m, 1).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp())
}

/// `/archive/{year}/{month}` segments as a month the archive can have (January 1970 to
/// November 9999: a month whose end is a date).
pub fn parse_month(year: &str, month: &str) -> Option<Listing> {
    let ok = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !ok(year, 4) || !ok(month, 2) {
        return None;
    }
    let (year, month) = (year.parse::<i32>().ok()?, month.parse::<u8>().ok()?);
    if year < 1970 || !(1..=12).contains(&month) {
        return None;
    }
    let listing = Listing::Month { year, month };
    listing.bounds().map(|_| listing)
}

/// `December 2026`
pub fn month_name(year: i32, month: u8) -> String {
    let name = time::Month::try_from(month).map(|m| m.to_string()).unwrap_or_default();
    format!("{name} {year}")
}

/// The year and month (UTC) of a timestamp.
pub fn month_of(ts: i64) -> (i32, u8) {
    let t = time::OffsetDateTime::from_unix_timestamp(ts).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    (t.year(), u8::from(t.month()))
}

/// A tag's address: lower-cased letters and digits of any script, everything else one hyphen,
/// at most 80 bytes (`Human rights` → `human-rights`, `Türkiye` → `türkiye`). Empty when the
/// tag has no letter or digit (it gets no page).
pub fn tag_slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if out.len() + c.len_utf8() > 80 {
                break;
            }
            out.push(c);
        } else if c == '\'' || c == '’' || is_mark(c) {
            // (a mark belongs to its letter: `İ` lower-cases to `i` and a combining dot)
            continue;
        } else if !out.is_empty() && !out.ends_with('-') {
            if out.len() >= 80 {
                break;
            }
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Combining marks of Latin and Arabic script (accents, harakat).
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}')
}

/// A path segment as the site writes it: ASCII letters, digits, `-`, `.`, `_` and `~` as they
/// are, every other byte percent-encoded in upper-case hex.
pub fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where a list page continues: the position of the last story shown (newest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListCursor {
    pub published_at: i64,
    pub id: i64,
}

impl ListCursor {
    pub fn of(a: &ArticleSummary) -> ListCursor {
        ListCursor { published_at: a.published_at, id: a.id }
    }

    /// `1764849600.42`
    pub fn encode(self) -> String {
        format!("{}.{}", self.published_at, self.id)
    }

    /// The cursor `encode` wrote; `None` for anything else (a sign, a space, a second dot).
    pub fn parse(s: &str) -> Option<ListCursor> {
        let (at, id) = s.split_once('.')?;
        let digits = |s: &str| !s.is_empty() && s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(at) || !digits(id) {
            return None;
        }
        let c = ListCursor { published_at: at.parse().ok()?, id: id.parse().ok()? };
        // one spelling per position (no leading zeros): one kept page per position
        (c.encode() == s).then_some(c)
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPage {
    /// The section's or tag's name as its stories spell it, or the month's name.
    pub heading: String,
    pub listing: Listing,
    pub stories: Vec<ArticleSummary>,
    /// This page continues an earlier one (it links back to the newest).
    pub paged: bool,
    /// Where "Older stories" leads, when there are any.
    pub older: Option<ListCursor>,
    /// The months that have stories, newest first, with how many (the archive's index).
    pub months: Vec<MonthCount>,
    /// What an author says of themselves (an author's page).
    #[serde(default)]
    pub about: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthCount {
    pub year: i32,
    pub month: u8,
    pub stories: i64,
}

/// The front page: the lead story, then the latest of each section (the section with the
/// newest story first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontPage {
    pub lead: Option<ArticleSummary>,
    pub sections: Vec<(String, Vec<ArticleSummary>)>,
}

impl FrontPage {
    /// Lays out the latest stories (newest first): the first leads, each section keeps its
    /// `FRONT_PER_SECTION` newest of the rest. Sections are told apart case-insensitively.
    pub fn of(latest: Vec<ArticleSummary>) -> FrontPage {
        let mut it = latest.into_iter();
        let lead = it.next();
        let mut sections: Vec<(String, Vec<ArticleSummary>)> = Vec::new();
        for a in it {
            match sections.iter_mut().find(|(name, _)| name.to_lowercase() == a.section.to_lowercase()) {
                Some((_, list)) if list.len() < FRONT_PER_SECTION => list.push(a),
                Some(_) => {}
                None => sections.push((a.section.clone(), vec![a])),
            }
        }
        FrontPage { lead, sections }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn story(id: i64, section: &str, at: i64) -> ArticleSummary {
        ArticleSummary {
            id,
            slug: format!("s{id}"),
            title: format!("Story {id}"),
            standfirst: String::new(),
            section: section.into(),
            published_at: at,
            comment_count: 0,
        }
    }

    #[test]
    fn the_front_page_leads_with_the_newest_and_groups_the_rest_by_section() {
        let latest = vec![
            story(9, "World", 90),
            story(8, "Culture", 80),
            story(7, "world", 70),
            story(6, "World", 60),
            story(5, "World", 50),
            story(4, "World", 40),
            story(3, "World", 30),
            story(2, "Culture", 20),
        ];
        let front = FrontPage::of(latest);
        assert_eq!(front.lead.map(|a| a.id), Some(9));
        let names: Vec<_> = front
            .sections
            .iter()
            .map(|(n, l)| (n.as_str(), l.iter().map(|a| a.id).collect::<Vec<_>>()))
            .collect();
        assert_eq!(names, vec![("Culture", vec![8, 2]), ("world", vec![7, 6, 5, 4])]);
        assert_eq!(FrontPage::of(vec![]), FrontPage { lead: None, sections: vec![] });
    }

    #[test]
    fn tags_get_addresses_in_their_own_script() {
        assert_eq!(tag_slug("Human rights"), "human-rights");
        assert_eq!(tag_slug("  Türkiye "), "türkiye");
        assert_eq!(tag_slug("ئۇيغۇر"), "ئۇيغۇر");
        assert_eq!(tag_slug("Children's books"), "childrens-books");
        assert_eq!(tag_slug("!!!"), "");
        assert_eq!(tag_slug("İstanbul"), "istanbul");
        assert_eq!(path_segment("türkiye"), "t%C3%BCrkiye");
        assert_eq!(Listing::Section("Économie".into()).path(), "/section/%C3%89conomie");
    }

    #[test]
    fn months_are_bounded_in_utc() {
        let dec = parse_month("2026", "12").unwrap();
        assert_eq!(dec.bounds(), Some((1_796_083_200, 1_798_761_600)));
        assert_eq!(dec.path(), "/archive/2026/12");
        assert_eq!(month_name(2026, 12), "December 2026");
        for (y, m) in
            [("2026", "13"), ("2026", "00"), ("26", "12"), ("2026", "1"), ("1969", "12"), ("+026", "12")]
        {
            assert_eq!(parse_month(y, m), None, "{y}/{m}");
        }
        assert_eq!(month_of(1_798_761_599), (2026, 12));
    }

    proptest! {
        #[test]
        fn a_tag_address_is_never_empty_of_meaning_and_never_unsafe(name in "\\PC{0,200}") {
            let slug = tag_slug(&name);
            prop_assert!(slug.len() <= 81);
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
            prop_assert!(slug.chars().all(|c| c == '-' || c.is_alphanumeric()));
            // the address of an address is itself
            prop_assert_eq!(tag_slug(&slug), slug.clone());
            let seg = path_segment(&slug);
            prop_assert!(seg.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
        }

        #[test]
        fn cursors_read_back_and_nothing_else_parses(at in 0i64..=i64::MAX / 2, id in 0i64..=i64::MAX / 2, junk in "\\PC{0,40}") {
            let c = ListCursor { published_at: at, id };
            prop_assert_eq!(ListCursor::parse(&c.encode()), Some(c));
            if let Some(p) = ListCursor::parse(&junk) {
                prop_assert_eq!(p.encode(), junk);
            }
        }
    }
}
