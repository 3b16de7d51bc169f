//! Bans by email, client-address hash or reader cookie, with an expiry and a reason.
use super::{audit, Actor};
use crate::domain::desk_views::BanView;
use crate::server::store::{Pool, StoreError};
use sqlx::Row;

/// Whether any of the author's identities is under an active ban.
pub async fn is_banned(
    pool: &Pool,
    email: Option<&str>,
    ip_hash: &str,
    reader_id: &str,
    now: i64,
) -> Result<bool, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM bans
                        WHERE lifted_at IS NULL AND (expires_at IS NULL OR expires_at > ?1)
                          AND ((kind = 'email' AND value = ?2) OR (kind = 'address' AND value = ?3)
                               OR (kind = 'reader' AND value = ?4)))",
    )
    .bind(now)
    .bind(email.map(str::to_lowercase))
    .bind(ip_hash)
    .bind(reader_id)
    .fetch_one(pool)
    .await?)
}

pub async fn add(
    pool: &Pool,
    kind: &str,
    value: &str,
    reason: &str,
    expires_at: Option<i64>,
    who: &Actor,
    now: i64,
) -> Result<i64, StoreError> {
    let mut tx = crate::server::store::begin(pool).await?;
    let result = async {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO bans (kind, value, reason, created_by, created_at, expires_at)
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(kind)
        .bind(value)
        .bind(reason)
        .bind(who.id)
        .bind(now)
        .bind(expires_at)
        .fetch_one(&mut *tx)
        .await?;
        let until = match expires_at {
            Some(t) => format!("until {}", crate::domain::time::exact(t)),
            None => "until lifted".to_string(),
        };
        let after = format!("{kind} {value} — {reason} ({until})");
        audit::record(&mut tx, who, "ban", &format!("ban #{id}"), None, Some(&after), now).await?;
        Ok::<_, StoreError>(id)
    }
    .await;
    crate::server::store::end(tx, result).await
}

pub async fn lift(pool: &Pool, id: i64, who: &Actor, now: i64) -> Result<bool, StoreError> {
    let mut tx = crate::server::store::begin(pool).await?;
    let result = async {
        let row = sqlx::query(
            "UPDATE bans SET lifted_at = ?, lifted_by = ? WHERE id = ? AND lifted_at IS NULL
             RETURNING kind, value, reason",
        )
        .bind(now)
        .bind(who.id)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(r) = row else { return Ok(false) };
        let before = format!(
            "{} {} — {}",
            r.get::<String, _>("kind"),
            r.get::<String, _>("value"),
            r.get::<String, _>("reason")
        );
        audit::record(&mut tx, who, "ban lifted", &format!("ban #{id}"), Some(&before), None, now).await?;
        Ok::<_, StoreError>(true)
    }
    .await;
    crate::server::store::end(tx, result).await
}

/// Bans in force, newest first.
pub async fn active(pool: &Pool, now: i64) -> Result<Vec<BanView>, StoreError> {
    let rows = sqlx::query(
        "SELECT b.id, b.kind, b.value, b.reason, s.name AS by_name, b.created_at, b.expires_at
         FROM bans b LEFT JOIN staff s ON s.id = b.created_by
         WHERE b.lifted_at IS NULL AND (b.expires_at IS NULL OR b.expires_at > ?)
         ORDER BY b.created_at DESC, b.id DESC LIMIT 500",
    )
    .bind(now)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| BanView {
            id: r.get("id"),
            kind: r.get("kind"),
            value: r.get("value"),
            reason: r.get("reason"),
            created_by: r.get("by_name"),
            created_at: r.get("created_at"),
            expires_at: r.get("expires_at"),
        })
        .collect())
}

/// The identities of a comment's author: email, address hash, reader.
pub async fn identities_of(
    pool: &Pool,
    comment_id: i64,
) -> Result<Option<(Option<String>, Option<String>, Option<String>)>, StoreError> {
    Ok(sqlx::query_as("SELECT author_email, ip_hash, reader_id FROM comments WHERE id = ?")
        .bind(comment_id)
        .fetch_optional(pool)
        .await?)
}
