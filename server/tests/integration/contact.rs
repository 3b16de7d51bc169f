//! The Contact Us form, with and without JavaScript.
use crate::common::*;

async fn stored(app: &TestApp) -> Vec<(String, String)> {
    db::query_as("SELECT subject, message FROM contact_messages").fetch_all(&app.pool).await.unwrap()
}

/// The Contact Us page's form, filled in.
async fn filled(app: &TestApp, name: &str, email: &str, subject: &str, text: &str) -> Form {
    let form = app.me().form("/contact", "form.contact-form").await;
    form.set("name", name).set("email", email).set("subject", subject).set("message", text)
}

#[tokio::test]
async fn a_valid_message_is_stored_once() {
    let app = spawn().await;
    let form = filled(&app, "Ada", "ada@example.com", "Tip", "Look into this.").await;
    // sent twice with JavaScript (a double click), then once more without
    assert_eq!(form.post_js(&app.me()).await.status, 200);
    assert_eq!(form.post_js(&app.me()).await.status, 200);
    let res = form.post_plain(&app.me()).await;
    assert_eq!(res.status, 303);
    assert_eq!(res.location.as_deref(), Some("/contact?sent=1"));
    assert_eq!(stored(&app).await, vec![("Tip".to_string(), "Look into this.".to_string())]);
    let page = app.get("/contact?sent=1").await;
    assert!(page.body.contains("your message was sent"));
}

#[tokio::test]
async fn an_invalid_message_is_refused_field_by_field() {
    let app = spawn().await;
    let res = filled(&app, "", "x@", "", "").await.post_js(&app.me()).await;
    assert_eq!(res.status, 400);
    let err: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    let fields: Vec<&str> =
        err["Invalid"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["name", "email", "subject", "message"]);

    let res = filled(&app, "Ada", "ada@", "Tip", "Keep me").await.post_plain(&app.me()).await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("valid email address"));
    assert!(res.body.contains(">Keep me</textarea>"));
    assert!(res.body.contains("value=\"Tip\""));
    assert!(stored(&app).await.is_empty());
}
