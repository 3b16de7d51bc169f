//! Every write surface, walked as a table: server functions, plain form posts and mail links.
//! For each: a foreign Origin, `Origin: null` and `Sec-Fetch-Site: cross-site` are refused
//! with 403 and change nothing; the same request twenty times stays one write; another
//! reader's (or a forged) identity cannot act on someone's comment; oversize fields and hostile
//! Unicode are refused or stored and shown escaped — never a 500. (The desk's writes, which
//! need a staff session and role, are walked in `desk/signin.rs`. The one-click unsubscribe and
//! cancel links take any origin by design, RFC 8058: their secret token is the authority.)
use crate::common::smtp::Sink;
use crate::common::*;

/// Whether anything was written to the database since the last call: SQLite's `data_version`
/// changes when another connection (the server's) commits. On PostgreSQL, a digest of every
/// row of every table but the change feed and the rate counters (written after a request by a
/// background writer, and by design for refused requests too).
struct Watch(db::Tx, i64);

impl Watch {
    async fn new(app: &TestApp) -> Watch {
        let pool = db::connect(&app.db_url, std::time::Duration::from_secs(10)).await.unwrap();
        let mut conn = pool.acquire().await.unwrap();
        let v = Watch::version(&mut conn).await;
        Watch(conn, v)
    }
    async fn version(conn: &mut db::Conn) -> i64 {
        if conn.backend() == db::Backend::Sqlite {
            return db::query_scalar("PRAGMA data_version").fetch_one(conn).await.unwrap();
        }
        let tables: Vec<String> = db::query_scalar(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()
               AND table_name NOT IN ('_sqlx_migrations', 'changes', 'rate_windows') ORDER BY 1",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        let mut digest = String::new();
        for t in tables {
            let d: Option<String> = db::query_scalar(db::AssertSqlSafe(format!(
                "SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM {t} x"
            )))
            .fetch_one(&mut *conn)
            .await
            .unwrap();
            digest.push_str(&d.unwrap_or_default());
        }
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        digest.hash(&mut h);
        h.finish() as i64
    }
    /// Answers whether the database changed, and starts watching afresh.
    async fn changed(&mut self) -> bool {
        let v = Watch::version(&mut self.0).await;
        let changed = v != self.1;
        self.1 = v;
        changed
    }
}

struct Surface {
    path: String,
    form: Vec<(String, String)>,
    /// The text fields a reader types (hostile input goes there).
    text: &'static [&'static str],
}

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

async fn post(
    app: &TestApp,
    cookie: &str,
    path: &str,
    form: &[(String, String)],
    headers: &[(&str, &str)],
) -> Reply {
    let mut req =
        app.http.post(app.url(path)).header("accept", "application/json").header("cookie", cookie).form(form);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let location = headers.get("location").and_then(|v| v.to_str().ok()).map(String::from);
    Reply { status, location, body: res.text().await.unwrap(), headers }
}

#[tokio::test]
async fn every_write_surface_refuses_other_sites_repeats_and_hostile_text_without_a_500() {
    let sink = Sink::start().await;
    let url = sink.url();
    let app = spawn_with(move |c| {
        c.mail.smtp_url = Some(url);
        c.limits.subscribe_per_email = 1000;
        c.limits.subscribe_per_ip = 1000;
        c.limits.contact_per_ip = 1000;
        c.limits.reports_per_ip = 1000;
    })
    .await;
    let author = app.reader("author");
    let own = app.comment_as(&author, "Author", "The author's own comment.", None).await.to_string();
    let theirs = app
        .comment_as(&app.reader("voter-target"), "Other", "Someone else's comment.", None)
        .await
        .to_string();
    // a confirmed subscriber, for the mail links
    let res = author
        .post_js(
            "/api/set_subscription",
            &[("article", SLUG), ("kind", "follow_ups"), ("email", "a@example.com"), ("action", "subscribe")],
        )
        .await;
    assert_eq!(res.status, 200);
    let mail = sink.wait_for("a@example.com", "Confirm", 1).await.pop().unwrap();
    let confirm = mail.link("/subscriptions/confirm?token=").replace(&app.base, "");
    let pid: i64 = db::query_scalar("SELECT id FROM passages LIMIT 1").fetch_one(&app.pool).await.unwrap();
    let pid = pid.to_string();

    // `k` is the submission key of the comment form, `fk` the feedback form's (a submission of
    // its own)
    let surfaces = |k: &str, fk: &str| -> Vec<Surface> {
        vec![
            Surface {
                path: "/api/post_comment".into(),
                form: form(&[
                    ("article", SLUG),
                    ("name", "Ada"),
                    ("email", ""),
                    ("body", "A table comment."),
                    ("key", k),
                ]),
                text: &["name", "body"],
            },
            Surface {
                path: "/api/post_feedback".into(),
                form: form(&[
                    ("article", SLUG),
                    ("passage", &pid),
                    ("name", "Ada"),
                    ("email", ""),
                    ("body", "Table feedback."),
                    ("key", fk),
                ]),
                text: &["name", "body"],
            },
            Surface {
                path: "/api/vote".into(),
                form: form(&[("comment", &theirs), ("direction", "up"), ("back", ARTICLE)]),
                text: &[],
            },
            Surface {
                path: "/api/edit_comment".into(),
                form: form(&[("comment", &own), ("body", "Edited in the table."), ("back", ARTICLE)]),
                text: &["body"],
            },
            Surface { path: "/api/preview".into(), form: form(&[("body", "A preview.")]), text: &["body"] },
            Surface {
                path: "/api/contact".into(),
                form: form(&[
                    ("name", "Ada"),
                    ("email", "ada@example.com"),
                    ("subject", "A tip"),
                    ("message", "Table message."),
                    ("key", &key_for("contact", 60)),
                ]),
                text: &["name", "subject", "message"],
            },
            Surface {
                path: "/api/set_subscription".into(),
                form: form(&[
                    ("article", SLUG),
                    ("kind", "my_replies"),
                    ("email", "b@example.com"),
                    ("action", "subscribe"),
                ]),
                text: &["email"],
            },
            Surface {
                path: "/api/manage_subscriptions".into(),
                form: form(&[("email", "a@example.com")]),
                text: &["email"],
            },
            Surface {
                path: "/api/delete_comment".into(),
                form: form(&[("comment", &own), ("back", ARTICLE)]),
                text: &[],
            },
            Surface { path: confirm.clone(), form: vec![], text: &[] },
            Surface {
                path: "/api/report_comment".into(),
                form: form(&[
                    ("comment", &theirs),
                    ("reason", "spam"),
                    ("note", "A table report."),
                    ("back", ARTICLE),
                ]),
                text: &["note"],
            },
            Surface {
                path: "/api/request_reader_data".into(),
                form: form(&[("email", "a@example.com"), ("action", "export")]),
                text: &["email"],
            },
        ]
    };

    // 1. another site cannot write, with the author's own cookie riding along
    app.outbox_settled().await;
    let mut watch = Watch::new(&app).await;
    for s in surfaces(&key(), &key()) {
        for headers in [
            vec![("origin", "https://evil.example")],
            vec![("origin", "null")],
            vec![("origin", app.base.as_str()), ("sec-fetch-site", "cross-site")],
            vec![("sec-fetch-site", "cross-site")],
        ] {
            let res = post(&app, &author.cookie, &s.path, &s.form, &headers).await;
            assert_eq!(res.status, 403, "{} with {headers:?}: {}", s.path, res.body);
            assert!(!watch.changed().await, "{} with {headers:?} changed the database", s.path);
        }
    }

    // 2. another reader's identity, or a forged cookie, cannot change the author's comment
    let forged = format!("{}=forged.signature", app::server::reader_cookie::COOKIE);
    let stranger = app.reader("stranger").cookie;
    for cookie in [stranger.as_str(), forged.as_str()] {
        for s in surfaces(&key(), &key())
            .into_iter()
            .filter(|s| s.path.contains("_comment") && !s.path.contains("post") && !s.path.contains("report"))
        {
            let res = post(&app, cookie, &s.path, &s.form, &[("origin", &app.base)]).await;
            assert_eq!(res.status, 403, "{} as {cookie}: {}", s.path, res.body);
        }
    }
    let body: String = db::query_scalar("SELECT body FROM comments WHERE id = $1")
        .bind(own.parse::<i64>().unwrap())
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(body, "The author's own comment.");

    // 3. the same request twenty times: one write (or an idempotent answer), never a 5xx
    let (k, fk) = (key(), key());
    for s in surfaces(&k, &fk).into_iter().filter(|s| !s.path.contains("delete")) {
        let mut statuses = Vec::new();
        for _ in 0..20 {
            statuses
                .push(post(&app, &author.cookie, &s.path, &s.form, &[("origin", &app.base)]).await.status);
        }
        // each repeat answers as the first did (the same comment, message, subscription…); a
        // report is one per reader, so the repeats are told it was made already
        let expected: Vec<u16> = match s.path.as_str() {
            p if p.starts_with("/subscriptions/confirm") => vec![303; 20],
            "/api/report_comment" => std::iter::once(200).chain(std::iter::repeat_n(409, 19)).collect(),
            _ => vec![200; 20],
        };
        assert_eq!(statuses, expected, "{}", s.path);
    }
    let pool = &app.pool;
    let count =
        |sql: &'static str| async move { db::query_scalar::<i64>(sql).fetch_one(pool).await.unwrap() };
    assert_eq!(count("SELECT COUNT(*) FROM comments WHERE body = 'A table comment.'").await, 1);
    assert_eq!(count("SELECT COUNT(*) FROM comments WHERE body = 'Table feedback.'").await, 1);
    assert_eq!(count("SELECT COUNT(*) FROM contact_messages WHERE message = 'Table message.'").await, 1);
    assert_eq!(count("SELECT COUNT(*) FROM subscriptions WHERE email = 'b@example.com'").await, 1);
    assert_eq!(count("SELECT COUNT(*) FROM reports").await, 1, "one report per reader");
    let votes = count("SELECT COUNT(*) FROM comment_votes").await;
    assert_eq!(votes, 0, "twenty votes are ten votes taken back");
    app.outbox_settled().await;
    // asked before the address confirmed anything (the confirm link comes later in the table):
    // no mail at all, however often
    assert_eq!(sink.to("a@example.com", "Your Byline subscriptions").len(), 0);
    // asked twenty times once confirmed: one mail
    for _ in 0..20 {
        let res = post(
            &app,
            &author.cookie,
            "/api/manage_subscriptions",
            &form(&[("email", "a@example.com")]),
            &[("origin", &app.base)],
        )
        .await;
        assert_eq!(res.status, 200);
    }
    app.outbox_settled().await;
    assert_eq!(sink.to("a@example.com", "Your Byline subscriptions").len(), 1, "twenty requests, one mail");

    // 4. oversize fields and hostile Unicode: refused, or stored and shown escaped
    let emoji = "🏳️‍🌈".repeat(100 * 1024 / "🏳️‍🌈".len());
    let hostile = [
        "NUL\u{0}in the middle <script>alert(1)</script>".to_string(),
        "\u{202E}reversed txet \u{200B}\u{200D}\u{FEFF} zero-width".to_string(),
        format!("e{}", "\u{0301}".repeat(2000)),
        emoji,
        "x".repeat(70 * 1024),
    ];
    // what each answers, by the text: too large for a form (413); a line (name, subject, note)
    // with a control character or past its length, or an address that is not one (400);
    // otherwise taken, and shown escaped (200)
    let expected = |field: &str, n: usize| -> u16 {
        let line = matches!(field, "name" | "subject" | "note");
        match n {
            3 | 4 => 413,
            _ if field == "email" => 400,
            0 | 2 if line => 400,
            _ => 200,
        }
    };
    for (n, text) in hostile.iter().enumerate() {
        for s in surfaces(&key(), &key()) {
            for field in s.text {
                // every other text field a fresh, ordinary value (so no answer is about a
                // duplicate), the one tried hostile
                let mut f = s.form.clone();
                for (k, v) in f.iter_mut() {
                    if k == field {
                        *v = format!("{text} {n} {}", s.path);
                    } else if s.text.contains(&k.as_str()) && k != "email" {
                        *v = format!("Ordinary {k} {n} {field} {}", s.path);
                    }
                }
                // as the author, so the edit of their own comment is tried, not refused; a report
                // as a reader of its own (one report per reader and comment)
                let reporter = app.reader(&format!("reporter {n} {field}")).cookie;
                let cookie = if s.path.contains("report") { &reporter } else { &author.cookie };
                let res = post(&app, cookie, &s.path, &f, &[("origin", &app.base)]).await;
                assert_eq!(
                    res.status,
                    expected(field, n),
                    "{} {field} with hostile text {n}: {}",
                    s.path,
                    res.body.chars().take(200).collect::<String>()
                );
            }
        }
    }
    let page = app.get(ARTICLE).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("<script>alert(1)"), "hostile markup is shown escaped");
    assert!(!page.body.contains('\u{0}'), "no NUL reaches the page");
}
