use super::{Pool, StoreError};
use domain::desk_views::InboxRow;
use domain::ContactInput;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactMessage {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub subject: String,
    pub message: String,
    pub created_at: i64,
}

/// Stores a message once per submission key and, when `mail_to` is set, queues its mail to
/// the editors in the same transaction. Answers its id, and whether it is new.
pub async fn insert(
    pool: &Pool,
    m: &ContactInput,
    key: &str,
    ip_hash: &str,
    mail_to: Option<&str>,
    now: i64,
) -> Result<(i64, bool), StoreError> {
    let mut tx = super::begin(pool).await?;
    let result = async {
        let new: Option<i64> = db::query_scalar(
            "INSERT INTO contact_messages (name, email, subject, message, created_at, submission_key, ip_hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (submission_key) DO NOTHING RETURNING id",
        )
        .bind(&m.name)
        .bind(&m.email)
        .bind(&m.subject)
        .bind(&m.message)
        .bind(now)
        .bind(key)
        .bind(ip_hash)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = new {
            if let Some(to) = mail_to {
                let row = super::notify::Enqueue {
                    kind: "contact",
                    email: to,
                    contact_message_id: Some(id),
                    ..Default::default()
                };
                super::notify::enqueue(&mut tx, row, now).await?;
            }
            return Ok::<_, StoreError>((id, true));
        }
        let id = db::query_scalar("SELECT id FROM contact_messages WHERE submission_key = $1")
            .bind(key)
            .fetch_one(&mut *tx)
            .await?;
        Ok((id, false))
    }
    .await;
    super::end(tx, result).await
}

/// Whether a message with this submission key is stored (a repeated submission).
pub async fn has_key(pool: &Pool, key: &str) -> Result<bool, StoreError> {
    Ok(db::query_scalar("SELECT EXISTS (SELECT 1 FROM contact_messages WHERE submission_key = $1)")
        .bind(key)
        .fetch_one(pool)
        .await?)
}

/// One message, for its mail to the editors.
pub async fn by_id(pool: &Pool, id: i64) -> Result<Option<ContactMessage>, StoreError> {
    Ok(db::query_as(
        "SELECT id, name, email, subject, message, created_at FROM contact_messages WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?)
}

db::from_row!(ContactMessage { id, name, email, subject, message, created_at });
db::from_row!(InboxRow { id, name, email, subject, message, created_at, state });

pub async fn latest(pool: &Pool, limit: i64) -> Result<Vec<ContactMessage>, StoreError> {
    Ok(db::query_as(
        "SELECT id, name, email, subject, message, created_at FROM contact_messages
         ORDER BY created_at DESC, id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// The Contact Us inbox in the desk: messages in one state, newest first.
pub async fn in_state(pool: &Pool, state: &str, limit: i64) -> Result<Vec<InboxRow>, StoreError> {
    Ok(db::query_as(
        "SELECT id, name, email, subject, message, created_at, state FROM contact_messages
         WHERE state = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(state)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

pub async fn state_counts(pool: &Pool) -> Result<Vec<(String, i64)>, StoreError> {
    let mut out = Vec::new();
    for s in ["unread", "read", "archived"] {
        let n: i64 = db::query_scalar("SELECT COUNT(*) FROM contact_messages WHERE state = $1")
            .bind(s)
            .fetch_one(pool)
            .await?;
        out.push((s.to_string(), n));
    }
    Ok(out)
}

/// Marks a message read, unread or archived; answers its state before, if it exists.
pub async fn set_state(
    pool: &Pool,
    id: i64,
    state: &str,
    who: &super::desk::Actor,
    now: i64,
) -> Result<Option<String>, StoreError> {
    let mut tx = super::begin(pool).await?;
    let result = async {
        let before: Option<String> = db::query_scalar("SELECT state FROM contact_messages WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(b) = before.as_deref().filter(|b| *b != state) {
            db::query("UPDATE contact_messages SET state = $1 WHERE id = $2")
                .bind(state)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            super::desk::audit::record(
                &mut tx,
                who,
                "message",
                &format!("message #{id}"),
                Some(b),
                Some(state),
                now,
            )
            .await?;
        }
        Ok::<_, StoreError>(before)
    }
    .await;
    super::end(tx, result).await
}
