//! Staff accounts and their signed-in sessions.
use crate::domain::desk::Role;
use crate::server::store::{Pool, StoreError};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAccount {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub alerts: String,
    pub disabled: bool,
    pub created_at: i64,
}

fn account(r: &sqlx::sqlite::SqliteRow) -> Option<StaffAccount> {
    Some(StaffAccount {
        id: r.get("id"),
        email: r.get("email"),
        name: r.get("name"),
        role: Role::parse(r.get("role"))?,
        alerts: r.get("alerts"),
        disabled: r.get::<i64, _>("disabled") != 0,
        created_at: r.get("created_at"),
    })
}

const COLUMNS: &str = "id, email, name, role, alerts, disabled, created_at";

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("an account with this email exists")]
    Exists,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Creates an account; `password_hash` is an argon2id PHC string.
pub async fn create(
    pool: &Pool,
    email: &str,
    name: &str,
    role: Role,
    password_hash: &str,
    now: i64,
) -> Result<i64, CreateError> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO staff (email, name, role, password_hash, created_at, digest_alert_id)
         VALUES (?, ?, ?, ?, ?, (SELECT IFNULL(MAX(id), 0) FROM staff_alerts))
         ON CONFLICT (email) DO NOTHING RETURNING id",
    )
    .bind(email.to_lowercase())
    .bind(name)
    .bind(role.as_str())
    .bind(password_hash)
    .bind(now)
    .fetch_optional(pool)
    .await
    .map_err(StoreError::from)?;
    id.ok_or(CreateError::Exists)
}

/// The account and its password hash, for signing in.
pub async fn for_sign_in(pool: &Pool, email: &str) -> Result<Option<(StaffAccount, String)>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS}, password_hash FROM staff WHERE email = ?"
    )))
    .bind(email.to_lowercase())
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|r| Some((account(&r)?, r.get("password_hash")))))
}

pub async fn by_id(pool: &Pool, id: i64) -> Result<Option<StaffAccount>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM staff WHERE id = ?")))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.and_then(|r| account(&r)))
}

pub async fn all(pool: &Pool) -> Result<Vec<StaffAccount>, StoreError> {
    let rows =
        sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM staff ORDER BY role, name, id")))
            .fetch_all(pool)
            .await?;
    Ok(rows.iter().filter_map(account).collect())
}

pub async fn count(pool: &Pool) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM staff").fetch_one(pool).await?)
}

pub async fn set_password(pool: &Pool, id: i64, password_hash: &str) -> Result<bool, StoreError> {
    let mut tx = crate::server::store::begin(pool).await?;
    let result = async {
        let done = sqlx::query("UPDATE staff SET password_hash = ? WHERE id = ?")
            .bind(password_hash)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        // a new password signs every browser out
        sqlx::query("DELETE FROM staff_sessions WHERE staff_id = ?").bind(id).execute(&mut *tx).await?;
        Ok::<_, StoreError>(done.rows_affected() == 1)
    }
    .await;
    crate::server::store::end(tx, result).await
}

/// Changes role, alerts or the disabled flag. Disabling signs the account out everywhere.
pub async fn update(
    pool: &Pool,
    id: i64,
    role: Role,
    alerts: &str,
    disabled: bool,
) -> Result<bool, StoreError> {
    let mut tx = crate::server::store::begin(pool).await?;
    let result = async {
        // a switch to the hourly digest starts its hour now
        sqlx::query(
            "UPDATE staff SET digest_sent_at = ? WHERE id = ? AND alerts <> 'hourly' AND ? = 'hourly'",
        )
        .bind(crate::server::store::now())
        .bind(id)
        .bind(alerts)
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query("UPDATE staff SET role = ?, alerts = ?, disabled = ? WHERE id = ?")
            .bind(role.as_str())
            .bind(alerts)
            .bind(disabled)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM staff_sessions WHERE staff_id = ?").bind(id).execute(&mut *tx).await?;
        }
        Ok::<_, StoreError>(done.rows_affected() == 1)
    }
    .await;
    crate::server::store::end(tx, result).await
}

/// Active admins other than `id`: the last admin cannot be demoted or disabled.
pub async fn other_admins(pool: &Pool, id: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM staff WHERE role = 'admin' AND disabled = 0 AND id <> ?")
        .bind(id)
        .fetch_one(pool)
        .await?)
}

pub async fn new_session(
    pool: &Pool,
    hash: &str,
    staff_id: i64,
    now: i64,
    expires_at: i64,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM staff_sessions WHERE expires_at <= ?").bind(now).execute(pool).await?;
    sqlx::query("INSERT INTO staff_sessions (hash, staff_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
        .bind(hash)
        .bind(staff_id)
        .bind(now)
        .bind(expires_at)
        .execute(pool)
        .await?;
    Ok(())
}

/// The enabled account a live session belongs to.
pub async fn by_session(pool: &Pool, hash: &str, now: i64) -> Result<Option<StaffAccount>, StoreError> {
    let row = sqlx::query(
        "SELECT s.id, s.email, s.name, s.role, s.alerts, s.disabled, s.created_at
         FROM staff_sessions x JOIN staff s ON s.id = x.staff_id
         WHERE x.hash = ? AND x.expires_at > ? AND s.disabled = 0",
    )
    .bind(hash)
    .bind(now)
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|r| account(&r)))
}

pub async fn end_session(pool: &Pool, hash: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM staff_sessions WHERE hash = ?").bind(hash).execute(pool).await?;
    Ok(())
}
