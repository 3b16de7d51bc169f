//! Changes every server on the database must hear of. The server that makes one applies it at
//! once (its kept pages drop, its live streams hear of the comment) and writes it to the
//! `changes` table; every other server follows that table (`follow`) and applies what it reads.
//! A command run beside the servers (`server import`) writes there too.
//!
//! The table, not an in-process channel, is the truth: a server that was busy or reconnecting
//! reads what it missed from the last id it saw.
use crate::server::state::{AppState, LiveEvent, Shared};
use crate::server::store::changes as store;
use std::time::Duration;

/// What changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A comment became visible: its article's kept pages drop and its live streams announce it.
    Comment { article_id: i64, comment_id: i64 },
    /// What one article's pages show changed (a vote, an edit, a held comment, its mode).
    Article(i64),
    /// What any page shows may have changed: settings, an erasure, the desk, an import.
    Site,
}

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
        let recorded = store::record(
            &self.pool,
            &self.origin,
            change.kind(),
            change.article_id(),
            change.comment_id(),
            self.clock.now_ms(),
        )
        .await;
        if let Err(e) = recorded {
            // this server shows the change; the others show it when their kept pages expire
            tracing::error!(error = %e, ?change, "writing down a change for the other servers");
        }
    }

    async fn apply(&self, change: &Change) {
        match change {
            Change::Comment { article_id, comment_id } => {
                self.pages.invalidate_article(&self.pool, *article_id).await;
                let _ = self.live.send(LiveEvent { article_id: *article_id, comment_id: *comment_id });
            }
            Change::Article(article_id) => self.pages.invalidate_article(&self.pool, *article_id).await,
            Change::Site => self.pages.invalidate_all(),
        }
    }
}

/// Writes down a change made by a command run beside the servers (`server import`).
pub async fn record_from_command(
    pool: &crate::server::store::Pool,
    command: &str,
    change: Change,
) -> Result<(), sqlx::Error> {
    let now_ms = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    store::record(pool, command, change.kind(), change.article_id(), change.comment_id(), now_ms).await
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
    let mut reads: u32 = 0;
    let mut failing = false;
    loop {
        match store::after(&state.pool, last, BATCH).await {
            Ok(rows) => {
                if failing {
                    // what happened while the table could not be read is not known in detail
                    tracing::info!("the change feed is readable again");
                    state.pages.invalidate_all();
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
        tokio::time::sleep(poll).await;
    }
}
