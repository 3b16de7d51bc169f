//! `/preview/{id}?expires=…&sig=…`: a story's latest saved text for someone outside the desk,
//! through a link the editor page made (signed with the site's key, working for three days).
//! Rendered as the public page renders a story; never indexed, never kept, no comments.
use crate::api::stories::get_story_preview;
use crate::domain::story::{StoryPreview, StoryStatus};
use crate::domain::time::exact;
use crate::domain::ApiError;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn StoryPreviewPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let asked = move || {
        let id = params.read().get("id").and_then(|v| v.parse::<i64>().ok());
        query.with(|q| {
            (id, q.get("expires").and_then(|v| v.parse::<i64>().ok()), q.get("sig").unwrap_or_default())
        })
    };
    let data = Resource::new(asked, |(id, expires, sig)| async move {
        match (id, expires) {
            (Some(id), Some(expires)) => get_story_preview(id, expires, sig).await,
            _ => {
                let err = ApiError::NotFound("There is no preview at this address.".into());
                #[cfg(feature = "ssr")]
                crate::server::answer::set_status_for(&err);
                Err(err)
            }
        }
    });
    view! {
        <Meta name="robots" content="noindex, nofollow"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading the preview…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => view! { <Preview p/> }.into_any(),
                    Err(e) => {
                        let gone = matches!(e, ApiError::Gone(_));
                        view! {
                            <Title text=if gone { "Preview no longer available" } else { "Page not found" }/>
                            <section class="not-found">
                                <p class="kicker">{if gone { "Preview" } else { "Error 404" }}</p>
                                <h1>{if gone { "This preview is no longer available" } else { "We couldn't find that page" }}</h1>
                                <p>{e.to_string()}</p>
                                <p><a class="button primary" href="/">"Go to the front page"</a></p>
                            </section>
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn Preview(p: StoryPreview) -> impl IntoView {
    let notice = match p.status {
        StoryStatus::Published => "Preview of the latest saved version of a published story.".to_string(),
        StoryStatus::Scheduled => "Preview of a story scheduled for publication: not public yet.".to_string(),
        _ => "Preview of a story not yet published: please do not share it.".to_string(),
    };
    let byline = (!p.byline.is_empty())
        .then(|| view! { <p class="story-meta"><span class="byline">"By " {p.byline.clone()}</span></p> });
    view! {
        <Title text=format!("Preview: {}", p.title)/>
        <aside class="preview-banner" aria-label="Preview">
            <p><strong>{notice}</strong> " This link works until " {exact(p.expires)} "."</p>
        </aside>
        <article class="story">
            <header class="story-header">
                <p class="kicker">{p.section}</p>
                <h1>{p.title}</h1>
                <p class="standfirst">{p.standfirst}</p>
                {byline}
            </header>
            <div class="story-body" inner_html=p.body_html></div>
        </article>
    }
}
