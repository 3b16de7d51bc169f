//! Search (`/search?q=`): published stories and the comments readers can see, with every word
//! looked for, the words marked in a snippet; never a draft, a scheduled or an unpublished
//! story, a held comment or one under hidden comments; whatever is typed, a clean answer.
use super::*;

/// The headlines and the comment authors a search page lists.
async fn search(app: &TestApp, q: &str) -> (u16, Vec<String>, Vec<String>, String) {
    let page = cookieless(app, &format!("/search?q={}", app::domain::listing::path_segment(q))).await;
    let stories = texts_in(&page.body, ".search-hit h3");
    let comments = texts_in(&page.body, ".comment-hit .hit-where strong");
    (page.status, stories, comments, page.body)
}

#[tokio::test]
async fn search_finds_what_readers_can_read_and_marks_the_words() {
    let app = spawn().await;
    let (editor, id, _) =
        published(&app, "Harbour budget passes", "The council approved the harbour budget.").await;
    let draft_id = draft(&editor, "Harbour secret plan", "World", "A harbour draft nobody may read.").await;
    let scheduled = draft(&editor, "Harbour tomorrow", "World", "Harbour news for tomorrow.").await;
    assert_eq!(schedule(&editor, scheduled, next_minute(&app, 30)).await.status, 303);
    let (_, gone, _) = published(&app, "Harbour closes", "The harbour is closed.").await;
    done(&editor, gone, "unpublish").await;
    let accented = draft(&editor, "L'économie du port", "World", "Les quais de Montréal.").await;
    done(&editor, accented, "publish").await;

    let reader = app.reader("Mira");
    let shown = app.comment_as(&reader, "Mira", "The harbour deserves better lighting.", None).await;
    let held = app.comment_as(&reader, "Holden", "A harbour comment still held.", None).await;
    db::query("UPDATE comments SET status = 'pending' WHERE id = $1")
        .bind(held)
        .execute(&app.pool)
        .await
        .unwrap();

    let (status, stories, comments, body) = search(&app, "harbour").await;
    assert_eq!(status, 200);
    assert_eq!(stories, vec!["Harbour budget passes".to_string()], "only the published story");
    assert_eq!(comments, vec!["Mira".to_string()], "only the approved comment");
    assert!(body.contains("<mark>harbour</mark>"), "the word is marked in the snippet");
    assert!(body.contains(&format!("?comment={shown}#comment-{shown}")), "the comment's own link");
    assert!(!body.contains("secret") && !body.contains("Holden") && !body.contains("tomorrow"));
    assert!(body.contains(r#"<meta name="robots" content="noindex, follow""#));
    let _ = draft_id;

    // every word must be there; the last may be the start of one; accents and case do not matter
    assert_eq!(search(&app, "harbour council").await.1, vec!["Harbour budget passes".to_string()]);
    assert!(search(&app, "harbour zebra").await.1.is_empty());
    assert_eq!(search(&app, "budg").await.1, vec!["Harbour budget passes".to_string()]);
    assert_eq!(search(&app, "ECONOMIE").await.1, vec!["L'économie du port".to_string()]);
    assert_eq!(search(&app, "montreal").await.1, vec!["L'économie du port".to_string()]);

    // published by the editor: found by the next search, no restart; unpublished: gone from it
    done(&editor, id, "unpublish").await;
    assert!(search(&app, "council").await.1.is_empty());
}

#[tokio::test]
async fn whatever_is_typed_the_answer_is_a_clean_page() {
    let app = spawn().await;
    published(&app, "Quotes and stars", "Text about quotes.").await;
    let long = "quotes ".repeat(1500);
    // (found: every word of it is in the story; "or", "1", "near" are words like any other)
    for (q, found) in [
        ("\"quotes", true),
        ("quotes\" OR 1=1 --", false),
        ("NEAR(quotes stars)", false),
        ("(quotes stars)", true),
        ("quotes*", true),
        ("^quotes", true),
        ("quotes:*", true),
        ("'quotes' & !stars", true),
        ("quotes\u{0}", true),
        ("(((", false),
        ("", false),
        ("   ", false),
        ("🙂", false),
        (long.as_str(), true),
    ] {
        let (status, stories, _, body) = search(&app, q).await;
        assert_eq!(status, 200, "{q:?}: {body}");
        assert!(!body.contains("form-alert"), "{q:?}: no error shown");
        let expected: Vec<String> = if found { vec!["Quotes and stars".into()] } else { vec![] };
        assert_eq!(stories, expected, "{q:?}");
    }
    for bad in ["/search?q=quotes&page=0", "/search?q=quotes&page=21", "/search?q=quotes&page=x"] {
        assert_eq!(cookieless(&app, bad).await.status, 404, "{bad}");
    }
    assert_eq!(cookieless(&app, "/search?q=quotes&page=2").await.status, 200, "an empty later page");
}

/// The words typed are in the page's `<title>`: as text, never markup (leptos_meta writes a
/// title as given, so the site escapes it).
#[tokio::test]
async fn what_is_typed_stays_text_in_the_pages_title() {
    let app = spawn().await;
    let q = "</title><base href=\"//evil.example/\"><meta http-equiv=refresh content=0>";
    let res = cookieless(&app, &format!("/search?q={}", app::domain::listing::path_segment(q))).await;
    assert_eq!(res.status, 200);
    assert!(
        !res.body.contains("<base") && !res.body.contains("<meta http-equiv"),
        "no markup from the address"
    );
    let title = res.body.split("<title>").nth(1).and_then(|t| t.split("</title>").next()).unwrap_or_default();
    assert!(title.starts_with("“&lt;/title&gt;&lt;base href=&quot;"), "{title}");
    assert!(title.ends_with(" — Search — Byline"), "{title}");
}

/// A reply shows where its thread does: under a comment the desk marked as spam, its whole
/// branch is gone from the page — and from search and the comment feed, however deep it is.
#[tokio::test]
async fn a_reply_under_a_comment_taken_out_is_found_nowhere() {
    let app = spawn().await;
    let me = app.me();
    let root = app.comment_as(&me, "Ada", "A first comment on the treaty.", None).await;
    let middle =
        app.comment_as(&app.reader("b"), "Bo", "A reply that turns out to be spam.", Some(root)).await;
    let deep = app.comment_as(&app.reader("c"), "Cy", "Zephyrwordunique under the spam.", Some(middle)).await;
    let (_, _, comments, _) = search(&app, "zephyrwordunique").await;
    assert_eq!(comments.len(), 1, "found while its thread shows");
    let feed = format!("{ARTICLE}/feed");
    assert!(cookieless(&app, &feed).await.body.contains("Zephyrwordunique"));

    let moderator = staff(&app, "moderator").await;
    crate::desk::moderate(&moderator, "spam", middle).await;
    let page = cookieless(&app, ARTICLE).await;
    assert!(!page.body.contains("Zephyrwordunique"), "the page drops the branch");
    let (_, _, comments, body) = search(&app, "zephyrwordunique").await;
    assert!(comments.is_empty() && !body.contains("Zephyrwordunique"), "search does too");
    assert!(!cookieless(&app, &feed).await.body.contains("Zephyrwordunique"), "and the feed");
    let _ = deep;
}

/// Searches at once are bounded (`BYLINE_SEARCHES`): past it, a search waits a moment and is
/// then told, with 429, to try again — the pages readers read go on.
#[tokio::test]
async fn past_the_searches_a_server_runs_at_once_a_search_is_told_to_come_back() {
    let app = spawn_with(|c| c.searches = 0).await;
    let res = cookieless(&app, "/search?q=treaty").await;
    assert_eq!(res.status, 429);
    assert!(res.headers.contains_key("retry-after"));
    assert!(texts_in(&res.body, "[role=alert]").join("").contains("Search is busy right now"));
    assert_eq!(cookieless(&app, "/search").await.status, 200, "the empty search page needs no turn");
    assert_eq!(cookieless(&app, ARTICLE).await.status, 200, "pages go on");
    let open = spawn().await;
    assert_eq!(cookieless(&open, "/search?q=treaty").await.status, 200);
}
