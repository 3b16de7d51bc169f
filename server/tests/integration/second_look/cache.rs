//! Hole 9: addresses that name endless views (`?comment=`, `after=`, `more=`, `replytocom=`,
//! `feedback=`) cannot push an article's own pages out of the page cache: each is made canonical
//! (a permalink to a comment of the first page is the first page; one that names nothing is the
//! article), made-up page positions are never kept, and an article keeps a bounded number of
//! such views, which go before its sort and filter views.
use super::*;
use futures::StreamExt;

#[tokio::test]
async fn ten_thousand_made_up_permalinks_do_not_push_out_the_articles_page() {
    // room for a handful of pages only
    let app = spawn_with(|c| c.page_cache_bytes = 400 * 1024).await;
    for i in 0..5 {
        app.comment_as(&app.reader("a"), "Ada", &format!("Comment {i} of a few."), None).await;
    }
    kept(&app, ARTICLE).await;
    // each asked twice: a view asked for again is one readers reach
    futures::stream::iter(0..10_000)
        .map(|n| {
            let app = &app;
            async move {
                for _ in 0..2 {
                    let res =
                        nobody(app).get(&format!("{ARTICLE}?comment={}#comment-1", 1_000_000 + n)).await;
                    assert_eq!(res.status, 200);
                }
            }
        })
        .buffer_unordered(16)
        .collect::<Vec<()>>()
        .await;
    let main = nobody(&app).get(ARTICLE).await;
    assert_eq!(cache_of(&main), "hit", "the article's page stayed");
}

#[tokio::test]
async fn a_permalink_to_a_comment_on_the_first_page_is_the_first_page() {
    let app = spawn().await;
    let first = app.comment_as(&app.reader("a"), "Ada", "The first comment of the thread.", None).await;
    let reply = app.comment_as(&app.reader("b"), "Bo", "A reply further down.", Some(first)).await;
    let second = app.comment_as(&app.reader("c"), "Cy", "Another thread on the first page.", None).await;
    let main = kept(&app, ARTICLE).await;
    for id in [first, reply, second] {
        // the same page for everyone: kept for readers without a cookie, fresh for the others
        let cached = nobody(&app).get(&format!("{ARTICLE}?comment={id}")).await;
        assert_eq!(cache_of(&cached), "hit", "{id}: the article's own page");
        let fresh = app.reader("d").get(&format!("{ARTICLE}?comment={id}")).await;
        for page in [&cached.body, &fresh.body] {
            assert!(
                page.contains("Another thread on the first page.") && page.contains("A reply further down.")
            );
            assert!(!page.contains("A linked comment"), "not a thread of its own");
        }
        assert!(fresh.body.contains(&format!("id=\"comment-{id}\"")));
    }
    assert!(main.body.contains("The first comment of the thread."));
}

#[tokio::test]
async fn permalinks_to_real_comments_keep_a_bounded_number_of_views_per_article() {
    let app = spawn().await;
    let mut ids = Vec::new();
    for i in 0..45 {
        ids.push(app.comment_as(&app.reader("a"), "Ada", &format!("Thread number {i}."), None).await);
    }
    kept(&app, ARTICLE).await;
    // the oldest 25 threads are past the first page (20, newest first): each its own view
    let later = &ids[..25];
    for id in later {
        for _ in 0..2 {
            let res = nobody(&app).get(&format!("{ARTICLE}?comment={id}")).await;
            assert_eq!(res.status, 200);
            assert!(res.body.contains("A linked comment"), "its thread alone");
        }
    }
    let mut hits = 0;
    for id in later {
        if cache_of(&nobody(&app).get(&format!("{ARTICLE}?comment={id}")).await) == "hit" {
            hits += 1;
        }
    }
    assert!(hits <= app::server::page_cache::UNBOUNDED_PER_ARTICLE, "{hits} kept");
    assert!(hits > 0, "real permalinks are kept");
    assert_eq!(cache_of(&nobody(&app).get(ARTICLE).await), "hit", "the article's page stayed");
    // a reply to a later thread lands on that thread's view
    let reply = app.comment_as(&app.reader("b"), "Bo", "A late reply.", Some(ids[0])).await;
    let res = nobody(&app).get(&format!("{ARTICLE}?comment={reply}")).await;
    assert!(res.body.contains("A late reply.") && res.body.contains("Thread number 0."));
}

#[tokio::test]
async fn a_made_up_page_position_is_never_kept_and_a_real_one_is() {
    let app = spawn().await;
    for i in 0..25 {
        app.comment_as(&app.reader("a"), "Ada", &format!("Thread number {i}."), None).await;
    }
    for _ in 0..3 {
        let res = nobody(&app).get(&format!("{ARTICLE}?after=123_456")).await;
        assert_eq!(res.status, 200);
        assert_eq!(cache_of(&res), "none", "rendered for this request only");
    }
    // the page's own "Load more" link
    let page = kept(&app, ARTICLE).await.body;
    let href = crate::common::forms::link_in(&page, "p.load-more a").expect("a Load more link");
    assert!(href.contains("after="), "{href}");
    let path = href.split('#').next().unwrap();
    assert!(kept(&app, path).await.body.contains("Thread number 0."));
    // replies to and passages that are not there: the article itself
    for bogus in ["?replytocom=999999", "?feedback=999999"] {
        assert_eq!(cache_of(&nobody(&app).get(&format!("{ARTICLE}{bogus}")).await), "hit", "{bogus}");
    }
}

#[tokio::test]
async fn a_made_up_staff_cookie_gets_the_kept_page_and_a_real_session_its_own() {
    let app = spawn().await;
    kept(&app, ARTICLE).await;
    let forged = Session { app: &app, cookie: format!("byline_staff={}", "ab".repeat(32)) };
    assert_eq!(cache_of(&forged.get(ARTICLE).await), "hit", "no render per request for a made-up session");
    let editor = crate::desk::staff(&app, "editor").await;
    let own = editor.get(ARTICLE).await;
    assert_eq!(cache_of(&own), "none", "staff get the page rendered for them");
    assert!(own.headers["cache-control"].to_str().unwrap().starts_with("private"));
}
