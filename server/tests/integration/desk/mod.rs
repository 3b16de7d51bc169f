//! The moderation desk over HTTP: staff sign-in and roles, holds, the queue's actions, bans,
//! reports, the audit log, staff mail, the inbox and readers' data.
use crate::common::*;

mod actions;
mod alerts;
mod bans_reports;
mod holds;
mod inbox;
mod readers;
mod signin;

pub(super) const PASSWORD: &str = "correct horse battery staple";

/// A staff account made directly in the database (as `server admin create` makes it).
pub(super) async fn account(app: &TestApp, email: &str, role: &str) -> i64 {
    let hash = app::server::staff::hash_password(PASSWORD).unwrap();
    let role = app::domain::desk::Role::parse(role).unwrap();
    app::server::store::desk::staff::create(
        &app.pool,
        email,
        &format!("{role:?} {email}"),
        role,
        &hash,
        app.clock.now(),
    )
    .await
    .unwrap()
}

/// A browser signed in to the desk as a new account with `role`.
pub(super) async fn staff<'a>(app: &'a TestApp, role: &str) -> Session<'a> {
    let email = format!("{role}-{}@news.example", app::server::tokens::random_token());
    account(app, &email, role).await;
    signed_in(app, &email, PASSWORD).await
}

/// Signs in through the form; panics unless it succeeds.
pub(super) async fn signed_in<'a>(app: &'a TestApp, email: &str, password: &str) -> Session<'a> {
    let res = sign_in(app, email, password).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let cookie = res.headers["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    Session { app, cookie }
}

pub(super) async fn sign_in(app: &TestApp, email: &str, password: &str) -> Reply {
    let anon = Session { app, cookie: String::new() };
    anon.post_plain("/desk/signin", &[("email", email), ("password", password), ("next", "/desk")]).await
}

/// Applies `action` to one comment from the queue, as the button does.
pub(super) async fn moderate(s: &Session<'_>, action: &str, id: i64) -> Reply {
    let one = format!("{action}:{id}");
    let res = s.post_plain("/desk/queue", &[("one", &one), ("back", "/desk/queue")]).await;
    assert_eq!(res.status, 303, "{}", res.body);
    res
}

/// Saves the moderation settings, starting from the defaults, with `changes`.
pub(super) async fn settings(admin: &Session<'_>, changes: &[(&str, &str)]) {
    let mut form: Vec<(&str, &str)> = vec![
        ("hold", "none"),
        ("max_links", "2"),
        ("block_words", ""),
        ("reports_to_hold", "3"),
        ("close_after_days", "0"),
        ("address_days", "90"),
        ("privacy_text", "We keep little."),
    ];
    for (k, v) in changes {
        form.retain(|(name, _)| name != k);
        form.push((k, v));
    }
    let res = admin.post_plain("/desk/settings", &form).await;
    assert_eq!(res.status, 303, "{}", res.body);
}

/// Posts a comment with an email as reader `s`; answers (status, id, held).
pub(super) async fn post(s: &Session<'_>, email: &str, body: &str, parent: Option<i64>) -> (u16, i64, bool) {
    // a form as rendered a minute ago by the server's clock (tests move it forward)
    let k = key_made_at(SLUG, s.app.clock.now() - 60);
    let p = parent.map(|p| p.to_string());
    let mut form = comment("Reader", email, body, &k);
    if let Some(p) = p.as_deref() {
        form.push(("parent", p));
    }
    let res = s.post_js("/api/post_comment", &form).await;
    if res.status != 200 {
        return (res.status, 0, false);
    }
    let j = res.json();
    (200, j["id"].as_i64().unwrap(), j["held"].as_bool().unwrap())
}

pub(super) async fn status_of(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT status FROM comments WHERE id = ?")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

pub(super) async fn audit(app: &TestApp) -> Vec<(String, String, Option<String>, Option<String>)> {
    sqlx::query_as("SELECT action, target, before, after FROM audit_log ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}
