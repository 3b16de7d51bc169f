//! Readers report a comment to the editors: a reason from a short list and an optional note,
//! one report per reader per comment. Enough reports (a setting) hold it for review.
use crate::domain::ApiError;
#[cfg(feature = "ssr")]
use crate::server::state::OrInternal;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportOutcome {
    /// Where a plain form post returns to.
    pub location: String,
}

#[server(prefix = "/api", endpoint = "/report_comment")]
pub async fn report_comment(
    comment: i64,
    reason: String,
    #[server(default)] note: String,
    #[server(default)] back: String,
) -> Result<ReportOutcome, ApiError> {
    let state = crate::server::state::app_state()?;
    let visitor = crate::server::requester::Requester::current(&state);
    crate::server::answer::answer(&visitor, report(&state, &visitor, comment, &reason, &note, &back)).await
}

#[cfg(feature = "ssr")]
pub async fn report(
    state: &crate::server::state::AppState,
    visitor: &crate::server::requester::Requester,
    comment: i64,
    reason: &str,
    note: &str,
    back: &str,
) -> Result<ReportOutcome, ApiError> {
    use crate::server::rate_limits::Bucket;

    use crate::server::store::desk::reports::Reported;
    if !crate::domain::desk::REPORT_REASONS.iter().any(|(v, _)| *v == reason) {
        return Err(ApiError::field("reason", "Choose why the editors should look at this comment."));
    }
    let note = if note.trim().is_empty() {
        String::new()
    } else {
        crate::domain::text::required_line(note, "note", 500).map_err(|m| ApiError::field("note", m))?
    };
    state
        .rate
        .hit(
            Bucket::ReportIp,
            &visitor.ip.to_string(),
            state.limits.reports_per_ip,
            std::time::Duration::from_secs(3600),
        )
        .await
        .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
    // a comment on a story readers cannot see (a draft, scheduled, unpublished) is not there
    let Some(owned) = crate::server::store::comments::owner(&state.pool, comment)
        .await
        .or_internal("loading a reported comment")?
    else {
        return Err(ApiError::NotFound("This comment is no longer available.".into()));
    };
    let now = state.clock.now();
    let ip_hash = visitor.ip_hash(state);
    let identities = crate::server::store::desk::bans::Identities {
        email: None,
        erased_key: None,
        ip_hash: &ip_hash,
        reader_id: &visitor.reader_id,
    };
    let banned = crate::server::store::desk::bans::is_banned(&state.pool, &identities, now)
        .await
        .or_internal("checking bans")?;
    if banned {
        return Err(ApiError::Forbidden("This report could not be sent.".into()));
    }
    let settings = crate::server::store::desk::settings::load(&state.pool)
        .await
        .or_internal("loading the moderation settings")?;
    let new = crate::server::store::desk::reports::NewReport {
        comment_id: comment,
        reader_id: &visitor.reader_id,
        ip_hash: &ip_hash,
        reason,
        note: &note,
    };
    let done = crate::server::store::desk::reports::report(&state.pool, &new, settings.reports_to_hold, now)
        .await
        .or_internal("storing a report")?;
    match done {
        Reported::New { held, .. } => {
            tracing::info!(comment, held, "comment reported");
            if held {
                state.changed(crate::server::changes::Change::Site).await;
            }
            state.mailer.wake.notify_one();
        }
        Reported::Again => {
            return Err(ApiError::Conflict("You already reported this comment; the editors have it.".into()))
        }
        Reported::NoSuchComment => {
            return Err(ApiError::NotFound("This comment is no longer available.".into()))
        }
        Reported::Own => return Err(ApiError::Forbidden("You cannot report your own comment.".into())),
    }
    let path = crate::server::store::articles::slug_of(&state.pool, owned.article_id)
        .await
        .or_internal("loading an article's slug")?
        .map(|s| crate::domain::article::article_path(&s))
        .unwrap_or_else(|| "/".into());
    let back = crate::api::comments::safe_back(back, &path);
    let back = back.split('?').next().unwrap_or(&path).to_string();
    Ok(ReportOutcome { location: format!("{back}?reported={comment}#comment-{comment}") })
}
