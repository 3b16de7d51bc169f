//! Bans by email, client-address hash or reader cookie, with an expiry and a reason.
use super::{audit, Actor};
use crate::{Pool, StoreError};
use domain::desk_views::BanView;

/// The identities a ban can name: the email (and its keyed hash, which a ban of an erased
/// address holds instead of the address), the client-address hash and the reader.
pub struct Identities<'a> {
    pub email: Option<&'a str>,
    pub erased_key: Option<&'a str>,
    pub ip_hash: &'a str,
    pub reader_id: &'a str,
}

/// Whether any of the author's identities is under an active ban.
pub async fn is_banned(pool: &Pool, who: &Identities<'_>, now: i64) -> Result<bool, StoreError> {
    Ok(db::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM bans
                        WHERE lifted_at IS NULL AND (expires_at IS NULL OR expires_at > $1)
                          AND ((kind = 'email' AND (value = $2 OR value = $5)) OR (kind = 'address' AND value = $3)
                               OR (kind = 'reader' AND value = $4)))",
    )
    .bind(now)
    .bind(who.email.map(str::to_lowercase))
    .bind(who.ip_hash)
    .bind(who.reader_id)
    .bind(who.erased_key)
    .fetch_one(pool)
    .await?)
}

/// What a ban of an erased address holds instead of the address (`server::requester::erased_key`).
pub const ERASED_PREFIX: &str = "erased:";

pub async fn add(
    pool: &Pool,
    kind: &str,
    value: &str,
    reason: &str,
    expires_at: Option<i64>,
    who: &Actor,
    now: i64,
) -> Result<i64, StoreError> {
    let mut tx = crate::begin(pool).await?;
    let result = async {
        let id: i64 = db::query_scalar(
            "INSERT INTO bans (kind, value, reason, created_by, created_at, expires_at, created_by_role)
             VALUES ($1, $2, $3, $4, $5, $6, (SELECT role FROM staff WHERE id = $4)) RETURNING id",
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
            Some(t) => format!("until {}", domain::time::exact(t)),
            None => "until lifted".to_string(),
        };
        let after = format!("{kind} {value} — {reason} ({until})");
        audit::record(&mut tx, who, "ban", &format!("ban #{id}"), None, Some(&after), now).await?;
        Ok::<_, StoreError>(id)
    }
    .await;
    crate::end(tx, result).await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifted {
    Done,
    /// No ban in force with that id.
    NotFound,
    /// The ban was made by a higher role than the one lifting it (a moderator and an admin's
    /// ban): it stays.
    Outranked,
}

/// Lifts a ban, unless it was made by a role above `role` (a moderator cannot undo an admin's
/// decision); logged in the same transaction.
pub async fn lift(
    pool: &Pool,
    id: i64,
    who: &Actor,
    role: domain::desk::Role,
    now: i64,
) -> Result<Lifted, StoreError> {
    let mut tx = crate::begin(pool).await?;
    let result = async {
        // the maker's role when they made it (an unknown one: an admin's)
        let made_by: Option<(String,)> = db::query_as(
            "SELECT COALESCE(created_by_role, 'admin') FROM bans WHERE id = $1 AND lifted_at IS NULL",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((made_by,)) = made_by else { return Ok(Lifted::NotFound) };
        if domain::desk::Role::parse(&made_by).is_none_or(|r| r > role) {
            return Ok(Lifted::Outranked);
        }
        let row: Option<(String, String, String)> = db::query_as(
            "UPDATE bans SET lifted_at = $1, lifted_by = $2 WHERE id = $3 AND lifted_at IS NULL
             RETURNING kind, value, reason",
        )
        .bind(now)
        .bind(who.id)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((kind, value, reason)) = row else { return Ok(Lifted::NotFound) };
        let before = format!("{kind} {value} — {reason}");
        audit::record(&mut tx, who, "ban lifted", &format!("ban #{id}"), Some(&before), None, now).await?;
        Ok::<_, StoreError>(Lifted::Done)
    }
    .await;
    crate::end(tx, result).await
}

db::from_row!(BanView {
    id,
    kind,
    value: String => shown_value,
    reason,
    created_by,
    created_by_role: String => |role: String| domain::desk::Role::parse(&role),
    created_at,
    expires_at,
});

/// A banned value as the desk shows it: an address erased at its owner's request is not
/// shown, even hashed.
fn shown_value(v: String) -> String {
    if v.starts_with(ERASED_PREFIX) {
        "(an erased address)".to_string()
    } else {
        v
    }
}

/// Bans in force, newest first.
pub async fn active(pool: &Pool, now: i64) -> Result<Vec<BanView>, StoreError> {
    Ok(db::query_as(
        "SELECT b.id, b.kind, b.value, b.reason, s.name AS created_by,
                COALESCE(b.created_by_role, 'admin') AS created_by_role,
                b.created_at, b.expires_at
         FROM bans b LEFT JOIN staff s ON s.id = b.created_by
         WHERE b.lifted_at IS NULL AND (b.expires_at IS NULL OR b.expires_at > $1)
         ORDER BY b.created_at DESC, b.id DESC LIMIT 500",
    )
    .bind(now)
    .fetch_all(pool)
    .await?)
}

/// The identities of a comment's author: email, address hash, reader.
pub async fn identities_of(
    pool: &Pool,
    comment_id: i64,
) -> Result<Option<(Option<String>, Option<String>, Option<String>)>, StoreError> {
    Ok(db::query_as("SELECT author_email, ip_hash, reader_id FROM comments WHERE id = $1")
        .bind(comment_id)
        .fetch_optional(pool)
        .await?)
}
