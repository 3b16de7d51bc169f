//! One article lookup per request: a page's resources (the article, its thread, its passages,
//! the notify bar) ask for the same article; the first asks the database, the others share it.
use leptos::prelude::use_context;

/// The articles one request has looked up: a page's resources (the article, its thread, its
/// passages, the notify bar) share one lookup. Provided per request by the router.
type Looked = std::sync::Arc<tokio::sync::OnceCell<Option<crate::domain::Article>>>;

#[derive(Clone, Default)]
pub struct ArticleMemo(std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Looked>>>);

/// The article `slug`, looked up once per request (every time outside one).
pub async fn article_by_slug(
    state: &crate::server::state::AppState,
    slug: &str,
) -> Result<Option<crate::domain::Article>, crate::server::store::StoreError> {
    let Some(memo) = use_context::<ArticleMemo>() else {
        return crate::server::store::articles::by_slug(&state.pool, slug).await;
    };
    let cell = memo.0.lock().unwrap_or_else(|e| e.into_inner()).entry(slug.to_string()).or_default().clone();
    cell.get_or_try_init(|| crate::server::store::articles::by_slug(&state.pool, slug)).await.cloned()
}
