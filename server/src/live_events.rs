//! The server side of live updates: one Server-Sent Events stream per open article page.
use app::domain::article::CommentsMode;
use app::server::live_streams::Admitted;
use app::server::state::{AppState, LiveEvent};
use axum::extract::{Path, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::stream::{self, Stream, StreamExt};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::{error::RecvError, Receiver};

#[derive(Debug, serde::Deserialize)]
pub struct Since {
    /// The newest comment id the page already shows.
    after: Option<i64>,
}

/// `GET /articles/{slug}/events`: `event: comment`, `id:` and `data:` the comment id.
/// A reconnecting browser sends `Last-Event-ID`; comments it missed come first, from the
/// database, then the live ones — each exactly once, in id order.
pub async fn article_events(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(since): Query<Since>,
    request: axum::extract::Request,
) -> Response {
    let headers = request.headers();
    let ip = app::server::requester::client_ip(headers, request.extensions(), state.site.trust_proxy);
    let Some(admitted) = state.streams.admit(ip) else {
        tracing::warn!(%ip, "live stream refused: too many open");
        let mut res =
            (http::StatusCode::TOO_MANY_REQUESTS, "Too many live connections; updates resume shortly.")
                .into_response();
        res.headers_mut().insert(http::header::RETRY_AFTER, http::HeaderValue::from_static("30"));
        return res;
    };
    let article = match app::server::store::articles::by_slug(&state.pool, &slug).await {
        // an article whose comments are hidden announces none
        Ok(Some(a)) if a.comments_mode != CommentsMode::Hidden => a,
        Ok(_) => return (http::StatusCode::NOT_FOUND, "No such article.").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "opening a live stream");
            return (http::StatusCode::INTERNAL_SERVER_ERROR, "Live updates are unavailable.")
                .into_response();
        }
    };
    let last_event_id =
        headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<i64>().ok());
    let after = last_event_id.or(since.after).unwrap_or(i64::MAX);
    // subscribe before reading the backlog, so nothing falls between the two
    let rx = state.live.subscribe();
    let closing = state.streams.closing();
    let stream = comment_stream(state, article.id, after, rx, closing, admitted);
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(20))).into_response()
}

struct Cursor {
    state: AppState,
    article_id: i64,
    /// Highest id sent (or known to the page); `i64::MAX` until the page says where it is.
    sent: i64,
    queue: VecDeque<i64>,
    /// Whether the ids in `queue` arrived since the article's mode was last read.
    unchecked: bool,
    rx: Receiver<LiveEvent>,
    backlog_done: bool,
    closing: tokio::sync::watch::Receiver<bool>,
    _admitted: Admitted,
}

fn comment_stream(
    state: AppState,
    article_id: i64,
    after: i64,
    rx: Receiver<LiveEvent>,
    closing: tokio::sync::watch::Receiver<bool>,
    admitted: Admitted,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let start = Cursor {
        state,
        article_id,
        sent: after,
        queue: VecDeque::new(),
        unchecked: false,
        rx,
        backlog_done: false,
        closing,
        _admitted: admitted,
    };
    stream::unfold(start, |mut c| async move {
        loop {
            // once per batch of ids (one live event, a catch-up of hundreds): the editors may
            // have hidden the article's comments while the page was open; then its stream ends
            if c.unchecked && !c.queue.is_empty() {
                c.unchecked = false;
                if hidden(&c).await {
                    return None;
                }
            }
            if let Some(id) = c.queue.pop_front() {
                if id > c.sent || c.sent == i64::MAX {
                    c.sent = id;
                    let event = Event::default().event("comment").id(id.to_string()).data(id.to_string());
                    return Some((Ok(event), c));
                }
                continue;
            }
            if !c.backlog_done {
                c.backlog_done = true;
                if c.sent != i64::MAX {
                    c.queue.extend(catch_up(&c).await);
                    c.unchecked = true;
                }
                continue;
            }
            if *c.closing.borrow() {
                return None;
            }
            let event = tokio::select! {
                e = c.rx.recv() => e,
                // the server is shutting down: end the stream (the browser reconnects later)
                _ = c.closing.changed() => return None,
            };
            match event {
                Ok(e) if e.article_id == c.article_id => {
                    if c.sent == i64::MAX {
                        c.queue.push_back(e.comment_id);
                    } else {
                        // from the database, everything after the last one sent: a comment
                        // another server stored first may be announced here after this one
                        // (its change arrives with the next read of the feed)
                        c.queue.clear();
                        c.queue.extend(catch_up(&c).await);
                        // nothing new to name (the page showed it already): the article may
                        // have been hidden all the same, and then its stream ends
                        if c.queue.is_empty() && hidden(&c).await {
                            return None;
                        }
                    }
                    c.unchecked = true;
                }
                Ok(_) => {}
                // fell behind the channel: read what was missed from the database
                Err(RecvError::Lagged(_)) => {
                    c.queue.extend(catch_up(&c).await);
                    c.unchecked = true;
                }
                Err(RecvError::Closed) => return None,
            }
        }
    })
    .boxed()
}

/// Whether the article's comments are hidden now (or it is gone, or that cannot be told).
async fn hidden(c: &Cursor) -> bool {
    match app::server::store::articles::comments_mode(&c.state.pool, c.article_id).await {
        Ok(mode) => mode.is_none_or(|m| m == CommentsMode::Hidden),
        Err(e) => {
            tracing::error!(error = %e, "checking a live stream's article");
            true
        }
    }
}

async fn catch_up(c: &Cursor) -> Vec<i64> {
    match app::server::store::comments::approved_since(&c.state.pool, c.article_id, c.sent).await {
        Ok(rows) => rows.into_iter().map(|(id, _)| id).collect(),
        Err(e) => {
            tracing::error!(error = %e, "catching up a live stream");
            Vec::new()
        }
    }
}
