use crate::domain::{ApiError, Article, ArticleSummary, ThreadNode};
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
    /// Approved comments, replies included.
    pub total: i64,
    /// Server time of this answer, so relative times render the same on both sides.
    pub now: i64,
}

/// The newest articles, or a section's (`Some("world")`); an empty section is a 404.
#[server(prefix = "/api", endpoint = "/front_page", input = GetUrl)]
pub async fn get_front_page(section: Option<String>) -> Result<Vec<ArticleSummary>, ApiError> {
    use crate::state::{app_state, internal, set_status_for};
    let state = app_state()?;
    let list = crate::store::articles::front_page(&state.pool, section.as_deref(), 50)
        .await
        .map_err(|e| internal("loading the front page", e))?;
    if section.is_some() && list.is_empty() {
        let err = ApiError::NotFound("There is no such section.".into());
        set_status_for(&err);
        return Err(err);
    }
    Ok(list)
}

#[server(prefix = "/api", endpoint = "/article", input = GetUrl)]
pub async fn get_article(slug: String) -> Result<ArticlePage, ApiError> {
    use crate::state::{app_state, internal, set_status_for};
    let state = app_state()?;
    let article = crate::store::articles::by_slug(&state.pool, &slug)
        .await
        .map_err(|e| internal("loading an article", e))?;
    match article {
        Some(article) => Ok(ArticlePage { article, base_url: state.site.base_url.clone() }),
        None => {
            let err = ApiError::NotFound("We could not find that article.".into());
            set_status_for(&err);
            Err(err)
        }
    }
}

#[server(prefix = "/api", endpoint = "/thread", input = GetUrl)]
pub async fn get_thread(slug: String) -> Result<ThreadPage, ApiError> {
    use crate::state::{app_state, internal};
    let state = app_state()?;
    let Some(article) = crate::store::articles::by_slug(&state.pool, &slug)
        .await
        .map_err(|e| internal("loading an article for its thread", e))?
    else {
        return Err(ApiError::NotFound("We could not find that article.".into()));
    };
    let comments = crate::store::comments::approved_for_article(&state.pool, article.id)
        .await
        .map_err(|e| internal("loading a thread", e))?;
    let total = comments.len() as i64;
    Ok(ThreadPage { nodes: crate::domain::build_thread(comments), total, now: crate::store::now() })
}
