//! The story editor's form (`POST /desk/stories`). Every button saves the text first when it
//! changed (a new revision, refused with both versions shown if someone saved since), then does
//! what it names: preview, submit for review, schedule, publish, unschedule, unpublish. Who may
//! do what is `domain::story::allowed`; a refusal shows the editor again with the text kept.
use super::{field, finish, read, refuse, Write};
use app::domain::article::CommentsMode;
use app::domain::desk::Role;
use app::domain::story::{allowed, next, StoryAction, StoryStatus, StoryText};
use app::server::changes::Change;
use app::server::staff;
use app::server::state::AppState;
use app::server::store::stories::{self, SaveError, StoryRecord};
use axum::extract::{Request, State};
use axum::response::Response;
use http::StatusCode;

/// What a button asks for: preview (nothing stored) or a story action.
enum Asked {
    Preview,
    Do(StoryAction),
}

fn asked(s: &str) -> Option<Asked> {
    match s {
        "preview" => Some(Asked::Preview),
        "create" => None,
        other => StoryAction::parse(other).map(Asked::Do),
    }
}

pub async fn story(State(state): State<AppState>, req: Request) -> Response {
    let w = match read(&state, req, Role::Writer).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    let id = field(&w.fields, "id").parse::<i64>().unwrap_or(-1);
    let page = if id > 0 { format!("/desk/stories/{id}") } else { "/desk/stories/new".to_string() };
    if id < 0 {
        return refuse(&state, &w, "/desk/stories", StatusCode::BAD_REQUEST, "Choose a story.").await;
    }
    let Some(asked) = asked(field(&w.fields, "action")) else {
        return refuse(&state, &w, &page, StatusCode::BAD_REQUEST, "Choose what to do with the story.").await;
    };
    let text = StoryText {
        title: field(&w.fields, "title").into(),
        standfirst: field(&w.fields, "standfirst").into(),
        body_markdown: field(&w.fields, "body").into(),
        section: field(&w.fields, "section").into(),
        tags: field(&w.fields, "tags").into(),
        slug: field(&w.fields, "slug").into(),
        note_kind: field(&w.fields, "note_kind").into(),
        note: field(&w.fields, "note").into(),
        authors: w
            .fields
            .iter()
            .filter(|(k, _)| k == "author")
            .map(|(_, v)| v.parse().unwrap_or(-1))
            .collect(),
    };
    if let Asked::Preview = asked {
        return refuse(&state, &w, &page, StatusCode::OK, "Preview below: not saved yet.").await;
    }
    let Asked::Do(action) = asked else { unreachable!("preview answered above") };
    let checked = match text.check() {
        Ok(c) => c,
        Err(errors) => {
            let message = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
            return refuse(&state, &w, &page, StatusCode::BAD_REQUEST, message).await;
        }
    };
    // an author is someone the editor offered (an active writer, editor or admin, or one the
    // story names already): not a made-up id, not a moderator, not a disabled account
    match app::server::store::desk::staff::author_choices(&state.pool, id.max(0)).await {
        Ok(choices) if checked.authors.iter().all(|a| choices.iter().any(|(c, _)| c == a)) => {}
        Ok(_) => {
            return refuse(&state, &w, &page, StatusCode::BAD_REQUEST, "Choose the authors from the list.")
                .await
        }
        Err(e) => return super::failed("loading the authors", e),
    }
    let listed = !field(&w.fields, "listed").is_empty();
    let mode = CommentsMode::parse(field(&w.fields, "comments_mode")).unwrap_or_default();
    let who = staff::actor(&w.staff);
    let now = state.clock.now();
    let html = app::server::text_to_html::article_html(&checked.body_markdown);

    if id == 0 {
        if !allowed(w.staff.role, StoryAction::Create, None, true) || action != StoryAction::Save {
            return refuse(&state, &w, &page, StatusCode::FORBIDDEN, "Your role cannot start a story.").await;
        }
        return match stories::create(&state.pool, &checked, &html, &who, now).await {
            Ok(id) => finish(&w.headers, &format!("/desk/stories/{id}?done=story_create")),
            Err(e) => save_refused(&state, &w, &page, e).await,
        };
    }

    let current = match stories::get(&state.pool, id).await {
        Ok(Some(s)) => s,
        Ok(None) => {
            return refuse(&state, &w, "/desk/stories", StatusCode::NOT_FOUND, "There is no such story.")
                .await
        }
        Err(e) => return super::failed("loading a story", e),
    };
    let own = current.created_by == Some(w.staff.id);
    let authors_now = match app::server::store::articles::author_ids(&state.pool, id).await {
        Ok(a) => a,
        Err(e) => return super::failed("loading a story's authors", e),
    };
    let changed = changed(&current, &checked, listed, mode) || authors_now != checked.authors;
    let may = |a| allowed(w.staff.role, a, Some(current.status), own);
    if !may(action) || (changed && !may(StoryAction::Save)) {
        let why = match w.staff.role {
            Role::Writer if !own => "This story is another writer's.",
            Role::Writer => "Writers write and submit drafts; an editor publishes them.",
            _ => "Your role cannot change stories.",
        };
        return refuse(&state, &w, &page, StatusCode::FORBIDDEN, why).await;
    }
    // the status the editor saw: a move made by someone else meanwhile is not undone blindly
    let Some(seen) = StoryStatus::parse(field(&w.fields, "status")) else {
        return refuse(
            &state,
            &w,
            &page,
            StatusCode::BAD_REQUEST,
            "The form could not be read: reload the story.",
        )
        .await;
    };
    if seen != current.status {
        let message = format!(
            "Someone moved this story to “{}” while you were editing. Your text is kept below: check it, then try again.",
            current.status.label()
        );
        return conflict_page(&state, &w, &page, &current, message).await;
    }
    let to = if action == StoryAction::Save {
        current.status
    } else {
        match next(current.status, action) {
            Some(to) => to,
            None => {
                let message = format!("A story that is “{}” cannot do that.", current.status.label());
                return refuse(&state, &w, &page, StatusCode::CONFLICT, message).await;
            }
        }
    };
    let publish_at = if action == StoryAction::Schedule {
        match app::domain::time::parse_minute_input(field(&w.fields, "publish_at")) {
            Some(at) if at > now => Some(at),
            Some(_) => {
                return refuse(
                    &state,
                    &w,
                    &page,
                    StatusCode::BAD_REQUEST,
                    "Choose a time in the future (UTC).",
                )
                .await
            }
            None => {
                return refuse(
                    &state,
                    &w,
                    &page,
                    StatusCode::BAD_REQUEST,
                    "Choose the day and time to publish it.",
                )
                .await
            }
        }
    } else {
        None
    };

    let base = field(&w.fields, "revision").parse::<i64>().unwrap_or(-1);
    // readers' pages change when the story is or becomes published
    let public = current.status == StoryStatus::Published || to == StoryStatus::Published;
    let mut revision = base;
    if changed {
        match stories::save(&state.pool, id, base, seen, &checked, &html, listed, mode, &who, now).await {
            Ok(r) => revision = r,
            Err(e) => return save_refused(&state, &w, &page, e).await,
        }
    } else if base != current.revision {
        // nothing of theirs to keep, but what they saw is not what is there
        let message = "Someone saved this story while you had it open. Its text now is below: check it, then try again.";
        return conflict_page(&state, &w, &page, &current, message.into()).await;
    }
    if action != StoryAction::Save {
        let moved = stories::transition(&state.pool, id, seen, revision, to, publish_at, &who, now).await;
        if !matches!(moved, Ok(true)) {
            // the text saved above is on the story: readers' pages show it
            if changed && current.status == StoryStatus::Published {
                state.changed(Change::Site).await;
            }
            return match moved {
                Ok(_) => {
                    let message =
                        "Your text is saved, but someone moved or saved this story meanwhile: check it, then try again.";
                    refuse(&state, &w, &page, StatusCode::CONFLICT, message).await
                }
                Err(e) => super::failed("moving a story", e),
            };
        }
    }
    if public && (changed || to != current.status) {
        state.changed(Change::Site).await;
    }
    finish(&w.headers, &format!("/desk/stories/{id}?done=story_{}", action.as_str()))
}

/// Whether the form's text differs from the story's.
fn changed(s: &StoryRecord, c: &app::domain::story::CheckedStory, listed: bool, mode: CommentsMode) -> bool {
    s.title != c.title
        || s.standfirst != c.standfirst
        || s.body_markdown != c.body_markdown
        || s.section != c.section
        || s.tags != c.tags
        || s.slug != c.slug
        || s.note != c.note
        || (!c.note.is_empty() && s.note_kind != c.note_kind)
        || s.listed != listed
        || s.comments_mode != mode
}

async fn save_refused(state: &AppState, w: &Write, page: &str, e: SaveError) -> Response {
    match e {
        SaveError::Conflict(current) => {
            let by = current_saver(state, current.id).await;
            let message = format!(
                "{by} saved this story while you were editing. Nothing was lost: your text is below, theirs beside it."
            );
            conflict_page(state, w, page, &current, message).await
        }
        SaveError::Moved(current) => {
            let message = format!(
                "Someone moved this story to “{}” while you were editing. Nothing was saved: your text is below, the \
                 story's beside it.",
                current.status.label()
            );
            conflict_page(state, w, page, &current, message).await
        }
        SaveError::SlugTaken => {
            refuse(state, w, page, StatusCode::CONFLICT, "Another story has this address: choose another.")
                .await
        }
        SaveError::NotFound => {
            refuse(state, w, "/desk/stories", StatusCode::NOT_FOUND, "There is no such story.").await
        }
        SaveError::Store(e) => super::failed("saving a story", e),
    }
}

/// Who made the latest revision of story `id` (for the conflict's message).
async fn current_saver(state: &AppState, id: i64) -> String {
    match stories::revisions(&state.pool, id).await {
        Ok(r) => r.first().map(|r| r.saved_by.clone()).unwrap_or_else(|| "Someone".into()),
        Err(_) => "Someone".into(),
    }
}

/// 409: the editor again with the writer's text in the form, the story as it is now beside it,
/// and the form based on the current revision (saving again replaces theirs, knowingly).
async fn conflict_page(
    state: &AppState,
    w: &Write,
    page: &str,
    current: &StoryRecord,
    message: String,
) -> Response {
    let by = current_saver(state, current.id).await;
    let mut fields: Vec<(String, String)> =
        w.fields.iter().filter(|(k, _)| !matches!(k.as_str(), "revision" | "status")).cloned().collect();
    fields.push(("revision".into(), current.revision.to_string()));
    fields.push(("theirs_by".into(), by));
    fields.push(("theirs_title".into(), current.title.clone()));
    fields.push(("theirs_body".into(), current.body_markdown.clone()));
    let echo = app::domain::FormEcho::Desk { message, fields };
    let cookie = w.headers.get(http::header::COOKIE).cloned();
    crate::form_posts::render_page(state, page.to_string(), echo, StatusCode::CONFLICT.as_u16(), None, cookie)
        .await
}
