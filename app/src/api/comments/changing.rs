//! A comment changed after it was posted: a vote, its writer's edit or deletion.
use super::{safe_back, PostedComment, VoteOutcome};
use crate::domain::ApiError;
use crate::server::state::OrInternal;

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
        .filter(|o| o.status == crate::domain::CommentStatus::Approved)
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
async fn own_editable(
    state: &crate::server::state::AppState,
    visitor: &crate::server::requester::Requester,
    comment: i64,
) -> Result<crate::server::store::comments::Owned, ApiError> {
    let owned = crate::server::store::comments::owner(&state.pool, comment)
        .await
        .or_internal("loading a comment to change")?
        .filter(|o| o.status == crate::domain::CommentStatus::Approved)
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
