//! The moderation settings, one JSON value in `settings`.
use crate::{Pool, StoreError};
use domain::desk::ModerationSettings;

const NAME: &str = "moderation";

/// The settings; the defaults when none were saved (or what was saved cannot be read).
pub async fn load(pool: &Pool) -> Result<ModerationSettings, StoreError> {
    let value: Option<String> = db::query_scalar("SELECT value FROM settings WHERE name = $1")
        .bind(NAME)
        .fetch_optional(pool)
        .await?;
    Ok(value
        .and_then(|v| {
            serde_json::from_str(&v)
                .map_err(|e| tracing::error!(error = %e, "moderation settings unreadable; defaults used"))
                .ok()
        })
        .unwrap_or_default())
}

pub async fn save(conn: &mut db::Conn, s: &ModerationSettings) -> Result<(), StoreError> {
    let value = serde_json::to_string(s).unwrap_or_default();
    db::query("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
        .bind(NAME)
        .bind(value)
        .execute(conn)
        .await?;
    Ok(())
}

/// Erases client-address hashes older than `before` (comments, votes, reports, contact
/// messages).
pub async fn purge_addresses(pool: &Pool, before: i64) -> Result<u64, StoreError> {
    let mut n = 0;
    for sql in [
        "UPDATE comments SET ip_hash = NULL WHERE ip_hash IS NOT NULL AND created_at < $1",
        "UPDATE comment_votes SET ip_hash = NULL WHERE ip_hash IS NOT NULL AND created_at < $1",
        "UPDATE reports SET ip_hash = NULL WHERE ip_hash IS NOT NULL AND created_at < $1",
        "UPDATE contact_messages SET ip_hash = NULL WHERE ip_hash IS NOT NULL AND created_at < $1",
    ] {
        n += db::query(sql).bind(before).execute(pool).await?.rows_affected();
    }
    Ok(n)
}

/// Mail sent or given up more than `MAIL_RECORD_DAYS` ago, and readers' data links a day past
/// their expiry: each holds an address, and nothing needs them any longer (the daily mail cap
/// looks back a day, a link's page says "expired" for a day).
pub const MAIL_RECORD_DAYS: i64 = 30;

pub async fn purge_mail_records(pool: &Pool, now: i64) -> Result<u64, StoreError> {
    let mail = db::query("DELETE FROM outbox WHERE status IN ('sent', 'dropped') AND created_at < $1")
        .bind(now - MAIL_RECORD_DAYS * 86_400)
        .execute(pool)
        .await?
        .rows_affected();
    let links = db::query("DELETE FROM data_requests WHERE expires_at < $1")
        .bind(now - 86_400)
        .execute(pool)
        .await?
        .rows_affected();
    Ok(mail + links)
}
