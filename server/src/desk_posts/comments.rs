//! The desk's forms about comments: moderation one by one and in bulk, edits, bans and lifting them.
use super::*;

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
