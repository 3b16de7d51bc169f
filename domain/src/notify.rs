//! "Notify of": what a reader can subscribe to, and what the page shows about it.
use serde::{Deserialize, Serialize};

/// The kinds of subscription, by the names the forms and the database use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// Every new approved comment on the article, replies included.
    FollowUps,
    /// New approved comments below a comment written with the subscriber's email.
    MyReplies,
    /// Direct replies to one comment (the comment form's checkbox).
    CommentReplies,
}

impl Kind {
    pub const BAR: [Kind; 2] = [Kind::FollowUps, Kind::MyReplies];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::FollowUps => "follow_ups",
            Kind::MyReplies => "my_replies",
            Kind::CommentReplies => "comment_replies",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "follow_ups" => Some(Kind::FollowUps),
            "my_replies" => Some(Kind::MyReplies),
            "comment_replies" => Some(Kind::CommentReplies),
            _ => None,
        }
    }

    /// As the "Notify of" select says it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::FollowUps => "new follow-up comments",
            Kind::MyReplies => "new replies to my comments",
            Kind::CommentReplies => "new replies to my comment",
        }
    }
}

/// One of the current reader's subscriptions on an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionView {
    pub kind: Kind,
    /// `false` until the email's owner followed the confirmation link.
    pub confirmed: bool,
}

/// The "Notify of" bar's state for the reader viewing an article.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyState {
    pub subscriptions: Vec<SubscriptionView>,
}

impl NotifyState {
    pub fn has(&self, kind: Kind) -> bool {
        self.subscriptions.iter().any(|s| s.kind == kind)
    }
}

/// What toggling a subscription did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionSet {
    pub state: NotifyState,
    /// A sentence for the reader: "Check your inbox…", "Unsubscribed.".
    pub message: String,
    /// Where a plain form post returns to.
    pub location: String,
}

/// The "Notify of" bar's fields, by their HTML names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyForm {
    pub article: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub action: SubscriptionAction,
}

/// What the bar's form asks for (`action=subscribe` or `action=unsubscribe`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubscriptionAction {
    #[default]
    Subscribe,
    Unsubscribe,
}

/// A subscription on the "Manage my subscriptions" page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedSubscription {
    pub id: i64,
    pub kind: Kind,
    pub confirmed: bool,
    pub article_title: String,
    pub article_path: String,
    /// For `CommentReplies`: the comment whose replies are followed.
    pub comment_id: Option<i64>,
}

/// What a link from a mail (confirm, cancel, unsubscribe, manage) is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkState {
    /// Unknown or mistyped.
    Unknown,
    Expired,
    /// Valid and not used yet.
    Open {
        email: String,
        about: Vec<ManagedSubscription>,
        article_title: Option<String>,
    },
    /// Already used: what it did.
    Done {
        email: String,
        about: Vec<ManagedSubscription>,
        article_title: Option<String>,
    },
}

/// A mail that was given up on: the SMTP server refused it for good (5xx), the address was
/// over its daily cap, or there was nothing left to send.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UndeliveredMail {
    pub id: i64,
    pub kind: String,
    pub email: String,
    pub error: String,
    pub attempts: i64,
    pub created_at: i64,
}
