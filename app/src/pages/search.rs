//! Search (`/search?q=`): a plain GET form and server HTML, the same with JavaScript on or off.
//! Results are never kept (every query differs) and never indexed by crawlers.
use crate::api::search;
use crate::domain::article::article_path;
use crate::domain::listing::path_segment;
use crate::domain::search::{Piece, SearchPage};
use crate::domain::time::{iso8601, long_date};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let results =
        Resource::new(move || query.with(|q| (q.get("q"), q.get("page"))), |(q, page)| search(q, page));
    view! {
        <Meta name="robots" content="noindex, follow"/>
        <section class="front-page search-page">
            <Suspense fallback=|| view! { <p class="loading">"Searching…"</p> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(page) => view! { <Results page/> }.into_any(),
                        Err(crate::domain::ApiError::NotFound(_)) => view! { <crate::pages::NotFound/> }.into_any(),
                        Err(e) => {
                            let why = match e {
                                crate::domain::ApiError::RateLimited { .. } => {
                                    "Search is busy right now. Please try again in a few seconds.".to_string()
                                }
                                e => e.to_string(),
                            };
                            view! {
                                <Title text="Search"/>
                                <h1 class="section-title">"Search"</h1>
                                <p class="form-alert visible" role="alert">{why}</p>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The words found, marked.
fn pieces(snippet: Vec<Piece>) -> impl IntoView {
    snippet
        .into_iter()
        .map(|p| if p.hit { view! { <mark>{p.text}</mark> }.into_any() } else { p.text.into_any() })
        .collect_view()
}

#[component]
fn Results(page: SearchPage) -> impl IntoView {
    let asked = !page.terms.is_empty();
    let title = if asked { format!("“{}” — Search", page.typed.trim()) } else { "Search".to_string() };
    let href = |n: u32| format!("/search?q={}&page={n}", path_segment(page.typed.trim()));
    let earlier = (page.page > 1).then(|| href(page.page - 1));
    let more = page.more.then(|| href(page.page + 1));
    let nothing = asked && page.stories.is_empty() && page.comments.is_empty();
    let typed_something = !page.typed.trim().is_empty();
    view! {
        <Title text=title/>
        <h1 class="section-title">"Search"</h1>
        <form class="search-form" role="search" method="get" action="/search">
            <label for="search-q">"Stories and comments with every word"</label>
            <div class="search-row">
                <input id="search-q" type="search" name="q" value=page.typed.clone() maxlength="200" required/>
                <button type="submit" class="button primary">"Search"</button>
            </div>
        </form>
        {(!asked && typed_something).then(|| view! {
            <p class="empty">"Type a word or two: letters and digits are what we look for."</p>
        })}
        {nothing.then(|| view! {
            <p class="empty" role="status">"Nothing found. Try fewer words, or another spelling."</p>
        })}
        {(!page.stories.is_empty()).then(|| view! {
            <section aria-labelledby="search-stories">
                <h2 id="search-stories" class="search-kind">"Stories"</h2>
                <ol class="search-results">
                    {page.stories.into_iter().map(|s| view! {
                        <li class="search-hit">
                            <p class="kicker">{s.section}</p>
                            <h3><a href=article_path(&s.slug)>{pieces(s.title_marked)}</a></h3>
                            <p class="snippet">{pieces(s.snippet)}</p>
                            <p class="card-meta"><time datetime=iso8601(s.published_at)>{long_date(s.published_at)}</time></p>
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        })}
        {(!page.comments.is_empty()).then(|| view! {
            <section aria-labelledby="search-comments">
                <h2 id="search-comments" class="search-kind">"Comments"</h2>
                <ol class="search-results">
                    {page.comments.into_iter().map(|c| {
                        let href = format!("{}?comment={}#comment-{}", article_path(&c.article_slug), c.id, c.id);
                        view! {
                            <li class="search-hit comment-hit">
                                <p class="hit-where"><strong>{c.author_name}</strong>" on "<a href=href>{c.article_title}</a></p>
                                <p class="snippet">{pieces(c.snippet)}</p>
                                <p class="card-meta"><time datetime=iso8601(c.created_at)>{long_date(c.created_at)}</time></p>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>
        })}
        {(earlier.is_some() || more.is_some()).then(|| view! {
            <nav class="list-paging" aria-label="More results">
                {earlier.map(|h| view! { <a href=h rel="prev">"Earlier results"</a> })}
                {more.map(|h| view! { <a href=h rel="next">"More results"</a> })}
            </nav>
        })}
    }
}
