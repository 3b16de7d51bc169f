//! Articles as pages show them.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleSummary {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub standfirst: String,
    pub section: String,
    pub published_at: i64,
    pub comment_count: i64,
}

impl ArticleSummary {
    pub fn path(&self) -> String {
        article_path(&self.slug)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub standfirst: String,
    pub section: String,
    pub tags: Vec<String>,
    /// Sanitised HTML, rendered at import.
    pub body_html: String,
    pub published_at: i64,
    pub updated_at: i64,
    pub comment_count: i64,
    #[serde(default)]
    pub comments_mode: CommentsMode,
    /// A correction or update the editors added, shown dated on the story (`note()`).
    #[serde(default)]
    pub note_kind: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub note_at: Option<i64>,
    /// Who it is by, in byline order (none: the newsroom).
    #[serde(default)]
    pub authors: Vec<crate::author::Byline>,
}

/// "Correction, 6 December 2026: …" on a story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryNote {
    /// "correction" or "update".
    pub kind: String,
    pub text: String,
    pub at: i64,
}

impl StoryNote {
    /// The note as stored: none without text or a date.
    pub fn stored(kind: String, text: String, at: Option<i64>) -> Option<StoryNote> {
        let at = at?;
        (!text.trim().is_empty()).then(|| StoryNote {
            kind: if kind == "update" { kind } else { "correction".into() },
            text,
            at,
        })
    }

    pub fn label(&self) -> &'static str {
        if self.kind == "update" {
            "Update"
        } else {
            "Correction"
        }
    }
}

/// Whether an article takes comments. Stored as its `as_str` (the schema allows only these).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentsMode {
    /// Readers comment.
    #[default]
    Open,
    /// The thread stays; no new comments.
    Closed,
    /// No thread, no form, no live stream, no comments feed.
    Hidden,
}

impl CommentsMode {
    pub const ALL: [CommentsMode; 3] = [CommentsMode::Open, CommentsMode::Closed, CommentsMode::Hidden];

    /// As stored, posted by the desk's form and written in an export.
    pub fn as_str(self) -> &'static str {
        match self {
            CommentsMode::Open => "open",
            CommentsMode::Closed => "closed",
            CommentsMode::Hidden => "hidden",
        }
    }

    pub fn parse(s: &str) -> Option<CommentsMode> {
        CommentsMode::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// A stored value; one the schema does not allow hides the comments rather than opening them.
    pub fn stored(s: &str) -> CommentsMode {
        CommentsMode::parse(s).unwrap_or(CommentsMode::Hidden)
    }

    /// What the desk shows.
    pub fn label(self) -> &'static str {
        match self {
            CommentsMode::Open => "Open",
            CommentsMode::Closed => "Closed",
            CommentsMode::Hidden => "Hidden",
        }
    }
}

impl Article {
    /// The correction or update note, if the story has one.
    pub fn story_note(&self) -> Option<StoryNote> {
        StoryNote::stored(self.note_kind.clone(), self.note.clone(), self.note_at)
    }

    pub fn path(&self) -> String {
        article_path(&self.slug)
    }
}

pub fn article_path(slug: &str) -> String {
    format!("/articles/{slug}")
}
