use super::{Pool, StoreError};
use crate::domain::ContactInput;
use serde::{Deserialize, Serialize};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactMessage {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub subject: String,
    pub message: String,
    pub created_at: i64,
}

/// Stores a message once per submission key; returns its id.
pub async fn insert(pool: &Pool, m: &ContactInput, key: &str, now: i64) -> Result<i64, StoreError> {
    sqlx::query(
        "INSERT INTO contact_messages (name, email, subject, message, created_at, submission_key)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (submission_key) DO NOTHING",
    )
    .bind(&m.name)
    .bind(&m.email)
    .bind(&m.subject)
    .bind(&m.message)
    .bind(now)
    .bind(key)
    .execute(pool)
    .await?;
    Ok(sqlx::query_scalar("SELECT id FROM contact_messages WHERE submission_key = ?")
        .bind(key)
        .fetch_one(pool)
        .await?)
}

pub async fn latest(pool: &Pool, limit: i64) -> Result<Vec<ContactMessage>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, name, email, subject, message, created_at FROM contact_messages
         ORDER BY created_at DESC, id DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ContactMessage {
            id: r.get("id"),
            name: r.get("name"),
            email: r.get("email"),
            subject: r.get("subject"),
            message: r.get("message"),
            created_at: r.get("created_at"),
        })
        .collect())
}
