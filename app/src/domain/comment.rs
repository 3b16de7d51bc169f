//! Comments: what a reader submits, what the thread shows, and how the tree is built.
use super::error::{ApiError, FieldErrors};
use super::text;
use serde::{Deserialize, Serialize};

/// Replies nest this deep at most; a reply to a comment at this depth joins it as a sibling.
pub const MAX_DEPTH: i64 = 5;
pub const NAME_MAX: usize = 80;
pub const BODY_MAX: usize = 10_000;

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
    pub author_name: String,
    /// Sanitised HTML, rendered when the comment was written.
    pub body_html: String,
    pub created_at: i64,
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
    pub fn count(&self) -> usize {
        1 + self.replies.iter().map(ThreadNode::count).sum::<usize>()
    }
}

/// Builds the reply tree from a flat list in display order (oldest first within a level).
/// A comment whose parent is not in the list (not approved, or on another page) is dropped
/// rather than promoted, so a reply never appears out of its context.
pub fn build_thread(comments: Vec<CommentView>) -> Vec<ThreadNode> {
    use std::collections::HashMap;
    let mut children: HashMap<Option<i64>, Vec<CommentView>> = HashMap::new();
    for c in comments {
        children.entry(c.parent_id).or_default().push(c);
    }
    fn attach(
        parent: Option<i64>,
        children: &mut std::collections::HashMap<Option<i64>, Vec<CommentView>>,
    ) -> Vec<ThreadNode> {
        let list = children.remove(&parent).unwrap_or_default();
        list.into_iter()
            .map(|c| {
                let id = c.id;
                ThreadNode { comment: c, replies: attach(Some(id), children) }
            })
            .collect()
    }
    attach(None, &mut children)
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

    fn c(id: i64, parent: Option<i64>) -> CommentView {
        CommentView {
            id,
            parent_id: parent,
            depth: 1,
            author_name: format!("a{id}"),
            body_html: String::new(),
            created_at: id,
        }
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
        let t = build_thread(vec![c(1, None), c(2, Some(1)), c(3, None), c(4, Some(2)), c(5, Some(1))]);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].comment.id, 1);
        let ids: Vec<i64> = t[0].replies.iter().map(|n| n.comment.id).collect();
        assert_eq!(ids, vec![2, 5]);
        assert_eq!(t[0].replies[0].replies[0].comment.id, 4);
        assert_eq!(t[0].count(), 4);
        assert_eq!(t[1].count(), 1);
    }

    #[test]
    fn orphans_are_not_promoted_to_top_level() {
        let t = build_thread(vec![c(1, None), c(7, Some(99))]);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].count(), 1);
    }

    #[test]
    fn replies_at_the_depth_limit_become_siblings() {
        assert_eq!(reply_placement(1), (true, 2));
        assert_eq!(reply_placement(4), (true, 5));
        assert_eq!(reply_placement(5), (false, 5));
    }
}
