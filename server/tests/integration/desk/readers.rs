//! Readers' data: export and erasure, asked for by mail or done by the desk.
use super::*;
use crate::common::smtp::Sink;

/// The privacy page's "Your data" form, filled with `email`, its button `action` pressed.
async fn asked(app: &TestApp, email: &str, action: &str) -> Form {
    let form = app.me().form("/privacy", "form[action='/api/request_reader_data']").await;
    form.set("email", email).press("action", action)
}

async fn app_with_mail(sink: &Sink) -> TestApp {
    let url = sink.url();
    spawn_with(move |c| c.mail.smtp_url = Some(url)).await
}

#[tokio::test]
async fn a_reader_exports_then_erases_their_data_through_mailed_links() {
    let sink = Sink::start().await;
    let app = app_with_mail(&sink).await;
    let ada = crate::notify::subscribed(&app, &sink, "ada@example.com", "follow_ups").await;
    let (_, top, _) = post(&ada, "ada@example.com", "Ada's comment that others answer.", None).await;
    let (_, alone, _) = post(&ada, "ada@example.com", "Ada's comment nobody answers.", None).await;
    let other = app.reader("bob");
    let (_, reply, _) = post(&other, "bob@example.com", "Bob answers Ada.", Some(top)).await;
    let res = ada
        .post_js("/api/vote", &[("comment", &reply.to_string()), ("direction", "up"), ("back", ARTICLE)])
        .await;
    assert_eq!(res.status, 200);

    // the answer never says whether an address is known; mail goes only to known ones
    let res = asked(&app, "stranger@example.com", "export").await.post_js(&app.me()).await;
    assert_eq!(res.status, 200);
    let known = asked(&app, "ADA@example.com", "export").await.post_js(&app.me()).await;
    assert_eq!(known.body, res.body, "same answer for known and unknown addresses");
    let mail = sink.wait_for("ada@example.com", "Your data at Byline", 1).await.pop().unwrap();
    app.outbox_settled().await;
    assert!(sink.to("stranger@example.com", "Your data").is_empty());
    // asking again at once sends no second mail
    asked(&app, "ada@example.com", "export").await.post_js(&app.me()).await;

    let link = mail.link("/privacy/data?token=").replace(&app.base, "");
    let page = app.get(&link).await;
    assert!(page.body.contains("Download my data"), "{}", page.body);
    let download = Form::in_page(&page.body, "form[action^='/privacy/data']").post_plain(&app.me()).await;
    assert_eq!(download.status, 200);
    assert!(download.headers["content-disposition"].to_str().unwrap().contains("attachment"));
    let data: serde_json::Value = serde_json::from_str(&download.body).unwrap();
    assert_eq!(data["email"], "ada@example.com");
    let texts: Vec<&str> =
        data["comments"].as_array().unwrap().iter().map(|c| c["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Ada's comment that others answer.", "Ada's comment nobody answers."]);
    assert_eq!(data["subscriptions"][0]["kind"], "follow_ups");
    assert_eq!(data["votes"][0]["comment"], reply);
    assert!(!download.body.contains("Bob answers Ada."), "nobody else's words");

    // erasure, confirmed by its own link
    asked(&app, "ada@example.com", "erase").await.post_js(&app.me()).await;
    let mail = sink.wait_for("ada@example.com", "Erase your data", 1).await.pop().unwrap();
    let link = mail.link("/privacy/data?token=").replace(&app.base, "");
    let page = app.get(&link).await;
    assert!(page.body.contains("cannot be undone"));
    let erase = Form::in_page(&page.body, "form[action^='/privacy/data']");
    let erased = erase.post_plain(&app.me()).await;
    assert_eq!(erased.status, 303);
    assert!(app.get(erased.location.as_deref().unwrap()).await.body.contains("is erased"));
    let page = app.get(ARTICLE).await.body;
    assert!(!page.contains("Ada&#39;s comment") && !page.contains("Ada's comment"), "{page}");
    assert!(
        page.contains("This comment was deleted.") && page.contains("Bob answers Ada."),
        "replies keep their place"
    );
    let rows: Vec<(i64, String, Option<String>, String)> =
        db::query_as("SELECT id, author_name, author_email, body FROM comments ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(rows.len(), 2, "the unanswered comment is gone");
    assert_eq!(rows[0], (top, String::new(), None, String::new()));
    assert!(!rows.iter().any(|r| r.0 == alone));
    for table in ["subscriptions", "subscribers", "subscriber_readers", "comment_votes"] {
        let n: i64 = db::query_scalar(db::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(&app.pool)
            .await
            .unwrap();
        assert_eq!(n, 0, "{table}");
    }
    let score: i64 = db::query_scalar("SELECT score FROM comments WHERE id = $1")
        .bind(reply)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(score, 0, "Ada's vote no longer counts");
    let count: i64 =
        db::query_scalar("SELECT comment_count FROM articles").fetch_one(&app.pool).await.unwrap();
    assert_eq!(count, 1);
    // the link works once (the same page's button again: nothing)
    assert_eq!(erase.post_plain(&app.me()).await.status, 303);
    assert!(app.get(&link).await.body.contains("used already"));
    let log = audit(&app).await;
    assert!(
        log.iter().any(|(a, t, _, _)| a == "reader data erased" && !t.contains("ada@")),
        "logged without the address"
    );
}

#[tokio::test]
async fn the_desk_exports_and_erases_for_a_reader_and_a_bad_request_is_refused() {
    let app = spawn().await;
    let editor = staff(&app, "editor").await;
    let moderator = staff(&app, "moderator").await;
    let (_, _, _) = post(&app.reader("c"), "carol@example.com", "Carol was here.", None).await;
    // (a moderator's desk has no such page: a forged post)
    let refused =
        moderator.post_plain("/desk/readers", &[("email", "carol@example.com"), ("action", "export")]).await;
    assert_eq!(refused.status, 403);
    let form =
        editor.form("/desk/readers", "form[action='/desk/readers']").await.set("email", "carol@example.com");
    let export = form.clone().press("action", "export").post_plain(&editor).await;
    assert_eq!(export.status, 200);
    assert!(export.body.contains("Carol was here."));
    let unsure = form.clone().press("action", "erase").post_plain(&editor).await;
    assert_eq!(unsure.status, 400, "erasing needs the box ticked");
    assert_eq!(app.comment_count().await, 1);
    let done = form.choose("confirm", "yes").press("action", "erase").post_plain(&editor).await;
    assert_eq!(done.status, 303);
    assert_eq!(app.comment_count().await, 0);
    // forged: an action the page has no button for, an address that is none
    let bad = app
        .post_js("/api/request_reader_data", &[("email", "x@example.com"), ("action", "everything")])
        .await;
    assert_eq!(bad.status, 400);
    let bad =
        app.post_js("/api/request_reader_data", &[("email", "not an email"), ("action", "export")]).await;
    assert_eq!(bad.status, 400);
    // JavaScript off: the privacy page with the message, the address kept
    let plain = asked(&app, "nope", "export").await.post_plain(&app.me()).await;
    assert_eq!(plain.status, 400);
    assert!(plain.body.contains("value=\"nope\""), "{}", plain.body);
    let log = audit(&app).await;
    assert!(log.iter().any(|(a, _, _, _)| a == "reader data exported"));
}

#[tokio::test]
async fn the_comment_form_links_the_privacy_page_the_desk_sets() {
    let app = spawn().await;
    let admin = staff(&app, "admin").await;
    let page = app.get(ARTICLE).await.body;
    let form = page.split("id=\"comment-form\"").nth(1).unwrap();
    assert!(
        form.contains("By posting you agree") && form.contains("href=\"/privacy\""),
        "the comment form's consent line"
    );
    let pid: i64 = db::query_scalar("SELECT id FROM passages LIMIT 1").fetch_one(&app.pool).await.unwrap();
    let panel = app.get(&format!("{ARTICLE}?feedback={pid}")).await.body;
    assert!(panel.contains("By sending you agree"), "and the feedback panel's");
    settings(&admin, &[("privacy_text", "We keep **little**. <script>x()</script>")]).await;
    let privacy = app.get("/privacy").await.body;
    assert!(privacy.contains("<strong>little</strong>"), "{privacy}");
    assert!(!privacy.contains("<script>x()"));
}

#[tokio::test]
async fn old_client_address_hashes_are_erased() {
    let app = spawn().await;
    let id = app.comment_as(&app.other_reader(), "A", "Old comment.", None).await;
    db::query("UPDATE comments SET created_at = created_at - 100 * 86400 WHERE id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    let fresh = app.comment_as(&app.other_reader(), "B", "New comment.", None).await;
    let n = app::server::store::desk::settings::purge_addresses(&app.pool, app.clock.now() - 90 * 86_400)
        .await
        .unwrap();
    assert_eq!(n, 1);
    let hashes: Vec<Option<String>> =
        db::query_scalar("SELECT ip_hash FROM comments ORDER BY id").fetch_all(&app.pool).await.unwrap();
    assert!(hashes[0].is_none() && hashes[1].is_some(), "{hashes:?}");
    let _ = fresh;
}
