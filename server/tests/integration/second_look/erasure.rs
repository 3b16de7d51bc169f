//! Hole 5: a reader who asks to be erased is erased everywhere we hold them, whatever case
//! their address was typed in, and their export lists all of it. Hole 10: a mailed link works
//! once.
use super::*;
use crate::desk::{audit, data_link, post, settings, staff};

/// Every text column of every table that could hold `needle`, as `table.column`.
async fn where_found(app: &TestApp, needle: &str) -> Vec<String> {
    let tables: Vec<String> = db::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .or_postgres(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut found = Vec::new();
    for table in tables {
        let columns: Vec<String> =
            db::query_scalar(db::AssertSqlSafe(format!("SELECT name FROM pragma_table_info('{table}')")))
                .or_postgres(db::AssertSqlSafe(format!(
                    "SELECT column_name::text FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name = '{table}'"
                )))
                .fetch_all(&app.pool)
                .await
                .unwrap();
        for column in columns {
            let n: i64 = db::query_scalar(db::AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM \"{table}\" WHERE instr(lower(CAST(\"{column}\" AS TEXT)), lower($1)) > 0"
            )))
            .or_postgres(db::AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM \"{table}\" WHERE strpos(lower(CAST(\"{column}\" AS TEXT)), lower($1)) > 0"
            )))
            .bind(needle)
            .fetch_one(&app.pool)
            .await
            .unwrap();
            if n > 0 {
                found.push(format!("{table}.{column}"));
            }
        }
    }
    found
}

#[tokio::test]
async fn an_erasure_leaves_nothing_of_the_reader_behind_and_the_export_lists_it_all() {
    let app = spawn().await;
    let admin = staff(&app, "admin").await;
    settings(&admin, &[("reports_to_hold", "0")]).await;
    let zoe = app.reader("zoe");
    // typed in capitals, with a letter SQLite's NOCASE does not fold
    let (_, said, _) = post(&zoe, "ZOË@example.com", "Zoë's own words, unmistakable.", None).await;
    let (_, other, _) = post(&app.reader("other"), "", "Someone else's comment.", None).await;
    // the desk edits her comment (its text goes to the audit log) and bans her address
    let form = admin.form(&format!("/desk/comments/{said}"), "form.desk-form").await;
    let res = form.set("body", "Zoë's words, as the desk tidied them.").post_plain(&admin).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let form = admin.form(&format!("/desk/bans?comment={said}"), "form[action='/desk/bans']").await;
    let res = form.choose("kind", "email").set("reason", "Rude").post_plain(&admin).await;
    assert_eq!(res.status, 303, "{}", res.body);
    // she reports a comment, with a note
    let form = zoe.form(&format!("{ARTICLE}?report={other}"), "form.report-form").await;
    let res = form.choose("reason", "other").set("note", "Zoë's note on the report").post_js(&zoe).await;
    assert_eq!(res.status, 200, "{}", res.body);
    // she asks for her data: a mail, a link
    let form = nobody(&app).form("/privacy", "form[action='/api/request_reader_data']").await;
    let res = form.set("email", "Zoë@Example.com").press("action", "export").post_js(&nobody(&app)).await;
    assert_eq!(res.status, 200, "{}", res.body);
    app.outbox_settled().await;
    let link: String = db::query_scalar("SELECT hash FROM data_requests").fetch_one(&app.pool).await.unwrap();
    assert!(!link.is_empty(), "the worker made her link");

    // her export lists everything we hold
    let token = data_link(&app, "zoë@example.com", "export").await;
    let page = nobody(&app).get(&format!("/privacy/data?token={token}")).await;
    let res = Form::in_page(&page.body, "form[action^='/privacy/data']").post_plain(&nobody(&app)).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let data: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(data["comments"][0]["text"], "Zoë's words, as the desk tidied them.");
    assert_eq!(data["reports"][0]["note"], "Zoë's note on the report");
    assert_eq!(data["bans"][0]["reason"], "Rude");
    assert!(data["mail"].as_array().unwrap().iter().any(|m| m["kind"] == "data"), "{data}");
    assert!(data["data_requests"].as_array().unwrap().len() >= 2, "{data}");
    assert!(where_found(&app, "zoë@example.com").await.len() > 3);

    // erased, asked for in lower case
    let res = crate::desk::erase_reader(&admin, "zoë@example.com").await;
    assert_eq!(res.status, 303, "{}", res.body);
    // (no apostrophes: the HTML columns write them as entities)
    for needle in ["zoë@example.com", "unmistakable", "as the desk tidied", "note on the report"] {
        assert_eq!(where_found(&app, needle).await, Vec::<String>::new(), "{needle} is still held");
    }
    let reports: i64 = db::query_scalar("SELECT COUNT(*) FROM reports").fetch_one(&app.pool).await.unwrap();
    assert_eq!(reports, 0, "her report went with her");
    // the log keeps that an erasure happened, not what was erased
    let log = audit(&app).await;
    assert!(
        log.iter().any(|(a, _, _, after)| a == "reader data erased"
            && after.as_deref().is_some_and(|a| a.contains("1 reports"))),
        "{log:?}"
    );
    assert!(log.iter().any(|(a, _, b, after)| a == "comment edited" && b.is_none() && after.is_none()));
    // the ban still stops her address, without naming it
    let (status, _, _) = post(&app.reader("zoe again"), "ZOË@example.com", "Back again.", None).await;
    assert_eq!(status, 403, "the ban holds after the erasure");
    let bans = admin.get("/desk/bans").await.body;
    assert!(bans.contains("(an erased address)") && !bans.to_lowercase().contains("zoë@"), "{bans}");
    // the link she was mailed is used up
    let page = nobody(&app).get(&format!("/privacy/data?token={token}")).await;
    assert!(!page.body.contains("Download my data"), "{}", page.body);
}

#[tokio::test]
async fn addresses_stored_as_typed_are_lower_cased_once_at_start() {
    if on_postgres() {
        // only an older SQLite database holds addresses as typed: PostgreSQL's were created
        // later (`server db copy` reads a source whose start folded them)
        return;
    }
    let app = spawn().await;
    let (_, id, _) =
        post(&app.reader("zoe"), "zoe@example.com", "Stored before addresses were folded.", None).await;
    // as an older version stored it, and the contact form too
    db::query("UPDATE comments SET author_email = 'ZOË@Example.COM' WHERE id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    db::query(
        "INSERT INTO contact_messages (name, email, subject, message, created_at, submission_key)
         VALUES ('Zoë', 'ZOË@EXAMPLE.com', 'Hi', 'Hello', 1, 'k')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    db::query("DELETE FROM settings WHERE name = 'emails_folded'").execute(&app.pool).await.unwrap();
    app::server::store::migrate(&app.pool).await.unwrap();
    let comment: String = db::query_scalar("SELECT author_email FROM comments WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let message: String =
        db::query_scalar("SELECT email FROM contact_messages").fetch_one(&app.pool).await.unwrap();
    assert_eq!((comment.as_str(), message.as_str()), ("zoë@example.com", "zoë@example.com"));
    // and a reader's request finds them
    assert!(app::server::store::desk::readers::holds_data(&app.pool, "zoë@example.com").await.unwrap());
}

#[tokio::test]
async fn a_mailed_export_link_works_once_and_is_logged() {
    let app = spawn().await;
    let (_, _, _) = post(&app.reader("ada"), "ada@example.com", "Ada was here.", None).await;
    let token = data_link(&app, "ada@example.com", "export").await;
    let link = format!("/privacy/data?token={token}");
    let form = Form::in_page(&nobody(&app).get(&link).await.body, "form[action^='/privacy/data']");
    let first = form.post_plain(&nobody(&app)).await;
    assert_eq!(first.status, 200);
    assert!(first.body.contains("Ada was here."));
    // the same link again (a forwarded mail, a shared screen): nothing
    let again = form.post_plain(&nobody(&app)).await;
    assert_eq!(again.status, 303, "{}", again.body);
    assert!(!again.body.contains("Ada was here."));
    assert!(nobody(&app).get(&link).await.body.contains("used already"));
    let log = audit(&app).await;
    assert_eq!(log.iter().filter(|(a, ..)| a == "reader data exported").count(), 1, "{log:?}");
}

/// A browser someone else also used (a family computer): its other address's comments, its
/// comments without an address and its votes are not this reader's to download or erase.
#[tokio::test]
async fn a_shared_browser_gives_away_nobody_elses_data() {
    let app = spawn().await;
    let shared = app.reader("family computer");
    let (_, mine, _) = post(&shared, "me@example.com", "Mine, with my address.", None).await;
    let (_, theirs, _) = post(&shared, "sibling@example.com", "My sibling's, with theirs.", None).await;
    let (_, anonymous, _) = post(&shared, "", "Someone's, without an address.", None).await;
    let other = app.comment_as(&app.reader("elsewhere"), "Else", "A comment to vote on.", None).await;
    let vote = shared.vote_form(ARTICLE, other, "up").await.post_js(&shared).await;
    assert_eq!(vote.status, 200);
    let data = app::server::store::desk::readers::export(&app.pool, "me@example.com", 0).await.unwrap();
    let ids: Vec<i64> =
        data["comments"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [mine], "{data}");
    assert_eq!(data["votes"].as_array().unwrap().len(), 0, "the browser is not theirs alone: {data}");
    let admin = staff(&app, "admin").await;
    let res = crate::desk::erase_reader(&admin, "me@example.com").await;
    assert_eq!(res.status, 303, "{}", res.body);
    let left: Vec<i64> =
        db::query_scalar("SELECT id FROM comments ORDER BY id").fetch_all(&app.pool).await.unwrap();
    assert_eq!(left, [theirs, anonymous, other]);
    let votes: i64 =
        db::query_scalar("SELECT COUNT(*) FROM comment_votes").fetch_one(&app.pool).await.unwrap();
    assert_eq!(votes, 1);
}
