//! The audit log: every staff action, who, what, when, before and after.
use super::Actor;
use crate::{Pool, StoreError};
use domain::desk_views::AuditRow;

pub async fn record(
    conn: &mut db::Conn,
    who: &Actor,
    action: &str,
    target: &str,
    before: Option<&str>,
    after: Option<&str>,
    now: i64,
) -> Result<(), db::Error> {
    db::query(
        "INSERT INTO audit_log (staff_id, staff_name, action, target, before, after, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    // 0: not a staff member (a reader acting through a mailed link)
    .bind((who.id > 0).then_some(who.id))
    .bind(&who.name)
    .bind(action)
    .bind(target)
    .bind(before)
    .bind(after)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

db::from_row!(AuditRow { staff_name, action, target, before, after, created_at });

/// The latest entries, newest first, as the desk shows them.
pub async fn latest(pool: &Pool, limit: i64) -> Result<Vec<AuditRow>, StoreError> {
    Ok(db::query_as(
        "SELECT staff_name, action, target, before, after, created_at FROM audit_log
         ORDER BY created_at DESC, id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?)
}
