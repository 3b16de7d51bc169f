//! The desk's front page: counts for today and the last 30 days, and comments per day.
use crate::{Pool, StoreError};
use domain::desk_views::{DayCount, Figures, FrontPage};

const DAY: i64 = 86_400;

async fn figures(pool: &Pool, since: i64) -> Result<Figures, StoreError> {
    let (approved, held, spam): (i64, i64, i64) = db::query_as(
        "SELECT COALESCE(SUM(CASE WHEN status = 'approved' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN status = 'spam' THEN 1 ELSE 0 END), 0)
         FROM comments WHERE created_at >= $1",
    )
    .bind(since)
    .fetch_one(pool)
    .await?;
    let reports: i64 = db::query_scalar("SELECT COUNT(*) FROM reports WHERE created_at >= $1")
        .bind(since)
        .fetch_one(pool)
        .await?;
    let messages: i64 = db::query_scalar("SELECT COUNT(*) FROM contact_messages WHERE created_at >= $1")
        .bind(since)
        .fetch_one(pool)
        .await?;
    Ok(Figures { approved, held, spam, reports, messages })
}

pub async fn front_page(pool: &Pool, now: i64) -> Result<FrontPage, StoreError> {
    let today = now - now.rem_euclid(DAY);
    let first = today - 29 * DAY;
    let rows: Vec<(i64, i64, i64, i64)> = db::query_as(
        "SELECT (created_at / 86400) * 86400 AS day, SUM(CASE WHEN status = 'approved' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'spam' THEN 1 ELSE 0 END)
         FROM comments WHERE created_at >= $1 GROUP BY day ORDER BY day",
    )
    .bind(first)
    .fetch_all(pool)
    .await?;
    let days = (0..30)
        .map(|i| {
            let day = first + i * DAY;
            let found = rows.iter().find(|r| r.0 == day);
            DayCount {
                day,
                approved: found.map_or(0, |r| r.1),
                held: found.map_or(0, |r| r.2),
                spam: found.map_or(0, |r| r.3),
            }
        })
        .collect();
    let waiting: i64 =
        db::query_scalar("SELECT COUNT(*) FROM comments WHERE status = 'pending'").fetch_one(pool).await?;
    let reported: i64 = db::query_scalar(
        "SELECT COUNT(DISTINCT r.comment_id) FROM reports r JOIN comments c ON c.id = r.comment_id
         WHERE r.resolved_at IS NULL AND c.status IN ('approved', 'pending')",
    )
    .fetch_one(pool)
    .await?;
    let unread: i64 = db::query_scalar("SELECT COUNT(*) FROM contact_messages WHERE state = 'unread'")
        .fetch_one(pool)
        .await?;
    Ok(FrontPage {
        today: figures(pool, today).await?,
        month: figures(pool, first).await?,
        days,
        waiting,
        reported,
        unread,
    })
}
