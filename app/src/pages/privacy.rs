//! `/privacy`: what we keep about commenters (the text is set in the desk).
use crate::domain::ApiError;
#[cfg(feature = "ssr")]
use crate::server::state::OrInternal;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::{Meta, Title};

/// The privacy page's text, as sanitised HTML.
#[server(prefix = "/api", endpoint = "/privacy", input = GetUrl)]
pub async fn get_privacy() -> Result<String, ApiError> {
    let state = crate::server::state::app_state()?;
    let s = crate::server::store::desk::settings::load(&state.pool)
        .await
        .or_internal("loading the privacy text")?;
    Ok(crate::server::text_to_html::comment_html(&s.privacy_text))
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    let text = Resource::new(|| (), |_| get_privacy());
    view! {
        <Title text="Privacy"/>
        <Meta name="description" content="What Byline keeps about commenters, and how to get a copy or have it erased."/>
        <section class="simple-page privacy-page">
            <h1>"Privacy"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match text.await {
                        Ok(html) => view! { <div class="prose" inner_html=html></div> }.into_any(),
                        Err(e) => view! { <p class="form-alert visible" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <DataRequestForm/>
        </section>
    }
}

/// Ask for a copy of one's data, or its erasure: a link is mailed to the address.
#[component]
fn DataRequestForm() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let sent = query.with_untracked(|q| q.get("sent").is_some());
    let (email, error) = match use_context::<crate::domain::FormEcho>() {
        Some(crate::domain::FormEcho::Manage { email, error }) => (email, Some(error)),
        _ => (String::new(), None),
    };
    let field_error = error.as_ref().and_then(|e| e.message_for("email"));
    let other_error = error.filter(|e| e.message_for("email").is_none()).map(|e| e.to_string());
    view! {
        <section id="your-data" class="your-data" aria-labelledby="your-data-title">
            <h2 id="your-data-title">"Your data"</h2>
            <p>
                "Enter the email you comment with. We mail that address a link to download everything we "
                "keep about it (as JSON), or to erase it. Nothing happens until you press the button on the "
                "linked page."
            </p>
            {sent.then(|| view! { <p class="form-status" role="status">{crate::api::privacy::REQUESTED}</p> })}
            {other_error.map(|m| view! { <p class="form-alert visible" role="alert">{m}</p> })}
            <form method="post" action="/api/request_reader_data" class="desk-form" novalidate>
                <label for="data-email">"Email"</label>
                <input id="data-email" name="email" type="email" autocomplete="email" required value=email
                    aria-invalid=field_error.is_some().then_some("true")
                    aria-describedby=field_error.is_some().then_some("data-email-error")/>
                {field_error.map(|m| view! { <p class="field-error" id="data-email-error">{m}</p> })}
                <div class="form-actions">
                    <button type="submit" name="action" value="export" class="button primary">"Send me a copy"</button>
                    <button type="submit" name="action" value="erase" class="button">"Erase my data"</button>
                </div>
            </form>
        </section>
    }
}

/// `/privacy/data?token=…`: the mailed link's page. The button acts; opening the link does not.
#[component]
pub fn DataLinkPage() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let token = query.with_untracked(|q| q.get("token").unwrap_or_default());
    let erased = query.with_untracked(|q| q.get("erased").is_some());
    let state = Resource::new(move || token.clone(), crate::api::privacy::get_data_link);
    let token = query.with_untracked(|q| q.get("token").unwrap_or_default());
    view! {
        <Title text="Your data"/>
        <Meta name="robots" content="noindex, nofollow"/>
        <section class="simple-page">
            <h1>"Your data"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || {
                    let token = token.clone();
                    Suspend::new(async move {
                        let action = format!("/privacy/data?token={}", token.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>());
                        match state.await.unwrap_or_else(|_| "unknown".into()).as_str() {
                            _ if erased => view! {
                                <p class="form-status" role="status">"Done: what we kept about your address is erased."</p>
                            }.into_any(),
                            "export" => view! {
                                <p>"Download everything we keep about your address, as a JSON file."</p>
                                <form method="post" action=action data-plain=""><button type="submit" class="button primary">"Download my data"</button></form>
                            }.into_any(),
                            "erase" => view! {
                                <p>
                                    "Erase what we keep about your address: comments without replies are removed; "
                                    "comments others replied to stay as “deleted”, without your name or text; "
                                    "your subscriptions, votes and messages go. This cannot be undone."
                                </p>
                                <form method="post" action=action><button type="submit" class="button primary">"Erase my data"</button></form>
                            }.into_any(),
                            "used" => view! { <p>"This link was used already."</p> }.into_any(),
                            _ => view! {
                                <p>"This link is not valid any more. Ask again on the " <a href="/privacy#your-data">"privacy page"</a> "."</p>
                            }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}
