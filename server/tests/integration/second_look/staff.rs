//! Holes 3, 4, 6, 7 and 10 (staff): the password change is limited like a sign-in; guessing from
//! many networks slows strangers but locks no editor out; every sign-in attempt and staff change
//! is in the audit log, in the change's own transaction; the last admin cannot be demoted by
//! two admins at once; a moderator cannot lift an admin's ban; the cookie is `__Host-` on https.
use super::*;
use crate::desk::{account, add_staff, audit, sign_in, signed_in, staff, PASSWORD};

/// The staff page's form for account `id`, as `s` gets it.
async fn account_form(s: &Session<'_>, id: i64) -> Form {
    s.form("/desk/staff", &format!("form[action='/desk/staff/{id}']")).await
}

/// A sign-in from `ip` (behind one trusted proxy), through the sign-in page's form.
async fn sign_in_from(app: &TestApp, ip: &str, email: &str, password: &str) -> reqwest::Response {
    let anon = nobody(app);
    let form = anon.form("/desk/signin", "form[action='/desk/signin']").await;
    let fields = form.set("email", email).set("password", password).fields();
    app.http
        .post(app.url("/desk/signin"))
        .header("origin", &app.base)
        .header("accept", "text/html")
        .header("x-forwarded-for", ip)
        .form(&fields)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_wrong_current_password_is_counted_and_limited_like_a_sign_in() {
    let app = spawn_with(|c| {
        c.limits.login_failures_per_ip = 50;
        c.limits.login_failures_per_account = 3;
    })
    .await;
    let id = account(&app, "me@news.example", "editor").await;
    let me = signed_in(&app, "me@news.example", PASSWORD).await;
    let change = |current: &'static str| {
        let me = &me;
        async move {
            let form = account_form(me, id).await;
            form.set("current_password", current)
                .set("password", "a brand new passphrase")
                .post_plain(me)
                .await
        }
    };
    for _ in 0..3 {
        assert_eq!(change("a guess").await.status, 403);
    }
    // the fourth try is refused before any check, the right password too
    let limited = change(PASSWORD).await;
    assert_eq!(limited.status, 429, "{}", limited.body);
    assert!(limited.headers.contains_key("retry-after"));
    let hash: String = db::query_scalar("SELECT password_hash FROM staff WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(app::server::staff::verify_password(PASSWORD, &hash), "the password is unchanged");
    let log = audit(&app).await;
    assert_eq!(log.iter().filter(|(a, ..)| a.starts_with("password change refused")).count(), 3, "{log:?}");
}

#[tokio::test]
async fn guessing_from_many_networks_slows_strangers_but_locks_no_editor_out() {
    let app = spawn_with(|c| {
        c.trust_proxy = 1;
        c.limits.login_failures_per_ip = 10;
        c.limits.login_failures_per_account = 3;
    })
    .await;
    account(&app, "ed@news.example", "editor").await;
    // the editor's own network, where they signed in before
    assert_eq!(sign_in_from(&app, "203.0.113.5", "ed@news.example", PASSWORD).await.status().as_u16(), 303);
    // guesses from 12 networks, 3 each: past the account-wide figure (10 × 3)
    for n in 0..12 {
        for _ in 0..3 {
            let res = sign_in_from(&app, &format!("198.51.100.{n}"), "ed@news.example", "guess").await;
            assert!(matches!(res.status().as_u16(), 401 | 429), "{}", res.status());
        }
    }
    // strangers now wait between attempts, however many networks they have
    let mut waits = Vec::new();
    for n in 0..5 {
        let res = sign_in_from(&app, &format!("192.0.2.{n}"), "ed@news.example", "guess").await;
        if res.status().as_u16() == 429 {
            waits.push(res.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap());
        }
    }
    assert!(waits.len() >= 4, "at most one attempt per spacing: {waits:?}");
    assert!(waits.iter().all(|w| (1..=60).contains(w)), "slowed, never an hour's lock: {waits:?}");
    // the editor, from their own network, signs in at once with the right password
    let res = sign_in_from(&app, "203.0.113.5", "ed@news.example", PASSWORD).await;
    assert_eq!(res.status().as_u16(), 303, "the backstop does not lock the editor out");
}

#[tokio::test]
async fn every_sign_in_attempt_and_staff_change_is_in_the_audit_log() {
    let app = spawn_with(|c| c.limits.login_failures_per_ip = 2).await;
    let admin = staff(&app, "admin").await;
    let ed = account(&app, "ed@news.example", "editor").await;
    // adding and changing accounts, signing out
    let res = add_staff(&admin, "New One", "new@news.example", "moderator").await;
    assert_eq!(res.status, 303, "{}", res.body);
    let res = account_form(&admin, ed).await.choose("role", "moderator").post_plain(&admin).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let out = admin.form("/desk", "form.desk-signout").await.post_plain(&admin).await;
    assert_eq!(out.status, 303);
    // failed attempts, then a flood refused
    assert_eq!(sign_in(&app, "ed@news.example", "wrong").await.status, 401);
    assert_eq!(sign_in(&app, "nobody@news.example", "wrong").await.status, 401);
    for _ in 0..3 {
        assert_eq!(sign_in(&app, "ed@news.example", PASSWORD).await.status, 429);
    }
    let log = audit(&app).await;
    let count = |action: &str| log.iter().filter(|(a, ..)| a == action).count();
    for action in ["signed in", "staff added", "staff changed", "signed out"] {
        assert!(count(action) >= 1, "{action}: {log:?}");
    }
    assert!(log.iter().any(|(a, t, b, after)| a == "staff changed"
        && t == &format!("staff #{ed}")
        && b.as_deref().is_some_and(|b| b.starts_with("editor"))
        && after.as_deref().is_some_and(|a| a.starts_with("moderator"))));
    assert_eq!(count("sign-in failed"), 2, "{log:?}");
    assert!(log.iter().any(|(a, t, ..)| a == "sign-in failed" && t == &format!("staff #{ed}")));
    assert!(
        !log.iter().any(|(_, t, b, a)| [Some(t.as_str()), b.as_deref(), a.as_deref()]
            .iter()
            .any(|v| v.is_some_and(|v| v.contains("nobody@")))),
        "an unknown address is not written down"
    );
    assert_eq!(count("sign-in refused: too many attempts"), 1, "a flood is one line: {log:?}");
}

#[tokio::test]
async fn a_staff_change_and_its_audit_line_are_written_together_or_not_at_all() {
    let app = spawn().await;
    let admin = staff(&app, "admin").await;
    let ed = account(&app, "ed@news.example", "editor").await;
    // the log refuses every line from now on
    refuse_inserts(&app, "audit_log").await;
    let res = add_staff(&admin, "Unlogged", "unlogged@news.example", "admin").await;
    assert_eq!(res.status, 500, "{}", res.body);
    let n: i64 = db::query_scalar("SELECT COUNT(*) FROM staff WHERE email = 'unlogged@news.example'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(n, 0, "an account nobody logged was not made");
    let res = account_form(&admin, ed).await.choose("role", "admin").post_plain(&admin).await;
    assert_eq!(res.status, 500);
    let role: String =
        db::query_scalar("SELECT role FROM staff WHERE id = $1").bind(ed).fetch_one(&app.pool).await.unwrap();
    assert_eq!(role, "editor", "an unlogged promotion did not happen");
    // a sign-in nobody logged opens no session
    assert_eq!(sign_in(&app, "ed@news.example", PASSWORD).await.status, 500);
    let sessions: i64 = db::query_scalar("SELECT COUNT(*) FROM staff_sessions s JOIN staff a ON a.id = s.staff_id WHERE a.email = 'ed@news.example'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0);
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_one_admin() {
    let app = spawn().await;
    let a = account(&app, "a@news.example", "admin").await;
    let b = account(&app, "b@news.example", "admin").await;
    let sa = signed_in(&app, "a@news.example", PASSWORD).await;
    let sb = signed_in(&app, "b@news.example", PASSWORD).await;
    for round in 0..10 {
        let fa = account_form(&sa, b).await.choose("role", "editor");
        let fb = account_form(&sb, a).await.choose("role", "editor");
        let (ra, rb) = futures::join!(fa.post_plain(&sa), fb.post_plain(&sb));
        let mut statuses = [ra.status, rb.status];
        statuses.sort();
        // the second finds itself demoted (403) or the other the last admin (409)
        assert!(statuses[0] == 303 && [403, 409].contains(&statuses[1]), "round {round}: {statuses:?}");
        let admins: i64 =
            db::query_scalar("SELECT COUNT(*) FROM staff WHERE role = 'admin' AND disabled = 0")
                .fetch_one(&app.pool)
                .await
                .unwrap();
        assert_eq!(admins, 1, "round {round}");
        // both admins again, for the next round (sessions survive a role change)
        db::query("UPDATE staff SET role = 'admin'").execute(&app.pool).await.unwrap();
    }
}

#[tokio::test]
async fn a_moderator_cannot_lift_an_admins_ban() {
    let app = spawn().await;
    let admin = staff(&app, "admin").await;
    let moderator = staff(&app, "moderator").await;
    let editor = staff(&app, "editor").await;
    let ban = |s: &'static str| {
        let admin = &admin;
        async move {
            let form = admin.form("/desk/bans", "form[action='/desk/bans']").await;
            let res = form.set("value", s).set("reason", "Spam").post_plain(admin).await;
            assert_eq!(res.status, 303, "{}", res.body);
            res.location.unwrap().rsplit("ban-").next().unwrap().parse::<i64>().unwrap()
        }
    };
    let id = ban("spammer@example.com").await;
    let res = lift(&moderator, id).await;
    assert_eq!(res.status, 403, "{}", res.body);
    let lifted: Option<i64> = db::query_scalar("SELECT lifted_at FROM bans WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(lifted.is_none(), "the admin's ban stays");
    assert_eq!(lift(&editor, id).await.status, 403, "an editor is below an admin too");
    assert_eq!(lift(&admin, id).await.status, 303);
    // a moderator's own ban is theirs to lift
    let form = moderator.form("/desk/bans", "form[action='/desk/bans']").await;
    let res = form.set("value", "other@example.com").set("reason", "Spam").post_plain(&moderator).await;
    let mine: i64 = res.location.unwrap().rsplit("ban-").next().unwrap().parse().unwrap();
    assert_eq!(moderator.post_plain(&format!("/desk/bans/{mine}/lift"), &[]).await.status, 303);
}

#[tokio::test]
async fn on_https_the_staff_cookie_is_a_host_cookie_and_only_that_one_opens_the_desk() {
    let app = spawn_with(|c| c.base_url = c.base_url.replace("http://", "https://")).await;
    account(&app, "ed@news.example", "editor").await;
    let origin = app.base.replace("http://", "https://");
    let res = app
        .http
        .post(app.url("/desk/signin"))
        .header("origin", &origin)
        .header("accept", "text/html")
        .form(&[("email", "ed@news.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("__Host-byline_staff="), "{cookie}");
    assert!(
        cookie.contains("; Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"),
        "{cookie}"
    );
    let token = cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_string();
    let with = |name: &str| {
        app.http
            .get(app.url("/desk"))
            .header("accept", "text/html")
            .header("cookie", format!("{name}={token}"))
            .send()
    };
    assert_eq!(with("__Host-byline_staff").await.unwrap().status().as_u16(), 200);
    // the same token under the unprefixed name (which a sibling host could set) opens nothing
    assert_eq!(with("byline_staff").await.unwrap().status().as_u16(), 302);
}

/// Lifts ban `id` as `s`: with the page's button when it offers one, else the post a browser
/// could still forge.
async fn lift(s: &Session<'_>, id: i64) -> Reply {
    let path = format!("/desk/bans/{id}/lift");
    let page = s.get("/desk/bans").await.body;
    match Form::all_in_page(&page, &format!("form[action='{path}']")).into_iter().next() {
        Some(f) => f.post_plain(s).await,
        None => s.post_plain(&path, &[]).await,
    }
}

#[tokio::test]
async fn a_flood_of_refused_sign_ins_writes_one_line_per_network() {
    let app = spawn_with(|c| {
        c.trust_proxy = 1;
        c.limits.login_failures_per_ip = 2;
    })
    .await;
    for n in 0..40 {
        let res = sign_in_from(&app, "198.51.100.7", &format!("made-up-{n}@news.example"), "guess").await;
        assert_eq!(res.status().as_u16(), if n < 2 { 401 } else { 429 });
    }
    let log = audit(&app).await;
    assert_eq!(log.iter().filter(|(a, ..)| a == "sign-in failed").count(), 2);
    assert_eq!(log.iter().filter(|(a, ..)| a.starts_with("sign-in refused")).count(), 1, "{log:?}");
    // and no typed address is written down, not even as a plain hash
    let hashed = app::server::store::notify::token_hash("made-up-0@news.example");
    assert!(!log.iter().any(|(_, t, ..)| t.contains(&hashed[..12])), "{log:?}");
}

#[tokio::test]
async fn a_ban_keeps_the_role_of_whoever_made_it() {
    let app = spawn().await;
    let admin_id = account(&app, "chief@news.example", "admin").await;
    let chief = signed_in(&app, "chief@news.example", PASSWORD).await;
    let _second = account(&app, "other@news.example", "admin").await;
    let form = chief.form("/desk/bans", "form[action='/desk/bans']").await;
    let res = form.set("value", "spammer@example.com").set("reason", "Spam").post_plain(&chief).await;
    let id: i64 = res.location.unwrap().rsplit("ban-").next().unwrap().parse().unwrap();
    // the admin who made it is a moderator now: the ban is still an admin's
    db::query("UPDATE staff SET role = 'moderator' WHERE id = $1")
        .bind(admin_id)
        .execute(&app.pool)
        .await
        .unwrap();
    let moderator = staff(&app, "moderator").await;
    assert_eq!(lift(&moderator, id).await.status, 403);
}
