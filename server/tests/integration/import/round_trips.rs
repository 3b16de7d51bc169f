//! Other systems and the way back: a Disqus export, Byline's own WordPress export imported
//! again, and `server db copy` from one backend to the other and back.
use super::*;

#[tokio::test]
async fn disqus_threads_are_matched_by_url_and_their_comments_imported() {
    let app = spawn().await;
    import_ok(&app, &["import", "wordpress", &wp_fixture()]).await;
    let report =
        import_ok(&app, &["import", "disqus", &fixture("disqus-export.xml").display().to_string()]).await;
    assert!(report.contains("Comments: 6 imported (0 held for moderation, 1 spam)"), "{report}");
    assert!(report.contains("2 × comment on a page no article matches (https://news.example.org/an-old-page-that-was-never-moved/)"), "{report}");
    assert!(report.contains("comment 50006 replied to 49999, which is not in the file"), "{report}");
    assert!(report.contains("Comments closed on 1 articles"), "{report}");
    // the thread of the imported WordPress post (by its old address)
    let gulnar: (i64, String) = db::query_as(
        "SELECT c.id, c.body_html FROM comments c JOIN articles a ON a.id = c.article_id
         WHERE a.slug = 'article-n200' AND c.author_name = 'Gulnar'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(!gulnar.1.contains("script") && gulnar.1.contains("中文 😀"), "{}", gulnar.1);
    let mehmet_parent: i64 = db::query_scalar("SELECT parent_id FROM comments WHERE author_name = 'Mehmet'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(mehmet_parent, gulnar.0, "a reply before its parent finds it");
    // the seed article (already here, by its URL): closed, the deleted comment keeps its place
    let mode: String = db::query_scalar("SELECT comments_mode FROM articles WHERE slug = $1")
        .bind(SLUG)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(mode, "closed");
    let page = app.get(ARTICLE).await;
    assert!(page.body.contains("Replying to a comment that was later deleted."));
    assert!(!page.body.contains("I take this back."));
    let again =
        import_ok(&app, &["import", "disqus", &fixture("disqus-export.xml").display().to_string()]).await;
    assert!(
        again.contains("Comments: 0 imported (0 held for moderation, 0 spam), 6 already here"),
        "{again}"
    );
}

#[tokio::test]
async fn an_export_imported_into_an_empty_site_gives_the_same_threads_votes_and_feedback() {
    let first = spawn().await;
    import_ok(&first, &["import", "wordpress", &wp_fixture()]).await;
    let out = cli(&first, &["export", "wordpress"]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(xml.contains("<wp:wxr_version>1.2</wp:wxr_version>"));
    assert!(xml.contains("[wpdiscuz-feedback id=\"a1b2c3d4e5\""), "the passage goes back as its shortcode");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Exported"));

    let second = spawn().await;
    let file = second.dir.path().join("site.xml");
    std::fs::write(&file, &xml).unwrap();
    import_ok(&second, &["import", "wordpress", &file.display().to_string()]).await;
    async fn site(
        app: &TestApp,
    ) -> (Vec<(String, String, String, String, String)>, String, Vec<(String, Option<String>, i64)>) {
        let articles = db::query_as(
            "SELECT slug, title, section, tags, comments_mode FROM articles
             WHERE slug IN ('article-n200', 'article-post', 'hello-world') ORDER BY slug",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap();
        // each comment by what a reader sees: who, when, what, its parent's, status, votes, passage
        let comments: String = db::query_scalar(
            "SELECT json_group_array(json_array(slug, created_at, author_name, body_text, parent_at, status, upvotes,
                                                downvotes, quote))
             FROM (SELECT a.slug, c.created_at, c.author_name, c.body_text, p.created_at AS parent_at, c.status,
                          c.upvotes, c.downvotes, ps.quote
                   FROM comments c JOIN articles a ON a.id = c.article_id
                   LEFT JOIN comments p ON p.id = c.parent_id LEFT JOIN passages ps ON ps.id = c.passage_id
                   WHERE a.slug IN ('article-n200', 'article-post', 'hello-world')
                   ORDER BY a.slug, c.created_at, c.author_name)",
        )
        .or_postgres("SELECT json_agg(json_build_array(slug, created_at, author_name, body_text, parent_at, status, upvotes,
                                                downvotes, quote))::text
             FROM (SELECT a.slug, c.created_at, c.author_name, c.body_text, p.created_at AS parent_at, c.status,
                          c.upvotes, c.downvotes, ps.quote
                   FROM comments c JOIN articles a ON a.id = c.article_id
                   LEFT JOIN comments p ON p.id = c.parent_id LEFT JOIN passages ps ON ps.id = c.passage_id
                   WHERE a.slug IN ('article-n200', 'article-post', 'hello-world')
                   ORDER BY a.slug, c.created_at, c.author_name) t")
        .fetch_one(&app.pool)
        .await
        .unwrap();
        let passages = db::query_as(
            "SELECT p.quote, p.question, (SELECT COUNT(*) FROM comments c WHERE c.passage_id = p.id)
             FROM passages p JOIN articles a ON a.id = p.article_id
             WHERE a.slug IN ('article-n200', 'article-post', 'hello-world') ORDER BY p.quote",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap();
        (articles, comments, passages)
    }
    let (a1, c1, p1) = site(&first).await;
    let (a2, c2, p2) = site(&second).await;
    assert_eq!(a1, a2);
    assert_eq!(p1, p2);
    assert_eq!(p1.len(), 1);
    assert_eq!(c1, c2);
    assert!(c1.len() > 10_000, "the comparison covers the comments");
}

/// `server db copy`: a whole site moves to the other backend (SQLite ↔ PostgreSQL) and a server
/// on the copy shows the same threads, votes and feedback; a target holding a site is refused
/// unless `--replace`; the copy's new comments take new ids.
#[tokio::test]
async fn db_copy_moves_a_whole_site_to_the_other_backend_and_back() {
    let app = spawn().await;
    import_ok(&app, &["import", "wordpress", &wp_fixture()]).await;
    app.comment_as(&app.other_reader(), "Ada", "Posted before the move.", None).await;
    // the other backend: a fresh PostgreSQL database, or a SQLite file
    let other = if on_postgres() {
        format!("sqlite:{}", app.dir.path().join("moved.db").display())
    } else {
        postgres::fresh_database().await
    };
    let out = cli(&app, &["db", "copy", "--from", &app.db_url.clone(), "--to", &other]).await;
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{said}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        said.contains("comments") && said.contains("comment_votes"),
        "the report names each table: {said}"
    );

    let moved = spawn_on_database(other.clone()).await;
    if !on_postgres() {
        // the copy comes with the planner's statistics: without them PostgreSQL plans every query
        // for tables it takes for empty until autovacuum comes by (a page's replies read every
        // approved comment of the site)
        let rows: f32 = db::query_scalar("SELECT reltuples FROM pg_class WHERE relname = 'comments'")
            .fetch_one(&moved.pool)
            .await
            .unwrap();
        assert!(rows > 0.0, "PostgreSQL knows the copied comments are there: {rows}");
    }
    for path in ["/articles/article-n200", "/articles/article-n200?sort=most_voted", ARTICLE, "/feed"] {
        let (a, b) = (app.get(path).await, moved.get(path).await);
        assert_eq!((a.status, b.status), (200, 200), "{path}");
        let (a, b) = (without_keys(&a.body, &app.base), without_keys(&b.body, &moved.base));
        if a != b {
            let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
            let show = |p: &str| {
                String::from_utf8_lossy(&p.as_bytes()[at.saturating_sub(200)..(at + 200).min(p.len())])
                    .into_owned()
            };
            panic!("{path} reads differently after the move:\n{}\n---\n{}", show(&a), show(&b));
        }
    }
    // a comment posted on the copy takes an id none of the copied ones has
    let newest: i64 = db::query_scalar("SELECT MAX(id) FROM comments").fetch_one(&moved.pool).await.unwrap();
    let id = moved.comment_as(&moved.other_reader(), "Grace", "Posted after the move.", None).await;
    assert!(id > newest, "a new id after the copied ones: {id} > {newest}");

    // a mistyped source is not an empty site, and the source is not its own target
    let typo =
        cli(&app, &["db", "copy", "--from", "sqlite:/nowhere/byline.db", "--to", &other, "--replace"]).await;
    assert!(!typo.status.success());
    assert!(String::from_utf8_lossy(&typo.stderr).contains("no database at /nowhere/byline.db"));
    let itself = if on_postgres() {
        format!("{}&connect_timeout=9", app.db_url)
    } else {
        app.db_url.replacen("sqlite:", "sqlite://", 1)
    };
    let same = cli(&app, &["db", "copy", "--from", &app.db_url.clone(), "--to", &itself, "--replace"]).await;
    assert!(!same.status.success());
    assert!(
        String::from_utf8_lossy(&same.stderr).contains("the same database"),
        "{}",
        String::from_utf8_lossy(&same.stderr)
    );
    assert!(app.comment_count().await > 190, "the source is whole");

    // a target that holds a site is refused, and nothing in it changes
    let again = cli(&app, &["db", "copy", "--from", &app.db_url.clone(), "--to", &other]).await;
    assert!(!again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("already holds a site") && err.contains("--replace"), "{err}");
    let kept: i64 = db::query_scalar("SELECT COUNT(*) FROM comments WHERE id = $1")
        .bind(id)
        .fetch_one(&moved.pool)
        .await
        .unwrap();
    assert_eq!(kept, 1, "the refused copy changed nothing");
    // --replace: the target is the source again (the comment posted there is gone)
    let replaced =
        cli(&app, &["db", "copy", "--from", &app.db_url.clone(), "--to", &other, "--replace"]).await;
    assert!(replaced.status.success(), "{}", String::from_utf8_lossy(&replaced.stderr));
    let gone: i64 = db::query_scalar("SELECT COUNT(*) FROM comments WHERE id = $1")
        .bind(id)
        .fetch_one(&moved.pool)
        .await
        .unwrap();
    assert_eq!(gone, 0);
}

/// A page without what differs between two servers of one site, or two answers: form keys and
/// nonces, script nonces and the base URL.
fn without_keys(page: &str, base: &str) -> String {
    let mut page = page.replace(base, "");
    while let Some(at) = page.find(" nonce=\"") {
        let end = at + 8 + page[at + 8..].find('"').unwrap_or(0) + 1;
        page.replace_range(at..end, "");
    }
    for marker in ["name=\"key\"", "id=\"form-nonce\""] {
        page = without_values(page, marker);
    }
    page
}

/// `page` without the `value` of each tag that carries `marker`.
fn without_values(mut page: String, marker: &str) -> String {
    let mut from = 0;
    while let Some(at) = page[from..].find(marker).map(|i| i + from) {
        let start = page[..at].rfind('<').unwrap_or(at);
        let end = at + page[at..].find('>').unwrap_or(0);
        let tag: String = page[start..end]
            .split(' ')
            .filter(|part| !part.starts_with("value="))
            .collect::<Vec<_>>()
            .join(" ");
        page.replace_range(start..end, &tag);
        from = start + tag.len() + 1;
    }
    page
}
