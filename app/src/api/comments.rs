use crate::domain::ApiError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostedComment {
    pub id: i64,
    /// `/articles/{slug}#comment-{id}`
    pub location: String,
}

/// Posts a comment or a reply. Driven by `<ActionForm>`; a plain (JavaScript-off) post of the
/// same form is answered by `crate::nojs` with a redirect or the page re-rendered with errors.
#[server(prefix = "/api", endpoint = "/post_comment")]
pub async fn post_comment(
    article: String,
    parent: Option<i64>,
    name: String,
    email: String,
    body: String,
    key: String,
) -> Result<PostedComment, ApiError> {
    let form = crate::domain::CommentForm { article, parent, name, email, body, key };
    let state = crate::state::app_state()?;
    let result = submit(&state, &form).await;
    if let Err(e) = &result {
        crate::state::set_status_for(e);
    }
    result
}

/// Validates and stores a comment; shared by the server function and the plain form post.
#[cfg(feature = "ssr")]
pub async fn submit(
    state: &crate::state::AppState,
    form: &crate::domain::CommentForm,
) -> Result<PostedComment, ApiError> {
    use crate::domain::CommentInput;
    use crate::state::internal;
    use crate::store::comments::{insert, InsertError, Inserted, NewComment};

    let input = CommentInput::parse(&form.name, &form.email, &form.body)?;
    if form.key.len() < 16 || form.key.len() > 80 {
        return Err(ApiError::BadRequest);
    }
    let article = crate::store::articles::by_slug(&state.pool, &form.article)
        .await
        .map_err(|e| internal("loading the article for a comment", e))?
        .ok_or_else(|| ApiError::NotFound("This article no longer exists.".into()))?;
    let body_html = crate::render::comment_html(&input.body);
    let new = NewComment {
        article_id: article.id,
        parent_id: form.parent,
        author_name: &input.name,
        author_email: input.email.as_deref(),
        body: &input.body,
        body_html: &body_html,
        submission_key: &form.key,
        created_at: crate::store::now(),
    };
    let id = match insert(&state.pool, &new).await {
        Ok(Inserted::New(id)) => {
            tracing::info!(comment = id, article = %article.slug, "comment posted");
            id
        }
        Ok(Inserted::Repeat(id)) => id,
        Err(InsertError::NoSuchParent) => {
            return Err(ApiError::field("body", "The comment you are replying to is no longer available."))
        }
        Err(InsertError::Store(e)) => return Err(internal("storing a comment", e)),
    };
    Ok(PostedComment { id, location: format!("{}#comment-{id}", article.path()) })
}
