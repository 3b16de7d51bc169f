//! What the desk's pages show: plain data, read on the server and rendered there.
use super::desk::{ModerationSettings, Queue, Role};
use serde::{Deserialize, Serialize};

/// The signed-in staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMe {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub alerts: String,
}

/// A comment in the queue, with what an editor needs to judge it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub id: i64,
    pub status: crate::CommentStatus,
    pub article_slug: String,
    pub article_title: String,
    /// The comment it replies to: author and the start of its text.
    pub parent: Option<(String, String)>,
    pub author_name: String,
    pub author_email: Option<String>,
    pub ip_hash: Option<String>,
    pub reader_id: Option<String>,
    pub body: String,
    pub body_html: String,
    pub created_at: i64,
    pub held_for: Option<String>,
    pub pinned: bool,
    pub featured: bool,
    pub edited_by_staff: bool,
    /// The author's earlier comments (same email, else same reader): approved, and rejected
    /// (spam or trashed by the editors).
    pub approved_before: i64,
    pub rejected_before: i64,
    /// Open reports: reason and note.
    pub reports: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct QueuePage {
    pub queue: Queue,
    pub counts: Vec<(Queue, i64)>,
    pub entries: Vec<QueueEntry>,
    /// The next page: entries older than this id.
    pub next: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BanView {
    pub id: i64,
    pub kind: String,
    pub value: String,
    pub reason: String,
    pub created_by: Option<String>,
    /// The role of its maker (a ban is lifted by that role or above).
    pub created_by_role: Option<crate::desk::Role>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
}

impl BanView {
    /// Whether `role` may lift it: a moderator does not undo an admin's decision.
    pub fn liftable_by(&self, role: crate::desk::Role) -> bool {
        self.created_by_role.is_none_or(|r| r <= role)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    /// Unix seconds of the day's start (UTC).
    pub day: i64,
    pub approved: i64,
    pub held: i64,
    pub spam: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Figures {
    pub approved: i64,
    pub held: i64,
    pub spam: i64,
    pub reports: i64,
    pub messages: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct FrontPage {
    pub today: Figures,
    pub month: Figures,
    pub days: Vec<DayCount>,
    pub waiting: i64,
    pub reported: i64,
    pub unread: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleMode {
    pub slug: String,
    pub title: String,
    pub published_at: i64,
    pub mode: crate::article::CommentsMode,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsPage {
    pub settings: ModerationSettings,
    pub articles: Vec<ArticleMode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub alerts: String,
    pub disabled: bool,
    /// What readers see on their author page (byline name, bio, address).
    #[serde(default)]
    pub public_name: String,
    #[serde(default)]
    pub bio: String,
    #[serde(default)]
    pub author_slug: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub subject: String,
    pub message: String,
    pub created_at: i64,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxPage {
    pub state: String,
    pub counts: Vec<(String, i64)>,
    pub messages: Vec<InboxRow>,
    pub undelivered: Vec<super::notify::UndeliveredMail>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub staff_name: String,
    pub action: String,
    pub target: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub created_at: i64,
}

/// Every desk page: who is signed in, and the page's own data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Desk<T> {
    pub me: StaffMe,
    pub data: T,
}
