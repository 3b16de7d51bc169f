//! `server import wordpress|disqus` and `server export wordpress`, run as the real command
//! against the test server's SQLite file; the server then shows what was imported and answers
//! the old addresses. The shared fixture is a real WordPress 7.0.4 + wpDiscuz 7.6.54 export;
//! its counts below were checked against the file by hand (and with a script) once:
//!   7 items: 3 published posts (hello-world, article-n200, article-post), 2 pages (one a
//!   draft), 1 wp_navigation, 1 wpdiscuz_form.
//!   199 comments: 1 on hello-world; 198 on article-n200 = 190 approved + 7 held (`0`) + 1
//!   trackback. Ids 1–203 with 9, 62, 115, 168 absent (spam/trash, not exported): comments 26
//!   (→9), 126 and 183 (→115) reply to absent comments.
//!   66 comments carry wpDiscuz votes, 1,843 votes in all (likes + dislikes); comment 41 has
//!   the most (39 likes, 1 dislike = 38). 7 comments carry `wpdiscuz_feedback_form_id` 1, and the
//!   post has one `[wpdiscuz-feedback id="a1b2c3d4e5" …]` shortcode. `wpdiscuz_closed` is 0.
use crate::common::*;
use std::path::PathBuf;
use std::process::{Command, Output};

mod edge_cases;
mod round_trips;

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Runs `server …` on the test server's database. Off the test's runtime thread: the server in
/// this process must go on answering (and finishing its own writes) while the command runs.
pub async fn cli(app: &TestApp, args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let (db, base) = (app.db_url.clone(), app.base.clone());
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_server"))
            .args(args)
            .env("DATABASE_URL", db)
            .env("BYLINE_SECRET", "test-secret")
            .env("SITE_URL", base)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run the server binary")
    })
    .await
    .expect("the command's thread")
}

pub async fn import_ok(app: &TestApp, args: &[&str]) -> String {
    let out = cli(app, args).await;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{args:?} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

pub fn wp_fixture() -> String {
    fixture("wordpress-wpdiscuz-export.xml").display().to_string()
}

pub async fn scalar(app: &TestApp, sql: &str) -> i64 {
    db::query_scalar::<i64>(db::AssertSqlSafe(sql.to_string())).fetch_one(&app.pool).await.unwrap()
}

/// A fingerprint of everything an import writes: equal before and after a second run.
pub async fn fingerprint(app: &TestApp) -> String {
    let rows: String = db::query_scalar(
        "SELECT json_group_array(json_array(id, article_id, parent_id, status, author_name, upvotes, downvotes,
                                            passage_id, body_html))
         FROM (SELECT * FROM comments ORDER BY id)",
    )
        .or_postgres("SELECT COALESCE(json_agg(json_build_array(id, article_id, parent_id, status, author_name, upvotes, downvotes,
                                            passage_id, body_html))::text, '[]')
         FROM (SELECT * FROM comments ORDER BY id) t")
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let articles: Vec<(i64, String, String, i64, String)> =
        db::query_as("SELECT id, slug, body_html, comment_count, comments_mode FROM articles ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let passages: Vec<(i64, String, Option<String>)> =
        db::query_as("SELECT id, quote, question FROM passages ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    format!("{rows:?}{articles:?}{passages:?}")
}

/// A WordPress export holding `items`, written by hand for a case the real fixture lacks.
pub(crate) fn wxr(items: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Edge</title><link>https://edge.example</link><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://edge.example</wp:base_site_url>
{items}
</channel></rss>"#
    )
}

pub(crate) fn post(id: i64, slug: &str, status: &str, meta: &str, comments: &str) -> String {
    format!(
        r#"<item><title>Post {id}</title><link>https://edge.example/{slug}/</link>
<content:encoded><![CDATA[<p>Body of post {id}.</p>]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{id}</wp:post_id><wp:post_date_gmt>2025-05-01 08:00:00</wp:post_date_gmt><wp:comment_status>open</wp:comment_status>
<wp:post_name>{slug}</wp:post_name><wp:status>{status}</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="edge"><![CDATA[Edge]]></category>{meta}{comments}</item>"#
    )
}

pub(crate) fn wp_comment(id: i64, parent: i64, kind: &str, content: &str) -> String {
    format!(
        r#"<wp:comment><wp:comment_id>{id}</wp:comment_id><wp:comment_author><![CDATA[Author {id}]]></wp:comment_author>
<wp:comment_author_email>a{id}@example.com</wp:comment_author_email><wp:comment_author_url>https://a{id}.example</wp:comment_author_url>
<wp:comment_author_IP>198.51.100.{}</wp:comment_author_IP><wp:comment_date_gmt>2025-05-01 09:{:02}:00</wp:comment_date_gmt>
<wp:comment_content><![CDATA[{content}]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved>
<wp:comment_type>{kind}</wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"#,
        id % 250,
        id % 60
    )
}

#[tokio::test]
async fn the_wordpress_fixture_imports_with_the_counts_in_the_file() {
    let app = spawn().await;
    let report = import_ok(&app, &["import", "wordpress", &wp_fixture()]).await;
    assert!(report.contains("Articles: 3 new, 0 updated, 0 unchanged"), "{report}");
    assert!(
        report.contains("Comments: 198 imported (7 held for moderation, 0 spam), 0 already here"),
        "{report}"
    );
    assert!(report.contains("Votes: 1843 · Passages: 1 · Feedback: 7"), "{report}");
    assert!(report.contains("1 × trackback (pass --keep-pingbacks to keep them)"), "{report}");
    assert!(report.contains("2 × page (not a post)"), "{report}");
    assert!(report.contains("comment 26 replied to comment 9, which is not in the file"), "{report}");
    assert!(report.contains("matched to the shortcodes of their post by their order"), "{report}");

    let n200 = scalar(&app, "SELECT id FROM articles WHERE slug = 'article-n200'").await;
    assert_eq!(scalar(&app, &format!("SELECT COUNT(*) FROM comments WHERE article_id = {n200}")).await, 197);
    assert_eq!(scalar(&app, &format!("SELECT comment_count FROM articles WHERE id = {n200}")).await, 190);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM comments WHERE status = 'pending' AND held_for = 'imported'")
            .await,
        7
    );
    // votes as wpDiscuz counted them: comment 2 had 27 likes and 6 dislikes
    let (up, down, score): (i64, i64, i64) =
        db::query_as("SELECT upvotes, downvotes, score FROM comments WHERE id = 2")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((up, down, score), (27, 6, 21));
    assert_eq!(scalar(&app, "SELECT CAST(SUM(upvotes + downvotes) AS BIGINT) FROM comments").await, 1843);
    // threads: the parent from the file; a reply to an absent comment is top-level, and its own
    // replies still hang below it
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM comments WHERE id = 26 AND parent_id IS NULL").await, 1);
    assert_eq!(scalar(&app, "SELECT parent_id FROM comments WHERE id = 106").await, 26);
    assert_eq!(scalar(&app, "SELECT parent_id FROM comments WHERE id = 132").await, 126);
    // dates from comment_date_gmt: 2026-01-15 10:00:00 UTC
    assert_eq!(scalar(&app, "SELECT created_at FROM comments WHERE id = 2").await, 1_768_471_200);
    // addresses: these comments are older than the 90 days the site keeps address hashes
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM comments WHERE ip_hash IS NOT NULL").await, 0);
    // Inline Feedback: the shortcode's passage and question, the 7 comments on it
    let (quote, question): (String, String) =
        db::query_as("SELECT quote, question FROM passages WHERE article_id = $1 AND origin = 'editor'")
            .bind(n200)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(quote.starts_with("The ratified extradition treaty, however, provides"), "{quote}");
    assert_eq!(question, "Do these grounds for refusal protect refugees enough?");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM comments WHERE passage_id IS NOT NULL").await, 7);

    let page = app.get("/articles/article-n200").await;
    assert_eq!(page.status, 200);
    // the shortcode is gone from the text, the passage is marked with its 7 feedbacks
    assert!(!page.body.contains("wpdiscuz-feedback"), "the shortcode shows");
    assert!(page.body.contains("data-count=\"7\""), "the passage's feedback count");
    // HTML, CJK and emoji kept; the link is nofollow ugc; the held comments are not shown
    assert!(page.body.contains("<strong>乌鲁木齐</strong>"));
    assert!(page.body.contains("rel=\"nofollow ugc noopener\""));
    let held: Vec<(String,)> = db::query_as("SELECT body_text FROM comments WHERE status = 'pending'")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    for (text,) in &held {
        let start: String = text.chars().take(40).collect();
        assert!(!page.body.contains(&start), "a held comment is public: {start}");
    }
    // WordPress closed nothing here; section and tags came over
    let (section, tags, mode): (String, String, String) =
        db::query_as("SELECT section, tags, comments_mode FROM articles WHERE id = $1")
            .bind(n200)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((section.as_str(), mode.as_str()), ("World", "open"));
    assert_eq!(tags, r#"["China","Extradition","Turkey","Uighurs"]"#);
}

/// wpDiscuz's "Most voted": by votes, the newer first among equals.
#[tokio::test]
async fn most_voted_shows_the_order_wpdiscuz_showed() {
    let app = spawn().await;
    import_ok(&app, &["import", "wordpress", &wp_fixture()]).await;
    // the expected order, from the file: top-level approved comments by (likes − dislikes, date)
    let xml = std::fs::read_to_string(wp_fixture()).unwrap();
    let mut expected: Vec<(i64, String, i64)> = Vec::new();
    for c in xml.split("<wp:comment>").skip(1) {
        let field = |name: &str| {
            let open = format!("<wp:{name}>");
            let rest = &c[c.find(&open).map(|i| i + open.len()).unwrap_or(0)..];
            let v = &rest[..rest.find("</wp:").unwrap_or(0)];
            v.trim_start_matches("<![CDATA[").trim_end_matches("]]>").to_string()
        };
        if field("comment_parent") != "0"
            || field("comment_approved") != "1"
            || field("comment_type") != "comment"
        {
            continue;
        }
        let votes = c
            .split("<wp:meta_key><![CDATA[wpdiscuz_votes]]></wp:meta_key>")
            .nth(1)
            .and_then(|r| r.split("<wp:meta_value><![CDATA[").nth(1))
            .and_then(|r| r.split("]]>").next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        expected.push((field("comment_id").parse().unwrap(), field("comment_date_gmt"), votes));
    }
    expected.retain(|(id, _, _)| *id != 1); // hello-world's
    expected.sort_by(|a, b| b.2.cmp(&a.2).then(b.1.cmp(&a.1)));
    let page = app.get("/articles/article-n200?sort=votes").await;
    let top_level: Vec<i64> = db::query_scalar("SELECT id FROM comments WHERE parent_id IS NULL")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    let shown: Vec<i64> = page
        .body
        .split("<article id=\"comment-")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .filter(|id| top_level.contains(id))
        .collect();
    let top: Vec<i64> = expected.iter().take(5).map(|e| e.0).collect();
    assert_eq!(top[0], 41, "comment 41 has the most votes (38)");
    assert_eq!(shown.iter().take(5).copied().collect::<Vec<_>>(), top, "page: {shown:?}");
}

#[tokio::test]
async fn a_second_run_changes_nothing_and_an_interrupted_one_completes() {
    let app = spawn().await;
    // a run cut off part-way: the file ends in the middle of the comments
    let whole = std::fs::read(wp_fixture()).unwrap();
    let cut = app.dir.path().join("cut.xml");
    std::fs::write(&cut, &whole[..whole.len() * 6 / 10]).unwrap();
    let out = cli(&app, &["import", "wordpress", &cut.display().to_string()]).await;
    assert!(!out.status.success(), "a truncated file is an error");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("malformed") || stderr.contains("XML"), "{stderr}");
    let partial = scalar(&app, "SELECT COUNT(*) FROM comments").await;
    assert!(partial > 0 && partial < 198, "some batches were written: {partial}");

    // the whole file: completes, nothing twice
    let report = import_ok(&app, &["import", "wordpress", &wp_fixture()]).await;
    assert!(report.contains(&format!("Comments: {} imported", 198 - partial)), "{report}");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM comments").await, 198);
    let before = fingerprint(&app).await;

    let again = import_ok(&app, &["import", "wordpress", &wp_fixture()]).await;
    assert!(again.contains("Articles: 0 new, 0 updated, 3 unchanged"), "{again}");
    assert!(
        again.contains("Comments: 0 imported (0 held for moderation, 0 spam), 198 already here"),
        "{again}"
    );
    assert_eq!(fingerprint(&app).await, before, "the second run changed something");
}

#[tokio::test]
async fn a_comment_erased_at_its_authors_request_does_not_come_back_with_the_import() {
    let app = spawn().await;
    import_ok(&app, &["import", "wordpress", &wp_fixture()]).await;
    let before =
        scalar(&app, "SELECT COUNT(*) FROM comments WHERE author_email = 'li-wei@example.com'").await;
    assert!(before > 0);
    let actor = app::server::store::desk::Actor { id: 0, name: "Editor".into() };
    app::server::store::desk::readers::erase(
        &app.pool,
        "li-wei@example.com",
        "erased:test",
        &actor,
        2_000_000_000,
    )
    .await
    .unwrap();
    let left = scalar(&app, "SELECT COUNT(*) FROM comments").await;
    let again = import_ok(&app, &["import", "wordpress", &wp_fixture()]).await;
    assert!(again.contains("erased here at their author's request"), "{again}");
    assert!(again.contains("Comments: 0 imported"), "{again}");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM comments").await, left);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM comments WHERE author_email = 'li-wei@example.com'").await,
        0
    );
}

#[tokio::test]
async fn a_file_cut_between_two_elements_is_refused_not_half_imported_as_done() {
    let app = spawn().await;
    let whole = std::fs::read_to_string(wp_fixture()).unwrap();
    let at = whole.find("</wp:comment>").unwrap() + "</wp:comment>".len();
    let cut = app.dir.path().join("cut.xml");
    std::fs::write(&cut, &whole[..at]).unwrap();
    let out = cli(&app, &["import", "wordpress", &cut.display().to_string()]).await;
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("the file ends inside <item>"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn a_dry_run_reports_and_writes_nothing() {
    let app = spawn().await;
    let before = fingerprint(&app).await;
    let report = import_ok(&app, &["import", "wordpress", "--dry-run", &wp_fixture()]).await;
    assert!(report.starts_with("Dry run: nothing was written"), "{report}");
    assert!(report.contains("Comments: 198 imported"), "{report}");
    assert_eq!(fingerprint(&app).await, before);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM import_map").await, 0);
    let help = import_ok(&app, &["import", "wordpress", "--help"]).await;
    assert!(
        help.contains("--dry-run") && help.contains("--keep-pingbacks") && help.contains("--feedback-forms"),
        "{help}"
    );
}

#[tokio::test]
async fn old_wordpress_addresses_answer_301_to_the_article_and_comment() {
    let app = spawn().await;
    import_ok(&app, &["import", "wordpress", &wp_fixture()]).await;
    for (old, new) in [
        ("/2026/01/15/article-n200/", "/articles/article-n200"),
        ("/2026/01/15/article-n200", "/articles/article-n200"),
        ("/?p=5", "/articles/article-n200"),
        ("/2026/11/29/hello-world/", "/articles/hello-world"),
        ("/2026/01/15/article-n200/?replytocom=41", "/articles/article-n200?comment=41#comment-41"),
        ("/?p=5&replytocom=41", "/articles/article-n200?comment=41#comment-41"),
        ("/2026/01/15/article-n200/feed/", "/articles/article-n200/feed"),
    ] {
        let r = app.get(old).await;
        assert_eq!(r.status, 301, "{old}");
        assert_eq!(r.location.as_deref(), Some(new), "{old}");
    }
    // the comment of `#comment-41` kept its id: the fragment lands on it
    let page = app.get("/articles/article-n200?comment=41").await;
    assert!(page.body.contains("id=\"comment-41\""));
    // addresses that were never imported stay 404; the front page stays the front page
    assert_eq!(app.get("/2026/01/15/never-was/").await.status, 404);
    assert_eq!(app.get("/?p=999").await.status, 200);
    // an unknown replytocom goes to the article
    let r = app.get("/2026/01/15/article-n200/?replytocom=9").await;
    assert_eq!(r.location.as_deref(), Some("/articles/article-n200"));
}

/// A WordPress site whose permalinks were already `/articles/%postname%/`: Byline's own
/// address serves the article (it was looked up as an old link on every request, and answered
/// a 301 to itself forever); the old one, with its trailing slash, still leads there.
#[tokio::test]
async fn old_addresses_that_are_already_ours_serve_the_article_without_a_redirect() {
    let app = spawn().await;
    let item = post(31, "budget-2027", "publish", "", &wp_comment(3100, 0, "comment", "kept"))
        .replace("https://edge.example/budget-2027/", "https://edge.example/articles/budget-2027/");
    let file = app.dir.path().join("articles-permalinks.xml");
    std::fs::write(&file, wxr(&item)).unwrap();
    let report = import_ok(&app, &["import", "wordpress", &file.display().to_string()]).await;
    assert!(report.contains("Articles: 1 new"), "{report}");
    let page = app.get("/articles/budget-2027").await;
    assert_eq!(page.status, 200, "redirected to {:?}", page.location);
    // the old address itself, with WordPress's trailing slash (Byline has no page there)
    let r = app.get("/articles/budget-2027/?replytocom=3100").await;
    assert_eq!(
        (r.status, r.location.as_deref()),
        (301, Some("/articles/budget-2027?comment=3100#comment-3100"))
    );
    assert_eq!(app.get("/articles/never-was/").await.status, 404);
    assert!(page.body.contains("Body of post 31.") && page.body.contains("kept"), "{}", page.body);
}
