//! "Notify of" against a real SMTP server: double opt-in, the three rules, one-click
//! unsubscribe, the outbox surviving an SMTP outage, and two workers on one database.
use crate::common::smtp::{Mail, Sink};
use crate::common::*;

mod bar;
mod delivery;

pub(super) async fn app_with(sink: &Sink) -> TestApp {
    let url = sink.url();
    spawn_with(move |c| c.mail.smtp_url = Some(url)).await
}

/// Subscribes `email` to `kind` with the article's "Notify of" bar, as browser `s` shows it.
pub(super) async fn subscribe(s: &Session<'_>, email: &str, kind: &str) -> Reply {
    let form = s.form(ARTICLE, "form.notify-form").await.choose("kind", kind).set("email", email);
    form.post_js(s).await
}

/// Follows a confirmation mail's link and presses its button, like a reader in browser `s`.
pub(super) async fn confirm(s: &Session<'_>, mail: &Mail) {
    let app = s.app;
    let link = mail.link("/subscriptions/confirm?token=");
    let path = link.strip_prefix(&app.base).expect("a link to this site").to_string();
    let page = s.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Confirm subscription"), "{}", page.body);
    let res = Form::in_page(&page.body, "form.link-form").post_plain(s).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = s.get(&path).await;
    assert!(
        page.body.contains("You&#39;re subscribed") || page.body.contains("You're subscribed"),
        "{}",
        page.body
    );
}

/// The reader of `email` (one browser per address) subscribed to `kind`, confirmed through the
/// mail in that browser: a browser that confirmed an address is not asked again.
pub(super) async fn subscribed<'a>(app: &'a TestApp, sink: &Sink, email: &str, kind: &str) -> Session<'a> {
    let s = app.reader(email);
    let before = sink.to(email, "Confirm").len();
    let res = subscribe(&s, email, kind).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let confirmed = res.json()["state"]["subscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["kind"] == kind_json(kind) && s["confirmed"] == true);
    if !confirmed {
        let mail = sink.wait_for(email, "Confirm", before + 1).await.pop().unwrap();
        confirm(&s, &mail).await;
    }
    s
}

pub(super) fn kind_json(kind: &str) -> &'static str {
    match kind {
        "follow_ups" => "FollowUps",
        "my_replies" => "MyReplies",
        _ => "CommentReplies",
    }
}

/// Posts a comment as `s` with an email (and the replies checkbox when `notify`).
pub(super) async fn post(
    app: &TestApp,
    s: &Session<'_>,
    email: &str,
    body: &str,
    parent: Option<i64>,
    notify: bool,
) -> i64 {
    let _ = app;
    let mut form = s.comment_form(parent).await.set("name", "Poster").set("email", email).set("body", body);
    if notify {
        form = form.choose("notify", "true");
    }
    let res = form.post_js(s).await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["id"].as_i64().unwrap()
}

/// The notification mails `email` got, as the comment ids they link to.
pub(super) fn notified(sink: &Sink, email: &str) -> Vec<i64> {
    sink.to(email, "New ")
        .iter()
        .map(|m| {
            let link = m.link("#comment-");
            link.rsplit("#comment-").next().unwrap().parse().unwrap()
        })
        .collect()
}

pub(super) async fn wait_notified(sink: &Sink, email: &str, n: usize) -> Vec<i64> {
    sink.wait_for(email, "New ", n).await;
    notified(sink, email)
}
