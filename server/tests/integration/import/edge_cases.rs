//! What a real export holds besides plain comments: readers' votes added to imported ones,
//! orphans, duplicates, drafts, pingbacks, broken UTF-8, huge comments, entity expansion, and
//! wpDiscuz's feedback-forms table.
use super::*;

#[tokio::test]
async fn a_readers_vote_adds_to_the_imported_votes() {
    let app = spawn().await;
    import_ok(&app, &["import", "wordpress", &wp_fixture()]).await;
    let r = app
        .post_js("/api/vote", &[("comment", "2"), ("direction", "up"), ("back", "/articles/article-n200")])
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["score"].as_i64(), Some(22), "27 − 6 + 1");
    let r = app
        .post_js("/api/vote", &[("comment", "2"), ("direction", "up"), ("back", "/articles/article-n200")])
        .await;
    assert_eq!(r.json()["score"].as_i64(), Some(21), "taking it back leaves wpDiscuz's votes");
}

#[tokio::test]
async fn edge_cases_orphans_duplicates_drafts_pingbacks_broken_utf8_and_huge_comments() {
    let app = spawn().await;
    let huge = "x".repeat(10 * 1024 * 1024);
    let items = [
        // replies before their parent, a reply to an absent comment, the same id twice
        post(
            10,
            "edge-one",
            "publish",
            "<wp:postmeta><wp:meta_key>wpdiscuz_closed</wp:meta_key><wp:meta_value>1</wp:meta_value></wp:postmeta>",
            &[
                wp_comment(3002, 3001, "comment", "reply before its parent"),
                wp_comment(3001, 0, "comment", "the parent"),
                wp_comment(3003, 2999, "comment", "reply to a comment that is not here"),
                wp_comment(3001, 0, "comment", "the same id again"),
                wp_comment(3004, 0, "pingback", "a pingback"),
                wp_comment(3005, 0, "comment", &huge),
                wp_comment(3006, 0, "comment", "broken: \u{FFFF}BROKEN"),
            ]
            .concat(),
        ),
        // comments on a draft: reported, not imported
        post(11, "edge-draft", "draft", "", &wp_comment(3010, 0, "comment", "on a draft")),
        // a reply naming a comment of another post; absurd vote counts; an old address whose
        // first segment starts like one of ours (/feedback…)
        post(13, "feedback-on-the-budget", "publish", "", &[
            wp_comment(3030, 3001, "comment", "a reply to a comment of another post"),
            wp_comment(3031, 0, "comment", "too many votes").replace(
                "</wp:comment_parent>",
                "</wp:comment_parent><wp:commentmeta><wp:meta_key>wpdiscuz_votes</wp:meta_key><wp:meta_value>9223372036854775807</wp:meta_value></wp:commentmeta>",
            ),
            wp_comment(3032, 0, "comment", "too many dislikes").replace(
                "</wp:comment_parent>",
                r#"</wp:comment_parent><wp:commentmeta><wp:meta_key>wpdiscuz_votes_seperate</wp:meta_key><wp:meta_value>a:2:{s:4:"like";i:5;s:7:"dislike";i:-9223372036854775808;}</wp:meta_value></wp:commentmeta>"#,
            ),
        ].concat()),
        // slugs taken: the seed article's, and the one a collision would fall back to
        post(20, &format!("{SLUG}-7"), "publish", "", ""),
        post(7, SLUG, "publish", "", ""),
        // a recent comment: its address is kept, as our salted hash only
        post(12, "edge-recent", "publish", "", &wp_comment(3020, 0, "comment", "recent").replace(
            "2025-05-01 09:20:00",
            &time::OffsetDateTime::now_utc().format(time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]")).unwrap(),
        )),
    ]
    .concat();
    let file = app.dir.path().join("edge.xml");
    // a byte that is not UTF-8 in a comment
    let bytes = wxr(&items).replace('\u{FFFF}', "\u{1}").into_bytes();
    let bytes: Vec<u8> = bytes.into_iter().map(|b| if b == 1 { 0xFF } else { b }).collect();
    std::fs::write(&file, bytes).unwrap();
    let report =
        import_ok(&app, &["import", "wordpress", "--keep-pingbacks", &file.display().to_string()]).await;
    assert!(report.contains("Articles: 5 new"), "{report}");
    // nothing overwrote the seed article; the collisions got slugs of their own
    let seed = app.get(ARTICLE).await;
    assert!(
        seed.body.contains("China ratifies extradition treaty") && !seed.body.contains("Body of post 7.")
    );
    assert!(app.get(&format!("{ARTICLE}-7")).await.body.contains("Body of post 20."));
    assert!(app.get(&format!("{ARTICLE}-7-2")).await.body.contains("Body of post 7."));
    // a reply to another post's comment starts its own thread
    assert!(report.contains("comment 3030 replied to comment 3001 of another post"), "{report}");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM comments WHERE id = 3030 AND parent_id IS NULL").await, 1);
    // votes are clamped, and the thread still shows (and takes a vote)
    assert_eq!(scalar(&app, "SELECT score FROM comments WHERE id = 3031").await, 1_000_000_000);
    assert_eq!(scalar(&app, "SELECT score FROM comments WHERE id = 3032").await, 5 - 1_000_000_000);
    assert_eq!(app.get("/articles/feedback-on-the-budget").await.status, 200);
    let r = app
        .post_js(
            "/api/vote",
            &[("comment", "3031"), ("direction", "up"), ("back", "/articles/feedback-on-the-budget")],
        )
        .await;
    assert_eq!(r.json()["score"].as_i64(), Some(1_000_000_001));
    // an old address starting like one of ours still redirects
    let r = app.get("/feedback-on-the-budget/").await;
    assert_eq!((r.status, r.location.as_deref()), (301, Some("/articles/feedback-on-the-budget")));
    let hash: Option<String> =
        db::query_scalar("SELECT ip_hash FROM comments WHERE id = 3020").fetch_one(&app.pool).await.unwrap();
    let hash = hash.expect("a recent comment keeps its address hash");
    assert!(hash.len() == 32 && !hash.contains("198.51.100"), "{hash}");
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM comments WHERE id <> 3020 AND ip_hash IS NOT NULL").await,
        0
    );
    assert!(report.contains("post not published (draft)"), "{report}");
    assert!(report.contains("comment on a post that was not imported"), "{report}");
    assert!(report.contains("comment longer than WordPress allows (64 KB)"), "{report}");
    assert!(report.contains("comment 3003 replied to comment 2999, which is not in the file"), "{report}");
    assert!(report.contains("1 already here"), "the duplicate id: {report}");
    assert!(report.contains("bytes were not UTF-8"), "{report}");
    assert!(report.contains("Comments closed on 1 articles"), "{report}");
    assert_eq!(scalar(&app, "SELECT parent_id FROM comments WHERE id = 3002").await, 3001);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM comments WHERE id = 3003 AND parent_id IS NULL").await, 1);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM comments WHERE id = 3004").await, 1, "--keep-pingbacks");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM comments WHERE id = 3005").await, 0);
    let broken: String =
        db::query_scalar("SELECT body FROM comments WHERE id = 3006").fetch_one(&app.pool).await.unwrap();
    assert_eq!(broken, "broken: \u{FFFD}BROKEN");
    let (mode,): (String,) = db::query_as("SELECT comments_mode FROM articles WHERE slug = 'edge-one'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(mode, "closed", "wpdiscuz_closed");
    let url: String = db::query_scalar("SELECT author_url FROM comments WHERE id = 3001")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(url, "https://a3001.example");
}

#[tokio::test]
async fn entity_expansion_is_refused_and_nothing_is_written() {
    let app = spawn().await;
    let before = fingerprint(&app).await;
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>&lol3;</title></item></channel></rss>"#;
    let file = app.dir.path().join("lolz.xml");
    std::fs::write(&file, laughs).unwrap();
    let out = cli(&app, &["import", "wordpress", &file.display().to_string()]).await;
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("declares entities"), "{stderr}");
    // and an undeclared entity is refused too, not expanded or skipped silently
    let file2 = app.dir.path().join("entity.xml");
    std::fs::write(&file2, wxr("<item><title>&lol;</title></item>")).unwrap();
    let out = cli(&app, &["import", "wordpress", &file2.display().to_string()]).await;
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown entity &lol;"));
    assert!(!out.status.success());
    // not a WordPress export at all
    let out = cli(&app, &["import", "wordpress", &fixture("disqus-export.xml").display().to_string()]).await;
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a WordPress export"));
    assert_eq!(fingerprint(&app).await, before);
}

#[tokio::test]
async fn the_feedback_forms_table_matches_feedback_exactly() {
    let app = spawn().await;
    let csv = app.dir.path().join("forms.csv");
    // wpDiscuz's table: form 1 is the shortcode a1b2c3d4e5
    std::fs::write(&csv, "id,post_id,unique_id,question,opened\n1,5,a1b2c3d4e5,\"Do these grounds…\",0\n")
        .unwrap();
    let report = import_ok(
        &app,
        &["import", "wordpress", "--feedback-forms", &csv.display().to_string(), &wp_fixture()],
    )
    .await;
    assert!(report.contains("Feedback: 7"), "{report}");
    assert!(!report.contains("by their order"), "{report}");
}
