//! Plain form posts: the same forms with JavaScript off.
//!
//! `<ActionForm>` posts to its server function's URL. With JavaScript the browser asks for
//! JSON and the server function answers. Without it the browser asks for `text/html`, and this
//! middleware answers instead: a `303` to the result on success, or — on a refusal — the page
//! rendered again with the reader's input and the messages, under the refusal's status (400, 404,
//! 429…). Nothing typed is lost and nothing travels in a URL.
use crate::api::{PostComment, SendContactMessage};
use crate::domain::{ApiError, CommentForm, ContactForm, FormEcho};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, Method, StatusCode};
use leptos::prelude::provide_context;
use leptos::server_fn::ServerFn;

/// Largest form body accepted, in bytes.
pub const FORM_LIMIT: usize = 64 * 1024;

/// Set while rendering a page in answer to a plain POST: that page is served at the form's
/// URL, so it is not hydrated (the router would not know the URL); it works as plain HTML.
#[derive(Clone, Copy, Debug)]
pub struct PlainRender;

pub async fn plain_form_posts(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST || !wants_html(req.headers()) {
        return next.run(req).await;
    }
    let path = req.uri().path().to_string();
    if path == PostComment::PATH {
        comment(state, req).await
    } else if path == SendContactMessage::PATH {
        contact(state, req).await
    } else {
        next.run(req).await
    }
}

fn wants_html(headers: &http::HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
}

async fn read_form<T: serde::de::DeserializeOwned>(req: Request) -> Result<T, Response> {
    let bytes = axum::body::to_bytes(req.into_body(), FORM_LIMIT).await.map_err(|_| {
        simple_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Too long to send",
            "What you tried to send is larger than 64 KiB. Please shorten it and try again.",
        )
    })?;
    serde_qs::Config::new(5, false).deserialize_bytes(&bytes).map_err(|e| {
        tracing::warn!(error = %e, "unreadable plain form post");
        simple_page(
            StatusCode::BAD_REQUEST,
            "The form could not be read",
            "Please go back, reload the page and try again.",
        )
    })
}

async fn comment(state: AppState, req: Request) -> Response {
    let form: CommentForm = match read_form(req).await {
        Ok(f) => f,
        Err(res) => return res,
    };
    match crate::api::comments::submit(&state, &form).await {
        Ok(posted) => Redirect::to(&posted.location).into_response(),
        Err(err) => {
            if !valid_slug(&form.article) {
                return simple_page(
                    StatusCode::NOT_FOUND,
                    "Article not found",
                    "This article does not exist.",
                );
            }
            let mut uri = crate::domain::article::article_path(&form.article);
            if let Some(p) = form.parent {
                uri.push_str(&format!("?replytocom={p}"));
            }
            render_again(state, uri, FormEcho::Comment(form, err.clone()), &err).await
        }
    }
}

async fn contact(state: AppState, req: Request) -> Response {
    let form: ContactForm = match read_form(req).await {
        Ok(f) => f,
        Err(res) => return res,
    };
    match crate::api::contact::submit(&state, &form).await {
        Ok(()) => Redirect::to("/contact?sent=1").into_response(),
        Err(err) => render_again(state, "/contact".into(), FormEcho::Contact(form, err.clone()), &err).await,
    }
}

fn valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Renders the page at `uri` with the refused input and messages, under the refusal's status.
async fn render_again(state: AppState, uri: String, echo: FormEcho, err: &ApiError) -> Response {
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(state.clone());
            provide_context(echo.clone());
            provide_context(PlainRender);
        },
        move || crate::shell(options.clone()),
    );
    let Ok(req) = Request::get(uri).header(header::ACCEPT, "text/html").body(Body::empty()) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut res = render(req).await;
    *res.status_mut() = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST);
    if let ApiError::RateLimited { retry_after } = err {
        if let Ok(v) = header::HeaderValue::from_str(&retry_after.to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    res
}

/// A minimal page for refusals that happen before a form can be read.
pub fn simple_page(status: StatusCode, title: &str, message: &str) -> Response {
    use crate::domain::text::escape_html;
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t} — Byline</title><link rel=\"stylesheet\" href=\"/pkg/byline.css\"></head>\
         <body><main id=\"main\" class=\"simple-page\"><h1>{t}</h1><p>{m}</p>\
         <p><a class=\"button primary\" href=\"/\">Go to the front page</a></p></main></body></html>",
        t = escape_html(title),
        m = escape_html(message)
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}
