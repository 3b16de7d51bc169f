//! What the README promises, one test per claim (the README's words are quoted above each).
use crate::common::smtp::Sink;
use crate::common::*;

/// "creates the SQLite database `data/byline.db` (WAL mode)"
#[tokio::test]
async fn the_database_runs_in_wal_mode() {
    if on_postgres() {
        return; // a claim about SQLite
    }
    let app = spawn().await;
    let mode: String = db::query_scalar("PRAGMA journal_mode").fetch_one(&app.pool).await.unwrap();
    assert_eq!(mode, "wal");
    assert!(app.dir.path().join("byline.db-wal").exists(), "the write-ahead log is beside the database");
}

/// A second server on `app`'s database (a restart, or another process), with `adjust`.
async fn another_server_on(app: &TestApp, adjust: impl FnOnce(&mut server::config::Config)) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = test_config(app.dir.path(), addr);
    config.database_url = app.db_url.clone();
    adjust(&mut config);
    let state = server::prepare(&config).await.expect("prepare");
    let router = server::router(state, &config);
    tokio::spawn(server::serve::serve(listener, router, config.connections.clone(), std::future::pending()));
    format!("http://{addr}")
}

/// "`BYLINE_SECRET` | random, kept in the database": a reader stays the same reader after a
/// restart without one.
#[tokio::test]
async fn without_byline_secret_a_random_key_is_kept_in_the_database_and_survives_a_restart() {
    let app = spawn_with(|c| c.secret = None).await;
    let key_in = |pool: &app::server::store::Pool| {
        let pool = pool.clone();
        async move {
            db::query_scalar::<String>("SELECT value FROM settings WHERE name = 'signing_key'")
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let first_key = key_in(&app.pool).await;
    assert!(first_key.len() >= 32, "a random key: {first_key}");
    // a reader posts through the page's own form (its key is signed with that secret)
    let page = app.http.get(app.url(ARTICLE)).send().await.unwrap().text().await.unwrap();
    let form_key = form_key_in(&page);
    let posted = app
        .http
        .post(app.url("/api/post_comment"))
        .header("accept", "application/json")
        .header("origin", &app.base)
        .form(&comment("Ada", "", "Signed with the kept key.", &form_key))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 200);
    let cookie = posted.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let id: i64 = posted.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();

    // restarted (a new server on the same database, still without BYLINE_SECRET)
    let base = another_server_on(&app, |c| c.secret = None).await;
    assert_eq!(key_in(&app.pool).await, first_key, "the same key after the restart");
    let page = app
        .http
        .get(format!("{base}{ARTICLE}"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("edit={id}#comment-{id}")), "the author is still recognised and may edit");
}

/// "`TRUST_PROXY` | unset (`0`)": not behind a proxy, `X-Forwarded-For` is whatever a client
/// wrote and is ignored.
#[tokio::test]
async fn without_trust_proxy_a_forwarded_for_header_does_not_change_the_address() {
    let app = spawn_with(|c| c.limits.comments_per_ip = 2).await;
    for (i, xff) in ["1.1.1.1", "2.2.2.2", "3.3.3.3"].iter().enumerate() {
        let k = key();
        let res = app
            .http
            .post(app.url("/api/post_comment"))
            .header("accept", "application/json")
            .header("origin", &app.base)
            .header("x-forwarded-for", *xff)
            .form(&comment("Ada", "", &format!("Comment {i} from behind a made-up proxy."), &k))
            .send()
            .await
            .unwrap();
        let expected = if i < 2 { 200 } else { 429 };
        assert_eq!(res.status().as_u16(), expected, "request {i}");
    }
}

/// "`BYLINE_MAIL_WORKER` | `0`: this process does not send mail (another one on the same
/// database does)"
#[tokio::test]
async fn with_the_mail_worker_off_another_process_on_the_database_sends_the_mail() {
    let sink = Sink::start().await;
    let url = sink.url();
    let app = spawn_with(move |c| {
        c.mail.smtp_url = Some(url);
        c.mail.worker = false;
    })
    .await;
    let res = app
        .other_reader()
        .post_js(
            "/api/set_subscription",
            &[("article", SLUG), ("kind", "follow_ups"), ("email", "w@example.com"), ("action", "subscribe")],
        )
        .await;
    assert_eq!(res.status, 200);
    let queued: (String, i64, Option<String>) =
        db::query_as("SELECT status, attempts, lease_owner FROM outbox WHERE email = 'w@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(queued, ("pending".to_string(), 0, None), "queued, untouched by this process");
    // the other process: a worker with its own pool on the same file
    let config = app::server::mail::MailConfig {
        smtp_url: Some(sink.url()),
        ..app::server::mail::MailConfig::with_defaults(&app.base)
    };
    let other = app::server::mail::Mailer {
        pool: app::server::store::connect(&app.db_url, std::time::Duration::from_secs(10)).await.unwrap(),
        config: std::sync::Arc::new(config.clone()),
        base_url: app.base.clone(),
        per_address_per_day: 50,
        wake: Default::default(),
        clock: app::server::clock::Clock::system(),
    };
    let transport = app::server::mail::Transport::from_config(&config).unwrap();
    assert_eq!(other.round(&transport, "other-process").await.unwrap(), 1);
    app.outbox_settled().await;
    assert_eq!(sink.to("w@example.com", "Confirm").len(), 1);
}

/// "`SMTP_URL` … `smtp://user:pass@host:587?tls=required`, `smtps://user:pass@host:465`, or
/// `smtp://host:25`": each is accepted (TLS is built in); nonsense is refused by name.
#[tokio::test]
async fn the_smtp_urls_the_readme_names_are_accepted() {
    for url in [
        "smtp://user:pass@mail.example.com:587?tls=required",
        "smtps://user:pass@mail.example.com:465",
        "smtp://localhost:25",
    ] {
        let config = app::server::mail::MailConfig {
            smtp_url: Some(url.into()),
            ..app::server::mail::MailConfig::with_defaults("https://news.example")
        };
        assert!(app::server::mail::Transport::from_config(&config).is_ok(), "{url}");
    }
    let config = app::server::mail::MailConfig {
        smtp_url: Some("http://mail.example.com".into()),
        ..app::server::mail::MailConfig::with_defaults("https://news.example")
    };
    let refused = app::server::mail::Transport::from_config(&config).err().expect("refused");
    assert!(refused.starts_with("SMTP_URL"), "{refused}");
}

/// The README's abuse limits not covered elsewhere, each at its limit: the next request is
/// refused with 429 and Retry-After, the one before is not.
#[tokio::test]
async fn each_rate_limit_refuses_the_request_after_its_limit() {
    // BYLINE_COMMENTS_PER_EMAIL_PER_HOUR
    let app = spawn_with(|c| c.limits.comments_per_email = 2).await;
    for i in 0..3 {
        let k = key();
        let res = app
            .other_reader()
            .post_js(
                "/api/post_comment",
                &comment("Ada", "ada@example.com", &format!("Comment number {i} by mail."), &k),
            )
            .await;
        assert_eq!(res.status, if i < 2 { 200 } else { 429 }, "comment {i}: {}", res.body);
        if i == 2 {
            assert!(res.headers.contains_key("retry-after"));
        }
    }
    // BYLINE_VOTES_PER_IP_PER_MINUTE
    let app = spawn_with(|c| c.limits.votes_per_ip = 2).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(
            app.comment_as(&app.other_reader(), "A", &format!("Vote target {i}."), None).await.to_string(),
        );
    }
    for (i, id) in ids.iter().enumerate() {
        let res = app
            .other_reader()
            .post_js("/api/vote", &[("comment", id), ("direction", "up"), ("back", ARTICLE)])
            .await;
        assert_eq!(res.status, if i < 2 { 200 } else { 429 }, "vote {i}: {}", res.body);
    }
    // BYLINE_SUBSCRIBE_PER_IP_PER_HOUR
    let app = spawn_with(|c| c.limits.subscribe_per_ip = 2).await;
    for i in 0..3 {
        let email = format!("s{i}@example.com");
        let res = app
            .other_reader()
            .post_js(
                "/api/set_subscription",
                &[("article", SLUG), ("kind", "follow_ups"), ("email", &email), ("action", "subscribe")],
            )
            .await;
        assert_eq!(res.status, if i < 2 { 200 } else { 429 }, "subscription {i}: {}", res.body);
    }
}

/// "`BYLINE_DUPLICATE_WINDOW_SECONDS` | `600`": the same text by the same author is refused
/// within the window and accepted after it.
#[tokio::test]
async fn the_same_text_is_a_duplicate_only_within_the_window() {
    let app = spawn().await;
    let me = app.me();
    app.comment_as(&me, "Ada", "Said twice.", None).await;
    let k = key();
    assert_eq!(me.post_js("/api/post_comment", &comment("Ada", "", "Said twice.", &k)).await.status, 409);
    app.clock.advance(601);
    let k = key();
    let later = me.post_js("/api/post_comment", &comment("Ada", "", "Said twice.", &k)).await;
    assert_eq!(later.status, 200, "{}", later.body);
}

async fn subscribe(s: &Session<'_>, email: &str) -> Reply {
    s.post_js(
        "/api/set_subscription",
        &[("article", SLUG), ("kind", "follow_ups"), ("email", email), ("action", "subscribe")],
    )
    .await
}

/// "tokens … single use, 7 days": on day 8 the link shows it expired and confirms nothing.
#[tokio::test]
async fn a_mail_link_expires_after_seven_days() {
    let sink = Sink::start().await;
    let url = sink.url();
    let app = spawn_with(move |c| c.mail.smtp_url = Some(url)).await;
    let me = app.me();
    assert_eq!(subscribe(&me, "late@example.com").await.status, 200);
    let mail = sink.wait_for("late@example.com", "Confirm", 1).await.pop().unwrap();
    let link = mail.link("/subscriptions/confirm?token=").replace(&app.base, "");
    app.clock.advance(7 * 24 * 3600 + 1);
    assert!(me.get(&link).await.body.contains("This link has expired"));
    let pressed = me.post_plain(&link, &[]).await;
    assert_eq!(pressed.status, 303);
    assert!(me.get(pressed.location.as_deref().unwrap()).await.body.contains("This link has expired"));
    let confirmed: i64 =
        db::query_scalar("SELECT confirmed FROM subscriptions").fetch_one(&app.pool).await.unwrap();
    assert_eq!(confirmed, 0);
}

/// "at most one confirmation mail per address per 10 minutes"
#[tokio::test]
async fn a_confirmation_mail_is_sent_again_only_after_ten_minutes() {
    let sink = Sink::start().await;
    let url = sink.url();
    let app = spawn_with(move |c| c.mail.smtp_url = Some(url)).await;
    let me = app.me();
    assert_eq!(subscribe(&me, "again@example.com").await.status, 200);
    sink.wait_for("again@example.com", "Confirm", 1).await;
    app.clock.advance(9 * 60);
    assert_eq!(subscribe(&me, "again@example.com").await.status, 200);
    app.outbox_settled().await;
    assert_eq!(sink.to("again@example.com", "Confirm").len(), 1, "not again within 10 minutes");
    app.clock.advance(61);
    assert_eq!(subscribe(&me, "again@example.com").await.status, 200);
    sink.wait_for("again@example.com", "Confirm", 2).await;
    app.outbox_settled().await;
    assert_eq!(sink.to("again@example.com", "Confirm").len(), 2);
}

/// "Links from mails open a page; only its button acts": mail scanners that fetch every link
/// change nothing.
#[tokio::test]
async fn opening_a_mail_link_changes_nothing() {
    let sink = Sink::start().await;
    let url = sink.url();
    let app = spawn_with(move |c| c.mail.smtp_url = Some(url)).await;
    let me = app.reader("scan@example.com");
    assert_eq!(subscribe(&me, "scan@example.com").await.status, 200);
    let mail = sink.wait_for("scan@example.com", "Confirm", 1).await.pop().unwrap();
    let snapshot = || async {
        let subs: Vec<(i64, bool)> = db::query_as("SELECT id, confirmed FROM subscriptions ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
        let tokens: Vec<(String, Option<i64>)> =
            db::query_as("SELECT hash, used_at FROM mail_tokens ORDER BY hash")
                .fetch_all(&app.pool)
                .await
                .unwrap();
        (subs, tokens)
    };
    let before = snapshot().await;
    for needle in ["/subscriptions/confirm?token=", "/subscriptions/cancel?token="] {
        let link = mail.link(needle).replace(&app.base, "");
        let page = reqwest::get(app.url(&link)).await.unwrap();
        assert_eq!(page.status(), 200, "{link}");
    }
    assert_eq!(snapshot().await, before, "a GET confirmed or cancelled something");
}

/// "`unlisted: true` to keep it off the front page and sitemap": still readable at its URL.
#[tokio::test]
async fn an_unlisted_article_is_readable_but_not_listed() {
    let extra = tempfile::tempdir().unwrap();
    std::fs::write(
        extra.path().join("hidden.md"),
        "---\ntitle: A quiet correction\nslug: a-quiet-correction\nsection: World\nstandfirst: Not for the front page.\ndate: 2024-05-01\nunlisted: true\n---\nThe body of a quiet correction.\n",
    )
    .unwrap();
    let dir = extra.path().to_path_buf();
    let app = spawn_with(move |c| c.content_dirs.push(dir)).await;
    let article = app.get("/articles/a-quiet-correction").await;
    assert_eq!(article.status, 200);
    assert!(article.body.contains("The body of a quiet correction."));
    for listing in ["/", "/section/world", "/sitemap.xml"] {
        let page = app.get(listing).await;
        assert_eq!(page.status, 200, "{listing}");
        assert!(page.body.contains(SLUG), "{listing} lists the seed article");
        assert!(!page.body.contains("a-quiet-correction"), "{listing} lists the unlisted article");
    }
}

/// "request bodies over 64 KiB refused (413)" and a real 404 page, with JavaScript off: a page
/// a reader can read, not a bare status.
#[tokio::test]
async fn with_javascript_off_refusals_are_pages() {
    let app = spawn().await;
    let k = key();
    let huge = "word ".repeat(14 * 1024);
    let res = app.post_plain("/api/post_comment", &comment("Ada", "", &huge, &k)).await;
    assert_eq!(res.status, 413);
    assert!(res.headers["content-type"].to_str().unwrap().starts_with("text/html"), "{:?}", res.headers);
    assert!(res.body.contains("<h1") && res.body.to_lowercase().contains("too long"), "{}", res.body);
    assert_eq!(app.comment_count().await, 0);
    let missing = app.get("/articles/no-such-story").await;
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("We couldn&#39;t find that page")
            || missing.body.contains("We couldn't find that page")
    );
}
