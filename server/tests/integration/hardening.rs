//! Issue "tried as an attacker would": each abuse that was reproduced against main, tried again
//! over HTTP against a real server on a real SQLite file (and a real SMTP server for mail).
use crate::common::smtp::Sink;
use crate::common::*;
use std::time::Duration;

async fn subscribe(s: &Session<'_>, email: &str) -> Reply {
    subscribe_to(s, email, "follow_ups").await
}

async fn subscribe_to(s: &Session<'_>, email: &str, kind: &str) -> Reply {
    s.post_js(
        "/api/toggle_subscription",
        &[("article", SLUG), ("kind", kind), ("email", email), ("action", "subscribe")],
    )
    .await
}

/// Follows a confirmation mail's button as `s` (the browser that opens the mail).
async fn confirm_as(s: &Session<'_>, mail: &crate::common::smtp::Mail) {
    let link = mail.link("/subscriptions/confirm?token=");
    let path = link.strip_prefix(&s.app.base).unwrap().to_string();
    assert_eq!(s.post_plain(&path, &[]).await.status, 303);
}

/// `s` subscribes `email` to `kind` and confirms it through the mailed link in the same browser.
async fn subscribe_confirmed(s: &Session<'_>, sink: &Sink, email: &str, kind: &str) {
    assert_eq!(subscribe_to(s, email, kind).await.status, 200);
    let mail = sink.wait_for(email, "Confirm", 1).await.pop().unwrap();
    confirm_as(s, &mail).await;
}

async fn post_as(s: &Session<'_>, name: &str, email: &str, body: &str, notify: bool) -> Reply {
    let k = key();
    let mut form = comment(name, email, body, &k);
    if notify {
        form.push(("notify", "true"));
    }
    s.post_js("/api/post_comment", &form).await
}

/// A request from client address `ip` behind one trusted proxy.
fn from_ip(app: &TestApp, ip: &str, path: &str) -> reqwest::RequestBuilder {
    app.http.post(app.url(path)).header("origin", &app.base).header("x-forwarded-for", format!("{ip}, {ip}"))
}

async fn reply(res: reqwest::RequestBuilder) -> Reply {
    let res = res.send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let location = headers.get("location").and_then(|v| v.to_str().ok()).map(String::from);
    Reply { status, location, body: res.text().await.unwrap(), headers }
}

fn cookie_of(r: &Reply) -> Option<String> {
    r.headers.get_all("set-cookie").iter().find_map(|v| {
        let v = v.to_str().ok()?;
        v.starts_with("byline_reader=").then(|| v.split(';').next().unwrap().to_string())
    })
}

// ---------------------------------------------------------------------------------------------
// The server does not fall over on ordinary text

#[tokio::test]
async fn an_article_with_entities_before_curly_quotes_is_published_and_a_broken_one_is_skipped() {
    let content = tempfile::tempdir().unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../content/china-ratifies-extradition-treaty-with-turkey.md"),
        content.path().join("a-seed.md"),
    )
    .unwrap();
    std::fs::write(
        content.path().join("b-rd.md"),
        "---\ntitle: R&D’s “plan”\nslug: rd-plan\nsection: Business\nstandfirst: AT&T’s “view”\n---\n\
         R&D’s “plan” and AT&T’s “view”. Q&A — what it means.\n",
    )
    .unwrap();
    std::fs::write(content.path().join("c-broken.md"), "no front matter at all").unwrap();
    let dir = content.path().to_path_buf();
    let app = spawn_with(move |c| c.content_dirs = vec![dir]).await;
    let page = app.get("/articles/rd-plan").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("R&amp;D’s “plan” and AT&amp;T’s “view”"), "{}", page.body);
    assert_eq!(app.get(ARTICLE).await.status, 200, "the other articles are served");
}

#[tokio::test]
async fn a_panic_while_answering_is_a_500_for_that_request_and_the_server_goes_on() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = server::config::Config::for_tests("sqlite::memory:".into(), addr, ".".into());
    let routes = axum::Router::new()
        .route(
            "/boom",
            axum::routing::get(|| async {
                if true {
                    panic!("a bug in a handler");
                }
                "unreachable"
            }),
        )
        .route("/fine", axum::routing::get(|| async { "fine" }));
    let router = server::harden(routes, &config);
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let http = reqwest::Client::new();
    for _ in 0..3 {
        let res = http.get(format!("http://{addr}/boom")).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 500);
        let body = res.text().await.unwrap();
        assert!(body.contains("Something went wrong") && !body.contains("a bug in a handler"), "{body}");
    }
    assert_eq!(http.get(format!("http://{addr}/fine")).send().await.unwrap().text().await.unwrap(), "fine");
}

// ---------------------------------------------------------------------------------------------
// Notifications are not a spam relay

#[tokio::test]
async fn an_address_confirmed_by_its_owner_cannot_be_subscribed_by_anyone_else() {
    let sink = Sink::start().await;
    let url = sink.url();
    let app = spawn_with(move |c| c.mail.smtp_url = Some(url)).await;
    let owner = app.other_reader();
    subscribe_confirmed(&owner, &sink, "victim@example.com", "my_replies").await;
    // the owner's browser is not asked again: subscribed at once to another kind, no new mail
    let again = subscribe_to(&owner, "victim@example.com", "follow_ups").await;
    assert!(again.json()["message"].as_str().unwrap().starts_with("Done"), "{}", again.body);
    let follow_ups = again.json()["state"]["subscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["kind"] == "FollowUps" && s["confirmed"] == true);
    assert!(follow_ups, "{}", again.body);
    app.outbox_settled().await;
    assert_eq!(sink.to("victim@example.com", "Confirm").len(), 1, "one confirmation mail, ever");
    // and off again: what follows is about the attacker's follow-ups, not the owner's
    let off = owner
        .post_js(
            "/api/toggle_subscription",
            &[
                ("article", SLUG),
                ("kind", "follow_ups"),
                ("email", "victim@example.com"),
                ("action", "unsubscribe"),
            ],
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.body);
    let kinds: Vec<String> =
        sqlx::query_scalar("SELECT kind FROM subscriptions WHERE email = 'victim@example.com'")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(kinds, vec!["my_replies".to_string()]);

    // an attacker subscribes the address to every new comment: it waits for a confirmation
    let attacker = app.other_reader();
    let res = subscribe(&attacker, "victim@example.com").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["state"]["subscriptions"][0]["confirmed"], false, "{}", res.body);
    let victims = post_as(&owner, "Victim", "victim@example.com", "The victim's own comment.", false).await;
    let victims = victims.json()["id"].as_i64().unwrap();
    // the attacker's text, which the address must not receive
    let spam = post_as(&attacker, "Spammer", "", "BUY CHEAP PILLS at spam.example", false).await;
    assert_eq!(spam.status, 200);
    // a reply to the victim's comment: what the owner subscribed to (proves the worker ran after the spam)
    let k = key();
    let mut form = comment("Replier", "", "A real reply to the victim.", &k);
    let parent = victims.to_string();
    form.push(("parent", &parent));
    let replied = app.other_reader().post_js("/api/post_comment", &form).await;
    let replied = replied.json()["id"].as_i64().unwrap();
    let got = sink.wait_for("victim@example.com", "New ", 1).await;
    assert_eq!(got.len(), 1);
    assert!(got[0].link("#comment-").ends_with(&format!("#comment-{replied}")));
    assert!(!got[0].text().contains("PILLS"));
}

#[tokio::test]
async fn the_answer_is_the_same_whatever_the_addresss_state() {
    let sink = Sink::start().await;
    let url = sink.url();
    let app = spawn_with(move |c| c.mail.smtp_url = Some(url)).await;
    let owner = app.other_reader();
    subscribe_confirmed(&owner, &sink, "known@example.com", "follow_ups").await;
    subscribe(&app.other_reader(), "pending@example.com").await;

    let mut answers = Vec::new();
    for email in ["known@example.com", "pending@example.com", "nobody@example.com"] {
        let r = subscribe(&app.other_reader(), email).await;
        answers.push((r.status, r.json()["message"].clone(), r.json()["state"].clone()));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[1], answers[2]);
}

#[tokio::test]
async fn resubscribing_an_address_does_not_take_its_subscription_over() {
    let sink = Sink::start().await;
    let url = sink.url();
    let app = spawn_with(move |c| c.mail.smtp_url = Some(url)).await;
    let owner = app.other_reader();
    subscribe_confirmed(&owner, &sink, "owner@example.com", "follow_ups").await;

    let attacker = app.other_reader();
    subscribe(&attacker, "owner@example.com").await;
    let off = attacker
        .post_js(
            "/api/toggle_subscription",
            &[
                ("article", SLUG),
                ("kind", "follow_ups"),
                ("email", "owner@example.com"),
                ("action", "unsubscribe"),
            ],
        )
        .await;
    assert_eq!(off.status, 200);
    let owner_id = owner.cookie.split_once('=').unwrap().1.split('.').next().unwrap().to_string();
    let owners: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM subscriptions WHERE email = ? AND reader_id = ? AND confirmed = 1",
    )
    .bind("owner@example.com")
    .bind(&owner_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(owners, 1, "still the owner's, still confirmed");
    let c = post_as(&app.other_reader(), "Ctl", "", "Still told of new comments.", false).await;
    assert_eq!(c.status, 200);
    assert_eq!(sink.wait_for("owner@example.com", "New ", 1).await.len(), 1);
}

#[tokio::test]
async fn one_click_unsubscribe_stops_the_mail_whichever_browser_subscribed() {
    let sink = Sink::start().await;
    let url = sink.url();
    let app = spawn_with(move |c| c.mail.smtp_url = Some(url)).await;
    // the reader subscribed from a laptop and, later, from a phone: two confirmed rows
    let laptop = app.other_reader();
    subscribe_confirmed(&laptop, &sink, "two@example.com", "follow_ups").await;
    let phone = app.other_reader();
    subscribe(&phone, "two@example.com").await;
    sqlx::query("UPDATE subscriptions SET confirmed = 1").execute(&app.pool).await.unwrap();
    // a control subscriber shows the worker ran
    let ctl = app.other_reader();
    subscribe_confirmed(&ctl, &sink, "ctl@example.com", "follow_ups").await;

    post_as(&app.other_reader(), "P", "", "The first comment both hear of.", false).await;
    let n = sink.wait_for("two@example.com", "New ", 1).await.pop().unwrap();
    let link = n.header("List-Unsubscribe").unwrap().trim_matches(|c| c == '<' || c == '>').to_string();
    let res = reqwest::Client::new().post(&link).body("List-Unsubscribe=One-Click").send().await.unwrap();
    assert_eq!(res.status(), 200);
    post_as(&app.other_reader(), "P", "", "The second comment, after unsubscribing.", false).await;
    sink.wait_for("ctl@example.com", "New ", 2).await;
    assert_eq!(sink.to("two@example.com", "New ").len(), 1, "no mail after the one click");
}

#[tokio::test]
async fn the_comment_forms_reply_checkbox_obeys_the_subscription_limits_and_mails_no_reader_text() {
    let sink = Sink::start().await;
    let url = sink.url();
    let app = spawn_with(move |c| {
        c.mail.smtp_url = Some(url);
        c.limits.subscribe_per_ip = 2;
    })
    .await;
    for (i, email) in ["one@example.com", "two@example.com", "three@example.com"].iter().enumerate() {
        let res = post_as(
            &app.other_reader(),
            "Visit spam.example for CHEAP PILLS",
            email,
            &format!("Comment {i}: click https://spam.example/offer now"),
            true,
        )
        .await;
        assert_eq!(res.status, 200, "the comment is posted either way: {}", res.body);
    }
    let one = sink.wait_for("one@example.com", "Confirm", 1).await.pop().unwrap();
    sink.wait_for("two@example.com", "Confirm", 1).await;
    for part in [one.text(), one.html(), one.header("Subject").unwrap_or_default()] {
        assert!(
            !part.contains("spam.example") && !part.contains("PILLS"),
            "reader text in a confirmation: {part}"
        );
    }
    let subs: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM subscriptions").fetch_one(&app.pool).await.unwrap();
    assert_eq!(subs, 2, "the third subscription was over the per-address limit");
    app.outbox_settled().await;
    assert!(sink.to("three@example.com", "").is_empty());
}

#[tokio::test]
async fn mail_to_one_address_is_capped_per_day_and_carries_its_message_id() {
    let sink = Sink::start().await;
    let url = sink.url();
    let app = spawn_with(move |c| {
        c.mail.smtp_url = Some(url);
        c.limits.mail_per_address_per_day = 3;
    })
    .await;
    let owner = app.other_reader();
    subscribe(&owner, "busy@example.com").await;
    let mail = sink.wait_for("busy@example.com", "Confirm", 1).await.pop().unwrap();
    assert!(mail.header("Auto-Submitted").is_some_and(|v| v.contains("auto-generated")));
    assert!(
        mail.header("Message-ID").is_some_and(|v| v.starts_with("<outbox-")),
        "{:?}",
        mail.header("Message-ID")
    );
    confirm_as(&owner, &mail).await;
    for i in 0..4 {
        post_as(&app.other_reader(), "P", "", &format!("Busy thread comment {i}."), false).await;
    }
    sink.wait_for("busy@example.com", "New ", 2).await;
    app.outbox_settled().await;
    assert_eq!(sink.to("busy@example.com", "").len(), 3, "1 confirmation + 2 notifications, then the cap");
    let dropped: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE status = 'dropped' AND last_error LIKE '%daily cap%'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(dropped, 2);
}

// ---------------------------------------------------------------------------------------------
// Votes, form keys, duplicates

#[tokio::test]
async fn dropping_the_cookie_does_not_make_a_new_voter() {
    let app = spawn_with(|c| {
        c.trust_proxy = 1;
        c.limits.one_vote_per_address = true;
    })
    .await;
    let author = reply(from_ip(&app, "198.51.100.1", "/api/post_comment").form(&comment(
        "A",
        "",
        "Vote on me",
        &key(),
    )))
    .await;
    assert_eq!(author.status, 200);
    let id = author.json()["id"].as_i64().unwrap().to_string();
    let vote = [("comment", id.as_str()), ("direction", "up"), ("back", ARTICLE)];
    // the author with a fresh cookie, from the same address: refused
    let own = reply(from_ip(&app, "198.51.100.1", "/api/vote").form(&vote)).await;
    assert_eq!(own.status, 403, "{}", own.body);
    // one address, five cookie-less requests: one vote, and the voter gets a cookie
    let first = reply(from_ip(&app, "203.0.113.9", "/api/vote").form(&vote)).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert!(cookie_of(&first).is_some(), "a first-time reader may vote");
    for _ in 0..4 {
        let again = reply(from_ip(&app, "203.0.113.9", "/api/vote").form(&vote)).await;
        assert_eq!(again.status, 403, "{}", again.body);
    }
    let other = reply(from_ip(&app, "192.0.2.44", "/api/vote").form(&vote)).await;
    assert_eq!(other.json()["score"], 2, "another address is another voter");
    let score: i64 = sqlx::query_scalar("SELECT score FROM comments WHERE id = ?")
        .bind(id.parse::<i64>().unwrap())
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(score, 2);
}

#[tokio::test]
async fn form_keys_expire_and_belong_to_their_article() {
    let app = spawn_with(|c| c.limits.form_key_seconds = 3600).await;
    let old = key_aged(3601);
    let res = app.post_js("/api/post_comment", &comment("Ada", "", "An old form.", &old)).await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("FormExpired"), "{}", res.body);
    let plain = app.post_plain("/api/post_comment", &comment("Ada", "", "An old form, kept.", &old)).await;
    assert_eq!(plain.status, 400);
    assert!(plain.body.contains("opened too long ago") && plain.body.contains("An old form, kept."));
    let elsewhere = key_for("another-article", 60);
    let res =
        app.post_js("/api/post_comment", &comment("Ada", "", "A key from elsewhere.", &elsewhere)).await;
    assert_eq!(res.status, 400);
    assert_eq!(app.comment_count().await, 0);
}

#[tokio::test]
async fn the_same_text_twice_on_one_article_is_a_duplicate_whoever_sends_it() {
    let app = spawn().await;
    let a = app.http.post(app.url("/api/post_comment")).header("accept", "application/json");
    let first = reply(a.form(&comment("Bot", "", "Same spam text, with a link", &key()))).await;
    assert_eq!(first.status, 200);
    let b = app.http.post(app.url("/api/post_comment")).header("accept", "application/json");
    let second = reply(b.form(&comment("Bot 2", "", "Same spam text, with a link", &key()))).await;
    assert_eq!(second.status, 409, "{}", second.body);
    assert_eq!(app.comment_count().await, 1);
    // a short everyday phrase may be said by two readers, but not twice by one
    let k1 = key();
    let agreed = comment("Ines", "", "Agreed.", &k1);
    assert_eq!(app.other_reader().post_js("/api/post_comment", &agreed).await.status, 200);
    let k = key();
    let agreed = comment("Omar", "", "Agreed.", &k);
    let omar = app.other_reader();
    assert_eq!(omar.post_js("/api/post_comment", &agreed).await.status, 200);
    let k2 = key();
    let again = comment("Omar", "", "Agreed.", &k2);
    assert_eq!(omar.post_js("/api/post_comment", &again).await.status, 409);
    assert_eq!(app.comment_count().await, 3);
}

#[tokio::test]
async fn pages_set_no_cookie_and_a_double_click_without_one_is_one_comment_by_one_reader() {
    let app = spawn().await;
    for path in [ARTICLE, "/", "/contact", "/subscriptions", "/api/form_state?scope=x"] {
        let res = reqwest::get(app.url(path)).await.unwrap();
        assert_eq!(res.headers().get_all("set-cookie").iter().count(), 0, "{path} set a cookie");
    }
    let k = key();
    let form = comment("Ada", "", "Clicked twice, no cookie yet.", &k);
    let send = || {
        reply(app.http.post(app.url("/api/post_comment")).header("accept", "application/json").form(&form))
    };
    let (a, b) = tokio::join!(send(), send());
    assert_eq!((a.status, b.status), (200, 200), "{} / {}", a.body, b.body);
    assert_eq!(a.json()["id"], b.json()["id"]);
    assert_eq!(cookie_of(&a), cookie_of(&b), "both answers make the same reader");
    assert_eq!(app.comment_count().await, 1);
    // that reader may edit the comment
    let author = Session { app: &app, cookie: cookie_of(&a).unwrap() };
    let id = a.json()["id"].as_i64().unwrap().to_string();
    let edit = author
        .post_js("/api/edit_comment", &[("comment", &id), ("body", "Edited."), ("back", ARTICLE)])
        .await;
    assert_eq!(edit.status, 200, "{}", edit.body);
}

// ---------------------------------------------------------------------------------------------
// Every other write surface

fn contact_form<'a>(subject: &'a str, key: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", "Ada"),
        ("email", "ada@example.com"),
        ("subject", subject),
        ("message", "A tip for the desk."),
        ("key", key),
    ]
}

#[tokio::test]
async fn contact_us_has_the_comment_forms_defences_and_reaches_the_editors_by_mail() {
    let sink = Sink::start().await;
    let url = sink.url();
    let app = spawn_with(move |c| {
        c.mail.smtp_url = Some(url);
        c.contact_to = Some("desk@news.example".into());
        c.limits.min_form_seconds = 3;
        c.limits.contact_per_ip = 3;
    })
    .await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM contact_messages")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    // an unsigned key, a bot filling the honeypot, a form posted at once
    let res = app.post_js("/api/contact", &contact_form("Unsigned", "0123456789abcdef0123")).await;
    assert_eq!(res.status, 400);
    let k = key_for("contact", 60);
    let mut bot = contact_form("Bot", &k);
    bot.push(("website", "http://spam.example"));
    assert_eq!(app.post_js("/api/contact", &bot).await.status, 400);
    let fresh = key_for("contact", 0);
    let res = app.post_js("/api/contact", &contact_form("Fast", &fresh)).await;
    assert_eq!(res.status, 429);
    assert!(res.headers.contains_key("retry-after"));
    let article_key = key();
    assert_eq!(app.post_js("/api/contact", &contact_form("Wrong form", &article_key)).await.status, 400);
    assert_eq!(count().await, 0);

    // three messages, then the limit per address
    let keys: Vec<String> = (0..4).map(|_| key_for("contact", 60)).collect();
    for (i, k) in keys.iter().take(3).enumerate() {
        let subject = format!("Tip {i}");
        assert_eq!(app.post_js("/api/contact", &contact_form(&subject, k)).await.status, 200);
    }
    // the same submission again is the one message, not a new one (and not refused)
    assert_eq!(app.post_js("/api/contact", &contact_form("Tip 0", &keys[0])).await.status, 200);
    let over = app.post_js("/api/contact", &contact_form("Tip 3", &keys[3])).await;
    assert_eq!(over.status, 429);
    assert_eq!(count().await, 3);

    let mails = sink.wait_for("desk@news.example", "Contact Us", 3).await;
    assert_eq!(mails.len(), 3);
    assert!(mails[0].text().contains("A tip for the desk."));
    assert!(mails[0].header("Reply-To").is_some_and(|v| v.contains("ada@example.com")));
}

#[tokio::test]
async fn wrong_editor_passwords_are_throttled_per_address() {
    let app = spawn_with(|c| {
        c.admin_password = Some("s3cret".into());
        c.limits.login_failures_per_ip = 5;
    })
    .await;
    let get =
        |pw: &'static str| app.http.get(app.url("/admin/messages")).basic_auth("editor", Some(pw)).send();
    for _ in 0..5 {
        assert_eq!(get("guess").await.unwrap().status().as_u16(), 401);
    }
    let blocked = get("guess").await.unwrap();
    assert_eq!(blocked.status().as_u16(), 429);
    assert!(blocked.headers().contains_key("retry-after"));
    assert_eq!(
        get("s3cret").await.unwrap().status().as_u16(),
        429,
        "even the right password, until it passes"
    );
}

#[tokio::test]
async fn live_streams_are_capped_per_address_and_in_total() {
    let app = spawn_with(|c| {
        c.sse_per_ip = 2;
        c.sse_total = 3;
        c.trust_proxy = 1;
    })
    .await;
    let open = |ip: &'static str| {
        app.http.get(app.url(&format!("{ARTICLE}/events"))).header("x-forwarded-for", ip).send()
    };
    let a1 = open("198.51.100.1").await.unwrap();
    let a2 = open("198.51.100.1").await.unwrap();
    assert_eq!((a1.status().as_u16(), a2.status().as_u16()), (200, 200));
    let a3 = open("198.51.100.1").await.unwrap();
    assert_eq!(a3.status().as_u16(), 429);
    let b1 = open("198.51.100.2").await.unwrap();
    assert_eq!(b1.status().as_u16(), 200);
    assert_eq!(open("198.51.100.3").await.unwrap().status().as_u16(), 429, "the total is reached");
    drop(a1);
    // a closed stream gives its place back
    let mut reopened = 0;
    for _ in 0..100 {
        let r = open("198.51.100.3").await.unwrap();
        if r.status() == 200 {
            reopened = 200;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(reopened, 200);
}

#[tokio::test]
async fn a_page_extended_by_until_is_bounded() {
    let app = spawn().await;
    for i in 0..110 {
        let res = post_as(&app.other_reader(), "P", "", &format!("Top-level comment {i}"), false).await;
        assert_eq!(res.status, 200);
    }
    let oldest: (i64, i64) =
        sqlx::query_as("SELECT created_at, id FROM comments ORDER BY created_at, id LIMIT 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let res = app
        .http
        .get(app.url(&format!("/api/thread?slug={SLUG}&query=&until={}_{}", oldest.0, oldest.1)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let page: serde_json::Value = res.json().await.unwrap();
    let shown = page["nodes"].as_array().unwrap().len();
    assert_eq!(shown as i64, app::server::store::comments::MAX_UNTIL, "not all 110");
    assert!(page["next"].is_object(), "Load more continues after them");
}

// ---------------------------------------------------------------------------------------------
// Headers and origin

#[tokio::test]
async fn pages_carry_a_csp_that_names_their_script_nonce_and_refuse_framing() {
    let app = spawn().await;
    let page = app.get(ARTICLE).await;
    let csp = page.headers["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).and_then(|r| r.split('\'').next()).expect("a nonce");
    assert!(page.body.contains(&format!("nonce=\"{nonce}\"")), "the inline scripts carry it");
    assert_eq!(page.headers["x-frame-options"], "DENY");
    assert!(page.headers["cache-control"].to_str().unwrap().contains("private"));
    assert!(!page.headers.contains_key("strict-transport-security"), "not on http");
    let api = reqwest::get(app.url("/api/form_state?scope=x")).await.unwrap();
    assert_eq!(api.headers()["cache-control"], "no-store", "a server function's answer is never cached");
    let other = app.get("/robots.txt").await;
    assert!(other.headers["content-security-policy"].to_str().unwrap().contains("script-src 'none'"));

    let https = spawn_with(|c| c.base_url = c.base_url.replace("http://", "https://")).await;
    let res = https.http.get(https.url("/robots.txt")).send().await.unwrap();
    assert!(res.headers().contains_key("strict-transport-security"));
}

#[tokio::test]
async fn writes_need_this_sites_origin_and_requests_this_sites_host() {
    let app = spawn().await;
    let k = key();
    let form = comment("Ada", "", "From elsewhere", &k);
    let wrong_scheme = app.base.replace("http://", "https://");
    for origin in
        [wrong_scheme.as_str(), "null", "http://evil.example", &format!("{}.evil.example", app.base)]
    {
        let res =
            reply(app.http.post(app.url("/api/post_comment")).header("origin", origin).form(&form)).await;
        assert_eq!(res.status, 403, "{origin}");
    }
    let res = reply(
        app.http
            .post(app.url("/api/post_comment"))
            .header("origin", &app.base)
            .header("sec-fetch-site", "cross-site")
            .form(&form),
    )
    .await;
    assert_eq!(res.status, 403);
    assert_eq!(app.comment_count().await, 0);
    let rebound = app.http.get(app.url(ARTICLE)).header("host", "evil.example").send().await.unwrap();
    assert_eq!(rebound.status().as_u16(), 400);
}

#[tokio::test]
async fn a_server_function_never_redirects_off_the_site() {
    let app = spawn().await;
    let get = |referer: String| {
        app.http
            .get(app.url(&format!("/api/notify_state?slug={SLUG}")))
            .header("accept", "text/html")
            .header("referer", referer)
            .send()
    };
    // leptos_axum sends a server function's answer back to the Referer: only ever a page here
    for referer in ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)"] {
        let res = get(referer.to_string()).await.unwrap();
        assert_eq!(res.status().as_u16(), 302, "{referer}");
        assert_eq!(res.headers()["location"], "/", "{referer}");
    }
    let own = get(app.url(ARTICLE)).await.unwrap();
    let kept = own.headers()["location"].to_str().unwrap().to_string();
    assert!(kept.starts_with(&app.url(ARTICLE)), "a page of this site is kept: {kept}");
}

#[tokio::test]
async fn behind_a_proxy_the_address_the_proxy_saw_is_the_one_limited() {
    let app = spawn_with(|c| {
        c.trust_proxy = 1;
        c.limits.comments_per_ip = 1;
    })
    .await;
    let app = &app;
    let post = |xff: &'static str, body: &'static str| {
        let k = key();
        async move {
            let f = comment("Ada", "", body, &k);
            reply(app.http.post(app.url("/api/post_comment")).header("x-forwarded-for", xff).form(&f)).await
        }
    };
    assert_eq!(post("1.1.1.1, 203.0.113.5", "first").await.status, 200);
    assert_eq!(post("9.9.9.9, 203.0.113.5", "second").await.status, 429, "a forged left entry is ignored");
}

#[tokio::test]
async fn an_unknown_section_is_a_plain_404() {
    let app = spawn().await;
    let res = app.get("/section/Hacked%20by%20Mallory").await;
    assert_eq!(res.status, 404);
    assert!(!res.body.contains("Mallory"), "the URL's words are not repeated");
    let world = app.get("/section/world").await;
    assert!(world.body.contains(">World</h1>"), "{}", world.body);
}

// ---------------------------------------------------------------------------------------------
// Every write transaction ends

#[tokio::test]
async fn a_vote_or_a_delete_that_fails_midway_leaves_the_database_writable() {
    let app = spawn().await;
    let id = app.comment_as(&app.other_reader(), "A", "A comment to fail on", None).await;
    // make the last statement of each transaction fail, as a full disk or a bug would
    sqlx::query(
        "CREATE TRIGGER fail_score BEFORE UPDATE OF score ON comments BEGIN SELECT RAISE(ABORT, 'injected'); END",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "CREATE TRIGGER fail_count BEFORE UPDATE OF comment_count ON articles BEGIN SELECT RAISE(ABORT, 'injected'); END",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let voter = app::server::store::comments::Voter { reader_id: "r", ip_hash: "h", one_per_address: true };
    assert!(app::server::store::comments::toggle_vote(&app.pool, id, voter, 1, 0).await.is_err());
    assert!(app::server::store::comments::mark_deleted(&app.pool, id).await.is_err());
    // another process (its own pool) can still write at once: no transaction kept the lock
    let other = app::server::store::connect(&app.db_url).await.unwrap();
    let write = sqlx::query("INSERT INTO settings (name, value) VALUES ('probe', 'x')").execute(&other);
    let done = tokio::time::timeout(Duration::from_secs(3), write).await;
    assert!(matches!(done, Ok(Ok(_))), "the write waited on a lock left behind: {done:?}");
    let votes: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM comment_votes").fetch_one(&other).await.unwrap();
    assert_eq!(votes, 0, "the failed vote was rolled back");
}
