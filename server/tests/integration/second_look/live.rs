//! Hole 10: an article whose comments the editors hid announces none of them live.
use super::*;
use crate::desk::{moderate, settings, staff};
use std::time::Duration;

async fn set_mode(admin: &Session<'_>, mode: &str) {
    assert_eq!(crate::desk::article_mode(admin, mode).await.status, 303);
}

#[tokio::test]
async fn a_hidden_articles_live_stream_announces_nothing() {
    let app = spawn().await;
    let admin = staff(&app, "admin").await;
    settings(&admin, &[("hold", "all")]).await;
    let (_, held, _) = crate::desk::post(&app.reader("a"), "", "Held, approved once hidden.", None).await;
    // a page open before the editors hid the comments
    let mut open = app.http.get(app.url(&format!("{ARTICLE}/events?after={held}"))).send().await.unwrap();
    assert_eq!(open.status().as_u16(), 200);
    set_mode(&admin, "hidden").await;
    // a stream asked for now is refused
    let refused = app.http.get(app.url(&format!("{ARTICLE}/events?after=0"))).send().await.unwrap();
    assert_eq!(refused.status().as_u16(), 404);
    // the held comment approved: the open stream ends without naming it
    moderate(&admin, "approve", held).await;
    let mut seen = String::new();
    loop {
        match tokio::time::timeout(Duration::from_secs(5), open.chunk()).await {
            Ok(Ok(Some(chunk))) => seen.push_str(&String::from_utf8_lossy(&chunk)),
            Ok(_) => break,
            Err(_) => panic!("the stream neither ended nor sent: {seen}"),
        }
    }
    assert!(!seen.contains(&held.to_string()), "{seen}");
}
