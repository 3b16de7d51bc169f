//! A story in review, a scheduled one and an unpublished one, each with words found nowhere
//! else, looked for by every path a reader or a crawler has: none shows them.
use super::*;

const WORDS: [&str; 3] = ["Quarrydraft", "Embargoscheduled", "Retractedgone"];

#[tokio::test]
async fn stories_not_published_never_reach_readers_by_any_path() {
    let app = spawn().await;
    let editor = staff(&app, "editor").await;
    let writer = staff(&app, "writer").await;
    let review = draft(&writer, "Quarrydraft report", "Hidden", "Quarrydraft text.").await;
    done(&writer, review, "submit").await;
    let scheduled = draft(&editor, "Embargoscheduled story", "Hidden", "Embargoscheduled text.").await;
    assert_eq!(schedule(&editor, scheduled, next_minute(&app, 60)).await.status, 303);
    let gone = draft(&editor, "Retractedgone story", "Hidden", "Retractedgone text.").await;
    done(&editor, gone, "publish").await;
    let gone_slug = slug_of(&app, gone).await;
    // read while it was published: its page, the section and the feeds were kept
    let (y, m) = app::domain::listing::month_of(app.clock.now());
    let month = format!("/archive/{y}/{m:02}");
    for path in [
        format!("/articles/{gone_slug}"),
        "/".into(),
        "/section/hidden".into(),
        "/feed".into(),
        "/tags/desk-test".into(),
        "/archive".into(),
        month.clone(),
    ] {
        for _ in 0..2 {
            let page = cookieless(&app, &path).await;
            assert_eq!(page.status, 200, "{path}");
            assert!(page.body.contains("Retractedgone"), "{path} showed it while published");
        }
    }
    // a reader comments while it is published; another opens the page (its vote buttons)
    let commenter = app.reader("commenter");
    let form = commenter.form(&format!("/articles/{gone_slug}"), "form#comment-post").await;
    let res =
        form.set("name", "Early reader").set("body", "Retractedgone comment.").post_js(&commenter).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let comment = res.json()["id"].as_i64().unwrap();
    let voter = app.other_reader();
    let vote = voter.vote_form(&format!("/articles/{gone_slug}"), comment, "up").await;
    done(&editor, gone, "unpublish").await;
    // its comment is voted on by nobody now, and its address named to nobody
    let res = vote.post_js(&voter).await;
    assert_eq!(res.status, 404, "a vote on a comment of an unpublished story: {}", res.body);
    assert!(!res.body.contains(&gone_slug));
    let votes: i64 = db::query_scalar("SELECT upvotes FROM comments WHERE id = $1")
        .bind(comment)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(votes, 0);

    let reader = app.me();
    for (id, expected) in [(review, 404), (scheduled, 404), (gone, 410)] {
        let slug = slug_of(&app, id).await;
        let page = format!("/articles/{slug}");
        assert_eq!(cookieless(&app, &page).await.status, expected, "{page}, kept page or not");
        let with_cookie = reader.get(&page).await;
        assert_eq!(with_cookie.status, expected, "{page} with a reader's cookie");
        for path in [
            format!("/articles/{slug}/feed"),
            format!("/articles/{slug}/feed/atom"),
            format!("/articles/{slug}/events"),
            format!("/api/article?slug={slug}"),
            format!("/api/thread?slug={slug}&query="),
            format!("/api/passages?slug={slug}"),
        ] {
            let res = app.http.get(app.url(&path)).send().await.unwrap();
            let status = res.status().as_u16();
            let body = res.text().await.unwrap();
            // (the passages of an article that is not there: none, as for any unknown address)
            assert!(status >= 400 || (path.starts_with("/api/passages") && body == "[]"), "{path}: {status}");
            assert!(!WORDS.iter().any(|w| body.contains(w)), "{path}: {body}");
        }
        // a comment sent to it with the seed story's form, its article changed
        let before = app.comment_count().await;
        let form = reader.comment_form(None).await.set("article", &slug);
        let res = form.set("name", "Prober").set("body", "Does this land?").post_js(&reader).await;
        assert!(res.status >= 400, "a comment on {slug}: {}", res.status);
        assert_eq!(app.comment_count().await, before);
    }
    for path in [
        "/",
        "/section/Hidden",
        "/section/hidden",
        "/section/World",
        "/tags/desk-test",
        "/tags/turkey",
        "/tags/desk-test/feed",
        "/tags/desk-test/feed/atom",
        "/archive",
        &month,
        "/api/list?kind=tag&name=desk-test",
        "/api/list?kind=all&name=",
        "/api/list?kind=section&name=Hidden",
        "/feed",
        "/feed/atom",
        "/section/Hidden/feed",
        "/section/Hidden/feed/atom",
        "/sitemap.xml",
        "/api/front_page",
    ] {
        for body in [cookieless(&app, path).await.body, reader.get(path).await.body] {
            for w in WORDS {
                assert!(!body.contains(w), "{path} shows {w}");
                assert!(!body.contains(&w.to_lowercase()), "{path} names {w}'s address");
            }
        }
    }
}

#[tokio::test]
async fn a_list_with_no_story_readers_can_see_is_not_in_the_sitemap() {
    let app = spawn().await;
    let (editor, id, _) = published(&app, "Lonely story", "Text.").await;
    let sitemap = cookieless(&app, "/sitemap.xml").await.body;
    assert!(sitemap.contains("/tags/desk-test</loc>"), "its tag's page while it is out");
    done(&editor, id, "unpublish").await;
    let sitemap = cookieless(&app, "/sitemap.xml").await.body;
    assert!(!sitemap.contains("/tags/desk-test</loc>"), "no page for a tag no story readers see has");
    let writer = staff(&app, "writer").await;
    draft(&writer, "Drafted only", "Draftsection", "Text.").await;
    let sitemap = cookieless(&app, "/sitemap.xml").await.body;
    assert!(!sitemap.to_lowercase().contains("draftsection") && !sitemap.contains("/authors/writer-"));
}

#[tokio::test]
async fn an_old_link_to_an_unpublished_story_does_not_lead_to_it() {
    let app = spawn().await;
    let (ed, id, first) = published(&app, "Renamedgone first headline", "Text.").await;
    let res = editor(&ed, &id.to_string())
        .await
        .set("slug", "renamedgone-second")
        .press("action", "save")
        .post_plain(&ed)
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    // published: the old address answers with the new one
    let old = cookieless(&app, &format!("/articles/{first}")).await;
    assert_eq!((old.status, old.location.as_deref()), (301, Some("/articles/renamedgone-second")));
    done(&ed, id, "unpublish").await;
    let old = cookieless(&app, &format!("/articles/{first}")).await;
    assert_eq!(old.status, 404, "the old address leads nowhere now: {:?}", old.location);
    assert_eq!(cookieless(&app, "/articles/renamedgone-second").await.status, 410);
}
