//! Posting comments through HTTP, as the browser does with and without JavaScript.
use crate::common::*;

#[tokio::test]
async fn a_posted_comment_is_stored_and_rendered_in_the_article() {
    let app = spawn().await;
    let k = key();
    let res =
        app.post_js("/api/post_comment", &comment("Ada", "ada@example.com", "First!\n\nSecond.", &k)).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let posted: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    let id = posted["id"].as_i64().unwrap();
    assert_eq!(posted["location"], format!("{ARTICLE}#comment-{id}"));

    let page = app.get(ARTICLE).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("id=\"comment-{id}\"")), "comment not in the HTML");
    assert!(page.body.contains("<p>First!</p>\n<p>Second.</p>"), "paragraphs");
    assert!(page.body.contains("1 Comment<"));
    assert!(!page.body.contains("ada@example.com"), "the email must never be shown");
}

#[tokio::test]
async fn a_reply_nests_under_its_parent_and_deep_replies_stop_at_depth_five() {
    let app = spawn().await;
    let mut parent: Option<String> = None;
    let mut ids = Vec::new();
    for level in 1..=7 {
        let k = key();
        let body = format!("level {level}");
        let mut form = comment("Deep", "", &body, &k);
        if let Some(p) = parent.as_deref() {
            form.push(("parent", p));
        }
        let res = app.post_js("/api/post_comment", &form).await;
        assert_eq!(res.status, 200, "{}", res.body);
        let id = serde_json::from_str::<serde_json::Value>(&res.body).unwrap()["id"].as_i64().unwrap();
        ids.push(id);
        parent = Some(id.to_string());
    }
    let rows: Vec<(i64, Option<i64>, i64)> =
        db::query_as("SELECT id, parent_id, depth FROM comments ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let depths: Vec<i64> = rows.iter().map(|r| r.2).collect();
    assert_eq!(depths, vec![1, 2, 3, 4, 5, 5, 5]);
    // levels 6 and 7 answer a depth-5 comment, so they join it under the depth-4 comment
    assert_eq!(rows[1].1, Some(ids[0]));
    assert_eq!(rows[5].1, Some(ids[3]));
    assert_eq!(rows[6].1, Some(ids[3]));

    let page = app.get(ARTICLE).await.body;
    let first = page.find(&format!("id=\"comment-{}\"", ids[0])).unwrap();
    let second = page.find(&format!("id=\"comment-{}\"", ids[1])).unwrap();
    assert!(first < second);
    assert!(page.contains("7 Comments"));
}

#[tokio::test]
async fn a_reply_to_a_comment_of_another_article_or_a_missing_one_is_refused() {
    let app = spawn().await;
    let k = key();
    let mut form = comment("Ada", "", "hi", &k);
    form.push(("parent", "999"));
    let res = app.post_js("/api/post_comment", &form).await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("no longer available"), "{}", res.body);
    assert_eq!(app.comment_count().await, 0);
}

#[tokio::test]
async fn each_invalid_field_is_refused_with_400_naming_the_field() {
    let app = spawn().await;
    let long_name = "n".repeat(81);
    let long_body = "b".repeat(10_001);
    let cases: Vec<(&str, &str, &str, &str, &str)> = vec![
        ("", "", "text", "name", "Please enter your name."),
        ("   ", "", "text", "name", "Please enter your name."),
        (&long_name, "", "text", "name", "at most 80 characters"),
        ("Ada", "nope", "text", "email", "valid email address"),
        ("Ada", "a@b", "text", "email", "valid email address"),
        ("Ada", "", "", "body", "Please write your comment."),
        ("Ada", "", " \n\t ", "body", "Please write your comment."),
        ("Ada", "", &long_body, "body", "the limit is 10000"),
    ];
    for (name, email, body, field, message) in cases {
        let k = key();
        let res = app.post_js("/api/post_comment", &comment(name, email, body, &k)).await;
        assert_eq!(res.status, 400, "{field}: {}", res.body);
        let err: serde_json::Value = serde_json::from_str(&res.body).unwrap();
        let fields = err["Invalid"].as_array().expect("Invalid");
        let hit =
            fields.iter().find(|f| f["field"] == field).unwrap_or_else(|| panic!("{field} not named: {err}"));
        assert!(hit["message"].as_str().unwrap().contains(message), "{field}: {hit}");
    }
    // exactly 10,000 characters after trimming is fine
    let ok_body = format!("  {}  ", "é".repeat(10_000));
    let k = key();
    assert_eq!(app.post_js("/api/post_comment", &comment("Ada", "", &ok_body, &k)).await.status, 200);
    assert_eq!(app.comment_count().await, 1);
}

#[tokio::test]
async fn without_javascript_a_refusal_renders_the_page_again_with_the_input_kept() {
    let app = spawn().await;
    // the typed text goes back into a <textarea>: it must not be able to close it
    let k = key();
    let res = app
        .post_plain("/api/post_comment", &comment("", "", "</textarea><script>alert(1)</script>", &k))
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>"));
    assert!(!res.body.contains("<script>alert(1)"));

    let k = key();
    let res =
        app.post_plain("/api/post_comment", &comment("", "reader@example", "My <careful> words", &k)).await;
    assert_eq!(res.status, 400);
    assert!(res.headers["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = &res.body;
    assert!(html.contains("Please enter your name."), "no name message");
    assert!(html.contains("valid email address"), "no email message");
    assert!(html.contains(">My &lt;careful&gt; words</textarea>"), "the comment text was lost");
    assert!(html.contains("value=\"reader@example\""), "the email was lost");
    assert!(html.contains("<h1 itemprop=\"headline\">China ratifies"), "not the article page");
    // the same page as any other: with JavaScript its live parts work there too
    assert!(html.contains("<leptos-island"), "the answer has no islands");
    assert_eq!(app.comment_count().await, 0);
}

#[tokio::test]
async fn without_javascript_a_comment_redirects_back_to_it() {
    let app = spawn().await;
    let k = key();
    let res = app.post_plain("/api/post_comment", &comment("Ada", "", "Plain post", &k)).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let location = res.location.unwrap();
    assert!(location.starts_with(&format!("{ARTICLE}#comment-")), "{location}");
    let page = app.get(ARTICLE).await.body;
    assert!(page.contains("Plain post"));
}

#[tokio::test]
async fn markup_in_a_comment_is_stored_as_typed_and_shown_as_text() {
    let app = spawn().await;
    let k = key();
    let evil =
        r#"<script>alert("x")</script><img src=x onerror="alert(1)"><a href="javascript:alert(2)">y</a>"#;
    assert_eq!(app.post_js("/api/post_comment", &comment("<b>Eve</b>", "", evil, &k)).await.status, 200);
    let stored: String = db::query_scalar("SELECT body FROM comments").fetch_one(&app.pool).await.unwrap();
    assert_eq!(stored, evil);
    let page = app.get(ARTICLE).await.body;
    assert!(page.contains("&lt;script&gt;alert(\"x\")&lt;/script&gt;"), "script not escaped");
    assert!(!page.contains("<script>alert"), "live script tag in the page");
    assert!(!page.contains("<img src=x"), "live img tag in the page");
    assert!(!page.contains("<a href=\"javascript:"), "live javascript: link");
    assert!(page.contains("&lt;b&gt;Eve&lt;/b&gt;"), "author name not escaped");
}

#[tokio::test]
async fn a_double_submit_creates_one_comment() {
    let app = spawn().await;
    let k = key();
    let form = comment("Ada", "", "Only once", &k);
    // two clicks at the same moment
    let (a, b, c) = tokio::join!(
        app.post_js("/api/post_comment", &form),
        app.post_js("/api/post_comment", &form),
        app.post_js("/api/post_comment", &form)
    );
    assert_eq!(c.status, 200, "{}", c.body);
    assert_eq!((a.status, b.status), (200, 200), "{} / {}", a.body, b.body);
    assert_eq!(a.body, b.body, "both answers name the same comment");
    // and a browser re-sending the POST on reload
    let again = app.post_plain("/api/post_comment", &form).await;
    assert_eq!(again.status, 303);
    assert_eq!(app.comment_count().await, 1);
    assert_eq!(app.get(ARTICLE).await.body.matches("itemtype=\"https://schema.org/Comment\"").count(), 1);
}

#[tokio::test]
async fn oversized_and_cross_origin_posts_are_refused() {
    let app = spawn().await;
    let k = key();
    let huge = "x".repeat(70 * 1024);
    let res = app.post_js("/api/post_comment", &comment("Ada", "", &huge, &k)).await;
    assert_eq!(res.status, 413);
    let res = app
        .http
        .post(app.url("/api/post_comment"))
        .header("origin", "https://evil.example")
        .form(&comment("Ada", "", "csrf", &key()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(app.comment_count().await, 0);
}

#[tokio::test]
async fn a_malformed_post_gets_a_clean_400_without_internal_detail() {
    let app = spawn().await;
    let res = app.post_js("/api/post_comment", &[("article", SLUG), ("parent", "not-a-number")]).await;
    assert_eq!(res.status, 400, "{}", res.body);
    assert!(!res.body.to_lowercase().contains("deserializ"), "internal detail leaked: {}", res.body);
    let res = app.post_plain("/api/post_comment", &[("article", SLUG), ("parent", "x")]).await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("The form could not be read"));
}
