//! The moderation settings as a rendered page reads them ("closes after N days"), kept between
//! changes: a page for a reader with a cookie makes one round trip fewer, which on PostgreSQL
//! is most of a query's cost. Saving the settings is a site-wide change (`Change::Site`), heard
//! by every server on the database, and it forgets them (`PageCache::invalidate_all`).
//!
//! Only pages read them here: a comment being posted, the desk and the mail worker read the
//! settings from the database, as they stand at that moment.
use crate::domain::desk::ModerationSettings;
use crate::server::store::{Pool, StoreError};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

#[derive(Default)]
pub struct SettingsMemo {
    /// Bumped when the settings may have changed: a read that began before is not kept.
    epoch: AtomicU64,
    kept: Mutex<Option<(u64, ModerationSettings)>>,
}

impl SettingsMemo {
    /// The settings may have changed: the next page reads them again.
    pub fn forget(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        *self.kept.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// The settings, from memory when nothing changed since they were read.
    pub async fn get(&self, pool: &Pool) -> Result<ModerationSettings, StoreError> {
        let epoch = self.epoch.load(Ordering::SeqCst);
        if let Some((at, kept)) = &*self.kept.lock().unwrap_or_else(|e| e.into_inner()) {
            if *at == epoch {
                return Ok(kept.clone());
            }
        }
        let read = crate::server::store::desk::settings::load(pool).await?;
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        // a change heard while reading: this read may be from before it, so it is not kept
        if self.epoch.load(Ordering::SeqCst) == epoch {
            *kept = Some((epoch, read.clone()));
        }
        Ok(read)
    }
}
