//! Notifications are not a spam relay.
#[allow(unused_imports)]
use super::*;

#[tokio::test]
async fn an_address_confirmed_by_its_owner_cannot_be_subscribed_by_anyone_else() {
    let sink = Sink::start().await;
    let url = sink.url();
    let app = spawn_with(move |c| c.mail.smtp_url = Some(url)).await;
    let owner = app.other_reader();
    subscribe_confirmed(&owner, &sink, "victim@example.com", "my_replies").await;
    // the owner's browser is not asked again: subscribed at once to another kind, no new mail
    let again = subscribe_to(&owner, "victim@example.com", "follow_ups").await;
    assert!(again.json()["message"].as_str().unwrap().starts_with("Done"), "{}", again.body);
    let follow_ups = again.json()["state"]["subscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["kind"] == "FollowUps" && s["confirmed"] == true);
    assert!(follow_ups, "{}", again.body);
    app.outbox_settled().await;
    assert_eq!(sink.to("victim@example.com", "Confirm").len(), 1, "one confirmation mail, ever");
    // and off again: what follows is about the attacker's follow-ups, not the owner's
    let off = owner
        .post_js(
            "/api/set_subscription",
            &[
                ("article", SLUG),
                ("kind", "follow_ups"),
                ("email", "victim@example.com"),
                ("action", "unsubscribe"),
            ],
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.body);
    let kinds: Vec<String> =
        db::query_scalar("SELECT kind FROM subscriptions WHERE email = 'victim@example.com'")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(kinds, vec!["my_replies".to_string()]);

    // an attacker subscribes the address to every new comment: it waits for a confirmation
    let attacker = app.other_reader();
    let res = subscribe(&attacker, "victim@example.com").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["state"]["subscriptions"][0]["confirmed"], false, "{}", res.body);
    let victims = post_as(&owner, "Victim", "victim@example.com", "The victim's own comment.", false).await;
    let victims = victims.json()["id"].as_i64().unwrap();
    // the attacker's text, which the address must not receive
    let spam = post_as(&attacker, "Spammer", "", "BUY CHEAP PILLS at spam.example", false).await;
    assert_eq!(spam.status, 200);
    // a reply to the victim's comment: what the owner subscribed to (proves the worker ran after the spam)
    let k = key();
    let mut form = comment("Replier", "", "A real reply to the victim.", &k);
    let parent = victims.to_string();
    form.push(("parent", &parent));
    let replied = app.other_reader().post_js("/api/post_comment", &form).await;
    let replied = replied.json()["id"].as_i64().unwrap();
    let got = sink.wait_for("victim@example.com", "New ", 1).await;
    assert_eq!(got.len(), 1);
    assert!(got[0].link("#comment-").ends_with(&format!("#comment-{replied}")));
    assert!(!got[0].text().contains("PILLS"));
}

#[tokio::test]
async fn the_answer_is_the_same_whatever_the_addresss_state() {
    let sink = Sink::start().await;
    let url = sink.url();
    let app = spawn_with(move |c| c.mail.smtp_url = Some(url)).await;
    let owner = app.other_reader();
    subscribe_confirmed(&owner, &sink, "known@example.com", "follow_ups").await;
    subscribe(&app.other_reader(), "pending@example.com").await;

    let mut answers = Vec::new();
    for email in ["known@example.com", "pending@example.com", "nobody@example.com"] {
        let r = subscribe(&app.other_reader(), email).await;
        answers.push((r.status, r.json()["message"].clone(), r.json()["state"].clone()));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[1], answers[2]);
}

#[tokio::test]
async fn resubscribing_an_address_does_not_take_its_subscription_over() {
    let sink = Sink::start().await;
    let url = sink.url();
    let app = spawn_with(move |c| c.mail.smtp_url = Some(url)).await;
    let owner = app.other_reader();
    subscribe_confirmed(&owner, &sink, "owner@example.com", "follow_ups").await;

    let attacker = app.other_reader();
    subscribe(&attacker, "owner@example.com").await;
    let off = attacker
        .post_js(
            "/api/set_subscription",
            &[
                ("article", SLUG),
                ("kind", "follow_ups"),
                ("email", "owner@example.com"),
                ("action", "unsubscribe"),
            ],
        )
        .await;
    assert_eq!(off.status, 200);
    let owner_id = owner.cookie.split_once('=').unwrap().1.split('.').next().unwrap().to_string();
    let owners: i64 = db::query_scalar(
        "SELECT COUNT(*) FROM subscriptions WHERE email = $1 AND reader_id = $2 AND confirmed = 1",
    )
    .bind("owner@example.com")
    .bind(&owner_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(owners, 1, "still the owner's, still confirmed");
    let c = post_as(&app.other_reader(), "Ctl", "", "Still told of new comments.", false).await;
    assert_eq!(c.status, 200);
    assert_eq!(sink.wait_for("owner@example.com", "New ", 1).await.len(), 1);
}

#[tokio::test]
async fn one_click_unsubscribe_stops_the_mail_whichever_browser_subscribed() {
    let sink = Sink::start().await;
    let url = sink.url();
    let app = spawn_with(move |c| c.mail.smtp_url = Some(url)).await;
    // the reader subscribed from a laptop and, later, from a phone: two confirmed rows
    let laptop = app.other_reader();
    subscribe_confirmed(&laptop, &sink, "two@example.com", "follow_ups").await;
    let phone = app.other_reader();
    subscribe(&phone, "two@example.com").await;
    db::query("UPDATE subscriptions SET confirmed = 1").execute(&app.pool).await.unwrap();
    // a control subscriber shows the worker ran
    let ctl = app.other_reader();
    subscribe_confirmed(&ctl, &sink, "ctl@example.com", "follow_ups").await;

    post_as(&app.other_reader(), "P", "", "The first comment both hear of.", false).await;
    let n = sink.wait_for("two@example.com", "New ", 1).await.pop().unwrap();
    let link = n.header("List-Unsubscribe").unwrap().trim_matches(|c| c == '<' || c == '>').to_string();
    let res = reqwest::Client::new().post(&link).body("List-Unsubscribe=One-Click").send().await.unwrap();
    assert_eq!(res.status(), 200);
    post_as(&app.other_reader(), "P", "", "The second comment, after unsubscribing.", false).await;
    sink.wait_for("ctl@example.com", "New ", 2).await;
    assert_eq!(sink.to("two@example.com", "New ").len(), 1, "no mail after the one click");
}

#[tokio::test]
async fn the_comment_forms_reply_checkbox_obeys_the_subscription_limits_and_mails_no_reader_text() {
    let sink = Sink::start().await;
    let url = sink.url();
    let app = spawn_with(move |c| {
        c.mail.smtp_url = Some(url);
        c.limits.subscribe_per_ip = 2;
    })
    .await;
    for (i, email) in ["one@example.com", "two@example.com", "three@example.com"].iter().enumerate() {
        let res = post_as(
            &app.other_reader(),
            "Visit spam.example for CHEAP PILLS",
            email,
            &format!("Comment {i}: click https://spam.example/offer now"),
            true,
        )
        .await;
        assert_eq!(res.status, 200, "the comment is posted either way: {}", res.body);
    }
    let one = sink.wait_for("one@example.com", "Confirm", 1).await.pop().unwrap();
    sink.wait_for("two@example.com", "Confirm", 1).await;
    for part in [one.text(), one.html(), one.header("Subject").unwrap_or_default()] {
        assert!(
            !part.contains("spam.example") && !part.contains("PILLS"),
            "reader text in a confirmation: {part}"
        );
    }
    let subs: i64 =
        db::query_scalar("SELECT COUNT(*) FROM subscriptions").fetch_one(&app.pool).await.unwrap();
    assert_eq!(subs, 2, "the third subscription was over the per-address limit");
    app.outbox_settled().await;
    assert!(sink.to("three@example.com", "").is_empty());
}

#[tokio::test]
async fn mail_to_one_address_is_capped_per_day_and_carries_its_message_id() {
    let sink = Sink::start().await;
    let url = sink.url();
    let app = spawn_with(move |c| {
        c.mail.smtp_url = Some(url);
        c.limits.mail_per_address_per_day = 3;
    })
    .await;
    let owner = app.other_reader();
    subscribe(&owner, "busy@example.com").await;
    let mail = sink.wait_for("busy@example.com", "Confirm", 1).await.pop().unwrap();
    assert!(mail.header("Auto-Submitted").is_some_and(|v| v.contains("auto-generated")));
    assert!(
        mail.header("Message-ID").is_some_and(|v| v.starts_with("<outbox-")),
        "{:?}",
        mail.header("Message-ID")
    );
    confirm_as(&owner, &mail).await;
    for i in 0..4 {
        post_as(&app.other_reader(), "P", "", &format!("Busy thread comment {i}."), false).await;
    }
    sink.wait_for("busy@example.com", "New ", 2).await;
    app.outbox_settled().await;
    assert_eq!(sink.to("busy@example.com", "").len(), 3, "1 confirmation + 2 notifications, then the cap");
    let dropped: i64 = db::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE status = 'dropped' AND last_error LIKE '%daily cap%'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(dropped, 2);
}
