//! The server's shared state, handed to every route and server function.
use crate::server::rate_limits::{Limits, RateLimiter};
use crate::server::reader_cookie::Secret;
use crate::server::store::Pool;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: Pool,
    pub site: Arc<SiteConfig>,
    pub secret: Secret,
    pub limits: Arc<Limits>,
    pub rate: Arc<RateLimiter>,
    /// New approved comments, for the live-update streams of open article pages.
    pub live: tokio::sync::broadcast::Sender<LiveEvent>,
    /// The outbox's delivery side: its settings and the bell that wakes the worker.
    pub mailer: crate::server::mail::Mailer,
    /// Open live-update streams, counted per client address and in total.
    pub streams: Arc<crate::server::live_events::Streams>,
    /// The wall clock, or a test's.
    pub clock: crate::server::clock::Clock,
}

/// A comment became visible on an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveEvent {
    pub article_id: i64,
    pub comment_id: i64,
}

#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// Absolute base URL for canonical links, sitemaps and JSON-LD, without a trailing slash.
    pub base_url: String,
    /// `BYLINE_ADMIN_PASSWORD`: editors sign in to /admin with user `editor` and this
    /// password. Unset: the admin is closed.
    pub admin_password: Option<String>,
    /// How many reverse proxies stand in front: the client address is that many
    /// `X-Forwarded-For` entries from the right. 0: the connection's address.
    pub trust_proxy: usize,
    /// `CONTACT_TO`: the editors' address that Contact Us messages are mailed to.
    pub contact_to: Option<String>,
}

impl SiteConfig {
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// The state inside a server function. Missing state is a wiring bug: log it, answer cleanly.
pub fn app_state() -> Result<AppState, crate::domain::ApiError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        crate::domain::ApiError::Internal
    })
}

/// Logs an unexpected failure with its detail and answers the clean message.
pub fn internal(context: &str, err: impl std::fmt::Display) -> crate::domain::ApiError {
    tracing::error!(error = %err, "{context}");
    crate::domain::ApiError::Internal
}

/// Sets the HTTP status of the current response to match a refusal.
/// How every server function answers: the work's result, with a refusal's status (400, 403,
/// 404, 409, 413, 429 and its Retry-After: `ApiError::status`) set on the answer, and the reader
/// cookie the request was given (if it had none) sent along.
pub async fn answer<T>(
    requester: &crate::server::requester::Requester,
    work: impl std::future::Future<Output = Result<T, crate::domain::ApiError>>,
) -> Result<T, crate::domain::ApiError> {
    let result = work.await;
    requester.remember();
    refused(result)
}

/// The result unchanged; a refusal's status set on the answer.
pub fn refused<T>(result: Result<T, crate::domain::ApiError>) -> Result<T, crate::domain::ApiError> {
    if let Err(e) = &result {
        set_status_for(e);
    }
    result
}

pub fn set_status_for(err: &crate::domain::ApiError) {
    if let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = http::StatusCode::from_u16(err.status()) {
            opts.set_status(code);
        }
        if let Some(retry_after) = err.retry_after() {
            if let Ok(v) = http::HeaderValue::from_str(&retry_after.to_string()) {
                opts.insert_header(http::header::RETRY_AFTER, v);
            }
        }
    }
}
