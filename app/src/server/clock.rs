//! The server's clock: the wall clock in production; one a test can move or stop, so no test
//! waits on real time to see a window close or a lease run out.
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// The furthest `BYLINE_CLOCK_FILE` may move the clock.
pub const MAX_OFFSET_SECONDS: i64 = 10 * 366 * 24 * 3600;

#[derive(Clone, Debug, Default)]
pub struct Clock(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    /// Milliseconds added to the wall clock (by `advance`).
    offset_ms: AtomicI64,
    /// A stopped clock: the instant (ms) it shows, before the offset.
    stopped_at_ms: Option<i64>,
    /// `BYLINE_CLOCK_FILE`: seconds added to the wall clock are read from this file on every
    /// reading, so an end-to-end test in another process can move the server's time.
    offset_file: Option<PathBuf>,
}

fn wall_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

impl Clock {
    /// The wall clock.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock that shows `at` (unix seconds) until advanced.
    pub fn stopped_at(at: i64) -> Clock {
        Clock(Arc::new(Inner { stopped_at_ms: Some(at * 1000), ..Inner::default() }))
    }

    /// The wall clock plus the whole seconds written in `path` (missing or unreadable: 0).
    pub fn offset_by_file(path: PathBuf) -> Clock {
        Clock(Arc::new(Inner { offset_file: Some(path), ..Inner::default() }))
    }

    /// Moves this clock (and every copy of it) forward by `seconds`.
    pub fn advance(&self, seconds: i64) {
        self.0.offset_ms.fetch_add(seconds * 1000, Ordering::SeqCst);
    }

    /// Unix time in milliseconds.
    pub fn now_ms(&self) -> i64 {
        let base = self.0.stopped_at_ms.unwrap_or_else(wall_ms);
        let from_file = self
            .0
            .offset_file
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .and_then(|s| s.trim().parse::<i64>().ok())
            // forward only, and at most ten years: a test moves time on, nothing else
            .map_or(0, |s| s.clamp(0, MAX_OFFSET_SECONDS) * 1000);
        base.saturating_add(self.0.offset_ms.load(Ordering::SeqCst)).saturating_add(from_file)
    }

    /// Unix time in seconds.
    pub fn now(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stopped_clock_moves_only_when_advanced_and_copies_move_together() {
        let clock = Clock::stopped_at(1_000);
        let copy = clock.clone();
        assert_eq!(clock.now(), 1_000);
        copy.advance(61);
        assert_eq!((clock.now(), clock.now_ms()), (1_061, 1_061_000));
    }

    #[test]
    fn the_offset_file_is_read_on_every_reading() {
        let dir = std::env::temp_dir().join(format!("byline-clock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("offset");
        let clock = Clock::offset_by_file(file.clone());
        let before = clock.now();
        std::fs::write(&file, "3600\n").unwrap();
        assert!(clock.now() >= before + 3600);
        std::fs::write(&file, "garbage").unwrap();
        assert!(clock.now() < before + 3600);
        std::fs::write(&file, "-86400").unwrap();
        assert!(clock.now() >= before, "never backwards");
        std::fs::write(&file, i64::MAX.to_string()).unwrap();
        assert!(clock.now() <= before + MAX_OFFSET_SECONDS + 60, "at most ten years on");
        assert!(clock.now_ms() + 3_600_000 > clock.now_ms(), "no overflow");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
