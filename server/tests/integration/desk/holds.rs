//! Holding comments for the editors: the settings' rules, what readers see of a held comment,
//! and the mail and live event that wait for its approval.
use super::*;
use crate::common::smtp::Sink;
use std::time::Duration;

#[tokio::test]
async fn a_held_comment_sends_no_mail_and_no_event_and_its_approval_sends_both_once() {
    let sink = Sink::start().await;
    let url = sink.url();
    let app = spawn_with(move |c| c.mail.smtp_url = Some(url)).await;
    let admin = staff(&app, "admin").await;
    let _follower = crate::notify::subscribed(&app, &sink, "follower@example.com", "follow_ups").await;
    settings(&admin, &[("hold", "all")]).await;
    let mut stream = app.http.get(app.url(&format!("{ARTICLE}/events"))).send().await.unwrap();

    let (_, fence, _) = post(&app.reader("fence"), "", "A comment approved to mark the stream.", None).await;
    let author = app.reader("holly");
    let (status, id, held) = post(&author, "holly@example.com", "Held until the desk says so.", None).await;
    assert_eq!((status, held), (200, true));
    assert_eq!(status_of(&app, id).await, "pending");
    // the mail a comment causes is queued in its own transaction: settled means final
    app.outbox_settled().await;
    assert!(sink.to("follower@example.com", "New comment").is_empty(), "no mail before approval");
    // events come in order: the fence approved after the held comment arrives, and nothing of
    // the held one came before it
    moderate(&admin, "approve", fence).await;
    let mut early = String::new();
    while !early.contains(&format!("id: {fence}\n")) {
        let chunk = tokio::time::timeout(Duration::from_secs(5), stream.chunk()).await.expect("the fence");
        early.push_str(&String::from_utf8_lossy(&chunk.unwrap().unwrap()));
    }
    assert!(!early.contains(&format!("id: {id}\n")), "no live event before approval: {early}");
    let fence_mail = sink.wait_for("follower@example.com", "New comment", 1).await;
    assert!(fence_mail[0].text().contains("A comment approved to mark the stream."));

    // only the author sees it, marked; the count does not include it
    let own = author.get(ARTICLE).await.body;
    assert!(own.contains("Held until the desk says so.") && own.contains("Awaiting moderation"), "{own}");
    let other = app.other_reader().get(ARTICLE).await.body;
    assert!(!other.contains("Held until the desk says so."));
    let anonymous = app.http.get(app.url(ARTICLE)).send().await.unwrap().text().await.unwrap();
    assert!(!anonymous.contains("Held until the desk says so."), "crawlers do not see it either");
    let count: i64 =
        db::query_scalar("SELECT comment_count FROM articles").fetch_one(&app.pool).await.unwrap();
    assert_eq!(count, 1, "the fence only");
    // nobody can reply to it or vote on it yet: no reply form, and a forged one is refused
    let page = app.other_reader().get(&format!("{ARTICLE}?replytocom={id}")).await.body;
    assert!(Form::all_in_page(&page, &format!("form#reply-{id}-post")).is_empty());
    let k = key();
    let parent = id.to_string();
    let mut forged = comment("R", "", "A reply to a held comment", &k);
    forged.push(("parent", &parent));
    assert_eq!(app.other_reader().post_js("/api/post_comment", &forged).await.status, 400);

    // the desk shows it with its author's details, and approves it
    let queue = admin.get("/desk/queue").await.body;
    assert!(queue.contains("Held until the desk says so.") && queue.contains("holly@example.com"), "{queue}");
    assert!(queue.contains("every comment is held"));
    // a second editor's queue, open at the same time
    let second_editor = queue_form(&admin, "approve", id).await;
    moderate(&admin, "approve", id).await;
    let mut seen = String::new();
    while !seen.contains(&format!("id: {id}")) {
        let chunk =
            tokio::time::timeout(Duration::from_secs(5), stream.chunk()).await.expect("the live event");
        seen.push_str(&String::from_utf8_lossy(&chunk.unwrap().unwrap()));
    }
    let mails = sink.wait_for("follower@example.com", "New comment", 2).await;
    assert!(mails.iter().any(|m| m.text().contains("Held until the desk says so.")));
    // approving again (a double click, a second editor) changes nothing and sends nothing
    assert_eq!(second_editor.post_plain(&admin).await.status, 303);
    // held for reports and approved again: no second mail either
    db::query("UPDATE comments SET status = 'pending', held_for = 'reports' WHERE id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    moderate(&admin, "approve", id).await;
    app.outbox_settled().await;
    assert_eq!(sink.to("follower@example.com", "New comment").len(), 2, "the fence's and this one's, once");
    assert!(app.other_reader().get(ARTICLE).await.body.contains("Held until the desk says so."));
    let log = audit(&app).await;
    assert!(log.iter().any(|(a, t, b, after)| a == "comment approve"
        && t == &format!("comment #{id}")
        && b.as_deref() == Some("held")
        && after.as_deref() == Some("approved")));
}

#[tokio::test]
async fn first_time_commenters_links_and_blocked_words_are_held() {
    let app = spawn().await;
    let admin = staff(&app, "admin").await;
    settings(&admin, &[("hold", "first_time"), ("max_links", "1"), ("block_words", "cheap pills\nScam")])
        .await;
    let ada = app.reader("ada");
    let (_, first, held) = post(&ada, "ada@example.com", "My first comment here.", None).await;
    assert!(held, "a first-time commenter waits");
    let (_, _, held) = post(&ada, "ada@example.com", "And a second while the first waits.", None).await;
    assert!(held, "still no approved comment");
    moderate(&admin, "approve", first).await;
    let (_, _, held) = post(&ada, "ADA@example.com", "Now I am known to the desk.", None).await;
    assert!(!held, "an approved email is not held again (any case)");
    let (_, _, held) = post(&app.reader("anon"), "", "No email, so the desk cannot know me.", None).await;
    assert!(held, "without an email a comment counts as first-time");
    // the link and word rules hold even known commenters
    let (_, id, held) = post(&ada, "ada@example.com", "See https://a.example and www.b.example", None).await;
    assert!(held);
    let why: String = db::query_scalar("SELECT held_for FROM comments WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(why, "links");
    let (_, _, held) = post(&ada, "ada@example.com", "One link is fine: https://a.example", None).await;
    assert!(!held);
    for (body, want) in [
        ("Buy CHEAP   pills today", true),
        ("Is this a scam?", true),
        ("Scammers everywhere, but the word alone is not here", false),
        ("Cheap, good pills", false),
    ] {
        let (_, _, held) = post(&ada, "ada@example.com", body, None).await;
        assert_eq!(held, want, "{body}");
    }
}

#[tokio::test]
async fn closed_hidden_and_old_articles_take_no_comments() {
    let app = spawn().await;
    let admin = staff(&app, "admin").await;
    let id = app.comment_as(&app.other_reader(), "A", "Before closing.", None).await;
    // a reader's page, open since before the editors closed the article
    let r = app.reader("r");
    let open_page = r.comment_form(None).await;
    let res = article_mode(&admin, "closed").await;
    assert_eq!(res.status, 303, "{}", res.body);
    let (status, _, _) = post_form(&r, open_page.clone(), "", "After closing.").await;
    assert_eq!(status, 403);
    let page = app.get(ARTICLE).await.body;
    assert!(page.contains("Before closing.") && page.contains("Comments are closed"), "{page}");
    // JavaScript off: the refusal is the page with the message, status 403
    let res = open_page.clone().set("name", "R").set("body", "Plain after closing.").post_plain(&r).await;
    assert_eq!(res.status, 403);
    assert!(res.body.contains("Comments are closed on this article."));

    assert_eq!(article_mode(&admin, "hidden").await.status, 303);
    let page = app.get(ARTICLE).await.body;
    assert!(!page.contains("Before closing.") && !page.contains("Post Comment"), "no thread, no form");
    let passages = app.http.get(app.url(&format!("/api/passages?slug={SLUG}"))).send().await.unwrap();
    assert_eq!(passages.text().await.unwrap(), "[]", "no inline feedback either");
    assert_eq!(post_form(&r, open_page.clone(), "", "Hidden.").await.0, 404);

    assert_eq!(article_mode(&admin, "open").await.status, 303);
    assert!(app.get(ARTICLE).await.body.contains("Before closing."));
    // older than the setting allows: closed too (the seed article is dated in the past)
    settings(&admin, &[("close_after_days", "1")]).await;
    app.clock.advance(3 * 86_400);
    // (no page offers a form now: a post with a key made just now, as a script would send it)
    let k = key_made_at(SLUG, app.clock.now() - 60);
    assert_eq!(r.post_js("/api/post_comment", &comment("R", "", "Too late.", &k)).await.status, 403);
    assert!(app.get(ARTICLE).await.body.contains("Comments are closed"));
    let _ = id;
    let log = audit(&app).await;
    assert!(log.iter().any(|(a, _, b, after)| a == "article comments"
        && b.as_deref() == Some("open")
        && after.as_deref() == Some("closed")));
}

#[tokio::test]
async fn an_edit_is_held_by_the_rules_a_new_comment_would_be() {
    let app = spawn().await;
    let admin = staff(&app, "admin").await;
    settings(&admin, &[("max_links", "1"), ("block_words", "casino")]).await;
    let me = app.me();
    let (_, id, held) = post(&me, "me@example.com", "An innocent first version.", None).await;
    assert!(!held);
    let res = me
        .post_js(
            "/api/edit_comment",
            &[("comment", &id.to_string()), ("body", "Visit my casino now!"), ("back", ARTICLE)],
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(status_of(&app, id).await, "pending", "the new text waits for the editors");
    assert!(!app.other_reader().get(ARTICLE).await.body.contains("casino"));
    assert!(me.get(ARTICLE).await.body.contains("Awaiting moderation"));
    let count: i64 =
        db::query_scalar("SELECT comment_count FROM articles").fetch_one(&app.pool).await.unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn a_known_commenters_email_typed_elsewhere_is_still_first_time() {
    let app = spawn_with(|c| c.trust_proxy = 1).await;
    let admin = staff(&app, "admin").await;
    settings(&admin, &[("hold", "first_time")]).await;
    let send = |ip: &'static str, cookie: String, body: &'static str| {
        let k = key();
        let form = [
            ("article", SLUG),
            ("name", "Ada"),
            ("email", "ada@example.com"),
            ("body", body),
            ("key", k.as_str()),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()));
        app.http
            .post(app.url("/api/post_comment"))
            .header("origin", &app.base)
            .header("accept", "application/json")
            .header("cookie", cookie)
            .header("x-forwarded-for", ip)
            .form(&form)
            .send()
    };
    let ada = reader_named("ada");
    let first: serde_json::Value =
        send("198.51.100.1", ada.clone(), "Ada's first.").await.unwrap().json().await.unwrap();
    moderate(&admin, "approve", first["id"].as_i64().unwrap()).await;
    let again: serde_json::Value =
        send("198.51.100.1", ada, "Ada again, known.").await.unwrap().json().await.unwrap();
    assert_eq!(again["held"], false);
    let impostor: serde_json::Value = send("203.0.113.66", reader_named("impostor"), "Pretending to be Ada.")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(impostor["held"], true, "the email alone does not pass the hold");
}
