//! Three release server processes on one PostgreSQL behind Debian's nginx (round robin), as a
//! newsroom runs them (README "Several servers"). Run in the PostgreSQL pass of the suite.
use crate::common::smtp::Sink;
use crate::common::*;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

mod restart;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A process ended when the test ends, however it ends.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// nginx, stopped as nginx stops: SIGTERM to its master, which ends its workers (a master
/// killed outright leaves them running, holding their ports).
struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let pid = self.0.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        for _ in 0..50 {
            if matches!(self.0.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn healthy(base: &str) -> bool {
    let http = reqwest::Client::new();
    for _ in 0..300 {
        if http.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status() == 200) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// One app server process on `db`, listening on `port`.
fn server(db: &str, port: u16, dir: &std::path::Path, smtp: &str, env: &[(&str, &str)]) -> Process {
    let child = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATABASE_URL", db)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", dir.display().to_string())
        .env("CONTENT_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/../content"))
        .env("BYLINE_SECRET", "test-secret")
        .env("TRUST_PROXY", "1")
        .env("BYLINE_MIN_FORM_SECONDS", "0")
        .env("SMTP_URL", smtp)
        .env("CONTACT_TO", "desk@news.example")
        .env("BYLINE_CONTACT_PER_IP_PER_HOUR", "100000")
        .env("BYLINE_MAIL_POLL_MS", "100")
        .env("BYLINE_MAIL_RETRY_MS", "200")
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the server binary");
    Process(child)
}

/// Debian's nginx on `port`, round robin over `ports`, as the site `http://127.0.0.1:{port}`;
/// and one entry per server (`pinned`), passing requests to that server alone as if they came
/// through the site's address (its Host and Origin), so a test can choose the server. Its files
/// in `dir`.
async fn nginx(dir: &std::path::Path, port: u16, ports: &[u16], pinned: &[u16]) -> Nginx {
    let upstream: String = ports.iter().map(|p| format!("server 127.0.0.1:{p} max_fails=0;")).collect();
    let d = dir.display();
    let proxied = "proxy_http_version 1.1; proxy_set_header Connection \"\";
               proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
               proxy_buffering off; proxy_read_timeout 1h;";
    let pins: String = ports
        .iter()
        .zip(pinned)
        .map(|(p, entry)| {
            format!(
                "server {{ listen 127.0.0.1:{entry}; location / {{ proxy_pass http://127.0.0.1:{p}; {proxied}
                   proxy_set_header Host 127.0.0.1:{port}; proxy_set_header Origin http://127.0.0.1:{port}; }} }}"
            )
        })
        .collect();
    let conf = format!(
        "daemon off; pid {d}/nginx.pid; error_log {d}/error.log warn; worker_processes 1;
         events {{ worker_connections 1024; }}
         http {{
           access_log off;
           client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;
           uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
           upstream byline {{ {upstream} keepalive 16; }}
           server {{
             listen 127.0.0.1:{port};
             location / {{
               proxy_pass http://byline; {proxied} proxy_set_header Host $http_host;
               proxy_next_upstream error timeout;
             }}
           }}
           {pins}
         }}"
    );
    std::fs::write(dir.join("nginx.conf"), conf).unwrap();
    // run as root, nginx's worker becomes `nobody`: its temp folders must be writable
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    let child = Command::new("nginx")
        .args(["-e", "stderr", "-p"])
        .arg(dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start Debian's nginx (scripts/test installs it)");
    let proc = Nginx(child);
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return proc;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("nginx did not start: {}", std::fs::read_to_string(dir.join("error.log")).unwrap_or_default());
}

struct Cluster {
    servers: Vec<Option<Process>>,
    apps: Vec<TestApp>,
    lb: TestApp,
    _nginx: Nginx,
    _dirs: Vec<tempfile::TempDir>,
}

async fn cluster(smtp: &str, env: &[(&str, &str)]) -> Cluster {
    let db = postgres::fresh_database().await;
    let dirs: Vec<tempfile::TempDir> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let pinned: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let site = free_port();
    let site_url = format!("http://127.0.0.1:{site}");
    let env: Vec<(&str, &str)> = env.iter().copied().chain([("SITE_URL", site_url.as_str())]).collect();
    // started together: the migrations and the seed article are applied once between them
    let servers: Vec<Option<Process>> =
        (0..3).map(|i| Some(server(&db, ports[i], dirs[i].path(), smtp, &env))).collect();
    for p in &ports {
        assert!(healthy(&format!("http://127.0.0.1:{p}")).await, "server on {p} started");
    }
    let nginx = nginx(dirs[3].path(), site, &ports, &pinned).await;
    let mut apps = Vec::new();
    for p in &pinned {
        apps.push(attach(format!("http://127.0.0.1:{p}"), db.clone(), tempfile::tempdir().unwrap()).await);
    }
    let lb = attach(site_url, db.clone(), tempfile::tempdir().unwrap()).await;
    Cluster { servers, apps, lb, _nginx: nginx, _dirs: dirs }
}

/// A browser without any cookie, served from the page cache.
fn nobody(app: &TestApp) -> Session<'_> {
    Session { app, cookie: String::new() }
}

#[tokio::test]
async fn three_servers_behind_nginx_share_streams_kept_pages_limits_and_mail() {
    if !on_postgres() {
        return; // the PostgreSQL pass runs it
    }
    let sink = Sink::start().await;
    let c = cluster(&sink.url(), &[("BYLINE_COMMENTS_PER_IP_PER_MINUTE", "6")]).await;
    let (a, b, third) = (&c.apps[0], &c.apps[1], &c.apps[2]);

    // a stream held by B, a page kept by the third server
    let mut stream = b.http.get(b.url(&format!("{ARTICLE}/events"))).send().await.unwrap();
    assert_eq!(stream.status(), 200);
    nobody(third).get(ARTICLE).await;
    assert_eq!(nobody(third).get(ARTICLE).await.headers["x-byline-cache"], "hit");

    // posted on A: B's stream announces it, the third's next view shows it
    let started = std::time::Instant::now();
    let posted = a.comment_as(&a.other_reader(), "Posted on A", "Seen by every server.", None).await;
    let mut seen = String::new();
    while !seen.contains(&format!("id: {posted}\n")) {
        let chunk = tokio::time::timeout(Duration::from_secs(5), stream.chunk())
            .await
            .expect("the comment posted on A is announced on B's stream")
            .unwrap()
            .expect("the stream stays open");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    eprintln!("posted on A, announced on B after {:?}", started.elapsed());
    // the third server hears of it through the same feed, on its own time (a few milliseconds):
    // its next views after that show the comment, its kept page dropped
    let mut shown = None;
    for _ in 0..100 {
        if nobody(third).get(ARTICLE).await.body.contains("Seen by every server.") {
            shown = Some(started.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let shown = shown.expect("the third server's kept page is dropped within a second");
    eprintln!("posted on A, shown by the third server's page cache after {shown:?}");

    // one address, whichever server nginx hands it to: 6 comments a minute, the 7th refused
    // (the comment posted on A above was the first)
    let me = c.lb.other_reader();
    for n in 2..=6 {
        let res = me
            .comment_form(None)
            .await
            .set("name", "Ada")
            .set("body", &format!("comment {n}"))
            .post_plain(&me)
            .await;
        assert_eq!(res.status, 303, "comment {n} through nginx: {}", res.body);
    }
    let res = me.comment_form(None).await.set("name", "Ada").set("body", "comment 7").post_plain(&me).await;
    assert_eq!(res.status, 429, "the 7th in a minute from one address: {}", res.body);

    // three mail workers: each Contact Us message mailed to the desk once
    for n in 0..12 {
        let form = c.lb.me().form("/contact", "form.contact-form").await;
        let res = form
            .set("name", "Reader")
            .set("email", "reader@example.com")
            .set("subject", &format!("Message {n}"))
            .set("message", "For the desk.")
            .post_plain(&c.lb.me())
            .await;
        assert_eq!(res.status, 303, "{}", res.body);
    }
    sink.wait_for("desk@news.example", "Contact Us: Message", 12).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    // a second worker's copy would arrive within its poll: wait longer than that, then count
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mails = sink.to("desk@news.example", "Contact Us: Message");
    assert_eq!(mails.len(), 12, "each message mailed once by three workers");
    let subjects: std::collections::HashSet<String> =
        mails.iter().filter_map(|m| m.header("Subject")).collect();
    assert_eq!(subjects.len(), 12, "twelve different messages");
    drop(c.servers);
}

#[tokio::test]
async fn a_server_killed_while_twenty_readers_post_through_nginx_loses_no_acknowledged_comment() {
    if !on_postgres() {
        return; // the PostgreSQL pass runs it
    }
    let sink = Sink::start().await;
    let mut c = cluster(&sink.url(), &[("BYLINE_COMMENTS_PER_IP_PER_MINUTE", "100000")]).await;
    let lb = c.lb.base.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let ready = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut posters = Vec::new();
    for p in 0..20 {
        let (lb, stop, ready) = (lb.clone(), stop.clone(), ready.clone());
        let db = c.lb.db_url.clone();
        posters.push(tokio::spawn(async move {
            let app = attach(lb, db, tempfile::tempdir().unwrap()).await;
            let me = app.other_reader();
            // the form as the page renders it, once; each post a key of its own (as the page's
            // script makes one per submission: the key's counter)
            let form = me.comment_form(None).await;
            let nonce = form.value("key").rsplit_once('-').map(|(n, _)| n.to_string()).unwrap();
            ready.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut acknowledged = Vec::new();
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let body = format!("poster {p} comment {n}");
                let post =
                    form.clone().set("name", "Poster").set("body", &body).set("key", &format!("{nonce}-{n}"));
                let res = post.post_js(&me).await;
                if res.status == 200 {
                    acknowledged.push(body);
                }
            }
            acknowledged
        }));
    }
    // every poster has its form (a slow machine's first page must not land on the dying server)
    wait_until("the twenty posters have their forms", || {
        let ready = ready.clone();
        async move { ready.load(std::sync::atomic::Ordering::SeqCst) == 20 }
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    // SIGKILL: no goodbye, requests under way cut
    if let Some(mut killed) = c.servers[1].take() {
        killed.0.kill().unwrap();
        let _ = killed.0.wait();
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut acknowledged = Vec::new();
    for p in posters {
        acknowledged.extend(p.await.unwrap());
    }
    assert!(
        acknowledged.len() > 40,
        "the posters went on through the two servers left: {}",
        acknowledged.len()
    );
    let stored: Vec<String> =
        db::query_scalar("SELECT body FROM comments").fetch_all(&c.lb.pool).await.unwrap();
    let stored: std::collections::HashSet<String> = stored.into_iter().collect();
    let lost: Vec<&String> = acknowledged.iter().filter(|b| !stored.contains(*b)).collect();
    assert!(lost.is_empty(), "{} acknowledged comments are not stored: {lost:?}", lost.len());
    let _ = &c.apps;
}
