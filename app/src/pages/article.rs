use crate::api::articles::get_passages;
use crate::api::comments::{DeleteComment, EditComment, PostComment, VoteComment};
use crate::api::{get_article, get_form_state, get_thread, ArticlePage as Page, ThreadPage};
use crate::components::comment_form::CommentForm;
use crate::components::feedback::{ArticleBody, FeedbackCtx};
use crate::components::layout::site_identity;
use crate::components::live::LiveBubble;
use crate::components::notify::NotifyBar;
use crate::components::thread::{CommentItem, ThreadCtx, ThreadToolbar};
use crate::domain::article::CommentsMode;
use crate::domain::text::html_to_text;
use crate::domain::thread::{Cursor, ThreadQuery};
use crate::domain::time::{iso8601, long_date};
use crate::domain::{ApiError, Article, ThreadNode};
use crate::pages::NotFound;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Script, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ArticlePage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let page = Resource::new(move || slug.get(), get_article);
    // Every resource of the page is created here, once, outside every Suspense. A resource
    // created inside one is created again when it re-renders: the server then fetched and sent
    // the same data twice (once without the reader, seen as "mine": false), and the browser,
    // counting resources its own way, could hydrate the thread with the wrong copy.
    let data = PageData::new(slug);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the article…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => view! { <ArticleView page=p data/> }.into_any(),
                    Err(ApiError::NotFound(_)) => view! { <NotFound/> }.into_any(),
                    Err(ApiError::Gone(_)) => view! { <crate::pages::Gone/> }.into_any(),
                    Err(e) => view! { <p class="form-alert visible" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The page's resources and actions (see `ArticlePage`).
#[derive(Clone, Copy)]
struct PageData {
    form_state: Resource<Result<crate::domain::FormState, ApiError>>,
    passages: Resource<Result<Vec<crate::domain::PassageView>, ApiError>>,
    notify_state: Resource<Result<crate::domain::notify::NotifyState, ApiError>>,
    thread: Resource<Result<ThreadPage, ApiError>>,
    query: Memo<ThreadQuery>,
    actions: Actions,
}

impl PageData {
    fn new(slug: Memo<String>) -> PageData {
        let form_state = Resource::new(move || slug.get(), get_form_state);
        provide_context(FeedbackCtx::new());
        let passages = Resource::new(move || slug.get(), get_passages);
        let notify_state = Resource::new(move || slug.get(), crate::api::notify::get_notify_state);
        let query_map = use_query_map();
        let query = Memo::new(move |_| ThreadQuery::from_params(|k| query_map.read().get(k)));
        // "Load more" with JavaScript asks for the first page and the one after `more`, and
        // the page swapper shows it at the same address (without, the link pages with `after`)
        let more = Memo::new(move |_| query_map.read().get("more").and_then(|v| Cursor::parse(&v)));
        let thread = Resource::new(
            move || (slug.get(), query.get(), more.get()),
            move |(slug, q, more)| async move {
                let until = match more {
                    Some(after) => {
                        let next = ThreadQuery { after: Some(after), ..q }.to_query();
                        get_thread(slug.clone(), next, None).await?.last
                    }
                    None => None,
                };
                get_thread(
                    slug,
                    ThreadQuery { after: if more.is_some() { None } else { q.after }, ..q }.to_query(),
                    until.map(Cursor::encode),
                )
                .await
            },
        );
        let actions = Actions {
            post: ServerAction::<PostComment>::new(),
            vote: ServerAction::<VoteComment>::new(),
            edit: ServerAction::<EditComment>::new(),
            delete: ServerAction::<DeleteComment>::new(),
        };
        PageData { form_state, passages, notify_state, thread, query, actions }
    }
}

#[component]
fn ArticleView(page: Page, data: PageData) -> impl IntoView {
    let PageData { form_state, passages, notify_state, thread, query, actions } = data;
    let Page { article: a, base_url } = page;
    let url = format!("{base_url}{}", a.path());

    let meta = view! {
        <Title text=a.title.clone()/>
        <Meta name="description" content=a.standfirst.clone()/>
        <Link rel="canonical" href=url.clone()/>
        <Link rel="alternate" type_="application/rss+xml" title=format!("Comments on “{}” (RSS)", a.title) href=format!("{}/feed", a.path())/>
        <Link rel="alternate" type_="application/atom+xml" title=format!("Comments on “{}” (Atom)", a.title) href=format!("{}/feed/atom", a.path())/>
        <Meta property="og:type" content="article"/>
        <Meta property="og:site_name" content=site_identity().name.clone()/>
        <Meta property="og:title" content=a.title.clone()/>
        <Meta property="og:description" content=a.standfirst.clone()/>
        <Meta property="og:url" content=url.clone()/>
        <Meta property="article:published_time" content=iso8601(a.published_at)/>
        <Meta property="article:modified_time" content=iso8601(a.updated_at)/>
        <Meta property="article:section" content=a.section.clone()/>
        {a.tags.iter().map(|t| view! { <Meta property="article:tag" content=t.clone()/> }).collect_view()}
        <Meta name="twitter:card" content="summary"/>
    };

    let body = {
        let a = a.clone();
        move || {
            let a = a.clone();
            Suspend::new(async move {
                let passages = passages.await.unwrap_or_default();
                let forms = form_state.await.unwrap_or_default();
                view! { <ArticleBody article=a passages forms/> }
            })
        }
    };
    let plain_body = a.body_html.clone();
    let story = view! {
        <article class="story" itemscope itemtype="https://schema.org/NewsArticle">
            <header class="story-header">
                <p class="kicker" itemprop="articleSection">
                    <a href=crate::domain::listing::Listing::Section(a.section.clone()).path()>{a.section.clone()}</a>
                </p>
                <h1 itemprop="headline">{a.title.clone()}</h1>
                <p class="standfirst" itemprop="description">{a.standfirst.clone()}</p>
                {a.story_note().map(|n| view! {
                    <aside class="story-note" role="note">
                        <strong>{format!("{}, ", n.label())}<time datetime=iso8601(n.at)>{long_date(n.at)}</time>": "</strong>
                        {n.text}
                    </aside>
                })}
                <p class="dateline">
                    <Byline authors=a.authors.clone()/>
                    " · "
                    <time datetime=iso8601(a.published_at) itemprop="datePublished">{long_date(a.published_at)}</time>
                    " · "
                    <a href="#comments">{comment_count_label(a.comment_count)}</a>
                </p>
            </header>
            <Transition fallback=move || view! { <div class="story-body" inner_html=plain_body.clone()></div> }>
                {body}
            </Transition>
            <footer class="story-footer">
                <ul class="tags" aria-label="Topics">
                    {a.tags.iter().map(|t| {
                        let tag = crate::domain::listing::tag_slug(t);
                        // a tag with no letter or digit has no page
                        if tag.is_empty() {
                            view! { <li>{t.clone()}</li> }.into_any()
                        } else {
                            let href = crate::domain::listing::Listing::Tag(tag).path();
                            view! { <li><a href=href>{t.clone()}</a></li> }.into_any()
                        }
                    }).collect_view()}
                </ul>
            </footer>
        </article>
    };

    // hidden by the editors: no thread, no form
    let hidden = a.comments_mode == CommentsMode::Hidden;
    let comments = (!hidden).then(|| {
        view! {
            <section id="comments" class="comments" aria-labelledby="comments-title">
                <Suspense fallback=|| view! { <p class="loading">"Loading comments…"</p> }>
                    {move || {
                        let a = a.clone();
                        let url = url.clone();
                        Suspend::new(async move {
                            let forms = form_state.await.unwrap_or_default();
                            let notify = notify_state.await.unwrap_or_default();
                            view! { <CommentSection article=a url forms notify query actions thread/> }
                        })
                    }}
                </Suspense>
            </section>
        }
    });
    view! {
        {meta}
        {story}
        {comments}
    }
}

#[derive(Clone, Copy)]
struct Actions {
    post: ServerAction<PostComment>,
    vote: ServerAction<VoteComment>,
    edit: ServerAction<EditComment>,
    delete: ServerAction<DeleteComment>,
}

fn comment_count_label(n: i64) -> String {
    match n {
        0 => "Be the first to comment".to_string(),
        1 => "1 Comment".to_string(),
        n => format!("{n} Comments"),
    }
}

#[component]
fn CommentSection(
    article: Article,
    url: String,
    forms: crate::domain::FormState,
    notify: crate::domain::notify::NotifyState,
    query: Memo<ThreadQuery>,
    actions: Actions,
    thread: Resource<Result<ThreadPage, ApiError>>,
) -> impl IntoView {
    let notify_echo = forms.notify_echo();
    let query_map = use_query_map();
    let reply_to = Memo::new(move |_| query_map.read().get("replytocom").and_then(|v| v.parse().ok()));
    let editing = Memo::new(move |_| query_map.read().get("edit").and_then(|v| v.parse().ok()));
    provide_context(ThreadCtx {
        slug: article.slug.clone(),
        path: article.path(),
        query,
        reply_to,
        editing,
        reporting: query_map.read_untracked().get("report").and_then(|v| v.parse().ok()),
        reported: query_map.read_untracked().get("reported").and_then(|v| v.parse().ok()),
        post: actions.post,
        vote: actions.vote,
        edit: actions.edit,
        delete: actions.delete,
        forms,
        open: article.comments_mode != CommentsMode::Closed,
    });
    let header = move || {
        Suspend::new(async move {
            let title = match thread.await {
                Ok(t) => comment_count_label(t.total),
                Err(_) => "Comments".to_string(),
            };
            view! { <h2 id="comments-title" class="comments-title">{title}</h2> }
        })
    };
    let body = {
        let article = article.clone();
        move || {
            let article = article.clone();
            let url = url.clone();
            Suspend::new(async move {
                match thread.await {
                    Ok(t) => view! { <ThreadView page=t article url/> }.into_any(),
                    Err(e) => {
                        view! { <p class="form-alert visible" role="alert">{e.to_string()}</p> }.into_any()
                    }
                }
            })
        }
    };
    view! {
        <Transition fallback=|| view! { <h2 id="comments-title" class="comments-title">"Comments"</h2> }>
            {header}
        </Transition>
        {if article.comments_mode == CommentsMode::Closed {
            let refusal = forms_refusal();
            view! {
                <div id="comment-form" class="comment-form-box closed">
                    {refusal.map(|m| view! { <p class="form-alert visible" role="alert">{m}</p> })}
                    <p class="comments-closed">"Comments are closed on this article."</p>
                </div>
            }.into_any()
        } else {
            view! {
                <div id="comment-form" class="comment-form-box">
                    <NotifyBar slug=article.slug.clone() initial=notify echo=notify_echo/>
                    <CommentForm parent=None/>
                </div>
            }.into_any()
        }}
        <Transition fallback=|| view! { <p class="loading">"Loading comments…"</p> }>{body}</Transition>
    }
}

/// A comment refused because the thread closed meanwhile: said where the form was.
fn forms_refusal() -> Option<String> {
    let ctx = use_context::<ThreadCtx>()?;
    match ctx.forms.echo {
        Some(crate::domain::FormEcho::Comment { error: Some(e), .. }) => Some(e.to_string()),
        _ => None,
    }
}

#[component]
fn ThreadView(page: ThreadPage, article: Article, url: String) -> impl IntoView {
    let ctx = expect_context::<ThreadCtx>();
    let newest = page.newest.max(page.ids().into_iter().max().unwrap_or(0));
    let ld = json_ld(&article, &url, &page);
    let now = page.now;
    let highlight = page.highlight;
    let empty = page.nodes.is_empty();
    let q = page.query;
    let filtered = q.filter.is_some() || q.focus.is_some();
    let more = page.next.map(|next| {
        let href = format!("{}#comments", ThreadQuery { after: Some(next), ..q }.href(&ctx.path));
        let first = ThreadQuery { after: None, ..q }.href(&ctx.path);
        let sep = if first.contains('?') { '&' } else { '?' };
        let extended = format!("{first}{sep}more={}", next.encode());
        view! {
            <p class="load-more">
                <a class="button" href=href rel="nofollow" data-more=extended>"Load more comments"</a>
            </p>
        }
    });
    let first_page = q.after.is_some().then(|| {
        let href = format!("{}#comments", ThreadQuery { after: None, ..q }.href(&ctx.path));
        view! { <p class="load-more"><a href=href>"← Back to the first comments"</a></p> }
    });
    view! {
        <Script type_="application/ld+json">{ld}</Script>
        <LiveBubble article=article.slug.clone() newest/>
        <ThreadToolbar q/>
        {first_page}
        <div class="thread">
            {empty.then(|| view! {
                <p class="empty">{if filtered { "No comment matches this filter yet." } else { "No comments yet. Start the conversation." }}</p>
            })}
            {page.nodes.into_iter().map(|n| view! { <CommentItem node=n now highlight/> }).collect_view()}
        </div>
        {more}
    }
}

/// "By Ana Ruiz and Tom Ng", each name a link to their author page; "By the Byline newsroom"
/// (the site's name) for a story nobody signs.
#[component]
fn Byline(authors: Vec<crate::domain::author::Byline>) -> impl IntoView {
    if authors.is_empty() {
        let newsroom = format!("By the {} newsroom", site_identity().name);
        return view! { <span class="byline">{newsroom}</span> }.into_any();
    }
    let n = authors.len();
    let names = authors.into_iter().enumerate().map(|(i, b)| {
        let sep = match (i, n - i) {
            (0, _) => "",
            (_, 1) => " and ",
            _ => ", ",
        };
        let href = b.path();
        view! {
            {sep}
            <a href=href rel="author" itemprop="author" itemscope itemtype="https://schema.org/Person">
                <span itemprop="name">{b.name}</span>
            </a>
        }
    });
    view! { <span class="byline">"By " {names.collect_view()}</span> }.into_any()
}

/// schema.org `NewsArticle` with the comments on the page, for search engines.
fn json_ld(a: &Article, url: &str, thread: &ThreadPage) -> String {
    use serde_json::json;
    fn flatten(nodes: &[ThreadNode], url: &str, out: &mut Vec<serde_json::Value>) {
        for n in nodes {
            let c = &n.comment;
            if !c.deleted {
                out.push(json!({
                    "@type": "Comment",
                    "@id": format!("{url}#comment-{}", c.id),
                    "url": format!("{url}?comment={}#comment-{}", c.id, c.id),
                    "author": { "@type": "Person", "name": c.author_name },
                    "dateCreated": iso8601(c.created_at),
                    "text": c.text.clone().unwrap_or_else(|| html_to_text(&c.body_html)),
                    "upvoteCount": c.score.max(0),
                    "parentItem": c.parent_id.map(|p| json!({ "@id": format!("{url}#comment-{p}") })),
                }));
            }
            flatten(&n.replies, url, out);
        }
    }
    let mut comments = Vec::new();
    flatten(&thread.nodes, url, &mut comments);
    let site = site_identity();
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
        "author": if a.authors.is_empty() {
            json!({ "@type": "Organization", "name": site.name })
        } else {
            let base = url.split("/articles/").next().unwrap_or_default();
            serde_json::Value::Array(a.authors.iter().map(|b| json!({
                "@type": "Person",
                "name": b.name,
                "url": format!("{base}{}", b.path()),
            })).collect())
        },
        "publisher": organization(&site, url.split("/articles/").next().unwrap_or_default()),
        "commentCount": thread.total,
        "comment": comments,
    });
    // `</script>` inside a string must not end the element
    ld.to_string().replace('<', "\\u003c")
}

/// The site as schema.org's publisher: its name, home page and Contact Information (the parts
/// the desk filled in).
pub fn organization(site: &crate::domain::site::SiteIdentity, base_url: &str) -> serde_json::Value {
    let mut address = serde_json::Map::new();
    address.insert("@type".into(), "PostalAddress".into());
    for (key, value) in [
        ("streetAddress", &site.street),
        ("addressLocality", &site.city),
        ("addressRegion", &site.region),
        ("postalCode", &site.postal_code),
        ("addressCountry", &site.country),
    ] {
        if !value.is_empty() {
            address.insert(key.into(), value.as_str().into());
        }
    }
    serde_json::json!({
        "@type": "NewsMediaOrganization",
        "name": site.name,
        "url": format!("{base_url}/"),
        "address": address,
    })
}
