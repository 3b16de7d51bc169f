use crate::api::get_front_page;
use crate::domain::time::{iso8601, long_date};
use crate::domain::ArticleSummary;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

/// The front page (`/`) and the section pages (`/section/{name}`).
#[component]
pub fn HomePage() -> impl IntoView {
    let params = use_params_map();
    let section = move || params.read().get("name");
    let articles = Resource::new(section, get_front_page);
    view! {
        <Meta name="description" content="Byline: world news with a comment section worth reading."/>
        <section class="front-page">
            <Suspense fallback=|| view! { <p class="loading">"Loading the news…"</p> }>
                {move || Suspend::new(async move {
                    // a section's name comes from its articles, never from the URL: an unknown
                    // section is a plain 404 that repeats nothing the address said
                    let in_section = section().is_some();
                    match articles.await {
                        Ok(list) if list.is_empty() => view! {
                            <h1 class="section-title visually-hidden">"Latest news"</h1>
                            <p class="empty">"No articles yet."</p>
                        }.into_any(),
                        Ok(list) => {
                            let heading = if in_section { list[0].section.clone() } else { "Latest news".to_string() };
                            let section_feed = in_section.then(|| {
                                let path = format!("/section/{}/feed", list[0].section.to_lowercase());
                                view! {
                                    <leptos_meta::Link rel="alternate" type_="application/rss+xml" title=format!("{heading} (RSS)") href=path.clone()/>
                                    <leptos_meta::Link rel="alternate" type_="application/atom+xml" title=format!("{heading} (Atom)") href=format!("{path}/atom")/>
                                }
                            });
                            view! {
                                {section_feed}
                                <Title text=if in_section { heading.clone() } else { String::new() }/>
                                <h1 class="section-title" class:visually-hidden=!in_section>{heading}</h1>
                                <ol class="article-list">
                                    {list.into_iter().enumerate().map(|(i, a)| view! { <ArticleCard a lead=i == 0/> }).collect_view()}
                                </ol>
                            }.into_any()
                        }
                        Err(crate::domain::ApiError::NotFound(_)) => view! { <crate::pages::NotFound/> }.into_any(),
                        Err(e) => view! { <p class="form-alert visible" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ArticleCard(a: ArticleSummary, lead: bool) -> impl IntoView {
    let path = a.path();
    let comments = match a.comment_count {
        0 => "No comments yet".to_string(),
        1 => "1 Comment".to_string(),
        n => format!("{n} Comments"),
    };
    let section_path = format!("/section/{}", a.section.to_lowercase());
    view! {
        <li class="article-card" class:lead=lead>
            <p class="kicker"><a href=section_path>{a.section.clone()}</a></p>
            <h2><a href=path.clone()>{a.title.clone()}</a></h2>
            <p class="standfirst">{a.standfirst.clone()}</p>
            <p class="card-meta">
                <time datetime=iso8601(a.published_at)>{long_date(a.published_at)}</time>
                " · "
                <a href=format!("{path}#comments")>{comments}</a>
            </p>
        </li>
    }
}
