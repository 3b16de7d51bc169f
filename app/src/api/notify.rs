//! "Notify of": the server function that toggles a subscription, the bar's state, the
//! "Manage my subscriptions" request, and what links from mails are about.
use crate::domain::notify::{LinkState, NotifyState, SubscriptionSet};
use crate::domain::ApiError;
#[cfg(feature = "ssr")]
use crate::server::state::OrInternal;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The current reader's subscriptions on an article (by their reader cookie).
#[server(prefix = "/api", endpoint = "/notify_state", input = GetUrl)]
pub async fn get_notify_state(slug: String) -> Result<NotifyState, ApiError> {
    use crate::server::state::app_state;
    let state = app_state()?;
    let Some(reader) = crate::server::requester::known_reader(&state) else {
        return Ok(NotifyState::default());
    };
    let Some(article) = crate::server::article_memo::article_by_slug(&state, &slug)
        .await
        .or_internal("loading an article for its notify bar")?
    else {
        return Ok(NotifyState::default());
    };
    let subscriptions = crate::server::store::notify::for_reader(&state.pool, article.id, &reader)
        .await
        .or_internal("loading a reader's subscriptions")?;
    Ok(NotifyState { subscriptions })
}

/// Subscribes (`action=subscribe`) or unsubscribes (`action=unsubscribe`) the reader to
/// `kind` on an article. The same request twice leaves one subscription; the opposite removes
/// it. A new address gets a confirmation mail first (double opt-in).
#[server(prefix = "/api", endpoint = "/set_subscription")]
pub async fn set_subscription(
    article: String,
    kind: String,
    #[server(default)] email: String,
    action: crate::domain::notify::SubscriptionAction,
) -> Result<SubscriptionSet, ApiError> {
    let form = crate::domain::notify::NotifyForm { article, kind, email, action };
    let state = crate::server::state::app_state()?;
    let visitor = crate::server::requester::Requester::current(&state);
    crate::server::answer::answer(&visitor, set(&state, &visitor, &form)).await
}

/// Mails a link to the page listing every subscription of an address.
#[server(prefix = "/api", endpoint = "/manage_subscriptions")]
pub async fn request_manage_link(email: String) -> Result<String, ApiError> {
    let state = crate::server::state::app_state()?;
    let visitor = crate::server::requester::Requester::current(&state);
    crate::server::answer::answer(&visitor, manage_link(&state, &visitor, &email)).await
}

/// What a link from a mail is about: `purpose` is `confirm`, `cancel`, `unsubscribe` or
/// `manage`.
#[server(prefix = "/api", endpoint = "/mail_link", input = GetUrl)]
pub async fn get_mail_link(purpose: String, token: String) -> Result<LinkState, ApiError> {
    use crate::server::store::notify::Purpose;
    let state = crate::server::state::app_state()?;
    let purpose = match purpose.as_str() {
        "confirm" | "cancel" => Purpose::Confirm,
        "unsubscribe" => Purpose::Unsubscribe,
        "manage" => Purpose::Manage,
        _ => return Err(ApiError::NotFound("This link is not one of ours.".into())),
    };
    crate::server::store::notify::link_state(&state.pool, purpose, &token, state.clock.now())
        .await
        .or_internal("reading a mail link")
}

/// The bar's message for an outcome code (carried in the URL after a plain form post).
pub fn outcome_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "subscribed" => "Done: you will get an email when there is something new.",
        // the same answer whatever the address's state, so nobody learns it from the bar
        "sent" => "Almost done: check your inbox. If this address still needs confirming, a link is on its way (at most one every 10 minutes); your subscription starts when you follow it.",
        "unsubscribed" => "Unsubscribed: you will not get these emails any more.",
        _ => return None,
    })
}

#[cfg(feature = "ssr")]
pub async fn set(
    state: &crate::server::state::AppState,
    visitor: &crate::server::requester::Requester,
    form: &crate::domain::notify::NotifyForm,
) -> Result<SubscriptionSet, ApiError> {
    use crate::domain::notify::{Kind, SubscriptionAction};

    let article = crate::server::store::articles::by_slug(&state.pool, &form.article)
        .await
        .or_internal("loading the article for a subscription")?
        .ok_or_else(|| ApiError::NotFound("This article no longer exists.".into()))?;
    let kind = Kind::parse(&form.kind)
        .filter(|k| Kind::BAR.contains(k))
        .ok_or_else(|| ApiError::field("kind", "Choose what you want to be notified of."))?;
    let code = match form.action {
        SubscriptionAction::Unsubscribe => {
            crate::server::store::notify::unsubscribe_reader(
                &state.pool,
                article.id,
                kind,
                &visitor.reader_id,
            )
            .await
            .or_internal("removing a subscription")?;
            "unsubscribed"
        }
        SubscriptionAction::Subscribe => {
            let email = subscriber_email(&form.email, "Enter your email address to be notified.")?;
            match subscribe(state, visitor, article.id, &email, kind, None).await? {
                // only the browser that confirmed the address learns that it is subscribed
                true => "subscribed",
                false => "sent",
            }
        }
    };
    let subscriptions = crate::server::store::notify::for_reader(&state.pool, article.id, &visitor.reader_id)
        .await
        .or_internal("loading a reader's subscriptions")?;
    Ok(SubscriptionSet {
        state: NotifyState { subscriptions },
        message: outcome_message(code).unwrap_or_default().to_string(),
        location: format!("{}?notify={code}#notify", article.path()),
    })
}

/// Subscribes `email` for the visitor, every path alike (the bar, the comment form's
/// checkbox): the subscription limits per client address and per address, then the store's
/// rules (a confirmation mail unless this browser confirmed the address before). Answers
/// whether the visitor's subscription is confirmed.
#[cfg(feature = "ssr")]
pub async fn subscribe(
    state: &crate::server::state::AppState,
    visitor: &crate::server::requester::Requester,
    article_id: i64,
    email: &crate::domain::text::Email,
    kind: crate::domain::notify::Kind,
    comment_id: Option<i64>,
) -> Result<bool, ApiError> {
    use crate::server::rate_limits::Bucket;
    use std::time::Duration;
    let email = email.as_str();
    let limits = &state.limits;
    let hour = Duration::from_secs(3600);
    state
        .rate
        .hit(Bucket::SubscribeIp, &visitor.ip.to_string(), limits.subscribe_per_ip, hour)
        .await
        .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
    state
        .rate
        .hit(Bucket::SubscribeEmail, email, limits.subscribe_per_email, hour)
        .await
        .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
    let done = crate::server::store::notify::subscribe(
        &state.pool,
        article_id,
        email,
        kind,
        comment_id,
        &visitor.reader_id,
        state.clock.now(),
    )
    .await
    .or_internal("storing a subscription")?;
    if done.confirmation_queued {
        state.mailer.wake.notify_one();
    }
    Ok(done.confirmed)
}

/// An address to send notifications to: required, valid, compared lower-cased.
#[cfg(feature = "ssr")]
pub fn subscriber_email(value: &str, missing: &str) -> Result<crate::domain::text::Email, ApiError> {
    if value.trim().is_empty() {
        return Err(ApiError::field("email", missing));
    }
    crate::domain::text::Email::parse(value).map_err(|m| ApiError::field("email", m))
}

#[cfg(feature = "ssr")]
pub async fn manage_link(
    state: &crate::server::state::AppState,
    visitor: &crate::server::requester::Requester,
    email: &str,
) -> Result<String, ApiError> {
    use crate::server::rate_limits::Bucket;
    use std::time::Duration;
    let email = subscriber_email(email, "Enter the email address your notifications go to.")?;
    let hour = Duration::from_secs(3600);
    state
        .rate
        .hit(Bucket::SubscribeIp, &visitor.ip.to_string(), state.limits.subscribe_per_ip, hour)
        .await
        .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
    state
        .rate
        .hit(Bucket::SubscribeEmail, email.as_str(), state.limits.subscribe_per_email, hour)
        .await
        .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
    let queued =
        crate::server::store::notify::queue_manage_link(&state.pool, email.as_str(), state.clock.now())
            .await
            .or_internal("queueing a manage link")?;
    if queued {
        state.mailer.wake.notify_one();
    }
    // the same answer either way: nobody learns from it whether an address has subscriptions
    Ok(format!("If {email} has subscriptions, a link to manage them is on its way."))
}
