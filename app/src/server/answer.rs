//! How a server function answers: a refusal's status (`ApiError::status`, the one place a
//! refusal maps to 400, 403, 404, 409, 413 or 429, with Retry-After) set on the response, and
//! the reader cookie a request was given sent along.

/// How every server function answers: the work's result, with a refusal's status (400, 403,
/// 404, 409, 413, 429 and its Retry-After: `ApiError::status`) set on the answer, and the reader
/// cookie the request was given (if it had none) sent along.
pub async fn answer<T>(
    requester: &crate::server::requester::Requester,
    work: impl std::future::Future<Output = Result<T, crate::domain::ApiError>>,
) -> Result<T, crate::domain::ApiError> {
    let result = work.await;
    if result.is_ok() || !requester.from_form {
        requester.remember();
    }
    refused(result)
}

/// The result unchanged; a refusal's status set on the answer.
pub fn refused<T>(result: Result<T, crate::domain::ApiError>) -> Result<T, crate::domain::ApiError> {
    if let Err(e) = &result {
        set_status_for(e);
    }
    result
}

/// Sets the HTTP status of the current response to match a refusal.
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

/// The browser asks for a page (a plain form post), not JSON.
pub fn wants_html(headers: &http::HeaderMap) -> bool {
    headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
}
