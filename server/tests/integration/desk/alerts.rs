//! Staff are told: a mail per held or reported comment, or an hourly digest; the front page.
use super::*;
use crate::common::smtp::Sink;

#[tokio::test]
async fn moderators_get_mail_at_once_or_an_hourly_digest() {
    let sink = Sink::start().await;
    let url = sink.url();
    let app = spawn_with(move |c| c.mail.smtp_url = Some(url)).await;
    let admin = staff(&app, "admin").await;
    account(&app, "now@news.example", "moderator").await;
    let hourly = account(&app, "hourly@news.example", "moderator").await;
    let quiet = account(&app, "quiet@news.example", "moderator").await;
    db::query("UPDATE staff SET alerts = 'hourly' WHERE id = $1")
        .bind(hourly)
        .execute(&app.pool)
        .await
        .unwrap();
    db::query("UPDATE staff SET alerts = 'none' WHERE id = $1").bind(quiet).execute(&app.pool).await.unwrap();
    settings(&admin, &[("hold", "all"), ("reports_to_hold", "5")]).await;
    let (_, _, held) = post(&app.reader("r1"), "r1@example.com", "Please hold me.", None).await;
    assert!(held);
    let mail = sink.wait_for("now@news.example", "Held for review", 1).await.pop().unwrap();
    assert!(mail.text().contains("Please hold me.") && mail.text().contains("/desk/queue"));
    // a report (of an approved comment)
    settings(&admin, &[("hold", "none"), ("reports_to_hold", "5")]).await;
    let id = app.comment_as(&app.other_reader(), "W", "Worth a report.", None).await;
    let res = app
        .reader("rep")
        .post_js("/api/report_comment", &[("comment", &id.to_string()), ("reason", "abuse")])
        .await;
    assert_eq!(res.status, 200);
    sink.wait_for("now@news.example", "Reported", 1).await;
    app.outbox_settled().await;
    assert!(sink.to("hourly@news.example", "").is_empty(), "nothing yet for the digest reader");
    // an hour later the worker queues the digest with both
    app.clock.advance(3601);
    let digest = sink.wait_for("hourly@news.example", "Moderation digest", 1).await.pop().unwrap();
    assert!(
        digest.header("Subject").unwrap().contains("1 held, 1 reported"),
        "{:?}",
        digest.header("Subject")
    );
    assert!(digest.text().contains("Please hold me.") && digest.text().contains("Worth a report."));
    app.outbox_settled().await;
    assert!(sink.to("quiet@news.example", "").is_empty());
    assert_eq!(sink.to("hourly@news.example", "Moderation digest").len(), 1, "one digest");
}

#[tokio::test]
async fn the_front_page_counts_and_charts_comments_per_day() {
    let app = spawn().await;
    let admin = staff(&app, "admin").await;
    for i in 0..3 {
        app.comment_as(&app.other_reader(), "A", &format!("Approved {i}."), None).await;
    }
    settings(&admin, &[("hold", "all")]).await;
    post(&app.reader("h"), "h@example.com", "Held one.", None).await;
    let page = admin.get("/desk").await.body;
    assert!(
        page.contains("<svg") && page.contains("Comments per day over the last 30 days: 4 in all"),
        "{page}"
    );
    assert_eq!(page.matches("class=\"bar-approved\"").count(), 1, "one day with approved comments");
    assert_eq!(page.matches("class=\"bar-held\"").count(), 1);
    assert!(!page.contains("<script src"), "no external script");
    let figures = page.split("Today (UTC)").nth(1).unwrap();
    assert!(figures.contains("<td>3</td>") && figures.contains("<td>1</td>"), "{figures}");
}
