//! Plain form posts: every form of the site, with JavaScript on or off.
//!
//! A form posts to its server function's URL asking for `text/html`, and this middleware
//! answers: a `303` to the result on success, or — on a refusal — the page rendered again with
//! the reader's input and the messages, under the refusal's status (400, 403, 404, 409, 429…).
//! Nothing typed is lost and nothing travels in a URL. With JavaScript the page swapper
//! (`shell/enhance.js`) sends the same post in the background and shows the answer in place;
//! its success is a `204` naming the next page (`NEXT_PAGE`). A client asking for JSON gets the
//! server function's own answer.
use app::api::comments::{safe_back, DeleteComment, EditComment, PostComment, PostFeedback, VoteComment};
use app::api::notify::{RequestManageLink, SetSubscription};
use app::api::SendContactMessage;
use app::domain::{ApiError, CommentActionForm, CommentForm, ContactForm, FormEcho};
use app::server::requester::Requester;
use app::server::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, Method, StatusCode};
use leptos::prelude::provide_context;
use leptos::server_fn::ServerFn;

/// Largest form body accepted, in bytes.
pub const FORM_LIMIT: usize = 64 * 1024;
/// A story from the desk's editor (`/desk/stories`): its text is up to 200,000 characters, which
/// a form sends as up to 9 bytes each (`%E4%B8%AD` for one CJK character), with its other fields.
pub const STORY_FORM_LIMIT: usize = 4 * 1024 * 1024;

/// The largest body a request to `path` may send.
pub fn body_limit(path: &str) -> usize {
    if path == "/desk/stories" {
        STORY_FORM_LIMIT
    } else {
        FORM_LIMIT
    }
}

pub async fn plain_form_posts(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST || !wants_html(req.headers()) {
        return next.run(req).await;
    }
    let path = req.uri().path().to_string();
    let fetched = req.headers().contains_key(FETCHED);
    let mut visitor = Requester::of(req.headers(), req.extensions(), &state);
    let mut res = match path.as_str() {
        p if p == PostComment::PATH => comment(&state, &mut visitor, req).await,
        p if p == PostFeedback::PATH => feedback(&state, &mut visitor, req).await,
        p if p == VoteComment::PATH => vote(&state, &visitor, req).await,
        p if p == EditComment::PATH => edit(&state, &visitor, req).await,
        p if p == DeleteComment::PATH => delete(&state, &visitor, req).await,
        p if p == SendContactMessage::PATH => contact(&state, &visitor, req).await,
        p if p == SetSubscription::PATH => notify(&state, &visitor, req).await,
        p if p == RequestManageLink::PATH => manage(&state, &visitor, req).await,
        p if p == app::api::reports::ReportComment::PATH => report(&state, &visitor, req).await,
        p if p == app::api::privacy::RequestReaderData::PATH => reader_data(&state, &visitor, req).await,
        _ => return next.run(req).await,
    };
    // a first-time writer's (form-derived) reader only with a post that went through
    if let Some(cookie) = visitor.set_cookie.filter(|_| !visitor.from_form || res.status().is_redirection()) {
        res.headers_mut().append(header::SET_COOKIE, cookie);
    }
    if fetched {
        res = named_not_followed(res);
    }
    res
}

/// Sent by the page swapper (`shell/enhance.js`) with each form it posts in the background.
pub const FETCHED: &str = "byline-fetch";
/// Where the swapper goes after a post that succeeded (the `Location` of the plain answer).
pub const NEXT_PAGE: &str = "byline-location";

/// A redirect that `fetch` would follow blindly, losing the `#fragment` (which comment to show):
/// for the swapper it becomes a `204` naming the page, and the swapper fetches that page.
pub(crate) fn named_not_followed(mut res: Response) -> Response {
    if !res.status().is_redirection() {
        return res;
    }
    if let Some(location) = res.headers_mut().remove(header::LOCATION) {
        res.headers_mut().insert(NEXT_PAGE, location);
        *res.status_mut() = StatusCode::NO_CONTENT;
    }
    res
}

/// The browser asks for a page (a plain form post), not JSON (`app::server::answer`).
pub use app::server::answer::wants_html;

/// The form a plain post carries, read by `read_form`; a body too large or unreadable is
/// answered at once with the page that says so (the handler returns it).
macro_rules! form_or_answer {
    ($req:expr) => {
        match read_form($req).await {
            Ok(form) => form,
            Err(page) => return page,
        }
    };
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

async fn comment(state: &AppState, visitor: &mut Requester, req: Request) -> Response {
    let form: CommentForm = form_or_answer!(req);
    *visitor = visitor.clone().for_form(state, &form.key, &form.article, &form.body);
    if !valid_slug(&form.article) {
        return simple_page(StatusCode::NOT_FOUND, "Article not found", "This article does not exist.");
    }
    let mut uri = app::domain::article::article_path(&form.article);
    if let Some(p) = form.parent {
        uri.push_str(&format!("?replytocom={p}"));
    }
    if form.intent == "preview" {
        let (preview, error) = match app::api::comments::preview(&form.body) {
            Ok(html) => (Some(html), None),
            Err(e) => (None, Some(e)),
        };
        let status = error.as_ref().map(ApiError::status).unwrap_or(200);
        return render_again(state, uri, FormEcho::Comment { form, error, preview }, status, None).await;
    }
    let result = app::api::comments::submit(state, visitor, &form).await;
    *visitor = app::api::comments::without_cookie_if_repeated(visitor.clone(), &result);
    match result {
        Ok(posted) => Redirect::to(&posted.location).into_response(),
        Err(err) => {
            let (status, retry) = (err.status(), err.retry_after());
            render_again(
                state,
                uri,
                FormEcho::Comment { form, error: Some(err), preview: None },
                status,
                retry,
            )
            .await
        }
    }
}

async fn feedback(state: &AppState, visitor: &mut Requester, req: Request) -> Response {
    let mut form: CommentForm = form_or_answer!(req);
    *visitor = visitor.clone().for_form(state, &form.key, &form.article, &form.body);
    if !valid_slug(&form.article) {
        return simple_page(StatusCode::NOT_FOUND, "Article not found", "This article does not exist.");
    }
    form.parent = None;
    let path = app::domain::article::article_path(&form.article);
    let result = match form.feedback_target() {
        Some(_) => app::api::comments::submit(state, visitor, &form).await,
        None => Err(ApiError::field("body", "Choose a passage of the article to comment on.")),
    };
    *visitor = app::api::comments::without_cookie_if_repeated(visitor.clone(), &result);
    match result {
        Ok(posted) => Redirect::to(&posted.location).into_response(),
        Err(err) => {
            let uri = match form.passage {
                Some(p) => format!("{path}?feedback={p}"),
                None => path,
            };
            let (status, retry) = (err.status(), err.retry_after());
            render_again(
                state,
                uri,
                FormEcho::Comment { form, error: Some(err), preview: None },
                status,
                retry,
            )
            .await
        }
    }
}

async fn vote(state: &AppState, visitor: &Requester, req: Request) -> Response {
    let form: CommentActionForm = form_or_answer!(req);
    match app::api::comments::vote(state, visitor, form.comment, &form.direction, &form.back).await {
        Ok(outcome) => Redirect::to(&outcome.location).into_response(),
        Err(error) => notice(state, &form, error).await,
    }
}

async fn edit(state: &AppState, visitor: &Requester, req: Request) -> Response {
    let form: CommentActionForm = form_or_answer!(req);
    match app::api::comments::edit(state, visitor, form.comment, &form.body, &form.back).await {
        Ok(done) => Redirect::to(&done.location).into_response(),
        Err(error) => {
            let back = safe_back(&form.back, "/");
            let sep = if back.contains('?') { '&' } else { '?' };
            let uri = format!("{back}{sep}edit={}", form.comment);
            let (status, retry) = (error.status(), error.retry_after());
            let echo = FormEcho::Edit { comment: form.comment, body: form.body, error };
            render_again(state, uri, echo, status, retry).await
        }
    }
}

async fn delete(state: &AppState, visitor: &Requester, req: Request) -> Response {
    let form: CommentActionForm = form_or_answer!(req);
    match app::api::comments::delete(state, visitor, form.comment, &form.back).await {
        Ok(done) => Redirect::to(&done.location).into_response(),
        Err(error) => notice(state, &form, error).await,
    }
}

/// A refused vote or delete: the page again, with the message at the comment.
async fn notice(state: &AppState, form: &CommentActionForm, error: ApiError) -> Response {
    let back = safe_back(&form.back, "/");
    if back == "/" {
        return simple_page(
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST),
            "That did not work",
            &error.to_string(),
        );
    }
    let (status, retry) = (error.status(), error.retry_after());
    render_again(state, back, FormEcho::Notice { comment: form.comment, error }, status, retry).await
}

async fn contact(state: &AppState, visitor: &Requester, req: Request) -> Response {
    let form: ContactForm = form_or_answer!(req);
    match app::api::contact::submit(state, visitor, &form).await {
        Ok(()) => Redirect::to("/contact?sent=1").into_response(),
        Err(err) => {
            let (status, retry) = (err.status(), err.retry_after());
            render_again(state, "/contact".into(), FormEcho::Contact(form, err), status, retry).await
        }
    }
}

async fn notify(state: &AppState, visitor: &Requester, req: Request) -> Response {
    let form: app::domain::notify::NotifyForm = form_or_answer!(req);
    if !valid_slug(&form.article) {
        return simple_page(StatusCode::NOT_FOUND, "Article not found", "This article does not exist.");
    }
    match app::api::notify::set(state, visitor, &form).await {
        Ok(done) => Redirect::to(&done.location).into_response(),
        Err(error) => {
            let uri = app::domain::article::article_path(&form.article);
            let (status, retry) = (error.status(), error.retry_after());
            render_again(state, uri, FormEcho::Notify { form, error }, status, retry).await
        }
    }
}

async fn manage(state: &AppState, visitor: &Requester, req: Request) -> Response {
    #[derive(serde::Deserialize)]
    struct Form {
        #[serde(default)]
        email: String,
    }
    let form: Form = form_or_answer!(req);
    match app::api::notify::manage_link(state, visitor, &form.email).await {
        Ok(_) => Redirect::to("/subscriptions?sent=1").into_response(),
        Err(error) => {
            let (status, retry) = (error.status(), error.retry_after());
            let echo = FormEcho::Manage { email: form.email, error };
            render_again(state, "/subscriptions".into(), echo, status, retry).await
        }
    }
}

async fn report(state: &AppState, visitor: &Requester, req: Request) -> Response {
    #[derive(serde::Deserialize)]
    struct Form {
        comment: i64,
        #[serde(default)]
        reason: String,
        #[serde(default)]
        note: String,
        #[serde(default)]
        back: String,
    }
    let form: Form = form_or_answer!(req);
    match app::api::reports::report(state, visitor, form.comment, &form.reason, &form.note, &form.back).await
    {
        Ok(done) => Redirect::to(&done.location).into_response(),
        Err(error) => {
            let back = safe_back(&form.back, "/");
            if back == "/" {
                return simple_page(
                    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST),
                    "That did not work",
                    &error.to_string(),
                );
            }
            let sep = if back.contains('?') { '&' } else { '?' };
            let uri = format!("{back}{sep}report={}", form.comment);
            let (status, retry) = (error.status(), error.retry_after());
            render_again(state, uri, FormEcho::Report { comment: form.comment, error }, status, retry).await
        }
    }
}

async fn reader_data(state: &AppState, visitor: &Requester, req: Request) -> Response {
    #[derive(serde::Deserialize)]
    struct Form {
        #[serde(default)]
        email: String,
        #[serde(default)]
        action: String,
    }
    let form: Form = form_or_answer!(req);
    match app::api::privacy::request(state, visitor, &form.email, &form.action).await {
        Ok(_) => Redirect::to("/privacy?sent=1#your-data").into_response(),
        Err(error) => {
            let (status, retry) = (error.status(), error.retry_after());
            let echo = FormEcho::Manage { email: form.email, error };
            render_again(state, "/privacy".into(), echo, status, retry).await
        }
    }
}

pub fn valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Renders the page at `uri` with the echo, under `status`.
async fn render_again(
    state: &AppState,
    uri: String,
    echo: FormEcho,
    status: u16,
    retry_after: Option<u64>,
) -> Response {
    render_page(state, uri, echo, status, retry_after, None).await
}

/// Renders the page at `uri` with the echo, under `status`; `cookie`: the request's Cookie
/// header, for pages that depend on who asks (the desk).
pub(crate) async fn render_page(
    state: &AppState,
    uri: String,
    echo: FormEcho,
    status: u16,
    retry_after: Option<u64>,
    cookie: Option<header::HeaderValue>,
) -> Response {
    let options = state.leptos_options.clone();
    let state = state.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(state.clone());
            provide_context(echo.clone());
            provide_context(app::server::article_memo::ArticleMemo::default());
        },
        move || app::shell(options.clone()),
    );
    let mut builder = Request::get(uri).header(header::ACCEPT, "text/html");
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    let Ok(req) = builder.body(Body::empty()) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut res = render(req).await;
    *res.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    if let Some(retry_after) = retry_after {
        if let Ok(v) = header::HeaderValue::from_str(&retry_after.to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    res
}

/// A minimal page for refusals that happen before a form can be read.
pub fn simple_page(status: StatusCode, title: &str, message: &str) -> Response {
    use app::domain::text::escape_html;
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
