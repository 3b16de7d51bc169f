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
//! answers is `cached_views`; this module is the store and the byte work.
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::response::Response;
use http::{header, HeaderValue, Method, StatusCode};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

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
    articles: HashMap<String, ArticleViews>,
    /// Bumped when everything is dropped.
    epoch: u64,
    bytes: usize,
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
        let path = crate::domain::article::article_path(&self.slug);
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

    /// Drops every kept view of the article `slug` (something it shows changed).
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
        (v.epoch, v.articles.get(slug).map_or(0, |a| a.generation))
    }

    /// Keeps `entry` unless the article changed since `began` (its render may show the past).
    pub fn put(&self, view: &View, began: (u64, u64), entry: Arc<Entry>) {
        let mut guard = self.views.write().unwrap_or_else(|e| e.into_inner());
        let v = &mut *guard;
        if v.epoch != began.0 || v.articles.get(&view.slug).map_or(0, |a| a.generation) != began.1 {
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

/// Splits a tidied page into the kept prefix and the per-answer tail, and compresses the prefix.
pub fn build(
    page: &str,
    placeholder: &str,
    scripts: &crate::server::csp::Scripts,
    now: i64,
) -> Option<Entry> {
    let end = page.rfind("</body>")?;
    let (mut head, rest) = (page[..end].to_string(), &page[end..]);
    // every element that carries the placeholder is an <input> moved to the tail
    let mut moved = String::new();
    while let Some(at) = head.find(placeholder) {
        let start = head[..at].rfind('<')?;
        let stop = at + head[at..].find('>')? + 1;
        if !head[start..].starts_with("<input ") {
            return None;
        }
        moved.push_str(&head[start..stop]);
        head.replace_range(start..stop, "");
    }
    let tail = if moved.is_empty() {
        rest.to_string()
    } else {
        format!("<div id=\"reader-parts\" hidden>{moved}</div>{rest}")
    };
    let csp = scripts.policy_for(&crate::server::tidy::inline_scripts(page));
    let etag = {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(head.as_bytes());
        HeaderValue::from_str(&format!("W/\"{}\"", crate::server::tokens::hex(&digest[..12]))).ok()?
    };
    let mut crc = crc32fast::Hasher::new();
    crc.update(head.as_bytes());
    Some(Entry {
        etag,
        csp,
        gzip: gzip_prefix(head.as_bytes()).into(),
        brotli: brotli_prefix(head.as_bytes()).into(),
        identity: Bytes::from(head.into_bytes().into_boxed_slice()),
        crc,
        tail,
        rendered_at: now,
        last_used: AtomicU64::new(0),
        refreshing: AtomicBool::new(false),
    })
}

/// A gzip member's header and `data` deflated, flushed to a byte boundary, not final.
pub fn gzip_prefix(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::DeflateEncoder::new(
        vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff],
        flate2::Compression::new(6),
    );
    // writing to a Vec cannot fail; flush() ends with a sync flush (byte-aligned, not final)
    let _ = enc.write_all(data);
    let _ = enc.flush();
    let mut out = std::mem::take(enc.get_mut());
    out.shrink_to_fit();
    out
}

/// The end of a gzip member after `gzip_prefix`: `tail` as final stored blocks, then the
/// CRC-32 and length of the whole.
pub fn gzip_tail(tail: &[u8], crc: &crc32fast::Hasher, total_len: usize, out: &mut Vec<u8>) {
    let mut chunks = tail.chunks(0xffff).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        out.push(u8::from(last));
        let len = chunk.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    let mut crc = crc.clone();
    crc.update(tail);
    out.extend_from_slice(&crc.finalize().to_le_bytes());
    out.extend_from_slice(&(total_len as u32).to_le_bytes());
}

/// A brotli stream of `data`, flushed to a byte boundary, not final.
pub fn brotli_prefix(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    // a window as large as the page, at most 1 MiB: the encoder's memory follows the window
    // (22 bits took ~8 MB per page being compressed)
    let lgwin = (data.len().max(1024).next_power_of_two().trailing_zeros()).clamp(16, 20);
    let mut enc = brotli::CompressorWriter::new(Vec::with_capacity(data.len() / 4), 4096, 5, lgwin);
    let _ = enc.write_all(data);
    let _ = enc.flush();
    let mut out = std::mem::take(enc.get_mut());
    out.shrink_to_fit();
    out
}

/// The end of a brotli stream after `brotli_prefix`: `tail` as uncompressed meta-blocks, then
/// an empty last meta-block.
pub fn brotli_tail(tail: &[u8], out: &mut Vec<u8>) {
    for chunk in tail.chunks(0x10000) {
        // ISLAST 0, MNIBBLES 4 (00), MLEN-1 in 16 bits, ISUNCOMPRESSED 1, padded to 3 bytes
        let header = ((chunk.len() as u32 - 1) << 3) | (1 << 19);
        out.extend_from_slice(&header.to_le_bytes()[..3]);
        out.extend_from_slice(chunk);
    }
    // ISLAST 1, ISLASTEMPTY 1
    out.push(3);
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// How a request wants its answer.
pub struct Answer {
    encoding: Encoding,
    if_none_match: Option<String>,
    head: bool,
}

impl Answer {
    pub fn of(req: &Request) -> Answer {
        let accepts = |name: &str| {
            req.headers().get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|v| {
                v.split(',').any(|item| {
                    let mut it = item.split(';');
                    let coding = it.next().unwrap_or_default().trim();
                    let refused = it.any(|p| {
                        p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()) == Some(0.0)
                    });
                    coding.eq_ignore_ascii_case(name) && !refused
                })
            })
        };
        let encoding = if accepts("br") {
            Encoding::Brotli
        } else if accepts("gzip") {
            Encoding::Gzip
        } else {
            Encoding::Identity
        };
        Answer {
            encoding,
            if_none_match: req
                .headers()
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .map(String::from),
            head: req.method() == Method::HEAD,
        }
    }

    fn matches(&self, etag: &HeaderValue) -> bool {
        let Some(inm) = &self.if_none_match else { return false };
        let ours = etag.to_str().unwrap_or_default().trim_start_matches("W/");
        inm.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == ours)
    }

    /// The answer from kept view `e`, its form keys made from `nonce`.
    pub fn from(&self, cache: &PageCache, nonce: &str, e: &Entry, how: &'static str) -> Response {
        let mut res = Response::new(Body::empty());
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        h.insert(header::ETAG, e.etag.clone());
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding, cookie"));
        h.insert(header::CACHE_CONTROL, cache_control(cache.ttl));
        if let Some(csp) = &e.csp {
            h.insert(header::CONTENT_SECURITY_POLICY, csp.clone());
        }
        h.insert("x-byline-cache", HeaderValue::from_static(how));
        res.extensions_mut().insert(crate::server::tidy::Tidied);
        if self.matches(&e.etag) {
            *res.status_mut() = StatusCode::NOT_MODIFIED;
            return res;
        }
        let tail = e.tail.replace(&*cache.placeholder, nonce);
        let total = e.identity.len() + tail.len();
        // the kept prefix is sent as it is kept (a shared reference, no copy), then the tail
        let (prefix, end) = match self.encoding {
            Encoding::Identity => (e.identity.clone(), tail.into_bytes()),
            Encoding::Gzip => {
                let mut out = Vec::with_capacity(tail.len() + 32);
                gzip_tail(tail.as_bytes(), &e.crc, total, &mut out);
                res.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                (e.gzip.clone(), out)
            }
            Encoding::Brotli => {
                let mut out = Vec::with_capacity(tail.len() + 16);
                brotli_tail(tail.as_bytes(), &mut out);
                res.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
                (e.brotli.clone(), out)
            }
        };
        let body = TwoParts { first: Some(prefix), second: Some(Bytes::from(end)) };
        res.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        if !self.head {
            *res.body_mut() = Body::new(body);
        }
        res
    }
}

/// A body of two parts, its length known: the kept prefix and the answer's own tail.
struct TwoParts {
    first: Option<Bytes>,
    second: Option<Bytes>,
}

impl TwoParts {
    fn len(&self) -> usize {
        self.first.as_ref().map_or(0, Bytes::len) + self.second.as_ref().map_or(0, Bytes::len)
    }
}

impl http_body::Body for TwoParts {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        let next = self.first.take().or_else(|| self.second.take());
        std::task::Poll::Ready(next.map(|b| Ok(http_body::Frame::data(b))))
    }

    fn is_end_stream(&self) -> bool {
        self.first.is_none() && self.second.is_none()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.len() as u64)
    }
}

/// Shared caches (a CDN, Varnish) may keep the page as long as we do, and serve it as long
/// again while they ask for a new one; browsers ask every time (a 304 when nothing changed;
/// `enhance.js` fetches with `cache: "no-cache"`, since a browser applies
/// `stale-while-revalidate` to its own fetches too).
fn cache_control(ttl: Duration) -> HeaderValue {
    let s = ttl.as_secs().max(1);
    HeaderValue::from_str(&format!("public, max-age=0, s-maxage={s}, stale-while-revalidate={s}"))
        .unwrap_or(HeaderValue::from_static("public, max-age=0"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn whole(prefix: &str, tail: &str) -> (Vec<u8>, Vec<u8>) {
        let mut crc = crc32fast::Hasher::new();
        crc.update(prefix.as_bytes());
        let mut gz = gzip_prefix(prefix.as_bytes());
        gzip_tail(tail.as_bytes(), &crc, prefix.len() + tail.len(), &mut gz);
        let mut br = brotli_prefix(prefix.as_bytes());
        brotli_tail(tail.as_bytes(), &mut br);
        (gz, br)
    }

    fn gunzip(b: &[u8]) -> String {
        let mut s = String::new();
        flate2::read::GzDecoder::new(b).read_to_string(&mut s).expect("valid gzip");
        s
    }

    fn unbrotli(b: &[u8]) -> String {
        let mut s = String::new();
        brotli::Decompressor::new(b, 4096).read_to_string(&mut s).expect("valid brotli");
        s
    }

    #[test]
    fn a_kept_prefix_and_a_fresh_tail_make_one_valid_stream() {
        let prefix = "<!DOCTYPE html><html><body><p>R&amp;D’s “plan” 漢字 🙂</p>".repeat(500);
        for tail in ["</body></html>", "<input name=\"key\" value=\"123.abc-0\"></body></html>"] {
            let (gz, br) = whole(&prefix, tail);
            assert_eq!(gunzip(&gz), format!("{prefix}{tail}"));
            assert_eq!(unbrotli(&br), format!("{prefix}{tail}"));
        }
        // a tail longer than one stored block / meta-block
        let long = "x".repeat(70_000 * 2);
        let (gz, br) = whole("a", &long);
        assert_eq!(gunzip(&gz).len(), 1 + long.len());
        assert_eq!(unbrotli(&br).len(), 1 + long.len());
        let (gz, br) = whole("", "</body></html>");
        assert_eq!(gunzip(&gz), "</body></html>");
        assert_eq!(unbrotli(&br), "</body></html>");
    }

    proptest::proptest! {
        #[test]
        fn any_text_splits_and_joins_back(prefix in "\\PC{0,400}", tail in "\\PC{1,200}") {
            let (gz, br) = whole(&prefix, &tail);
            proptest::prop_assert_eq!(gunzip(&gz), format!("{prefix}{tail}"));
            proptest::prop_assert_eq!(unbrotli(&br), format!("{prefix}{tail}"));
        }
    }

    #[test]
    fn the_form_keys_move_to_the_tail_and_nothing_else_does() {
        let ph = "shared-form-nonce-0123";
        let page = format!(
            "<html><body><form id=\"comment-form\"><input type=\"hidden\" name=\"key\" form=\"comment-form\" \
             value=\"{ph}-0\"><textarea></textarea></form><input type=\"hidden\" id=\"form-nonce\" value=\"{ph}\">\
             <footer>x</footer><script>a()</script></body></html>"
        );
        let e = build(&page, ph, &crate::server::csp::Scripts::new(vec![]), 0).unwrap();
        let head = std::str::from_utf8(&e.identity).unwrap();
        assert!(!head.contains(ph) && head.ends_with("<script>a()</script>"), "{head}");
        assert!(head.contains("<form id=\"comment-form\"><textarea>"), "{head}");
        assert_eq!(
            e.tail,
            format!(
                "<div id=\"reader-parts\" hidden><input type=\"hidden\" name=\"key\" form=\"comment-form\" \
                 value=\"{ph}-0\"><input type=\"hidden\" id=\"form-nonce\" value=\"{ph}\"></div></body></html>"
            )
        );
        // the placeholder anywhere but in an input: not kept
        assert!(build(
            &format!("<html><body><p>{ph}</p></body></html>"),
            ph,
            &crate::server::csp::Scripts::new(vec![]),
            0
        )
        .is_none());
        assert!(build("<html><p>no body end", ph, &crate::server::csp::Scripts::new(vec![]), 0).is_none());
    }

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
}
