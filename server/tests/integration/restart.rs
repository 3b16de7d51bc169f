//! The real server binary killed with SIGKILL after a comment was stored and before its mail
//! went out: after a restart the mail is sent, once.
use crate::common::smtp::{Behaviour, Sink};
use crate::common::*;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start_server(dir: &std::path::Path, port: u16, smtp: &str) -> Child {
    start_server_with(dir, port, smtp, &[]).await
}

async fn start_server_with(dir: &std::path::Path, port: u16, smtp: &str, env: &[(&str, String)]) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATABASE_URL", format!("sqlite:{}", dir.join("byline.db").display()))
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", dir.display().to_string())
        .env("CONTENT_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/../content"))
        .env("BYLINE_SECRET", "test-secret")
        .env("BYLINE_MIN_FORM_SECONDS", "0")
        .env("SMTP_URL", smtp)
        .env("BYLINE_MAIL_POLL_MS", "200")
        .env("BYLINE_MAIL_RETRY_MS", "200")
        .env("BYLINE_MAIL_LEASE_MS", "3000")
        .env("RUST_LOG", "warn")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server binary");
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if http.get(format!("http://127.0.0.1:{port}/healthz")).send().await.is_ok_and(|r| r.status() == 200)
        {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not start");
}

#[tokio::test]
async fn a_mail_pending_when_the_server_is_killed_is_sent_once_after_restart() {
    let mut sink = Sink::start().await;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut first = start_server(dir.path(), port, &sink.url()).await;
    let base = format!("http://127.0.0.1:{port}");
    let db_url = format!("sqlite:{}", dir.path().join("byline.db").display());
    let app = attach(base.clone(), db_url, tempfile::tempdir().unwrap()).await;

    // a confirmed subscriber
    let s = app.other_reader();
    let res = s
        .post_js(
            "/api/set_subscription",
            &[("article", SLUG), ("kind", "follow_ups"), ("email", "k@example.com"), ("action", "subscribe")],
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let mail = sink.wait_for("k@example.com", "Confirm", 1).await.pop().unwrap();
    let confirm = mail.link("/subscriptions/confirm?token=").replace(&base, "");
    assert_eq!(app.other_reader().post_plain(&confirm, &[]).await.status, 303);

    // SMTP is down: the comment is stored, its mail cannot leave; then the process dies hard
    sink.stop();
    let id = app.comment_as(&app.other_reader(), "Kim", "Stored, then the server was killed.", None).await;
    let queued: i64 =
        db::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'notify' AND status = 'pending'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(queued, 1, "the notification is in the outbox with the comment");
    first.kill().expect("SIGKILL");
    first.wait().unwrap();

    sink.restart().await;
    let mut second = start_server(dir.path(), port, &sink.url()).await;
    let got = sink.wait_for("k@example.com", "New ", 1).await;
    assert!(got[0].link("#comment-").ends_with(&format!("#comment-{id}")));
    app.outbox_settled().await;
    assert_eq!(sink.to("k@example.com", "New ").len(), 1, "sent once");
    second.kill().unwrap();
    second.wait().unwrap();
}

/// The worst moment: the SMTP server has the mail, the server is killed before it hears "250"
/// and records the row as sent. After a restart the mail goes out once more, never more, with
/// the same Message-ID, so a receiver can drop the copy.
#[tokio::test]
async fn killed_after_smtp_took_the_mail_but_before_it_was_recorded_it_is_sent_at_most_once_more() {
    let sink = Sink::start().await;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let clock = dir.path().join("clock");
    let env = [("BYLINE_CLOCK_FILE", clock.display().to_string())];
    let mut first = start_server_with(dir.path(), port, &sink.url(), &env).await;
    let base = format!("http://127.0.0.1:{port}");
    let db_url = format!("sqlite:{}", dir.path().join("byline.db").display());
    let app = attach(base.clone(), db_url, tempfile::tempdir().unwrap()).await;
    let s = app.reader("k2@example.com");
    let res = s
        .post_js(
            "/api/set_subscription",
            &[
                ("article", SLUG),
                ("kind", "follow_ups"),
                ("email", "k2@example.com"),
                ("action", "subscribe"),
            ],
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let mail = sink.wait_for("k2@example.com", "Confirm", 1).await.pop().unwrap();
    let confirm = mail.link("/subscriptions/confirm?token=").replace(&base, "");
    assert_eq!(s.post_plain(&confirm, &[]).await.status, 303);

    sink.behave(Behaviour::KeepAndHang);
    let id = app.comment_as(&app.other_reader(), "Kim", "Taken by SMTP, then the server died.", None).await;
    let first_copy = sink.wait_for("k2@example.com", "New ", 1).await.pop().unwrap();
    let leased: (String, Option<String>) =
        db::query_as("SELECT status, lease_owner FROM outbox WHERE kind = 'notify' AND comment_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(leased.0 == "pending" && leased.1.is_some(), "leased, not recorded as sent: {leased:?}");
    first.kill().expect("SIGKILL");
    first.wait().unwrap();

    // the dead worker's lease runs out (the clock moves past it rather than the test waiting)
    std::fs::write(&clock, "3600").unwrap();
    sink.behave(Behaviour::Accept);
    let mut second = start_server_with(dir.path(), port, &sink.url(), &env).await;
    app.outbox_settled().await;
    let copies = sink.to("k2@example.com", "New ");
    assert_eq!(copies.len(), 2, "sent once more, not again and again");
    assert!(copies.iter().all(|m| m.link("#comment-").ends_with(&format!("#comment-{id}"))));
    let ids: Vec<_> = copies.iter().map(|m| m.header("Message-ID")).collect();
    assert!(ids[0].is_some() && ids[0] == first_copy.header("Message-ID") && ids[0] == ids[1], "{ids:?}");
    second.kill().unwrap();
    second.wait().unwrap();
}

#[tokio::test]
async fn sigterm_ends_open_live_streams_and_the_server_stops() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = start_server(dir.path(), port, "smtp://127.0.0.1:9").await;
    let stream = reqwest::get(format!("http://127.0.0.1:{port}{ARTICLE}/events")).await.unwrap();
    assert_eq!(stream.status(), 200, "a live stream is open");
    let killed = Command::new("kill").arg("-TERM").arg(server.id().to_string()).status().unwrap();
    assert!(killed.success());
    // the stream ends (it would otherwise stay open for as long as the reader keeps the page)
    let rest = tokio::time::timeout(Duration::from_secs(20), stream.bytes()).await;
    assert!(rest.is_ok(), "the live stream was not ended by the shutdown");
    let mut exited = None;
    for _ in 0..200 {
        if let Some(status) = server.try_wait().unwrap() {
            exited = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if exited.is_none() {
        let _ = server.kill();
    }
    assert!(exited.is_some_and(|s| s.success()), "the server did not stop: {exited:?}");
}
