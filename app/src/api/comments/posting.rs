//! A new comment or inline feedback: validated, checked against the limits and the hold rules,
//! stored, announced.
use super::PostedComment;
use crate::domain::ApiError;
use crate::server::state::OrInternal;

/// Validates and stores a comment; shared by the server function and the plain form post.
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
pub fn closed(
    article: &crate::domain::Article,
    settings: &crate::domain::desk::ModerationSettings,
    now: i64,
) -> Option<ApiError> {
    use crate::domain::article::CommentsMode;
    match article.comments_mode {
        CommentsMode::Hidden => {
            return Some(ApiError::NotFound("Comments are not available on this article.".into()))
        }
        CommentsMode::Closed => {
            return Some(ApiError::Forbidden("Comments are closed on this article.".into()))
        }
        CommentsMode::Open => {}
    }
    let days = i64::from(settings.close_after_days);
    (days > 0 && now - article.published_at > days * 86_400)
        .then(|| ApiError::Forbidden("Comments are closed on this article.".into()))
}
