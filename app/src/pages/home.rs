//! The pages that list stories: the front page (`/`), a section (`/section/{name}`), a tag
//! (`/tags/{tag}`), an author (`/authors/{slug}`), the archive (`/archive`) and a month of it
//! (`/archive/{year}/{month}`).
//! All are plain server HTML (no island): "Older stories" is a link, the same with JavaScript
//! on or off.
use crate::api::{get_front_page, get_list};
use crate::domain::listing::{month_name, tag_slug, ListPage, Listing};
use crate::domain::time::{iso8601, long_date};
use crate::domain::ArticleSummary;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Script, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

/// The front page's JSON-LD: the site (with its search) and the newsroom behind it.
fn site_ld(site: &crate::domain::site::SiteIdentity) -> String {
    let base = crate::components::layout::base_url();
    let ld = serde_json::json!({
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "WebSite",
                "name": site.name,
                "url": format!("{base}/"),
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": format!("{base}/search?q={{search_term_string}}"),
                    "query-input": "required name=search_term_string",
                },
            },
            crate::pages::article::organization(site, &base),
        ],
    });
    // `</script>` inside a string must not end the element
    ld.to_string().replace('<', "\\u003c")
}

/// The front page: the lead story, then the latest of each section.
#[component]
pub fn HomePage() -> impl IntoView {
    let front = Resource::new(|| (), |_| get_front_page());
    let site = crate::components::layout::site_identity();
    let description =
        if site.tagline.is_empty() { site.name.clone() } else { format!("{}: {}", site.name, site.tagline) };
    view! {
        // (the site's name alone: the title's formatter)
        <Title text=""/>
        <Meta name="description" content=description/>
        <Script type_="application/ld+json">{site_ld(&site)}</Script>
        <section class="front-page">
            <Suspense fallback=|| view! { <p class="loading">"Loading the news…"</p> }>
                {move || Suspend::new(async move {
                    match front.await {
                        Ok(front) => {
                            let Some(lead) = front.lead else {
                                return view! {
                                    <h1 class="section-title visually-hidden">"Latest news"</h1>
                                    <p class="empty">"No stories yet."</p>
                                }.into_any();
                            };
                            view! {
                                <h1 class="section-title visually-hidden">"Latest news"</h1>
                                <ol class="article-list">
                                    <ArticleCard a=lead lead=true/>
                                </ol>
                                {front.sections.into_iter().map(|(name, list)| {
                                    let path = Listing::Section(name.clone()).path();
                                    let id = format!("front-{}", tag_slug(&name));
                                    let labelled_by = id.clone();
                                    view! {
                                        <section class="front-section" aria-labelledby=labelled_by>
                                            <h2 class="front-section-title" id=id>
                                                <a href=path.clone()>{name.clone()}</a>
                                            </h2>
                                            <ol class="article-list">
                                                {list.into_iter().map(|a| view! { <ArticleCard a lead=false under_heading=true/> }).collect_view()}
                                            </ol>
                                            <p class="more-link"><a href=path>{format!("More in {name}")}</a></p>
                                        </section>
                                    }
                                }).collect_view()}
                                <nav class="list-paging" aria-label="More stories">
                                    <a href="/archive">"Every story, newest first"</a>
                                </nav>
                            }.into_any()
                        }
                        Err(e) => view! { <p class="form-alert visible" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Which list a route shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Section,
    Tag,
    All,
    Month,
    Author,
}

#[component]
pub fn SectionPage() -> impl IntoView {
    view! { <ListingPage kind=Kind::Section/> }
}

#[component]
pub fn TagPage() -> impl IntoView {
    view! { <ListingPage kind=Kind::Tag/> }
}

#[component]
pub fn ArchivePage() -> impl IntoView {
    view! { <ListingPage kind=Kind::All/> }
}

#[component]
pub fn MonthPage() -> impl IntoView {
    view! { <ListingPage kind=Kind::Month/> }
}

#[component]
pub fn AuthorPage() -> impl IntoView {
    view! { <ListingPage kind=Kind::Author/> }
}

#[component]
fn ListingPage(kind: Kind) -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let asked = move || {
        let p = params.read();
        let name = match kind {
            Kind::Section => p.get("name").unwrap_or_default(),
            Kind::Tag => p.get("tag").unwrap_or_default(),
            Kind::Author => p.get("author").unwrap_or_default(),
            Kind::All => String::new(),
            Kind::Month => {
                format!("{}/{}", p.get("year").unwrap_or_default(), p.get("month").unwrap_or_default())
            }
        };
        let kind = match kind {
            Kind::Section => "section",
            Kind::Tag => "tag",
            Kind::All => "all",
            Kind::Month => "month",
            Kind::Author => "author",
        };
        (kind.to_string(), name, query.read().get("before"))
    };
    let page = Resource::new(asked, |(kind, name, before)| get_list(kind, name, before));
    view! {
        <section class="front-page list-page">
            <Suspense fallback=|| view! { <p class="loading">"Loading the news…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <ListView page/> }.into_any(),
                        Err(crate::domain::ApiError::NotFound(_)) => view! { <crate::pages::NotFound/> }.into_any(),
                        Err(e) => view! { <p class="form-alert visible" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ListView(page: ListPage) -> impl IntoView {
    let path = page.listing.path();
    let heading = page.heading.clone();
    let title = if page.paged { format!("{heading}: older stories") } else { heading.clone() };
    // a section's and a tag's feed; the archive's is the site's
    let feed = match &page.listing {
        Listing::Section(_) | Listing::Tag(_) | Listing::Author(_) => format!("{path}/feed"),
        _ => "/feed".to_string(),
    };
    let kind = match &page.listing {
        Listing::Section(_) => Some("Section"),
        Listing::Tag(_) => Some("Topic"),
        Listing::Month { .. } => Some("Archive"),
        Listing::Author(_) => Some("Author"),
        Listing::All => None,
    };
    let description = match &page.listing {
        Listing::Section(_) => format!("The latest stories in {heading}, from Byline."),
        Listing::Tag(_) => format!("Byline's stories about {heading}."),
        Listing::All => "Every Byline story, newest first.".to_string(),
        Listing::Month { .. } => format!("Byline's stories from {heading}."),
        Listing::Author(_) if !page.about.is_empty() => page.about.clone(),
        Listing::Author(_) => format!("Stories by {heading}, from Byline."),
    };
    let about = (!page.about.is_empty() && !page.paged)
        .then(|| view! { <p class="author-bio">{page.about.clone()}</p> });
    let older = page.older.map(|c| format!("{path}?before={}", c.encode()));
    let months = (!page.months.is_empty()).then(|| {
        let current = match page.listing {
            Listing::Month { year, month } => Some((year, month)),
            _ => None,
        };
        view! {
            <nav class="archive-months" aria-label="Months">
                <h2>"By month"</h2>
                <ul>
                    {page.months.iter().map(|m| {
                        let href = Listing::Month { year: m.year, month: m.month }.path();
                        let here = current == Some((m.year, m.month));
                        view! {
                            <li>
                                <a href=href aria-current=here.then_some("page")>{month_name(m.year, m.month)}</a>
                                <span class="count">{format!(" ({})", m.stories)}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </nav>
        }
    });
    let empty = page.stories.is_empty();
    view! {
        <Title text=title.clone()/>
        <Meta name="description" content=description/>
        <Link rel="canonical" href=path.clone()/>
        // an older page is for readers, not for search results
        {page.paged.then(|| view! { <Meta name="robots" content="noindex, follow"/> })}
        <Link rel="alternate" type_="application/rss+xml" title=format!("{heading} (RSS)") href=feed.clone()/>
        <Link rel="alternate" type_="application/atom+xml" title=format!("{heading} (Atom)") href=format!("{feed}/atom")/>
        {kind.map(|k| view! { <p class="list-kind">{k}</p> })}
        <h1 class="section-title">{title}</h1>
        {about}
        {empty.then(|| view! { <p class="empty">"No stories yet."</p> })}
        <ol class="article-list">
            {page.stories.into_iter().map(|a| view! { <ArticleCard a lead=false/> }).collect_view()}
        </ol>
        <nav class="list-paging" aria-label="More stories">
            {page.paged.then(|| view! { <a href=path.clone()>"Newest stories"</a> })}
            {older.map(|href| view! { <a href=href rel="next">"Older stories"</a> })}
            <a class="feed-link" href=feed>"Feed"</a>
        </nav>
        {months}
    }
}

#[component]
fn ArticleCard(a: ArticleSummary, lead: bool, #[prop(optional)] under_heading: bool) -> impl IntoView {
    let path = a.path();
    let comments = match a.comment_count {
        0 => "No comments yet".to_string(),
        1 => "1 Comment".to_string(),
        n => format!("{n} Comments"),
    };
    let section_path = Listing::Section(a.section.clone()).path();
    view! {
        <li class="article-card" class:lead=lead>
            <p class="kicker"><a href=section_path>{a.section.clone()}</a></p>
            // under a section's heading on the front page, a headline is one level down
            {if under_heading {
                view! { <h3><a href=path.clone()>{a.title.clone()}</a></h3> }.into_any()
            } else {
                view! { <h2><a href=path.clone()>{a.title.clone()}</a></h2> }.into_any()
            }}
            <p class="standfirst">{a.standfirst.clone()}</p>
            <p class="card-meta">
                <time datetime=iso8601(a.published_at)>{long_date(a.published_at)}</time>
                " · "
                <a href=format!("{path}#comments")>{comments}</a>
            </p>
        </li>
    }
}
