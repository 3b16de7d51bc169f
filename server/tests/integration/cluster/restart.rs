//! PostgreSQL restarted under a live stream and posters: a private PostgreSQL of the test's
//! own (`scripts/postgres`), restarted with Debian's `pg_ctl`.
use super::*;

/// A PostgreSQL of this test's own (the shared one must not restart under the other tests),
/// and the command that restarts it.
fn own_postgres() -> (String, Command) {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/postgres");
    let out =
        Command::new(script).arg(std::process::id().to_string()).stderr(Stdio::inherit()).output().unwrap();
    assert!(out.status.success(), "scripts/postgres started PostgreSQL");
    let url = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let folder = url.rsplit("host=").next().unwrap().to_string();
    let pg_ctl = std::fs::read_dir("/usr/lib/postgresql")
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path().join("bin/pg_ctl")))
        .find(|p| p.exists())
        .expect("Debian's pg_ctl");
    let mut restart = if nix_is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(pg_ctl);
        c
    } else {
        Command::new(pg_ctl)
    };
    restart
        .args([
            "-D",
            &format!("{folder}/data"),
            "-l",
            &format!("{folder}/server.log"),
            "-w",
            "-m",
            "fast",
            "restart",
        ])
        .stdout(Stdio::null());
    (url, restart)
}

fn nix_is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[tokio::test]
async fn postgresql_restarted_under_posters_and_a_stream_loses_nothing_acknowledged() {
    if !on_postgres() {
        return; // the PostgreSQL pass runs it
    }
    let (db, mut restart) = tokio::task::spawn_blocking(own_postgres).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let sink = Sink::start().await;
    let _server =
        server(&db, port, dir.path(), &sink.url(), &[("BYLINE_COMMENTS_PER_IP_PER_MINUTE", "100000")]);
    let base = format!("http://127.0.0.1:{port}");
    assert!(healthy(&base).await);
    let app = attach(base, db.clone(), tempfile::tempdir().unwrap()).await;
    let mut stream = app.http.get(app.url(&format!("{ARTICLE}/events"))).send().await.unwrap();
    assert_eq!(stream.status(), 200);

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut posters = Vec::new();
    for p in 0..5 {
        let (base, db, stop) = (app.base.clone(), db.clone(), stop.clone());
        posters.push(tokio::spawn(async move {
            let app = attach(base, db, tempfile::tempdir().unwrap()).await;
            let me = app.other_reader();
            let form = me.comment_form(None).await;
            let nonce = form.value("key").rsplit_once('-').map(|(n, _)| n.to_string()).unwrap();
            let (mut acknowledged, mut refused, mut n) = (Vec::new(), 0, 0);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let body = format!("restart poster {p} comment {n}");
                let post =
                    form.clone().set("name", "Poster").set("body", &body).set("key", &format!("{nonce}-{n}"));
                match post.post_js(&me).await.status {
                    200 => acknowledged.push(body),
                    _ => refused += 1,
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            (acknowledged, refused)
        }));
    }
    // and a reader writing to the desk meanwhile: each message is mailed by the worker, whose
    // outbox claims and "sent" marks meet the restart too
    let desk_mail = {
        let (base, db, stop) = (app.base.clone(), db.clone(), stop.clone());
        tokio::spawn(async move {
            let app = attach(base, db, tempfile::tempdir().unwrap()).await;
            let form = app.me().form("/contact", "form.contact-form").await;
            let nonce = form.value("key").rsplit_once('-').map(|(n, _)| n.to_string()).unwrap();
            let (mut acknowledged, mut n) = (Vec::new(), 0);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let subject = format!("Restart letter {n}");
                let res = form
                    .clone()
                    .set("key", &format!("{nonce}-{n}"))
                    .set("name", "Reader")
                    .set("email", "reader@example.com")
                    .set("subject", &subject)
                    .set("message", "Written while the database restarted.")
                    .post_plain(&app.me())
                    .await;
                if res.status == 303 {
                    acknowledged.push(format!("Contact Us: {subject}"));
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            acknowledged
        })
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    let restarted = tokio::task::spawn_blocking(move || restart.status()).await.unwrap().unwrap();
    assert!(restarted.success(), "pg_ctl restart");
    // the servers reconnect by themselves: posting works again within seconds
    let me = app.other_reader();
    let mut after = None;
    for _ in 0..100 {
        let form = me.comment_form(None).await;
        let res = form.set("name", "After").set("body", "Posted after the restart.").post_js(&me).await;
        if res.status == 200 {
            after = res.json()["id"].as_i64();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let after = after.expect("posting works again after PostgreSQL restarted");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (mut acknowledged, mut refused) = (Vec::new(), 0);
    for p in posters {
        let (a, r) = p.await.unwrap();
        acknowledged.extend(a);
        refused += r;
    }
    eprintln!("{} acknowledged, {refused} refused while PostgreSQL restarted", acknowledged.len());
    let stored: Vec<String> =
        db::query_scalar("SELECT body FROM comments").fetch_all(&app.pool).await.unwrap();
    let stored: std::collections::HashSet<String> = stored.into_iter().collect();
    let lost: Vec<&String> = acknowledged.iter().filter(|b| !stored.contains(*b)).collect();
    assert!(lost.is_empty(), "acknowledged and lost: {lost:?}");
    // every acknowledged message reached the desk, none twice
    let letters = desk_mail.await.unwrap();
    assert!(!letters.is_empty(), "messages were acknowledged around the restart");
    sink.wait_for("desk@news.example", "Contact Us: Restart letter", letters.len()).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut subjects: Vec<String> = sink
        .to("desk@news.example", "Contact Us: Restart letter")
        .iter()
        .filter_map(|m| m.header("Subject"))
        .collect();
    subjects.sort();
    let mut once = subjects.clone();
    once.dedup();
    assert_eq!(subjects, once, "a message mailed twice");
    for letter in &letters {
        assert!(subjects.contains(letter), "acknowledged, never mailed: {letter}");
    }
    eprintln!("{} messages to the desk around the restart, each mailed once", letters.len());
    // the stream announces the comment posted after the restart; a stream the restart ended is
    // opened again as a browser's EventSource does, with the last id it saw, and is given what
    // it missed from the database
    let mut seen = String::new();
    let mut reopened = 0;
    while !seen.contains(&format!("id: {after}\n")) {
        let chunk = tokio::time::timeout(Duration::from_secs(10), stream.chunk())
            .await
            .expect("the stream announces what came after the restart");
        match chunk {
            Ok(Some(chunk)) => seen.push_str(&String::from_utf8_lossy(&chunk)),
            _ => {
                reopened += 1;
                assert!(reopened < 20, "the stream could not be opened again");
                let last = seen
                    .lines()
                    .filter_map(|l| l.strip_prefix("id: "))
                    .next_back()
                    .unwrap_or("0")
                    .to_string();
                tokio::time::sleep(Duration::from_millis(200)).await;
                stream = app
                    .http
                    .get(app.url(&format!("{ARTICLE}/events")))
                    .header("last-event-id", last)
                    .send()
                    .await
                    .unwrap();
            }
        }
    }
}
