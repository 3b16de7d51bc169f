//! Staff accounts and their signed-in sessions. Every change to an account, every sign-in and
//! sign-out is written to the audit log in the transaction that makes it.
use super::{audit, Actor};
use crate::{Pool, StoreError};
use domain::desk::Role;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAccount {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub alerts: String,
    pub disabled: bool,
    pub created_at: i64,
    /// The byline's name (empty: `name`).
    pub public_name: String,
    pub bio: String,
    /// Their author page's address (`/authors/{slug}`).
    pub author_slug: Option<String>,
}

impl StaffAccount {
    /// The name a byline shows.
    pub fn byline_name(&self) -> &str {
        if self.public_name.is_empty() {
            &self.name
        } else {
            &self.public_name
        }
    }
}

/// An account as stored (`COLUMNS`); one whose role this version does not know is no account.
struct Stored {
    id: i64,
    email: String,
    name: String,
    role: String,
    alerts: String,
    disabled: bool,
    created_at: i64,
    public_name: String,
    bio: String,
    author_slug: Option<String>,
}
db::from_row!(Stored { id, email, name, role, alerts, disabled, created_at, public_name, bio, author_slug });

fn account(r: Stored) -> Option<StaffAccount> {
    Some(StaffAccount {
        role: Role::parse(&r.role)?,
        id: r.id,
        email: r.email,
        name: r.name,
        alerts: r.alerts,
        disabled: r.disabled,
        created_at: r.created_at,
        public_name: r.public_name,
        bio: r.bio,
        author_slug: r.author_slug,
    })
}

/// An account with its password hash, for signing in.
struct WithHash(Stored, String);

impl db::FromRow for WithHash {
    fn from_row(row: db::Row) -> Result<Self, db::Error> {
        let hash = row.try_get("password_hash")?;
        Ok(WithHash(Stored::from_row(row)?, hash))
    }
}

const COLUMNS: &str = "id, email, name, role, alerts, disabled, created_at, public_name, bio, author_slug";

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("an account with this email exists")]
    Exists,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<db::Error> for CreateError {
    fn from(e: db::Error) -> Self {
        CreateError::Store(e.into())
    }
}

/// Creates an account (`password_hash`: an argon2id PHC string) and logs who added it, in one
/// transaction.
pub async fn create(
    pool: &Pool,
    email: &str,
    name: &str,
    role: Role,
    password_hash: &str,
    who: &Actor,
    now: i64,
) -> Result<i64, CreateError> {
    let email = email.to_lowercase();
    let mut tx = crate::begin(pool).await?;
    let result = async {
        let id: Option<i64> = db::query_scalar(
            "INSERT INTO staff (email, name, role, password_hash, created_at, digest_alert_id)
             VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(id), 0) FROM staff_alerts))
             ON CONFLICT (email) DO NOTHING RETURNING id",
        )
        .bind(&email)
        .bind(name)
        .bind(role.as_str())
        .bind(password_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let id = id.ok_or(CreateError::Exists)?;
        give_author_slug(&mut tx, id, name).await?;
        let after = format!("{name} <{email}> ({})", role.as_str());
        audit::record(&mut tx, who, "staff added", &format!("staff #{id}"), None, Some(&after), now).await?;
        Ok(id)
    }
    .await;
    crate::end(tx, result).await
}

/// Gives account `id` an author page address made from `name`, the first of `name`, `name-2`,
/// `name-3`… no other account has.
async fn give_author_slug(tx: &mut db::Conn, id: i64, name: &str) -> Result<(), db::Error> {
    let base = domain::author::author_slug(name);
    for n in 1.. {
        let slug = if n == 1 { base.clone() } else { format!("{base}-{n}") };
        let free: bool = db::query_scalar("SELECT NOT EXISTS (SELECT 1 FROM staff WHERE author_slug = $1)")
            .bind(&slug)
            .fetch_one(&mut *tx)
            .await?;
        if free {
            db::query("UPDATE staff SET author_slug = $1 WHERE id = $2")
                .bind(&slug)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            break;
        }
    }
    Ok(())
}

/// Gives every account made before authors existed its author page address (at start; one
/// indexed read when there is nothing to do).
pub async fn backfill_author_slugs(pool: &Pool) -> Result<(), db::Error> {
    let missing: Vec<(i64, String)> =
        db::query_as("SELECT id, name FROM staff WHERE author_slug IS NULL ORDER BY id")
            .fetch_all(pool)
            .await?;
    for (id, name) in missing {
        let mut tx = crate::begin(pool).await?;
        let result = give_author_slug(&mut tx, id, &name).await;
        crate::end(tx, result).await?;
    }
    Ok(())
}

/// Why a profile was not saved.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("another author page has this address")]
    SlugTaken,
    #[error("no such account")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<db::Error> for ProfileError {
    fn from(e: db::Error) -> Self {
        ProfileError::Store(e.into())
    }
}

/// Saves what account `id` shows readers (byline name, bio, author page address) and logs it,
/// in one transaction. Returns whether anything changed.
pub async fn set_profile(
    pool: &Pool,
    id: i64,
    p: &domain::author::Profile,
    who: &Actor,
    now: i64,
) -> Result<bool, ProfileError> {
    let mut tx = crate::begin(pool).await?;
    let result = async {
        let before: Option<(String, String, Option<String>)> =
            db::query_as("SELECT public_name, bio, author_slug FROM staff WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(before) = before else { return Err(ProfileError::NotFound) };
        if before == (p.public_name.clone(), p.bio.clone(), Some(p.slug.clone())) {
            return Ok(false);
        }
        let taken: bool =
            db::query_scalar("SELECT EXISTS (SELECT 1 FROM staff WHERE author_slug = $1 AND id <> $2)")
                .bind(&p.slug)
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        if taken {
            return Err(ProfileError::SlugTaken);
        }
        db::query("UPDATE staff SET public_name = $1, bio = $2, author_slug = $3 WHERE id = $4")
            .bind(&p.public_name)
            .bind(&p.bio)
            .bind(&p.slug)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let target = format!("staff #{id}");
        let (b, a) = (before.2.unwrap_or_default(), format!("{} / {}", p.public_name, p.slug));
        audit::record(&mut tx, who, "author page changed", &target, Some(&b), Some(&a), now).await?;
        Ok(true)
    }
    .await;
    crate::end(tx, result).await
}

/// Who a story can name as its author: active writers, editors and admins, and whoever
/// `article_id` names already (an author who left stays on their stories), by byline name.
pub async fn author_choices(pool: &Pool, article_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(db::query_as(
        "SELECT s.id, CASE WHEN s.public_name = '' THEN s.name ELSE s.public_name END AS shown FROM staff s
         WHERE (s.disabled = 0 AND s.role IN ('writer', 'editor', 'admin'))
            OR s.id IN (SELECT staff_id FROM article_authors WHERE article_id = $1)
         ORDER BY shown, s.id",
    )
    .bind(article_id)
    .fetch_all(pool)
    .await?)
}

/// The account and its password hash, for signing in.
pub async fn for_sign_in(pool: &Pool, email: &str) -> Result<Option<(StaffAccount, String)>, StoreError> {
    let row: Option<WithHash> = db::query_as(db::AssertSqlSafe(format!(
        "SELECT {COLUMNS}, password_hash FROM staff WHERE email = $1"
    )))
    .bind(email.to_lowercase())
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|WithHash(r, hash)| Some((account(r)?, hash))))
}

pub async fn by_id(pool: &Pool, id: i64) -> Result<Option<StaffAccount>, StoreError> {
    let row = db::query_as(db::AssertSqlSafe(format!("SELECT {COLUMNS} FROM staff WHERE id = $1")))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.and_then(account))
}

pub async fn all(pool: &Pool) -> Result<Vec<StaffAccount>, StoreError> {
    let rows: Vec<Stored> =
        db::query_as(db::AssertSqlSafe(format!("SELECT {COLUMNS} FROM staff ORDER BY role, name, id")))
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().filter_map(account).collect())
}

pub async fn count(pool: &Pool) -> Result<i64, StoreError> {
    Ok(db::query_scalar("SELECT COUNT(*) FROM staff").fetch_one(pool).await?)
}

/// What changes on an account (`None`: as it is, read inside the transaction, so two changes
/// at once never undo each other).
#[derive(Debug, Clone, Default)]
pub struct Change<'a> {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub alerts: Option<&'a str>,
    /// A new argon2id hash: every session of the account ends.
    pub password_hash: Option<&'a str>,
    /// The admin making a change only an admin may make (a role, the disabled flag): checked
    /// to be one still, inside the transaction.
    pub by_admin: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("no such account")]
    NotFound,
    /// The change would leave no active admin.
    #[error("the last active admin cannot be demoted or disabled")]
    LastAdmin,
    /// The admin making it is no longer an active admin.
    #[error("only an admin can make this change")]
    NotAdmin,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<db::Error> for UpdateError {
    fn from(e: db::Error) -> Self {
        UpdateError::Store(e.into())
    }
}

/// Changes an account and logs the change, in one transaction. The checks that the admin making
/// it still is one and that an active admin remains are made inside it, after the write lock is
/// taken (`BEGIN IMMEDIATE`): two admins demoting each other at once are serialised, and the
/// second is refused. Disabling the account or a new password signs it out everywhere.
pub async fn update(
    pool: &Pool,
    id: i64,
    change: &Change<'_>,
    who: &Actor,
    now: i64,
) -> Result<(), UpdateError> {
    let mut tx = crate::begin(pool).await?;
    let result = update_in(&mut tx, id, change, who, now).await;
    crate::end(tx, result).await
}

async fn update_in(
    tx: &mut db::Conn,
    id: i64,
    change: &Change<'_>,
    who: &Actor,
    now: i64,
) -> Result<(), UpdateError> {
    if let Some(admin) = change.by_admin {
        let still: bool = db::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM staff WHERE id = $1 AND role = 'admin' AND disabled = 0)",
        )
        .bind(admin)
        .fetch_one(&mut *tx)
        .await?;
        if !still {
            return Err(UpdateError::NotAdmin);
        }
    }
    let row = db::query_as(db::AssertSqlSafe(format!("SELECT {COLUMNS} FROM staff WHERE id = $1")))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let before = row.and_then(account).ok_or(UpdateError::NotFound)?;
    let role = change.role.unwrap_or(before.role);
    let disabled = change.disabled.unwrap_or(before.disabled);
    let alerts = change.alerts.unwrap_or(&before.alerts);
    let was_active_admin = before.role == Role::Admin && !before.disabled;
    let stays_active_admin = role == Role::Admin && !disabled;
    if was_active_admin && !stays_active_admin {
        let others: i64 =
            db::query_scalar("SELECT COUNT(*) FROM staff WHERE role = 'admin' AND disabled = 0 AND id <> $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        if others == 0 {
            return Err(UpdateError::LastAdmin);
        }
    }
    // a switch to the hourly digest starts its hour now
    db::query("UPDATE staff SET digest_sent_at = $1 WHERE id = $2 AND alerts <> 'hourly' AND $3 = 'hourly'")
        .bind(now)
        .bind(id)
        .bind(alerts)
        .execute(&mut *tx)
        .await?;
    db::query("UPDATE staff SET role = $1, alerts = $2, disabled = $3 WHERE id = $4")
        .bind(role.as_str())
        .bind(alerts)
        .bind(disabled)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let describe = |role: Role, alerts: &str, disabled: bool| {
        format!("{} / alerts {alerts} / {}", role.as_str(), if disabled { "disabled" } else { "active" })
    };
    let b = describe(before.role, &before.alerts, before.disabled);
    let a = describe(role, alerts, disabled);
    let target = format!("staff #{id}");
    if b != a {
        audit::record(&mut *tx, who, "staff changed", &target, Some(&b), Some(&a), now).await?;
    }
    if let Some(hash) = change.password_hash {
        db::query("UPDATE staff SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::record(&mut *tx, who, "password changed", &target, None, None, now).await?;
    }
    if disabled || change.password_hash.is_some() {
        db::query("DELETE FROM staff_sessions WHERE staff_id = $1").bind(id).execute(&mut *tx).await?;
    }
    Ok(())
}

/// A new password set on the command line (`server admin password`), logged as `who`; the
/// account is signed out everywhere.
pub async fn set_password(
    pool: &Pool,
    id: i64,
    password_hash: &str,
    who: &Actor,
    now: i64,
) -> Result<(), UpdateError> {
    update(pool, id, &Change { password_hash: Some(password_hash), ..Default::default() }, who, now).await
}

/// Opens a session for `staff`, remembers the network they signed in from (`network`: a keyed
/// hash of the address, see `staff::network_of`) and logs the sign-in, in one transaction.
pub async fn new_session(
    pool: &Pool,
    hash: &str,
    staff: &StaffAccount,
    network: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), StoreError> {
    let mut tx = crate::begin(pool).await?;
    let result = async {
        db::query("DELETE FROM staff_sessions WHERE expires_at <= $1").bind(now).execute(&mut *tx).await?;
        db::query(
            "INSERT INTO staff_sessions (hash, staff_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(hash)
        .bind(staff.id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        db::query(
            "INSERT INTO staff_networks (staff_id, network, last_signed_in_at) VALUES ($1, $2, $3)
             ON CONFLICT (staff_id, network) DO UPDATE SET last_signed_in_at = excluded.last_signed_in_at",
        )
        .bind(staff.id)
        .bind(network)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let who = Actor { id: staff.id, name: staff.name.clone() };
        let from = format!("from network {network}");
        audit::record(&mut tx, &who, "signed in", &format!("staff #{}", staff.id), None, Some(&from), now)
            .await?;
        Ok::<_, StoreError>(())
    }
    .await;
    crate::end(tx, result).await
}

/// Whether account `staff_id` signed in from `network` since `since`: such a network is not
/// held back when the account is being guessed at from elsewhere.
pub async fn knows_network(
    pool: &Pool,
    staff_id: i64,
    network: &str,
    since: i64,
) -> Result<bool, StoreError> {
    Ok(db::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM staff_networks
                        WHERE staff_id = $1 AND network = $2 AND last_signed_in_at >= $3)",
    )
    .bind(staff_id)
    .bind(network)
    .bind(since)
    .fetch_one(pool)
    .await?)
}

/// The enabled account a live session belongs to.
pub async fn by_session(pool: &Pool, hash: &str, now: i64) -> Result<Option<StaffAccount>, StoreError> {
    let row = db::query_as(
        "SELECT s.id, s.email, s.name, s.role, s.alerts, s.disabled, s.created_at, s.public_name, s.bio, s.author_slug
         FROM staff_sessions x JOIN staff s ON s.id = x.staff_id
         WHERE x.hash = $1 AND x.expires_at > $2 AND s.disabled = 0",
    )
    .bind(hash)
    .bind(now)
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(account))
}

/// Ends a session and logs the sign-out, in one transaction; `false` when it had ended already.
pub async fn end_session(pool: &Pool, hash: &str, now: i64) -> Result<bool, StoreError> {
    let mut tx = crate::begin(pool).await?;
    let result = async {
        let ended: Option<(i64, String)> = db::query_as(
            "SELECT s.id, s.name FROM staff_sessions x JOIN staff s ON s.id = x.staff_id WHERE x.hash = $1",
        )
        .bind(hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((id, name)) = ended else { return Ok(false) };
        db::query("DELETE FROM staff_sessions WHERE hash = $1").bind(hash).execute(&mut *tx).await?;
        let who = Actor { id, name };
        audit::record(&mut tx, &who, "signed out", &format!("staff #{id}"), None, None, now).await?;
        Ok::<_, StoreError>(true)
    }
    .await;
    crate::end(tx, result).await
}
