//! The thread's server functions through HTTP: votes, edit and delete, sorting, paging,
//! previews, abuse limits and live updates.
use crate::common::*;

async fn set_time(app: &TestApp, id: i64, created_at: i64) {
    db::query("UPDATE comments SET created_at = $1 WHERE id = $2")
        .bind(created_at)
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
}

fn vote_form<'a>(id: &'a str, dir: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("comment", id), ("direction", dir), ("back", ARTICLE)]
}

#[tokio::test]
async fn one_vote_per_reader_same_again_removes_it_other_way_switches() {
    let app = spawn().await;
    let author = app.me();
    let id = app.comment_as(&author, "Ada", "Vote on me", None).await;
    let reader = app.other_reader();
    let (up, down) = (reader.vote_form(ARTICLE, id, "up").await, reader.vote_form(ARTICLE, id, "down").await);
    let res = up.post_js(&reader).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!((res.json()["score"].as_i64(), res.json()["my_vote"].as_i64()), (Some(1), Some(1)));
    let again = up.post_js(&reader).await;
    assert_eq!((again.json()["score"].as_i64(), again.json()["my_vote"].as_i64()), (Some(0), Some(0)));
    assert_eq!(down.post_js(&reader).await.json()["score"].as_i64(), Some(-1));
    assert_eq!(up.post_js(&reader).await.json()["score"].as_i64(), Some(1), "switching counts once");
    let second = app.other_reader();
    let res = second.vote_form(ARTICLE, id, "up").await.post_js(&second).await;
    assert_eq!(res.json()["score"].as_i64(), Some(2));
    let votes: i64 =
        db::query_scalar("SELECT COUNT(*) FROM comment_votes").fetch_one(&app.pool).await.unwrap();
    assert_eq!(votes, 2);
    // the score is in the page
    assert!(app.other_reader().get(ARTICLE).await.body.contains("class=\"score positive\">2</span>"));
}

#[tokio::test]
async fn own_comments_cannot_be_voted_and_plain_votes_redirect_back() {
    let app = spawn().await;
    let me = app.me();
    let id = app.comment_as(&me, "Ada", "Mine", None).await;
    let ids = id.to_string();
    // the page disables the author's own buttons; a forged post is refused
    let page = me.get(ARTICLE).await.body;
    assert!(page.contains("title=\"You cannot vote on your own comment\""), "the buttons are disabled");
    let own = me.post_js("/api/vote", &vote_form(&ids, "up")).await;
    assert_eq!(own.status, 403);
    assert!(own.body.contains("your own comment"));
    // JavaScript off, from the oldest-first view: back to that view
    let reader = app.other_reader();
    let oldest = format!("{ARTICLE}?sort=oldest");
    let plain = reader.vote_form(&oldest, id, "up").await.post_plain(&reader).await;
    assert_eq!(plain.status, 303);
    assert_eq!(plain.location.unwrap(), format!("{ARTICLE}?sort=oldest#comment-{id}"));
    // forged: a return address elsewhere, a direction the page has not
    let evil = app
        .other_reader()
        .post_plain("/api/vote", &[("comment", &ids), ("direction", "up"), ("back", "https://evil.example/")])
        .await;
    assert_eq!(evil.location.unwrap(), format!("{ARTICLE}#comment-{id}"), "only local return addresses");
    let bad = app.other_reader().post_js("/api/vote", &vote_form(&ids, "sideways")).await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn a_first_time_reader_gets_an_httponly_samesite_cookie_with_their_first_write() {
    let app = spawn().await;
    let page = app.http.get(app.url(ARTICLE)).send().await.unwrap();
    assert!(page.headers().get("set-cookie").is_none(), "reading sets no cookie");
    let id = app.comment_as(&app.other_reader(), "A", "Vote for me", None).await;
    let nobody = Session { app: &app, cookie: String::new() };
    let res = nobody.vote_form(ARTICLE, id, "up").await.post_js(&nobody).await;
    assert_eq!(res.status, 200);
    let cookie = res.headers.get("set-cookie").expect("a reader cookie").to_str().unwrap().to_string();
    assert!(cookie.starts_with("byline_reader="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
}

#[tokio::test]
async fn the_author_edits_and_deletes_within_the_window_and_is_refused_after() {
    let app = spawn().await;
    let me = app.me();
    let id = app.comment_as(&me, "Ada", "Frist", None).await;
    let ids = id.to_string();
    // someone else may not (they get no edit form: a forged post)
    let other = app
        .other_reader()
        .post_js("/api/edit_comment", &[("comment", &ids), ("body", "hijack"), ("back", ARTICLE)])
        .await;
    assert_eq!(other.status, 403);
    let body: String = db::query_scalar("SELECT body FROM comments WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(body, "Frist", "the other reader's edit changed nothing");
    let edit_page = format!("{ARTICLE}?edit={id}");
    let edit = me.form(&edit_page, "form.edit-form").await.set("body", "**First**").post_js(&me).await;
    assert_eq!(edit.status, 200, "{}", edit.body);
    let page = me.get(ARTICLE).await.body;
    assert!(page.contains("<strong>First</strong>"));
    assert!(page.contains("(edited)"));
    assert!(page.contains(&format!("edit={id}#comment-{id}")), "the author sees Edit");
    assert!(!app.other_reader().get(ARTICLE).await.body.contains(&format!("edit={id}")), "others do not");

    // the forms, still open sixteen minutes later (the server's clock moves; nothing waits)
    let edit_form = me.form(&edit_page, "form.edit-form").await;
    let delete_form = me.comment_form_for(ARTICLE, "form.delete-form", id, &[]).await;
    app.clock.advance(16 * 60);
    let late = edit_form.clone().set("body", "too late").post_js(&me).await;
    assert_eq!(late.status, 403);
    assert!(late.body.contains("15 minutes"), "{}", late.body);
    let late_delete = delete_form.post_js(&me).await;
    assert_eq!(late_delete.status, 403);
    assert!(!me.get(ARTICLE).await.body.contains(&format!("edit={id}")), "the buttons are gone");
    // JavaScript off: the page again with the message, the text kept
    let plain = edit_form.set("body", "keep me").post_plain(&me).await;
    assert_eq!(plain.status, 403);
    assert!(plain.body.contains("can no longer be changed"));
    let body: String = db::query_scalar("SELECT body FROM comments WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(body, "**First**", "refused edits changed nothing");
}

#[tokio::test]
async fn a_deleted_comment_with_replies_leaves_a_marker_without_replies_it_disappears() {
    let app = spawn().await;
    let me = app.me();
    let parent = app.comment_as(&me, "Ada", "Parent text", None).await;
    let _reply = app.comment_as(&app.other_reader(), "Bob", "Reply text", Some(parent)).await;
    let lonely = app.comment_as(&me, "Ada", "Lonely text", None).await;
    for id in [parent, lonely] {
        let res = me.comment_form_for(ARTICLE, "form.delete-form", id, &[]).await.post_plain(&me).await;
        assert_eq!(res.status, 303, "{}", res.body);
    }
    let page = me.get(ARTICLE).await.body;
    assert!(page.contains("This comment was deleted."));
    assert!(!page.contains("Parent text") && !page.contains("Lonely text"));
    assert!(page.contains("Reply text"), "the reply keeps its place");
    assert!(!page.contains(&format!("id=\"comment-{lonely}\"")));
    assert!(page.contains("1 Comment<"), "deleted comments are not counted");
}

#[tokio::test]
async fn sorts_and_filters_order_the_thread() {
    let app = spawn().await;
    let a = app.comment_as(&app.other_reader(), "A", "oldest comment", None).await;
    let b = app.comment_as(&app.other_reader(), "B", "middle comment", None).await;
    let c = app.comment_as(&app.other_reader(), "C", "newest comment", None).await;
    let now = app::server::store::now();
    set_time(&app, a, now - 300).await;
    set_time(&app, b, now - 200).await;
    set_time(&app, c, now - 100).await;
    for _ in 0..2 {
        app.comment_as(&app.other_reader(), "R", &format!("reply {}", key()), Some(a)).await;
    }
    let bs = b.to_string();
    for n in 1..=3 {
        let vote = app.other_reader().post_js("/api/vote", &vote_form(&bs, "up")).await;
        assert_eq!((vote.status, vote.json()["score"].as_i64()), (200, Some(n)), "{}", vote.body);
    }
    let order = |html: &str, ids: &[i64]| -> Vec<usize> {
        ids.iter().map(|id| html.find(&format!("id=\"comment-{id}\"")).expect("shown")).collect()
    };
    let newest = app.get(ARTICLE).await.body;
    let p = order(&newest, &[a, b, c]);
    assert!(p[2] < p[1] && p[1] < p[0], "newest first by default");
    let oldest = app.get(&format!("{ARTICLE}?sort=oldest")).await.body;
    let p = order(&oldest, &[a, b, c]);
    assert!(p[0] < p[1] && p[1] < p[2]);
    let voted = app.get(&format!("{ARTICLE}?sort=votes")).await.body;
    let p = order(&voted, &[a, b, c]);
    assert!(p[1] < p[0] && p[1] < p[2], "most voted first");

    let reacted = app.get(&format!("{ARTICLE}?filter=reacted")).await.body;
    assert!(reacted.contains("middle comment") && !reacted.contains("oldest comment"));
    assert!(reacted.contains("View all comments"));
    let hottest = app.get(&format!("{ARTICLE}?filter=hottest")).await.body;
    assert!(
        hottest.contains("oldest comment")
            && hottest.contains("reply ")
            && !hottest.contains("middle comment")
    );
}

#[tokio::test]
async fn load_more_pages_by_keyset_and_stays_stable_while_comments_arrive() {
    let app = spawn().await;
    let mut ids = Vec::new();
    for i in 0..45 {
        let id = app.comment_as(&app.other_reader(), "P", &format!("page comment {i}"), None).await;
        set_time(&app, id, 1_000_000 + i).await;
        ids.push(id);
    }
    let first = app.get(ARTICLE).await.body;
    assert!(first.contains("page comment 44") && first.contains("page comment 25"));
    assert!(!first.contains("page comment 24"));
    let start = first.find("?after=").expect("a Load more link") + 7;
    let cursor: String = first[start..].chars().take_while(|c| *c != '#' && *c != '"' && *c != '&').collect();
    assert_eq!(cursor, format!("{}_{}", 1_000_025, ids[25]));
    // a new comment arrives: the next page is the same
    app.comment_as(&app.other_reader(), "N", "brand new", None).await;
    let second = app.get(&format!("{ARTICLE}?after={cursor}")).await.body;
    assert!(second.contains("page comment 24") && second.contains("page comment 5"));
    assert!(
        !second.contains("page comment 25")
            && !second.contains("page comment 4<")
            && !second.contains("brand new")
    );
    // a permalink to a comment on a later page shows it
    let linked = app.get(&format!("{ARTICLE}?comment={}", ids[0])).await.body;
    assert!(linked.contains("page comment 0<"));
}

#[tokio::test]
async fn markdown_is_rendered_and_previewed() {
    let app = spawn().await;
    let preview = app.post_js("/api/preview", &[("body", "*hi* [x](javascript:alert(1)) <b>raw</b>")]).await;
    assert_eq!(preview.status, 200);
    let html = preview.json().as_str().unwrap().to_string();
    assert!(
        html.contains("<em>hi</em>")
            && html.contains("&lt;b&gt;raw&lt;/b&gt;")
            && !html.contains("javascript:"),
        "{html}"
    );
    let k = key();
    let mut form = comment("Ada", "", "> quoted\n\n[link](https://example.org)", &k);
    form.push(("intent", "preview"));
    let plain = app.post_plain("/api/post_comment", &form).await;
    assert_eq!(plain.status, 200);
    assert!(plain.body.contains("<blockquote>"), "the preview is rendered");
    assert!(plain.body.contains("rel=\"nofollow ugc noopener\""));
    assert_eq!(app.comment_count().await, 0, "a preview posts nothing");
}

#[tokio::test]
async fn abuse_limits_refuse_with_clear_messages_and_statuses() {
    // the server's clock stands still: the form's age is exact, whatever second it is
    let at = app::server::store::now();
    let app = spawn_with(move |c| {
        c.limits.min_form_seconds = 3;
        c.limits.comments_per_ip = 4;
        c.clock = app::server::clock::Clock::stopped_at(at);
    })
    .await;
    // too fast: the form was rendered a second ago
    let fresh = key_made_at(SLUG, at - 1);
    let res = app.post_js("/api/post_comment", &comment("Ada", "", "quick", &fresh)).await;
    assert_eq!(res.status, 429);
    assert_eq!(res.headers["retry-after"], "2");
    // honeypot
    let k = key();
    let mut bot = comment("Bot", "", "buy now", &k);
    bot.push(("website", "http://spam.example"));
    assert_eq!(app.post_js("/api/post_comment", &bot).await.status, 400);
    // duplicate by the same author
    let (k1, k2) = (key(), key());
    assert_eq!(app.post_js("/api/post_comment", &comment("Ada", "", "Same words", &k1)).await.status, 200);
    let dup = app.post_js("/api/post_comment", &comment("Ada", "", "Same words", &k2)).await;
    assert_eq!(dup.status, 409);
    assert_eq!(dup.json(), serde_json::json!("Duplicate"));
    // rate limit per IP: four attempts a minute (the duplicate counted), the fifth is refused
    let k3 = key();
    assert_eq!(app.post_js("/api/post_comment", &comment("Ada", "", "two", &k3)).await.status, 200);
    let k4 = key();
    assert_eq!(app.post_js("/api/post_comment", &comment("Ada", "", "three", &k4)).await.status, 200);
    let k5 = key();
    let limited = app.post_plain("/api/post_comment", &comment("Ada", "", "four, kept", &k5)).await;
    assert_eq!(limited.status, 429);
    assert!(limited.headers.contains_key("retry-after"));
    assert!(limited.body.contains("too often") && limited.body.contains(">four, kept</textarea>"));
    assert_eq!(app.comment_count().await, 3);
}

#[tokio::test]
async fn live_updates_stream_new_comments_and_resume_after_a_reconnect() {
    use std::time::Duration;
    let app = spawn().await;
    let before = app.comment_as(&app.other_reader(), "A", "before", None).await;
    // open the stream as a page that already shows `before`
    let mut stream = app.http.get(app.url(&format!("{ARTICLE}/events?after={before}"))).send().await.unwrap();
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let posted = app.comment_as(&app.other_reader(), "B", "live one", None).await;
    let mut seen = String::new();
    while !seen.contains(&format!("id: {posted}")) {
        let chunk = tokio::time::timeout(Duration::from_secs(5), stream.chunk())
            .await
            .expect("an event")
            .unwrap()
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.contains("event: comment"));
    assert!(!seen.contains(&format!("id: {before}\n")), "nothing the page already had");
    drop(stream);
    // posted while disconnected; the browser reconnects with Last-Event-ID
    let missed = app.comment_as(&app.other_reader(), "C", "missed", None).await;
    let mut again = app
        .http
        .get(app.url(&format!("{ARTICLE}/events")))
        .header("last-event-id", posted.to_string())
        .send()
        .await
        .unwrap();
    let chunk = tokio::time::timeout(Duration::from_secs(5), again.chunk())
        .await
        .expect("the missed one")
        .unwrap()
        .unwrap();
    let mut text = String::from_utf8_lossy(&chunk).to_string();
    assert!(text.contains(&format!("id: {missed}")), "{text}");
    // a comment after the reconnect arrives too, and the missed one was sent once, not again
    let next = app.comment_as(&app.other_reader(), "D", "after the reconnect", None).await;
    while !text.contains(&format!("id: {next}\n")) {
        let chunk = tokio::time::timeout(Duration::from_secs(5), again.chunk())
            .await
            .expect("the next one")
            .unwrap()
            .unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert_eq!(text.matches(&format!("id: {missed}\n")).count(), 1, "{text}");
    assert!(!text.contains(&format!("id: {posted}\n")), "{text}");
}

/// The live bubble counts comments that arrived after the page was made. A page that does not
/// show the newest comment (oldest first, a filter, most voted) must still start the stream
/// after it, or a stale "N new comments" appears on a quiet thread.
#[tokio::test]
async fn the_live_stream_starts_after_the_newest_comment_whatever_the_page_shows() {
    let app = spawn().await;
    let mut last = 0;
    for i in 0..25 {
        last = app.comment_as(&app.me(), "Ada", &format!("Comment number {i} on the thread"), None).await;
    }
    for view in ["", "?sort=oldest", "?sort=votes", "?filter=feedback"] {
        let page = app.other_reader().get(&format!("{ARTICLE}{view}")).await;
        let props = page.body.split("data-component=\"LiveBubble").nth(1).expect("the live bubble");
        let newest: i64 = props
            .split("&quot;newest&quot;:")
            .nth(1)
            .and_then(|s| s.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{view}: no newest in {}", &props[..200.min(props.len())]));
        assert_eq!(newest, last, "{view}");
    }
}
