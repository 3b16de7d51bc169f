//! Staff sign-in: argon2id password hashes, the session cookie, and the role check every desk
//! page and desk write makes.
use crate::domain::desk::Need;
use crate::domain::desk_views::StaffMe;
use crate::domain::ApiError;
use crate::server::state::AppState;
use crate::server::state::OrInternal;
use crate::server::store::desk::staff as store;

/// The session cookie: HttpOnly, SameSite=Strict; on https `Secure` and named with the
/// `__Host-` prefix, so no other host (a sibling subdomain, a network attacker on plain http)
/// can set or shadow it.
pub const COOKIE: &str = "byline_staff";
pub const COOKIE_HTTPS: &str = "__Host-byline_staff";
/// How long a sign-in lasts.
pub const SESSION_SECONDS: i64 = 12 * 3600;
/// The shortest password an account may have.
pub const PASSWORD_MIN: usize = 12;

/// The session cookie's name on this site.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        COOKIE_HTTPS
    } else {
        COOKIE
    }
}

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

/// Past this many times its per-network limit of failures in an hour, from anywhere, an account
/// is being guessed at from many networks: attempts from networks it never signed in from are
/// spaced out (`spacing`), while its own networks sign in as ever.
const ACCOUNT_WIDE_FACTOR: u32 = 10;

/// A network an account signed in from within this long is its own.
const KNOWN_NETWORK_SECONDS: i64 = 90 * 86_400;

/// How long a network the account does not know waits between attempts once the account is
/// past its account-wide figure by `over` failures: one second more for each, at most a minute.
/// Guessing from many networks then costs a minute a guess; no one is locked out.
pub fn spacing(over: u32) -> std::time::Duration {
    std::time::Duration::from_secs(u64::from(over.saturating_add(1)).min(60))
}

/// The network an address belongs to (an IPv6 /64 or an IPv4 address), as a keyed hash: what
/// the staff's known networks and the audit log keep.
pub fn network_of(state: &AppState, ip: &str) -> String {
    state.secret.sign(&format!("staff-network:{ip}"))[..16].to_string()
}

/// The outcome of one password attempt.
enum Attempt {
    /// The password is the enabled account's.
    Matches(store::StaffAccount),
    /// A wrong password, an unknown or disabled account: counted.
    Wrong(Option<store::StaffAccount>),
    /// Not tried: too many attempts (counted nowhere).
    Limited { retry_after: u64 },
}

/// One password attempt for `email` from `ip`, however it comes (the sign-in form, the current
/// password of a password change): counted before the password is checked (a burst of
/// parallel guesses is counted, not let through) per client address, per account from that
/// address and per account from anywhere; at most `CONCURRENT_CHECKS` checks at once. A right
/// password takes its attempt back.
///
/// Past the per-address limits every attempt from that network is refused for the rest of the
/// hour. The account-wide figure never locks an account: past it, networks the account signed in
/// from go on as before, the others wait `spacing` between attempts.
async fn attempt(state: &AppState, ip: &str, email: &str, password: &str) -> Result<Attempt, ApiError> {
    use crate::server::rate_limits::Bucket;
    let hour = std::time::Duration::from_secs(3600);
    let per_ip = state.limits.login_failures_per_ip;
    let per_account = state.limits.login_failures_per_account;
    let counters = [
        (Bucket::LoginFailureIp, ip.to_string(), per_ip),
        (Bucket::LoginFailureAccount, format!("{email} {ip}"), per_account),
    ];
    for (n, (bucket, key, max)) in counters.iter().enumerate() {
        if let Err(retry_after) = state.rate.hit(*bucket, key, *max, hour).await {
            // the counters already taken for this attempt are given back: it was not tried
            for (b, k, _) in &counters[..n] {
                state.rate.forgive(*b, k).await;
            }
            return Ok(Attempt::Limited { retry_after });
        }
    }
    let forgive = async |state: &AppState| {
        for (b, k, _) in &counters {
            state.rate.forgive(*b, k).await;
        }
    };
    let found = store::for_sign_in(&state.pool, email).await.or_internal("loading a staff account")?;
    let wide = state.rate.tally(Bucket::LoginFailureAccountWide, email, hour).await;
    let threshold = per_account.saturating_mul(ACCOUNT_WIDE_FACTOR);
    if wide > threshold {
        let known = match &found {
            Some((staff, _)) => store::knows_network(
                &state.pool,
                staff.id,
                &network_of(state, ip),
                state.clock.now() - KNOWN_NETWORK_SECONDS,
            )
            .await
            .or_internal("loading a staff account's networks")?,
            None => false,
        };
        if !known {
            if let Err(retry_after) =
                state.rate.space(Bucket::LoginUnknownNetwork, email, spacing(wide - threshold)).await
            {
                forgive(state).await;
                state.rate.forgive(Bucket::LoginFailureAccountWide, email).await;
                return Ok(Attempt::Limited { retry_after });
            }
        }
    }
    let password = password.to_string();
    let hash = found.as_ref().map(|(_, h)| h.clone()).unwrap_or_else(|| decoy_hash().to_string());
    static CHECKS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(CONCURRENT_CHECKS);
    let matches = {
        let _permit = CHECKS.acquire().await.or_internal("password checks")?;
        // argon2 takes tens of milliseconds of CPU: off the async workers
        tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.unwrap_or(false)
    };
    Ok(match found {
        Some((staff, _)) if matches && !staff.disabled => {
            forgive(state).await;
            state.rate.forgive(Bucket::LoginFailureAccountWide, email).await;
            Attempt::Matches(staff)
        }
        other => Attempt::Wrong(other.map(|(s, _)| s)),
    })
}

/// Checks an email and password; on success opens a session (logged) and answers its cookie.
/// Every attempt is in the audit log: a failed one as such, refusals for too many attempts once
/// per network and account each hour (a flood is not written row by row).
pub async fn sign_in(state: &AppState, ip: &str, email: &str, password: &str) -> Result<SignIn, ApiError> {
    let email = email.trim().to_lowercase();
    let wrong = || {
        SignIn::Refused(ApiError::Unauthorized(
            "That email and password do not match an active account.".into(),
        ))
    };
    if email.len() > 254 || password.len() > 1024 {
        return Ok(wrong());
    }
    let network = network_of(state, ip);
    let now = state.clock.now();
    match attempt(state, ip, &email, password).await? {
        Attempt::Matches(staff) => {
            let token = crate::server::tokens::random_token();
            store::new_session(
                &state.pool,
                &crate::server::store::notify::token_hash(&token),
                &staff,
                &network,
                now,
                now + SESSION_SECONDS,
            )
            .await
            .or_internal("opening a staff session")?;
            tracing::info!(staff = staff.id, %ip, "staff signed in");
            let secure = state.site.secure_cookies();
            Ok(SignIn::Ok { cookie: cookie(&token, SESSION_SECONDS, secure), staff })
        }
        Attempt::Wrong(account) => {
            tracing::warn!(%ip, "staff sign-in failed");
            let target = match &account {
                Some(a) => format!("staff #{}", a.id),
                // an address nobody has, as a keyed hash: a password typed into the email field
                // is not written down in a form anyone can reverse
                None => format!("no account ({})", &state.secret.sign(&format!("account:{email}"))[..12]),
            };
            log_attempt(state, "sign-in failed", &target, &network, now).await;
            Ok(wrong())
        }
        Attempt::Limited { retry_after } => {
            tracing::warn!(%ip, "staff sign-in refused: too many attempts");
            // once per network an hour, whatever addresses it types
            let once = state
                .rate
                .hit(
                    crate::server::rate_limits::Bucket::LoginRefusalLogged,
                    ip,
                    1,
                    std::time::Duration::from_secs(3600),
                )
                .await;
            if once.is_ok() {
                log_attempt(state, "sign-in refused: too many attempts", "the sign-in form", &network, now)
                    .await;
            }
            Ok(SignIn::Refused(ApiError::RateLimited { retry_after }))
        }
    }
}

/// Lines a flood of sign-in attempts may add to the audit log in an hour, from all networks
/// together; past it one line says so, and the rest are counted in the server's log only.
const ATTEMPT_LINES_PER_HOUR: u32 = 500;

/// A sign-in attempt that changed nothing, in the audit log (within `ATTEMPT_LINES_PER_HOUR`).
/// Its failure to be written is an error in the server's log (the attempt was refused either
/// way).
async fn log_attempt(state: &AppState, action: &str, target: &str, network: &str, now: i64) {
    use crate::server::rate_limits::Bucket;
    let hour = std::time::Duration::from_secs(3600);
    let n = state.rate.tally(Bucket::LoginLinesLogged, "", hour).await;
    if n > ATTEMPT_LINES_PER_HOUR + 1 {
        return;
    }
    let (action, target) = if n == ATTEMPT_LINES_PER_HOUR + 1 {
        tracing::warn!("sign-in attempts past {ATTEMPT_LINES_PER_HOUR} this hour: not written to the audit log one by one");
        ("sign-in attempts past the hour's lines: not written one by one", "the sign-in form")
    } else {
        (action, target)
    };
    let who = crate::server::store::desk::Actor { id: 0, name: format!("Sign-in form (network {network})") };
    let written = async {
        let mut conn = state.pool.acquire().await?;
        crate::server::store::desk::audit::record(&mut conn, &who, action, target, None, None, now).await
    }
    .await;
    if let Err(e) = written {
        tracing::error!(error = %e, action, "a sign-in attempt could not be written to the audit log");
    }
}

/// Checks a signed-in staff member's current password before a change only they may make
/// (a new password): the same counters, the same limits and the same few checks at once as
/// signing in, so the form is no way around them.
pub async fn confirm_password(
    state: &AppState,
    ip: &str,
    staff: &store::StaffAccount,
    password: &str,
) -> Result<(), ApiError> {
    if password.len() > 1024 {
        return Err(ApiError::Forbidden("Your current password is not right; nothing was changed.".into()));
    }
    match attempt(state, ip, &staff.email, password).await? {
        Attempt::Matches(s) if s.id == staff.id => Ok(()),
        Attempt::Matches(_) | Attempt::Wrong(_) => {
            let network = network_of(state, ip);
            let who = actor(staff);
            let written = async {
                let mut conn = state.pool.acquire().await?;
                crate::server::store::desk::audit::record(
                    &mut conn,
                    &who,
                    "password change refused: wrong current password",
                    &format!("staff #{}", staff.id),
                    None,
                    Some(&format!("from network {network}")),
                    state.clock.now(),
                )
                .await
            }
            .await;
            if let Err(e) = written {
                tracing::error!(error = %e, "a refused password change could not be written to the audit log");
            }
            Err(ApiError::Forbidden("Your current password is not right; nothing was changed.".into()))
        }
        Attempt::Limited { retry_after } => Err(ApiError::RateLimited { retry_after }),
    }
}

pub fn cookie(token: &str, max_age: i64, secure: bool) -> http::HeaderValue {
    let name = cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    http::HeaderValue::from_str(&format!(
        "{name}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"
    ))
    .unwrap_or_else(|_| http::HeaderValue::from_static("byline_staff=; Path=/; Max-Age=0"))
}

/// The session token a request carries under this site's cookie name.
pub fn token_of(headers: &http::HeaderMap, secure: bool) -> Option<String> {
    let name = cookie_name(secure);
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, v)| {
            *k == name && (32..=128).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_hexdigit())
        })
        .map(|(_, v)| v.to_string())
}

/// The signed-in staff member of a request.
pub async fn of_headers(
    state: &AppState,
    headers: &http::HeaderMap,
) -> Result<Option<store::StaffAccount>, ApiError> {
    let Some(token) = token_of(headers, state.site.secure_cookies()) else { return Ok(None) };
    store::by_session(&state.pool, &crate::server::store::notify::token_hash(&token), state.clock.now())
        .await
        .or_internal("loading a staff session")
}

pub fn me(s: &store::StaffAccount) -> StaffMe {
    StaffMe { id: s.id, name: s.name.clone(), email: s.email.clone(), role: s.role, alerts: s.alerts.clone() }
}

pub fn actor(s: &store::StaffAccount) -> crate::server::store::desk::Actor {
    crate::server::store::desk::Actor { id: s.id, name: s.name.clone() }
}

/// The staff member a server function answers, with at least `role`: 401 when signed out,
/// 403 when the role does not reach.
pub async fn require(state: &AppState, role: impl Into<Need>) -> Result<store::StaffAccount, ApiError> {
    let headers =
        leptos::prelude::use_context::<http::request::Parts>().map(|p| p.headers).unwrap_or_default();
    require_headers(state, &headers, role).await
}

pub async fn require_headers(
    state: &AppState,
    headers: &http::HeaderMap,
    need: impl Into<Need>,
) -> Result<store::StaffAccount, ApiError> {
    let need = need.into();
    match of_headers(state, headers).await? {
        None => Err(ApiError::Unauthorized("Please sign in to the desk.".into())),
        Some(s) if !need.met_by(s.role) => Err(ApiError::Forbidden(format!(
            "This part of the desk is not for your role: you are signed in as {}.",
            s.role.label().to_lowercase()
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
        assert_eq!(token_of(&h, false), Some(token.clone()));
        // on https only the __Host- cookie counts: one without the prefix may come from elsewhere
        assert_eq!(token_of(&h, true), None);
        h.insert(http::header::COOKIE, format!("x=1; {COOKIE_HTTPS}={token}").parse().unwrap());
        assert_eq!(token_of(&h, true), Some(token));
        h.insert(http::header::COOKIE, format!("{COOKIE}=../../etc").parse().unwrap());
        assert_eq!(token_of(&h, false), None);
    }
}
