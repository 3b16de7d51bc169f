//! The Contact Us inbox in the desk: read, unread, archived; editors only.
use super::*;

#[tokio::test]
async fn editors_file_contact_messages_and_moderators_do_not_see_them() {
    let app = spawn().await;
    let k = key_for("contact", 60);
    let form = [
        ("name", "Ada"),
        ("email", "ada@example.com"),
        ("subject", "Tip <b>"),
        ("message", "Look into the treaty."),
        ("key", k.as_str()),
    ];
    assert_eq!(app.post_js("/api/contact", &form).await.status, 200);
    let anonymous = app.get("/desk/inbox").await;
    assert_eq!(anonymous.status, 302);
    assert!(!anonymous.body.contains("Look into the treaty."));
    let moderator = staff(&app, "moderator").await;
    let refused = moderator.get("/desk/inbox").await;
    assert_eq!(refused.status, 403);
    assert!(!refused.body.contains("Look into the treaty."));

    let editor = staff(&app, "editor").await;
    let inbox = editor.get("/desk/inbox").await.body;
    assert!(inbox.contains("Look into the treaty.") && inbox.contains("Tip &lt;b&gt;"), "{inbox}");
    assert!(inbox.contains("mailto:ada@example.com"));
    assert!(editor.get("/desk").await.body.contains("unread messages"));
    let id: i64 = db::query_scalar("SELECT id FROM contact_messages").fetch_one(&app.pool).await.unwrap();
    let id = id.to_string();
    let form = editor.form("/desk/inbox", "form[action='/desk/inbox']").await.press("state", "archived");
    assert_eq!(form.value("id"), id);
    let res = form.post_plain(&editor).await;
    assert_eq!(res.status, 303);
    assert!(!editor.get("/desk/inbox").await.body.contains("Look into the treaty."));
    assert!(editor.get("/desk/inbox?state=archived").await.body.contains("Look into the treaty."));
    // forged: a moderator has no inbox page, and "deleted" is no button of it
    let res = moderator.post_plain("/desk/inbox", &[("id", &id), ("state", "read")]).await;
    assert_eq!(res.status, 403, "a moderator cannot file messages either");
    let bad = editor.post_plain("/desk/inbox", &[("id", &id), ("state", "deleted")]).await;
    assert_eq!(bad.status, 400);
    let log = audit(&app).await;
    assert!(log.iter().any(|(a, _, b, after)| a == "message"
        && b.as_deref() == Some("unread")
        && after.as_deref() == Some("archived")));
}
