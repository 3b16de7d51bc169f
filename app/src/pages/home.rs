use crate::api::get_front_page;
use crate::domain::time::{iso8601, long_date};
use crate::domain::ArticleSummary;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

#[component]
pub fn HomePage() -> impl IntoView {
    let articles = Resource::new(|| (), |_| get_front_page());
    view! {
        <Title text=""/>
        <Meta name="description" content="Byline: world news with a comment section worth reading."/>
        <Link rel="canonical" href="/"/>
        <section class="front-page">
            <h1 class="visually-hidden">"Byline — latest news"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading the news…"</p> }>
                {move || Suspend::new(async move {
                    match articles.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">"No articles yet."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <ol class="article-list">
                                {list.into_iter().enumerate().map(|(i, a)| view! { <ArticleCard a lead=i == 0/> }).collect_view()}
                            </ol>
                        }.into_any(),
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
    let section_id = a.section.to_lowercase();
    view! {
        <li class="article-card" class:lead=lead id=section_id>
            <p class="kicker">{a.section.clone()}</p>
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
