//! The desk's story reads: the list and one story in the editor. Writers see their own stories;
//! editors and admins every one; moderators none. The writes are plain form posts (the server
//! crate's `desk_posts::stories`).
use crate::domain::desk_views::Desk;
use crate::domain::story::{StoryEdit, StoryList, StoryPreview};
use crate::domain::ApiError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/desk/api", endpoint = "/stories", input = GetUrl)]
pub async fn desk_stories(status: Option<String>) -> Result<Desk<StoryList>, ApiError> {
    use crate::domain::desk::Role;
    use crate::domain::story::StoryStatus;
    let (state, staff) = super::desk::staff_for(Role::Writer).await?;
    let only = (!staff.role.includes(Role::Editor)).then_some(staff.id);
    // an unknown status is every story (the tab the list opens on)
    let status = status.as_deref().and_then(StoryStatus::parse);
    let store = crate::server::store::stories::list(&state.pool, only, status, 500);
    let rows = store.await.map_err(|e| super::desk::fail("the desk's stories", e))?;
    let counts = crate::server::store::stories::counts(&state.pool, only)
        .await
        .map_err(|e| super::desk::fail("the desk's story counts", e))?;
    Ok(Desk { me: crate::server::staff::me(&staff), data: StoryList { rows, status, counts } })
}

/// Story `id` in the editor (0: a new one); with revision `compare` set against the text now, or
/// the text of revision `restore` in the form (saved over the current revision).
#[server(prefix = "/desk/api", endpoint = "/story", input = GetUrl)]
pub async fn desk_story(
    id: i64,
    compare: Option<i64>,
    restore: Option<i64>,
) -> Result<Desk<StoryEdit>, ApiError> {
    use crate::domain::desk::Role;
    use crate::domain::story::{line_diff, RevisionView, StoryStatus, StoryText};
    let (state, staff) = super::desk::staff_for(Role::Writer).await?;
    let me = crate::server::staff::me(&staff);
    let fail = |e| super::desk::fail("a story for the editor", e);
    let author_choices =
        crate::server::store::desk::staff::author_choices(&state.pool, id).await.map_err(fail)?;
    if id == 0 {
        let blank = StoryEdit {
            id: 0,
            // a new story is by whoever starts it
            text: StoryText { authors: vec![staff.id], ..StoryText::default() },
            status: StoryStatus::Draft,
            revision: 0,
            publish_at: None,
            published_at: 0,
            listed: true,
            comments_mode: Default::default(),
            own: true,
            slug_locked: false,
            desk_edited: false,
            revisions: Vec::new(),
            revision_view: None,
            author_choices,
            preview: None,
        };
        return Ok(Desk { me, data: blank });
    }
    let Some(s) = crate::server::store::stories::get(&state.pool, id).await.map_err(fail)? else {
        let err = ApiError::NotFound("There is no such story.".into());
        crate::server::answer::set_status_for(&err);
        return Err(err);
    };
    let own = s.created_by == Some(staff.id);
    if !staff.role.includes(Role::Editor) && !own {
        let err = ApiError::Forbidden("This story is another writer's: an editor can open it.".into());
        crate::server::answer::set_status_for(&err);
        return Err(err);
    }
    let revisions = crate::server::store::stories::revisions(&state.pool, id).await.map_err(fail)?;
    let wanted = restore.or(compare).filter(|n| *n > 0);
    let old = match wanted {
        Some(n) => crate::server::store::stories::revision(&state.pool, id, n).await.map_err(fail)?,
        None => None,
    };
    if wanted.is_some() && old.is_none() {
        let err = ApiError::NotFound("This story has no such revision.".into());
        crate::server::answer::set_status_for(&err);
        return Err(err);
    }
    let mut text = StoryText {
        title: s.title,
        standfirst: s.standfirst,
        body_markdown: s.body_markdown,
        section: s.section,
        tags: s.tags.join(", "),
        slug: s.slug,
        note_kind: s.note_kind,
        note: s.note,
        authors: crate::server::store::articles::author_ids(&state.pool, id).await.map_err(fail)?,
    };
    let revision_view = match (old, wanted) {
        (Some(old), Some(n)) if restore.is_some() => {
            text.title = old.title;
            text.standfirst = old.standfirst;
            text.body_markdown = old.body_markdown;
            text.section = old.section;
            text.tags = old.tags.join(", ");
            text.slug = old.slug;
            Some(RevisionView::Restore { revision: n })
        }
        (Some(old), Some(n)) => {
            let mut lines = Vec::new();
            if old.standfirst != text.standfirst {
                lines.extend(line_diff(&old.standfirst, &text.standfirst));
            }
            lines.extend(line_diff(&old.body_markdown, &text.body_markdown));
            Some(RevisionView::Compare { revision: n, title: (old.title, text.title.clone()), lines })
        }
        _ => None,
    };
    let data = StoryEdit {
        id: s.id,
        text,
        status: s.status,
        revision: s.revision,
        publish_at: s.publish_at,
        published_at: s.published_at,
        listed: s.listed,
        comments_mode: s.comments_mode,
        own,
        slug_locked: s.first_published_at.is_some(),
        desk_edited: s.desk_edited_at.is_some(),
        revisions,
        revision_view,
        author_choices,
        preview: (s.status != StoryStatus::Unpublished && s.withdrawn_at.is_none()).then(|| {
            let expires = crate::domain::story::preview_expiry(state.clock.now());
            let sig = state.secret.sign(&crate::domain::story::preview_signed(s.id, expires));
            crate::domain::story::PreviewLink {
                url: format!("{}/preview/{}?expires={expires}&sig={sig}", state.site.base_url, s.id),
                expires,
            }
        }),
    };
    Ok(Desk { me, data })
}

/// A story's latest saved text, for whoever holds a preview link the desk made: the signature
/// must hold (else 404, as for no story) and the link not have expired (410); a story taken
/// down shows nothing (410). Never kept: not by the page cache, nor by a browser or proxy
/// (`no-store`), and never indexed.
#[server(prefix = "/api", endpoint = "/story_preview", input = GetUrl)]
pub async fn get_story_preview(id: i64, expires: i64, sig: String) -> Result<StoryPreview, ApiError> {
    use crate::domain::story::StoryStatus;
    use crate::server::answer::set_status_for;
    let state = crate::server::state::app_state()?;
    let refuse = |err: ApiError| {
        set_status_for(&err);
        Err(err)
    };
    if sig.len() > 128 || !state.secret.verify(&crate::domain::story::preview_signed(id, expires), &sig) {
        return refuse(ApiError::NotFound("There is no preview at this address.".into()));
    }
    if state.clock.now() >= expires {
        return refuse(ApiError::Gone(
            "This preview link has expired. Ask the newsroom for a new one.".into(),
        ));
    }
    let fail = |e| super::desk::fail("a story's preview", e);
    let Some(s) = crate::server::store::stories::get(&state.pool, id).await.map_err(fail)? else {
        return refuse(ApiError::NotFound("There is no preview at this address.".into()));
    };
    // (an import's withdrawn post, its original gone private, is taken down as well)
    if s.status == StoryStatus::Unpublished || s.withdrawn_at.is_some() {
        return refuse(ApiError::Gone("This story was taken down by the editors.".into()));
    }
    let authors = crate::server::store::articles::authors_of(&state.pool, id).await.map_err(fail)?;
    let names: Vec<&str> = authors.iter().map(|b| b.name.as_str()).collect();
    Ok(StoryPreview {
        body_html: crate::server::text_to_html::article_html(&s.body_markdown),
        title: s.title,
        standfirst: s.standfirst,
        section: s.section,
        byline: crate::domain::author::byline_names(&names),
        status: s.status,
        expires,
    })
}
