//! Staff accounts: sign-in, the session cookie, throttling, roles, Origin, the command line.
use super::*;

#[tokio::test]
async fn signing_in_opens_a_strict_http_only_session_and_signing_out_ends_it() {
    let app = spawn().await;
    account(&app, "ed@news.example", "editor").await;
    let signed_out = app.get("/desk/queue?queue=spam").await;
    assert_eq!(signed_out.status, 302, "a page sends the browser to sign in");
    assert_eq!(signed_out.location.as_deref(), Some("/desk/signin?next=%2Fdesk%2Fqueue%3Fqueue%3Dspam"));
    let json = app.http.get(app.url("/desk/api/queue?queue=pending")).send().await.unwrap();
    assert_eq!(json.status().as_u16(), 401, "the data itself is refused");

    let res = sign_in(&app, "ED@news.example", PASSWORD).await;
    assert_eq!(res.status, 303);
    assert_eq!(res.location.as_deref(), Some("/desk"));
    let cookie = res.headers["set-cookie"].to_str().unwrap().to_string();
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(flag), "{flag}: {cookie}");
    }
    assert!(!cookie.contains(PASSWORD));
    let token = cookie.split(';').next().unwrap().split('=').nth(1).unwrap().to_string();
    let stored: i64 = db::query_scalar("SELECT COUNT(*) FROM staff_sessions WHERE hash = $1")
        .bind(&token)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0, "only the token's hash is stored");

    let ed = signed_in(&app, "ed@news.example", PASSWORD).await;
    let desk = ed.get("/desk").await;
    assert_eq!(desk.status, 200);
    assert!(desk.body.contains("Signed in as") && desk.body.contains("Editor"), "{}", desk.body);
    assert_eq!(desk.headers["cache-control"], "no-store", "readers' emails are never cached");

    let out = ed.form("/desk", "form.desk-signout").await.post_plain(&ed).await;
    assert_eq!(out.status, 303);
    assert!(out.headers["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(ed.get("/desk").await.status, 302, "the old cookie no longer opens the desk");
}

#[tokio::test]
async fn a_session_on_https_is_secure_only() {
    let app = spawn_with(|c| c.base_url = c.base_url.replace("http://", "https://")).await;
    account(&app, "ed@news.example", "editor").await;
    // the https site answers its own host over plain HTTP in this test: the origin is https
    let res = app
        .http
        .post(app.url("/desk/signin"))
        .header("origin", app.base.replace("http://", "https://"))
        .header("accept", "text/html")
        .form(&[("email", "ed@news.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert!(res.headers()["set-cookie"].to_str().unwrap().contains("; Secure"));
}

#[tokio::test]
async fn wrong_passwords_are_throttled_per_address_and_per_account() {
    let app = spawn_with(|c| {
        c.trust_proxy = 1;
        c.limits.login_failures_per_ip = 6;
        c.limits.login_failures_per_account = 3;
    })
    .await;
    account(&app, "a@news.example", "moderator").await;
    account(&app, "b@news.example", "moderator").await;
    let try_as = |ip: String, email: &'static str, pw: &'static str| {
        app.http
            .post(app.url("/desk/signin"))
            .header("origin", &app.base)
            .header("accept", "text/html")
            .header("x-forwarded-for", ip)
            .form(&[("email", email), ("password", pw)])
            .send()
    };
    let ip1 = || "198.51.100.1".to_string();
    // a burst in parallel is counted, not let through: 3 tries for the account from here
    let burst = futures::future::join_all((0..6).map(|_| try_as(ip1(), "a@news.example", "guess"))).await;
    let statuses: Vec<u16> = burst.into_iter().map(|r| r.unwrap().status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 3, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 3, "{statuses:?}");
    // from here the account is closed for the hour, even with the right password
    let locked = try_as(ip1(), "a@news.example", PASSWORD).await.unwrap();
    assert_eq!(locked.status().as_u16(), 429);
    assert!(locked.headers().contains_key("retry-after"));
    // someone guessing elsewhere does not lock the editor out of their own desk
    assert_eq!(
        try_as("203.0.113.9".into(), "a@news.example", PASSWORD).await.unwrap().status().as_u16(),
        303
    );
    // another account from the guessing address works while the address has tries left
    assert_eq!(try_as(ip1(), "b@news.example", PASSWORD).await.unwrap().status().as_u16(), 303);
    // one address guessing across accounts is stopped at its own limit
    for email in ["x@news.example", "y@news.example", "z@news.example"] {
        assert_eq!(try_as(ip1(), email, "guess").await.unwrap().status().as_u16(), 401);
    }
    let blocked = try_as(ip1(), "b@news.example", PASSWORD).await.unwrap();
    assert_eq!(blocked.status().as_u16(), 429, "the address made 6 failures");
    // an unknown account is refused the same way as a wrong password
    assert_eq!(
        try_as("192.0.2.7".into(), "nobody@news.example", PASSWORD).await.unwrap().status().as_u16(),
        401
    );
    // guessing spread over many networks (past 10 × 3 failures) is slowed, not a lock: a
    // network the account never signed in from waits its turn (seconds, not the hour)
    for n in 0..9 {
        for _ in 0..3 {
            let res = try_as(format!("192.0.2.{}", 100 + n), "a@news.example", "guess").await.unwrap();
            assert_eq!(res.status().as_u16(), 401);
        }
    }
    assert_eq!(try_as("192.0.2.249".into(), "a@news.example", "guess").await.unwrap().status().as_u16(), 401);
    let spaced = try_as("192.0.2.250".into(), "a@news.example", PASSWORD).await.unwrap();
    assert_eq!(spaced.status().as_u16(), 429, "the account-wide backstop");
    let wait: u64 = spaced.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // the network the editor signed in from goes on as before
    assert_eq!(
        try_as("203.0.113.9".into(), "a@news.example", PASSWORD).await.unwrap().status().as_u16(),
        303
    );
    // an absurd email is refused without a password check
    let long: &'static str = "a".repeat(10_000).leak();
    assert_eq!(try_as("192.0.2.9".into(), long, "x").await.unwrap().status().as_u16(), 401);
}

#[tokio::test]
async fn roles_decide_what_each_staff_member_sees_and_does() {
    let app = spawn().await;
    let moderator = staff(&app, "moderator").await;
    let editor = staff(&app, "editor").await;
    let admin = staff(&app, "admin").await;
    let pages = [
        ("/desk", ["moderator", "editor", "admin"].as_slice()),
        ("/desk/queue", &["moderator", "editor", "admin"]),
        ("/desk/bans", &["moderator", "editor", "admin"]),
        ("/desk/audit", &["editor", "admin"]),
        ("/desk/inbox", &["editor", "admin"]),
        ("/desk/articles", &["editor", "admin"]),
        ("/desk/settings", &["admin"]),
        ("/desk/site", &["admin"]),
    ];
    for (path, allowed) in pages {
        for (role, s) in [("moderator", &moderator), ("editor", &editor), ("admin", &admin)] {
            let res = s.get(path).await;
            let want = if allowed.contains(&role) { 200 } else { 403 };
            assert_eq!(res.status, want, "{role} on {path}");
        }
    }
    // the menu shows only what the role reaches
    let menu = moderator.get("/desk").await.body;
    assert!(!menu.contains("href=\"/desk/settings\"") && !menu.contains("href=\"/desk/inbox\""));
    assert!(admin.get("/desk").await.body.contains("href=\"/desk/settings\""));
    // writes check the role too
    let refused = moderator.post_plain("/desk/settings", &[("hold", "all")]).await;
    assert_eq!(refused.status, 403);
    let refused = editor
        .post_plain(
            "/desk/staff",
            &[("email", "new@news.example"), ("name", "New"), ("role", "admin"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(refused.status, 403);
    let staff_rows: i64 = db::query_scalar("SELECT COUNT(*) FROM staff").fetch_one(&app.pool).await.unwrap();
    assert_eq!(staff_rows, 3, "nothing was added");
    // an admin adds an account, which can then sign in with the role given
    let added = admin
        .post_plain(
            "/desk/staff",
            &[
                ("email", "New@News.example"),
                ("name", "New Mod"),
                ("role", "moderator"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let newcomer = signed_in(&app, "new@news.example", PASSWORD).await;
    assert_eq!(newcomer.get("/desk/settings").await.status, 403);
    let short = admin
        .post_plain(
            "/desk/staff",
            &[("email", "s@news.example"), ("name", "S"), ("role", "editor"), ("password", "short")],
        )
        .await;
    assert_eq!(short.status, 400);
    assert!(short.body.contains("at least 12 characters"));
    assert!(!short.body.contains("value=\"short\""), "a password is never echoed");
}

#[tokio::test]
async fn the_last_admin_stays_and_a_disabled_account_is_signed_out() {
    let app = spawn().await;
    let admin = staff(&app, "admin").await;
    let me: i64 = db::query_scalar("SELECT id FROM staff").fetch_one(&app.pool).await.unwrap();
    let res = admin.post_plain(&format!("/desk/staff/{me}"), &[("role", "editor")]).await;
    assert_eq!(res.status, 409);
    assert!(res.body.contains("last active admin"));
    let moderator_id = account(&app, "m@news.example", "moderator").await;
    let m = signed_in(&app, "m@news.example", PASSWORD).await;
    assert_eq!(m.get("/desk").await.status, 200);
    let res = admin
        .post_plain(&format!("/desk/staff/{moderator_id}"), &[("role", "moderator"), ("disabled", "1")])
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(m.get("/desk").await.status, 302, "the disabled account's session is gone");
    assert_eq!(sign_in(&app, "m@news.example", PASSWORD).await.status, 401);
    let log = audit(&app).await;
    assert!(log.iter().any(|(a, t, b, after)| a == "staff changed"
        && t == &format!("staff #{moderator_id}")
        && b.as_deref().is_some_and(|b| b.contains("active"))
        && after.as_deref().is_some_and(|a| a.contains("disabled"))));
}

#[tokio::test]
async fn staff_writes_need_this_sites_own_page() {
    let app = spawn().await;
    let admin = staff(&app, "admin").await;
    let id = app.comment_as(&app.other_reader(), "A", "a comment to keep", None).await;
    let one = format!("spam:{id}");
    // no Origin at all (a script outside a browser holding a stolen cookie, or a form a
    // browser did not label): refused
    let bare = app
        .http
        .post(app.url("/desk/queue"))
        .header("cookie", &admin.cookie)
        .header("accept", "text/html")
        .form(&[("one", one.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status().as_u16(), 403);
    let foreign = app
        .http
        .post(app.url("/desk/queue"))
        .header("cookie", &admin.cookie)
        .header("origin", "https://evil.example")
        .form(&[("one", one.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status().as_u16(), 403);
    assert_eq!(status_of(&app, id).await, "approved", "nothing changed");
    // signed out: sent to sign in, nothing changed
    let anon = Session { app: &app, cookie: String::new() };
    let res = anon.post_plain("/desk/queue", &[("one", one.as_str())]).await;
    assert_eq!((res.status, res.location.as_deref()), (303, Some("/desk/signin")));
    assert_eq!(status_of(&app, id).await, "approved");
}

#[tokio::test]
async fn the_first_admin_is_made_on_the_command_line_and_no_default_password_exists() {
    let app = spawn().await;
    // before any account, no combination opens the desk
    for (email, pw) in [("admin", "admin"), ("admin@news.example", "admin"), ("editor", "")] {
        assert_eq!(sign_in(&app, email, pw).await.status, 401);
    }
    let bin = env!("CARGO_BIN_EXE_server");
    let run = |args: &[&str], stdin: &str| {
        use std::io::Write;
        let mut child = std::process::Command::new(bin)
            .args(args)
            .env("DATABASE_URL", &app.db_url)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let help = run(&["admin", "create", "--help"], "");
    assert!(help.status.success());
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--email") && help.contains("--role") && help.contains("moderator"), "{help}");
    let short = run(&["admin", "create", "--email", "chief@news.example", "--name", "Chief"], "short\n");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12"));
    let made = run(
        &["admin", "create", "--email", "chief@news.example", "--name", "Chief"],
        &format!("{PASSWORD}\n"),
    );
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let again = run(
        &["admin", "create", "--email", "chief@news.example", "--name", "Chief"],
        &format!("{PASSWORD}\n"),
    );
    assert!(!again.status.success(), "one account per email");
    let chief = signed_in(&app, "chief@news.example", PASSWORD).await;
    assert!(chief.get("/desk/settings").await.status == 200, "the first account is an admin");
    let hash: String =
        db::query_scalar("SELECT password_hash FROM staff").fetch_one(&app.pool).await.unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
}

#[tokio::test]
async fn the_shared_password_admin_is_gone() {
    let app = spawn().await;
    let res =
        app.http.get(app.url("/admin/messages")).basic_auth("editor", Some("anything")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 404);
}

/// Every desk write, as a table: signed out it changes nothing; another site, or no Origin at
/// all, is refused; a role below the surface's is refused; nothing is committed by any of them.
#[tokio::test]
async fn every_desk_write_checks_session_origin_and_role() {
    let app = spawn().await;
    let moderator = staff(&app, "moderator").await;
    let editor = staff(&app, "editor").await;
    let id = app.comment_as(&app.other_reader(), "A", "A comment for the table.", None).await.to_string();
    let staff_id = account(&app, "third@news.example", "moderator").await;
    let one = format!("trash:{id}");
    let other_staff = format!("/desk/staff/{staff_id}");
    // (path, form, the lowest role allowed)
    type Surface<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
    let surfaces: Vec<Surface> = vec![
        ("/desk/queue", vec![("one", &one)], "moderator"),
        (&format!("/desk/comments/{id}").leak()[..], vec![("body", "Edited by the table.")], "moderator"),
        ("/desk/bans", vec![("kind", "email"), ("value", "x@example.com"), ("reason", "Table")], "moderator"),
        ("/desk/bans/1/lift", vec![], "moderator"),
        ("/desk/articles", vec![("slug", SLUG), ("mode", "closed")], "editor"),
        ("/desk/inbox", vec![("id", "1"), ("state", "read")], "editor"),
        (
            "/desk/readers",
            vec![("email", "x@example.com"), ("action", "erase"), ("confirm", "yes")],
            "editor",
        ),
        ("/desk/settings", vec![("hold", "all")], "admin"),
        ("/desk/site", vec![("name", "Taken"), ("street", "x"), ("city", "y")], "admin"),
        (
            "/desk/staff",
            vec![("email", "n@news.example"), ("name", "N"), ("role", "admin"), ("password", PASSWORD)],
            "admin",
        ),
        (&other_staff.leak()[..], vec![("role", "admin")], "admin"),
    ];
    let audit_rows = || async {
        db::query_scalar::<i64>("SELECT COUNT(*) FROM audit_log").fetch_one(&app.pool).await.unwrap()
    };
    let before = audit_rows().await;
    for (path, form, lowest) in &surfaces {
        let send = |cookie: String, origin: Option<&'static str>| {
            let mut req = app
                .http
                .post(app.url(path))
                .header("accept", "text/html")
                .header("cookie", cookie)
                .form(form);
            if let Some(o) = origin {
                req = req.header("origin", if o == "ours" { app.base.clone() } else { o.to_string() });
            }
            req.send()
        };
        let anon = send(String::new(), Some("ours")).await.unwrap();
        assert_eq!(anon.status().as_u16(), 303, "{path} signed out");
        assert_eq!(anon.headers()["location"], "/desk/signin", "{path}");
        for origin in [None, Some("https://evil.example"), Some("null")] {
            let res = send(editor.cookie.clone(), origin).await.unwrap();
            assert_eq!(res.status().as_u16(), 403, "{path} with origin {origin:?}");
        }
        let below: Vec<&Session> = match *lowest {
            "editor" => vec![&moderator],
            "admin" => vec![&moderator, &editor],
            _ => vec![],
        };
        for s in below {
            let res = send(s.cookie.clone(), Some("ours")).await.unwrap();
            assert_eq!(res.status().as_u16(), 403, "{path} for a lower role");
        }
    }
    assert_eq!(audit_rows().await, before, "nothing was done");
    assert_eq!(status_of(&app, id.parse().unwrap()).await, "approved");
    let mode: String = db::query_scalar("SELECT comments_mode FROM articles WHERE slug = $1")
        .bind(SLUG)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(mode, "open");
    // and one's own account cannot be promoted by its owner
    let editor_id: i64 =
        db::query_scalar("SELECT id FROM staff WHERE role = 'editor'").fetch_one(&app.pool).await.unwrap();
    let res = editor
        .post_plain(&format!("/desk/staff/{editor_id}"), &[("role", "admin"), ("alerts", "hourly")])
        .await;
    assert_eq!(res.status, 303, "their own alerts may change");
    let (role, alerts): (String, String) = db::query_as("SELECT role, alerts FROM staff WHERE id = $1")
        .bind(editor_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!((role.as_str(), alerts.as_str()), ("editor", "hourly"));
}

#[tokio::test]
async fn a_new_password_needs_the_current_one_and_ends_every_session() {
    let app = spawn().await;
    let id = account(&app, "me@news.example", "editor").await;
    let me = signed_in(&app, "me@news.example", PASSWORD).await;
    let other_browser = signed_in(&app, "me@news.example", PASSWORD).await;
    let new = "a brand new passphrase";
    let path = format!("/desk/staff/{id}");
    let res = me.post_plain(&path, &[("password", new), ("current_password", "not it")]).await;
    assert_eq!(res.status, 403, "a session alone cannot change the password");
    assert_eq!(sign_in(&app, "me@news.example", new).await.status, 401);
    let res = me.post_plain(&path, &[("password", new), ("current_password", PASSWORD)]).await;
    assert_eq!((res.status, res.location.as_deref()), (303, Some("/desk/signin?password=changed")));
    assert_eq!(other_browser.get("/desk").await.status, 302, "every session ended");
    assert_eq!(sign_in(&app, "me@news.example", PASSWORD).await.status, 401);
    assert_eq!(sign_in(&app, "me@news.example", new).await.status, 303);
    assert!(audit(&app).await.iter().any(|(a, _, _, _)| a == "password changed"));
}
