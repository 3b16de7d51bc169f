use crate::domain::listing::{FrontPage, ListPage};
use crate::domain::thread::{Cursor, ThreadQuery};
use crate::domain::{ApiError, Article, ThreadNode};
#[cfg(feature = "ssr")]
use crate::server::state::OrInternal;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticlePage {
    pub article: Article,
    /// Absolute base URL, for canonical links and structured data.
    pub base_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadPage {
    pub nodes: Vec<ThreadNode>,
    /// Approved comments on the article, replies included.
    pub total: i64,
    /// Server time of this answer, so relative times render the same on both sides.
    pub now: i64,
    /// The view this page shows.
    pub query: ThreadQuery,
    /// Where "Load more comments" continues.
    pub next: Option<Cursor>,
    /// The position of the last top-level comment on this page.
    pub last: Option<Cursor>,
    /// The comment a filter points at (a permalink's is the page's `#fragment`).
    pub highlight: Option<i64>,
    /// The newest comment id when this page was made (of any article: ids only grow). The live
    /// stream starts after it, whatever this page shows (oldest first, a filter, most voted).
    pub newest: i64,
}

impl ThreadPage {
    /// Every comment id on this page, replies included.
    pub fn ids(&self) -> Vec<i64> {
        let mut ids = Vec::new();
        for n in &self.nodes {
            n.each(&mut |c| ids.push(c.id));
        }
        ids
    }
}

/// The front page: the lead story, then the latest by section.
#[server(prefix = "/api", endpoint = "/front_page", input = GetUrl)]
pub async fn get_front_page() -> Result<FrontPage, ApiError> {
    use crate::server::state::app_state;
    let state = app_state()?;
    // enough of the latest for every section to show its newest few
    let latest = crate::server::store::articles::front_page(&state.pool, None, 200)
        .await
        .or_internal("loading the front page")?;
    Ok(FrontPage::of(latest))
}

/// A page of a list: `kind` is `all`, `section`, `tag`, `author` or `month` (`name` then `2026/12`);
/// `before` is where "Older stories" continues. A list with no stories, an unknown month or a
/// cursor past the end is 404 (the archive of a site with none says so, 200).
#[server(prefix = "/api", endpoint = "/list", input = GetUrl)]
pub async fn get_list(kind: String, name: String, before: Option<String>) -> Result<ListPage, ApiError> {
    use crate::domain::listing::{month_name, parse_month, tag_slug, ListCursor, Listing, PAGE};
    use crate::server::answer::set_status_for;
    use crate::server::state::app_state;
    let state = app_state()?;
    let not_found = |what: &str| {
        let err = ApiError::NotFound(what.into());
        set_status_for(&err);
        err
    };
    let listing = match kind.as_str() {
        "all" => Listing::All,
        "section" => Listing::Section(name),
        "tag" => Listing::Tag(tag_slug(&name)),
        "author" if crate::domain::story::valid_slug(&name) => Listing::Author(name),
        "author" => return Err(not_found("There is no such author.")),
        "month" => {
            let (y, m) = name.split_once('/').unwrap_or_default();
            parse_month(y, m).ok_or_else(|| not_found("There is no such month in the archive."))?
        }
        _ => return Err(not_found("There is no such page.")),
    };
    let before = match before.as_deref().filter(|b| !b.is_empty()) {
        None => None,
        Some(b) => Some(ListCursor::parse(b).ok_or_else(|| not_found("There is no such page of stories."))?),
    };
    let store = &state.pool;
    if !crate::server::store::articles::list_exists(store, &listing).await.or_internal("finding a list")? {
        return Err(not_found(match listing {
            Listing::Tag(_) => "There is no such tag.",
            Listing::Author(_) => "There is no such author.",
            _ => "There is no such section.",
        }));
    }
    let mut stories = crate::server::store::articles::list(store, &listing, before, PAGE as i64 + 1)
        .await
        .or_internal("loading a list of stories")?;
    let older = (stories.len() > PAGE).then(|| {
        stories.truncate(PAGE);
        stories.last().map(ListCursor::of)
    });
    let older = older.flatten();
    let empty = stories.is_empty();
    let mut about = String::new();
    let heading = match &listing {
        Listing::All => "Archive".to_string(),
        Listing::Month { year, month } => month_name(*year, *month),
        // a section's or tag's name comes from its stories, never from the address
        Listing::Section(_) => stories.first().map(|a| a.section.clone()).unwrap_or_default(),
        Listing::Tag(t) => match stories.first() {
            Some(first) => crate::server::store::articles::tag_name(store, t, first.id)
                .await
                .or_internal("loading a tag's name")?
                .unwrap_or_default(),
            None => String::new(),
        },
        Listing::Author(a) => {
            let found = crate::server::store::articles::author_about(store, a)
                .await
                .or_internal("loading an author")?;
            let (name, bio) = found.unwrap_or_default();
            about = bio;
            name
        }
    };
    if empty && (before.is_some() || listing != Listing::All) {
        return Err(not_found(match listing {
            Listing::Section(_) => "There is no such section.",
            Listing::Tag(_) => "There is no such tag.",
            // (a staff member with no story readers can see has no page: staff are not listed)
            Listing::Author(_) => "There is no such author.",
            _ if before.is_some() => "There is no such page of stories.",
            _ => "There are no stories from that month.",
        }));
    }
    let months = if matches!(listing, Listing::All | Listing::Month { .. }) {
        crate::server::store::articles::months(store).await.or_internal("loading the archive's months")?
    } else {
        Vec::new()
    };
    Ok(ListPage { heading, listing, stories, paged: before.is_some(), older, months, about })
}

#[server(prefix = "/api", endpoint = "/article", input = GetUrl)]
pub async fn get_article(slug: String) -> Result<ArticlePage, ApiError> {
    use crate::server::answer::set_status_for;
    use crate::server::state::app_state;
    let state = app_state()?;
    let article = crate::server::article_memo::article_by_slug(&state, &slug)
        .await
        .or_internal("loading an article")?;
    match article {
        Some(mut article) => {
            // an article older than the settings keep comments open shows as closed
            if article.comments_mode == crate::domain::article::CommentsMode::Open {
                let settings = state
                    .pages
                    .settings
                    .get(&state.pool)
                    .await
                    .or_internal("loading the moderation settings")?;
                if crate::api::comments::closed(&article, &settings, state.clock.now()).is_some() {
                    article.comments_mode = crate::domain::article::CommentsMode::Closed;
                }
            }
            Ok(ArticlePage { article, base_url: state.site.base_url.clone() })
        }
        None => {
            let gone = crate::server::store::stories::is_gone(&state.pool, &slug)
                .await
                .or_internal("loading an article")?;
            let err = if gone {
                ApiError::Gone("This story was taken down by the editors.".into())
            } else {
                ApiError::NotFound("We could not find that article.".into())
            };
            set_status_for(&err);
            Err(err)
        }
    }
}

/// A page of the thread. `query` is the page URL's query string (`sort=oldest&after=…`);
/// `until`, when given, extends the first page through that position (what "Load more" has
/// shown so far, so a refresh keeps it).
#[server(prefix = "/api", endpoint = "/thread", input = GetUrl)]
pub async fn get_thread(slug: String, query: String, until: Option<String>) -> Result<ThreadPage, ApiError> {
    use crate::server::state::app_state;
    let state = app_state()?;
    let q = ThreadQuery::from_query_string(&query);
    let until = until.as_deref().and_then(Cursor::parse);
    let Some(article) = crate::server::article_memo::article_by_slug(&state, &slug)
        .await
        .or_internal("loading an article for its thread")?
    else {
        return Err(ApiError::NotFound("We could not find that article.".into()));
    };
    let Some(article) =
        Some(article).filter(|a| a.comments_mode != crate::domain::article::CommentsMode::Hidden)
    else {
        return Err(ApiError::NotFound("Comments are not available on this article.".into()));
    };
    let reader = crate::server::requester::known_reader(&state);
    let now = state.clock.now();
    let viewer = crate::server::store::comments::Viewer {
        reader_id: reader.as_deref(),
        now,
        edit_window: state.limits.edit_window_seconds,
    };
    // read before the page: a comment arriving in between is announced, never lost
    let newest =
        crate::server::store::comments::newest_id(&state.pool).await.or_internal("loading a thread")?;
    let page = crate::server::store::comments::page(&state.pool, article.id, &q, until, &viewer)
        .await
        .or_internal("loading a thread")?;
    let last = page.roots.last().map(|c| Cursor {
        key: if q.sort == crate::domain::thread::Sort::Votes { c.score } else { c.created_at },
        id: c.id,
    });
    // a permalink may land on the first page, or name its thread by its top-level comment
    let q = page.query;
    Ok(ThreadPage {
        last,
        nodes: crate::domain::build_thread(page.roots, page.replies),
        total: article.comment_count,
        now,
        query: q,
        next: page.next,
        highlight: page.highlight,
        newest,
    })
}

/// The passages an article shows ("Inline Feedbacks"), with counts and the last feedbacks.
#[server(prefix = "/api", endpoint = "/passages", input = GetUrl)]
pub async fn get_passages(slug: String) -> Result<Vec<crate::domain::PassageView>, ApiError> {
    use crate::server::state::app_state;
    let state = app_state()?;
    let Some(article) = crate::server::article_memo::article_by_slug(&state, &slug)
        .await
        .or_internal("loading an article for its passages")?
    else {
        return Ok(Vec::new());
    };
    // comments hidden by the editors: the feedback on passages with them
    if article.comments_mode == crate::domain::article::CommentsMode::Hidden {
        return Ok(Vec::new());
    }
    crate::server::store::passages::for_article(&state.pool, article.id).await.or_internal("loading passages")
}

/// How long a search waits for its turn when `BYLINE_SEARCHES` run already.
#[cfg(feature = "ssr")]
const SEARCH_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Search: stories and comments readers can see with every word of `q`, `PER_PAGE` of each
/// per page (`page` from 1). Nothing to look for is an empty page, not an error; a page past
/// the last allowed is 404.
#[server(prefix = "/api", endpoint = "/search", input = GetUrl)]
pub async fn search(
    q: Option<String>,
    page: Option<String>,
) -> Result<crate::domain::search::SearchPage, ApiError> {
    use crate::domain::search::{snippet, CommentHit, Query, SearchPage, StoryHit, MAX_PAGES, PER_PAGE};
    use crate::server::state::app_state;
    let state = app_state()?;
    let page = match page.as_deref().filter(|p| !p.is_empty()) {
        None => 1,
        Some(p) => match p.parse::<u32>() {
            Ok(n) if (1..=MAX_PAGES).contains(&n) => n,
            _ => {
                let err = ApiError::NotFound("There is no such page of results.".into());
                crate::server::answer::set_status_for(&err);
                return Err(err);
            }
        },
    };
    // (what the box shows again: as typed, but no longer than a query is read)
    let typed: String = q.unwrap_or_default().chars().take(crate::domain::search::MAX_QUERY_CHARS).collect();
    let query = Query::parse(&typed);
    let offset = i64::from(page - 1) * PER_PAGE as i64;
    let limit = PER_PAGE as i64 + 1;
    // searches at once are bounded (`BYLINE_SEARCHES`): past it one waits a moment, then is
    // told to try again, and the database stays free for the pages readers are reading
    let _turn = if query.is_empty() {
        None
    } else {
        match tokio::time::timeout(SEARCH_WAIT, state.searches.acquire()).await {
            Ok(Ok(turn)) => Some(turn),
            _ => {
                let err = ApiError::RateLimited { retry_after: 5 };
                crate::server::answer::set_status_for(&err);
                return Err(err);
            }
        }
    };
    let mut stories = crate::server::store::search::stories(&state.pool, &query, offset, limit)
        .await
        .or_internal("searching stories")?;
    let mut comments = crate::server::store::search::comments(&state.pool, &query, offset, limit)
        .await
        .or_internal("searching comments")?;
    let more = stories.len() > PER_PAGE || comments.len() > PER_PAGE;
    stories.truncate(PER_PAGE);
    comments.truncate(PER_PAGE);
    let stories = stories
        .into_iter()
        .map(|s| {
            let text = format!("{} {}", s.standfirst, crate::domain::text::html_to_text(&s.body_html));
            StoryHit {
                snippet: snippet(&text, &query, 30),
                title_marked: snippet(&s.title, &query, crate::domain::story::MAX_TITLE),
                slug: s.slug,
                title: s.title,
                section: s.section,
                published_at: s.published_at,
            }
        })
        .collect();
    let comments = comments
        .into_iter()
        .map(|c| {
            let text = c.body_text.unwrap_or_else(|| crate::domain::text::html_to_text(&c.body_html));
            CommentHit {
                snippet: snippet(&text, &query, 30),
                id: c.id,
                author_name: c.author_name,
                created_at: c.created_at,
                article_slug: c.article_slug,
                article_title: c.article_title,
            }
        })
        .collect();
    Ok(SearchPage { typed, terms: query.terms, page, stories, comments, more })
}
