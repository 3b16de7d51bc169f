//! What a crawler or a browser without JavaScript receives.
use crate::common::*;

fn json_ld(html: &str) -> serde_json::Value {
    let start = html.find("type=\"application/ld+json\">").expect("no JSON-LD")
        + "type=\"application/ld+json\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("JSON-LD parses")
}

#[tokio::test]
async fn a_crawler_gets_the_whole_article_with_comments_and_structured_data() {
    let app = spawn().await;
    let k = key();
    let res = app
        .post_js("/api/post_comment", &comment("Ada", "", "A comment crawlers should index </script>", &k))
        .await;
    assert_eq!(res.status, 200);

    let page = app.get(ARTICLE).await;
    assert_eq!(page.status, 200);
    let html = &page.body;
    let head = &html[..html.find("</head>").unwrap()];
    assert!(head.contains(
        "<title>China ratifies extradition treaty with Turkey, alarming the Uighur diaspora — Byline</title>"
    ));
    assert!(head.contains("<meta name=\"description\" content=\"Beijing wants the treaty"));
    assert!(head.contains(&format!("<link href=\"{}{ARTICLE}\" rel=\"canonical\">", app.base)));
    assert!(head.contains("<meta property=\"og:type\" content=\"article\">"));
    assert!(head.contains("<meta property=\"article:section\" content=\"World\">"));
    assert!(html.contains("The ratified extradition treaty, however, provides for several reasons"));
    assert!(html.contains("A comment crawlers should index &lt;/script&gt;"));

    let ld = json_ld(head);
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], "China ratifies extradition treaty with Turkey, alarming the Uighur diaspora");
    assert_eq!(ld["articleSection"], "World");
    assert!(ld["datePublished"].as_str().unwrap().ends_with('Z'));
    assert_eq!(ld["commentCount"], 1);
    assert_eq!(ld["comment"][0]["@type"], "Comment");
    assert_eq!(ld["comment"][0]["text"], "A comment crawlers should index </script>");
    assert_eq!(ld["comment"][0]["author"]["name"], "Ada");
}

#[tokio::test]
async fn the_front_page_lists_articles_with_their_comment_counts() {
    let app = spawn().await;
    for text in ["hi", "hello again"] {
        let k = key();
        assert_eq!(app.post_js("/api/post_comment", &comment("Ada", "", text, &k)).await.status, 200);
    }
    let page = app.get("/").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("href=\"{ARTICLE}\"")));
    assert!(page.body.contains("Beijing wants the treaty"));
    assert!(page.body.contains("2 Comments"));
    assert!(page.body.contains("Oak Avenue"));
    assert!(page.body.contains("Manhattan Beach, California 90266"));
}

#[tokio::test]
async fn unknown_paths_and_articles_answer_404_pages() {
    let app = spawn().await;
    for path in ["/nope", "/articles/no-such-story", "/articles/x/y"] {
        let page = app.get(path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(page.body.contains("We couldn't find that page"), "{path}");
    }
}

#[tokio::test]
async fn the_sitemap_lists_every_page_and_robots_names_it() {
    let app = spawn().await;
    let map = app.get("/sitemap.xml").await;
    assert_eq!(map.status, 200);
    assert!(map.headers["content-type"].to_str().unwrap().starts_with("application/xml"));
    for loc in ["/", ARTICLE, "/contact"] {
        assert!(map.body.contains(&format!("<loc>{}{loc}</loc>", app.base)), "{loc}");
    }
    assert!(map.body.contains("<lastmod>"));
    let robots = app.get("/robots.txt").await;
    assert!(robots.body.contains(&format!("Sitemap: {}/sitemap.xml", app.base)));
    for private in ["Disallow: /desk/", "Disallow: /api/"] {
        assert!(robots.body.contains(private), "{private}");
    }
}

#[tokio::test]
async fn the_seed_article_is_imported_once_however_often_the_server_starts() {
    let app = spawn().await;
    let count = || async {
        db::query_scalar::<i64>("SELECT COUNT(*) FROM articles").fetch_one(&app.pool).await.unwrap()
    };
    assert_eq!(count().await, 1);
    let comment = app.comment_as(&app.me(), "Ada", "Still here after a restart.", None).await;
    // two more starts on the same database, as after a deploy
    for _ in 0..2 {
        let config = test_config(app.dir.path(), "127.0.0.1:0".parse().unwrap());
        server::prepare(&config).await.expect("prepare again");
    }
    assert_eq!(count().await, 1);
    let article: i64 = db::query_scalar("SELECT article_id FROM comments WHERE id = $1")
        .bind(comment)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let slug: String = db::query_scalar("SELECT slug FROM articles WHERE id = $1")
        .bind(article)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(slug, SLUG, "the comment still belongs to the article");
    assert!(app.get(ARTICLE).await.body.contains("Still here after a restart."));
}

#[tokio::test]
async fn the_world_section_lists_its_articles_and_an_unknown_section_is_404() {
    let app = spawn().await;
    let world = app.get("/section/world").await;
    assert_eq!(world.status, 200);
    assert!(world.body.contains(&format!("href=\"{ARTICLE}\"")));
    assert!(world.body.contains("<title>World — Byline</title>"));
    let none = app.get("/section/sport").await;
    assert_eq!(none.status, 404);
}

/// Islands: what is outside an island is never hydrated, so the page carries no copy of its
/// data for the browser (before: the thread as JSON once more, sometimes twice — a copy fetched
/// without the reader let a browser hydrate the wrong one and stop). Only the islands' props
/// travel, and the page is valid HTML after `</body>`: nothing follows `</html>`.
#[tokio::test]
async fn the_article_page_sends_its_comments_as_html_only() {
    let app = spawn().await;
    let me = app.me();
    app.comment_as(&me, "Ada", "My own comment, shown as mine.", None).await;
    let page = me.get(ARTICLE).await.body;
    assert_eq!(page.matches("<span class=\"badge\">You</span>").count(), 1, "rendered as mine");
    assert_eq!(page.matches("My own comment, shown as mine.").count(), 2, "the comment and its JSON-LD text");
    assert_eq!(page.matches(r#"\"nodes\":"#).count(), 0, "the thread is not serialised");
    assert_eq!(page.matches(r#"\"mine\":"#).count(), 0);
    assert_eq!(page.matches(r#"\"nonce\":"#).count(), 0, "nor the form state");
    assert_eq!(
        page.matches("<leptos-island data-component").count(),
        2,
        "the live bubble and the passage selector"
    );
    assert!(page.trim_end().ends_with("</body></html>"), "something follows </html>");
    assert!(!page.contains("<!>"), "an empty marker the HTML checker reports");
}
