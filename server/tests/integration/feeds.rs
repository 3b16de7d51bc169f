//! The feeds, read with a real feed parser (feed-rs): the site's, a section's, an article's
//! comments, in RSS 2.0 and Atom; `<link rel="alternate">` on the pages; 304 when unchanged.
use crate::common::*;

fn parse(body: &str) -> feed_rs::model::Feed {
    feed_rs::parser::parse(body.as_bytes()).unwrap_or_else(|e| panic!("not a feed ({e}): {body}"))
}

#[tokio::test]
async fn the_site_and_section_feeds_list_the_latest_articles_in_rss_and_atom() {
    let app = spawn().await;
    for (path, kind, ctype) in [
        ("/feed", feed_rs::model::FeedType::RSS2, "application/rss+xml; charset=utf-8"),
        ("/feed/", feed_rs::model::FeedType::RSS2, "application/rss+xml; charset=utf-8"),
        ("/feed/atom", feed_rs::model::FeedType::Atom, "application/atom+xml; charset=utf-8"),
        ("/section/world/feed", feed_rs::model::FeedType::RSS2, "application/rss+xml; charset=utf-8"),
        ("/section/world/feed/atom", feed_rs::model::FeedType::Atom, "application/atom+xml; charset=utf-8"),
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.headers["content-type"], ctype, "{path}");
        let feed = parse(&r.body);
        assert_eq!(feed.feed_type, kind, "{path}");
        let seed = feed
            .entries
            .iter()
            .find(|e| e.links.iter().any(|l| l.href.ends_with(ARTICLE)))
            .unwrap_or_else(|| panic!("{path}: the seed article is not listed"));
        assert!(
            seed.title.as_ref().unwrap().content.starts_with("China ratifies extradition treaty"),
            "{path}"
        );
        assert!(seed.published.is_some(), "{path}: a date");
        assert!(seed.categories.iter().any(|c| c.term == "World"), "{path}");
    }
    // the section's feed has only that section; an unknown section is a 404
    assert_eq!(app.get("/section/no-such-section/feed").await.status, 404);
    // the pages name their feeds
    let home = app.get("/").await;
    assert!(home.body.contains(
        r#"<link rel="alternate" type="application/rss+xml" title="Byline — latest news (RSS)" href="/feed">"#
    ));
    let section = app.get("/section/world").await;
    assert!(section.body.contains(r#"href="/section/world/feed""#), "section feed link");
    let article = app.get(ARTICLE).await;
    assert!(article.body.contains(&format!(r#"href="{ARTICLE}/feed/atom""#)), "comment feed link");
}

#[tokio::test]
async fn an_articles_comment_feed_lists_its_approved_comments_escaped() {
    let app = spawn().await;
    let id = app.comment_as(&app.me(), "Ada <b>&</b>", "First **point** & <script>x()</script>", None).await;
    for path in [format!("{ARTICLE}/feed"), format!("{ARTICLE}/feed/atom")] {
        let r = app.get(&path).await;
        assert_eq!(r.status, 200);
        let feed = parse(&r.body);
        let entry = feed.entries.first().expect("the comment");
        assert_eq!(entry.authors[0].name, "Ada <b>&</b>", "{path}: the name as text");
        assert!(entry.links[0].href.ends_with(&format!("?comment={id}#comment-{id}")), "{path}");
        let html = entry
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()))
            .unwrap();
        assert!(html.contains("<strong>point</strong>"), "{path}: {html}");
        assert!(!html.contains("<script"), "{path}: {html}");
    }
    assert_eq!(app.get("/articles/no-such-article/feed").await.status, 404);
}

#[tokio::test]
async fn an_unchanged_feed_answers_304_and_a_new_comment_changes_it() {
    let app = spawn().await;
    let path = format!("{ARTICLE}/feed");
    let first = app.get(&path).await;
    let etag = first.headers["etag"].to_str().unwrap().to_string();
    let modified = first.headers["last-modified"].to_str().unwrap().to_string();
    let again = app.http.get(app.url(&path)).header("If-None-Match", &etag).send().await.unwrap();
    assert_eq!(again.status(), 304);
    assert!(again.text().await.unwrap().is_empty());
    let since = app.http.get(app.url(&path)).header("If-Modified-Since", &modified).send().await.unwrap();
    assert_eq!(since.status(), 304);
    app.comment_as(&app.me(), "Grace", "A new comment for the feed", None).await;
    let changed = app.http.get(app.url(&path)).header("If-None-Match", &etag).send().await.unwrap();
    assert_eq!(changed.status(), 200);
    assert!(changed.text().await.unwrap().contains("A new comment for the feed"));
}
