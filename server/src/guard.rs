//! Refuses state-changing requests that another site's page sends on the reader's behalf.
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, Method, StatusCode};

pub async fn same_origin_writes(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    // RFC 8058: the mail provider POSTs the one-click unsubscribe from its own servers; the
    // secret token in the URL is the authority, not a cookie
    if matches!(req.uri().path(), "/subscriptions/unsubscribe" | "/subscriptions/cancel") {
        return next.run(req).await;
    }
    let headers = req.headers();
    let cross_site =
        headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()).is_some_and(|v| v == "cross-site");
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    // Browsers send Origin on every POST; a client without one (curl, a feed reader) is not a
    // browser carrying a reader's cookies, so it is let through.
    let foreign_origin = match (headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()), host) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => origin_host(origin) != Some(host),
        (Some(_), None) => true,
        (None, _) => false,
    };
    if cross_site || foreign_origin {
        tracing::warn!(origin = ?headers.get(header::ORIGIN), "refused a cross-origin write");
        return (StatusCode::FORBIDDEN, "This form can only be sent from Byline's own pages.")
            .into_response();
    }
    next.run(req).await
}

fn origin_host(origin: &str) -> Option<&str> {
    origin.split_once("://").map(|(_, rest)| rest.trim_end_matches('/'))
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

#[cfg(test)]
mod tests {
    use super::origin_host;

    #[test]
    fn origin_host_strips_the_scheme() {
        assert_eq!(origin_host("http://127.0.0.1:3000"), Some("127.0.0.1:3000"));
        assert_eq!(origin_host("https://news.example"), Some("news.example"));
        assert_eq!(origin_host("garbage"), None);
    }
}
