use leptos::prelude::*;

pub const CONTACT_STREET: &str = "Oak Avenue";
pub const CONTACT_CITY: &str = "Manhattan Beach, California 90266";

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <div class="masthead">
                <a class="site-name" href="/">"Byline"</a>
                <p class="tagline">"Independent news, open to its readers"</p>
            </div>
            <nav class="site-nav" aria-label="Main">
                <a href="/">"Home"</a>
                <a href="/section/world">"World"</a>
                <a href="/contact">"Contact Us"</a>
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
    view! {
        <section class="contact-info" aria-labelledby=(!not_a_landmark).then_some(heading_id)>
            <h2 id=heading_id>"Contact Information"</h2>
            <address>
                <span class="street">{CONTACT_STREET}</span>
                <span class="sep">", "</span>
                <span class="city">{CONTACT_CITY}</span>
            </address>
        </section>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="footer-inner">
                <ContactInformation heading_id="footer-contact-title"/>
                <section class="footer-links" aria-label="Site">
                    <a href="/contact">"Contact Us"</a>
                    <a href="/sitemap.xml">"Sitemap"</a>
                </section>
                <p class="copyright">"© Byline. Comments are the views of their authors."</p>
            </div>
        </footer>
    }
}
