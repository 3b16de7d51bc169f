// a server function takes its form's fields as arguments, and the browser build's generated
// client function does not carry the item's own allow
#![allow(clippy::too_many_arguments)]
use crate::domain::ApiError;
#[cfg(feature = "ssr")]
use crate::server::state::OrInternal;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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

/// Validates and stores a comment; shared by the server function and the plain form post.
#[cfg(feature = "ssr")]
pub async fn submit(
    state: &crate::server::state::AppState,
    visitor: &crate::server::requester::Requester,
    form: &crate::domain::CommentForm,
) -> Result<PostedComment, ApiError> {
    use crate::domain::CommentInput;
    use crate::server::rate_limits::Bucket;
    use crate::server::state::internal;
    use crate::server::store::comments::{insert, InsertError, Inserted, NewComment};
    use std::time::Duration;

    if !form.website.trim().is_empty() {
        tracing::info!(ip = %visitor.ip, "honeypot filled: comment refused");
        return Err(ApiError::field("body", "This comment looks automated, so it was not posted."));
    }
    let input = CommentInput::parse(&form.name, &form.email, &form.body)?;
    let wants_replies = !form.notify.is_empty() && form.notify != "false";
    if wants_replies && input.email.is_none() {
        return Err(ApiError::field("email", "Enter your email to be notified of replies."));
    }
    let now = state.clock.now();
    let limits = &state.limits;
    let age =
        crate::api::forms::form_age(&state.secret, &form.key, &form.article, now, limits.form_key_seconds)?;
    let article = crate::server::store::articles::by_slug(&state.pool, &form.article)
        .await
        .or_internal("loading the article for a comment")?
        .ok_or_else(|| ApiError::NotFound("This article no longer exists.".into()))?;
    let settings = crate::server::store::desk::settings::load(&state.pool)
        .await
        .or_internal("loading the moderation settings")?;
    if let Some(refusal) = closed(&article, &settings, now) {
        return Err(refusal);
    }
    let location = |id: i64| format!("{}#comment-{id}", article.path());

    // a repeated submission (double click, reloaded POST) answers with the comment it made
    if let Some(id) = crate::server::store::comments::by_key(&state.pool, &visitor.reader_id, &form.key)
        .await
        .or_internal("looking up a submission key")?
    {
        return repeat(state, visitor, id, location(id), now).await;
    }
    let min = limits.min_form_seconds;
    if age < min {
        return Err(ApiError::TooSoon { retry_after: (min - age).max(1) as u64 });
    }
    state
        .rate
        .hit(Bucket::CommentIp, &visitor.ip.to_string(), limits.comments_per_ip, Duration::from_secs(60))
        .await
        .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
    if let Some(email) = &input.email {
        state
            .rate
            .hit(Bucket::CommentEmail, email, limits.comments_per_email, Duration::from_secs(3600))
            .await
            .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
    }
    // the same text on the same article within the window is a duplicate, whoever sends it
    // (a bot rotating cookies and addresses included), unless it is a short everyday phrase
    let duplicate = crate::server::store::comments::is_duplicate(
        &state.pool,
        article.id,
        &visitor.reader_id,
        input.email.as_deref(),
        &input.body,
        now - limits.duplicate_window_seconds,
    )
    .await
    .or_internal("checking for a duplicate comment")?;
    if duplicate {
        // the same submission may have been stored meanwhile (a double click racing itself)
        if let Some(id) = crate::server::store::comments::by_key(&state.pool, &visitor.reader_id, &form.key)
            .await
            .or_internal("looking up a submission key")?
        {
            return repeat(state, visitor, id, location(id), now).await;
        }
        return Err(ApiError::Duplicate);
    }
    let ip_hash = visitor.ip_hash(state);
    let erased = input.email.as_deref().map(|e| crate::server::requester::erased_key(&state.secret, e));
    let identities = crate::server::store::desk::bans::Identities {
        email: input.email.as_deref(),
        erased_key: erased.as_deref(),
        ip_hash: &ip_hash,
        reader_id: &visitor.reader_id,
    };
    let banned = crate::server::store::desk::bans::is_banned(&state.pool, &identities, now)
        .await
        .or_internal("checking bans")?;
    if banned {
        // neutral: a banned author is not told why, nor that a ban exists
        tracing::info!(ip = %visitor.ip, "comment from a banned author refused");
        return Err(ApiError::Forbidden("This comment could not be posted.".into()));
    }
    let has_approved = match input.email.as_deref() {
        Some(email) if settings.hold == crate::domain::desk::HoldMode::FirstTime => {
            crate::server::store::desk::queue::has_approved(&state.pool, email, &visitor.reader_id, &ip_hash)
                .await
                .or_internal("looking up an author's approved comments")?
        }
        _ => false,
    };
    let held = crate::domain::desk::hold_reason(&settings, &input.body, input.email.as_deref(), has_approved);

    let target = form.feedback_target();
    let body_html = crate::server::text_to_html::comment_html(&input.body);
    let new = NewComment {
        article_id: article.id,
        parent_id: form.parent,
        author_name: &input.name,
        author_email: input.email.as_deref(),
        body: &input.body,
        body_html: &body_html,
        submission_key: &form.key,
        reader_id: &visitor.reader_id,
        ip_hash: &ip_hash,
        created_at: now,
        passage: target.as_ref(),
        article_html: &article.body_html,
        held_for: held.map(|h| h.as_str()),
    };
    let id = match insert(&state.pool, &new).await {
        Ok(Inserted::New(id)) => {
            tracing::info!(comment = id, article = %article.slug, held = held.is_some(), "comment posted");
            // a held comment is news only once an editor approves it
            state.changed_at(
                &article.slug,
                match held {
                    None => {
                        crate::server::changes::Change::Comment { article_id: article.id, comment_id: id }
                    }
                    Some(_) => crate::server::changes::Change::Article(article.id),
                },
            );
            let email = input.email.as_deref().and_then(|e| crate::domain::text::Email::parse(e).ok());
            if let (true, Some(email)) = (wants_replies, email) {
                // the comment is stored; a refused or failed subscription is logged, never a
                // lost comment
                let kind = crate::domain::notify::Kind::CommentReplies;
                if let Err(e) =
                    crate::api::notify::subscribe(state, visitor, article.id, &email, kind, Some(id)).await
                {
                    tracing::warn!(error = %e, comment = id, "the comment's reply subscription was not made");
                }
            }
            state.mailer.wake.notify_one();
            id
        }
        Ok(Inserted::Repeat(id)) => {
            // the same submission racing itself: the first made the comment
            return repeat(state, visitor, id, location(id), now).await;
        }
        Err(InsertError::NoSuchParent) => {
            return Err(ApiError::field("body", "The comment you are replying to is no longer available."))
        }
        Err(InsertError::Refused(e)) => return Err(e),
        Err(InsertError::Store(e)) => return Err(internal("storing a comment", e)),
    };
    if target.is_some() {
        // a feedback returns to its passage, where the panel says it was posted
        let passage = crate::server::store::comments::passage_of(&state.pool, id)
            .await
            .or_internal("loading a feedback's passage")?;
        if let Some(p) = passage {
            let location = format!("{}?feedback={p}&posted={id}#feedback-{p}", article.path());
            return Ok(PostedComment { id, location, held: held.is_some(), repeat: false });
        }
    }
    Ok(PostedComment { id, location: location(id), held: held.is_some(), repeat: false })
}

/// The answer to a repeated submission: the comment it made. From a request without a reader
/// cookie (whose answer would carry the comment's reader cookie) only within a minute of the
/// comment — a double click or a re-sent POST; later, someone who obtained the same key (a
/// shared cache handed one page to many) and replays the published text is refused, not made
/// that reader.
#[cfg(feature = "ssr")]
async fn repeat(
    state: &crate::server::state::AppState,
    visitor: &crate::server::requester::Requester,
    id: i64,
    location: String,
    now: i64,
) -> Result<PostedComment, ApiError> {
    if visitor.set_cookie.is_some() {
        let made = crate::server::store::comments::owner(&state.pool, id)
            .await
            .or_internal("loading a repeated comment")?
            .map_or(0, |o| o.created_at);
        if now - made > 60 {
            return Err(ApiError::Duplicate);
        }
    }
    Ok(PostedComment { id, location, held: false, repeat: true })
}

/// Why no comment can be posted on this article now, if so: its comments are hidden or
/// closed, or it is older than the settings keep comments open.
#[cfg(feature = "ssr")]
pub fn closed(
    article: &crate::domain::Article,
    settings: &crate::domain::desk::ModerationSettings,
    now: i64,
) -> Option<ApiError> {
    match article.comments_mode.as_str() {
        "hidden" => return Some(ApiError::NotFound("Comments are not available on this article.".into())),
        "closed" => return Some(ApiError::Forbidden("Comments are closed on this article.".into())),
        _ => {}
    }
    let days = i64::from(settings.close_after_days);
    (days > 0 && now - article.published_at > days * 86_400)
        .then(|| ApiError::Forbidden("Comments are closed on this article.".into()))
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

#[cfg(feature = "ssr")]
async fn article_path_of(
    state: &crate::server::state::AppState,
    article_id: i64,
) -> Result<String, ApiError> {
    crate::server::store::articles::slug_of(&state.pool, article_id)
        .await
        .or_internal("loading an article's slug")?
        .map(|slug| crate::domain::article::article_path(&slug))
        .ok_or_else(|| ApiError::NotFound("This article no longer exists.".into()))
}

#[cfg(feature = "ssr")]
pub async fn vote(
    state: &crate::server::state::AppState,
    visitor: &crate::server::requester::Requester,
    comment: i64,
    direction: &str,
    back: &str,
) -> Result<VoteOutcome, ApiError> {
    use crate::server::rate_limits::Bucket;
    use crate::server::state::internal;
    use std::time::Duration;
    let value: i8 = match direction {
        "up" => 1,
        "down" => -1,
        _ => return Err(ApiError::BadRequest),
    };
    let owned = crate::server::store::comments::owner(&state.pool, comment)
        .await
        .or_internal("loading a comment to vote on")?
        .filter(|o| o.status == "approved")
        .ok_or_else(|| ApiError::NotFound("This comment is no longer available.".into()))?;
    let ip_hash = visitor.ip_hash(state);
    let one_per_address = state.limits.one_vote_per_address;
    let own = owned.reader_id.as_deref() == Some(visitor.reader_id.as_str())
        || (one_per_address && owned.ip_hash.as_deref() == Some(ip_hash.as_str()));
    if own {
        return Err(ApiError::Forbidden("You cannot vote on your own comment.".into()));
    }
    state
        .rate
        .hit(Bucket::VoteIp, &visitor.ip.to_string(), state.limits.votes_per_ip, Duration::from_secs(60))
        .await
        .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
    let voter = crate::server::store::comments::Voter {
        reader_id: &visitor.reader_id,
        ip_hash: &ip_hash,
        one_per_address,
    };
    let result =
        crate::server::store::comments::toggle_vote(&state.pool, comment, voter, value, state.clock.now())
            .await
            .map_err(|e| match e {
                crate::server::store::comments::VoteError::AddressVoted => ApiError::Forbidden(
                    "A vote from your network was already counted for this comment.".into(),
                ),
                crate::server::store::comments::VoteError::Store(e) => internal("storing a vote", e),
            })?;
    state.changed(crate::server::changes::Change::Article(owned.article_id)).await;
    let path = article_path_of(state, owned.article_id).await?;
    Ok(VoteOutcome {
        score: result.score,
        my_vote: result.my_vote,
        location: format!("{}#comment-{comment}", safe_back(back, &path)),
    })
}

/// The comment, if this visitor wrote it and may still change it.
#[cfg(feature = "ssr")]
async fn own_editable(
    state: &crate::server::state::AppState,
    visitor: &crate::server::requester::Requester,
    comment: i64,
) -> Result<crate::server::store::comments::Owned, ApiError> {
    let owned = crate::server::store::comments::owner(&state.pool, comment)
        .await
        .or_internal("loading a comment to change")?
        .filter(|o| o.status == "approved")
        .ok_or_else(|| ApiError::NotFound("This comment is no longer available.".into()))?;
    if owned.reader_id.as_deref() != Some(visitor.reader_id.as_str()) {
        return Err(ApiError::Forbidden("Only the author can change this comment.".into()));
    }
    let window = state.limits.edit_window_seconds;
    if state.clock.now() - owned.created_at >= window {
        return Err(ApiError::Forbidden(format!(
            "Comments can only be changed for {} after posting; this one can no longer be changed.",
            crate::domain::time::duration(window)
        )));
    }
    Ok(owned)
}

#[cfg(feature = "ssr")]
pub async fn edit(
    state: &crate::server::state::AppState,
    visitor: &crate::server::requester::Requester,
    comment: i64,
    body: &str,
    back: &str,
) -> Result<PostedComment, ApiError> {
    let owned = own_editable(state, visitor, comment).await?;
    let text = crate::domain::text::required_text(body, "comment", crate::domain::comment::BODY_MAX)
        .map_err(|m| ApiError::field("body", m))?;
    let html = crate::server::text_to_html::comment_html(&text);
    let now = state.clock.now();
    // the hold rules read the new text as they read a new comment's (links, words, "hold all")
    let settings = crate::server::store::desk::settings::load(&state.pool)
        .await
        .or_internal("loading the moderation settings")?;
    let held = crate::domain::desk::hold_reason(&settings, &text, Some(""), true);
    // the text and the hold in one transaction; the kept pages dropped only after it
    let changed = crate::server::store::comments::edit_by_author(
        &state.pool,
        comment,
        &text,
        &html,
        held.map(|h| h.as_str()),
        now,
    )
    .await
    .or_internal("editing a comment")?;
    if !changed {
        return Err(ApiError::NotFound("This comment is no longer available.".into()));
    }
    state.changed(crate::server::changes::Change::Article(owned.article_id)).await;
    if held.is_some() {
        state.mailer.wake.notify_one();
    }
    let path = article_path_of(state, owned.article_id).await?;
    Ok(PostedComment {
        id: comment,
        location: format!("{}#comment-{comment}", safe_back(back, &path)),
        held: held.is_some(),
        repeat: false,
    })
}

#[cfg(feature = "ssr")]
pub async fn delete(
    state: &crate::server::state::AppState,
    visitor: &crate::server::requester::Requester,
    comment: i64,
    back: &str,
) -> Result<PostedComment, ApiError> {
    let owned = own_editable(state, visitor, comment).await?;
    crate::server::store::comments::mark_deleted(&state.pool, comment)
        .await
        .or_internal("deleting a comment")?;
    state.changed(crate::server::changes::Change::Article(owned.article_id)).await;
    let path = article_path_of(state, owned.article_id).await?;
    // land on the parent (or the thread) since the comment itself may be gone
    let anchor = owned.parent_id.map(|p| format!("#comment-{p}")).unwrap_or_else(|| "#comments".into());
    Ok(PostedComment {
        id: comment,
        location: format!("{}{anchor}", safe_back(back, &path)),
        held: false,
        repeat: false,
    })
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
