//! The desk's story reads: the list and one story in the editor. Writers see their own stories;
//! editors and admins every one; moderators none. The writes are plain form posts (the server
//! crate's `desk_posts::stories`).
use crate::domain::desk_views::Desk;
use crate::domain::story::{StoryEdit, StoryRow};
use crate::domain::ApiError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/desk/api", endpoint = "/stories", input = GetUrl)]
pub async fn desk_stories() -> Result<Desk<Vec<StoryRow>>, ApiError> {
    use crate::domain::desk::Role;
    let (state, staff) = super::desk::staff_for(Role::Writer).await?;
    let only = (!staff.role.includes(Role::Editor)).then_some(staff.id);
    let rows = crate::server::store::stories::list(&state.pool, only, 500)
        .await
        .map_err(|e| super::desk::fail("the desk's stories", e))?;
    Ok(Desk { me: crate::server::staff::me(&staff), data: rows })
}

/// Story `id` in the editor (0: a new one).
#[server(prefix = "/desk/api", endpoint = "/story", input = GetUrl)]
pub async fn desk_story(id: i64) -> Result<Desk<StoryEdit>, ApiError> {
    use crate::domain::desk::Role;
    use crate::domain::story::{StoryStatus, StoryText};
    let (state, staff) = super::desk::staff_for(Role::Writer).await?;
    let me = crate::server::staff::me(&staff);
    if id == 0 {
        let blank = StoryEdit {
            id: 0,
            text: StoryText::default(),
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
        };
        return Ok(Desk { me, data: blank });
    }
    let fail = |e| super::desk::fail("a story for the editor", e);
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
    let data = StoryEdit {
        id: s.id,
        text: StoryText {
            title: s.title,
            standfirst: s.standfirst,
            body_markdown: s.body_markdown,
            section: s.section,
            tags: s.tags.join(", "),
            slug: s.slug,
            note_kind: s.note_kind,
            note: s.note,
        },
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
    };
    Ok(Desk { me, data })
}
