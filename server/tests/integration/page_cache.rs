//! The page cache: article views for readers without a cookie are rendered once and kept; what
//! a reader does shows at once; readers with a cookie, held comments and the desk are never
//! kept or shared; every answer carries its own form key.
use crate::common::*;

/// A browser without any cookie (a crawler, a first visit).
fn nobody(app: &TestApp) -> Session<'_> {
    Session { app, cookie: String::new() }
}

fn cache(r: &Reply) -> &str {
    r.headers.get("x-byline-cache").map_or("none", |v| v.to_str().unwrap())
}

/// Posts a comment as `s` (with JavaScript); answers its id and the reader cookie it got.
async fn post_as(s: &Session<'_>, body: &str, key: &str) -> (i64, Option<String>) {
    let res = s.post_js("/api/post_comment", &comment("Ada", "", body, key)).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let cookie =
        res.headers.get("set-cookie").map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string());
    (res.json()["id"].as_i64().unwrap(), cookie)
}

#[tokio::test]
async fn a_view_without_a_cookie_sets_none_and_is_kept_after_the_first_request() {
    let app = spawn().await;
    let first = nobody(&app).get(ARTICLE).await;
    assert_eq!(first.status, 200);
    assert_eq!(cache(&first), "miss");
    assert!(!first.headers.contains_key("set-cookie"), "a page never sets a cookie");
    let second = nobody(&app).get(ARTICLE).await;
    assert_eq!(cache(&second), "hit");
    assert!(!second.headers.contains_key("set-cookie"));
    let cc = second.headers["cache-control"].to_str().unwrap();
    assert!(cc.starts_with("public, max-age=0, s-maxage=") && cc.contains("stale-while-revalidate="), "{cc}");
    assert!(second.headers["vary"].to_str().unwrap().contains("cookie"));
    assert!(second.headers.contains_key("etag"));
    assert!(second.body.contains("<h1 itemprop=\"headline\">") && second.body.ends_with("</body></html>"));

    // kept, not rendered again: a change made behind the server's back does not show...
    let (id, _) = post_as(&app.me(), "The original words.", &key()).await;
    assert!(nobody(&app).get(ARTICLE).await.body.contains("The original words."));
    db::query("UPDATE comments SET body_html = '<p>Changed behind its back.</p>' WHERE id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    let kept = nobody(&app).get(ARTICLE).await;
    assert_eq!(cache(&kept), "hit");
    assert!(kept.body.contains("The original words.") && !kept.body.contains("behind its back"));
    // ...while a reader with a cookie gets a fresh render
    let fresh = app.other_reader().get(ARTICLE).await;
    assert!(fresh.body.contains("Changed behind its back."));
    assert!(fresh.headers["cache-control"].to_str().unwrap().starts_with("private"));
    assert!(!fresh.headers.contains_key("x-byline-cache"));

    // the other views of the article are kept apart; tracking parameters do not make new ones
    let oldest = nobody(&app).get(&format!("{ARTICLE}?sort=oldest")).await;
    assert_eq!(cache(&oldest), "miss");
    let tracked = nobody(&app).get(&format!("{ARTICLE}?utm_source=news&sort=oldest&fbclid=x")).await;
    assert_eq!(cache(&tracked), "hit");
    // a personal view is never kept
    let edit = nobody(&app).get(&format!("{ARTICLE}?edit={id}")).await;
    assert_eq!(cache(&edit), "none");
}

#[tokio::test]
async fn a_comment_posted_edited_voted_or_deleted_shows_on_the_next_view() {
    let app = spawn().await;
    let view = || async { nobody(&app).get(ARTICLE).await };
    assert_eq!(cache(&view().await), "miss");
    assert_eq!(cache(&view().await), "hit");

    let (id, cookie) = post_as(&nobody(&app), "First version of my comment.", &key()).await;
    let author = Session { app: &app, cookie: cookie.expect("a first post gets its reader cookie") };
    let page = view().await;
    assert_eq!(cache(&page), "miss", "the post dropped the kept page");
    assert!(page.body.contains("First version of my comment."));

    let edited = author
        .post_js(
            "/api/edit_comment",
            &[("comment", &id.to_string()), ("body", "Second version."), ("back", ARTICLE)],
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    let page = view().await;
    assert!(page.body.contains("Second version.") && !page.body.contains("First version"));

    let score = |body: &str| {
        let at = body.find(&format!("id=\"comment-{id}\"")).unwrap();
        body[at..]
            .split("class=\"score")
            .nth(1)
            .unwrap()
            .split('>')
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(score(&page.body), "0");
    let voted = app
        .other_reader()
        .post_js("/api/vote", &[("comment", &id.to_string()), ("direction", "up"), ("back", ARTICLE)])
        .await;
    assert_eq!(voted.status, 200, "{}", voted.body);
    let page = view().await;
    assert_eq!(cache(&page), "miss");
    assert_eq!(score(&page.body), "1", "the vote shows to everyone at once");

    let deleted =
        author.post_js("/api/delete_comment", &[("comment", &id.to_string()), ("back", ARTICLE)]).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert!(!view().await.body.contains("Second version."));
}

#[tokio::test]
async fn a_conditional_get_is_answered_304_until_the_page_changes() {
    let app = spawn().await;
    let page = nobody(&app).get(ARTICLE).await;
    let etag = page.headers["etag"].to_str().unwrap().to_string();
    assert!(etag.starts_with("W/\""), "{etag}");
    let again = |etag: String| {
        let app = &app;
        async move { app.http.get(app.url(ARTICLE)).header("if-none-match", etag).send().await.unwrap() }
    };
    let not_modified = again(etag.clone()).await;
    assert_eq!(not_modified.status(), 304);
    assert_eq!(not_modified.headers()["etag"].to_str().unwrap(), etag);
    assert!(not_modified.text().await.unwrap().is_empty());
    // a reader with a cookie always gets their own page
    let mine = app
        .http
        .get(app.url(ARTICLE))
        .header("if-none-match", &etag)
        .header("cookie", &app.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(mine.status(), 200);
    post_as(&app.me(), "Something new to say.", &key()).await;
    let changed = again(etag.clone()).await;
    assert_eq!(changed.status(), 200, "the page changed: a new one");
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);
    assert!(changed.text().await.unwrap().contains("Something new to say."));
}

#[tokio::test]
async fn every_answer_carries_its_own_form_key_and_compressed_answers_are_the_same_page() {
    use std::io::Read;
    let app = spawn().await;
    let a = nobody(&app).get(ARTICLE).await;
    let b = nobody(&app).get(ARTICLE).await;
    assert_eq!(cache(&b), "hit");
    let (ka, kb) = (form_key_in(&a.body), form_key_in(&b.body));
    assert_ne!(ka, kb, "two readers never receive the same key");
    assert!(app::api::forms::is_genuine(
        &app::server::reader_cookie::Secret::new(b"test-secret".to_vec()),
        &kb,
        SLUG
    ));
    // the keys name their forms and are the only difference between the two answers
    assert!(b
        .body
        .contains(&format!("<input type=\"hidden\" name=\"key\" form=\"comment-post\" value=\"{kb}\">")));
    assert_eq!(a.body.replace(&ka[..ka.len() - 2], "K"), b.body.replace(&kb[..kb.len() - 2], "K"));

    for (encoding, decode) in [
        (
            "br",
            Box::new(|b: &[u8]| {
                let mut s = String::new();
                brotli::Decompressor::new(b, 4096).read_to_string(&mut s).unwrap();
                s
            }) as Box<dyn Fn(&[u8]) -> String>,
        ),
        (
            "gzip",
            Box::new(|b: &[u8]| {
                let mut s = String::new();
                flate2::read::GzDecoder::new(b).read_to_string(&mut s).unwrap();
                s
            }),
        ),
    ] {
        let res = app.http.get(app.url(ARTICLE)).header("accept-encoding", encoding).send().await.unwrap();
        assert_eq!(res.headers()["content-encoding"], encoding);
        let page = decode(&res.bytes().await.unwrap());
        let k = form_key_in(&page);
        assert_ne!(k, kb);
        assert_eq!(
            page.replace(&k[..k.len() - 2], "K"),
            b.body.replace(&kb[..kb.len() - 2], "K"),
            "{encoding}"
        );
    }
}

#[tokio::test]
async fn javascript_off_a_first_time_reader_posts_from_the_kept_page_with_the_checks_intact() {
    let app = spawn_with(|c| c.limits.min_form_seconds = 20).await;
    let anon = nobody(&app);
    anon.get(ARTICLE).await; // kept now
    let page = anon.get(ARTICLE).await;
    assert_eq!(cache(&page), "hit");
    let key = form_key_in(&page.body);
    // the timing check counts from this answer, not from when the page was rendered
    app.clock.advance(30);
    let later = anon.get(ARTICLE).await;
    let fresh_key = form_key_in(&later.body);
    let too_soon =
        anon.post_plain("/api/post_comment", &comment("Ada", "", "Posted at once.", &fresh_key)).await;
    assert_eq!(too_soon.status, 429, "a form sent the moment it arrived is refused");
    assert!(too_soon.body.contains("Posted at once."), "the text is kept");
    // a reader who took their time: posted, and the repeat of the same post is the same comment
    let form = comment("Ada", "", "Read it, thought, wrote.", &key);
    let posted = anon.post_plain("/api/post_comment", &form).await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    let again = anon.post_plain("/api/post_comment", &form).await;
    assert_eq!(again.status, 303);
    assert_eq!(posted.location, again.location, "a double submit is one comment");
    let count: i64 =
        db::query_scalar("SELECT COUNT(*) FROM comments WHERE body = 'Read it, thought, wrote.'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(count, 1);
    let cookie = posted.headers["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let mine = Session { app: &app, cookie }.get(ARTICLE).await;
    assert!(mine.body.contains("Read it, thought, wrote.") && mine.body.contains("class=\"edit-link\""));
}

#[tokio::test]
async fn two_people_handed_the_same_page_by_a_shared_cache_stay_two_readers() {
    // a CDN in front keeps one answer, key included: both post with the same key
    let app = spawn().await;
    let key = form_key_in(&nobody(&app).get(ARTICLE).await.body);
    let (first, c1) = post_as(&nobody(&app), "I was here first.", &key).await;
    let (second, c2) = post_as(&nobody(&app), "And I am someone else.", &key).await;
    assert_ne!(first, second, "the second comment is not taken for a repeat of the first");
    let (c1, c2) = (c1.unwrap(), c2.unwrap());
    assert_ne!(c1, c2, "nor its author for the first one");
    let one = Session { app: &app, cookie: c1 }.get(ARTICLE).await;
    let edit = |id: i64| format!("edit={id}#");
    assert!(one.body.contains(&edit(first)) && !one.body.contains(&edit(second)));
}

#[tokio::test]
async fn own_controls_votes_and_held_comments_are_only_in_their_readers_page() {
    let app = spawn().await;
    let admin = crate::desk::staff(&app, "admin").await;
    crate::desk::settings(&admin, &[("hold", "all")]).await;
    let author = app.reader("author");
    let (held, _) = post_as(&author, "Waiting for the editors.", &key()).await;
    let own = author.get(ARTICLE).await;
    assert!(own.body.contains("Waiting for the editors.") && own.body.contains("Awaiting moderation"));
    assert!(own.headers["cache-control"].to_str().unwrap().starts_with("private"));
    for other in
        [nobody(&app).get(ARTICLE).await, nobody(&app).get(ARTICLE).await, app.reader("b").get(ARTICLE).await]
    {
        assert!(!other.body.contains("Waiting for the editors."), "a held comment is its author's alone");
    }
    crate::desk::moderate(&admin, "approve", held).await;
    let shown = nobody(&app).get(ARTICLE).await;
    assert_eq!(cache(&shown), "miss", "the approval dropped the kept page");
    assert!(shown.body.contains("Waiting for the editors.") && !shown.body.contains("class=\"edit-link\""));
    assert!(author.get(ARTICLE).await.body.contains(&format!("edit={held}#")));
    assert!(!app.reader("b").get(ARTICLE).await.body.contains(&format!("edit={held}#")));

    // the desk is never kept or shared
    for path in ["/desk", "/desk/queue", &format!("/desk/comments/{held}")] {
        let page = admin.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert_eq!(page.headers["cache-control"], "no-store", "{path}");
        assert!(!page.headers.contains_key("x-byline-cache"));
    }
    // a staff member reading an article gets a fresh page too
    assert_eq!(cache(&admin.get(ARTICLE).await), "none");
}

#[tokio::test]
async fn many_readers_at_once_on_a_cold_page_cause_one_render() {
    let app = spawn().await;
    let views: Vec<Reply> =
        futures::future::join_all((0..24).map(|_| async { nobody(&app).get(ARTICLE).await })).await;
    let misses = views.iter().filter(|r| cache(r) == "miss").count();
    assert_eq!(misses, 1, "{:?}", views.iter().map(cache).collect::<Vec<_>>());
    assert!(views.iter().all(|r| r.status == 200 && r.body.contains("</body></html>")));
    let keys: std::collections::HashSet<String> = views.iter().map(|r| form_key_in(&r.body)).collect();
    assert_eq!(keys.len(), 24, "each answer its own key");
}

#[tokio::test]
async fn the_kept_pages_stay_within_their_budget() {
    let views: Vec<String> = ["newest", "oldest", "votes"]
        .iter()
        .flat_map(|s| ["", "&filter=feedback", "&filter=reacted"].map(|f| format!("{ARTICLE}?sort={s}{f}")))
        .collect();
    let size = nobody(&spawn().await).get(ARTICLE).await.body.len();
    // room for about three views (each kept plain, gzip and brotli), not for nine
    let app = spawn_with(|c| c.page_cache_bytes = size * 4).await;
    for v in &views {
        assert_eq!(cache(&nobody(&app).get(v).await), "miss", "{v}");
    }
    let last = views.last().unwrap();
    assert_eq!(cache(&nobody(&app).get(last).await), "hit", "the latest is kept");
    assert_eq!(cache(&nobody(&app).get(&views[0]).await), "miss", "the oldest went to make room");
}

#[tokio::test]
async fn made_up_views_are_not_kept_and_cannot_outlive_a_change() {
    let app = spawn().await;
    let (id, _) = post_as(&app.me(), "A permalinked comment.", &key()).await;
    // a permalink to a comment on the first page is the first page, kept as the article's own
    let permalink = format!("{ARTICLE}?comment={id}");
    assert_eq!(cache(&nobody(&app).get(&permalink).await), "miss");
    assert_eq!(cache(&nobody(&app).get(&permalink).await), "hit");
    assert_eq!(cache(&nobody(&app).get(ARTICLE).await), "hit", "the same view");
    // made-up permalinks name nothing: the article's page, nothing new kept
    for n in 0..5 {
        assert_eq!(cache(&nobody(&app).get(&format!("{ARTICLE}?comment={}", 1_000_000 + n)).await), "hit");
    }
    // the same article under an encoded name is not a view of its own (no change would drop it)
    let encoded = ARTICLE.replacen("china", "chin%61", 1);
    let page = nobody(&app).get(&encoded).await;
    assert_eq!(cache(&page), "none");
}

#[tokio::test]
async fn a_replayed_submission_from_someone_without_a_cookie_is_not_made_its_author() {
    // a shared cache handed one page (one key) to many: someone on the same network replays
    // the published text with that key later; they must not get the author's cookie
    let app = spawn().await;
    let key = form_key_in(&nobody(&app).get(ARTICLE).await.body);
    let (id, cookie) = post_as(&nobody(&app), "My own words, published.", &key).await;
    assert!(cookie.is_some());
    // a double click within the minute: the same comment (and the same reader)
    let again = nobody(&app)
        .post_js("/api/post_comment", &comment("Ada", "", "My own words, published.", &key))
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["id"].as_i64(), Some(id));
    app.clock.advance(120);
    let replay = nobody(&app)
        .post_js("/api/post_comment", &comment("Ada", "", "My own words, published.", &key))
        .await;
    assert_eq!(replay.status, 409, "{}", replay.body);
    assert!(!replay.headers.contains_key("set-cookie"), "no one else becomes that reader");
}
