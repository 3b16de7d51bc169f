//! Hole 13: a shared cache (a CDN) hands one form key to many readers; someone behind the same
//! network who replays a first-time writer's form (key and text) is never given that writer's
//! reader cookie — a key carries no authority once used.
use super::*;

fn cookie_of(r: &Reply) -> Option<String> {
    r.headers.get("set-cookie").map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
}

#[tokio::test]
async fn a_replayed_form_never_hands_out_the_writers_reader_cookie() {
    let app = spawn().await;
    // one page, as a shared cache gives it to both
    let form = nobody(&app)
        .comment_form(None)
        .await
        .set("name", "Writer")
        .set("body", "Words posted once, by one person.");
    let first = form.post_js(&nobody(&app)).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let writer = cookie_of(&first).expect("the writer becomes a reader");
    let id = first.json()["id"].as_i64().unwrap();
    // the same form again from the same network, at once, in each way a browser sends it
    for replay in [
        form.post_js(&nobody(&app)).await,
        form.post_plain(&nobody(&app)).await,
        form.post_swapped(&nobody(&app)).await,
    ] {
        assert!([200, 204, 303, 409].contains(&replay.status), "{}: {}", replay.status, replay.body);
        assert_eq!(cookie_of(&replay), None, "no reader cookie for a repeated key");
    }
    assert_eq!(app.comment_count().await, 1, "one comment");
    // the writer, with their cookie, may still change it; nobody else got that power
    let edit = Session { app: &app, cookie: writer }.get(&format!("{ARTICLE}?edit={id}")).await;
    assert!(edit.body.contains("edit-form"));
}
