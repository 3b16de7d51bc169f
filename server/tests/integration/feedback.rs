//! "Inline Feedbacks" through HTTP: feedback on the editor's passage and on a passage a reader
//! selected, the filter, JavaScript off, and anchors surviving a re-import of an edited article.
use crate::common::*;

const EDITOR_PASSAGE: &str =
    "The ratified extradition treaty, however, provides for several reasons for refusing the request";

async fn editor_passage(app: &TestApp) -> i64 {
    db::query_scalar("SELECT id FROM passages WHERE origin = 'editor' AND quote = $1")
        .bind(EDITOR_PASSAGE)
        .fetch_one(&app.pool)
        .await
        .expect("the seed's passage was imported")
}

fn feedback<'a>(passage: &'a str, body: &'a str, key: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("article", SLUG),
        ("passage", passage),
        ("name", "Fatma"),
        ("email", ""),
        ("body", body),
        ("key", key),
    ]
}

#[tokio::test]
async fn feedback_on_the_editors_passage_is_counted_quoted_and_filtered() {
    let app = spawn().await;
    let pid = editor_passage(&app).await;
    let page = app.get(ARTICLE).await.body;
    assert!(page.contains(&format!("id=\"passage-{pid}\"")), "the passage is marked in the article");
    assert!(page.contains(&format!("data-passage=\"{pid}\" data-count=\"0\"")), "with its icon and count");

    // the passage's own form, as its icon opens it
    let form = app.me().form(&format!("{ARTICLE}?feedback={pid}"), "form.feedback-form").await;
    let res =
        form.set("name", "Fatma").set("body", "Asylum is the key ground here.").post_js(&app.me()).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let id = res.json()["id"].as_i64().unwrap();
    assert_eq!(res.json()["location"], format!("{ARTICLE}?feedback={pid}&posted={id}#feedback-{pid}"));
    let plain = app.comment_as(&app.other_reader(), "Omar", "An ordinary comment.", None).await;

    let page = app.get(ARTICLE).await.body;
    assert!(page.contains(&format!("data-passage=\"{pid}\" data-count=\"1\"")), "the count rose");
    assert!(page.contains("Inline feedback on"), "the thread quotes the passage");
    assert!(page.contains(&format!("href=\"{ARTICLE}#passage-{pid}\"")), "and links back to it");
    assert!(page.contains(
        "The ratified extradition treaty, however, provides for several reasons for refusing the request"
    ));

    // the filter: only feedback, with the bar that leads back
    let filtered = app.get(&format!("{ARTICLE}?filter=feedback")).await.body;
    assert!(filtered.contains(&format!("id=\"comment-{id}\"")));
    assert!(!filtered.contains(&format!("id=\"comment-{plain}\"")), "ordinary comments are filtered out");
    assert!(filtered.contains("<strong>Inline Feedbacks</strong>") && filtered.contains("View all comments"));

    // JavaScript off: the icon's link renders the panel with the question, the last feedback, the form
    let panel = app.get(&format!("{ARTICLE}?feedback={pid}")).await.body;
    assert!(panel.contains(&format!("id=\"feedback-{pid}\"")));
    assert!(panel.contains("Do these grounds for refusal protect refugees enough?"));
    assert!(panel.contains("Asylum is the key ground here."));
    assert!(panel.contains(&format!("{ARTICLE}?filter=feedback#comments")), "View all comments");
    assert!(panel.contains("Send feedback"));
}

#[tokio::test]
async fn the_popover_lists_the_last_three_feedbacks_cut_short() {
    let app = spawn().await;
    let pid = editor_passage(&app).await;
    let p = pid.to_string();
    let long = "This is a very long feedback that goes on and on about the treaty, the grounds for refusal and asylum in Turkey.";
    for i in 0..4 {
        let k = key();
        let body = if i == 3 { long.to_string() } else { format!("Feedback number {i}.") };
        let res = app.other_reader().post_js("/api/post_feedback", &feedback(&p, &body, &k)).await;
        assert_eq!(res.status, 200, "{}", res.body);
    }
    let panel = app.get(&format!("{ARTICLE}?feedback={pid}")).await.body;
    let recent = &panel[panel.find("panel-recent").unwrap()..];
    let recent = &recent[..recent.find("</ul>").unwrap()];
    assert!(!recent.contains("Feedback number 0."), "only the last three");
    assert!(recent.contains("Feedback number 1.") && recent.contains("Feedback number 2."));
    assert!(recent
        .contains("This is a very long feedback that goes on and on about the treaty, the grounds for…"));
    assert!(!recent.contains("asylum in Turkey"), "cut to about 85 characters");
    assert!(panel.contains("4 feedbacks"));
}

#[tokio::test]
async fn a_reader_comments_on_any_passage_they_select() {
    let app = spawn().await;
    let k = key();
    let quote = "Turkey has linguistic and cultural ties with Uighurs";
    let form = vec![
        ("article", SLUG),
        ("quote", quote),
        ("prefix", "among the Uighur diaspora (estimated at 50,000 people) in Turkey. "),
        ("suffix", ", Muslims who speak a Turkish language."),
        ("position", "400"),
        ("name", "Selin"),
        ("email", ""),
        ("body", "Ties that matter here."),
        ("key", &k),
    ];
    let res = app.post_js("/api/post_feedback", &form).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let (pid, origin): (i64, String) = db::query_as("SELECT id, origin FROM passages WHERE quote = $1")
        .bind(quote)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(origin, "reader");
    let page = app.get(ARTICLE).await.body;
    assert!(page.contains(&format!(
        "<mark class=\"passage\" id=\"passage-{pid}\" data-passage=\"{pid}\">{quote}</mark>"
    )));
    assert!(page.contains(&format!("data-passage=\"{pid}\" data-count=\"1\"")));

    // the same passage again is the same passage
    let k2 = key();
    let mut again = form.clone();
    again[7] = ("body", "Agreed, and the language too.");
    again[8] = ("key", &k2);
    assert_eq!(app.other_reader().post_js("/api/post_feedback", &again).await.status, 200);
    let n: i64 = db::query_scalar("SELECT COUNT(*) FROM passages WHERE origin = 'reader'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(n, 1);

    // the quote must be in the article; long passages are refused
    let k3 = key();
    let mut bad = form.clone();
    bad[1] = ("quote", "Turkey has annexed the moon");
    bad[7] = ("body", "A feedback on a passage that is not there.");
    bad[8] = ("key", &k3);
    let res = app.post_js("/api/post_feedback", &bad).await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("not in this article"), "{}", res.body);
    let huge = "word ".repeat(200);
    let k4 = key();
    bad[1] = ("quote", &huge);
    bad[8] = ("key", &k4);
    let res = app.post_js("/api/post_feedback", &bad).await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("too long"), "{}", res.body);
    let comments = app.comment_count().await;
    assert_eq!(comments, 2, "refused feedback stores nothing");
}

#[tokio::test]
async fn with_javascript_off_the_mini_form_posts_and_returns_to_the_passage() {
    let app = spawn().await;
    let pid = editor_passage(&app).await;
    let form = app.me().form(&format!("{ARTICLE}?feedback={pid}"), "form.feedback-form").await;
    let res = form
        .clone()
        .set("name", "Fatma")
        .set("body", "Posted without JavaScript.")
        .post_plain(&app.me())
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let location = res.location.unwrap();
    assert!(location.starts_with(&format!("{ARTICLE}?feedback={pid}&posted=")));
    let page = app.get(&location).await.body;
    assert!(page.contains("your feedback was posted"));
    assert!(page.contains("Posted without JavaScript."));

    // a refusal renders the panel again with the text kept
    let form = app.me().form(&format!("{ARTICLE}?feedback={pid}"), "form.feedback-form").await;
    let res = form.set("name", "").set("body", "Kept text, no name.").post_plain(&app.me()).await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains(&format!("id=\"feedback-{pid}\"")));
    assert!(res.body.contains("Kept text, no name."));
    assert!(res.body.contains("Please enter your name."));
}

const V1: &str = "---
title: Harbour plan
slug: harbour-plan
section: Local
standfirst: The council votes on the harbour.
feedback:
  - passage: \"The council will vote on the harbour plan in March\"
    question: Should the vote wait for the survey?
---

The council will vote on the harbour plan in March. Fishermen oppose it.

Dredging would start in the summer, the plan says. Nobody has costed it yet.

The mayor called the plan a turning point for the town.
";

const V2: &str = "---
title: Harbour plan
slug: harbour-plan
section: Local
standfirst: The council votes on the harbour.
feedback:
  - passage: \"The council will finally vote on the harbour plan in March\"
    question: Should the vote wait for the new survey?
---

Updated on Friday. The council will finally vote on the harbour plan in March. Fishermen oppose it.

A new paragraph with background about the harbour.

Dredging would start in the summer, the plan says. Nobody has costed it yet.
";

#[tokio::test]
async fn reimporting_an_edited_article_keeps_feedback_on_its_passages() {
    let content = tempfile::tempdir().unwrap();
    std::fs::write(content.path().join("harbour.md"), V1).unwrap();
    let dir = content.path().to_path_buf();
    let app = spawn_with(move |c| c.content_dirs = vec![dir]).await;
    let path = "/articles/harbour-plan";
    let editor: i64 = db::query_scalar("SELECT id FROM passages WHERE origin = 'editor'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let post = |passage: Option<i64>, quote: &'static str, body: &'static str| {
        let app = &app;
        async move {
            let k = key_for("harbour-plan", 60);
            let p = passage.map(|p| p.to_string()).unwrap_or_default();
            let mut form = vec![
                ("article", "harbour-plan"),
                ("name", "Ines"),
                ("email", ""),
                ("body", body),
                ("key", &k),
            ];
            if passage.is_some() {
                form.push(("passage", &p));
            } else {
                form.push(("quote", quote));
            }
            let res = app.other_reader().post_js("/api/post_feedback", &form).await;
            assert_eq!(res.status, 200, "{}", res.body);
            res.json()["id"].as_i64().unwrap()
        }
    };
    post(Some(editor), "", "Wait for the survey.").await;
    post(None, "Nobody has costed it yet", "Who pays?").await;
    let gone = post(None, "a turning point for the town", "Hardly.").await;
    let reader: i64 = db::query_scalar("SELECT id FROM passages WHERE quote = 'Nobody has costed it yet'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let before: i64 = db::query_scalar("SELECT start_at FROM passages WHERE id = $1")
        .bind(reader)
        .fetch_one(&app.pool)
        .await
        .unwrap();

    let v2 = server::article_files::parse_article("harbour.md", V2, app::server::store::now()).unwrap();
    let done = app::server::store::articles::import(&app.pool, &v2, app::server::store::now()).await.unwrap();
    assert_eq!(done, app::server::store::articles::Imported::Updated);

    let rows: Vec<(i64, String, Option<i64>, Option<String>)> =
        db::query_as("SELECT id, quote, start_at, question FROM passages ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(rows.len(), 3, "no passage added or lost: {rows:?}");
    let editor_row = rows.iter().find(|r| r.0 == editor).unwrap();
    assert_eq!(
        editor_row.1, "The council will finally vote on the harbour plan in March",
        "edited inside: same passage"
    );
    assert_eq!(editor_row.3.as_deref(), Some("Should the vote wait for the new survey?"));
    let reader_row = rows.iter().find(|r| r.0 == reader).unwrap();
    assert_eq!(reader_row.1, "Nobody has costed it yet");
    assert!(reader_row.2.unwrap() > before, "found again further down");
    let gone_row = rows.iter().find(|r| r.1 == "a turning point for the town").unwrap();
    assert_eq!(gone_row.2, None, "the deleted passage is marked changed");

    let page = app.get(path).await.body;
    assert!(page.contains(&format!(
        "id=\"passage-{editor}\" data-passage=\"{editor}\">The council will finally vote"
    )));
    assert!(page.contains(&format!(
        "id=\"passage-{reader}\" data-passage=\"{reader}\">Nobody has costed it yet</mark>"
    )));
    assert!(page.contains(&format!("id=\"comment-{gone}\"")), "its feedback stays in the thread");
    assert!(page.contains("the passage has changed"));
    assert_eq!(app.comment_count().await, 3);

    // importing the same file again changes nothing
    let again =
        app::server::store::articles::import(&app.pool, &v2, app::server::store::now()).await.unwrap();
    assert_eq!(again, app::server::store::articles::Imported::Unchanged);
}
