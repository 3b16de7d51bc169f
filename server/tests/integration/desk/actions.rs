//! The queue's actions, one by one and in bulk: spam, trash, restore, edit, pin, feature — the
//! counts readers see follow, and every action is in the audit log.
use super::*;

async fn count(app: &TestApp) -> i64 {
    db::query_scalar("SELECT comment_count FROM articles").fetch_one(&app.pool).await.unwrap()
}

#[tokio::test]
async fn spam_trash_and_restore_keep_the_thread_and_its_counts_right() {
    let app = spawn().await;
    let m = staff(&app, "moderator").await;
    let top = app.comment_as(&app.other_reader(), "Top", "The top comment.", None).await;
    let reply = app.comment_as(&app.other_reader(), "Rep", "A reply worth keeping.", Some(top)).await;
    let spam = app.comment_as(&app.other_reader(), "Bot", "Buy followers now.", None).await;
    assert_eq!(count(&app).await, 3);
    moderate(&m, "spam", spam).await;
    assert_eq!(status_of(&app, spam).await, "spam");
    assert_eq!(count(&app).await, 2);
    assert!(!app.get(ARTICLE).await.body.contains("Buy followers now."));
    // trash the top comment: its reply stays, under a marker; the text is kept for a restore
    moderate(&m, "trash", top).await;
    let page = app.get(ARTICLE).await.body;
    assert!(!page.contains("The top comment.") && page.contains("A reply worth keeping."), "{page}");
    assert_eq!(count(&app).await, 1);
    let trash = m.get("/desk/queue?queue=trash").await.body;
    assert!(trash.contains("The top comment."), "the editors still see the text");
    moderate(&m, "restore", top).await;
    assert!(app.get(ARTICLE).await.body.contains("The top comment."));
    assert_eq!(count(&app).await, 2);
    let replies: i64 = db::query_scalar("SELECT reply_count FROM comments WHERE id = $1")
        .bind(top)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(replies, 1);
    // an author's own delete cannot be "restored" into view by anyone
    let gone = app.comment_as(&app.me(), "Me", "I will delete this myself.", None).await;
    let res = app.post_js("/api/delete_comment", &[("comment", &gone.to_string()), ("back", ARTICLE)]).await;
    assert_eq!(res.status, 200);
    // (no queue offers it a button; a forged post changes nothing either)
    for action in ["restore", "approve"] {
        let one = format!("{action}:{gone}");
        assert_eq!(m.post_plain("/desk/queue", &[("one", &one), ("back", "/desk/queue")]).await.status, 303);
    }
    assert_eq!(status_of(&app, gone).await, "deleted");
    let _ = reply;
    let log = audit(&app).await;
    let actions: Vec<&str> =
        log.iter().map(|(a, _, _, _)| a.as_str()).filter(|a| a.starts_with("comment")).collect();
    assert_eq!(actions, ["comment spam", "comment trash", "comment restore"], "changes only, each once");
    assert!(log.iter().any(|(a, _, b, after)| a == "comment trash"
        && b.as_deref() == Some("approved")
        && after.as_deref() == Some("trash")));
}

#[tokio::test]
async fn bulk_actions_apply_to_every_ticked_comment_and_say_how_many() {
    let app = spawn().await;
    let m = staff(&app, "moderator").await;
    let ids: Vec<String> = {
        let mut v = Vec::new();
        for i in 0..3 {
            v.push(
                app.comment_as(&app.other_reader(), "Bot", &format!("Spam number {i} for you."), None)
                    .await
                    .to_string(),
            );
        }
        v
    };
    let keep = app.comment_as(&app.other_reader(), "Ada", "A real comment.", None).await;
    let mut form = m.form("/desk/queue?queue=approved", "form.desk-queue").await;
    for id in &ids {
        form = form.choose("ids", id);
    }
    let res = form.press("bulk", "spam").post_plain(&m).await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.location.as_deref(), Some("/desk/queue?queue=approved&done=spam&n=3"));
    let page = m.get(res.location.as_deref().unwrap()).await.body;
    assert!(page.contains("3 comments marked as spam."), "{page}");
    for id in &ids {
        assert_eq!(status_of(&app, id.parse().unwrap()).await, "spam");
    }
    assert_eq!(status_of(&app, keep).await, "approved");
    let spam_tab = m.get("/desk/queue?queue=spam").await.body;
    assert!(spam_tab.contains("Spam number 0") && spam_tab.contains("Spam number 2"));
    // nothing ticked, or an unknown action: a clear refusal on the same page
    let none = m.post_plain("/desk/queue", &[("bulk", "spam"), ("back", "/desk/queue")]).await;
    assert_eq!(none.status, 400);
    assert!(none.body.contains("Tick at least one comment"));
    let odd = m.post_plain("/desk/queue", &[("one", "obliterate:1")]).await;
    assert_eq!(odd.status, 400);
    // the swapper (JavaScript on) gets where to go without following a redirect
    let one = format!("restore:{}", ids[0]);
    let swapped =
        m.form("/desk/queue?queue=spam", "form.desk-queue").await.press("one", &one).post_swapped(&m).await;
    assert_eq!(swapped.status, 204);
    assert_eq!(swapped.headers["byline-location"], "/desk/queue?queue=spam&done=restore&n=1");
}

#[tokio::test]
async fn editors_edit_pin_and_feature_and_readers_see_it_marked() {
    let app = spawn().await;
    let m = staff(&app, "moderator").await;
    let first = app.comment_as(&app.other_reader(), "Ada", "An early comment.", None).await;
    for i in 0..3 {
        app.comment_as(&app.other_reader(), "Later", &format!("Later comment {i}."), None).await;
    }
    let form = m.get(&format!("/desk/comments/{first}")).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains(">An early comment.</textarea>"), "{}", form.body);
    assert_eq!(m.get("/desk/comments/999999").await.status, 404);
    let res = m
        .post_plain(&format!("/desk/comments/{first}"), &[("body", "An early comment, with a <b>fix</b>.")])
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = app.get(ARTICLE).await.body;
    assert!(page.contains("edited by the editors"), "{page}");
    assert!(page.contains("&lt;b&gt;fix&lt;/b&gt;") || page.contains("fix"), "{page}");
    assert!(!page.contains("<b>fix</b>"), "markup is sanitised as any comment's");
    // pinned: first on the page whatever the sort
    moderate(&m, "pin", first).await;
    moderate(&m, "feature", first).await;
    let page = app.get(&format!("{ARTICLE}?sort=newest")).await.body;
    let pinned = page.find("An early comment").unwrap();
    let later = page.find("Later comment 2.").unwrap();
    assert!(pinned < later, "the pinned comment leads the newest-first thread");
    assert!(page.contains("Pinned") && page.contains("Editors’ pick"));
    moderate(&m, "unpin", first).await;
    let page = app.get(&format!("{ARTICLE}?sort=newest")).await.body;
    assert!(page.find("An early comment").unwrap() > page.find("Later comment 2.").unwrap());
    let empty = m.post_plain(&format!("/desk/comments/{first}"), &[("body", "   ")]).await;
    assert_eq!(empty.status, 400);
    let log = audit(&app).await;
    let edit = log.iter().find(|(a, _, _, _)| a == "comment edited").expect("the edit is logged");
    assert_eq!(edit.2.as_deref(), Some("An early comment."));
    assert_eq!(edit.3.as_deref(), Some("An early comment, with a <b>fix</b>."));
    assert_eq!(m.get("/desk/audit").await.status, 403, "the log names staff: editors and up");
    let shown = staff(&app, "editor").await.get("/desk/audit").await.body;
    assert!(shown.contains("comment edited") && shown.contains("An early comment."), "{shown}");
}
