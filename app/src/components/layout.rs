use crate::domain::site::SiteIdentity;
use leptos::prelude::*;
use std::sync::Arc;

/// The site's identity as the desk set it (Desk → Site); the seed site's outside a server.
pub fn site_identity() -> Arc<SiteIdentity> {
    #[cfg(feature = "ssr")]
    if let Some(state) = use_context::<crate::server::state::AppState>() {
        return state.identity.current();
    }
    Arc::new(SiteIdentity::default())
}

/// The site's absolute base URL (`BYLINE_BASE_URL`), for JSON-LD; empty outside a server.
pub fn base_url() -> String {
    #[cfg(feature = "ssr")]
    if let Some(state) = use_context::<crate::server::state::AppState>() {
        return state.site.base_url.clone();
    }
    String::new()
}

#[component]
pub fn SiteHeader() -> impl IntoView {
    let site = site_identity();
    let tagline = (!site.tagline.is_empty()).then(|| view! { <p class="tagline">{site.tagline.clone()}</p> });
    view! {
        <header class="site-header">
            <div class="masthead">
                <a class="site-name" href="/">{site.name.clone()}</a>
                {tagline}
            </div>
            <nav class="site-nav" aria-label="Main">
                {site.nav.iter().map(|l| view! { <a href=l.href.clone()>{l.label.clone()}</a> }).collect_view()}
                <a href="/search">"Search"</a>
            </nav>
        </header>
    }
}

/// The postal address, as on the site our readers know.
#[component]
pub fn ContactInformation(
    /// Unique per page: the footer and the contact page both show the block.
    heading_id: &'static str,
    /// A landmark (named region) only once per page: the footer's.
    #[prop(optional)]
    not_a_landmark: bool,
) -> impl IntoView {
    let site = site_identity();
    view! {
        <section class="contact-info" aria-labelledby=(!not_a_landmark).then_some(heading_id)>
            <h2 id=heading_id>"Contact Information"</h2>
            <address>
                <span class="street">{site.street.clone()}</span>
                <span class="sep">", "</span>
                <span class="city">{site.city_line()}</span>
            </address>
        </section>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    let site = site_identity();
    let footer = (!site.footer.is_empty()).then(|| view! { <p class="copyright">{site.footer.clone()}</p> });
    view! {
        <footer class="site-footer">
            <div class="footer-inner">
                <ContactInformation heading_id="footer-contact-title"/>
                <section class="footer-links" aria-label="Site">
                    <a href="/contact">"Contact Us"</a>
                    <a href="/sitemap.xml">"Sitemap"</a>
                </section>
                {footer}
            </div>
        </footer>
    }
}
