//! Byline: the pages, components and server functions shared by the server (`ssr`) and the
//! hydrating browser bundle (`hydrate`).
#![recursion_limit = "256"]

pub mod api;
pub mod components;
/// The plain types with their validation (the `domain` crate, below the store).
pub use ::domain;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod server;

use components::layout::{SiteFooter, SiteHeader};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    ParamSegment, SsrMode, StaticSegment,
};
use pages::{ArticlePage, ContactPage, HomePage, MailLinkPage, NotFound, SubscriptionsPage};

/// The HTML document around the app; the server renders it, the browser hydrates `<body>`.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let site = components::layout::site_identity();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                {page_scripts(options.clone())}
                <link rel="alternate" type="application/rss+xml" title=format!("{} — latest news (RSS)", site.name) href="/feed"/>
                <link rel="alternate" type="application/atom+xml" title=format!("{} — latest news (Atom)", site.name) href="/feed/atom"/>
                <MetaTags/>
            </head>
            <body>
                <App options/>
            </body>
        </html>
    }
}

/// The page's scripts: the islands' loader (wasm, on idle) and the page swapper
/// (`shell/enhance.js`). The Content-Security-Policy names them by hash (`server::tidy`).
fn page_scripts(options: LeptosOptions) -> impl IntoView {
    // islands: what is outside an island is never hydrated, so its resources are not sent
    // to the browser (leptos' own HydrationScripts does the same when `islands` is set)
    if let Some(sc) = Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
    let js = asset(&options, "frontend.js");
    let wasm = asset(&options, "frontend_bg.wasm");
    let [loader, enhance, ..] = inline_scripts(&options);
    view! {
        <link rel="modulepreload" href=js/>
        <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin=""/>
        <script type="module" inner_html=loader></script>
        <script inner_html=enhance></script>
    }
}

/// The text of every inline script a page carries, the same on every page: the islands'
/// loader (naming the bundle's files) and the page swapper, which `page_scripts` writes, and the
/// two leptos writes after the document for hydration's shared data (always empty here: islands
/// carry their own props), which the wasm reads as globals. The server hashes them once for its
/// Content-Security-Policy (`server::csp::Scripts`): any other inline script is refused.
pub fn inline_scripts(options: &LeptosOptions) -> [String; 4] {
    let js = asset(options, "frontend.js");
    let wasm = asset(options, "frontend_bg.wasm");
    [
        format!("{}({js:?},{wasm:?});", include_str!("shell/loader.js")),
        include_str!("shell/enhance.js").to_string(),
        "__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];"
            .to_string(),
        "__INCOMPLETE_CHUNKS=[];".to_string(),
    ]
}

/// The URL of a file of the browser bundle: its content-hashed name when the build wrote one
/// (see `assets`), else its plain name.
pub fn asset(options: &LeptosOptions, name: &str) -> String {
    #[cfg(feature = "ssr")]
    return server::assets::url(&options.site_root, name);
    #[cfg(not(feature = "ssr"))]
    {
        let _ = options;
        format!("/pkg/{name}")
    }
}

#[component]
pub fn App(options: LeptosOptions) -> impl IntoView {
    provide_meta_context();
    let name = components::layout::site_identity().name.clone();
    view! {
        <Stylesheet id="leptos" href=asset(&options, "byline.css")/>
        <Link rel="icon" href=asset(&options, "favicon.svg") type_="image/svg+xml"/>
        // leptos_meta writes the title as given, markup and all: escaped here, once for every page
        // (a search's words, a story's headline, the site's name)
        <Title formatter=move |t: String| {
            domain::text::escape_html(&if t.is_empty() { name.clone() } else { format!("{t} — {name}") })
        }/>
        <Meta name="theme-color" content="#14213d"/>
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <SiteHeader/>
            <main id="main">
                // Async: crawlers and JavaScript-off readers get complete HTML, <head> included.
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=StaticSegment("") view=HomePage ssr=SsrMode::Async/>
                    <Route
                        path=(StaticSegment("section"), ParamSegment("name"))
                        view=pages::SectionPage
                        ssr=SsrMode::Async
                    />
                    <Route path=(StaticSegment("tags"), ParamSegment("tag")) view=pages::TagPage ssr=SsrMode::Async/>
                    <Route
                        path=(StaticSegment("authors"), ParamSegment("author"))
                        view=pages::AuthorPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("archive") view=pages::ArchivePage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("preview"), ParamSegment("id")) view=pages::StoryPreviewPage ssr=SsrMode::Async/>
                    <Route
                        path=(StaticSegment("archive"), ParamSegment("year"), ParamSegment("month"))
                        view=pages::MonthPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("articles"), ParamSegment("slug"))
                        view=ArticlePage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("contact") view=ContactPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("search") view=pages::SearchPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("subscriptions") view=SubscriptionsPage ssr=SsrMode::Async/>
                    <Route
                        path=(StaticSegment("subscriptions"), StaticSegment("confirm"))
                        view=|| view! { <MailLinkPage purpose="confirm"/> }
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("subscriptions"), StaticSegment("cancel"))
                        view=|| view! { <MailLinkPage purpose="cancel"/> }
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("subscriptions"), StaticSegment("unsubscribe"))
                        view=|| view! { <MailLinkPage purpose="unsubscribe"/> }
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("subscriptions"), StaticSegment("manage"))
                        view=|| view! { <MailLinkPage purpose="manage"/> }
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("desk") view=pages::desk::DeskFrontPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("desk"), StaticSegment("signin")) view=pages::desk::SignInPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("desk"), StaticSegment("queue")) view=pages::desk::DeskQueuePage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("desk"), StaticSegment("comments"), ParamSegment("id")) view=pages::desk::DeskCommentPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("desk"), StaticSegment("bans")) view=pages::desk::DeskBansPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("desk"), StaticSegment("articles")) view=pages::desk::DeskArticlesPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("desk"), StaticSegment("stories")) view=pages::desk::DeskStoriesPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("desk"), StaticSegment("stories"), ParamSegment("id")) view=pages::desk::DeskStoryPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("desk"), StaticSegment("inbox")) view=pages::desk::DeskInboxPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("desk"), StaticSegment("settings")) view=pages::desk::DeskSettingsPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("desk"), StaticSegment("site")) view=pages::desk::DeskSitePage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("desk"), StaticSegment("audit")) view=pages::desk::DeskAuditPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("desk"), StaticSegment("staff")) view=pages::desk::DeskStaffPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("privacy") view=pages::PrivacyPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("privacy"), StaticSegment("data")) view=pages::DataLinkPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("desk"), StaticSegment("readers")) view=pages::desk::DeskReadersPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <SiteFooter/>
        </Router>
    }
}
