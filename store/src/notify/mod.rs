//! Subscriptions, the tokens mailed to readers, and the outbox.
//!
//! `subscriptions`: who follows what; `mail_tokens`: the links mailed to readers (confirm,
//! unsubscribe, manage); `outbox`: who hears of a comment, and the mail waiting to be sent.
mod mail_tokens;
mod outbox;
mod subscriptions;

pub use mail_tokens::*;
pub use outbox::*;
pub use subscriptions::*;

/// Confirmation links work this long.
pub const CONFIRM_TTL_SECONDS: i64 = 7 * 24 * 3600;
/// "Manage my subscriptions" links work this long.
pub const MANAGE_TTL_SECONDS: i64 = 7 * 24 * 3600;
/// A confirmation mail is not sent to the same address more often than this.
pub const CONFIRM_RESEND_SECONDS: i64 = 10 * 60;
/// Nor more than this many a day.
pub const CONFIRM_PER_DAY: i64 = 3;

pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// The stored form of a mailed token.
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    crate::tokens::hex(&Sha256::digest(token.as_bytes()))
}
