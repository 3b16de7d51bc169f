//! Votes, form keys, duplicates.
#[allow(unused_imports)]
use super::*;

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
    let score: i64 = db::query_scalar("SELECT score FROM comments WHERE id = $1")
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
    let anon = Session { app: &app, cookie: String::new() };
    let form = anon.comment_form(None).await.set("name", "Ada").set("body", "Clicked twice, no cookie yet.");
    let (a, b) = tokio::join!(form.post_js(&anon), form.post_js(&anon));
    assert_eq!((a.status, b.status), (200, 200), "{} / {}", a.body, b.body);
    assert_eq!(a.json()["id"], b.json()["id"]);
    // only the answer that made the comment makes its writer a reader: a repeated key carries
    // no authority (a shared cache may have given the same key to someone else)
    let cookies: Vec<String> = [cookie_of(&a), cookie_of(&b)].into_iter().flatten().collect();
    assert_eq!(cookies.len(), 1, "one reader cookie, with the first answer");
    assert_eq!(app.comment_count().await, 1);
    // that reader may edit the comment
    let author = Session { app: &app, cookie: cookies[0].clone() };
    let id = a.json()["id"].as_i64().unwrap().to_string();
    let edit = author
        .post_js("/api/edit_comment", &[("comment", &id), ("body", "Edited."), ("back", ARTICLE)])
        .await;
    assert_eq!(edit.status, 200, "{}", edit.body);
}
