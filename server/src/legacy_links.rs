//! Old addresses keep working after an import: a WordPress permalink (`/2026/01/15/slug/`,
//! whatever the site's permalink structure was — the importer kept each post's path),
//! `/?p=ID`, a post's `/feed/`, and `?replytocom=N` answer 301 to the Byline article (the
//! comment's permalink for `replytocom`). A `#comment-N` fragment is kept by the browser
//! across the redirect, and imported comments keep their WordPress id where it was free, so it
//! lands on the same comment.
//!
//! Only addresses the site does not serve itself are looked up (one indexed query), and only
//! for GET and HEAD; Byline's own paths only when they answer 404 (an old `/articles/slug/`).
use app::server::state::AppState;
use app::server::store::imports;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, Method, StatusCode};

/// The first path segments Byline serves: looked up as old addresses only where Byline has
/// nothing to show (a 404), so its own pages cost no lookup.
const OURS: [&str; 12] = [
    "articles",
    "pkg",
    "desk",
    "api",
    "section",
    "contact",
    "privacy",
    "subscriptions",
    "sitemap.xml",
    "robots.txt",
    "healthz",
    "feed",
];

fn moved(to: String) -> Response {
    (
        StatusCode::MOVED_PERMANENTLY,
        [(header::LOCATION, to), (header::CACHE_CONTROL, "public, max-age=86400".into())],
    )
        .into_response()
}

fn query_value<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query.split('&').filter_map(|kv| kv.split_once('=')).find(|(k, _)| *k == key).map(|(_, v)| v)
}

fn number(v: Option<&str>) -> Option<i64> {
    v.and_then(|v| v.parse::<i64>().ok()).filter(|n| *n > 0)
}

pub async fn redirect_old_links(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let path = req.uri().path();
    let query = req.uri().query().unwrap_or("");
    if path == "/" {
        // `/?p=5`, `/?page_id=5`: WordPress's plain links
        let Some(post) = number(query_value(query, "p")).or_else(|| number(query_value(query, "page_id")))
        else {
            return next.run(req).await;
        };
        return match imports::slug_for_old_post(&state.pool, &post.to_string()).await {
            Ok(Some((slug, _))) => {
                let reply = number(query_value(query, "replytocom"));
                moved(target(&state, &slug, reply).await)
            }
            Ok(None) => next.run(req).await,
            Err(e) => {
                tracing::error!(error = %e, "looking up an old address");
                next.run(req).await
            }
        };
    }
    if path.len() > 2_000 {
        return next.run(req).await;
    }
    let (path, query) = (path.to_string(), query.to_string());
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    if OURS.contains(&first) {
        // Byline's own address first; an old one only where it has nothing (a site whose old
        // permalinks were `/articles/slug/`, or whose slug an import had to rename), and
        // never to the address asked for
        let res = next.run(req).await;
        if res.status() != StatusCode::NOT_FOUND {
            return res;
        }
        return match old_link(&state, &path, &query).await {
            Some(to) if to.split(['?', '#']).next() != Some(path.as_str()) => moved(to),
            _ => res,
        };
    }
    match old_link(&state, &path, &query).await {
        Some(to) => moved(to),
        None => next.run(req).await,
    }
}

/// Where an old address `path` (an imported post's permalink, or its `/feed/`) leads now.
async fn old_link(state: &AppState, path: &str, query: &str) -> Option<String> {
    // a story whose address the desk changed after publishing it
    if let Some(rest) = path.strip_prefix("/articles/") {
        let (slug, tail) =
            rest.split_once('/').map(|(s, t)| (s, format!("/{t}"))).unwrap_or((rest, String::new()));
        match app::server::store::stories::moved_to(&state.pool, slug).await {
            Ok(Some(now)) => {
                let query = if query.is_empty() { String::new() } else { format!("?{query}") };
                return Some(format!("{}{tail}{query}", app::domain::article::article_path(&now)));
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "looking up a story's old address"),
        }
    }
    // `/2026/01/15/slug/feed/` → that article's comment feed
    let (lookup, feed) = match path.trim_end_matches('/').strip_suffix("/feed") {
        Some(rest) => (format!("{rest}/"), true),
        None => (path.to_string(), false),
    };
    let mut candidates = vec![lookup.clone()];
    // the same address with or without its trailing slash
    if let Some(bare) = lookup.strip_suffix('/').filter(|b| !b.is_empty()) {
        candidates.push(bare.to_string());
    } else {
        candidates.push(format!("{lookup}/"));
    }
    for candidate in candidates {
        match imports::slug_for_old_link(&state.pool, &candidate).await {
            Ok(Some(slug)) => {
                if feed {
                    return Some(format!("{}/feed", app::domain::article::article_path(&slug)));
                }
                let reply = number(query_value(query, "replytocom"));
                return Some(target(state, &slug, reply).await);
            }
            Ok(None) => {}
            Err(e) => {
                tracing::error!(error = %e, "looking up an old address");
                return None;
            }
        }
    }
    None
}

/// The article, or the permalink of the comment `replytocom` named (by its old id).
async fn target(state: &AppState, slug: &str, replytocom: Option<i64>) -> String {
    let path = app::domain::article::article_path(slug);
    let Some(old) = replytocom else { return path };
    match imports::comment_for_old_id(&state.pool, slug, old).await {
        Ok(Some(id)) => format!("{path}?comment={id}#comment-{id}"),
        Ok(None) => path,
        Err(e) => {
            tracing::error!(error = %e, "looking up an old comment");
            path
        }
    }
}
