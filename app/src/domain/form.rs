//! What a form sent, kept so a refused form can be shown again exactly as typed.
use super::error::ApiError;
use serde::{Deserialize, Serialize};

/// The comment form's fields, by their HTML names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentForm {
    /// The article's slug.
    pub article: String,
    #[serde(default)]
    pub parent: Option<i64>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub body: String,
    /// One per rendered form: a repeated submission carries the same key.
    #[serde(default)]
    pub key: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub key: String,
}

/// A refused plain (JavaScript-off) form post, rendered back into the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormEcho {
    Comment(CommentForm, ApiError),
    Contact(ContactForm, ApiError),
}

/// Per-render form state: a fresh submission nonce, and the echo of a refused post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormState {
    pub nonce: String,
    pub echo: Option<FormEcho>,
}

impl FormState {
    pub fn comment_echo(&self) -> Option<(CommentForm, ApiError)> {
        match &self.echo {
            Some(FormEcho::Comment(f, e)) => Some((f.clone(), e.clone())),
            _ => None,
        }
    }

    pub fn contact_echo(&self) -> Option<(ContactForm, ApiError)> {
        match &self.echo {
            Some(FormEcho::Contact(f, e)) => Some((f.clone(), e.clone())),
            _ => None,
        }
    }
}
