//! Mail under faults, against a real SMTP server that misbehaves: slower than the lease with two
//! workers, refusing for now (4xx), refusing for good (5xx), and hanging.
use crate::common::smtp::{Behaviour, Sink};
use crate::common::*;
use std::time::Duration;

async fn app_with(sink: &Sink, adjust: impl FnOnce(&mut server::config::Config) + Send + 'static) -> TestApp {
    let url = sink.url();
    spawn_with(move |c| {
        c.mail.smtp_url = Some(url);
        c.mail.poll = Duration::from_millis(50);
        c.mail.retry_base = Duration::from_millis(50);
        adjust(c);
    })
    .await
}

/// `email` subscribed to every new comment on the seed article, confirmed in its own browser.
async fn follower(app: &TestApp, sink: &Sink, email: &str) {
    let s = app.reader(email);
    let res = s
        .post_js(
            "/api/set_subscription",
            &[("article", SLUG), ("kind", "follow_ups"), ("email", email), ("action", "subscribe")],
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let mail = sink.wait_for(email, "Confirm", 1).await.pop().unwrap();
    let path = mail.link("/subscriptions/confirm?token=").replace(&app.base, "");
    assert_eq!(s.post_plain(&path, &[]).await.status, 303);
    let confirmed: i64 =
        db::query_scalar("SELECT COUNT(*) FROM subscriptions WHERE email = $1 AND confirmed = 1")
            .bind(email)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(confirmed, 1);
}

/// The outbox row of the notification about `comment` to `email`.
async fn row(app: &TestApp, email: &str, comment: i64) -> (String, i64, Option<String>) {
    db::query_as("SELECT status, attempts, last_error FROM outbox WHERE kind = 'notify' AND email = $1 AND comment_id = $2")
        .bind(email)
        .bind(comment)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// The comment ids in the notifications `email` received, in arrival order.
fn notified(sink: &Sink, email: &str) -> Vec<i64> {
    sink.to(email, "New ")
        .iter()
        .map(|m| m.link("#comment-").rsplit("#comment-").next().unwrap().parse().unwrap())
        .collect()
}

#[tokio::test]
async fn two_workers_and_an_smtp_server_slower_than_the_lease_send_each_mail_once() {
    let sink = Sink::start().await;
    let lease = Duration::from_millis(300);
    let app = app_with(&sink, move |c| c.mail.lease = lease).await;
    follower(&app, &sink, "slow@example.com").await;
    // a second worker with its own connection pool, as another server process would have
    let config = app::server::mail::MailConfig {
        smtp_url: Some(sink.url()),
        poll: Duration::from_millis(20),
        lease,
        ..app::server::mail::MailConfig::with_defaults(&app.base)
    };
    let second = app::server::mail::Mailer {
        pool: app::server::store::connect(&app.db_url, std::time::Duration::from_secs(10)).await.unwrap(),
        config: std::sync::Arc::new(config.clone()),
        base_url: app.base.clone(),
        per_address_per_day: 1000,
        wake: Default::default(),
        clock: app::server::clock::Clock::system(),
    };
    tokio::spawn(second.run(app::server::mail::Transport::from_config(&config).unwrap()));
    // each mail takes three leases to be accepted
    sink.behave(Behaviour::SlowAccept(lease * 3));
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(
            app.comment_as(&app.other_reader(), "Writer", &format!("Slow news number {i}."), None).await,
        );
    }
    app.outbox_settled().await;
    let mut got = notified(&sink, "slow@example.com");
    got.sort();
    assert_eq!(got, ids, "each comment mailed exactly once");
    for id in ids {
        assert_eq!(row(&app, "slow@example.com", id).await.0, "sent");
    }
}

/// The SMTP server took the mail, and the database refuses to record it for a moment
/// (PostgreSQL restarting, a full disk): the worker keeps trying while its lease holds, so no
/// worker claims the row after the lease and sends it again.
#[tokio::test]
async fn a_mail_the_database_could_not_record_as_sent_at_once_is_not_sent_again() {
    let sink = Sink::start().await;
    let app = app_with(&sink, |c| c.mail.lease = Duration::from_secs(60)).await;
    follower(&app, &sink, "once@example.com").await;
    refuse_writes_if(&app, "no_sent_mark", "BEFORE UPDATE ON outbox", Some("NEW.status = 'sent'")).await;
    let id = app.comment_as(&app.other_reader(), "Writer", "Sent before it was recorded.", None).await;
    sink.wait_for("once@example.com", "New ", 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_ne!(row(&app, "once@example.com", id).await.0, "sent", "the mark was refused");
    allow_writes(&app, "no_sent_mark", "outbox").await;
    wait_until("the mail is recorded as sent once the database takes writes", || async {
        row(&app, "once@example.com", id).await.0 == "sent"
    })
    .await;
    // past the lease, where another claim would have sent it again
    app.clock.advance(120);
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.outbox_settled().await;
    assert_eq!(notified(&sink, "once@example.com"), vec![id], "mailed once");
}

#[tokio::test]
async fn a_mail_refused_for_now_is_retried_and_delivered_once() {
    let sink = Sink::start().await;
    let app = app_with(&sink, |_| {}).await;
    follower(&app, &sink, "later@example.com").await;
    sink.behave(Behaviour::TryLater);
    let id = app.comment_as(&app.other_reader(), "Writer", "Refused for now, sent later.", None).await;
    wait_until("two refused attempts", || async {
        let (status, attempts, _) = row(&app, "later@example.com", id).await;
        status == "pending" && attempts >= 2
    })
    .await;
    let (_, _, error) = row(&app, "later@example.com", id).await;
    assert!(error.as_deref().is_some_and(|e| e.contains("451")), "the 4xx is recorded: {error:?}");
    assert!(notified(&sink, "later@example.com").is_empty());
    sink.behave(Behaviour::Accept);
    app.outbox_settled().await;
    assert_eq!(notified(&sink, "later@example.com"), vec![id]);
    assert_eq!(row(&app, "later@example.com", id).await.0, "sent");
}

#[tokio::test]
async fn a_mail_refused_for_good_is_given_up_at_once_recorded_and_shown_to_the_editors() {
    let sink = Sink::start().await;
    let app = app_with(&sink, |_| {}).await;
    follower(&app, &sink, "gone@example.com").await;
    sink.behave(Behaviour::Refuse);
    let id = app.comment_as(&app.other_reader(), "Writer", "Nobody reads this address.", None).await;
    app.outbox_settled().await;
    let (status, attempts, error) = row(&app, "gone@example.com", id).await;
    assert_eq!((status.as_str(), attempts), ("dropped", 1), "given up after the first 5xx");
    assert!(error.as_deref().is_some_and(|e| e.contains("550")), "{error:?}");
    // the editors see it, with the reason
    let editor = crate::desk::staff(&app, "editor").await;
    let page = editor.get("/desk/inbox").await.body;
    let table = page.split("Mail not delivered").nth(1).expect("the undelivered mail section");
    assert!(table.contains("gone@example.com") && table.contains("550"), "{table}");
    assert!(table.contains("after 1 attempt"), "{table}");
}

#[tokio::test]
async fn a_hanging_smtp_server_times_out_and_the_mail_is_retried() {
    let sink = Sink::start().await;
    let app = app_with(&sink, |c| c.mail.smtp_timeout = Duration::from_millis(300)).await;
    follower(&app, &sink, "hung@example.com").await;
    sink.behave(Behaviour::Hang);
    let id = app.comment_as(&app.other_reader(), "Writer", "Sent through a server that hung.", None).await;
    wait_until("a timed-out attempt", || async {
        let (status, attempts, _) = row(&app, "hung@example.com", id).await;
        status == "pending" && attempts >= 1
    })
    .await;
    let (_, _, error) = row(&app, "hung@example.com", id).await;
    assert!(error.as_deref().is_some_and(|e| e.to_lowercase().contains("timed out")), "{error:?}");
    sink.behave(Behaviour::Accept);
    app.outbox_settled().await;
    assert_eq!(notified(&sink, "hung@example.com"), vec![id]);
}

/// A batch's lease renewal refused for a moment (PostgreSQL restarting, as the cluster test
/// does it): the rows this worker claimed and had not sent yet go out as soon as the database
/// takes writes again, not a whole lease (a minute) later, and each is sent once.
#[tokio::test]
async fn a_batch_whose_lease_renewal_was_refused_is_sent_once_the_database_is_back() {
    let sink = Sink::start().await;
    let app = app_with(&sink, |c| c.mail.lease = Duration::from_secs(60)).await;
    follower(&app, &sink, "first@example.com").await;
    follower(&app, &sink, "second@example.com").await;
    // the claim may take the row; renewing its lease (same owner, still pending) is refused
    refuse_writes_if(
        &app,
        "no_renewal",
        "BEFORE UPDATE ON outbox",
        Some(
            "NEW.kind = 'notify' AND NEW.email = 'second@example.com' AND NEW.status = 'pending'
             AND OLD.lease_owner IS NOT NULL AND NEW.lease_owner = OLD.lease_owner",
        ),
    )
    .await;
    let id = app.comment_as(&app.other_reader(), "Writer", "Two readers follow this.", None).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(notified(&sink, "second@example.com").is_empty(), "the renewal was refused, nothing sent");
    allow_writes(&app, "no_renewal", "outbox").await;
    // the clock stands still: a row left to its lease would wait a minute
    wait_until("both readers mailed", || async {
        !notified(&sink, "first@example.com").is_empty() && !notified(&sink, "second@example.com").is_empty()
    })
    .await;
    app.outbox_settled().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(notified(&sink, "first@example.com"), vec![id], "mailed once");
    assert_eq!(notified(&sink, "second@example.com"), vec![id], "mailed once");
}
