//! The settings, one JSON value each in `settings`: the moderation settings and the site's
//! identity (name, tagline, Contact Information, navigation, footer).
use crate::{Pool, StoreError};
use domain::desk::ModerationSettings;
use domain::site::SiteIdentity;

const NAME: &str = "moderation";
const SITE: &str = "site";

/// One named setting; its defaults when none was saved (or what was saved cannot be read).
async fn load_named<T: serde::de::DeserializeOwned + Default>(
    pool: &Pool,
    name: &str,
) -> Result<T, StoreError> {
    let mut conn = pool.acquire().await?;
    load_named_in(&mut conn, name).await
}

async fn load_named_in<T: serde::de::DeserializeOwned + Default>(
    conn: &mut db::Conn,
    name: &str,
) -> Result<T, StoreError> {
    let value: Option<String> = db::query_scalar("SELECT value FROM settings WHERE name = $1")
        .bind(name)
        .fetch_optional(conn)
        .await?;
    Ok(value
        .and_then(|v| {
            serde_json::from_str(&v)
                .map_err(
                    |e| tracing::error!(error = %e, setting = name, "a setting is unreadable; defaults used"),
                )
                .ok()
        })
        .unwrap_or_default())
}

async fn save_named<T: serde::Serialize>(conn: &mut db::Conn, name: &str, s: &T) -> Result<(), StoreError> {
    let value = serde_json::to_string(s).unwrap_or_default();
    db::query("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
        .bind(name)
        .bind(value)
        .execute(conn)
        .await?;
    Ok(())
}

/// The moderation settings.
pub async fn load(pool: &Pool) -> Result<ModerationSettings, StoreError> {
    load_named(pool, NAME).await
}

pub async fn save(conn: &mut db::Conn, s: &ModerationSettings) -> Result<(), StoreError> {
    save_named(conn, NAME, s).await
}

/// The site's identity.
pub async fn load_site(pool: &Pool) -> Result<SiteIdentity, StoreError> {
    load_named(pool, SITE).await
}

/// The site's identity, read in a transaction.
pub async fn load_site_in(conn: &mut db::Conn) -> Result<SiteIdentity, StoreError> {
    load_named_in(conn, SITE).await
}

pub async fn save_site(conn: &mut db::Conn, s: &SiteIdentity) -> Result<(), StoreError> {
    save_named(conn, SITE, s).await
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
