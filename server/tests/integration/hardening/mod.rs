//! Issue "tried as an attacker would": each abuse that was reproduced against main, tried again
//! over HTTP against a real server on a real SQLite file (and a real SMTP server for mail).
use crate::common::smtp::Sink;
use crate::common::*;
use std::time::Duration;

mod headers;
mod other_writes;
mod spam_relay;
mod text;
mod transactions;
mod votes_and_keys;

pub(super) async fn subscribe(s: &Session<'_>, email: &str) -> Reply {
    subscribe_to(s, email, "follow_ups").await
}

pub(super) async fn subscribe_to(s: &Session<'_>, email: &str, kind: &str) -> Reply {
    s.post_js(
        "/api/set_subscription",
        &[("article", SLUG), ("kind", kind), ("email", email), ("action", "subscribe")],
    )
    .await
}

/// Follows a confirmation mail's button as `s` (the browser that opens the mail).
pub(super) async fn confirm_as(s: &Session<'_>, mail: &crate::common::smtp::Mail) {
    let link = mail.link("/subscriptions/confirm?token=");
    let path = link.strip_prefix(&s.app.base).unwrap().to_string();
    assert_eq!(s.post_plain(&path, &[]).await.status, 303);
}

/// `s` subscribes `email` to `kind` and confirms it through the mailed link in the same browser.
pub(super) async fn subscribe_confirmed(s: &Session<'_>, sink: &Sink, email: &str, kind: &str) {
    assert_eq!(subscribe_to(s, email, kind).await.status, 200);
    let mail = sink.wait_for(email, "Confirm", 1).await.pop().unwrap();
    confirm_as(s, &mail).await;
}

pub(super) async fn post_as(s: &Session<'_>, name: &str, email: &str, body: &str, notify: bool) -> Reply {
    let k = key();
    let mut form = comment(name, email, body, &k);
    if notify {
        form.push(("notify", "true"));
    }
    s.post_js("/api/post_comment", &form).await
}

/// A request from client address `ip` behind one trusted proxy.
pub(super) fn from_ip(app: &TestApp, ip: &str, path: &str) -> reqwest::RequestBuilder {
    app.http.post(app.url(path)).header("origin", &app.base).header("x-forwarded-for", format!("{ip}, {ip}"))
}

pub(super) async fn reply(res: reqwest::RequestBuilder) -> Reply {
    let res = res.send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let location = headers.get("location").and_then(|v| v.to_str().ok()).map(String::from);
    Reply { status, location, body: res.text().await.unwrap(), headers }
}

pub(super) fn cookie_of(r: &Reply) -> Option<String> {
    r.headers.get_all("set-cookie").iter().find_map(|v| {
        let v = v.to_str().ok()?;
        v.starts_with("byline_reader=").then(|| v.split(';').next().unwrap().to_string())
    })
}
