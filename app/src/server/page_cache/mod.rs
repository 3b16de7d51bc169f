//! Article views for readers without a cookie (crawlers, first visits), kept rendered.
//!
//! Most views of an article are by people who have not written: their page is the same for
//! all of them, except the form keys (a fresh one per answer, for the timing check and the
//! double-submit protection). So each view (article + sort / filter / page / permalink /
//! reply / passage) is rendered once, without any reader, tidied, and kept as its
//! **prefix** — the page up to `</body>`, compressed once with gzip and brotli, each stream
//! flushed to a byte boundary — and its **tail**: the form key inputs (they name their form
//! with `form="…"`, so they may stand anywhere) and `</body></html>`. An answer is the prefix
//! as kept plus the tail with a fresh key, appended as a stored deflate block or an
//! uncompressed brotli meta-block: no compression per request, yet every reader gets their
//! own key.
//!
//! A view is dropped when anything it shows changes (`invalidate`: a comment posted, edited,
//! deleted, voted, moderated; the article's mode; the settings) and re-rendered after `ttl`
//! (relative dates, "closes after N days"); while one request renders it again the others get
//! the kept copy (stale-while-revalidate), and a missing view is rendered once however many
//! ask for it at the same moment. The whole is bounded in bytes, least recently used first out.
//!
//! Readers with a cookie (their own Edit/Delete, votes, subscriptions, held comments) and
//! staff get a fresh render, never kept and never shared. The middleware that decides and
//! answers is the server crate's `cached_views`; this module is the store, `bytes` the byte
//! work (a page split and compressed once; an answer made of it per request).
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::response::Response;
use http::{header, HeaderValue, Method, StatusCode};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

mod bytes;
pub use bytes::{brotli_prefix, brotli_tail, build, gzip_prefix, gzip_tail, Answer};

/// Tells the renderer that this render is kept and shared: the form nonce is written as the
/// placeholder, replaced per answer.
#[derive(Debug, Clone)]
pub struct SharedRender {
    pub placeholder: Arc<str>,
}

/// The kept views, their generations and their size.
pub struct PageCache {
    views: RwLock<Views>,
    pub rendering: Mutex<HashMap<String, tokio::sync::watch::Receiver<bool>>>,
    /// What the form nonce is rendered as in a shared render: random per process, so no
    /// comment text can contain it.
    pub placeholder: Arc<str>,
    budget: usize,
    pub ttl: Duration,
    tick: AtomicU64,
    /// Views of the unbounded kind asked for once (kept from their second request, so a
    /// stream of made-up permalinks renders as before instead of pushing real pages out).
    seen: Mutex<std::collections::HashSet<String>>,
    /// Views compressed at once: as many as there are cores (each encoder holds its window).
    pub compressing: Arc<tokio::sync::Semaphore>,
    /// The settings pages read, dropped with every view (`invalidate_all`).
    pub settings: crate::server::settings_memo::SettingsMemo,
}

#[derive(Default)]
struct Views {
    /// By article slug; the list pages by their path (`/`, `/section/world`: a slug has no `/`).
    /// A list page shows what the desk changes (a story published, edited, unpublished: a change
    /// to the site, which drops everything) and comment counts, which it shows as of its render
    /// (`ttl`): a comment or a vote drops its article's views only, so a busy thread does not
    /// make every list render again at each vote.
    articles: HashMap<String, ArticleViews>,
    /// Bumped when everything is dropped.
    epoch: u64,
    bytes: usize,
}

/// Whether a key names a list page (its path) rather than an article (its slug).
fn is_list(key: &str) -> bool {
    key.starts_with('/')
}

impl Views {
    fn generation(&self, key: &str) -> u64 {
        self.articles.get(key).map_or(0, |a| a.generation)
    }
}

#[derive(Default)]
struct ArticleViews {
    /// Bumped whenever the article's views are dropped: a render that began before is not kept.
    generation: u64,
    views: HashMap<String, Arc<Entry>>,
    /// Which of `views` are of the unbounded kind (a page position, a thread, a reply form, a
    /// passage): at most `UNBOUNDED_PER_ARTICLE` are kept, and they go before the others.
    unbounded: std::collections::HashSet<String>,
}

/// The most views of the unbounded kind kept per article: a stream of real permalinks and page
/// positions replaces its own kind, never an article's sort and filter views.
pub const UNBOUNDED_PER_ARTICLE: usize = 16;

/// One kept view.
pub struct Entry {
    etag: HeaderValue,
    csp: Option<HeaderValue>,
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
    /// CRC-32 of `identity`, continued over each answer's tail.
    crc: crc32fast::Hasher,
    /// `</body></html>` and what goes before it per answer, with the placeholder.
    tail: String,
    /// When it was rendered, by the site's clock.
    pub rendered_at: i64,
    last_used: AtomicU64,
    pub refreshing: AtomicBool,
}

impl Entry {
    fn size(&self) -> usize {
        self.identity.len() + self.gzip.len() + self.brotli.len() + self.tail.len() + 256
    }
}

/// Which view a request asks for: the article, and its canonical query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub slug: String,
    /// `sort=…&filter=…` in a fixed order, only what the page reads.
    pub query: String,
    /// Only sort and filter (a dozen views per article); otherwise a page, a permalink, a
    /// reply or a passage, of which a URL can name any number.
    pub bounded: bool,
}

impl View {
    pub fn key(&self) -> String {
        format!("{}?{}", self.slug, self.query)
    }

    pub fn uri(&self) -> String {
        let path = if is_list(&self.slug) {
            self.slug.clone()
        } else {
            crate::domain::article::article_path(&self.slug)
        };
        if self.query.is_empty() {
            path
        } else {
            format!("{path}?{}", self.query)
        }
    }
}

impl PageCache {
    pub fn new(budget_bytes: usize, ttl: Duration) -> PageCache {
        PageCache {
            views: RwLock::new(Views::default()),
            rendering: Mutex::new(HashMap::new()),
            placeholder: format!("shared-form-nonce-{}", crate::server::tokens::random_token()).into(),
            budget: budget_bytes,
            ttl,
            tick: AtomicU64::new(0),
            seen: Mutex::new(std::collections::HashSet::new()),
            compressing: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get),
            )),
            settings: crate::server::settings_memo::SettingsMemo::new(ttl),
        }
    }

    /// Drops every kept view of the article `slug` (something it shows changed). The list
    /// pages stay: they show its comment count as of their render.
    pub fn invalidate(&self, slug: &str) {
        let mut v = self.views.write().unwrap_or_else(|e| e.into_inner());
        let a = v.articles.entry(slug.to_string()).or_default();
        a.generation += 1;
        let freed: usize = a.views.drain().map(|(_, e)| e.size()).sum();
        a.unbounded.clear();
        v.bytes -= freed;
    }

    /// Drops every kept view (settings, a reader's erasure, a change the desk made).
    pub fn invalidate_all(&self) {
        self.settings.forget();
        let mut v = self.views.write().unwrap_or_else(|e| e.into_inner());
        v.epoch += 1;
        for a in v.articles.values_mut() {
            a.generation += 1;
            a.views.clear();
            a.unbounded.clear();
        }
        v.bytes = 0;
    }

    /// Drops the views of the article with this id.
    pub async fn invalidate_article(&self, pool: &crate::server::store::Pool, article_id: i64) {
        match crate::server::store::articles::slug_of(pool, article_id).await {
            Ok(Some(slug)) => self.invalidate(&slug),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(error = %e, "could not find an article's views to drop; dropping all");
                self.invalidate_all();
            }
        }
    }

    /// Whether `view` may be kept now: always for sort and filter views, for the others from
    /// their second request.
    pub fn admits(&self, view: &View) -> bool {
        if view.bounded {
            return true;
        }
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.remove(&view.key()) {
            return true;
        }
        if seen.len() >= 10_000 {
            seen.clear();
        }
        seen.insert(view.key());
        false
    }

    /// How many views are kept and their bytes.
    pub fn stats(&self) -> (usize, usize) {
        let v = self.views.read().unwrap_or_else(|e| e.into_inner());
        (v.articles.values().map(|a| a.views.len()).sum(), v.bytes)
    }

    pub fn get(&self, view: &View) -> Option<Arc<Entry>> {
        let v = self.views.read().unwrap_or_else(|e| e.into_inner());
        let e = v.articles.get(&view.slug)?.views.get(&view.query)?.clone();
        e.last_used.store(self.tick.fetch_add(1, Ordering::Relaxed), Ordering::Relaxed);
        Some(e)
    }

    /// Whether `view` is kept (without counting it as used).
    pub fn holds(&self, view: &View) -> bool {
        let v = self.views.read().unwrap_or_else(|e| e.into_inner());
        v.articles.get(&view.slug).is_some_and(|a| a.views.contains_key(&view.query))
    }

    pub fn generation(&self, slug: &str) -> (u64, u64) {
        let v = self.views.read().unwrap_or_else(|e| e.into_inner());
        (v.epoch, v.generation(slug))
    }

    /// Keeps `entry` unless the article changed since `began` (its render may show the past).
    pub fn put(&self, view: &View, began: (u64, u64), entry: Arc<Entry>) {
        let mut guard = self.views.write().unwrap_or_else(|e| e.into_inner());
        let v = &mut *guard;
        if v.epoch != began.0 || v.generation(&view.slug) != began.1 {
            return;
        }
        let size = entry.size();
        // one huge page does not push out everything else
        if size > self.budget / 2 {
            return;
        }
        entry.last_used.store(self.tick.fetch_add(1, Ordering::Relaxed), Ordering::Relaxed);
        let a = v.articles.entry(view.slug.clone()).or_default();
        if let Some(old) = a.views.insert(view.query.clone(), entry) {
            v.bytes -= old.size();
        }
        v.bytes += size;
        if !view.bounded {
            a.unbounded.insert(view.query.clone());
            if a.unbounded.len() > UNBOUNDED_PER_ARTICLE {
                // the article's least recently used view of this kind makes room
                let oldest = a
                    .unbounded
                    .iter()
                    .filter_map(|q| Some((a.views.get(q)?.last_used.load(Ordering::Relaxed), q.clone())))
                    .min();
                if let Some((_, q)) = oldest {
                    a.unbounded.remove(&q);
                    if let Some(gone) = a.views.remove(&q) {
                        v.bytes -= gone.size();
                    }
                }
            }
        }
        if v.bytes > self.budget {
            evict(v, self.budget - self.budget / 10);
        }
    }
}

/// Drops views until at most `target` bytes are kept: the unbounded kind first, each kind
/// least recently used first.
fn evict(v: &mut Views, target: usize) {
    let mut all: Vec<(bool, u64, String, String, usize)> = v
        .articles
        .iter()
        .flat_map(|(slug, a)| {
            a.views.iter().map(move |(q, e)| {
                let bounded = !a.unbounded.contains(q);
                (bounded, e.last_used.load(Ordering::Relaxed), slug.clone(), q.clone(), e.size())
            })
        })
        .collect();
    all.sort_unstable_by_key(|(bounded, used, ..)| (*bounded, *used));
    for (_, _, slug, query, size) in all {
        if v.bytes <= target {
            break;
        }
        if let Some(a) = v.articles.get_mut(&slug) {
            if a.views.remove(&query).is_some() {
                a.unbounded.remove(&query);
                v.bytes -= size;
            }
        }
    }
    // an article without kept views and never changed needs no generation
    v.articles.retain(|_, a| !a.views.is_empty() || a.generation > 0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_views_go_first() {
        let cache = PageCache::new(500_000, Duration::from_secs(60));
        let entry = |n: usize| {
            Arc::new(
                build(
                    &format!("<html><body>{}</body></html>", "x".repeat(n)),
                    "ph",
                    &crate::server::csp::Scripts::new(vec![]),
                    0,
                )
                .unwrap(),
            )
        };
        let view = |s: &str| View { slug: s.into(), query: String::new(), bounded: true };
        for s in ["a", "b", "c", "d"] {
            cache.put(&view(s), cache.generation(s), entry(110_000));
        }
        assert_eq!(cache.stats().0, 4);
        assert!(cache.get(&view("a")).is_some()); // a used: b is the oldest
        cache.put(&view("e"), cache.generation("e"), entry(110_000));
        assert_eq!(cache.stats().0, 4, "one view went");
        assert!(cache.get(&view("b")).is_none() && cache.get(&view("a")).is_some());
        assert!(cache.stats().1 <= 500_000);
        // a render that began before a change is not kept
        let began = cache.generation("a");
        cache.invalidate("a");
        cache.put(&view("a"), began, entry(10));
        assert!(cache.get(&view("a")).is_none());
        cache.invalidate_all();
        assert_eq!(cache.stats(), (0, 0));
    }

    #[test]
    fn a_list_page_is_kept_by_its_path_and_dropped_with_the_site() {
        let cache = PageCache::new(500_000, Duration::from_secs(60));
        let entry = || {
            Arc::new(
                build("<html><body>x</body></html>", "ph", &crate::server::csp::Scripts::new(vec![]), 0)
                    .unwrap(),
            )
        };
        let view = |s: &str| View { slug: s.into(), query: String::new(), bounded: true };
        for key in ["/", "/section/world", "a"] {
            cache.put(&view(key), cache.generation(key), entry());
        }
        assert_eq!(view("/section/world").uri(), "/section/world");
        assert_eq!(
            View { slug: "/archive".into(), query: "before=1.2".into(), bounded: false }.uri(),
            "/archive?before=1.2"
        );
        assert_eq!(view("a").uri(), "/articles/a");
        // a vote on article a: its views go, the lists show its count as of their render
        cache.invalidate("a");
        assert!(cache.get(&view("a")).is_none() && cache.get(&view("/")).is_some());
        // a render that began before a change to the site is not kept
        let began = cache.generation("/tags/turkey");
        cache.invalidate_all();
        cache.put(&view("/tags/turkey"), began, entry());
        assert_eq!(cache.stats(), (0, 0));
    }
}
