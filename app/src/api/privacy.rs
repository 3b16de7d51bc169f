//! Readers' data (GDPR): a reader asks, by email, for a copy of what we keep about the address
//! or for its erasure; a mailed link confirms it (the server crate's `mail_links::reader_data`).
use crate::domain::ApiError;
#[cfg(feature = "ssr")]
use crate::server::state::OrInternal;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// Asks for the link. The answer is the same whether or not we hold anything about the
/// address (nobody learns who commented), and mail goes only to addresses we hold data about.
#[server(prefix = "/api", endpoint = "/request_reader_data")]
pub async fn request_reader_data(email: String, action: String) -> Result<String, ApiError> {
    let state = crate::server::state::app_state()?;
    let visitor = crate::server::requester::Requester::current(&state);
    crate::server::answer::answer(&visitor, request(&state, &visitor, &email, &action)).await
}

pub const REQUESTED: &str =
    "If we keep anything about this address, a mail with a link is on its way to it. The link works once, for a day.";

#[cfg(feature = "ssr")]
pub async fn request(
    state: &crate::server::state::AppState,
    visitor: &crate::server::requester::Requester,
    email: &str,
    action: &str,
) -> Result<String, ApiError> {
    use crate::server::rate_limits::Bucket;

    if !matches!(action, "export" | "erase") {
        return Err(ApiError::BadRequest);
    }
    let email = crate::domain::text::Email::parse(email).map_err(|m| ApiError::field("email", m))?;
    let hour = std::time::Duration::from_secs(3600);
    let limits = &state.limits;
    state
        .rate
        .hit(Bucket::SubscribeIp, &visitor.ip.to_string(), limits.subscribe_per_ip, hour)
        .await
        .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
    state
        .rate
        .hit(Bucket::SubscribeEmail, email.as_str(), limits.subscribe_per_email, hour)
        .await
        .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
    let now = state.clock.now();
    // queued whatever the address: the worker looks it up and sends nothing to an address
    // we hold nothing about, so the answer takes the same time either way
    let queued = crate::server::store::desk::readers::request(&state.pool, email.as_str(), action, now)
        .await
        .or_internal("queueing a data request")?;
    if queued {
        state.mailer.wake.notify_one();
    }
    Ok(REQUESTED.to_string())
}

/// What a mailed link is about, for its page.
#[server(prefix = "/api", endpoint = "/data_link", input = GetUrl)]
pub async fn get_data_link(token: String) -> Result<String, ApiError> {
    use crate::server::store::desk::readers::Link;
    let state = crate::server::state::app_state()?;
    let link = crate::server::store::desk::readers::link(&state.pool, &token, state.clock.now())
        .await
        .or_internal("reading a data link")?;
    Ok(match link {
        Link::Valid { action, .. } => action,
        Link::Used => "used".into(),
        Link::Expired => "expired".into(),
        Link::Unknown => "unknown".into(),
    })
}
