//! Every other write surface.
#[allow(unused_imports)]
use super::*;

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
        db::query_scalar::<i64>("SELECT COUNT(*) FROM contact_messages").fetch_one(&app.pool).await.unwrap()
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
        db::query_as("SELECT created_at, id FROM comments ORDER BY created_at, id LIMIT 1")
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
