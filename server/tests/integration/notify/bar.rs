//! The "Notify of" bar and "Manage my subscriptions": refusals, limits, turning off, cancelling.
use super::*;

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
    // a kind the bar does not offer (a forged post)
    let odd = me
        .post_js(
            "/api/set_subscription",
            &[("article", SLUG), ("kind", "everything"), ("email", "a@example.com"), ("action", "subscribe")],
        )
        .await;
    assert_eq!(odd.status, 400);

    // JavaScript off: the same form posts and comes back with the new state
    let bar = me.form(ARTICLE, "form.notify-form").await;
    let res =
        bar.clone().choose("kind", "my_replies").set("email", "plain@example.com").post_plain(&me).await;
    assert_eq!(res.status, 303);
    assert_eq!(res.location.as_deref(), Some(&*format!("{ARTICLE}?notify=sent#notify")));
    let page = me.get(res.location.as_deref().unwrap()).await.body;
    assert!(page.contains("new replies to my comments"));
    assert!(page.contains("a link is on its way"));
    let refused = bar.choose("kind", "follow_ups").set("email", "nope").post_plain(&me).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("valid email address") && refused.body.contains("value=\"nope\""));
    // the state line's Unsubscribe removes it
    let res = me.form(ARTICLE, ".notify-state form.inline-form").await.post_plain(&me).await;
    assert_eq!(res.status, 303);
    let rows: i64 =
        db::query_scalar("SELECT COUNT(*) FROM subscriptions").fetch_one(&app.pool).await.unwrap();
    assert_eq!(rows, 0);
}

/// `action` is a closed set: an unknown or hostile value is a clean 400 in both modes, and
/// nothing is stored.
#[tokio::test]
async fn an_unknown_action_is_a_clean_refusal_in_both_modes() {
    let app = spawn().await;
    let me = app.me();
    for action in ["\u{202E}bogus", "SUBSCRIBE", "subscribe\0", ""] {
        let form =
            [("article", SLUG), ("kind", "follow_ups"), ("email", "a@example.com"), ("action", action)];
        let js = me.post_js("/api/set_subscription", &form).await;
        assert_eq!(js.status, 400, "{action:?}: {}", js.body);
        assert_eq!(js.json(), serde_json::json!("BadRequest"), "{action:?}");
        let plain = me.post_plain("/api/set_subscription", &form).await;
        assert_eq!(plain.status, 400, "{action:?}: {}", plain.body);
        assert!(plain.body.contains("The form could not be read"), "{action:?}: {}", plain.body);
        assert!(!plain.body.contains("unknown variant"), "internal text leaked: {}", plain.body);
    }
    let rows: i64 =
        db::query_scalar("SELECT COUNT(*) FROM subscriptions").fetch_one(&app.pool).await.unwrap();
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
    // a page opened before (its bar still offers every kind)
    let old_page = me.form(ARTICLE, "form.notify-form").await;
    assert_eq!(subscribe(&me, "r@example.com", "follow_ups").await.status, 200);
    assert_eq!(subscribe(&me, "r@example.com", "my_replies").await.status, 200);
    let res = old_page.choose("kind", "follow_ups").set("email", "r@example.com").post_js(&me).await;
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
    let res = app
        .me()
        .form("/subscriptions", "form.manage-form")
        .await
        .set("email", "r@example.com")
        .post_plain(&app.me())
        .await;
    assert_eq!(res.status, 303);
    let mail = sink.wait_for("r@example.com", "Your Byline subscriptions", 1).await.pop().unwrap();
    let link = mail.link("/subscriptions/manage?token=").replace(&app.base, "");
    let page = app.get(&link).await.body;
    assert!(page.contains("new follow-up comments") && page.contains("new replies to my comments"));
    let id: i64 = db::query_scalar("SELECT id FROM subscriptions WHERE kind = 'follow_ups'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let turn_off = Form::all_in_page(&page, "form.link-form")
        .into_iter()
        .find(|f| f.value("subscription") == id.to_string())
        .expect("a Turn off button for it");
    let res = turn_off.post_plain(&app.me()).await;
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
        db::query_scalar("SELECT COUNT(*) FROM subscriptions").fetch_one(&app.pool).await.unwrap();
    assert_eq!(rows, 0, "the waiting subscription is gone");
}
