//! Abuse limits, first layer: fixed-window counters in memory, per IP and per email.
//! (One process; a shared store comes with multi-server deployments.)
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<Windows>,
    /// When a spaced key may go next (`space`).
    next: Mutex<HashMap<(Bucket, String), Instant>>,
}

/// The counters, and when stale ones were last swept out.
#[derive(Default)]
struct Windows {
    map: HashMap<(Bucket, String), (Instant, u32)>,
    swept: Option<Instant>,
}

/// Past this many keys the stale ones (older than the longest window, an hour) are swept out —
/// at most once a minute, so a flood of new keys does not make every call walk the map.
const SWEEP_ABOVE: usize = 100_000;

impl Windows {
    fn entry(&mut self, bucket: Bucket, key: &str, now: Instant, window: Duration) -> &mut (Instant, u32) {
        if self.map.len() > SWEEP_ABOVE
            && self.swept.is_none_or(|at| now.duration_since(at) >= Duration::from_secs(60))
        {
            self.swept = Some(now);
            self.map.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(3600));
        }
        let entry = self.map.entry((bucket, key.to_string())).or_insert((now, 0));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0);
        }
        entry
    }
}

impl RateLimiter {
    /// Counts one hit; `Err(seconds)` to wait when over `max` per `window`.
    pub fn hit(&self, bucket: Bucket, key: &str, max: u32, window: Duration) -> Result<(), u64> {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let entry = windows.entry(bucket, key, now, window);
        if entry.1 >= max {
            let wait = window.saturating_sub(now.duration_since(entry.0)).as_secs().max(1);
            return Err(wait);
        }
        entry.1 += 1;
        Ok(())
    }
}

impl RateLimiter {
    /// Counts one hit of `key` in its `window` (never refused) and answers the count so far.
    pub fn tally(&self, bucket: Bucket, key: &str, window: Duration) -> u32 {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let entry = windows.entry(bucket, key, now, window);
        entry.1 = entry.1.saturating_add(1);
        entry.1
    }

    /// Lets `key` go at most once per `spacing`: `Err(seconds)` until its next turn.
    pub fn space(&self, bucket: Bucket, key: &str, spacing: Duration) -> Result<(), u64> {
        let now = Instant::now();
        let mut map = self.next.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > SWEEP_ABOVE {
            map.retain(|_, next| *next > now);
        }
        let next = map.entry((bucket, key.to_string())).or_insert(now);
        if *next > now {
            return Err(next.duration_since(now).as_secs().max(1));
        }
        *next = now + spacing;
        Ok(())
    }

    /// Takes back one hit of `key` (an attempt that turned out fine, or was not tried).
    pub fn forgive(&self, bucket: Bucket, key: &str) {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(entry) = windows.map.get_mut(&(bucket, key.to_string())) {
            entry.1 = entry.1.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_allows_max_hits_then_says_how_long_to_wait() {
        let r = RateLimiter::default();
        let w = Duration::from_secs(60);
        for _ in 0..3 {
            assert!(r.hit(Bucket::CommentIp, "1.2.3.4", 3, w).is_ok());
        }
        let wait = r.hit(Bucket::CommentIp, "1.2.3.4", 3, w).unwrap_err();
        assert!((1..=60).contains(&wait));
        assert!(r.hit(Bucket::CommentIp, "5.6.7.8", 3, w).is_ok(), "other IPs are not affected");
        assert!(r.hit(Bucket::VoteIp, "1.2.3.4", 3, w).is_ok(), "other buckets are not affected");
    }

    #[test]
    fn a_tally_counts_every_hit_and_a_spaced_key_waits_its_turn() {
        let r = RateLimiter::default();
        let w = Duration::from_secs(60);
        assert_eq!((1..=5).map(|_| r.tally(Bucket::LoginFailureAccountWide, "a", w)).last(), Some(5));
        assert_eq!(r.tally(Bucket::LoginFailureAccountWide, "b", w), 1, "per key");
        let spacing = Duration::from_secs(30);
        assert_eq!(r.space(Bucket::LoginUnknownNetwork, "a", spacing), Ok(()));
        let wait = r.space(Bucket::LoginUnknownNetwork, "a", spacing).unwrap_err();
        assert!((29..=30).contains(&wait), "{wait}");
        assert_eq!(r.space(Bucket::LoginUnknownNetwork, "b", spacing), Ok(()), "per key");
        assert_eq!(r.space(Bucket::LoginUnknownNetwork, "c", Duration::ZERO), Ok(()));
        assert_eq!(r.space(Bucket::LoginUnknownNetwork, "c", Duration::ZERO), Ok(()), "no spacing: always");
    }
}
