//! Articles as pages show them.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleSummary {
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
    /// Comments `open`, `closed` (no new ones) or `hidden` (no thread, no form).
    #[serde(default)]
    pub comments_mode: String,
}

impl Article {
    pub fn path(&self) -> String {
        article_path(&self.slug)
    }
}

pub fn article_path(slug: &str) -> String {
    format!("/articles/{slug}")
}
