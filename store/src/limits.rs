//! Fixed-window counters for abuse limits and sign-in throttles, in the database: every server
//! on it counts the same attempts, and a restart forgives nothing. Each call is one statement
//! (an upsert), so two servers counting the same key at once both count.
//!
//! Keys arrive already hashed (`rate_limits::RateLimiter` keys them with the site's secret):
//! no address or email is stored here.
use super::Pool;

/// Stale rows (a window over an hour old) are swept out by about one call in this many.
const SWEEP_ONE_IN: u32 = 512;
const HOUR_MS: i64 = 3_600_000;

/// Counts one hit of `key`; `Some(milliseconds to wait)` when `max` hits were already counted
/// in the window of `window_ms` that started last.
pub async fn hit(
    pool: &Pool,
    key: &str,
    max: u32,
    window_ms: i64,
    now_ms: i64,
) -> Result<Option<i64>, db::Error> {
    sweep(pool, now_ms).await;
    // a refused hit leaves the count at max + 1: nothing more is counted until the window ends
    let (started_at, hits): (i64, i64) = db::query_as(
        "INSERT INTO rate_windows (key, started_at, hits) VALUES ($1, $2, 1)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN rate_windows.started_at <= $2 - $3 THEN 1
                       WHEN rate_windows.hits >= $4 THEN $4 + 1
                       ELSE rate_windows.hits + 1 END,
           started_at = CASE WHEN rate_windows.started_at <= $2 - $3 THEN $2
                             ELSE rate_windows.started_at END
         RETURNING started_at, hits",
    )
    .bind(key)
    .bind(now_ms)
    .bind(window_ms)
    .bind(i64::from(max))
    .fetch_one(pool)
    .await?;
    Ok((hits > i64::from(max)).then(|| (started_at + window_ms - now_ms).max(1)))
}

/// Counts one hit of `key` in its window, never refused, and answers the count so far.
pub async fn tally(pool: &Pool, key: &str, window_ms: i64, now_ms: i64) -> Result<i64, db::Error> {
    sweep(pool, now_ms).await;
    db::query_scalar(
        "INSERT INTO rate_windows (key, started_at, hits) VALUES ($1, $2, 1)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN rate_windows.started_at <= $2 - $3 THEN 1 ELSE rate_windows.hits + 1 END,
           started_at = CASE WHEN rate_windows.started_at <= $2 - $3 THEN $2
                             ELSE rate_windows.started_at END
         RETURNING hits",
    )
    .bind(key)
    .bind(now_ms)
    .bind(window_ms)
    .fetch_one(pool)
    .await
}

/// Lets `key` go at most once per `spacing_ms`: `Some(milliseconds to wait)` until its next
/// turn. The row's `started_at` is that next turn.
pub async fn space(pool: &Pool, key: &str, spacing_ms: i64, now_ms: i64) -> Result<Option<i64>, db::Error> {
    // the turn is taken only when it has come; otherwise the row stays as it was
    let taken: Option<i64> = db::query_scalar(
        "INSERT INTO rate_windows (key, started_at, hits) VALUES ($1, $2 + $3, 1)
         ON CONFLICT (key) DO UPDATE SET started_at = $2 + $3, hits = rate_windows.hits + 1
           WHERE rate_windows.started_at <= $2
         RETURNING started_at",
    )
    .bind(key)
    .bind(now_ms)
    .bind(spacing_ms)
    .fetch_optional(pool)
    .await?;
    if taken.is_some() {
        return Ok(None);
    }
    let next: Option<i64> = db::query_scalar("SELECT started_at FROM rate_windows WHERE key = $1")
        .bind(key)
        .fetch_optional(pool)
        .await?;
    Ok(Some(next.map_or(1, |next| (next - now_ms).max(1))))
}

/// Takes back one hit of `key` (an attempt that turned out fine, or was not tried).
pub async fn forgive(pool: &Pool, key: &str) -> Result<(), db::Error> {
    db::query("UPDATE rate_windows SET hits = hits - 1 WHERE key = $1 AND hits > 0")
        .bind(key)
        .execute(pool)
        .await?;
    Ok(())
}

/// Now and then, deletes the windows that ended over an hour ago (no limit is longer).
/// A failed sweep is logged; the count goes on (the rows wait for the next sweep).
async fn sweep(pool: &Pool, now_ms: i64) {
    use rand::Rng;
    if rand::rng().random_range(0..SWEEP_ONE_IN) == 0 {
        let swept = db::query("DELETE FROM rate_windows WHERE started_at < $1")
            .bind(now_ms - 2 * HOUR_MS)
            .execute(pool)
            .await;
        if let Err(e) = swept {
            tracing::warn!(error = %e, "sweeping ended rate windows");
        }
    }
}
