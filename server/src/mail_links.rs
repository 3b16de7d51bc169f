//! The links in mails, with JavaScript on or off alike: a GET shows a page that says what the
//! link will do (mail scanners open links; they must not confirm or unsubscribe anyone), and
//! the page's button POSTs here, which acts and redirects back to the page.
//! `/subscriptions/unsubscribe` also takes the RFC 8058 one-click POST a mail client sends.
use app::server::state::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderMap, StatusCode};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Debug, Deserialize)]
pub struct ManageForm {
    #[serde(default)]
    subscription: i64,
}

fn failed(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "answering a mail link");
    crate::form_posts::simple_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "Something went wrong on our side. Please try the link again in a minute.",
    )
}

fn back(path: &str, token: &str, extra: &str) -> Response {
    Redirect::to(&format!("{path}?token={}{extra}", urlencode(token))).into_response()
}

fn urlencode(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

/// The confirmation page's button. The browser that presses it proved the address is its
/// reader's: it gets (or keeps) its reader cookie and is not asked to confirm again.
pub async fn confirm(
    State(state): State<AppState>,
    Query(q): Query<TokenQuery>,
    request: axum::extract::Request,
) -> Response {
    let visitor = app::server::requester::Requester::of(request.headers(), request.extensions(), &state);
    match app::server::store::notify::confirm(&state.pool, &q.token, &visitor.reader_id, state.clock.now())
        .await
    {
        Ok(app::server::store::notify::LinkUse::Done) => {
            let mut res = back("/subscriptions/confirm", &q.token, "");
            if let Some(cookie) = visitor.set_cookie {
                res.headers_mut().append(http::header::SET_COOKIE, cookie);
            }
            res
        }
        Ok(_) => back("/subscriptions/confirm", &q.token, ""),
        Err(e) => failed(e),
    }
}

/// The confirmation mail's Cancel; also its `List-Unsubscribe` one-click target.
pub async fn cancel(
    State(state): State<AppState>,
    Query(q): Query<TokenQuery>,
    headers: HeaderMap,
) -> Response {
    use app::server::store::notify::LinkUse;
    let browser = crate::form_posts::wants_html(&headers);
    match app::server::store::notify::cancel(&state.pool, &q.token, state.clock.now()).await {
        Ok(LinkUse::Done) if browser => back("/subscriptions/cancel", &q.token, "&done=1"),
        Ok(_) if browser => back("/subscriptions/cancel", &q.token, ""),
        Ok(LinkUse::Unknown) => (StatusCode::NOT_FOUND, "Unknown link.").into_response(),
        Ok(_) => (StatusCode::OK, "Cancelled.").into_response(),
        Err(e) => failed(e),
    }
}

/// One click (RFC 8058): a mail client POSTs `List-Unsubscribe=One-Click` to the link, without
/// cookies or a confirmation page, and gets `200`. A browser's button gets the page again.
pub async fn unsubscribe(
    State(state): State<AppState>,
    Query(q): Query<TokenQuery>,
    headers: HeaderMap,
) -> Response {
    use app::server::store::notify::LinkUse;
    let browser = crate::form_posts::wants_html(&headers);
    match app::server::store::notify::unsubscribe_token(&state.pool, &q.token, state.clock.now()).await {
        Ok(_) if browser => back("/subscriptions/unsubscribe", &q.token, ""),
        Ok(LinkUse::Unknown) => (StatusCode::NOT_FOUND, "Unknown unsubscribe link.").into_response(),
        Ok(_) => (StatusCode::OK, "Unsubscribed.").into_response(),
        Err(e) => failed(e),
    }
}

pub async fn manage(
    State(state): State<AppState>,
    Query(q): Query<TokenQuery>,
    axum::Form(form): axum::Form<ManageForm>,
) -> Response {
    let now = state.clock.now();
    match app::server::store::notify::manage_email(&state.pool, &q.token, now).await {
        Ok(Some(email)) => {
            match app::server::store::notify::remove_of_email(&state.pool, &email, form.subscription).await {
                Ok(_) => back("/subscriptions/manage", &q.token, "&removed=1"),
                Err(e) => failed(e),
            }
        }
        Ok(None) => back("/subscriptions/manage", &q.token, ""),
        Err(e) => failed(e),
    }
}

/// The reader-data link's button: a download of the address's data (export), or its erasure.
/// Either works once: the link is used up in the transaction that does it.
pub async fn reader_data(State(state): State<AppState>, Query(q): Query<TokenQuery>) -> Response {
    use app::server::store::desk::readers::{self, LinkUse};
    let who = app::server::store::desk::Actor { id: 0, name: "Reader (by mail link)".into() };
    let reader_key = |email: &str| app::server::requester::erased_key(&state.secret, email);
    match readers::use_link(&state.pool, &q.token, &who, reader_key, state.clock.now()).await {
        Ok(LinkUse::Exported(data)) => {
            tracing::info!("a reader downloaded their data");
            json_download(&data)
        }
        Ok(LinkUse::Erased(_)) => {
            // after the commit: no kept page shows what was erased
            state.changed(app::server::changes::Change::Site).await;
            tracing::info!("a reader erased their data");
            back("/privacy/data", &q.token, "&erased=1")
        }
        Ok(LinkUse::Gone(_)) => back("/privacy/data", &q.token, ""),
        Err(e) => failed(e),
    }
}

/// A JSON file to save (never shown as a page, never cached).
pub fn json_download(data: &serde_json::Value) -> Response {
    let body = serde_json::to_string_pretty(data).unwrap_or_default();
    (
        [
            (http::header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (http::header::CONTENT_DISPOSITION, "attachment; filename=\"byline-my-data.json\""),
            (http::header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}
