//! Stories written in the desk: who may do what (`roles`), what readers can never see of a
//! story that is not published (`leaks`), and the editor itself: revisions, conflicts,
//! preview, addresses, content files, and scheduled publication.
use crate::common::*;
use crate::desk::staff;

mod authors;
mod editor;
mod leaks;
mod lists;
mod preview;
mod roles;
mod schedule;
mod search;
mod site;

/// The editor's form for story `id` ("new" for a new one), as the desk renders it for `s`.
pub(crate) async fn editor(s: &Session<'_>, id: &str) -> Form {
    s.form(&format!("/desk/stories/{id}"), "form.story-editor").await
}

/// A new draft written by `s` through the editor; answers its id.
pub(crate) async fn draft(s: &Session<'_>, title: &str, section: &str, body: &str) -> i64 {
    let res = editor(s, "new")
        .await
        .set("title", title)
        .set("section", section)
        .set("tags", "Desk test, Turkey")
        .set("standfirst", &format!("Standfirst of {title}"))
        .set("body", body)
        .press("action", "save")
        .post_plain(s)
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let location = res.location.expect("sent to the story");
    let id = location
        .strip_prefix("/desk/stories/")
        .and_then(|rest| rest.split('?').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a story's address: {location}"));
    assert!(location.ends_with("?done=story_create"), "{location}");
    id
}

/// Presses `action` on story `id`'s editor as `s`, with the form as the page carries it.
pub(crate) async fn press(s: &Session<'_>, id: i64, action: &str) -> Reply {
    editor(s, &id.to_string()).await.press("action", action).post_plain(s).await
}

/// Presses `action` and expects it done.
pub(crate) async fn done(s: &Session<'_>, id: i64, action: &str) {
    let res = press(s, id, action).await;
    assert_eq!(res.status, 303, "{action}: {}", res.body);
    assert_eq!(res.location.as_deref(), Some(format!("/desk/stories/{id}?done=story_{action}").as_str()));
}

/// Schedules story `id` at `at` (unix seconds, a whole minute) as `s`.
pub(crate) async fn schedule(s: &Session<'_>, id: i64, at: i64) -> Reply {
    editor(s, &id.to_string())
        .await
        .set("publish_at", &app::domain::time::minute_input(at))
        .press("action", "schedule")
        .post_plain(s)
        .await
}

/// (status, revision, title, slug) of story `id` as stored.
pub(crate) async fn stored(app: &TestApp, id: i64) -> (String, i64, String, String) {
    db::query_as("SELECT status, revision, title, slug FROM articles WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

pub(crate) async fn slug_of(app: &TestApp, id: i64) -> String {
    stored(app, id).await.3
}

/// A page as a reader without a cookie (a crawler) gets it: the kept page when there is one.
pub(crate) async fn cookieless(app: &TestApp, path: &str) -> Reply {
    let res = app.http.get(app.url(path)).header("accept", "text/html").send().await.expect("GET");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let location = headers.get("location").and_then(|v| v.to_str().ok()).map(String::from);
    Reply { status, location, body: res.text().await.unwrap(), headers }
}

/// A minute from now on `app`'s clock, rounded up to a whole minute.
pub(crate) fn next_minute(app: &TestApp, minutes: i64) -> i64 {
    (app.clock.now() / 60 + minutes) * 60
}

/// A writer's draft, published by an editor: (editor, story id, its slug).
pub(crate) async fn published<'a>(app: &'a TestApp, title: &str, body: &str) -> (Session<'a>, i64, String) {
    let editor = staff(app, "editor").await;
    let id = draft(&editor, title, "World", body).await;
    done(&editor, id, "publish").await;
    let slug = slug_of(app, id).await;
    (editor, id, slug)
}
