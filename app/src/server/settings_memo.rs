//! The moderation settings as a rendered page reads them ("closes after N days"), kept between
//! changes: a page for a reader with a cookie makes one round trip fewer, which on PostgreSQL
//! is most of a query's cost. Saving the settings is a site-wide change (`Change::Site`), heard
//! by every server on the database, and it forgets them (`PageCache::invalidate_all`).
//!
//! A change this server did not hear of (a full feed, a crash before it was written down) is
//! forgotten all the same after the page cache's time to live, as kept pages are. Only pages
//! read them here: a comment being posted, the desk and the mail worker read the settings from
//! the database, as they stand at that moment.
use crate::domain::desk::ModerationSettings;
use crate::server::store::{Pool, StoreError};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct SettingsMemo {
    /// Bumped when the settings may have changed: a read that began before is not kept.
    epoch: AtomicU64,
    /// The epoch they were read in, when, and what they were.
    kept: Mutex<Option<(u64, Instant, ModerationSettings)>>,
    ttl: Duration,
}

impl SettingsMemo {
    /// Settings kept at most `ttl`, and never past a change this server hears of.
    pub fn new(ttl: Duration) -> SettingsMemo {
        SettingsMemo { epoch: AtomicU64::new(0), kept: Mutex::new(None), ttl }
    }

    /// The settings may have changed: the next page reads them again.
    pub fn forget(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        *self.kept.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// The settings, from memory when nothing changed since they were read.
    pub async fn get(&self, pool: &Pool) -> Result<ModerationSettings, StoreError> {
        let epoch = self.epoch.load(Ordering::SeqCst);
        if let Some((at, read, kept)) = &*self.kept.lock().unwrap_or_else(|e| e.into_inner()) {
            if *at == epoch && read.elapsed() < self.ttl {
                return Ok(kept.clone());
            }
        }
        let started = Instant::now();
        let read = crate::server::store::desk::settings::load(pool).await?;
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        // a change heard while reading: this read may be from before it, so it is not kept
        if self.epoch.load(Ordering::SeqCst) == epoch {
            *kept = Some((epoch, started, read.clone()));
        }
        Ok(read)
    }
}
