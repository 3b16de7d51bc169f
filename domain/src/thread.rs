//! How a reader asks for the thread: sort, filter, page and focus, as URL query parameters,
//! so every view has a link that works with JavaScript off and can be copied.
use serde::{Deserialize, Serialize};

/// Top-level comments per page.
pub const PAGE_SIZE: i64 = 20;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    Votes,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Newest, Sort::Oldest, Sort::Votes];

    pub fn parse(s: &str) -> Option<Sort> {
        match s {
            "newest" => Some(Sort::Newest),
            "oldest" => Some(Sort::Oldest),
            "votes" => Some(Sort::Votes),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::Votes => "votes",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Newest => "Newest",
            Sort::Oldest => "Oldest",
            Sort::Votes => "Most voted",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Filter {
    /// Feedback on passages of the article ("Inline Feedbacks"), with their replies.
    Feedback,
    /// The most-voted comment, with its thread.
    Reacted,
    /// The thread with the most replies.
    Hottest,
}

impl Filter {
    pub const ALL: [Filter; 3] = [Filter::Feedback, Filter::Reacted, Filter::Hottest];

    pub fn parse(s: &str) -> Option<Filter> {
        match s {
            "feedback" => Some(Filter::Feedback),
            "reacted" => Some(Filter::Reacted),
            "hottest" => Some(Filter::Hottest),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Filter::Feedback => "feedback",
            Filter::Reacted => "reacted",
            Filter::Hottest => "hottest",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Filter::Feedback => "Inline Feedbacks",
            Filter::Reacted => "Most reacted",
            Filter::Hottest => "Hottest thread",
        }
    }
}

/// A keyset position: the sort key (time or score) and the id of the last comment shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Cursor {
    pub key: i64,
    pub id: i64,
}

impl Cursor {
    pub fn parse(s: &str) -> Option<Cursor> {
        let (k, i) = s.split_once('_')?;
        Some(Cursor { key: k.parse().ok()?, id: i.parse().ok()? })
    }

    pub fn encode(self) -> String {
        format!("{}_{}", self.key, self.id)
    }
}

/// What part of the thread to show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ThreadQuery {
    pub sort: Sort,
    pub filter: Option<Filter>,
    /// Top-level comments after this position (the next page).
    pub after: Option<Cursor>,
    /// A comment opened by its permalink: its thread is shown even when on a later page.
    pub focus: Option<i64>,
}

impl ThreadQuery {
    /// Reads `sort`, `filter`, `after` and `comment` from query parameters; unknown values
    /// fall back to the default view rather than failing.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> ThreadQuery {
        ThreadQuery {
            sort: get("sort").and_then(|s| Sort::parse(&s)).unwrap_or_default(),
            filter: get("filter").and_then(|s| Filter::parse(&s)),
            after: get("after").and_then(|s| Cursor::parse(&s)),
            focus: get("comment").and_then(|s| s.parse().ok()),
        }
    }

    /// Reads a query string like `sort=oldest&after=1_2` (values here never need decoding).
    pub fn from_query_string(qs: &str) -> ThreadQuery {
        let qs = qs.trim_start_matches('?');
        ThreadQuery::from_params(|key| {
            qs.split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_string())
        })
    }

    /// The query string (without `?`) for this view; empty for the default one.
    pub fn to_query(self) -> String {
        let mut parts = Vec::new();
        if self.sort != Sort::default() {
            parts.push(format!("sort={}", self.sort.as_str()));
        }
        if let Some(f) = self.filter {
            parts.push(format!("filter={}", f.as_str()));
        }
        if let Some(a) = self.after {
            parts.push(format!("after={}", a.encode()));
        }
        if let Some(c) = self.focus {
            parts.push(format!("comment={c}"));
        }
        parts.join("&")
    }

    /// `path` with this view's query.
    pub fn href(self, path: &str) -> String {
        let q = self.to_query();
        if q.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{q}")
        }
    }

    /// The same sort, whole thread, first page.
    pub fn all_comments(self) -> ThreadQuery {
        ThreadQuery { sort: self.sort, ..Default::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_round_trip_through_urls() {
        let q = ThreadQuery {
            sort: Sort::Votes,
            filter: Some(Filter::Hottest),
            after: Some(Cursor { key: -3, id: 42 }),
            focus: Some(7),
        };
        assert_eq!(q.to_query(), "sort=votes&filter=hottest&after=-3_42&comment=7");
        let params: std::collections::HashMap<&str, &str> =
            [("sort", "votes"), ("filter", "hottest"), ("after", "-3_42"), ("comment", "7")].into();
        assert_eq!(ThreadQuery::from_params(|k| params.get(k).map(|v| v.to_string())), q);
        assert_eq!(ThreadQuery::from_query_string(&format!("?{}&x=1", q.to_query())), q);
        assert_eq!(ThreadQuery::default().href("/a"), "/a");
        assert_eq!(q.all_comments().href("/a"), "/a?sort=votes");
    }

    #[test]
    fn unknown_values_fall_back_to_the_default_view() {
        let q = ThreadQuery::from_params(|k| match k {
            "sort" => Some("sideways".into()),
            "after" => Some("x_y".into()),
            "comment" => Some("abc".into()),
            _ => None,
        });
        assert_eq!(q, ThreadQuery::default());
    }
}
