//! What the comment form and the thread share on an article page (provided as context by the
//! page, read while the server renders it).
use crate::api::comments::{DeleteComment, EditComment, PostComment, VoteComment};
use crate::domain::thread::ThreadQuery;
use crate::domain::FormState;
use leptos::prelude::*;

/// What every part of the thread shares (provided as context by the article page).
#[derive(Clone)]
pub struct ThreadCtx {
    pub slug: String,
    /// `/articles/{slug}`
    pub path: String,
    /// The view in the URL.
    pub query: Memo<ThreadQuery>,
    pub reply_to: Memo<Option<i64>>,
    pub editing: Memo<Option<i64>>,
    /// The comment whose report form is open (`?report=ID`).
    pub reporting: Option<i64>,
    /// The comment this reader just reported (`?reported=ID`): thanked at the comment.
    pub reported: Option<i64>,
    pub post: ServerAction<PostComment>,
    pub vote: ServerAction<VoteComment>,
    pub edit: ServerAction<EditComment>,
    pub delete: ServerAction<DeleteComment>,
    pub forms: FormState,
    /// New comments and replies are taken (not closed by the editors or by age).
    pub open: bool,
}

impl ThreadCtx {
    /// The current page (path and query) for forms to return to.
    pub fn back(&self) -> String {
        self.query.get_untracked().href(&self.path)
    }
}
