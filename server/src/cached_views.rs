//! The page cache's middleware (see `page_cache`): which requests it answers, and a miss
//! rendered once, as nobody, then kept.
use app::server::page_cache::{Answer, Entry, PageCache, SharedRender, View};
use app::server::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{header, Method, StatusCode};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Query parameters that show one reader's outcome (their edit form, their report, "posted"):
/// such views are rendered for that request only.
const PERSONAL: [&str; 5] = ["edit", "report", "reported", "posted", "notify"];

/// What a cacheable request asks for, before its unbounded parameters are checked.
pub struct Asked {
    pub slug: String,
    pub thread: app::domain::thread::ThreadQuery,
    /// "Load more" shown so far (`more=`), a reply form (`replytocom=`), a passage (`feedback=`).
    pub more: Option<app::domain::thread::Cursor>,
    pub replytocom: Option<i64>,
    pub feedback: Option<i64>,
    /// The request carries a staff session cookie (checked in `serve`: a live session gets a
    /// page of its own, a made-up one the kept page).
    pub staff: bool,
}

/// The view a request may be answered with from the cache, if it may: a GET or HEAD of an
/// article page, without a valid reader cookie (a staff cookie's session is checked in `serve`),
/// not asking for a personal view. Its unbounded parameters still need `canonical`.
pub fn cacheable(req: &Request, state: &AppState) -> Option<Asked> {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return None;
    }
    let slug = req.uri().path().strip_prefix("/articles/")?;
    // only a slug as the site writes them: `/articles/fo%6F` (the same article, decoded by the
    // router) would be a view of its own that no change to `foo` drops
    if !crate::form_posts::valid_slug(slug) {
        return None;
    }
    let headers = req.headers();
    let staff = app::server::staff::token_of(headers, state.site.secure_cookies()).is_some();
    if app::server::reader_cookie::from_headers(headers, &state.secret).is_some() {
        return None;
    }
    let qs = req.uri().query().unwrap_or_default();
    let pairs: Vec<(&str, &str)> = qs.split('&').filter_map(|kv| kv.split_once('=')).collect();
    if pairs.iter().any(|(k, _)| PERSONAL.contains(k)) {
        return None;
    }
    let get = |key: &str| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| v.to_string());
    Some(Asked {
        slug: slug.to_string(),
        thread: app::domain::thread::ThreadQuery::from_params(get),
        more: get("more").and_then(|v| app::domain::thread::Cursor::parse(&v)),
        replytocom: get("replytocom").and_then(|v| v.parse::<i64>().ok()),
        feedback: get("feedback").and_then(|v| v.parse::<i64>().ok()),
        staff,
    })
}

/// A list page asked for: its view, whether the request carries a staff cookie, and the
/// position it continues from (to be checked: `canonical_list`).
pub struct AskedList {
    view: View,
    staff: bool,
    before: Option<app::domain::listing::ListCursor>,
}

/// A GET or HEAD of a list page (front, section, tag, archive, month) at the address the site
/// writes for it, without a valid reader cookie. Only the addresses the site links to are kept
/// (one per page: `/section/World` or `/section/wor%6Cd` is the same page, rendered for its
/// request). The page reads only `before=` (not on the front page): a campaign's parameters
/// (`utm_source`) are the same view; any other parameter, or a `before` that is not a cursor as
/// the site writes it, is rendered for its request.
pub fn list_view(req: &Request, state: &AppState) -> Option<AskedList> {
    let path = req.uri().path();
    if !matches!(*req.method(), Method::GET | Method::HEAD) || !canonical_list_path(path) {
        return None;
    }
    let headers = req.headers();
    if app::server::reader_cookie::from_headers(headers, &state.secret).is_some() {
        return None;
    }
    let staff = app::server::staff::token_of(headers, state.site.secure_cookies()).is_some();
    let query = req.uri().query().unwrap_or_default();
    // any other parameter may mean something to a layer below (`/?p=123`, an old WordPress
    // link, is a redirect): rendered for its request
    let known = |kv: &str| kv.is_empty() || kv.starts_with("before=") || is_tracking(kv);
    if !query.split('&').all(known) {
        return None;
    }
    let before = query.split('&').find_map(|kv| kv.strip_prefix("before="));
    let before = match before {
        Some(_) if path == "/" => None,
        Some(b) => Some(app::domain::listing::ListCursor::parse(b)?),
        None => None,
    };
    let query = before.map(|c| format!("before={}", c.encode())).unwrap_or_default();
    Some(AskedList { view: View { slug: path.to_string(), query, bounded: before.is_none() }, staff, before })
}

/// A campaign's or a platform's click parameter (`utm_source=…`, `fbclid=…`): the page does not
/// read it.
fn is_tracking(kv: &str) -> bool {
    let key = kv.split('=').next().unwrap_or_default();
    key.starts_with("utm_") || matches!(key, "fbclid" | "gclid" | "msclkid" | "mc_cid" | "mc_eid" | "ref")
}

/// The view a list page is, if it may be kept: an "Older stories" page only from a position
/// where a story readers can see stands (made-up positions are rendered for their request).
async fn canonical_list(
    state: &AppState,
    asked: AskedList,
) -> Result<Option<View>, app::server::store::StoreError> {
    match asked.before {
        Some(cursor) if !state.pages.holds(&asked.view) => {
            Ok(app::server::store::articles::is_list_position(&state.pool, cursor)
                .await?
                .then_some(asked.view))
        }
        _ => Ok(Some(asked.view)),
    }
}

/// `/`, `/archive`, `/archive/2026/12`, `/section/{name}`, `/tags/{tag}` and `/authors/{slug}` as the site writes
/// them (`Listing::path`: a section's name ASCII lower-cased, a tag's address, percent-encoded
/// as `path_segment` does).
fn canonical_list_path(path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    match segments.as_slice() {
        [""] | ["archive"] => true,
        ["archive", year, month] => app::domain::listing::parse_month(year, month).is_some(),
        ["section", name] => canonical_segment(name).is_some_and(|n| n == n.to_ascii_lowercase()),
        ["tags", tag] => canonical_segment(tag).is_some_and(|t| app::domain::listing::tag_slug(&t) == t),
        ["authors", slug] => app::domain::story::valid_slug(slug),
        _ => false,
    }
}

/// A path segment decoded, when it is written as the site writes it.
fn canonical_segment(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = segment.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(out).ok()?;
    (!decoded.is_empty() && app::domain::listing::path_segment(&decoded) == segment).then_some(decoded)
}

/// The view `asked` is, canonically: a permalink whose thread is on the first page is the first
/// page, one on a later page is its thread (named by its top-level comment), and a permalink,
/// reply form or passage the article does not have is the view without it. `None`: a page
/// position (`after=`, `more=`) that is not where any page of the article ends — made up, so
/// rendered for its request only and never kept. The sort and filter views cost nothing here;
/// the others one or two indexed lookups.
pub async fn canonical(
    state: &AppState,
    asked: Asked,
) -> Result<Option<View>, app::server::store::StoreError> {
    use app::server::store::comments::{is_approved_in, is_cursor, landing, Landing};
    let Asked { slug, mut thread, mut more, mut replytocom, mut feedback, .. } = asked;
    let unbounded = thread.after.is_some()
        || thread.focus.is_some()
        || more.is_some()
        || replytocom.is_some()
        || feedback.is_some();
    // a view kept already was checked when it was kept (a change to the article drops it): a
    // "Load more" page asked for again costs no lookup
    let as_asked = view_of(&slug, thread, more, replytocom, feedback);
    if !unbounded || state.pages.holds(&as_asked) {
        return Ok(Some(as_asked));
    }
    let Some(article) = app::server::store::articles::id_of_slug(&state.pool, &slug).await? else {
        // not an article: the page says so, and is not kept
        return Ok(None);
    };
    if let Some(focus) = thread.focus {
        match landing(&state.pool, article, focus, thread.sort).await? {
            Landing::Thread(root) => {
                thread = app::domain::thread::ThreadQuery {
                    sort: thread.sort,
                    focus: Some(root),
                    ..Default::default()
                };
            }
            Landing::FirstPage | Landing::Nowhere => {
                thread = app::domain::thread::ThreadQuery { sort: thread.sort, ..Default::default() };
            }
        }
        // a permalink shows its thread or the first page: no page position, no passage
        (more, feedback) = (None, None);
    }
    for cursor in [thread.after, more].into_iter().flatten() {
        if !is_cursor(&state.pool, article, thread.sort, cursor).await? {
            return Ok(None);
        }
    }
    if let Some(id) = replytocom {
        if !is_approved_in(&state.pool, article, id).await? {
            replytocom = None;
        }
    }
    if let Some(p) = feedback {
        if !app::server::store::passages::is_of(&state.pool, article, p).await? {
            feedback = None;
        }
    }
    Ok(Some(view_of(&slug, thread, more, replytocom, feedback)))
}

/// The view these parameters name, as the cache keys it.
fn view_of(
    slug: &str,
    thread: app::domain::thread::ThreadQuery,
    more: Option<app::domain::thread::Cursor>,
    replytocom: Option<i64>,
    feedback: Option<i64>,
) -> View {
    let bounded = thread.after.is_none()
        && thread.focus.is_none()
        && more.is_none()
        && replytocom.is_none()
        && feedback.is_none();
    let mut query = thread.to_query();
    let mut add = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(&format!("{k}={v}"));
        }
    };
    add("more", more.map(|c| c.encode()));
    add("replytocom", replytocom.map(|n| n.to_string()));
    add("feedback", feedback.map(|n| n.to_string()));
    View { slug: slug.to_string(), query, bounded }
}

/// The middleware: answers cacheable views from the cache, renders and keeps them on a miss.
pub async fn serve(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if state.pages.ttl.is_zero() {
        return next.run(req).await;
    }
    let (staff, asked) = match list_view(&req, &state) {
        Some(list) => (list.staff, Ok(list)),
        None => match cacheable(&req, &state) {
            Some(asked) => (asked.staff, Err(asked)),
            None => return next.run(req).await,
        },
    };
    // staff get their page rendered for them (their session is looked up: a made-up cookie
    // does not buy a render per request)
    if staff && matches!(app::server::staff::of_headers(&state, req.headers()).await, Ok(Some(_)) | Err(_)) {
        return next.run(req).await;
    }
    let canonical = match asked {
        Ok(list) => canonical_list(&state, list).await,
        Err(asked) => canonical(&state, asked).await,
    };
    let view = match canonical {
        Ok(Some(view)) => view,
        Ok(None) => return next.run(req).await,
        Err(e) => {
            tracing::error!(error = %e, "finding a page's canonical view");
            return next.run(req).await;
        }
    };
    let answer = Answer::of(&req);
    let pages = &state.pages;
    if let Some(entry) = pages.get(&view) {
        let age = state.clock.now() - entry.rendered_at;
        let fresh = (0..pages.ttl.as_secs() as i64).contains(&age);
        // stale: one request renders it again, the others are answered with what is kept
        if fresh || entry.refreshing.swap(true, Ordering::AcqRel) {
            return answer.from(pages, &nonce(&state, &view), &entry, if fresh { "hit" } else { "stale" });
        }
        // however this ends (the request dropped, the new page not kept), the next one may try
        let _again = Refreshing(&entry.refreshing);
        let began = pages.generation(&view.slug);
        return match render(&state, &view, req, next).await {
            Rendered::Kept(new) => {
                pages.put(&view, began, new.clone());
                answer.from(pages, &nonce(&state, &view), &new, "miss")
            }
            Rendered::Not(res) => res,
        };
    }
    if !pages.admits(&view) {
        return next.run(req).await;
    }
    // a miss: the first request renders, the ones meanwhile wait for it
    let waiting = {
        let mut rendering = pages.rendering.lock().unwrap_or_else(|e| e.into_inner());
        match rendering.get(&view.key()) {
            Some(rx) => Err(rx.clone()),
            None => {
                let (tx, rx) = tokio::sync::watch::channel(false);
                rendering.insert(view.key(), rx);
                Ok(tx)
            }
        }
    };
    match waiting {
        Ok(tx) => {
            let _done = Rendering { pages, key: view.key(), tx };
            let began = pages.generation(&view.slug);
            match render(&state, &view, req, next).await {
                Rendered::Kept(entry) => {
                    pages.put(&view, began, entry.clone());
                    answer.from(pages, &nonce(&state, &view), &entry, "miss")
                }
                Rendered::Not(res) => res,
            }
        }
        Err(mut rx) => {
            // the renderer ends (kept or not) or goes away (its request was dropped): look again
            let _ = rx.wait_for(|done| *done).await;
            match pages.get(&view) {
                Some(entry) => answer.from(pages, &nonce(&state, &view), &entry, "hit"),
                None => next.run(req).await,
            }
        }
    }
}

/// Lets the next request render a stale view again, however this one's render ends.
struct Refreshing<'a>(&'a std::sync::atomic::AtomicBool);

impl Drop for Refreshing<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// Ends a render in progress however it ends: the waiters are let go.
struct Rendering<'a> {
    pages: &'a PageCache,
    key: String,
    tx: tokio::sync::watch::Sender<bool>,
}

impl Drop for Rendering<'_> {
    fn drop(&mut self) {
        self.pages.rendering.lock().unwrap_or_else(|e| e.into_inner()).remove(&self.key);
        let _ = self.tx.send(true);
    }
}

enum Rendered {
    Kept(Arc<Entry>),
    /// Not a page to keep (not found, an error, a cookie set): answered as it is.
    Not(Response),
}

/// Renders the view as nobody: the request without cookies, at the view's canonical address.
async fn render(state: &AppState, view: &View, mut req: Request, next: Next) -> Rendered {
    let uri = view.uri().parse().unwrap_or_else(|_| req.uri().clone());
    *req.uri_mut() = uri;
    *req.method_mut() = Method::GET;
    // nothing of the asker's reaches a page that everyone will get: only the host it asked
    let host = req.headers().get(header::HOST).cloned();
    req.headers_mut().clear();
    if let Some(host) = host {
        req.headers_mut().insert(header::HOST, host);
    }
    req.headers_mut().insert(header::ACCEPT, http::HeaderValue::from_static("text/html"));
    req.extensions_mut().insert(SharedRender { placeholder: state.pages.placeholder.clone() });
    let res = next.run(req).await;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if res.status() != StatusCode::OK || !html || res.headers().contains_key(header::SET_COOKIE) {
        return Rendered::Not(res);
    }
    let (parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, 16 * 1024 * 1024).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "a page could not be read to keep it");
            let mut res = Response::new(Body::from("The page could not be sent. Please try again."));
            *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            return Rendered::Not(res);
        }
    };
    let placeholder = state.pages.placeholder.clone();
    let scripts = state.scripts.clone();
    let now = state.clock.now();
    // the permit goes with the work: a dropped request does not free a place while it runs
    let permit = state.pages.compressing.clone().acquire_owned().await;
    let built = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let page = app::server::tidy::tidy(&String::from_utf8_lossy(&bytes));
        let entry = app::server::page_cache::build(&page, &placeholder, &scripts, now);
        (page, entry)
    })
    .await;
    match built {
        Ok((_, Some(entry))) => Rendered::Kept(Arc::new(entry)),
        Ok((page, None)) => {
            // not splittable as expected (a key outside an input?): a page for this request only
            tracing::warn!(slug = %view.slug, "a view could not be kept: answered for this request only");
            let nonce = app::api::forms::form_nonce(&state.secret, now, &view.slug);
            let mut res =
                Response::from_parts(parts, Body::from(page.replace(&*state.pages.placeholder, &nonce)));
            res.headers_mut().remove(header::CONTENT_LENGTH);
            Rendered::Not(res)
        }
        Err(e) => {
            tracing::error!(error = %e, "keeping a page failed");
            let mut res = Response::new(Body::from("The page could not be sent. Please try again."));
            *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            Rendered::Not(res)
        }
    }
}

/// A fresh form nonce for an answer about `view`'s article.
fn nonce(state: &AppState, view: &View) -> String {
    app::api::forms::form_nonce(&state.secret, state.clock.now(), &view.slug)
}

#[cfg(test)]
mod tests {
    use super::canonical_list_path;

    #[test]
    fn only_the_addresses_the_site_writes_are_kept_list_pages() {
        for kept in [
            "/",
            "/archive",
            "/archive/2026/12",
            "/section/world",
            "/section/middle%20east",
            "/tags/human-rights",
            "/tags/t%C3%BCrkiye",
            "/authors/ana-ruiz",
        ] {
            assert!(canonical_list_path(kept), "{kept}");
        }
        for not in [
            "",
            "/archive/",
            "/archive/2026/13",
            "/archive/2026/1",
            "/section/World",
            "/section/wor%6Cd",
            "/section/",
            "/section/world/",
            "/tags/Human-rights",
            "/tags/human%20rights",
            "/tags/t%c3%bcrkiye",
            "/tags/%FF",
            "/tags/%",
            "/articles/x",
            "/section/a/b",
            "//",
            "/tags/a%2",
            "/authors/Ana-Ruiz",
            "/authors/ana%2Druiz",
            "/authors/",
        ] {
            assert!(!canonical_list_path(not), "{not}");
        }
    }
}
