use crate::domain::ApiError;
#[cfg(feature = "ssr")]
use crate::server::state::OrInternal;
use leptos::prelude::*;

/// Stores a Contact Us message for the editors.
#[server(prefix = "/api", endpoint = "/contact")]
pub async fn send_contact_message(
    name: String,
    email: String,
    subject: String,
    message: String,
    key: String,
    #[server(default)] website: String,
) -> Result<(), ApiError> {
    let form = crate::domain::ContactForm { name, email, subject, message, key, website };
    let state = crate::server::state::app_state()?;
    let visitor = crate::server::requester::Requester::current(&state);
    crate::server::answer::answer(&visitor, submit(&state, &visitor, &form)).await
}

/// Stores a Contact Us message (and queues its mail to the editors) behind the same abuse
/// layer as comments: a honeypot, a signed form key with its minimum time on screen and its
/// expiry, a rate limit per client address; a repeated submission is the one message.
#[cfg(feature = "ssr")]
pub async fn submit(
    state: &crate::server::state::AppState,
    visitor: &crate::server::requester::Requester,
    form: &crate::domain::ContactForm,
) -> Result<(), ApiError> {
    use crate::server::rate_limits::Bucket;
    if !form.website.trim().is_empty() {
        tracing::info!(ip = %visitor.ip, "honeypot filled: contact message refused");
        return Err(ApiError::field("message", "This message looks automated, so it was not sent."));
    }
    let input = crate::domain::ContactInput::parse(&form.name, &form.email, &form.subject, &form.message)?;
    let now = state.clock.now();
    let limits = &state.limits;
    let age = crate::api::forms::form_age(&state.secret, &form.key, "contact", now, limits.form_key_seconds)?;
    if age < limits.min_form_seconds {
        return Err(ApiError::TooSoon { retry_after: (limits.min_form_seconds - age).max(1) as u64 });
    }
    // a repeated submission (double click, reloaded POST) is the message already stored
    let repeat = crate::server::store::contact::has_key(&state.pool, &form.key)
        .await
        .or_internal("looking up a contact message")?;
    if repeat {
        return Ok(());
    }
    // counted before the message is stored, atomically: parallel posts cannot all slip under it
    state
        .rate
        .hit(
            Bucket::ContactIp,
            &visitor.ip.to_string(),
            limits.contact_per_ip,
            std::time::Duration::from_secs(3600),
        )
        .await
        .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
    let to = state.site.contact_to.as_deref();
    let (id, new) = crate::server::store::contact::insert(
        &state.pool,
        &input,
        &form.key,
        &visitor.ip_hash(state),
        to,
        now,
    )
    .await
    .or_internal("storing a contact message")?;
    if new {
        tracing::info!(message = id, mailed = to.is_some(), "contact message stored");
        state.mailer.wake.notify_one();
    }
    Ok(())
}
