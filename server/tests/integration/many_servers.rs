//! Several app servers on one database (issue 23): what one server counts, every server counts,
//! and a restart forgives nothing.
use crate::common::*;
use crate::desk::{account, sign_in, PASSWORD};

#[tokio::test]
async fn comment_limits_count_across_servers_and_restarts() {
    let limits = |c: &mut server::config::Config| {
        c.limits.comments_per_ip = 2;
        c.limits.votes_per_ip = 1;
    };
    let a = spawn_with(limits).await;
    let first = a.comment_as(&a.me(), "Ada", "one", None).await;
    a.comment_as(&a.me(), "Ada", "two", None).await;
    let res = a.reader("voter").vote_form(ARTICLE, first, "up").await.post_plain(&a.reader("voter")).await;
    assert_eq!(res.status, 303, "the address's one vote this minute");

    // another server on the same database — or this one, restarted
    let b = spawn_beside(&a, limits).await;
    let me = b.me();
    let res = me.comment_form(None).await.set("name", "Ada").set("body", "three, kept").post_plain(&me).await;
    assert_eq!(res.status, 429, "the address had its two comments this minute: {}", res.body);
    assert!(res.body.contains("too often") && res.body.contains(">three, kept</textarea>"));
    let voter = b.reader("voter2");
    let res = voter.vote_form(ARTICLE, first, "down").await.post_plain(&voter).await;
    assert_eq!(res.status, 429, "the address had its vote this minute");
    assert_eq!(a.comment_count().await, 2);

    // a window ends for every server at once
    a.clock.advance(61);
    b.clock.advance(61);
    let res = me.comment_form(None).await.set("name", "Ada").set("body", "three").post_plain(&me).await;
    assert_eq!(res.status, 303, "a minute later: {}", res.body);
}

#[tokio::test]
async fn sign_in_throttles_count_across_servers() {
    let limits = |c: &mut server::config::Config| c.limits.login_failures_per_ip = 2;
    let a = spawn_with(limits).await;
    account(&a, "ed@news.example", "editor").await;
    assert_eq!(sign_in(&a, "ed@news.example", "wrong").await.status, 401);
    assert_eq!(sign_in(&a, "ed@news.example", "wrong again").await.status, 401);
    let b = spawn_beside(&a, limits).await;
    assert_eq!(
        sign_in(&b, "ed@news.example", PASSWORD).await.status,
        429,
        "the network used its attempts on the other server"
    );
}

#[tokio::test]
async fn no_address_or_email_is_stored_with_the_counters() {
    let a = spawn_with(|c| c.limits.comments_per_ip = 5).await;
    let me = a.me();
    me.comment_form(None)
        .await
        .set("name", "Ada")
        .set("email", "ada@example.com")
        .set("body", "counted")
        .post_plain(&me)
        .await;
    let keys: Vec<String> =
        db::query_scalar("SELECT key FROM rate_windows").fetch_all(&a.pool).await.unwrap();
    assert!(keys.len() >= 2, "the address and the email were counted: {keys:?}");
    for k in &keys {
        assert!(!k.contains("127.0.0.1") && !k.contains("ada@"), "{k}");
    }
}

/// A browser without any cookie (a crawler, a first visit): served from the page cache.
fn nobody(app: &TestApp) -> Session<'_> {
    Session { app, cookie: String::new() }
}

/// The seed article as readers without a cookie get it from `app`, once it keeps the page (a
/// change another server made just before may drop the first one it kept).
async fn kept_page(app: &TestApp) -> String {
    for _ in 0..50 {
        nobody(app).get(ARTICLE).await;
        let page = nobody(app).get(ARTICLE).await;
        if page.headers["x-byline-cache"] == "hit" {
            return page.body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the page is never kept");
}

#[tokio::test]
async fn a_comment_posted_on_one_server_reaches_the_streams_and_kept_pages_of_another() {
    use std::time::Duration;
    let a = spawn().await;
    let b = spawn_beside(&a, |_| {}).await;
    let before = a.comment_as(&a.other_reader(), "A", "Before the stream opened.", None).await;
    assert!(kept_page(&b).await.contains("Before the stream opened."));
    let mut stream = b.http.get(b.url(&format!("{ARTICLE}/events?after={before}"))).send().await.unwrap();
    assert_eq!(stream.status(), 200);

    let posted = a.comment_as(&a.other_reader(), "Posted on A", "Across the servers.", None).await;
    let mut seen = String::new();
    while !seen.contains(&format!("id: {posted}\n")) {
        let chunk = tokio::time::timeout(Duration::from_secs(5), stream.chunk())
            .await
            .expect("the comment posted on the other server is announced")
            .unwrap()
            .expect("the stream stays open");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    let page = nobody(&b).get(ARTICLE).await;
    assert!(page.body.contains("Across the servers."), "the kept page was dropped at once");

    // the desk on one server, a reader without a cookie on the other
    let editor = crate::desk::staff(&a, "moderator").await;
    crate::desk::moderate(&editor, "trash", posted).await;
    wait_until("the trashed comment leaves the other server's kept page", || async {
        !nobody(&b).get(ARTICLE).await.body.contains("Across the servers.")
    })
    .await;
}

#[tokio::test]
async fn an_import_run_beside_the_server_shows_on_its_kept_pages() {
    let app = spawn().await;
    assert!(!kept_page(&app).await.contains("Replying to a comment that was later deleted."));
    // the Disqus fixture's thread on the seed article, found by its Byline address
    let file = crate::import::fixture("disqus-export.xml").display().to_string();
    crate::import::import_ok(&app, &["import", "disqus", &file]).await;
    wait_until("the imported comments show to readers without a cookie", || async {
        nobody(&app).get(ARTICLE).await.body.contains("Replying to a comment that was later deleted.")
    })
    .await;
}

/// Makes every write to the counters fail, as a database in trouble would.
async fn counters_unwritable(app: &TestApp) {
    for event in ["INSERT", "UPDATE"] {
        refuse_writes(app, &format!("refuse_counters_{event}"), &format!("BEFORE {event} ON rate_windows"))
            .await;
    }
}

#[tokio::test]
async fn a_refused_address_is_refused_from_memory_and_an_unwritable_counter_opens_nothing() {
    let app = spawn_with(|c| c.limits.comments_per_ip = 1).await;
    let me = app.me();
    app.comment_as(&me, "Ada", "one", None).await;
    let refused = me.comment_form(None).await.set("name", "Ada").set("body", "two").post_plain(&me).await;
    assert_eq!(refused.status, 429);
    let wait: u64 = refused.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((50..=60).contains(&wait), "the rest of the minute: {wait}");

    counters_unwritable(&app).await;
    // the refusal is remembered: no write is tried, and the wait is still the real one
    let again = me.comment_form(None).await.set("name", "Ada").set("body", "three").post_plain(&me).await;
    assert_eq!(again.status, 429);
    let wait: u64 = again.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 1, "answered from memory, not from a failed write: {wait}");
    // a minute later the counter must be written, and cannot be: refused, never let through
    app.clock.advance(61);
    let broken = me.comment_form(None).await.set("name", "Ada").set("body", "four").post_plain(&me).await;
    assert_eq!(broken.status, 429, "{}", broken.body);
    assert!(broken.body.contains(">four</textarea>"), "the text is kept");
    assert_eq!(app.comment_count().await, 1);
}

#[tokio::test]
async fn a_stream_announces_a_comment_stored_first_elsewhere_even_when_its_own_comes_first() {
    use std::time::Duration;
    let a = spawn().await;
    // b reads the feed late: its own comment is announced before it hears of a's
    let b = spawn_beside(&a, |c| c.changes_poll = Duration::from_millis(1500)).await;
    let before = a.comment_as(&a.other_reader(), "A", "Before the stream opened.", None).await;
    let mut stream = b.http.get(b.url(&format!("{ARTICLE}/events?after={before}"))).send().await.unwrap();
    let first = a.comment_as(&a.other_reader(), "On A", "Stored first, on A.", None).await;
    let second = b.comment_as(&b.other_reader(), "On B", "Stored second, on B.", None).await;
    assert!(first < second);
    let mut seen = String::new();
    while !(seen.contains(&format!("id: {first}\n")) && seen.contains(&format!("id: {second}\n"))) {
        let chunk = tokio::time::timeout(Duration::from_secs(5), stream.chunk())
            .await
            .unwrap_or_else(|_| panic!("both comments are announced, in order; so far: {seen}"))
            .unwrap()
            .expect("the stream stays open");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.find(&format!("id: {first}\n")) < seen.find(&format!("id: {second}\n")), "{seen}");
}

/// Pages keep the settings between changes (one round trip fewer per page): a change saved on
/// one server shows to readers with a cookie there at once, and on another server as soon as
/// its change feed brings it.
#[tokio::test]
async fn settings_saved_on_one_server_show_to_readers_with_a_cookie_on_every_server() {
    const CLOSED: &str = "Comments are closed on this article.";
    let a = spawn().await;
    let b = spawn_beside(&a, |_| {}).await;
    // both servers have rendered a page, and kept the settings it read
    assert!(!a.reader("kim").get(ARTICLE).await.body.contains(CLOSED));
    assert!(!b.reader("kim").get(ARTICLE).await.body.contains(CLOSED));
    // the seed article is older than a day
    a.clock.advance(3 * 86_400);
    b.clock.advance(3 * 86_400);
    let admin = crate::desk::staff(&a, "admin").await;
    crate::desk::settings(&admin, &[("close_after_days", "1")]).await;
    assert!(a.reader("kim").get(ARTICLE).await.body.contains(CLOSED), "at once on the server that saved");
    wait_until("the other server's readers see the article closed", || async {
        b.reader("kim").get(ARTICLE).await.body.contains(CLOSED)
    })
    .await;
    // and opened again
    crate::desk::settings(&admin, &[("close_after_days", "0")]).await;
    assert!(!a.reader("kim").get(ARTICLE).await.body.contains(CLOSED));
    wait_until("the other server's readers see it open again", || async {
        !b.reader("kim").get(ARTICLE).await.body.contains(CLOSED)
    })
    .await;
}
