use crate::api::{get_article, get_form_state, get_thread, ArticlePage as Page, PostComment, ThreadPage};
use crate::components::comment_form::{CommentForm, CommentFormContext};
use crate::components::layout::CONTACT_STREET;
use crate::components::thread::CommentItem;
use crate::domain::text::html_to_text;
use crate::domain::time::{iso8601, long_date};
use crate::domain::{ApiError, Article, ThreadNode};
use crate::pages::NotFound;
use crate::SITE_NAME;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Script, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ArticlePage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let page = Resource::new(slug, get_article);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the article…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => view! { <ArticleView page=p/> }.into_any(),
                    Err(ApiError::NotFound(_)) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <p class="form-alert visible" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ArticleView(page: Page) -> impl IntoView {
    let Page { article: a, base_url } = page;
    let url = format!("{base_url}{}", a.path());
    let post = ServerAction::<PostComment>::new();
    let thread = {
        let slug = a.slug.clone();
        Resource::new(move || post.version().get(), move |_| get_thread(slug.clone()))
    };
    let form_state = Resource::new(|| (), |_| get_form_state());
    let query = use_query_map();
    let reply_to = Signal::derive(move || query.read().get("replytocom").and_then(|v| v.parse::<i64>().ok()));

    let meta = view! {
        <Title text=a.title.clone()/>
        <Meta name="description" content=a.standfirst.clone()/>
        <Link rel="canonical" href=url.clone()/>
        <Meta property="og:type" content="article"/>
        <Meta property="og:site_name" content=SITE_NAME/>
        <Meta property="og:title" content=a.title.clone()/>
        <Meta property="og:description" content=a.standfirst.clone()/>
        <Meta property="og:url" content=url.clone()/>
        <Meta property="article:published_time" content=iso8601(a.published_at)/>
        <Meta property="article:modified_time" content=iso8601(a.updated_at)/>
        <Meta property="article:section" content=a.section.clone()/>
        {a.tags.iter().map(|t| view! { <Meta property="article:tag" content=t.clone()/> }).collect_view()}
        <Meta name="twitter:card" content="summary"/>
    };

    let slug = a.slug.clone();
    let story = view! {
        <article class="story" itemscope itemtype="https://schema.org/NewsArticle">
            <header class="story-header">
                <p class="kicker" itemprop="articleSection">{a.section.clone()}</p>
                <h1 itemprop="headline">{a.title.clone()}</h1>
                <p class="standfirst" itemprop="description">{a.standfirst.clone()}</p>
                <p class="dateline">
                    <span class="byline">"By the Byline newsroom"</span>
                    " · "
                    <time datetime=iso8601(a.published_at) itemprop="datePublished">{long_date(a.published_at)}</time>
                </p>
            </header>
            <div class="story-body" itemprop="articleBody" inner_html=a.body_html.clone()></div>
            <footer class="story-footer">
                <ul class="tags" aria-label="Topics">
                    {a.tags.iter().map(|t| view! { <li>{t.clone()}</li> }).collect_view()}
                </ul>
            </footer>
        </article>
    };

    let article_for_ld = a.clone();
    view! {
        {meta}
        {story}
        <section id="comments" class="comments" aria-labelledby="comments-title">
            <Suspense fallback=|| view! { <p class="loading">"Loading comments…"</p> }>
                {move || {
                    let slug = slug.clone();
                    let url = url.clone();
                    let article_for_ld = article_for_ld.clone();
                    Suspend::new(async move {
                        let state = form_state.await.unwrap_or_default();
                        let ctx = CommentFormContext { slug, action: post, state };
                        let thread_ctx = ctx.clone();
                        view! {
                            <Transition fallback=|| view! { <h2 id="comments-title">"Comments"</h2> }>
                                {move || Suspend::new(async move {
                                    let title = match thread.await {
                                        Ok(t) if t.total == 0 => "Be the first to comment".to_string(),
                                        Ok(t) if t.total == 1 => "1 Comment".to_string(),
                                        Ok(t) => format!("{} Comments", t.total),
                                        Err(_) => "Comments".to_string(),
                                    };
                                    view! { <h2 id="comments-title" class="comments-title">{title}</h2> }
                                })}
                            </Transition>
                            <div id="comment-form" class="comment-form-box">
                                <CommentForm ctx parent=None/>
                            </div>
                            <Transition fallback=|| view! { <p class="loading">"Loading comments…"</p> }>
                                {move || {
                                    let ctx = thread_ctx.clone();
                                    let url = url.clone();
                                    let article_for_ld = article_for_ld.clone();
                                    Suspend::new(async move {
                                        match thread.await {
                                            Ok(t) => {
                                                let ld = json_ld(&article_for_ld, &url, &t);
                                                let now = t.now;
                                                view! {
                                                    <Script type_="application/ld+json">{ld}</Script>
                                                    <div class="thread">
                                                        {t.nodes.into_iter().map(|n| view! {
                                                            <CommentItem node=n now form=ctx.clone() reply_to/>
                                                        }).collect_view()}
                                                    </div>
                                                }.into_any()
                                            }
                                            Err(e) => view! { <p class="form-alert visible" role="alert">{e.to_string()}</p> }.into_any(),
                                        }
                                    })
                                }}
                            </Transition>
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

/// schema.org `NewsArticle` with the comments on the page, for search engines.
fn json_ld(a: &Article, url: &str, thread: &ThreadPage) -> String {
    use serde_json::json;
    fn flatten(nodes: &[ThreadNode], url: &str, out: &mut Vec<serde_json::Value>) {
        for n in nodes {
            let c = &n.comment;
            out.push(json!({
                "@type": "Comment",
                "@id": format!("{url}#comment-{}", c.id),
                "url": format!("{url}#comment-{}", c.id),
                "author": { "@type": "Person", "name": c.author_name },
                "dateCreated": iso8601(c.created_at),
                "text": html_to_text(&c.body_html),
                "parentItem": c.parent_id.map(|p| json!({ "@id": format!("{url}#comment-{p}") })),
            }));
            flatten(&n.replies, url, out);
        }
    }
    let mut comments = Vec::new();
    flatten(&thread.nodes, url, &mut comments);
    let ld = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "description": a.standfirst,
        "articleSection": a.section,
        "keywords": a.tags,
        "datePublished": iso8601(a.published_at),
        "dateModified": iso8601(a.updated_at),
        "url": url,
        "mainEntityOfPage": url,
        "author": { "@type": "Organization", "name": SITE_NAME },
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": SITE_NAME,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": CONTACT_STREET,
                "addressLocality": "Manhattan Beach",
                "addressRegion": "California",
                "postalCode": "90266",
                "addressCountry": "US",
            },
        },
        "commentCount": thread.total,
        "comment": comments,
    });
    // `</script>` inside a string must not end the element
    ld.to_string().replace('<', "\\u003c")
}
