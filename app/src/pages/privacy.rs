//! `/privacy`: what we keep about commenters (the text is set in the desk).
use crate::domain::ApiError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::{Meta, Title};

/// The privacy page's text, as sanitised HTML.
#[server(prefix = "/api", endpoint = "/privacy", input = GetUrl)]
pub async fn get_privacy() -> Result<String, ApiError> {
    let state = crate::server::state::app_state()?;
    let s = crate::server::store::desk::settings::load(&state.pool)
        .await
        .map_err(|e| crate::server::state::internal("loading the privacy text", e))?;
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
        </section>
    }
}
