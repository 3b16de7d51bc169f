//! Feeds: the site's latest articles, a section's, and an article's comments, each as RSS 2.0
//! and Atom 1.0 (WordPress has `/feed/` and `/slug/feed/`; feed readers and aggregators still
//! poll them). Conditional GET: an unchanged feed answers 304 to `If-None-Match` or
//! `If-Modified-Since`, so a reader polling every few minutes costs a few bytes.
/// Escaped, and only characters XML allows (one stray control character makes a strict feed
/// reader refuse the whole feed).
fn esc(s: &str) -> String {
    app::domain::text::escape_html(&app::domain::text::xml_chars(s))
}
use app::domain::article::CommentsMode;
use app::server::state::AppState;
use app::server::store::articles::{self, FeedArticle, FeedComment, FeedOf};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, StatusCode};

/// Entries per feed.
const LIMIT: i64 = 30;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Rss,
    Atom,
}

impl Format {
    fn content_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml; charset=utf-8",
            Format::Atom => "application/atom+xml; charset=utf-8",
        }
    }
}

/// RFC 822 (RSS) dates: `Thu, 15 Jan 2026 09:30:00 +0000`.
pub fn rfc822(ts: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc2822).ok())
        .unwrap_or_default()
}

/// The HTTP date of `Last-Modified`: `Thu, 15 Jan 2026 09:30:00 GMT`.
fn http_date(ts: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!(
                "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
            ))
            .ok()
        })
        .unwrap_or_default()
}

fn parse_http_date(s: &str) -> Option<i64> {
    let f = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::PrimitiveDateTime::parse(s.trim(), f).ok().map(|t| t.assume_utc().unix_timestamp())
}

struct Entry {
    title: String,
    link: String,
    author: String,
    published: i64,
    updated: i64,
    summary: Option<String>,
    html: String,
    categories: Vec<String>,
}

struct Feed {
    title: String,
    /// The page the feed is about.
    link: String,
    /// The feed's own address (without the `/atom` of the Atom one).
    own: String,
    subtitle: String,
    entries: Vec<Entry>,
    /// When nothing is listed: the feed's date is this.
    empty_since: i64,
}

impl Feed {
    fn updated(&self) -> i64 {
        self.entries.iter().map(|e| e.updated.max(e.published)).max().unwrap_or(self.empty_since)
    }

    fn render(&self, format: Format) -> String {
        let mut x = String::with_capacity(8 * 1024);
        x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        match format {
            Format::Rss => {
                x.push_str("<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n");
                x.push_str(&format!(
                    "<title>{}</title>\n<link>{}</link>\n<description>{}</description>\n<language>en</language>\n<lastBuildDate>{}</lastBuildDate>\n<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
                    esc(&self.title),
                    esc(&self.link),
                    esc(&self.subtitle),
                    rfc822(self.updated()),
                    esc(&self.own)
                ));
                for e in &self.entries {
                    x.push_str("<item>\n");
                    x.push_str(&format!(
                        "<title>{}</title>\n<link>{1}</link>\n<guid isPermaLink=\"true\">{1}</guid>\n",
                        esc(&e.title),
                        esc(&e.link)
                    ));
                    x.push_str(&format!(
                        "<dc:creator>{}</dc:creator>\n<pubDate>{}</pubDate>\n",
                        esc(&e.author),
                        rfc822(e.published)
                    ));
                    for c in &e.categories {
                        x.push_str(&format!("<category>{}</category>\n", esc(c)));
                    }
                    // RSS has one text: the summary when there is one, else the HTML (escaped)
                    let description = match &e.summary {
                        Some(s) if !s.is_empty() => esc(s),
                        _ => esc(&e.html),
                    };
                    x.push_str(&format!("<description>{description}</description>\n</item>\n"));
                }
                x.push_str("</channel>\n</rss>\n");
            }
            Format::Atom => {
                x.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n");
                x.push_str(&format!(
                    "<title>{}</title>\n<subtitle>{}</subtitle>\n<id>{}</id>\n<updated>{}</updated>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"{}/atom\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<generator>Byline</generator>\n",
                    esc(&self.title),
                    esc(&self.subtitle),
                    esc(&format!("{}/atom", self.own)),
                    app::domain::time::iso8601(self.updated()),
                    esc(&self.own),
                    esc(&self.link)
                ));
                for e in &self.entries {
                    x.push_str("<entry>\n");
                    x.push_str(&format!(
                        "<title>{}</title>\n<id>{1}</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"{1}\"/>\n<published>{2}</published>\n<updated>{3}</updated>\n<author><name>{4}</name></author>\n",
                        esc(&e.title),
                        esc(&e.link),
                        app::domain::time::iso8601(e.published),
                        app::domain::time::iso8601(e.updated.max(e.published)),
                        esc(&e.author)
                    ));
                    for c in &e.categories {
                        x.push_str(&format!("<category term=\"{}\"/>\n", esc(c)));
                    }
                    if let Some(s) = e.summary.as_ref().filter(|s| !s.is_empty()) {
                        x.push_str(&format!("<summary type=\"text\">{}</summary>\n", esc(s)));
                    }
                    x.push_str(&format!("<content type=\"html\">{}</content>\n</entry>\n", esc(&e.html)));
                }
                x.push_str("</feed>\n");
            }
        }
        x
    }
}

/// The feed's answer: 304 when the reader has this version, else the feed with its validators.
fn answer(feed: &Feed, format: Format, headers: &HeaderMap) -> Response {
    use sha2::Digest;
    let body = feed.render(format);
    let etag = format!("\"{}\"", &hex(&sha2::Sha256::digest(body.as_bytes()))[..20]);
    let modified = feed.updated();
    let fresh = match headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        Some(tags) => tags.split(',').any(|t| t.trim().trim_start_matches("W/") == etag || t.trim() == "*"),
        None => headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_http_date)
            .is_some_and(|since| modified <= since),
    };
    let validators = [
        (header::ETAG, etag),
        (header::LAST_MODIFIED, http_date(modified)),
        (header::CACHE_CONTROL, "public, max-age=300".to_string()),
    ];
    if fresh {
        return (StatusCode::NOT_MODIFIED, validators).into_response();
    }
    (validators, [(header::CONTENT_TYPE, format.content_type())], body).into_response()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn article_entries(base: &str, site: &str, list: Vec<FeedArticle>) -> Vec<Entry> {
    list.into_iter()
        .map(|a| {
            let mut categories = vec![a.section];
            categories.extend(a.tags);
            // a correction or update leads the entry; its date moves the entry's `updated`
            let note = app::domain::article::StoryNote::stored(a.note_kind, a.note, a.note_at);
            let html = match note {
                Some(n) => format!(
                    "<p><strong>{}, {}:</strong> {}</p>\n{}",
                    n.label(),
                    app::domain::time::long_date(n.at),
                    app::domain::text::escape_html(&n.text),
                    a.body_html
                ),
                None => a.body_html,
            };
            Entry {
                title: a.title,
                link: format!("{base}{}", app::domain::article::article_path(&a.slug)),
                author: if a.authors.is_empty() {
                    site.to_string()
                } else {
                    app::domain::author::byline_names(
                        &a.authors.iter().map(String::as_str).collect::<Vec<_>>(),
                    )
                },
                published: a.published_at,
                updated: a.updated_at,
                summary: Some(a.standfirst),
                html,
                categories,
            }
        })
        .collect()
}

fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "building a feed");
    (StatusCode::SERVICE_UNAVAILABLE, "This feed is unavailable right now; try again in a minute.")
        .into_response()
}

async fn site_feed(state: AppState, headers: HeaderMap, format: Format) -> Response {
    let base = &state.site.base_url;
    match articles::for_feed(&state.pool, FeedOf::default(), LIMIT).await {
        Ok(list) => answer(
            &Feed {
                title: state.identity.current().name.clone(),
                link: format!("{base}/"),
                own: format!("{base}/feed"),
                subtitle: "The latest news".into(),
                entries: article_entries(base, &state.identity.current().name, list),
                empty_since: 0,
            },
            format,
            &headers,
        ),
        Err(e) => unavailable(e),
    }
}

pub async fn site_rss(State(state): State<AppState>, headers: HeaderMap) -> Response {
    site_feed(state, headers, Format::Rss).await
}

pub async fn site_atom(State(state): State<AppState>, headers: HeaderMap) -> Response {
    site_feed(state, headers, Format::Atom).await
}

async fn section_feed(state: AppState, name: String, headers: HeaderMap, format: Format) -> Response {
    let base = &state.site.base_url;
    match articles::for_feed(&state.pool, FeedOf { section: Some(&name), ..FeedOf::default() }, LIMIT).await {
        // a section exists when it has articles: the name shown is theirs, never the address's
        Ok(list) if !list.is_empty() => {
            let section = list[0].section.clone();
            let path = app::domain::listing::Listing::Section(section.clone()).path();
            answer(
                &Feed {
                    title: format!("{section} — {}", state.identity.current().name),
                    link: format!("{base}{path}"),
                    own: format!("{base}{path}/feed"),
                    subtitle: format!("The latest in {section}"),
                    entries: article_entries(base, &state.identity.current().name, list),
                    empty_since: 0,
                },
                format,
                &headers,
            )
        }
        Ok(_) => (StatusCode::NOT_FOUND, "There is no such section.").into_response(),
        Err(e) => unavailable(e),
    }
}

async fn tag_feed(state: AppState, name: String, headers: HeaderMap, format: Format) -> Response {
    let base = &state.site.base_url;
    let tag = app::domain::listing::tag_slug(&name);
    let found = articles::for_feed(&state.pool, FeedOf { tag: Some(&tag), ..FeedOf::default() }, LIMIT)
        .await
        .map(|list| {
            // the tag as the newest story spells it
            let name = list
                .first()?
                .tags
                .iter()
                .find(|t| app::domain::listing::tag_slug(t) == tag)?
                .trim()
                .to_string();
            Some((name, list))
        });
    match found {
        // a tag exists when a story readers can see has it: the name shown is the story's
        Ok(Some((name, list))) if !list.is_empty() => {
            let path = app::domain::listing::Listing::Tag(tag).path();
            answer(
                &Feed {
                    title: format!("{name} — {}", state.identity.current().name),
                    link: format!("{base}{path}"),
                    own: format!("{base}{path}/feed"),
                    subtitle: format!("Stories about {name}"),
                    entries: article_entries(base, &state.identity.current().name, list),
                    empty_since: 0,
                },
                format,
                &headers,
            )
        }
        Ok(_) => (StatusCode::NOT_FOUND, "There is no such tag.").into_response(),
        Err(e) => unavailable(e),
    }
}

async fn author_feed(state: AppState, slug: String, headers: HeaderMap, format: Format) -> Response {
    let base = &state.site.base_url;
    let of = FeedOf { author: Some(&slug), ..FeedOf::default() };
    let found = match articles::for_feed(&state.pool, of, LIMIT).await {
        Ok(list) if list.is_empty() => Ok(None),
        Ok(list) => articles::author_about(&state.pool, &slug).await.map(|a| a.map(|(name, _)| (name, list))),
        Err(e) => Err(e),
    };
    match found {
        // an author has a feed while a story readers can see names them
        Ok(Some((name, list))) => {
            let path = app::domain::listing::Listing::Author(slug).path();
            answer(
                &Feed {
                    title: format!("{name} — {}", state.identity.current().name),
                    link: format!("{base}{path}"),
                    own: format!("{base}{path}/feed"),
                    subtitle: format!("Stories by {name}"),
                    entries: article_entries(base, &state.identity.current().name, list),
                    empty_since: 0,
                },
                format,
                &headers,
            )
        }
        Ok(None) => (StatusCode::NOT_FOUND, "There is no such author.").into_response(),
        Err(e) => unavailable(e),
    }
}

pub async fn author_rss(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    author_feed(state, slug, headers, Format::Rss).await
}

pub async fn author_atom(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    author_feed(state, slug, headers, Format::Atom).await
}

pub async fn tag_rss(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    tag_feed(state, name, headers, Format::Rss).await
}

pub async fn tag_atom(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    tag_feed(state, name, headers, Format::Atom).await
}

pub async fn section_rss(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    section_feed(state, name, headers, Format::Rss).await
}

pub async fn section_atom(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    section_feed(state, name, headers, Format::Atom).await
}

async fn comments_feed(state: AppState, slug: String, headers: HeaderMap, format: Format) -> Response {
    let base = &state.site.base_url;
    let article = match articles::by_slug(&state.pool, &slug).await {
        Ok(Some(a)) if a.comments_mode != CommentsMode::Hidden => a,
        Ok(_) => return (StatusCode::NOT_FOUND, "There is no such article.").into_response(),
        Err(e) => return unavailable(e),
    };
    let comments: Vec<FeedComment> = match articles::comments_for_feed(&state.pool, article.id, LIMIT).await {
        Ok(c) => c,
        Err(e) => return unavailable(e),
    };
    let path = app::domain::article::article_path(&article.slug);
    let entries = comments
        .into_iter()
        .map(|c| Entry {
            title: format!("Comment by {} on “{}”", c.author_name, article.title),
            link: format!("{base}{path}?comment={0}#comment-{0}", c.id),
            author: c.author_name,
            published: c.created_at,
            updated: c.edited_at.unwrap_or(c.created_at),
            summary: None,
            html: c.body_html,
            categories: vec![],
        })
        .collect();
    answer(
        &Feed {
            title: format!("Comments on “{}”", article.title),
            link: format!("{base}{path}"),
            own: format!("{base}{path}/feed"),
            subtitle: format!("The latest comments on {}", state.identity.current().name),
            entries,
            empty_since: article.published_at,
        },
        format,
        &headers,
    )
}

pub async fn comments_rss(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    comments_feed(state, slug, headers, Format::Rss).await
}

pub async fn comments_atom(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    comments_feed(state, slug, headers, Format::Atom).await
}
