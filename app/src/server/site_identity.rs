//! The site's identity (name, tagline, Contact Information, navigation, footer) as every page
//! renders it: kept in memory, so the header and footer cost no query. It is read at start, and
//! again on every site-wide change (`Change::Site`: the desk saved it here, or another server on
//! the database did), before the kept pages drop — a page rendered after the drop shows the new
//! identity. A change this server did not hear of is read within the page cache's time to live
//! (the server's start reads it that often), as kept pages expire.
use crate::domain::site::SiteIdentity;
use crate::server::store::Pool;
use std::sync::{Arc, RwLock};

#[derive(Default)]
pub struct SiteKeeper {
    current: RwLock<Arc<SiteIdentity>>,
    /// One read at a time: a read begun before a save cannot be stored after the save's.
    reading: tokio::sync::Mutex<()>,
}

impl SiteKeeper {
    /// The identity as last read (the defaults until the first read).
    pub fn current(&self) -> Arc<SiteIdentity> {
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Reads it again; on a failed read the one kept stays (logged). Answers whether it changed.
    pub async fn reload(&self, pool: &Pool) -> bool {
        let _one = self.reading.lock().await;
        match crate::server::store::desk::settings::load_site(pool).await {
            Ok(site) => {
                let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
                let changed = **current != site;
                *current = Arc::new(site);
                changed
            }
            Err(e) => {
                tracing::error!(error = %e, "reading the site's identity; the one kept stays");
                false
            }
        }
    }
}
