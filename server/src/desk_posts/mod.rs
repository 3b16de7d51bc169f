//! The desk's forms: sign-in and sign-out, moderation (one by one and in bulk), edits, bans,
//! settings, the inbox and staff accounts. Plain form posts, with JavaScript on or off: each
//! checks the staff session, the role and that the post came from this site's own page, does
//! its work (written to the audit log), and answers `303` to the page to show, or the page
//! again with the refusal under its status.
//!
//! Here: what every desk form shares (reading it, the checks, the answers) and signing in and
//! out; `comments` (moderation, edits, bans), `site` (settings, an article's comments, the
//! inbox), `people` (staff accounts, a reader's data).
use app::domain::desk::{Moderation, Need, Queue, Role};
use app::domain::{ApiError, FormEcho};
use app::server::staff;
use app::server::state::{internal, AppState};
use app::server::store::desk as store;
use app::server::store::desk::staff::StaffAccount;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, StatusCode};

mod comments;
mod people;
mod site;
mod stories;
pub use comments::{ban, edit, lift_ban, moderate};
pub use people::{add_staff, readers, update_staff};
pub use site::{article_mode, inbox, settings, site_identity};
pub use stories::story;

type Fields = Vec<(String, String)>;

fn field<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}

fn all<'a>(f: &'a Fields, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    f.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// A desk write, read and checked: the staff member, the form's fields and the request's
/// headers. Refused: signed out (the sign-in page), wrong role (403), not from our own page
/// (403: a staff write must carry this site's Origin, or `Sec-Fetch-Site: same-origin`).
struct Write {
    staff: StaffAccount,
    fields: Fields,
    headers: http::HeaderMap,
    extensions: http::Extensions,
}

async fn read(state: &AppState, req: Request, role: impl Into<Need>) -> Result<Write, Response> {
    let limit = crate::form_posts::body_limit(req.uri().path());
    let (parts, body) = req.into_parts();
    let (headers, extensions) = (parts.headers, parts.extensions);
    let same_origin = headers.contains_key(header::ORIGIN)
        || headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("same-origin");
    if !same_origin {
        tracing::warn!("refused a desk write without an Origin");
        return Err(crate::form_posts::simple_page(
            StatusCode::FORBIDDEN,
            "Refused",
            "Desk forms can only be sent from the desk's own pages.",
        ));
    }
    let staff = match staff::require_headers(state, &headers, role).await {
        Ok(s) => s,
        Err(ApiError::Unauthorized(_)) => return Err(finish(&headers, "/desk/signin")),
        Err(e) => {
            return Err(crate::form_posts::simple_page(
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::FORBIDDEN),
                "Not for your role",
                &e.to_string(),
            ))
        }
    };
    let fields = fields_of(body, limit).await?;
    Ok(Write { staff, fields, headers, extensions })
}

async fn fields_of(body: axum::body::Body, limit: usize) -> Result<Fields, Response> {
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| {
        crate::form_posts::simple_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Too long to send",
            &format!("The form is larger than {} KiB.", limit / 1024),
        )
    })?;
    serde_urlencoded::from_bytes::<Fields>(&bytes).map_err(|_| {
        crate::form_posts::simple_page(
            StatusCode::BAD_REQUEST,
            "The form could not be read",
            "Please reload the page and try again.",
        )
    })
}

/// Success: the page to show next (`303`; the page swapper gets `204` naming it).
fn finish(headers: &http::HeaderMap, location: &str) -> Response {
    let res = Redirect::to(location).into_response();
    if headers.contains_key(crate::form_posts::FETCHED) {
        crate::form_posts::named_not_followed(res)
    } else {
        res
    }
}

/// A refusal: the desk page at `uri` again, the message at its top, under `status`.
async fn refuse(
    state: &AppState,
    w: &Write,
    uri: &str,
    status: StatusCode,
    message: impl Into<String>,
) -> Response {
    let fields = w.fields.iter().filter(|(k, _)| !k.contains("password")).cloned().collect();
    let echo = FormEcho::Desk { message: message.into(), fields };
    let cookie = w.headers.get(header::COOKIE).cloned();
    crate::form_posts::render_page(state, uri.to_string(), echo, status.as_u16(), None, cookie).await
}

fn failed(context: &str, e: impl std::fmt::Display) -> Response {
    let _ = internal(context, e);
    crate::form_posts::simple_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "Something went wrong on our side; nothing was changed. Please try again.",
    )
}

/// A desk address to return to: a path under /desk, nothing else.
fn desk_back(back: &str, fallback: &str) -> String {
    let ok = (back == "/desk" || back.starts_with("/desk/") || back.starts_with("/desk?"))
        && !back.contains("//")
        && !back.contains('\\')
        && back.len() < 300
        && back.chars().all(|c| c.is_ascii_graphic());
    if ok {
        back.to_string()
    } else {
        fallback.to_string()
    }
}

pub async fn sign_in(State(state): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let fetched = parts.headers.contains_key(crate::form_posts::FETCHED);
    let ip = app::server::requester::client_ip(&parts.headers, &parts.extensions, state.site.trust_proxy);
    let fields = match fields_of(body, crate::form_posts::FORM_LIMIT).await {
        Ok(f) => f,
        Err(res) => return res,
    };
    let next = desk_back(field(&fields, "next"), "/desk");
    let email = field(&fields, "email").to_string();
    let outcome = staff::sign_in(&state, &ip.to_string(), &email, field(&fields, "password")).await;
    match outcome {
        Ok(staff::SignIn::Ok { cookie, .. }) => {
            let mut res = finish(&parts.headers, &next);
            res.headers_mut().append(header::SET_COOKIE, cookie);
            res
        }
        Ok(staff::SignIn::Refused(err)) => {
            let echo = FormEcho::Desk {
                message: err.to_string(),
                fields: vec![("email".into(), email), ("next".into(), next)],
            };
            let mut res = crate::form_posts::render_page(
                &state,
                "/desk/signin".into(),
                echo,
                err.status(),
                err.retry_after(),
                None,
            )
            .await;
            if fetched {
                res.headers_mut().remove(header::LOCATION);
            }
            res
        }
        Err(e) => crate::form_posts::simple_page(
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "Sign-in failed",
            &e.to_string(),
        ),
    }
}

pub async fn sign_out(State(state): State<AppState>, req: Request) -> Response {
    let headers = req.headers().clone();
    let secure = state.site.secure_cookies();
    if let Some(token) = staff::token_of(&headers, secure) {
        let hash = app::server::store::notify::token_hash(&token);
        if let Err(e) = store::staff::end_session(&state.pool, &hash, state.clock.now()).await {
            return failed("ending a staff session", e);
        }
    }
    let mut res = finish(&headers, "/desk/signin?signed_out=1");
    res.headers_mut().append(header::SET_COOKIE, staff::cookie("", 0, secure));
    res
}

/// The queue a `back` address names, for the front page's links.
pub fn queue_path(q: Queue) -> String {
    format!("/desk/queue?queue={}", q.as_str())
}

#[cfg(test)]
mod tests {
    use super::desk_back;

    #[test]
    fn only_desk_addresses_are_returned_to() {
        assert_eq!(desk_back("/desk/queue?queue=spam", "/desk"), "/desk/queue?queue=spam");
        for evil in
            ["https://evil.example/desk", "//evil.example", "/desk//x", "/articles/a", "/deskx", "/desk/a\\b"]
        {
            assert_eq!(desk_back(evil, "/desk"), "/desk", "{evil}");
        }
    }
}
