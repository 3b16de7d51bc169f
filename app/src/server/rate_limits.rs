//! Abuse limits, first layer: fixed-window counters per IP and per email, in the database.
use crate::server::store::limits as store;
use std::time::Duration;

/// How much is allowed. Defaults suit a newsroom; tests and benchmarks raise them.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Comments (and feedback) per IP per minute.
    pub comments_per_ip: u32,
    /// Comments per email per hour.
    pub comments_per_email: u32,
    /// Votes per IP per minute.
    pub votes_per_ip: u32,
    /// Seconds a form must have been on screen before it may post (bots post at once).
    pub min_form_seconds: i64,
    /// How long authors may edit or delete their comments.
    pub edit_window_seconds: i64,
    /// An identical comment by the same author within this many seconds is a duplicate.
    pub duplicate_window_seconds: i64,
    /// Subscription requests ("Notify of", manage links) per IP per hour.
    pub subscribe_per_ip: u32,
    /// Subscription requests per email per hour.
    pub subscribe_per_email: u32,
    /// Mail to one address per day, all kinds together; more is dropped (and logged).
    pub mail_per_address_per_day: u32,
    /// How long a rendered form's key may be used to post.
    pub form_key_seconds: i64,
    /// One vote per comment per client address too (not only per reader cookie), and no vote
    /// on a comment written from the same address — wpDiscuz's "vote by IP".
    pub one_vote_per_address: bool,
    /// Contact Us messages per IP per hour.
    pub contact_per_ip: u32,
    /// Staff sign-in attempts per client address per hour (a success does not count).
    pub login_failures_per_ip: u32,
    /// Staff sign-in attempts per account from one client address per hour (a success does not
    /// count); past ten times this from anywhere, networks the account never signed in from
    /// wait between attempts (`staff::spacing`).
    pub login_failures_per_account: u32,
    /// Reports per IP per hour.
    pub reports_per_ip: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            comments_per_ip: 6,
            comments_per_email: 30,
            votes_per_ip: 60,
            min_form_seconds: 3,
            edit_window_seconds: 15 * 60,
            duplicate_window_seconds: 10 * 60,
            subscribe_per_ip: 20,
            subscribe_per_email: 6,
            mail_per_address_per_day: 50,
            form_key_seconds: 24 * 3600,
            one_vote_per_address: true,
            contact_per_ip: 5,
            login_failures_per_ip: 10,
            login_failures_per_account: 5,
            reports_per_ip: 20,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    CommentIp,
    CommentEmail,
    VoteIp,
    SubscribeIp,
    SubscribeEmail,
    ContactIp,
    LoginFailureIp,
    LoginFailureAccount,
    LoginFailureAccountWide,
    /// The spacing of attempts on an account under attack from networks it does not know.
    LoginUnknownNetwork,
    /// One audit-log line per network each hour for refused sign-ins.
    LoginRefusalLogged,
    /// The audit-log lines sign-in attempts wrote this hour, from everywhere.
    LoginLinesLogged,
    ReportIp,
}

/// The counters, kept in the database (`store::limits`): every server on it counts the same
/// attempts, and a restart forgives nothing. Keys are stored as a keyed hash (the site's secret),
/// never as the address or email they stand for.
///
/// A counter that cannot be read or written refuses (and logs): a limit never opens because the
/// database is unwell. A key refused here is refused from memory until its window ends: a flood
/// from one address costs no write per request.
pub struct RateLimiter {
    pool: crate::server::store::Pool,
    secret: crate::server::reader_cookie::Secret,
    clock: crate::server::clock::Clock,
    /// Stored key → until when (ms) it is refused, as the database answered.
    refused: std::sync::Mutex<std::collections::HashMap<String, i64>>,
}

/// Past this many remembered refusals, the ended ones are swept out (each call walks them then).
const REFUSALS_KEPT: usize = 10_000;

/// What a refused hit waits when its counter could not be reached.
const UNREACHABLE_WAIT: u64 = 1;

impl RateLimiter {
    pub fn new(
        pool: crate::server::store::Pool,
        secret: crate::server::reader_cookie::Secret,
        clock: crate::server::clock::Clock,
    ) -> RateLimiter {
        RateLimiter { pool, secret, clock, refused: Default::default() }
    }

    /// `Some(ms to wait)` while `stored` is known to be refused.
    fn still_refused(&self, stored: &str, now_ms: i64) -> Option<i64> {
        let refused = self.refused.lock().unwrap_or_else(|p| p.into_inner());
        refused.get(stored).map(|until| until - now_ms).filter(|wait| *wait > 0)
    }

    fn remember_refusal(&self, stored: String, until_ms: i64, now_ms: i64) {
        let mut refused = self.refused.lock().unwrap_or_else(|p| p.into_inner());
        if refused.len() >= REFUSALS_KEPT {
            refused.retain(|_, until| *until > now_ms);
            if refused.len() >= REFUSALS_KEPT {
                // a flood of distinct keys: the database answers for them
                return;
            }
        }
        refused.insert(stored, until_ms);
    }

    fn key(&self, bucket: Bucket, key: &str) -> String {
        format!("{bucket:?}:{}", &self.secret.sign(&format!("rate:{bucket:?}:{key}"))[..32])
    }

    /// Counts one hit; `Err(seconds)` to wait when over `max` per `window`.
    pub async fn hit(&self, bucket: Bucket, key: &str, max: u32, window: Duration) -> Result<(), u64> {
        let window_ms = i64::try_from(window.as_millis()).unwrap_or(i64::MAX / 4);
        let (stored, now_ms) = (self.key(bucket, key), self.clock.now_ms());
        if let Some(wait_ms) = self.still_refused(&stored, now_ms) {
            return Err(seconds(wait_ms));
        }
        match store::hit(&self.pool, &stored, max, window_ms, now_ms).await {
            Ok(None) => Ok(()),
            Ok(Some(wait_ms)) => {
                self.remember_refusal(stored, now_ms + wait_ms, now_ms);
                Err(seconds(wait_ms))
            }
            Err(e) => {
                tracing::error!(error = %e, ?bucket, "counting a rate limit");
                Err(UNREACHABLE_WAIT)
            }
        }
    }

    /// Counts one hit of `key` in its `window` (never refused) and answers the count so far
    /// (`u32::MAX` when the counter could not be reached).
    pub async fn tally(&self, bucket: Bucket, key: &str, window: Duration) -> u32 {
        let window_ms = i64::try_from(window.as_millis()).unwrap_or(i64::MAX / 4);
        match store::tally(&self.pool, &self.key(bucket, key), window_ms, self.clock.now_ms()).await {
            Ok(n) => u32::try_from(n).unwrap_or(u32::MAX),
            Err(e) => {
                tracing::error!(error = %e, ?bucket, "counting a tally");
                u32::MAX
            }
        }
    }

    /// Lets `key` go at most once per `spacing`: `Err(seconds)` until its next turn.
    pub async fn space(&self, bucket: Bucket, key: &str, spacing: Duration) -> Result<(), u64> {
        let spacing_ms = i64::try_from(spacing.as_millis()).unwrap_or(i64::MAX / 4);
        match store::space(&self.pool, &self.key(bucket, key), spacing_ms, self.clock.now_ms()).await {
            Ok(None) => Ok(()),
            Ok(Some(wait_ms)) => Err(seconds(wait_ms)),
            Err(e) => {
                tracing::error!(error = %e, ?bucket, "spacing attempts");
                Err(UNREACHABLE_WAIT)
            }
        }
    }

    /// Takes back one hit of `key` (an attempt that turned out fine, or was not tried).
    pub async fn forgive(&self, bucket: Bucket, key: &str) {
        let stored = self.key(bucket, key);
        self.refused.lock().unwrap_or_else(|p| p.into_inner()).remove(&stored);
        if let Err(e) = store::forgive(&self.pool, &stored).await {
            tracing::error!(error = %e, ?bucket, "giving back a counted hit");
        }
    }
}

/// Whole seconds to wait, at least one.
fn seconds(ms: i64) -> u64 {
    u64::try_from(ms).unwrap_or(0).div_ceil(1000).max(1)
}
