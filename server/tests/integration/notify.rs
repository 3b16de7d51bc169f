//! "Notify of" against a real SMTP server: double opt-in, the three rules, one-click
//! unsubscribe, the outbox surviving an SMTP outage, and two workers on one database.
use crate::common::smtp::{Mail, Sink};
use crate::common::*;

async fn app_with(sink: &Sink) -> TestApp {
    let url = sink.url();
    spawn_with(move |c| c.mail.smtp_url = Some(url)).await
}

async fn subscribe(s: &Session<'_>, email: &str, kind: &str) -> Reply {
    s.post_js(
        "/api/set_subscription",
        &[("article", SLUG), ("kind", kind), ("email", email), ("action", "subscribe")],
    )
    .await
}

/// Follows a confirmation mail's link and presses its button, like a reader in browser `s`.
async fn confirm(s: &Session<'_>, mail: &Mail) {
    let app = s.app;
    let link = mail.link("/subscriptions/confirm?token=");
    let path = link.strip_prefix(&app.base).expect("a link to this site").to_string();
    let page = s.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Confirm subscription"), "{}", page.body);
    let res = s.post_plain(&path, &[]).await;
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
async fn subscribed<'a>(app: &'a TestApp, sink: &Sink, email: &str, kind: &str) -> Session<'a> {
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

fn kind_json(kind: &str) -> &'static str {
    match kind {
        "follow_ups" => "FollowUps",
        "my_replies" => "MyReplies",
        _ => "CommentReplies",
    }
}

/// Posts a comment as `s` with an email (and the replies checkbox when `notify`).
async fn post(
    app: &TestApp,
    s: &Session<'_>,
    email: &str,
    body: &str,
    parent: Option<i64>,
    notify: bool,
) -> i64 {
    let _ = app;
    let k = key();
    let p = parent.map(|p| p.to_string());
    let mut form = comment("Poster", email, body, &k);
    if let Some(p) = p.as_deref() {
        form.push(("parent", p));
    }
    if notify {
        form.push(("notify", "true"));
    }
    let res = s.post_js("/api/post_comment", &form).await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["id"].as_i64().unwrap()
}

/// The notification mails `email` got, as the comment ids they link to.
fn notified(sink: &Sink, email: &str) -> Vec<i64> {
    sink.to(email, "New ")
        .iter()
        .map(|m| {
            let link = m.link("#comment-");
            link.rsplit("#comment-").next().unwrap().parse().unwrap()
        })
        .collect()
}

async fn wait_notified(sink: &Sink, email: &str, n: usize) -> Vec<i64> {
    sink.wait_for(email, "New ", n).await;
    notified(sink, email)
}

#[tokio::test]
async fn subscribe_confirm_notify_and_one_click_unsubscribe() {
    let sink = Sink::start().await;
    let app = app_with(&sink).await;
    let ada = app.me();

    // a new address: unconfirmed, and a confirmation mail with Confirm and Cancel links
    let res = subscribe(&ada, "Ada@Example.com", "follow_ups").await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["state"]["subscriptions"][0]["confirmed"], false);
    assert!(res.json()["message"].as_str().unwrap().contains("a link is on its way"));
    // the same request again: one subscription, and no second mail within 10 minutes
    let again = subscribe(&ada, "ada@example.com", "follow_ups").await;
    assert_eq!(again.status, 200);
    let rows: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM subscriptions").fetch_one(&app.pool).await.unwrap();
    assert_eq!(rows, 1);
    let mails = sink.wait_for("ada@example.com", "Confirm", 1).await;
    let mail = &mails[0];
    assert!(mail.text().contains("/subscriptions/cancel?token="));
    assert!(mail.html().contains("Confirm subscription"));
    let page = ada.get(ARTICLE).await.body;
    assert!(page.contains("waiting for your confirmation"), "the bar says it waits");

    // a comment before confirmation: no mail to ada
    let bob = subscribed(&app, &sink, "bob@example.com", "follow_ups").await;
    let early = post(&app, &app.other_reader(), "", "Posted before Ada confirmed.", None, false).await;
    assert_eq!(wait_notified(&sink, "bob@example.com", 1).await, vec![early]);
    assert!(notified(&sink, "ada@example.com").is_empty(), "unconfirmed: no notification");

    // opening the link changes nothing (mail scanners open links); the button confirms
    let link = mail.link("/subscriptions/confirm?token=");
    let token = link.rsplit("token=").next().unwrap().to_string();
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mail_tokens WHERE hash = ?")
        .bind(&token)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0, "tokens are stored hashed, never as mailed");
    confirm(&ada, mail).await;
    let page = ada.get(ARTICLE).await.body;
    assert!(page.contains("You&#39;re subscribed to ") || page.contains("You're subscribed to "));
    assert!(page.contains("new follow-up comments"));
    assert!(!page.contains("waiting for your confirmation"));
    // the link is single-use: pressing it again (here from another browser) changes nothing
    let readers = |pool| async move {
        sqlx::query_scalar::<_, String>("SELECT reader_id FROM subscriber_readers ORDER BY reader_id")
            .fetch_all(pool)
            .await
            .unwrap()
    };
    let confirmed_by = readers(&app.pool).await;
    let stranger = app.other_reader();
    let reuse = stranger.post_plain(&link.replace(&app.base, ""), &[]).await;
    assert_eq!(reuse.status, 303);
    assert!(reuse.headers.get("set-cookie").is_none(), "the stranger's browser is not made a subscriber");
    let page = stranger.get(reuse.location.as_deref().unwrap()).await.body;
    assert!(page.contains("You&#39;re subscribed") || page.contains("You're subscribed"), "{page}");
    assert!(!page.contains("Confirm subscription"), "no button to press again");
    assert_eq!(readers(&app.pool).await, confirmed_by, "no other browser recorded as the address's");
    let subs: Vec<(String, bool)> = sqlx::query_as("SELECT email, confirmed FROM subscriptions ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(subs, vec![("ada@example.com".to_string(), true), ("bob@example.com".to_string(), true)]);

    // a new comment: exactly one notification, with a working link and both headers
    let id = post(&app, &app.other_reader(), "", "A thoughtful new comment.", None, false).await;
    assert_eq!(wait_notified(&sink, "bob@example.com", 2).await, vec![early, id]);
    let got = sink.to("ada@example.com", "New ");
    assert_eq!(got.len(), 1, "exactly one notification");
    let n = &got[0];
    assert!(n.header("Subject").unwrap().contains("China ratifies"), "{:?}", n.header("Subject"));
    assert!(n.text().contains("A thoughtful new comment."));
    assert!(n.html().contains("A thoughtful new comment."));
    let comment_link = n.link("#comment-");
    assert_eq!(comment_link, format!("{}{ARTICLE}#comment-{id}", app.base));
    assert_eq!(app.get(ARTICLE).await.status, 200);
    let list_unsubscribe = n.header("List-Unsubscribe").expect("List-Unsubscribe");
    assert_eq!(n.header("List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));
    let unsubscribe = list_unsubscribe.trim_start_matches('<').trim_end_matches('>').to_string();
    assert!(unsubscribe.starts_with(&format!("{}/subscriptions/unsubscribe?token=", app.base)));
    assert!(n.text().contains(&unsubscribe), "the body carries the same link: {unsubscribe}\n{}", n.text());

    // RFC 8058 one-click: a POST without cookies, Origin or a confirmation page
    let res = reqwest::Client::new()
        .post(&unsubscribe)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let page = app.other_reader().get(&unsubscribe.replace(&app.base, "")).await;
    assert!(page.body.contains("unsubscribed"), "{}", page.body);

    // no further mail to ada; bob (still subscribed) shows the worker did run
    post(&app, &bob, "", "Another one after Ada left.", None, false).await;
    let third = post(&app, &app.other_reader(), "", "And a third.", None, false).await;
    assert_eq!(wait_notified(&sink, "bob@example.com", 3).await.last(), Some(&third));
    assert_eq!(notified(&sink, "ada@example.com"), vec![id]);
    let page = ada.get(ARTICLE).await.body;
    assert!(!page.contains("waiting for your confirmation") && !page.contains("subscribed to <strong>"));
}

#[tokio::test]
async fn the_three_rules_never_the_author_and_one_mail_per_address() {
    let sink = Sink::start().await;
    let app = app_with(&sink).await;
    let f = subscribed(&app, &sink, "f@example.com", "follow_ups").await;
    let m = subscribed(&app, &sink, "m@example.com", "my_replies").await;
    // d follows everything and replies to its own comments: still one mail per comment
    let d = subscribed(&app, &sink, "d@example.com", "follow_ups").await;
    subscribed(&app, &sink, "d@example.com", "my_replies").await;
    let x = app.other_reader();

    let m_comment = post(&app, &m, "m@example.com", "M's own comment.", None, false).await;
    // the form's checkbox: direct replies to this comment (c is asked to confirm first)
    let c = app.other_reader();
    let c_comment = post(&app, &c, "c@example.com", "C wants replies.", None, true).await;
    let mail = sink.wait_for("c@example.com", "Confirm", 1).await.pop().unwrap();
    confirm(&c, &mail).await;
    let d_comment = post(&app, &d, "d@example.com", "D's comment.", None, false).await;

    let top = post(&app, &x, "", "Top-level by X.", None, false).await;
    let reply_m = post(&app, &x, "", "Reply to M.", Some(m_comment), false).await;
    let deeper_m = post(&app, &x, "", "Reply below the reply to M.", Some(reply_m), false).await;
    let reply_c = post(&app, &x, "", "Reply to C.", Some(c_comment), false).await;
    let not_direct_c = post(&app, &x, "", "Reply to the reply to C.", Some(reply_c), false).await;
    let reply_d = post(&app, &x, "", "Reply to D.", Some(d_comment), false).await;
    let by_f = post(&app, &f, "f@example.com", "F's own comment.", None, false).await;
    let last = post(&app, &x, "", "The last one.", None, false).await;

    // follow_ups: every comment, replies included, but not f's own
    let all = vec![m_comment, c_comment, d_comment, top, reply_m, deeper_m, reply_c, not_direct_c, reply_d];
    let mut f_expected = all.clone();
    f_expected.push(last);
    assert_eq!(wait_notified(&sink, "f@example.com", f_expected.len()).await, f_expected);
    assert!(!notified(&sink, "f@example.com").contains(&by_f), "never to the comment's author");
    // the worker sends in order: everything queued before `last` has been handled now
    assert_eq!(
        notified(&sink, "m@example.com"),
        vec![reply_m, deeper_m],
        "my_replies: below M's comment only"
    );
    assert_eq!(notified(&sink, "c@example.com"), vec![reply_c], "the checkbox: direct replies only");
    let mut d_expected: Vec<i64> = all.iter().copied().filter(|i| *i != d_comment).collect();
    d_expected.extend([by_f, last]);
    assert_eq!(notified(&sink, "d@example.com"), d_expected, "one mail per comment, none for its own");
}

#[tokio::test]
async fn a_held_comment_notifies_only_when_approved() {
    let sink = Sink::start().await;
    let app = app_with(&sink).await;
    subscribed(&app, &sink, "f@example.com", "follow_ups").await;
    let article: i64 = sqlx::query_scalar("SELECT id FROM articles WHERE slug = ?")
        .bind(SLUG)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let held: i64 = sqlx::query_scalar(
        "INSERT INTO comments (article_id, author_name, body, body_html, created_at, submission_key, status)
         VALUES (?, 'Held', 'Waiting for a moderator.', '<p>Waiting for a moderator.</p>', ?, 'held-1', 'pending')
         RETURNING id",
    )
    .bind(article)
    .bind(app::server::store::now())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let visible = post(&app, &app.other_reader(), "", "Approved at once.", None, false).await;
    assert_eq!(wait_notified(&sink, "f@example.com", 1).await, vec![visible], "nothing for the held comment");
    assert!(app::server::store::notify::approve(&app.pool, held, app::server::store::now()).await.unwrap());
    assert_eq!(wait_notified(&sink, "f@example.com", 2).await, vec![visible, held]);
    assert!(
        !app::server::store::notify::approve(&app.pool, held, app::server::store::now()).await.unwrap(),
        "approving twice does nothing"
    );
}

#[tokio::test]
async fn mail_queued_while_smtp_is_down_is_delivered_once_it_is_back() {
    let mut sink = Sink::start().await;
    let app = app_with(&sink).await;
    subscribed(&app, &sink, "f@example.com", "follow_ups").await;
    sink.stop();
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(
            post(&app, &app.other_reader(), "", &format!("Posted while SMTP is down, #{i}."), None, false)
                .await,
        );
    }
    // the worker tried and failed: the mail waits in the outbox
    wait_until("three failed attempts", || async {
        let failed: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE kind = 'notify' AND status = 'pending' AND attempts > 0",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        failed == 3
    })
    .await;
    let error: Option<String> =
        sqlx::query_scalar("SELECT last_error FROM outbox WHERE kind = 'notify' LIMIT 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(error.is_some(), "the failure is recorded");
    sink.restart().await;
    assert_eq!(wait_notified(&sink, "f@example.com", 3).await, ids);
    app.outbox_settled().await;
    assert_eq!(notified(&sink, "f@example.com"), ids, "each delivered once");
    let sent: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'notify' AND status = 'sent'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(sent, 3);
}

#[tokio::test]
async fn two_workers_on_one_database_send_each_mail_once() {
    let sink = Sink::start().await;
    let app = app_with(&sink).await;
    let readers = ["a@example.com", "b@example.com", "c@example.com"];
    for r in readers {
        subscribed(&app, &sink, r, "follow_ups").await;
    }
    // a second worker with its own connection pool, as another server process would have
    let pool = app::server::store::connect(&app.db_url).await.unwrap();
    let config = app::server::mail::MailConfig {
        smtp_url: Some(sink.url()),
        poll: std::time::Duration::from_millis(20),
        ..app::server::mail::MailConfig::with_defaults(&app.base)
    };
    let second = app::server::mail::Mailer {
        pool,
        config: std::sync::Arc::new(config.clone()),
        base_url: app.base.clone(),
        per_address_per_day: 1000,
        wake: Default::default(),
        clock: app::server::clock::Clock::system(),
    };
    tokio::spawn(second.run(app::server::mail::Transport::from_config(&config).unwrap()));
    let mut ids = Vec::new();
    for i in 0..25 {
        ids.push(
            post(&app, &app.other_reader(), "", &format!("Comment number {i} for two workers."), None, false)
                .await,
        );
    }
    for r in readers {
        assert_eq!(wait_notified(&sink, r, ids.len()).await.len(), ids.len());
    }
    app.outbox_settled().await;
    for r in readers {
        let mut got = notified(&sink, r);
        got.sort();
        assert_eq!(got, ids, "{r}: each comment exactly once");
    }
}

#[tokio::test]
async fn the_bar_refuses_a_bad_email_and_toggles_idempotently() {
    let sink = Sink::start().await;
    let app = app_with(&sink).await;
    let me = app.me();
    let bad = subscribe(&me, "not-an-email", "follow_ups").await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("valid email address"), "{}", bad.body);
    let empty = subscribe(&me, "", "follow_ups").await;
    assert_eq!(empty.status, 400);
    let odd = subscribe(&me, "a@example.com", "everything").await;
    assert_eq!(odd.status, 400);

    // JavaScript off: the same form posts and comes back with the new state
    let res = me
        .post_plain(
            "/api/set_subscription",
            &[
                ("article", SLUG),
                ("kind", "my_replies"),
                ("email", "plain@example.com"),
                ("action", "subscribe"),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(res.location.as_deref(), Some(&*format!("{ARTICLE}?notify=sent#notify")));
    let page = me.get(res.location.as_deref().unwrap()).await.body;
    assert!(page.contains("new replies to my comments"));
    assert!(page.contains("a link is on its way"));
    let refused = me
        .post_plain(
            "/api/set_subscription",
            &[("article", SLUG), ("kind", "follow_ups"), ("email", "nope"), ("action", "subscribe")],
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("valid email address") && refused.body.contains("value=\"nope\""));
    // the opposite request removes it
    let res = me
        .post_plain(
            "/api/set_subscription",
            &[("article", SLUG), ("kind", "my_replies"), ("action", "unsubscribe")],
        )
        .await;
    assert_eq!(res.status, 303);
    let rows: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM subscriptions").fetch_one(&app.pool).await.unwrap();
    assert_eq!(rows, 0);
}

#[tokio::test]
async fn subscribing_is_rate_limited_per_email() {
    let sink = Sink::start().await;
    let url = sink.url();
    let app = spawn_with(move |c| {
        c.mail.smtp_url = Some(url);
        c.limits.subscribe_per_email = 2;
    })
    .await;
    let me = app.me();
    assert_eq!(subscribe(&me, "r@example.com", "follow_ups").await.status, 200);
    assert_eq!(subscribe(&me, "r@example.com", "my_replies").await.status, 200);
    let res = subscribe(&me, "r@example.com", "follow_ups").await;
    assert_eq!(res.status, 429);
    assert!(res.headers.contains_key("retry-after"));
    // one confirmation mail for the address, not one per request
    sink.wait_for("r@example.com", "Confirm", 1).await;
    app.outbox_settled().await;
    assert_eq!(sink.to("r@example.com", "Confirm").len(), 1);
}

#[tokio::test]
async fn manage_my_subscriptions_lists_and_turns_off() {
    let sink = Sink::start().await;
    let app = app_with(&sink).await;
    subscribed(&app, &sink, "r@example.com", "follow_ups").await;
    subscribed(&app, &sink, "r@example.com", "my_replies").await;
    let res = app.post_plain("/api/manage_subscriptions", &[("email", "r@example.com")]).await;
    assert_eq!(res.status, 303);
    let mail = sink.wait_for("r@example.com", "Your Byline subscriptions", 1).await.pop().unwrap();
    let link = mail.link("/subscriptions/manage?token=").replace(&app.base, "");
    let page = app.get(&link).await.body;
    assert!(page.contains("new follow-up comments") && page.contains("new replies to my comments"));
    let id: i64 = sqlx::query_scalar("SELECT id FROM subscriptions WHERE kind = 'follow_ups'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let res = app.post_plain(&link, &[("subscription", &id.to_string())]).await;
    assert_eq!(res.status, 303);
    let page = app.get(res.location.as_deref().unwrap()).await.body;
    assert!(page.contains("Turned off."));
    assert!(!page.contains("new follow-up comments") && page.contains("new replies to my comments"));
    // an unknown address gets the same answer: nobody learns who subscribes
    let known = app.other_reader().post_js("/api/manage_subscriptions", &[("email", "m@example.com")]).await;
    let unknown =
        app.other_reader().post_js("/api/manage_subscriptions", &[("email", "nobody@example.com")]).await;
    assert_eq!((known.status, unknown.status), (200, 200));
    assert_eq!(
        known.body.replace("m@example.com", "ADDRESS"),
        unknown.body.replace("nobody@example.com", "ADDRESS"),
        "the same answer, word for word"
    );
    app.outbox_settled().await;
    assert!(
        sink.to("nobody@example.com", "").is_empty(),
        "nothing is mailed to an address with no subscription"
    );
}

#[tokio::test]
async fn a_confirmation_mail_can_be_cancelled_with_one_click() {
    let sink = Sink::start().await;
    let app = app_with(&sink).await;
    let res = subscribe(&app.me(), "x@example.com", "follow_ups").await;
    assert_eq!(res.status, 200);
    let mail = sink.wait_for("x@example.com", "Confirm", 1).await.pop().unwrap();
    let target = mail.header("List-Unsubscribe").expect("List-Unsubscribe on the confirmation mail");
    assert_eq!(mail.header("List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));
    let url = target.trim_start_matches('<').trim_end_matches('>').to_string();
    assert!(url.contains("/subscriptions/cancel?token="));
    let res = reqwest::Client::new().post(&url).body("List-Unsubscribe=One-Click").send().await.unwrap();
    assert_eq!(res.status(), 200);
    let rows: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM subscriptions").fetch_one(&app.pool).await.unwrap();
    assert_eq!(rows, 0, "the waiting subscription is gone");
}
