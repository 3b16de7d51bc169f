//! Comments' server functions: post one, post inline feedback, vote, edit, delete, preview.
//! Each is shared with its plain form post; the work is in `posting` (a new comment or
//! feedback: checks, limits, holds, storing) and `changing` (votes, edits, deletions).
// a server function takes its form's fields as arguments, and the browser build's generated
// client function does not carry the item's own allow
#![allow(clippy::too_many_arguments)]
use crate::domain::ApiError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

// the work behind the server functions and the plain form posts: server only
#[cfg(feature = "ssr")]
mod changing;
#[cfg(feature = "ssr")]
mod posting;
#[cfg(feature = "ssr")]
pub use changing::{delete, edit, vote};
#[cfg(feature = "ssr")]
pub use posting::{closed, submit};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostedComment {
    pub id: i64,
    /// `/articles/{slug}#comment-{id}`
    pub location: String,
    /// Held for moderation: only its author sees it until an editor approves it.
    #[serde(default)]
    pub held: bool,
    /// The answer to a submission that arrived before (a double click, a replay): it carries
    /// no reader cookie, whoever sent it (see `without_cookie_if_repeated`).
    #[serde(skip)]
    pub repeat: bool,
}

/// A repeated submission key carries no authority: the answer names the comment it made but
/// never hands out a reader cookie. Only the first request of a key can make a first-time
/// writer a reader; a second one (a double click, or someone a shared cache gave the same page
/// replaying the published text from the same network) gets the comment's address, not its
/// author's identity.
#[cfg(feature = "ssr")]
pub fn without_cookie_if_repeated(
    mut visitor: crate::server::requester::Requester,
    result: &Result<PostedComment, ApiError>,
) -> crate::server::requester::Requester {
    if matches!(result, Ok(p) if p.repeat) {
        visitor.set_cookie = None;
    }
    visitor
}

/// Posts a comment or a reply. Driven by `<ActionForm>`; a plain (JavaScript-off) post of the
/// same form is answered by the server crate's `form_posts` with a redirect or the page re-rendered with errors.
/// `website` is a honeypot: people never see it, form-filling bots do.
// the form's fields, one argument each
#[server(prefix = "/api", endpoint = "/post_comment")]
pub async fn post_comment(
    article: String,
    parent: Option<i64>,
    name: String,
    email: String,
    body: String,
    key: String,
    #[server(default)] website: String,
    #[server(default)] notify: String,
) -> Result<PostedComment, ApiError> {
    let form = crate::domain::CommentForm {
        article,
        parent,
        name,
        email,
        body,
        key,
        website,
        intent: String::new(),
        notify,
        ..Default::default()
    };
    let state = crate::server::state::app_state()?;
    let visitor = crate::server::requester::Requester::current(&state).for_form(
        &state,
        &form.key,
        &form.article,
        &form.body,
    );
    let result = submit(&state, &visitor, &form).await;
    let visitor = without_cookie_if_repeated(visitor, &result);
    crate::server::answer::answer(&visitor, async { result }).await
}

/// Posts a feedback on a passage: a known passage (`passage`), or a passage the reader
/// selected (`quote` with its `prefix`, `suffix` and `position`). Same checks as comments.
#[server(prefix = "/api", endpoint = "/post_feedback")]
pub async fn post_feedback(
    article: String,
    #[server(default)] passage: Option<i64>,
    #[server(default)] quote: String,
    #[server(default)] prefix: String,
    #[server(default)] suffix: String,
    #[server(default)] position: Option<usize>,
    name: String,
    email: String,
    body: String,
    key: String,
    #[server(default)] website: String,
    #[server(default)] notify: String,
) -> Result<PostedComment, ApiError> {
    let form = crate::domain::CommentForm {
        article,
        parent: None,
        name,
        email,
        body,
        key,
        website,
        intent: String::new(),
        notify,
        passage,
        quote,
        prefix,
        suffix,
        position,
    };
    if form.feedback_target().is_none() {
        return Err(ApiError::field("body", "Choose a passage of the article to comment on."));
    }
    let state = crate::server::state::app_state()?;
    let visitor = crate::server::requester::Requester::current(&state).for_form(
        &state,
        &form.key,
        &form.article,
        &form.body,
    );
    let result = submit(&state, &visitor, &form).await;
    let visitor = without_cookie_if_repeated(visitor, &result);
    crate::server::answer::answer(&visitor, async { result }).await
}

/// Votes a comment up or down; the same vote again takes it back.
#[server(prefix = "/api", endpoint = "/vote")]
pub async fn vote_comment(comment: i64, direction: String, back: String) -> Result<VoteOutcome, ApiError> {
    let state = crate::server::state::app_state()?;
    let visitor = crate::server::requester::Requester::current(&state);
    crate::server::answer::answer(&visitor, vote(&state, &visitor, comment, &direction, &back)).await
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteOutcome {
    pub score: i64,
    pub my_vote: i8,
    /// Where a plain form post returns to.
    pub location: String,
}

/// The author changes their comment's text within the edit window.
#[server(prefix = "/api", endpoint = "/edit_comment")]
pub async fn edit_comment(comment: i64, body: String, back: String) -> Result<PostedComment, ApiError> {
    let state = crate::server::state::app_state()?;
    let visitor = crate::server::requester::Requester::current(&state);
    crate::server::answer::answer(&visitor, edit(&state, &visitor, comment, &body, &back)).await
}

/// The author deletes their comment within the edit window.
#[server(prefix = "/api", endpoint = "/delete_comment")]
pub async fn delete_comment(comment: i64, back: String) -> Result<PostedComment, ApiError> {
    let state = crate::server::state::app_state()?;
    let visitor = crate::server::requester::Requester::current(&state);
    crate::server::answer::answer(&visitor, delete(&state, &visitor, comment, &back)).await
}

/// The comment as it will look once posted (Markdown rendered and sanitised).
#[server(prefix = "/api", endpoint = "/preview")]
pub async fn preview_comment(body: String) -> Result<String, ApiError> {
    crate::server::answer::refused(preview(&body))
}

#[cfg(feature = "ssr")]
pub fn preview(body: &str) -> Result<String, ApiError> {
    let text = crate::domain::text::required_text(body, "comment", crate::domain::comment::BODY_MAX)
        .map_err(|m| ApiError::field("body", m))?;
    Ok(crate::server::text_to_html::comment_html(&text))
}

/// A local article URL to return to after a plain form post; anything else is replaced.
#[cfg(feature = "ssr")]
pub fn safe_back(back: &str, fallback: &str) -> String {
    let ok = back.starts_with("/articles/")
        && !back.contains("//")
        && !back.contains('\\')
        && back.len() < 500
        && back.chars().all(|c| c.is_ascii_graphic());
    let path = if ok { back } else { fallback };
    // drop a stale anchor; the caller adds the comment's own
    path.split('#').next().unwrap_or(fallback).to_string()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::safe_back;

    #[test]
    fn only_local_article_urls_are_returned_to() {
        assert_eq!(safe_back("/articles/a?sort=oldest#x", "/articles/b"), "/articles/a?sort=oldest");
        for evil in ["https://evil.example/", "//evil.example", "/articles//evil", "/admin", "/articles/a\\b"]
        {
            assert_eq!(safe_back(evil, "/articles/b"), "/articles/b", "{evil}");
        }
    }
}
