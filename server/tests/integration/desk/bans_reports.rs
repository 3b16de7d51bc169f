//! Bans and reports.
use super::*;

#[tokio::test]
async fn a_banned_author_sees_a_neutral_refusal_until_the_ban_is_lifted_or_expires() {
    let app = spawn().await;
    let m = staff(&app, "moderator").await;
    let troll = app.reader("troll");
    let (_, id, _) = post(&troll, "troll@example.com", "Something abusive.", None).await;
    let form = m.get(&format!("/desk/bans?comment={id}")).await.body;
    assert!(form.contains("troll@example.com"), "{form}");
    let res = m
        .post_plain(
            "/desk/bans",
            &[("comment", &id.to_string()), ("kind", "email"), ("days", "7"), ("reason", "Abuse")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    // by email, whatever the browser
    let (status, _, _) = post(&app.reader("fresh"), "Troll@Example.com", "Trying again.", None).await;
    assert_eq!(status, 403);
    let k = key();
    let plain = app
        .reader("fresh2")
        .post_plain("/api/post_comment", &comment("T", "troll@example.com", "Plain.", &k))
        .await;
    assert_eq!(plain.status, 403);
    assert!(plain.body.contains("This comment could not be posted."));
    assert!(!plain.body.to_lowercase().contains("ban"), "neutral: no word of a ban");
    // the same browser without an email is not covered by an email ban…
    assert_eq!(post(&troll, "", "Anonymous now.", None).await.0, 200);
    // …but a ban on the browser is
    let res = m
        .post_plain(
            "/desk/bans",
            &[("comment", &id.to_string()), ("kind", "reader"), ("days", "forever"), ("reason", "Evasion")],
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(post(&troll, "", "Anonymous again.", None).await.0, 403);
    // and by address (every test request comes from 127.0.0.1)
    let res = m
        .post_plain(
            "/desk/bans",
            &[("comment", &id.to_string()), ("kind", "address"), ("days", "1"), ("reason", "Flood")],
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(post(&app.reader("anyone"), "", "From the same network.", None).await.0, 403);
    // the list shows them; lifting the address and reader bans, the expiry ends the email one
    let list = m.get("/desk/bans").await.body;
    assert!(
        list.contains("troll@example.com") && list.contains("Abuse") && list.contains("Evasion"),
        "{list}"
    );
    let ids: Vec<i64> =
        db::query_scalar("SELECT id FROM bans WHERE kind <> 'email'").fetch_all(&app.pool).await.unwrap();
    for b in ids {
        assert_eq!(m.post_plain(&format!("/desk/bans/{b}/lift"), &[]).await.status, 303);
    }
    assert_eq!(post(&app.reader("anyone"), "", "Lifted.", None).await.0, 200);
    assert_eq!(post(&app.reader("x"), "troll@example.com", "Still banned by email.", None).await.0, 403);
    // a ban needs a reason and a real identity
    let bad =
        m.post_plain("/desk/bans", &[("kind", "email"), ("value", "not-an-email"), ("reason", "x")]).await;
    assert_eq!(bad.status, 400);
    let bad =
        m.post_plain("/desk/bans", &[("kind", "email"), ("value", "a@example.com"), ("reason", " ")]).await;
    assert_eq!(bad.status, 400);
    app.clock.advance(8 * 86_400);
    assert_eq!(m.get("/desk/bans").await.status, 302, "a staff session lasts 12 hours");
    assert_eq!(post(&app.reader("y"), "troll@example.com", "After the week.", None).await.0, 200);
    let log = audit(&app).await;
    assert_eq!(log.iter().filter(|(a, _, _, _)| a == "ban").count(), 3);
    assert_eq!(log.iter().filter(|(a, _, _, _)| a == "ban lifted").count(), 2);
}

async fn report(s: &Session<'_>, id: i64, reason: &str) -> Reply {
    s.post_js(
        "/api/report_comment",
        &[("comment", &id.to_string()), ("reason", reason), ("note", "see"), ("back", ARTICLE)],
    )
    .await
}

#[tokio::test]
async fn readers_report_once_each_and_enough_reports_hold_a_comment_for_review() {
    let app = spawn_with(|c| c.trust_proxy = 1).await;
    let admin = staff(&app, "admin").await;
    settings(&admin, &[("reports_to_hold", "2")]).await;
    let author = app.reader("author");
    let id = app.comment_as(&author, "Author", "A contested comment.", None).await;
    assert_eq!(report(&author, id, "abuse").await.status, 403, "not one's own");
    let a = app.reader("a");
    assert_eq!(report(&a, id, "bogus").await.status, 400, "reasons come from the list");
    assert_eq!(report(&a, id, "abuse").await.status, 200);
    let again = report(&a, id, "spam").await;
    assert_eq!(again.status, 409, "one report per reader");
    // many cookies on one network count once toward the hold
    for i in 0..3 {
        assert_eq!(report(&app.reader(&format!("sock{i}")), id, "spam").await.status, 200);
    }
    assert_eq!(status_of(&app, id).await, "approved");
    let reported = admin.get("/desk/queue?queue=reported").await.body;
    assert!(reported.contains("A contested comment.") && reported.contains("Abusive, hateful"), "{reported}");
    // a reader on another network: the second distinct reporter holds it
    let other = app
        .http
        .post(app.url("/api/report_comment"))
        .header("origin", &app.base)
        .header("accept", "application/json")
        .header("cookie", reader_named("elsewhere"))
        .header("x-forwarded-for", "203.0.113.50")
        .form(&[("comment", id.to_string().as_str()), ("reason", "abuse")])
        .send()
        .await
        .unwrap();
    assert_eq!(other.status().as_u16(), 200);
    assert_eq!(status_of(&app, id).await, "pending");
    assert!(!app.other_reader().get(ARTICLE).await.body.contains("A contested comment."));
    assert!(author.get(ARTICLE).await.body.contains("Awaiting moderation"), "its author still sees it, held");
    // the editors keep it: approved again, the reports are answered
    moderate(&admin, "approve", id).await;
    assert!(app.other_reader().get(ARTICLE).await.body.contains("A contested comment."));
    let open: i64 = db::query_scalar("SELECT COUNT(*) FROM reports WHERE resolved_at IS NULL")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(open, 0);
    assert!(!admin.get("/desk/queue?queue=reported").await.body.contains("A contested comment."));
    // reviewed and kept: new reports from new networks alert the editors but hold nothing,
    // or a few networks could hide it again after every review
    for (i, ip) in ["203.0.113.60", "203.0.113.61", "203.0.113.62"].into_iter().enumerate() {
        let res = app
            .http
            .post(app.url("/api/report_comment"))
            .header("origin", &app.base)
            .header("accept", "application/json")
            .header("cookie", reader_named(&format!("again{i}")))
            .header("x-forwarded-for", ip)
            .form(&[("comment", id.to_string().as_str()), ("reason", "abuse")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
    }
    assert_eq!(status_of(&app, id).await, "approved");
    assert!(admin.get("/desk/queue?queue=reported").await.body.contains("A contested comment."));
    // a banned reader cannot report
    let troll = app.reader("troll");
    let (_, tid, _) = post(&troll, "troll@example.com", "I get banned.", None).await;
    let ban = admin
        .post_plain("/desk/bans", &[("comment", &tid.to_string()), ("kind", "reader"), ("reason", "Abuse")])
        .await;
    assert_eq!(ban.status, 303);
    let other = app.comment_as(&app.other_reader(), "O", "Someone the troll dislikes.", None).await;
    assert_eq!(report(&troll, other, "abuse").await.status, 403);
}

#[tokio::test]
async fn reporting_works_without_javascript() {
    let app = spawn().await;
    let id = app.comment_as(&app.other_reader(), "Author", "Reported without scripts.", None).await;
    let me = app.reader("plain");
    let form = me.get(&format!("{ARTICLE}?report={id}#comment-{id}")).await.body;
    assert!(form.contains("action=\"/api/report_comment\"") && form.contains("Off topic"), "{form}");
    let res = me
        .post_plain(
            "/api/report_comment",
            &[("comment", &id.to_string()), ("reason", "off_topic"), ("back", ARTICLE)],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let location = res.location.unwrap();
    assert_eq!(location, format!("{ARTICLE}?reported={id}#comment-{id}"));
    assert!(me.get(&location).await.body.contains("the editors will look at this comment"));
    let again = me
        .post_plain(
            "/api/report_comment",
            &[("comment", &id.to_string()), ("reason", "spam"), ("back", ARTICLE)],
        )
        .await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("You already reported this comment"), "{}", again.body);
}
