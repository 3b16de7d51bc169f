//! Changes every server on the database must hear of. The server that makes one applies it at
//! once (its kept pages drop, its live streams hear of the comment) and writes it to the
//! `changes` table; every other server follows that table (`follow`) and applies what it reads.
//! A command run beside the servers (`server import`) writes there too.
//!
//! The table, not an in-process channel, is the truth: a server that was busy or reconnecting
//! reads what it missed from the last id it saw.
pub use crate::server::state::Change;
use crate::server::state::{AppState, LiveEvent, Shared};
use crate::server::store::changes as store;
use std::time::Duration;

impl Change {
    fn kind(&self) -> &'static str {
        match self {
            Change::Comment { .. } => "comment",
            Change::Article(_) => "article",
            Change::Site => "site",
        }
    }

    fn article_id(&self) -> Option<i64> {
        match self {
            Change::Comment { article_id, .. } | Change::Article(article_id) => Some(*article_id),
            Change::Site => None,
        }
    }

    fn comment_id(&self) -> Option<i64> {
        match self {
            Change::Comment { comment_id, .. } => Some(*comment_id),
            _ => None,
        }
    }

    fn from_row(row: &store::ChangeRow) -> Option<Change> {
        match (row.kind.as_str(), row.article_id, row.comment_id) {
            ("comment", Some(article_id), Some(comment_id)) => {
                Some(Change::Comment { article_id, comment_id })
            }
            ("article", Some(article_id), _) => Some(Change::Article(article_id)),
            ("site", _, _) => Some(Change::Site),
            _ => None,
        }
    }
}

/// Who made a change: each server process names itself at start.
pub fn origin() -> String {
    format!("server:{}", crate::server::tokens::random_token())
}

impl Shared {
    /// A change readers must see: applied here at once, and written down for every other
    /// server on the database. Call it after the change's transaction committed.
    pub async fn changed(&self, change: Change) {
        self.apply(&change).await;
        self.write_down(change);
    }

    /// `changed`, for a change of the article at `slug` (known to the caller: no look-up).
    pub fn changed_at(&self, slug: &str, change: Change) {
        self.pages.invalidate(slug);
        if let Change::Comment { article_id, comment_id } = change {
            let _ = self.live.send(LiveEvent { article_id, comment_id });
        }
        self.write_down(change);
    }

    fn write_down(&self, change: Change) {
        // written down off the request's path, many in one transaction (`write_down`)
        if let Err(e) = self.feed.try_send(change) {
            // this server shows the change; the others show it when their kept pages expire
            tracing::error!(error = %e, "the change feed is full: a change is not written down");
        }
    }

    async fn apply(&self, change: &Change) {
        match change {
            Change::Comment { article_id, comment_id } => {
                self.pages.invalidate_article(&self.pool, *article_id).await;
                let _ = self.live.send(LiveEvent { article_id: *article_id, comment_id: *comment_id });
            }
            Change::Article(article_id) => self.pages.invalidate_article(&self.pool, *article_id).await,
            Change::Site => {
                // the identity first: a page rendered once the kept ones drop shows the new one
                self.identity.reload(&self.pool).await;
                self.pages.invalidate_all();
            }
        }
    }
}

/// Writes down a change made by a command run beside the servers (`server import`).
pub async fn record_from_command(
    pool: &crate::server::store::Pool,
    command: &str,
    change: Change,
) -> Result<(), db::Error> {
    let now_ms = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    store::record(pool, command, change.kind(), change.article_id(), change.comment_id(), now_ms).await
}

/// Changes waiting to be written down, at most: past it the database is far behind, and a
/// change is dropped (logged) rather than held in memory without end.
pub const FEED_CAPACITY: usize = 10_000;

/// Writes the changes this server made to the `changes` table: whatever has gathered since the
/// last write, in one transaction. A failed write is retried; the rows stay in order.
pub async fn write_down(
    pool: crate::server::store::Pool,
    origin: String,
    clock: crate::server::clock::Clock,
    mut feed: tokio::sync::mpsc::Receiver<Change>,
) {
    let mut batch: Vec<Change> = Vec::new();
    loop {
        if batch.is_empty() {
            match feed.recv().await {
                Some(change) => batch.push(change),
                None => return,
            }
        }
        while batch.len() < BATCH as usize {
            match feed.try_recv() {
                Ok(change) => batch.push(change),
                Err(_) => break,
            }
        }
        let rows: Vec<(&'static str, Option<i64>, Option<i64>)> =
            batch.iter().map(|c| (c.kind(), c.article_id(), c.comment_id())).collect();
        match store::record_all(&pool, &origin, &rows, clock.now_ms()).await {
            Ok(()) => batch.clear(),
            Err(e) => {
                tracing::error!(error = %e, "writing down changes for the other servers; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// How many changes one read takes; more wait for the next turn (which comes at once).
const BATCH: i64 = 500;
/// Changes are kept this long: a server that could not read the table for longer has dropped
/// its kept pages anyway (`apply` of a gap).
const KEEP_MS: i64 = 3_600_000;
/// One server in this many reads sweeps old changes out, roughly.
const SWEEP_EVERY: u32 = 600;

/// Follows the changes the other servers (and commands) make, every `poll`, for as long as the
/// server runs. Starts after the newest change: this server's kept pages are newer than that.
pub async fn follow(state: AppState, poll: Duration) {
    let mut last = loop {
        match store::newest(&state.pool).await {
            Ok(id) => break id,
            Err(e) => {
                tracing::error!(error = %e, "reading where the change feed stands; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    };
    // PostgreSQL: woken at once when another server writes a change (the table stays the truth:
    // the poll goes on, and a reconnected listener wakes it to catch up)
    let wake = std::sync::Arc::new(tokio::sync::Notify::new());
    let _listening = db::wake_on_notify(&state.pool, store::CHANNEL, wake.clone());
    let mut reads: u32 = 0;
    let mut failing = false;
    loop {
        match store::after(&state.pool, last, BATCH).await {
            Ok(rows) => {
                if failing {
                    // what happened while the table could not be read is not known in detail
                    tracing::info!("the change feed is readable again");
                    state.apply(&Change::Site).await;
                    failing = false;
                }
                let full = rows.len() as i64 == BATCH;
                for row in &rows {
                    last = row.id;
                    if row.origin == state.origin {
                        continue;
                    }
                    match Change::from_row(row) {
                        Some(change) => state.apply(&change).await,
                        None => {
                            tracing::warn!(id = row.id, kind = %row.kind, "a change this server cannot read")
                        }
                    }
                }
                if full {
                    continue;
                }
            }
            Err(e) => {
                if !failing {
                    tracing::error!(error = %e, "reading the change feed");
                }
                failing = true;
            }
        }
        reads = reads.wrapping_add(1);
        if reads.is_multiple_of(SWEEP_EVERY) {
            if let Err(e) = store::sweep(&state.pool, state.clock.now_ms() - KEEP_MS).await {
                tracing::warn!(error = %e, "sweeping old changes");
            }
        }
        tokio::select! {
            () = tokio::time::sleep(poll) => {}
            () = wake.notified() => {}
        }
    }
}
