//! The server's shared state, handed to every route and server function.
use crate::server::rate_limits::{Limits, RateLimiter};
use crate::server::reader_cookie::Secret;
use crate::server::store::Pool;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

/// The state, behind one `Arc`: every request clones it (each middleware with state, each
/// handler), and a field-by-field clone (the leptos options' strings, the mailer's) and drop
/// took a third of a kept page's answer.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// leptos' routes read their options from the state.
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos_options.clone()
    }
}

pub struct Shared {
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
    pub streams: Arc<crate::server::live_streams::Streams>,
    /// Article views kept rendered for readers without a cookie; dropped when they change.
    pub pages: Arc<crate::server::page_cache::PageCache>,
    /// The wall clock, or a test's.
    pub clock: crate::server::clock::Clock,
    /// This server's name in the change feed (`server::changes::origin`).
    pub origin: String,
    /// Changes on their way to the `changes` table (`server::changes::write_down`).
    pub feed: tokio::sync::mpsc::Sender<Change>,
    /// The inline scripts Byline writes, hashed once: every page's Content-Security-Policy.
    pub scripts: Arc<crate::server::csp::Scripts>,
    /// The site's name, tagline, Contact Information, navigation and footer, as pages show them.
    pub identity: crate::server::site_identity::SiteKeeper,
    /// Searches running at once, at most (`BYLINE_SEARCHES`).
    pub searches: tokio::sync::Semaphore,
}

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

/// `result.or_internal("what was being done")`: an unexpected failure is logged with its detail
/// and answered with the clean message (no internal text reaches the browser).
pub trait OrInternal<T> {
    fn or_internal(self, context: &str) -> Result<T, crate::domain::ApiError>;
}

impl<T, E: std::fmt::Display> OrInternal<T> for Result<T, E> {
    fn or_internal(self, context: &str) -> Result<T, crate::domain::ApiError> {
        self.map_err(|e| internal(context, e))
    }
}

/// Logs an unexpected failure with its detail and answers the clean message.
pub fn internal(context: &str, err: impl std::fmt::Display) -> crate::domain::ApiError {
    tracing::error!(error = %err, "{context}");
    crate::domain::ApiError::Internal
}
