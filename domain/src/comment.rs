//! Comments: what a reader submits, what the thread shows, and how the tree is built.
use super::error::{ApiError, FieldErrors};
use super::text;
use serde::{Deserialize, Serialize};

/// Replies nest this deep at most; a reply to a comment at this depth joins it as a sibling.
pub const MAX_DEPTH: i64 = 5;
pub const NAME_MAX: usize = 80;
pub const BODY_MAX: usize = 10_000;

/// Where a comment stands. Stored as its `as_str` (the schema allows only these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentStatus {
    /// Held for the desk: shown to its writer only.
    Pending,
    /// Shown to every reader.
    Approved,
    Spam,
    /// Trashed by the desk (`trashed_at` set: it can be restored) or removed by its writer.
    Deleted,
}

impl CommentStatus {
    pub const ALL: [CommentStatus; 4] =
        [CommentStatus::Pending, CommentStatus::Approved, CommentStatus::Spam, CommentStatus::Deleted];

    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Pending => "pending",
            CommentStatus::Approved => "approved",
            CommentStatus::Spam => "spam",
            CommentStatus::Deleted => "deleted",
        }
    }

    pub fn parse(s: &str) -> Option<CommentStatus> {
        CommentStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// A stored value; one the schema does not allow is shown to nobody.
    pub fn stored(s: &str) -> CommentStatus {
        CommentStatus::parse(s).unwrap_or(CommentStatus::Deleted)
    }

    /// As the desk and its audit log name it: a pending comment is "held".
    pub fn label(self) -> &'static str {
        match self {
            CommentStatus::Pending => "held",
            CommentStatus::Approved => "approved",
            CommentStatus::Spam => "spam",
            CommentStatus::Deleted => "deleted",
        }
    }
}

/// A comment as typed, validated: the only way to get one is `parse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentInput {
    pub name: String,
    pub email: Option<String>,
    pub body: String,
}

impl CommentInput {
    pub fn parse(name: &str, email: &str, body: &str) -> Result<Self, ApiError> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", text::required_line(name, "name", NAME_MAX));
        let email = errors.check("email", text::optional_email(email));
        let body = errors.check("body", text::required_text(body, "comment", BODY_MAX));
        errors.into_result()?;
        match (name, email, body) {
            (Some(name), Some(email), Some(body)) => Ok(CommentInput { name, email, body }),
            _ => Err(ApiError::Internal),
        }
    }
}

/// One comment as the thread shows it. Never carries the author's email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub depth: i64,
    /// Empty for a deleted comment.
    pub author_name: String,
    /// Sanitised HTML, rendered when the comment was written; empty for a deleted comment.
    pub body_html: String,
    /// The same as plain text, made when it was written (for JSON-LD); `None` for comments
    /// written before it was kept. Server-side only.
    #[serde(skip)]
    pub text: Option<String>,
    pub created_at: i64,
    pub score: i64,
    /// This reader's vote: -1, 0 or 1.
    pub my_vote: i8,
    /// Written by this reader (same reader cookie).
    pub mine: bool,
    /// Set while this reader may still edit or delete it.
    pub editable_until: Option<i64>,
    /// The text as typed, only for the author while editable (for the edit form).
    pub source: Option<String>,
    /// Deleted, but kept as a marker because replies hang from it.
    pub deleted: bool,
    pub edited: bool,
    /// On a top-level comment: approved replies at any depth.
    pub reply_count: i64,
    /// A feedback's passage ("Inline Feedbacks").
    pub passage: Option<super::PassageRef>,
    /// Held for moderation: shown to its author only, marked "awaiting moderation".
    #[serde(default)]
    pub held: bool,
    /// Pinned to the top of the thread by the editors.
    #[serde(default)]
    pub pinned: bool,
    /// An editors' pick.
    #[serde(default)]
    pub featured: bool,
    /// Its text was changed by the editors.
    #[serde(default)]
    pub edited_by_staff: bool,
}

impl CommentView {
    pub fn anchor(&self) -> String {
        format!("comment-{}", self.id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadNode {
    pub comment: CommentView,
    pub replies: Vec<ThreadNode>,
}

impl ThreadNode {
    /// Comments shown in this subtree, deleted markers excluded.
    pub fn count(&self) -> usize {
        usize::from(!self.comment.deleted) + self.replies.iter().map(ThreadNode::count).sum::<usize>()
    }

    /// Visits every comment of the subtree, depth first.
    pub fn each(&self, f: &mut impl FnMut(&CommentView)) {
        f(&self.comment);
        for r in &self.replies {
            r.each(f);
        }
    }
}

/// Builds the tree: `roots` in display order, `replies` oldest first under their parents.
/// A reply whose parent is not shown is dropped rather than promoted, so it never appears out
/// of context; a deleted comment stays as a marker only while it has replies to hold.
pub fn build_thread(roots: Vec<CommentView>, replies: Vec<CommentView>) -> Vec<ThreadNode> {
    use std::collections::HashMap;
    let mut children: HashMap<i64, Vec<CommentView>> = HashMap::new();
    for c in replies {
        if let Some(p) = c.parent_id {
            children.entry(p).or_default().push(c);
        }
    }
    fn attach(c: CommentView, children: &mut HashMap<i64, Vec<CommentView>>) -> Option<ThreadNode> {
        let kids = children.remove(&c.id).unwrap_or_default();
        let replies: Vec<ThreadNode> = kids.into_iter().filter_map(|k| attach(k, children)).collect();
        (!c.deleted || !replies.is_empty()).then_some(ThreadNode { comment: c, replies })
    }
    roots.into_iter().filter_map(|c| attach(c, &mut children)).collect()
}

/// Where a reply to a comment at `parent_depth` is stored: (use the parent?, new depth).
/// At the limit the reply becomes a sibling of its parent, as wpDiscuz does.
pub fn reply_placement(parent_depth: i64) -> (bool, i64) {
    if parent_depth >= MAX_DEPTH {
        (false, MAX_DEPTH)
    } else {
        (true, parent_depth + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What is stored reads back as it was; a value no version wrote shows the comment to
    /// nobody (and an article's comments to nobody) rather than to everyone.
    #[test]
    fn statuses_and_modes_read_back_and_an_unknown_one_is_shown_to_nobody() {
        use crate::article::CommentsMode;
        for s in CommentStatus::ALL {
            assert_eq!(CommentStatus::stored(s.as_str()), s);
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
        }
        for m in CommentsMode::ALL {
            assert_eq!(CommentsMode::stored(m.as_str()), m);
        }
        assert_eq!(CommentStatus::stored("Approved"), CommentStatus::Deleted);
        assert_eq!(CommentsMode::stored("opened"), CommentsMode::Hidden);
        assert_eq!(CommentsMode::parse(""), None);
        assert_eq!(CommentStatus::Pending.label(), "held");
    }

    pub fn c(id: i64, parent: Option<i64>) -> CommentView {
        CommentView {
            passage: None,
            id,
            parent_id: parent,
            depth: 1,
            author_name: format!("a{id}"),
            body_html: String::new(),
            text: None,
            created_at: id,
            score: 0,
            my_vote: 0,
            mine: false,
            editable_until: None,
            source: None,
            deleted: false,
            edited: false,
            reply_count: 0,
            held: false,
            pinned: false,
            featured: false,
            edited_by_staff: false,
        }
    }

    fn deleted(mut c: CommentView) -> CommentView {
        c.deleted = true;
        c
    }

    #[test]
    fn parse_reports_every_bad_field_at_once() {
        let err = CommentInput::parse(" ", "nope", "  ").unwrap_err();
        for f in ["name", "email", "body"] {
            assert!(err.message_for(f).is_some(), "no message for {f}: {err:?}");
        }
        let ok = CommentInput::parse(" Ada ", "", " hi ").unwrap();
        assert_eq!(ok, CommentInput { name: "Ada".into(), email: None, body: "hi".into() });
    }

    #[test]
    fn thread_nests_replies_under_parents_in_order() {
        let t = build_thread(vec![c(3, None), c(1, None)], vec![c(2, Some(1)), c(4, Some(2)), c(5, Some(1))]);
        let roots: Vec<i64> = t.iter().map(|n| n.comment.id).collect();
        assert_eq!(roots, vec![3, 1], "roots keep the order the sort gave them");
        let ids: Vec<i64> = t[1].replies.iter().map(|n| n.comment.id).collect();
        assert_eq!(ids, vec![2, 5]);
        assert_eq!(t[1].replies[0].replies[0].comment.id, 4);
        assert_eq!(t[1].count(), 4);
        assert_eq!(t[0].count(), 1);
    }

    #[test]
    fn orphans_are_not_promoted_to_top_level() {
        let t = build_thread(vec![c(1, None)], vec![c(7, Some(99))]);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].count(), 1);
    }

    #[test]
    fn deleted_comments_stay_as_markers_only_while_they_hold_replies() {
        // 1 (deleted) <- 2 ; 3 (deleted, no replies) ; 4 <- 5 (deleted) <- 6 (deleted)
        let t = build_thread(
            vec![deleted(c(1, None)), deleted(c(3, None)), c(4, None)],
            vec![c(2, Some(1)), deleted(c(5, Some(4))), deleted(c(6, Some(5)))],
        );
        let roots: Vec<i64> = t.iter().map(|n| n.comment.id).collect();
        assert_eq!(roots, vec![1, 4]);
        assert!(t[0].comment.deleted);
        assert_eq!(t[0].count(), 1, "the marker is not counted");
        assert!(t[1].replies.is_empty(), "a deleted chain without live replies disappears");
    }

    #[test]
    fn replies_at_the_depth_limit_become_siblings() {
        assert_eq!(reply_placement(1), (true, 2));
        assert_eq!(reply_placement(4), (true, 5));
        assert_eq!(reply_placement(5), (false, 5));
    }
}
