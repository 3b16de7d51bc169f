//! Scheduled publication: at its minute, by the worker, exactly once with several servers,
//! shown at once to readers of every server; and unscheduling.
use super::*;

#[tokio::test]
async fn a_scheduled_story_goes_out_once_at_its_time_on_every_server() {
    let a = spawn().await;
    let b = spawn_beside(&a, |c| c.clock = a.clock.clone()).await;
    let editor_s = staff(&a, "editor").await;
    let id = draft(&editor_s, "Embargoed until noon", "World", "Embargoed text.").await;
    let at = next_minute(&a, 2);
    let res = schedule(&editor_s, id, at).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let slug = slug_of(&a, id).await;
    // both servers' front pages kept before the time
    for app in [&a, &b] {
        for _ in 0..2 {
            assert!(!cookieless(app, "/").await.body.contains(&slug));
        }
    }
    // a minute short: still waiting
    a.clock.advance(at - a.clock.now() - 30);
    tokio::time::sleep(server::scheduled::POLL * 2).await;
    assert_eq!(stored(&a, id).await.0, "scheduled");
    a.clock.advance(31);
    wait_until("published by a worker", || async { stored(&a, id).await.0 == "published" }).await;
    for app in [&a, &b] {
        wait_until("on both servers' front pages", || async {
            cookieless(app, "/").await.body.contains(&slug)
        })
        .await;
        assert_eq!(cookieless(app, &format!("/articles/{slug}")).await.status, 200);
    }
    let published_at: i64 = db::query_scalar("SELECT published_at FROM articles WHERE id = $1")
        .bind(id)
        .fetch_one(&a.pool)
        .await
        .unwrap();
    assert_eq!(published_at, at, "dated at its minute");
    // the two workers kept polling: still one publication
    tokio::time::sleep(server::scheduled::POLL * 2).await;
    let publications = crate::desk::audit(&a)
        .await
        .into_iter()
        .filter(|(action, target, _, after)| {
            action == "story status"
                && target == &format!("story {slug}")
                && after.as_deref() == Some("published")
        })
        .count();
    assert_eq!(publications, 1);
}

#[tokio::test]
async fn many_workers_at_once_publish_a_due_story_exactly_once() {
    let app = spawn().await;
    let editor_s = staff(&app, "editor").await;
    let id = draft(&editor_s, "Raced", "World", "x").await;
    let at = next_minute(&app, 10);
    assert_eq!(schedule(&editor_s, id, at).await.status, 303);
    // the server's own worker waits for its clock; eight more are at it past the time, at once
    let rounds = (0..8).map(|_| {
        let pool = app.pool.clone();
        tokio::spawn(async move { app::server::store::stories::publish_due(&pool, at + 1).await.unwrap() })
    });
    let mut published = Vec::new();
    for r in rounds {
        published.extend(r.await.unwrap());
    }
    assert_eq!(published, vec![(id, slug_of(&app, id).await)], "one worker published it");
    assert_eq!(stored(&app, id).await.0, "published");
}

#[tokio::test]
async fn scheduling_asks_for_a_future_minute_and_can_be_undone() {
    let app = spawn().await;
    let editor_s = staff(&app, "editor").await;
    let id = draft(&editor_s, "Later", "World", "x").await;
    let res = schedule(&editor_s, id, next_minute(&app, -5)).await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("Choose a time in the future"));
    let res = editor(&editor_s, &id.to_string())
        .await
        .set("publish_at", "tomorrow")
        .press("action", "schedule")
        .post_plain(&editor_s)
        .await;
    assert_eq!(res.status, 400);
    let at = next_minute(&app, 30);
    assert_eq!(schedule(&editor_s, id, at).await.status, 303);
    let page = editor_s.get(&format!("/desk/stories/{id}")).await.body;
    assert!(page.contains(&format!("datetime=\"{}\"", app::domain::time::iso8601(at))), "the desk says when");
    done(&editor_s, id, "unschedule").await;
    assert_eq!(stored(&app, id).await.0, "draft");
    app.clock.advance(3600);
    tokio::time::sleep(server::scheduled::POLL * 2).await;
    assert_eq!(stored(&app, id).await.0, "draft", "not published once unscheduled");
}
