//! Byline: the pages, components and server functions shared by the server (`ssr`) and the
//! hydrating browser bundle (`hydrate`).
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod domain;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod content;
#[cfg(feature = "ssr")]
pub mod csp;
#[cfg(feature = "ssr")]
pub mod limits;
#[cfg(feature = "ssr")]
pub mod live;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod maillinks;
#[cfg(feature = "ssr")]
pub mod nojs;
#[cfg(feature = "ssr")]
pub mod reader;
#[cfg(feature = "ssr")]
pub mod render;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod visitor;

use components::layout::{SiteFooter, SiteHeader};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    ParamSegment, SsrMode, StaticSegment,
};
use pages::{
    AdminMessagesPage, ArticlePage, ContactPage, HomePage, MailLinkPage, NotFound, SubscriptionsPage,
};

pub const SITE_NAME: &str = "Byline";

/// The HTML document around the app; the server renders it, the browser hydrates `<body>`.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                {hydrate_unless_plain(options)}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// A page rendered in answer to a plain form post is served at the form's URL; it stays
/// plain HTML (see `nojs`), every other page hydrates.
fn hydrate_unless_plain(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let plain = use_context::<nojs::PlainRender>().is_some();
    // the page's Content-Security-Policy names the nonce leptos puts on its inline scripts
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(res)) =
        (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    {
        if let Ok(v) = http::HeaderValue::from_str(&csp::for_page(&nonce)) {
            res.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let plain = false;
    (!plain).then(|| view! { <HydrationScripts options/> })
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects only run in the browser, after hydration: a hook for tests and for styling.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/byline.css"/>
        <Link rel="icon" href="/pkg/favicon.svg" type_="image/svg+xml"/>
        <Title formatter=|t: String| if t.is_empty() { SITE_NAME.to_string() } else { format!("{t} — {SITE_NAME}") }/>
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
                        view=HomePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("articles"), ParamSegment("slug"))
                        view=ArticlePage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("contact") view=ContactPage ssr=SsrMode::Async/>
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
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("messages"))
                        view=AdminMessagesPage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </main>
            <SiteFooter/>
        </Router>
    }
}
