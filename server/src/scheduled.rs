//! The worker that publishes scheduled stories at their time. Every server runs one; a story is
//! published by exactly one of them (`store::stories::publish_due` is one conditional update),
//! and the change reaches every server's kept pages through the change feed.
use app::server::changes::Change;
use app::server::state::AppState;
use std::time::Duration;

/// How often the worker looks for a story that is due: one indexed read; the write lock is
/// taken only when one is.
pub const POLL: Duration = Duration::from_secs(2);

pub async fn run(state: AppState) {
    loop {
        if let Err(e) = round(&state).await {
            tracing::warn!(error = %e, "scheduled publication: will try again");
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Publishes what is due now; answers how many stories went out.
pub async fn round(state: &AppState) -> Result<usize, app::server::store::StoreError> {
    let now = state.clock.now();
    match app::server::store::stories::next_due(&state.pool).await? {
        Some(at) if at <= now => {}
        _ => return Ok(0),
    }
    let published = app::server::store::stories::publish_due(&state.pool, now).await?;
    for (id, slug) in &published {
        tracing::info!(story = id, %slug, "published at its scheduled time");
    }
    if !published.is_empty() {
        // the front page, sections, feeds and the sitemap change with it, on every server
        state.changed(Change::Site).await;
    }
    Ok(published.len())
}
