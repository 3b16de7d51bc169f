//! Hole 1: what a page shows changes in one transaction, and the kept pages are dropped after
//! it — so a reader without a cookie (served from the page cache, and by a CDN after it) sees
//! every change at once and never a text the editors have not seen.
use super::*;
use crate::desk::{moderate, settings, staff};

/// The author's edit form for comment `id`, as the author's browser gets it.
async fn edit_form(s: &Session<'_>, id: i64) -> Form {
    s.form(&format!("{ARTICLE}?edit={id}"), "form.edit-form").await
}

/// The editors hold "forbidden"; the reader "author" wrote comment `id`, which the page cache
/// keeps for readers without a cookie.
async fn a_kept_comment_and_a_blocked_word(app: &TestApp) -> (Session<'_>, i64) {
    let admin = staff(app, "admin").await;
    settings(&admin, &[("block_words", "forbidden")]).await;
    let author = app.reader("author");
    let id = app.comment_as(&author, "Ada", "A fine first version.", None).await;
    assert!(kept(app, ARTICLE).await.body.contains("A fine first version."));
    (author, id)
}

#[tokio::test]
async fn an_edit_is_stored_with_its_hold_or_not_at_all() {
    let app = spawn().await;
    let (author, id) = a_kept_comment_and_a_blocked_word(&app).await;
    // the hold cannot be written (the database refuses its alert): the edit must not be
    // stored either, or readers would see a text the rules hold
    refuse_inserts(&app, "staff_alerts").await;
    let res = edit_form(&author, id).await.set("body", "Now with a forbidden word.").post_js(&author).await;
    assert_eq!(res.status, 500, "{}", res.body);
    assert!(!res.body.contains("refused for the test"), "no database text reaches the browser: {}", res.body);
    let page = nobody(&app).get(ARTICLE).await;
    assert!(!page.body.contains("forbidden word"), "the unreviewed text is not shown");
    assert!(page.body.contains("A fine first version."));
    let (body, status): (String, String) = db::query_as("SELECT body, status FROM comments WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!((body.as_str(), status.as_str()), ("A fine first version.", "approved"));
}

#[tokio::test]
async fn a_held_edit_leaves_the_page_of_readers_without_a_cookie_at_once() {
    let app = spawn().await;
    let (author, id) = a_kept_comment_and_a_blocked_word(&app).await;
    let res = edit_form(&author, id).await.set("body", "Now with a forbidden word.").post_js(&author).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["held"], true, "the author is told it waits for the editors");
    let page = nobody(&app).get(ARTICLE).await;
    assert_ne!(cache_of(&page), "hit", "the kept page was dropped");
    assert!(!page.body.contains("forbidden word") && !page.body.contains("A fine first version."));
    assert!(author.get(ARTICLE).await.body.contains("forbidden word"), "the author still sees it, held");
    assert_eq!(crate::desk::status_of(&app, id).await, "pending");
}

/// Each desk action, seen by a reader without a cookie right after it.
#[tokio::test]
async fn every_desk_action_shows_to_a_reader_without_a_cookie_at_once() {
    let app = spawn().await;
    let admin = staff(&app, "admin").await;
    let a = app.comment_as(&app.reader("a"), "Ada", "Comment number one.", None).await;
    let b = app.comment_as(&app.reader("b"), "Bo", "Comment number two.", None).await;
    let shows = |what: &'static str| {
        let app = &app;
        async move {
            let page = nobody(app).get(ARTICLE).await;
            assert_eq!(page.status, 200);
            page.body.contains(what)
        }
    };
    kept(&app, ARTICLE).await;
    for (action, id, what, shown) in [
        ("spam", a, "Comment number one.", false),
        ("restore", a, "Comment number one.", true),
        ("trash", b, "Comment number two.", false),
        ("restore", b, "Comment number two.", true),
        ("pin", a, "badge pinned", true),
        ("unpin", a, "badge pinned", false),
        ("feature", b, "Editors’ pick", true),
        ("unfeature", b, "Editors’ pick", false),
    ] {
        kept(&app, ARTICLE).await;
        moderate(&admin, action, id).await;
        assert_eq!(shows(what).await, shown, "{action} {id}: {what}");
    }
    // the editors change a text
    kept(&app, ARTICLE).await;
    let form = admin.form(&format!("/desk/comments/{a}"), "form.desk-form").await;
    let res = form.set("body", "Tidied by the desk.").post_plain(&admin).await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert!(shows("Tidied by the desk.").await && shows("(edited by the editors)").await);
    // a held comment approved
    settings(&admin, &[("hold", "all")]).await;
    let (_, held, was_held) = crate::desk::post(&app.reader("c"), "", "Waiting for the desk.", None).await;
    assert!(was_held);
    kept(&app, ARTICLE).await;
    moderate(&admin, "approve", held).await;
    assert!(shows("Waiting for the desk.").await);
    // the article closed, hidden, opened
    for (mode, what, shown) in [
        ("closed", "Comments are closed on this article.", true),
        ("hidden", "Waiting for the desk.", false),
        ("open", "Comments are closed on this article.", false),
    ] {
        kept(&app, ARTICLE).await;
        let res = crate::desk::article_mode(&admin, mode).await;
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(shows(what).await, shown, "{mode}");
    }
    // settings: once the article is three days old, closing after a day closes it
    app.clock.advance(3 * 86_400);
    // (the desk session ended meanwhile: sign in again)
    let admin = staff(&app, "admin").await;
    kept(&app, ARTICLE).await;
    settings(&admin, &[("close_after_days", "1")]).await;
    assert!(shows("Comments are closed on this article.").await);
}

#[tokio::test]
async fn an_erasure_and_a_report_hold_show_to_a_reader_without_a_cookie_at_once() {
    let app = spawn().await;
    let admin = staff(&app, "admin").await;
    settings(&admin, &[("reports_to_hold", "1")]).await;
    let (_, zoe, _) = crate::desk::post(&app.reader("zoe"), "zoe@example.com", "Zoe wrote this.", None).await;
    let (_, other, _) = crate::desk::post(&app.reader("other"), "", "Someone reportable.", None).await;
    assert!(zoe > 0 && other > 0);

    // a report that holds the comment
    assert!(kept(&app, ARTICLE).await.body.contains("Someone reportable."));
    let reporter = app.reader("reporter");
    let form = reporter.form(&format!("{ARTICLE}?report={other}"), "form.report-form").await;
    let res = form.choose("reason", "abuse").post_js(&reporter).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(!nobody(&app).get(ARTICLE).await.body.contains("Someone reportable."));

    // the desk erases a reader's data
    assert!(kept(&app, ARTICLE).await.body.contains("Zoe wrote this."));
    let res = crate::desk::erase_reader(&admin, "ZOE@example.com").await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert!(!nobody(&app).get(ARTICLE).await.body.contains("Zoe wrote this."));

    // a reader erases their own by the mailed link
    let (_, mine, _) =
        crate::desk::post(&app.reader("mine"), "mine@example.com", "Mine to erase.", None).await;
    assert!(mine > 0);
    assert!(kept(&app, ARTICLE).await.body.contains("Mine to erase."));
    let token = crate::desk::data_link(&app, "mine@example.com", "erase").await;
    let page = nobody(&app).get(&format!("/privacy/data?token={token}")).await;
    let res = Form::in_page(&page.body, "form[action^='/privacy/data']").post_plain(&nobody(&app)).await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert!(!nobody(&app).get(ARTICLE).await.body.contains("Mine to erase."));
}
