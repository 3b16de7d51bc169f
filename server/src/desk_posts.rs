//! The desk's forms: sign-in and sign-out, moderation (one by one and in bulk), edits, bans,
//! settings, the inbox and staff accounts. Plain form posts, with JavaScript on or off: each
//! checks the staff session, the role and that the post came from this site's own page, does
//! its work (written to the audit log), and answers `303` to the page to show, or the page
//! again with the refusal under its status.
use app::domain::desk::{Moderation, Queue, Role};
use app::domain::{ApiError, FormEcho};
use app::server::staff;
use app::server::state::{internal, AppState};
use app::server::store::desk as store;
use app::server::store::desk::staff::StaffAccount;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, StatusCode};

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

async fn read(state: &AppState, req: Request, role: Role) -> Result<Write, Response> {
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
    let fields = fields_of(body).await?;
    Ok(Write { staff, fields, headers, extensions })
}

async fn fields_of(body: axum::body::Body) -> Result<Fields, Response> {
    let bytes = axum::body::to_bytes(body, crate::form_posts::FORM_LIMIT).await.map_err(|_| {
        crate::form_posts::simple_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Too long to send",
            "The form is larger than 64 KiB.",
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
    let fields = match fields_of(body).await {
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

/// The queue's form: one action on one comment (`one=approve:12`), or one action on every
/// checked comment (`bulk=spam` with `ids=…`).
pub async fn moderate(State(state): State<AppState>, req: Request) -> Response {
    let w = match read(&state, req, Role::Moderator).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    let back = desk_back(field(&w.fields, "back"), "/desk/queue");
    let (action, ids): (Option<Moderation>, Vec<i64>) = match field(&w.fields, "one").split_once(':') {
        Some((a, id)) => (Moderation::parse(a), id.parse().ok().into_iter().collect()),
        None => (
            Moderation::parse(field(&w.fields, "bulk")),
            all(&w.fields, "ids").filter_map(|v| v.parse().ok()).take(500).collect(),
        ),
    };
    let Some(action) = action else {
        return refuse(&state, &w, &back, StatusCode::BAD_REQUEST, "Choose what to do with the comments.")
            .await;
    };
    if ids.is_empty() {
        return refuse(&state, &w, &back, StatusCode::BAD_REQUEST, "Tick at least one comment first.").await;
    }
    let who = staff::actor(&w.staff);
    let now = state.clock.now();
    let mut changed = 0;
    for id in ids {
        match store::moderate::apply(&state.pool, id, action, &who, now).await {
            Ok(outcome) => {
                if let Some((article_id, comment_id)) = outcome.shown {
                    state.changed(app::server::changes::Change::Comment { article_id, comment_id }).await;
                }
                if outcome.changed {
                    changed += 1;
                }
            }
            Err(e) => {
                state.changed(app::server::changes::Change::Site).await;
                return failed("moderating a comment", e);
            }
        }
    }
    state.mailer.wake.notify_one();
    if changed > 0 {
        state.changed(app::server::changes::Change::Site).await;
    }
    let sep = if back.contains('?') { '&' } else { '?' };
    finish(&w.headers, &format!("{back}{sep}done={}&n={changed}", action.as_str()))
}

pub async fn edit(State(state): State<AppState>, Path(id): Path<i64>, req: Request) -> Response {
    let w = match read(&state, req, Role::Moderator).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    let uri = format!("/desk/comments/{id}");
    let text = match app::domain::text::required_text(
        field(&w.fields, "body"),
        "comment",
        app::domain::comment::BODY_MAX,
    ) {
        Ok(t) => t,
        Err(m) => return refuse(&state, &w, &uri, StatusCode::BAD_REQUEST, m).await,
    };
    let html = app::server::text_to_html::comment_html(&text);
    match store::moderate::edit_text(
        &state.pool,
        id,
        &text,
        &html,
        &staff::actor(&w.staff),
        state.clock.now(),
    )
    .await
    {
        Ok(true) => {
            state.changed(app::server::changes::Change::Site).await;
            finish(&w.headers, &format!("{uri}?done=edited"))
        }
        Ok(false) => {
            refuse(&state, &w, "/desk/queue", StatusCode::NOT_FOUND, "That comment no longer exists.").await
        }
        Err(e) => failed("editing a comment", e),
    }
}

pub async fn ban(State(state): State<AppState>, req: Request) -> Response {
    let w = match read(&state, req, Role::Moderator).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    let uri = "/desk/bans";
    let kind = field(&w.fields, "kind");
    let mut value = field(&w.fields, "value").trim().to_string();
    // from a comment: the chosen identity of its author
    if let Ok(comment) = field(&w.fields, "comment").parse::<i64>() {
        match store::bans::identities_of(&state.pool, comment).await {
            Ok(Some((email, ip, reader))) => {
                value = match kind {
                    "email" => email.unwrap_or_default(),
                    "address" => ip.unwrap_or_default(),
                    "reader" => reader.unwrap_or_default(),
                    _ => String::new(),
                }
            }
            Ok(None) => {
                return refuse(&state, &w, uri, StatusCode::NOT_FOUND, "That comment no longer exists.").await
            }
            Err(e) => return failed("loading a comment's author", e),
        }
    }
    if !matches!(kind, "email" | "address" | "reader") {
        return refuse(
            &state,
            &w,
            uri,
            StatusCode::BAD_REQUEST,
            "Choose what to ban: an email, an address or a reader.",
        )
        .await;
    }
    if kind == "email" {
        match app::domain::text::Email::parse(&value) {
            Ok(e) => value = e.as_str().to_string(),
            Err(_) => {
                return refuse(
                    &state,
                    &w,
                    uri,
                    StatusCode::BAD_REQUEST,
                    "That comment has no email to ban; choose its address or reader.",
                )
                .await
            }
        }
    }
    if value.is_empty() || value.len() > 200 {
        return refuse(
            &state,
            &w,
            uri,
            StatusCode::BAD_REQUEST,
            "Nothing to ban: that identity is not known.",
        )
        .await;
    }
    let reason = match app::domain::text::required_line(field(&w.fields, "reason"), "reason", 300) {
        Ok(r) => r,
        Err(m) => return refuse(&state, &w, uri, StatusCode::BAD_REQUEST, m).await,
    };
    let now = state.clock.now();
    let expires_at = match field(&w.fields, "days") {
        "" | "0" | "forever" => None,
        d => match d.parse::<u32>() {
            Ok(days) if days <= 3650 => Some(now + i64::from(days) * 86_400),
            _ => {
                return refuse(&state, &w, uri, StatusCode::BAD_REQUEST, "Choose how long the ban lasts.")
                    .await
            }
        },
    };
    match store::bans::add(&state.pool, kind, &value, &reason, expires_at, &staff::actor(&w.staff), now).await
    {
        Ok(id) => finish(&w.headers, &format!("/desk/bans?done=banned#ban-{id}")),
        Err(e) => failed("adding a ban", e),
    }
}

pub async fn lift_ban(State(state): State<AppState>, Path(id): Path<i64>, req: Request) -> Response {
    let w = match read(&state, req, Role::Moderator).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    use store::bans::Lifted;
    match store::bans::lift(&state.pool, id, &staff::actor(&w.staff), w.staff.role, state.clock.now()).await {
        Ok(Lifted::Done) => finish(&w.headers, "/desk/bans?done=lifted"),
        Ok(Lifted::NotFound) => {
            refuse(&state, &w, "/desk/bans", StatusCode::NOT_FOUND, "That ban is no longer in force.").await
        }
        Ok(Lifted::Outranked) => {
            refuse(
                &state,
                &w,
                "/desk/bans",
                StatusCode::FORBIDDEN,
                "This ban was made by a role above yours; ask an editor or admin to lift it.",
            )
            .await
        }
        Err(e) => failed("lifting a ban", e),
    }
}

pub async fn settings(State(state): State<AppState>, req: Request) -> Response {
    use app::domain::desk::{HoldMode, ModerationSettings};
    let w = match read(&state, req, Role::Admin).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    let uri = "/desk/settings";
    let num = |name: &str, max: u32| -> Option<u32> {
        field(&w.fields, name).trim().parse().ok().filter(|n| *n <= max)
    };
    let Some(hold) = HoldMode::parse(field(&w.fields, "hold")) else {
        return refuse(&state, &w, uri, StatusCode::BAD_REQUEST, "Choose which comments to hold.").await;
    };
    let (Some(max_links), Some(close_after_days), Some(reports_to_hold), Some(address_days)) = (
        num("max_links", 1000),
        num("close_after_days", 36_500),
        num("reports_to_hold", 1000),
        num("address_days", 36_500),
    ) else {
        return refuse(
            &state,
            &w,
            uri,
            StatusCode::BAD_REQUEST,
            "The numbers must be whole numbers of 0 or more.",
        )
        .await;
    };
    let block_words: Vec<String> = field(&w.fields, "block_words")
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .take(2000)
        .collect();
    if block_words.iter().any(|w| w.chars().count() > 100) {
        return refuse(
            &state,
            &w,
            uri,
            StatusCode::BAD_REQUEST,
            "Each blocked word or phrase can be at most 100 characters.",
        )
        .await;
    }
    let privacy_text = field(&w.fields, "privacy_text").trim().to_string();
    if privacy_text.is_empty() || privacy_text.chars().count() > 20_000 {
        return refuse(
            &state,
            &w,
            uri,
            StatusCode::BAD_REQUEST,
            "The privacy text is required (at most 20,000 characters).",
        )
        .await;
    }
    let new = ModerationSettings {
        hold,
        max_links,
        block_words,
        close_after_days,
        reports_to_hold,
        privacy_text,
        address_days,
    };
    let before = match store::settings::load(&state.pool).await {
        Ok(s) => s,
        Err(e) => return failed("loading settings", e),
    };
    let now = state.clock.now();
    let who = staff::actor(&w.staff);
    let saved = async {
        let mut tx = app::server::store::begin(&state.pool).await?;
        let result = async {
            store::settings::save(&mut tx, &new).await?;
            let (b, a) = (
                serde_json::to_string(&before).unwrap_or_default(),
                serde_json::to_string(&new).unwrap_or_default(),
            );
            if b != a {
                store::audit::record(
                    &mut tx,
                    &who,
                    "settings",
                    "moderation settings",
                    Some(&b),
                    Some(&a),
                    now,
                )
                .await?;
            }
            Ok::<_, app::server::store::StoreError>(())
        }
        .await;
        app::server::store::end(tx, result).await
    }
    .await;
    match saved {
        Ok(()) => {
            // "close after N days" and the hold rules show on every article
            state.changed(app::server::changes::Change::Site).await;
            finish(&w.headers, "/desk/settings?done=saved")
        }
        Err(e) => failed("saving settings", e),
    }
}

pub async fn article_mode(State(state): State<AppState>, req: Request) -> Response {
    let w = match read(&state, req, Role::Editor).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    let mode = field(&w.fields, "mode");
    if !matches!(mode, "open" | "closed" | "hidden") {
        return refuse(
            &state,
            &w,
            "/desk/articles",
            StatusCode::BAD_REQUEST,
            "Choose open, closed or hidden.",
        )
        .await;
    }
    let slug = field(&w.fields, "slug");
    match store::moderate::set_article_mode(
        &state.pool,
        slug,
        mode,
        &staff::actor(&w.staff),
        state.clock.now(),
    )
    .await
    {
        Ok(true) => {
            // named by its slug here; a rare change: every kept page drops
            state.changed(app::server::changes::Change::Site).await;
            finish(&w.headers, "/desk/articles?done=saved")
        }
        Ok(false) => {
            refuse(&state, &w, "/desk/articles", StatusCode::NOT_FOUND, "That article does not exist.").await
        }
        Err(e) => failed("setting an article's comments", e),
    }
}

pub async fn inbox(State(state): State<AppState>, req: Request) -> Response {
    let w = match read(&state, req, Role::Editor).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    let to = field(&w.fields, "state");
    let back = desk_back(field(&w.fields, "back"), "/desk/inbox");
    if !matches!(to, "unread" | "read" | "archived") {
        return refuse(&state, &w, &back, StatusCode::BAD_REQUEST, "Choose read, unread or archived.").await;
    }
    let Ok(id) = field(&w.fields, "id").parse::<i64>() else {
        return refuse(&state, &w, &back, StatusCode::BAD_REQUEST, "Choose a message.").await;
    };
    match app::server::store::contact::set_state(
        &state.pool,
        id,
        to,
        &staff::actor(&w.staff),
        state.clock.now(),
    )
    .await
    {
        Ok(Some(_)) => finish(&w.headers, &back),
        Ok(None) => refuse(&state, &w, &back, StatusCode::NOT_FOUND, "That message no longer exists.").await,
        Err(e) => failed("filing a message", e),
    }
}

/// An admin adds a staff account.
pub async fn add_staff(State(state): State<AppState>, req: Request) -> Response {
    let w = match read(&state, req, Role::Admin).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    let uri = "/desk/staff";
    let Ok(email) = app::domain::text::Email::parse(field(&w.fields, "email")) else {
        return refuse(&state, &w, uri, StatusCode::BAD_REQUEST, "Enter a valid email address.").await;
    };
    let name = match app::domain::text::required_line(field(&w.fields, "name"), "name", 80) {
        Ok(n) => n,
        Err(m) => return refuse(&state, &w, uri, StatusCode::BAD_REQUEST, m).await,
    };
    let Some(role) = Role::parse(field(&w.fields, "role")) else {
        return refuse(&state, &w, uri, StatusCode::BAD_REQUEST, "Choose a role.").await;
    };
    let password = field(&w.fields, "password").to_string();
    if let Err(m) = staff::check_new_password(&password) {
        return refuse(&state, &w, uri, StatusCode::BAD_REQUEST, format!("Password: {m}")).await;
    }
    let hash = match tokio::task::spawn_blocking(move || staff::hash_password(&password)).await {
        Ok(Ok(h)) => h,
        _ => return failed("hashing a password", "argon2"),
    };
    let who = staff::actor(&w.staff);
    match store::staff::create(&state.pool, email.as_str(), &name, role, &hash, &who, state.clock.now()).await
    {
        Ok(_) => finish(&w.headers, "/desk/staff?done=added"),
        Err(store::staff::CreateError::Exists) => {
            refuse(&state, &w, uri, StatusCode::CONFLICT, "An account with this email exists already.").await
        }
        Err(store::staff::CreateError::Store(e)) => failed("adding a staff account", e),
    }
}

/// An admin changes an account's role or disables it; anyone changes their own alerts.
pub async fn update_staff(State(state): State<AppState>, Path(id): Path<i64>, req: Request) -> Response {
    let w = match read(&state, req, Role::Moderator).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    let uri = "/desk/staff";
    let own = w.staff.id == id;
    if !own && w.staff.role != Role::Admin {
        return refuse(&state, &w, uri, StatusCode::FORBIDDEN, "Only an admin can change other accounts.")
            .await;
    }
    let alerts = match field(&w.fields, "alerts") {
        "" => None,
        a @ ("immediate" | "hourly" | "none") => Some(a),
        _ => return refuse(&state, &w, uri, StatusCode::BAD_REQUEST, "Choose when to be told.").await,
    };
    // role and the disabled flag: an admin's to change (for another account, only theirs)
    let (role, disabled, by_admin) = if w.staff.role == Role::Admin {
        let role = match field(&w.fields, "role") {
            "" => None,
            r => match Role::parse(r) {
                Some(r) => Some(r),
                None => return refuse(&state, &w, uri, StatusCode::BAD_REQUEST, "Choose a role.").await,
            },
        };
        (role, Some(field(&w.fields, "disabled") == "1"), Some(w.staff.id))
    } else {
        (None, None, None)
    };
    let password = field(&w.fields, "password").to_string();
    let mut new_hash = None;
    if !password.is_empty() {
        if !own {
            return refuse(&state, &w, uri, StatusCode::FORBIDDEN, "Each person sets their own password.")
                .await;
        }
        if let Err(m) = staff::check_new_password(&password) {
            return refuse(&state, &w, uri, StatusCode::BAD_REQUEST, format!("Password: {m}")).await;
        }
        // a session alone (an unlocked screen, a stolen cookie) cannot take the account over;
        // the check is counted and limited as a sign-in is
        let ip = app::server::requester::client_ip(&w.headers, &w.extensions, state.site.trust_proxy);
        let current = field(&w.fields, "current_password");
        if let Err(e) = staff::confirm_password(&state, &ip.to_string(), &w.staff, current).await {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::FORBIDDEN);
            let mut res = refuse(&state, &w, uri, status, e.to_string()).await;
            if let Some(retry) = e.retry_after() {
                res.headers_mut().insert(header::RETRY_AFTER, http::HeaderValue::from(retry));
            }
            return res;
        }
        new_hash = match tokio::task::spawn_blocking(move || staff::hash_password(&password)).await {
            Ok(Ok(h)) => Some(h),
            _ => return failed("hashing a password", "argon2"),
        };
    }
    let change =
        store::staff::Change { role, disabled, alerts, password_hash: new_hash.as_deref(), by_admin };
    match store::staff::update(&state.pool, id, &change, &staff::actor(&w.staff), state.clock.now()).await {
        // every session ended with the old password, this one too
        Ok(()) if new_hash.is_some() => finish(&w.headers, "/desk/signin?password=changed"),
        Ok(()) => finish(&w.headers, "/desk/staff?done=saved"),
        Err(store::staff::UpdateError::LastAdmin) => {
            refuse(
                &state,
                &w,
                uri,
                StatusCode::CONFLICT,
                "The last active admin cannot be demoted or disabled.",
            )
            .await
        }
        Err(store::staff::UpdateError::NotFound) => {
            refuse(&state, &w, uri, StatusCode::NOT_FOUND, "That account does not exist.").await
        }
        Err(store::staff::UpdateError::NotAdmin) => {
            refuse(&state, &w, uri, StatusCode::FORBIDDEN, "Only an admin can change other accounts.").await
        }
        Err(store::staff::UpdateError::Store(e)) => failed("updating a staff account", e),
    }
}

/// Readers' data from the desk: a copy of an address's data (a JSON download), or its erasure
/// (after the editor ticked that they mean it).
pub async fn readers(State(state): State<AppState>, req: Request) -> Response {
    let w = match read(&state, req, Role::Editor).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    let uri = "/desk/readers";
    let Ok(email) = app::domain::text::Email::parse(field(&w.fields, "email")) else {
        return refuse(&state, &w, uri, StatusCode::BAD_REQUEST, "Enter the reader's email address.").await;
    };
    let now = state.clock.now();
    let who = staff::actor(&w.staff);
    match field(&w.fields, "action") {
        "export" => match store::readers::export_logged(
            &state.pool,
            email.as_str(),
            &app::server::requester::erased_key(&state.secret, email.as_str()),
            &who,
            now,
        )
        .await
        {
            Ok(data) => super::mail_links::json_download(&data),
            Err(e) => failed("exporting a reader's data", e),
        },
        "erase" if field(&w.fields, "confirm") == "yes" => {
            let key = app::server::requester::erased_key(&state.secret, email.as_str());
            match store::readers::erase(&state.pool, email.as_str(), &key, &who, now).await {
                Ok(done) => {
                    state.changed(app::server::changes::Change::Site).await;
                    finish(
                        &w.headers,
                        &format!(
                            "/desk/readers?done=erased&n={}",
                            done.comments_removed + done.comments_kept_as_deleted
                        ),
                    )
                }
                Err(e) => failed("erasing a reader's data", e),
            }
        }
        "erase" => {
            refuse(
                &state,
                &w,
                uri,
                StatusCode::BAD_REQUEST,
                "Tick the box to confirm the erasure: it cannot be undone.",
            )
            .await
        }
        _ => refuse(&state, &w, uri, StatusCode::BAD_REQUEST, "Choose export or erase.").await,
    }
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
