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
    /// The honeypot: empty when a person filled the form.
    #[serde(default)]
    pub website: String,
    /// `preview` when the Preview button sent the form (JavaScript off).
    #[serde(default)]
    pub intent: String,
    /// The checkbox "Notify of new replies to this comment" (`true` when ticked).
    #[serde(default)]
    pub notify: String,
    /// A feedback on a known passage.
    #[serde(default)]
    pub passage: Option<i64>,
    /// A feedback on a passage the reader selected: the quote, its context, a position hint.
    #[serde(default)]
    pub quote: String,
    #[serde(default)]
    pub prefix: String,
    #[serde(default)]
    pub suffix: String,
    #[serde(default)]
    pub position: Option<usize>,
}

impl CommentForm {
    /// What a feedback is about, if this form sent one (replies never are).
    pub fn feedback_target(&self) -> Option<super::FeedbackTarget> {
        if self.parent.is_some() {
            return None;
        }
        match self.passage {
            Some(id) => Some(super::FeedbackTarget::Passage(id)),
            None if !self.quote.trim().is_empty() => {
                Some(super::FeedbackTarget::Quote(super::passage::Selector {
                    exact: self.quote.clone(),
                    prefix: self.prefix.chars().take(64).collect(),
                    suffix: self.suffix.chars().take(64).collect(),
                    position: self.position.unwrap_or(0),
                }))
            }
            None => None,
        }
    }
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
    /// The honeypot, as on the comment form.
    #[serde(default)]
    pub website: String,
}

/// The vote, edit and delete forms, by their HTML names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentActionForm {
    pub comment: i64,
    #[serde(default)]
    pub direction: String,
    #[serde(default)]
    pub body: String,
    /// The page (path and query) to return to.
    #[serde(default)]
    pub back: String,
}

/// A plain (JavaScript-off) form post answered with the page rendered again: what was
/// typed, and the refusal or the preview to show with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
// built once per refused plain post; the size of the largest variant does not matter
#[allow(clippy::large_enum_variant)]
pub enum FormEcho {
    Comment {
        form: CommentForm,
        error: Option<ApiError>,
        preview: Option<String>,
    },
    Contact(ContactForm, ApiError),
    Edit {
        comment: i64,
        body: String,
        error: ApiError,
    },
    /// A refused vote or delete, shown at its comment.
    Notice {
        comment: i64,
        error: ApiError,
    },
    /// A refused "Notify of" request.
    Notify {
        form: super::notify::NotifyForm,
        error: ApiError,
    },
    /// A refused "Manage my subscriptions" request.
    Manage {
        email: String,
        error: ApiError,
    },
    /// A refused desk action: the message, and the form's fields to show again (never a
    /// password).
    Desk {
        message: String,
        fields: Vec<(String, String)>,
    },
    /// A refused report of a comment.
    Report {
        comment: i64,
        error: ApiError,
    },
}

impl FormEcho {
    /// A desk form's field as it was sent.
    pub fn desk_field(&self, name: &str) -> Option<String> {
        match self {
            FormEcho::Desk { fields, .. } => fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
            _ => None,
        }
    }

    /// Every value sent under `name` (ticked checkboxes), in the form's order.
    pub fn desk_values(&self, name: &str) -> Vec<String> {
        match self {
            FormEcho::Desk { fields, .. } => {
                fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// Per-render form state: a fresh submission nonce, and the echo of a plain post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormState {
    pub nonce: String,
    pub echo: Option<FormEcho>,
}

/// What a comment form shows again: the fields, a refusal, a preview.
pub type CommentEcho = (CommentForm, Option<ApiError>, Option<String>);

impl FormState {
    pub fn comment_echo(&self, parent: Option<i64>) -> Option<CommentEcho> {
        match &self.echo {
            Some(FormEcho::Comment { form, error, preview })
                if form.parent == parent && form.passage.is_none() =>
            {
                Some((form.clone(), error.clone(), preview.clone()))
            }
            _ => None,
        }
    }

    /// A refused feedback on passage `id`, shown again in its panel.
    pub fn feedback_echo(&self, id: i64) -> Option<(CommentForm, ApiError)> {
        match &self.echo {
            Some(FormEcho::Comment { form, error: Some(error), .. }) if form.passage == Some(id) => {
                Some((form.clone(), error.clone()))
            }
            _ => None,
        }
    }

    pub fn contact_echo(&self) -> Option<(ContactForm, ApiError)> {
        match &self.echo {
            Some(FormEcho::Contact(f, e)) => Some((f.clone(), e.clone())),
            _ => None,
        }
    }

    pub fn edit_echo(&self, id: i64) -> Option<(String, ApiError)> {
        match &self.echo {
            Some(FormEcho::Edit { comment, body, error }) if *comment == id => {
                Some((body.clone(), error.clone()))
            }
            _ => None,
        }
    }

    pub fn notify_echo(&self) -> Option<(super::notify::NotifyForm, ApiError)> {
        match &self.echo {
            Some(FormEcho::Notify { form, error }) => Some((form.clone(), error.clone())),
            _ => None,
        }
    }

    pub fn report_echo(&self, id: i64) -> Option<ApiError> {
        match &self.echo {
            Some(FormEcho::Report { comment, error }) if *comment == id => Some(error.clone()),
            _ => None,
        }
    }

    pub fn notice_for(&self, id: i64) -> Option<ApiError> {
        match &self.echo {
            Some(FormEcho::Notice { comment, error }) if *comment == id => Some(error.clone()),
            _ => None,
        }
    }
}
