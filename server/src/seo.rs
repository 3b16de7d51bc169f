//! What crawlers read besides the pages: the sitemap and robots.txt.
use app::server::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{header, StatusCode};

pub async fn sitemap(State(state): State<AppState>) -> Response {
    use app::domain::text::escape_html;
    use app::domain::time::iso8601;
    let base = &state.site.base_url;
    let articles = match app::server::store::articles::sitemap(&state.pool).await {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(error = %e, "building the sitemap");
            return (StatusCode::INTERNAL_SERVER_ERROR, "The sitemap is unavailable right now.")
                .into_response();
        }
    };
    let lists = match app::server::store::articles::sitemap_lists(&state.pool).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, "building the sitemap's lists");
            return (StatusCode::INTERNAL_SERVER_ERROR, "The sitemap is unavailable right now.")
                .into_response();
        }
    };
    let newest = articles.iter().map(|(_, t)| *t).max();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut url = |loc: String, lastmod: Option<i64>| {
        xml.push_str(&format!("  <url><loc>{}</loc>", escape_html(&loc)));
        if let Some(t) = lastmod {
            xml.push_str(&format!("<lastmod>{}</lastmod>", iso8601(t)));
        }
        xml.push_str("</url>\n");
    };
    url(format!("{base}/"), newest);
    for (slug, lastmod) in &articles {
        url(format!("{base}{}", app::domain::article::article_path(slug)), Some(*lastmod));
    }
    // the archive, then each section, tag and author page (their first page: older ones are
    // `noindex, follow`)
    url(format!("{base}/archive"), newest);
    for (path, lastmod) in lists {
        url(format!("{base}{path}"), Some(lastmod));
    }
    url(format!("{base}/contact"), None);
    xml.push_str("</urlset>\n");
    ([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], xml).into_response()
}

pub async fn robots(State(state): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\nDisallow: /api/\nDisallow: /desk/\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
        state.site.base_url
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}
