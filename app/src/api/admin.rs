//! The editors' side. Guarded by HTTP Basic authentication (user `editor`, password from
//! `BYLINE_ADMIN_PASSWORD`); its server functions live under /admin/ so the browser sends the
//! credentials it already has for the admin pages.
use crate::domain::ApiError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxMessage {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub subject: String,
    pub message: String,
    pub created_at: i64,
}

pub use crate::domain::notify::UndeliveredMail;

/// What the editors' inbox page shows: Contact Us messages and mail given up on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    pub messages: Vec<InboxMessage>,
    pub undelivered: Vec<UndeliveredMail>,
}

#[server(prefix = "/admin/api", endpoint = "/messages", input = GetUrl)]
pub async fn get_contact_messages() -> Result<Inbox, ApiError> {
    let state = crate::server::state::app_state()?;
    require_editor(&state)?;
    let rows = crate::server::store::contact::latest(&state.pool, 200)
        .await
        .map_err(|e| crate::server::state::internal("listing contact messages", e))?;
    let undelivered = crate::server::store::notify::undelivered(&state.pool, 100)
        .await
        .map_err(|e| crate::server::state::internal("listing undelivered mail", e))?;
    let messages = rows
        .into_iter()
        .map(|m| InboxMessage {
            id: m.id,
            name: m.name,
            email: m.email,
            subject: m.subject,
            message: m.message,
            created_at: m.created_at,
        })
        .collect();
    Ok(Inbox { messages, undelivered })
}

/// Checks the request's Basic credentials; on failure sets 401 + WWW-Authenticate.
#[cfg(feature = "ssr")]
fn require_editor(state: &crate::server::state::AppState) -> Result<(), ApiError> {
    let refuse = |msg: &str| {
        if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
            opts.set_status(http::StatusCode::UNAUTHORIZED);
            opts.insert_header(
                http::header::WWW_AUTHENTICATE,
                http::HeaderValue::from_static("Basic realm=\"Byline editors\", charset=\"UTF-8\""),
            );
        }
        ApiError::Unauthorized(msg.into())
    };
    let Some(expected) = state.site.admin_password.as_deref() else {
        return Err(refuse("The admin is closed: set BYLINE_ADMIN_PASSWORD to open it."));
    };
    // wrong passwords are counted per client address: past the limit every attempt is refused
    // (429) until the hour is over, the right password included, so guessing goes nowhere
    let ip = crate::server::requester::Requester::current(state).ip.to_string();
    let (max, hour) = (state.limits.login_failures_per_ip, std::time::Duration::from_secs(3600));
    let bucket = crate::server::rate_limits::Bucket::LoginFailureIp;
    if let Err(retry_after) = state.rate.check(bucket, &ip, max, hour) {
        tracing::warn!(%ip, "editor sign-in refused: too many wrong passwords");
        let err = ApiError::RateLimited { retry_after };
        crate::server::answer::set_status_for(&err);
        return Err(err);
    }
    let authorization = use_context::<http::request::Parts>()
        .and_then(|p| p.headers.get(http::header::AUTHORIZATION).cloned())
        .and_then(|v| v.to_str().ok().map(str::to_owned));
    let Some(authorization) = authorization else {
        // the browser asks before sending credentials: not a failure
        return Err(refuse("Please sign in as an editor."));
    };
    match basic_password(&authorization, "editor") {
        Some(pw) if same_secret(&pw, expected) => Ok(()),
        _ => {
            let _ = state.rate.hit(bucket, &ip, max, hour);
            tracing::warn!(%ip, "editor sign-in failed: wrong user or password");
            Err(refuse("Please sign in as an editor."))
        }
    }
}

/// The password of a `Basic` Authorization header for `user`.
#[cfg(feature = "ssr")]
fn basic_password(header: &str, user: &str) -> Option<String> {
    use base64::Engine;
    let encoded = header.strip_prefix("Basic ")?.trim();
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (u, p) = text.split_once(':')?;
    (u == user).then(|| p.to_string())
}

/// Compares digests, so the time taken does not depend on where the strings differ.
#[cfg(feature = "ssr")]
fn same_secret(a: &str, b: &str) -> bool {
    use sha2::{Digest, Sha256};
    let (x, y) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    x.iter().zip(y.iter()).fold(0u8, |acc, (p, q)| acc | (p ^ q)) == 0
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_read_for_the_editor_only() {
        // "editor:s3cret" and "reader:s3cret"
        assert_eq!(basic_password("Basic ZWRpdG9yOnMzY3JldA==", "editor").as_deref(), Some("s3cret"));
        assert_eq!(basic_password("Basic cmVhZGVyOnMzY3JldA==", "editor"), None);
        assert_eq!(basic_password("Bearer x", "editor"), None);
        assert!(same_secret("s3cret", "s3cret"));
        assert!(!same_secret("s3cret", "s3cre"));
    }
}
