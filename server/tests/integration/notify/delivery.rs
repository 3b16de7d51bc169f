//! From a confirmed subscription to the mail: the three rules, held comments, an SMTP outage,
//! two workers.
use super::*;

#[tokio::test]
async fn subscribe_confirm_notify_and_one_click_unsubscribe() {
    let sink = Sink::start().await;
    let app = app_with(&sink).await;
    let ada = app.me();

    // a new address: unconfirmed, and a confirmation mail with Confirm and Cancel links
    let page_before = ada.form(ARTICLE, "form.notify-form").await;
    let res = subscribe(&ada, "Ada@Example.com", "follow_ups").await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["state"]["subscriptions"][0]["confirmed"], false);
    assert!(res.json()["message"].as_str().unwrap().contains("a link is on its way"));
    // the same request again (a second click on the page as it was): one subscription, and no
    // second mail within 10 minutes
    let again = page_before.choose("kind", "follow_ups").set("email", "ada@example.com").post_js(&ada).await;
    assert_eq!(again.status, 200);
    let rows: i64 =
        db::query_scalar("SELECT COUNT(*) FROM subscriptions").fetch_one(&app.pool).await.unwrap();
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
    let stored: i64 = db::query_scalar("SELECT COUNT(*) FROM mail_tokens WHERE hash = $1")
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
        db::query_scalar::<String>("SELECT reader_id FROM subscriber_readers ORDER BY reader_id")
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
    let subs: Vec<(String, bool)> = db::query_as("SELECT email, confirmed FROM subscriptions ORDER BY id")
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
    let article: i64 = db::query_scalar("SELECT id FROM articles WHERE slug = $1")
        .bind(SLUG)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let held: i64 = db::query_scalar(
        "INSERT INTO comments (article_id, author_name, body, body_html, created_at, submission_key, status)
         VALUES ($1, 'Held', 'Waiting for a moderator.', '<p>Waiting for a moderator.</p>', $2, 'held-1', 'pending')
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
        let failed: i64 = db::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE kind = 'notify' AND status = 'pending' AND attempts > 0",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        failed == 3
    })
    .await;
    let error: Option<String> =
        db::query_scalar("SELECT last_error FROM outbox WHERE kind = 'notify' LIMIT 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(error.is_some(), "the failure is recorded");
    sink.restart().await;
    assert_eq!(wait_notified(&sink, "f@example.com", 3).await, ids);
    app.outbox_settled().await;
    assert_eq!(notified(&sink, "f@example.com"), ids, "each delivered once");
    let sent: i64 = db::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'notify' AND status = 'sent'")
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
    let pool = app::server::store::connect(&app.db_url, std::time::Duration::from_secs(10)).await.unwrap();
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
