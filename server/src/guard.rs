//! The edge of the site: which hosts and origins it answers, the headers every answer carries,
//! where it may redirect, and what a panic becomes.
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, Method, StatusCode};
use std::sync::Arc;

/// Who the site is: the origins its pages are served from and the hosts it answers to.
#[derive(Debug, Clone)]
pub struct Site {
    /// `scheme://host[:port]`, lower-cased, e.g. `https://news.example`.
    origins: Vec<String>,
    /// `host[:port]` as a Host header names it.
    hosts: Vec<String>,
    https: bool,
}

impl Site {
    /// The site at `base_url` (`SITE_URL`). When SITE_URL was not set and the server listens
    /// on a loopback address, `localhost` and `127.0.0.1` are the same site.
    pub fn new(base_url: &str, loopback_aliases: bool) -> Site {
        let base = base_url.trim_end_matches('/').to_ascii_lowercase();
        let (scheme, rest) = base.split_once("://").unwrap_or(("http", &base));
        let authority = rest.split('/').next().unwrap_or(rest).to_string();
        let mut hosts = vec![authority.clone()];
        // a default port may be left out of the Host header
        let default_port = if scheme == "https" { ":443" } else { ":80" };
        if let Some(bare) = authority.strip_suffix(default_port) {
            hosts.push(bare.to_string());
        } else if !authority.contains(':') || authority.ends_with(']') {
            hosts.push(format!("{authority}{default_port}"));
        }
        if loopback_aliases {
            if let Some((_, port)) = authority.rsplit_once(':').filter(|(h, _)| is_loopback(h)) {
                for h in ["127.0.0.1", "localhost", "[::1]"] {
                    hosts.push(format!("{h}:{port}"));
                }
            }
        }
        hosts.dedup();
        let origins = hosts.iter().map(|h| format!("{scheme}://{h}")).collect();
        Site { origins, hosts, https: scheme == "https" }
    }

    fn knows_host(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        self.hosts.contains(&host)
    }

    fn knows_origin(&self, origin: &str) -> bool {
        let origin = origin.trim_end_matches('/').to_ascii_lowercase();
        self.origins.contains(&origin)
    }
}

fn is_loopback(host: &str) -> bool {
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

/// Answers only requests for this site's own host (a request naming another host is a DNS
/// rebinding attempt or a misrouted one), and refuses writes that another site's page sends
/// on a reader's behalf: the Origin must be this site's (scheme, host and port), and
/// `Sec-Fetch-Site: cross-site` is refused whatever the Origin says.
pub async fn own_site_only(State(site): State<Arc<Site>>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    // HTTP/2 carries the host in the URI's authority instead
    let host = host.or_else(|| req.uri().authority().map(|a| a.as_str()));
    if req.uri().path() != "/healthz" && !host.is_some_and(|h| site.knows_host(h)) {
        tracing::warn!(host = ?host, "refused a request for another host");
        return plain(StatusCode::BAD_REQUEST, "This server does not answer for that host.");
    }
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    // RFC 8058: the mail provider POSTs the one-click unsubscribe from its own servers; the
    // secret token in the URL is the authority, not a cookie
    if matches!(req.uri().path(), "/subscriptions/unsubscribe" | "/subscriptions/cancel") {
        return next.run(req).await;
    }
    let cross_site =
        headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()).is_some_and(|v| v == "cross-site");
    // Browsers send Origin on every POST; a client without one (curl, a feed reader) is not a
    // browser carrying a reader's cookies, so it is let through.
    let foreign_origin = match headers.get(header::ORIGIN).map(|v| v.to_str()) {
        None => false,
        Some(Ok(origin)) => !site.knows_origin(origin),
        Some(Err(_)) => true,
    };
    if cross_site || foreign_origin {
        tracing::warn!(origin = ?headers.get(header::ORIGIN), "refused a cross-origin write");
        return plain(StatusCode::FORBIDDEN, "This form can only be sent from Byline's own pages.");
    }
    next.run(req).await
}

fn plain(status: StatusCode, message: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], message).into_response()
}

/// The headers every answer carries: no framing, a Content-Security-Policy for answers that
/// did not set their own (pages set one with their script nonce), HSTS on an https site, and
/// `Cache-Control: private, no-cache` on pages (each carries its reader's form keys) and
/// `no-store` on server functions.
pub async fn security_headers(State(site): State<Arc<Site>>, req: Request, next: Next) -> Response {
    // server functions answer one reader (form keys, their subscriptions), and the desk shows
    // readers' emails and messages: never kept by a cache, the browser's included
    let path = req.uri().path();
    let api = path.starts_with("/api/") || path == "/desk" || path.starts_with("/desk/");
    let preview = path.starts_with("/preview/");
    let mut res = next.run(req).await;
    if api {
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let h = res.headers_mut();
    if preview {
        // a draft shown through a signed link: kept nowhere, indexed nowhere, and its address
        // (the signature) sent to no other page
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert("x-robots-tag", HeaderValue::from_static("noindex, nofollow"));
        h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    }
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.entry(header::REFERRER_POLICY).or_insert(HeaderValue::from_static("strict-origin-when-cross-origin"));
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(app::server::csp::NO_SCRIPTS));
    if site.https {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    let html =
        h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if html {
        h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("private, no-cache"));
    }
    res
}

/// Redirects stay on this site: a `Location` that is not a path here (leptos_axum sends a
/// server function's GET back to whatever `Referer` said) becomes the front page.
pub async fn local_redirects(State(site): State<Arc<Site>>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    if let Some(location) = res.headers().get(header::LOCATION) {
        let ok = location.to_str().ok().is_some_and(|l| local_location(&site, l));
        if !ok {
            tracing::warn!(location = ?location, "replaced a redirect to another site");
            res.headers_mut().insert(header::LOCATION, HeaderValue::from_static("/"));
        }
    }
    res
}

fn local_location(site: &Site, location: &str) -> bool {
    let path = match site.origins.iter().find_map(|o| location.strip_prefix(o.as_str())) {
        Some(rest) => rest,
        None => location,
    };
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && path.chars().all(|c| c.is_ascii_graphic())
}

/// A panic while answering a request: logged, and a clean 500 for that request only.
pub fn panic_answer(err: Box<dyn std::any::Any + Send + 'static>) -> http::Response<axum::body::Body> {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = %detail, "a request panicked; answered 500");
    crate::form_posts::simple_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "Something went wrong on our side. Please try again in a minute.",
    )
}

/// Server functions answer every error with 500 unless the function set a status; refusals
/// the framework makes before our code runs (an unreadable argument) are the client's fault.
/// This gives any `ApiError` answer the status it names.
pub async fn refusal_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR || !res.headers().contains_key("serverfnerror") {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 16 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side.").into_response();
    };
    if let Ok(err) = serde_json::from_slice::<app::domain::ApiError>(&bytes) {
        parts.status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// A body over the limit is refused before any handler reads it; a browser posting a form
/// (JavaScript off) gets a page that says so, not a bare status line.
/// Bodies are bounded by `form_posts::body_limit`: a declared length over it is refused at
/// once (413), a body that grows past it fails to read (the handler answers 413).
pub async fn body_limit(req: Request, next: Next) -> Response {
    let limit = crate::form_posts::body_limit(req.uri().path());
    let declared = req
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let (parts, body) = req.into_parts();
    let body = axum::body::Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

pub async fn too_large_page(req: Request, next: Next) -> Response {
    let browser = crate::form_posts::wants_html(req.headers());
    let limit = crate::form_posts::body_limit(req.uri().path()) / 1024;
    let res = next.run(req).await;
    let is_page = res
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if res.status() != StatusCode::PAYLOAD_TOO_LARGE || !browser || is_page {
        return res;
    }
    crate::form_posts::simple_page(
        StatusCode::PAYLOAD_TOO_LARGE,
        "Too long to send",
        &format!(
            "What you tried to send is larger than {limit} KiB. Please go back, shorten it and try again."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_is_its_scheme_host_and_port() {
        let s = Site::new("https://news.example", false);
        assert!(s.knows_origin("https://news.example"));
        assert!(s.knows_origin("https://News.Example/"));
        assert!(!s.knows_origin("http://news.example"), "another scheme is another origin");
        assert!(!s.knows_origin("https://news.example:8443"));
        assert!(!s.knows_origin("https://news.example.evil"));
        assert!(!s.knows_origin("null"));
        assert!(s.knows_host("news.example") && s.knows_host("news.example:443"));
        assert!(!s.knows_host("evil.example"));
        let local = Site::new("http://127.0.0.1:3000", true);
        assert!(local.knows_host("localhost:3000") && local.knows_origin("http://localhost:3000"));
        assert!(!local.knows_host("localhost:3001"));
        let fixed = Site::new("http://127.0.0.1:3000", false);
        assert!(!fixed.knows_host("localhost:3000"));
    }

    #[test]
    fn only_paths_on_this_site_are_redirected_to() {
        let s = Site::new("https://news.example", false);
        for ok in ["/", "/articles/a?x=1#c", "https://news.example/contact"] {
            assert!(local_location(&s, ok), "{ok}");
        }
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "evil",
            "https://news.example.evil/",
            "javascript:alert(1)",
        ] {
            assert!(!local_location(&s, bad), "{bad}");
        }
    }
}
