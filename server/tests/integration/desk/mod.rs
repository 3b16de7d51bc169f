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

pub(crate) const PASSWORD: &str = "correct horse battery staple";

/// A staff account made directly in the database (as `server admin create` makes it).
pub(crate) async fn account(app: &TestApp, email: &str, role: &str) -> i64 {
    let hash = app::server::staff::hash_password(PASSWORD).unwrap();
    let role = app::domain::desk::Role::parse(role).unwrap();
    app::server::store::desk::staff::create(
        &app.pool,
        email,
        &format!("{role:?} {email}"),
        role,
        &hash,
        &app::server::store::desk::Actor { id: 0, name: "Test setup".into() },
        app.clock.now(),
    )
    .await
    .unwrap()
}

/// A browser signed in to the desk as a new account with `role`.
pub(crate) async fn staff<'a>(app: &'a TestApp, role: &str) -> Session<'a> {
    let email = format!("{role}-{}@news.example", app::server::tokens::random_token());
    account(app, &email, role).await;
    signed_in(app, &email, PASSWORD).await
}

/// Signs in through the form; panics unless it succeeds.
pub(crate) async fn signed_in<'a>(app: &'a TestApp, email: &str, password: &str) -> Session<'a> {
    let res = sign_in(app, email, password).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let cookie = res.headers["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    Session { app, cookie }
}

/// Signs in through the sign-in page's form, as a browser without JavaScript.
pub(crate) async fn sign_in(app: &TestApp, email: &str, password: &str) -> Reply {
    let anon = Session { app, cookie: String::new() };
    let form = anon.form("/desk/signin", "form[action='/desk/signin']").await;
    form.set("email", email).set("password", password).post_plain(&anon).await
}

/// The queue page (of whichever queue lists it) with the button for `action` on comment `id`.
pub(crate) async fn queue_form(s: &Session<'_>, action: &str, id: i64) -> Form {
    let button = format!("{action}:{id}");
    for queue in ["pending", "reported", "approved", "spam", "trash"] {
        let page = s.get(&format!("/desk/queue?queue={queue}")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        if page.body.contains(&format!("value=\"{button}\"")) {
            return Form::in_page(&page.body, "form.desk-queue").press("one", &button);
        }
    }
    panic!("no queue offers {button}");
}

/// Applies `action` to one comment from the queue, as its button does.
pub(crate) async fn moderate(s: &Session<'_>, action: &str, id: i64) -> Reply {
    let res = queue_form(s, action, id).await.post_plain(s).await;
    assert_eq!(res.status, 303, "{}", res.body);
    res
}

/// Saves the moderation settings through the settings page's form: the defaults, then
/// `changes` (the fields the page carries; a name it does not carry fails).
pub(crate) async fn settings(admin: &Session<'_>, changes: &[(&str, &str)]) {
    let mut form = admin
        .form("/desk/settings", "form.desk-settings")
        .await
        .choose("hold", "none")
        .set("max_links", "2")
        .set("block_words", "")
        .set("reports_to_hold", "3")
        .set("close_after_days", "0")
        .set("address_days", "90")
        .set("privacy_text", "We keep little.");
    for (k, v) in changes {
        form = if *k == "hold" { form.choose(k, v) } else { form.set(k, v) };
    }
    let res = form.post_plain(admin).await;
    assert_eq!(res.status, 303, "{}", res.body);
}

/// Posts a comment with an email as reader `s`, through the article's comment form (or the
/// reply form of `parent`); answers (status, id, held).
pub(crate) async fn post(s: &Session<'_>, email: &str, body: &str, parent: Option<i64>) -> (u16, i64, bool) {
    post_form(s, s.comment_form(parent).await, email, body).await
}

/// Posts `form` (a comment form the page rendered, perhaps before something changed) as
/// reader `s`; answers (status, id, held).
pub(crate) async fn post_form(s: &Session<'_>, form: Form, email: &str, body: &str) -> (u16, i64, bool) {
    let res = form.set("name", "Reader").set("email", email).set("body", body).post_js(s).await;
    if res.status != 200 {
        return (res.status, 0, false);
    }
    let j = res.json();
    (200, j["id"].as_i64().unwrap(), j["held"].as_bool().unwrap())
}

pub(crate) async fn status_of(app: &TestApp, id: i64) -> String {
    db::query_scalar("SELECT status FROM comments WHERE id = $1").bind(id).fetch_one(&app.pool).await.unwrap()
}

pub(crate) async fn audit(app: &TestApp) -> Vec<(String, String, Option<String>, Option<String>)> {
    db::query_as("SELECT action, target, before, after FROM audit_log ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

/// A readers'-data link for `email` as the mail carries it (made as the mail worker makes it).
pub(crate) async fn data_link(app: &TestApp, email: &str, action: &str) -> String {
    app::server::store::desk::readers::new_link(&app.pool, email, action, app.clock.now()).await.unwrap()
}

/// Sets the seed article's comments to `mode` with its row's form on the Articles page.
pub(crate) async fn article_mode(s: &Session<'_>, mode: &str) -> Reply {
    let page = s.get("/desk/articles").await.body;
    let form = Form::all_in_page(&page, "form.desk-inline")
        .into_iter()
        .find(|f| f.value("slug") == SLUG)
        .expect("the seed article's row");
    form.choose("mode", mode).post_plain(s).await
}

/// Erases `email`'s data with the Readers page's form, confirmed, as `s`.
pub(crate) async fn erase_reader(s: &Session<'_>, email: &str) -> Reply {
    let form = s.form("/desk/readers", "form[action='/desk/readers']").await;
    form.set("email", email).choose("confirm", "yes").press("action", "erase").post_plain(s).await
}

/// Adds a staff account with the Staff page's form, as `admin`.
pub(crate) async fn add_staff(admin: &Session<'_>, name: &str, email: &str, role: &str) -> Reply {
    let form = admin.form("/desk/staff", "form[action='/desk/staff']").await;
    form.set("name", name)
        .set("email", email)
        .choose("role", role)
        .set("password", PASSWORD)
        .post_plain(admin)
        .await
}
