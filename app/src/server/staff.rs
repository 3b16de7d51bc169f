//! Staff sign-in: argon2id password hashes, the session cookie, and the role check every desk
//! page and desk write makes.
use crate::domain::desk::Role;
use crate::domain::desk_views::StaffMe;
use crate::domain::ApiError;
use crate::server::state::AppState;
use crate::server::store::desk::staff as store;

/// The session cookie: HttpOnly, SameSite=Strict, Secure on https.
pub const COOKIE: &str = "byline_staff";
/// How long a sign-in lasts.
pub const SESSION_SECONDS: i64 = 12 * 3600;
/// The shortest password an account may have.
pub const PASSWORD_MIN: usize = 12;

/// An argon2id hash (PHC string) of `password`, with a fresh salt.
pub fn hash_password(password: &str) -> Result<String, String> {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches the PHC string `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash)
        .map(|h| argon2::Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// Checks a new password: long enough, not only spaces.
pub fn check_new_password(password: &str) -> Result<(), String> {
    if password.chars().count() < PASSWORD_MIN {
        return Err(format!("Use at least {PASSWORD_MIN} characters."));
    }
    if password.len() > 1024 {
        return Err("Use at most 1,024 bytes.".into());
    }
    if password.trim().is_empty() {
        return Err("A password cannot be only spaces.".into());
    }
    Ok(())
}

/// A hash to verify against when the account does not exist, so an unknown email takes as
/// long to refuse as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("not a password anyone has").unwrap_or_default())
}

#[derive(Debug)]
pub enum SignIn {
    Ok { cookie: http::HeaderValue, staff: store::StaffAccount },
    Refused(ApiError),
}

/// At most this many password checks run at once (argon2id takes ~19 MiB and tens of
/// milliseconds each): a burst of sign-ins waits its turn instead of exhausting memory.
const CONCURRENT_CHECKS: usize = 4;

/// An account refuses sign-ins for the hour after this many times its per-network limit of
/// failures, from anywhere (guessing spread over many networks).
const ACCOUNT_WIDE_FACTOR: u32 = 10;

/// Checks an email and password; on success opens a session and answers its cookie.
///
/// Every attempt is counted before the password is checked (a burst of parallel guesses is
/// counted, not let through), per client address, per account from that address, and per
/// account from anywhere (ten times the per-address figure); a successful sign-in takes its
/// own attempt back. Past a limit every attempt is refused (429) for the rest of the hour, the
/// right password included. Someone else's failures from another network do not lock an
/// editor out, short of the account-wide backstop.
pub async fn sign_in(state: &AppState, ip: &str, email: &str, password: &str) -> Result<SignIn, ApiError> {
    use crate::server::rate_limits::Bucket;
    let hour = std::time::Duration::from_secs(3600);
    let email = email.trim().to_lowercase();
    if email.len() > 254 || password.len() > 1024 {
        return Ok(SignIn::Refused(ApiError::Unauthorized(
            "That email and password do not match an active account.".into(),
        )));
    }
    let per_ip = state.limits.login_failures_per_ip;
    let per_account = state.limits.login_failures_per_account;
    let account_here = format!("{email} {ip}");
    let counters = [
        (Bucket::LoginFailureIp, ip.to_string(), per_ip),
        (Bucket::LoginFailureAccount, account_here, per_account),
        (Bucket::LoginFailureAccountWide, email.clone(), per_account.saturating_mul(ACCOUNT_WIDE_FACTOR)),
    ];
    for (n, (bucket, key, max)) in counters.iter().enumerate() {
        if let Err(retry_after) = state.rate.hit(*bucket, key, *max, hour) {
            // the counters already taken for this attempt are given back: it was not tried
            for (b, k, _) in &counters[..n] {
                state.rate.forgive(*b, k);
            }
            tracing::warn!(%ip, "staff sign-in refused: too many attempts");
            return Ok(SignIn::Refused(ApiError::RateLimited { retry_after }));
        }
    }
    let found = store::for_sign_in(&state.pool, &email)
        .await
        .map_err(|e| crate::server::state::internal("loading a staff account", e))?;
    let password = password.to_string();
    let hash = found.as_ref().map(|(_, h)| h.clone()).unwrap_or_else(|| decoy_hash().to_string());
    static CHECKS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(CONCURRENT_CHECKS);
    let matches = {
        let _permit =
            CHECKS.acquire().await.map_err(|e| crate::server::state::internal("password checks", e))?;
        // argon2 takes tens of milliseconds of CPU: off the async workers
        tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.unwrap_or(false)
    };
    match found {
        Some((staff, _)) if matches && !staff.disabled => {
            for (b, k, _) in &counters {
                state.rate.forgive(*b, k);
            }
            let token = crate::server::tokens::random_token();
            let now = state.clock.now();
            store::new_session(
                &state.pool,
                &crate::server::store::notify::token_hash(&token),
                staff.id,
                now,
                now + SESSION_SECONDS,
            )
            .await
            .map_err(|e| crate::server::state::internal("opening a staff session", e))?;
            tracing::info!(staff = staff.id, %ip, "staff signed in");
            Ok(SignIn::Ok { cookie: cookie(&token, SESSION_SECONDS, state.site.secure_cookies()), staff })
        }
        _ => {
            tracing::warn!(%ip, "staff sign-in failed");
            Ok(SignIn::Refused(ApiError::Unauthorized(
                "That email and password do not match an active account.".into(),
            )))
        }
    }
}

pub fn cookie(token: &str, max_age: i64, secure: bool) -> http::HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    http::HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"
    ))
    .unwrap_or_else(|_| http::HeaderValue::from_static("byline_staff=; Path=/; Max-Age=0"))
}

/// The session token a request carries.
pub fn token_of(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, v)| {
            *k == COOKIE && (32..=128).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_hexdigit())
        })
        .map(|(_, v)| v.to_string())
}

/// The signed-in staff member of a request.
pub async fn of_headers(
    state: &AppState,
    headers: &http::HeaderMap,
) -> Result<Option<store::StaffAccount>, ApiError> {
    let Some(token) = token_of(headers) else { return Ok(None) };
    store::by_session(&state.pool, &crate::server::store::notify::token_hash(&token), state.clock.now())
        .await
        .map_err(|e| crate::server::state::internal("loading a staff session", e))
}

pub fn me(s: &store::StaffAccount) -> StaffMe {
    StaffMe { id: s.id, name: s.name.clone(), email: s.email.clone(), role: s.role, alerts: s.alerts.clone() }
}

pub fn actor(s: &store::StaffAccount) -> crate::server::store::desk::Actor {
    crate::server::store::desk::Actor { id: s.id, name: s.name.clone() }
}

/// The staff member a server function answers, with at least `role`: 401 when signed out,
/// 403 when the role does not reach.
pub async fn require(state: &AppState, role: Role) -> Result<store::StaffAccount, ApiError> {
    let headers =
        leptos::prelude::use_context::<http::request::Parts>().map(|p| p.headers).unwrap_or_default();
    require_headers(state, &headers, role).await
}

pub async fn require_headers(
    state: &AppState,
    headers: &http::HeaderMap,
    role: Role,
) -> Result<store::StaffAccount, ApiError> {
    match of_headers(state, headers).await? {
        None => Err(ApiError::Unauthorized("Please sign in to the desk.".into())),
        Some(s) if s.role < role => Err(ApiError::Forbidden(format!(
            "This part of the desk is for the {} role and above; you are signed in as {}.",
            role.as_str(),
            s.role.as_str()
        ))),
        Some(s) => Ok(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_argon2id_and_verify_only_themselves() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("anything", "not a hash"));
        assert_ne!(h, hash_password("correct horse battery").unwrap(), "salted");
    }

    #[test]
    fn only_a_well_formed_session_cookie_is_read() {
        let mut h = http::HeaderMap::new();
        let token = crate::server::tokens::random_token();
        h.insert(http::header::COOKIE, format!("x=1; {COOKIE}={token}").parse().unwrap());
        assert_eq!(token_of(&h), Some(token));
        h.insert(http::header::COOKIE, format!("{COOKIE}=../../etc").parse().unwrap());
        assert_eq!(token_of(&h), None);
    }
}
