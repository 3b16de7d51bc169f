use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// The 404 page; during server rendering it also sets the status.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        opts.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found"/>
        <Meta name="robots" content="noindex"/>
        <section class="not-found">
            <p class="kicker">"Error 404"</p>
            <h1>"We couldn't find that page"</h1>
            <p>"The link may be broken, or the page may have moved."</p>
            <p><a class="button primary" href="/">"Go to the front page"</a></p>
        </section>
    }
}

/// An unpublished story: 410 Gone, so search engines drop it; a short notice for readers.
#[component]
pub fn Gone() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        opts.set_status(http::StatusCode::GONE);
    }
    view! {
        <Title text="This story is no longer available"/>
        <Meta name="robots" content="noindex"/>
        <section class="not-found">
            <p class="kicker">"Removed"</p>
            <h1>"This story is no longer available"</h1>
            <p>"The editors took it down. Its address will not come back."</p>
            <p><a class="button primary" href="/">"Go to the front page"</a></p>
        </section>
    }
}
