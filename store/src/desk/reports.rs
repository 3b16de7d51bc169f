//! Readers report comments: one report per reader per comment; enough reports hold it.
use crate::{Pool, StoreError};
use domain::CommentStatus;

#[derive(Debug, PartialEq, Eq)]
pub enum Reported {
    /// Recorded; `held`: this report reached the threshold and the comment is held for review.
    New { held: bool, first: bool },
    /// This reader reported this comment before.
    Again,
    /// No approved comment with this id.
    NoSuchComment,
    /// Readers do not report their own comments.
    Own,
}

/// A reader's report: who (cookie and address hash), about what, why.
pub struct NewReport<'a> {
    pub comment_id: i64,
    pub reader_id: &'a str,
    pub ip_hash: &'a str,
    pub reason: &'a str,
    pub note: &'a str,
}

pub async fn report(
    pool: &Pool,
    r: &NewReport<'_>,
    threshold: u32,
    now: i64,
) -> Result<Reported, StoreError> {
    let NewReport { comment_id, reader_id, ip_hash, reason, note } = *r;
    let mut tx = crate::begin(pool).await?;
    let result = async {
        let row: Option<(i64, Option<i64>, String, Option<String>)> =
            db::query_as("SELECT article_id, root_id, status, reader_id FROM comments WHERE id = $1")
                .bind(comment_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((article_id, root_id, status, author)) = row.filter(|r| r.2 == CommentStatus::Approved.as_str()) else {
            return Ok(Reported::NoSuchComment);
        };
        if author.as_deref() == Some(reader_id) {
            return Ok(Reported::Own);
        }
        let done = db::query(
            "INSERT INTO reports (comment_id, reader_id, ip_hash, reason, note, created_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (comment_id, reader_id) DO NOTHING",
        )
        .bind(comment_id)
        .bind(reader_id)
        .bind(ip_hash)
        .bind(reason)
        .bind(note)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(Reported::Again);
        }
        // readers on one network (one person with many cookies) count once
        let open: i64 = db::query_scalar(
            "SELECT COUNT(DISTINCT COALESCE(ip_hash, reader_id)) FROM reports WHERE comment_id = $1 AND resolved_at IS NULL",
        )
                .bind(comment_id)
                .fetch_one(&mut *tx)
                .await?;
        // once the editors kept it after reports, more reports alert them but hold nothing:
        // otherwise a few networks could hide a comment again after every review
        let reviewed: bool = db::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM reports WHERE comment_id = $1 AND resolved_at IS NOT NULL)",
        )
        .bind(comment_id)
        .fetch_one(&mut *tx)
        .await?;
        let held = threshold > 0 && open >= threshold as i64 && status == CommentStatus::Approved.as_str() && !reviewed;
        if held {
            db::query("UPDATE comments SET status = 'pending', held_for = 'reports' WHERE id = $1")
                .bind(comment_id)
                .execute(&mut *tx)
                .await?;
            super::moderate::count_visible(&mut tx, comment_id, article_id, root_id, -1).await?;
        }
        let first = open == 1;
        if first || held {
            super::alerts::raise(&mut tx, if held { "held" } else { "report" }, comment_id, now).await?;
        }
        Ok::<_, StoreError>(Reported::New { held, first })
    }
    .await;
    crate::end(tx, result).await
}
