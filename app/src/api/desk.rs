//! The desk's reads: each checks the staff session and role. Signed out, a page is sent to the
//! sign-in page (and back afterwards); a JSON caller gets 401. The desk's writes are plain form
//! posts (the server crate's `desk_posts`).
use crate::domain::desk_views::*;
use crate::domain::ApiError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The staff member of this request with at least `role`, or the refusal (and, for a page, the
/// redirect to sign in).
#[cfg(feature = "ssr")]
pub(crate) async fn staff_for(
    role: impl Into<crate::domain::desk::Need>,
) -> Result<(crate::server::state::AppState, crate::server::store::desk::staff::StaffAccount), ApiError> {
    let state = crate::server::state::app_state()?;
    match crate::server::staff::require(&state, role).await {
        Ok(s) => Ok((state, s)),
        Err(e) => {
            if matches!(e, ApiError::Unauthorized(_)) {
                let parts = use_context::<http::request::Parts>();
                let page = parts.as_ref().is_some_and(|p| crate::server::answer::wants_html(&p.headers))
                    && parts.as_ref().is_some_and(|p| p.uri.path().starts_with("/desk"));
                if page {
                    let here = parts.map(|p| p.uri.to_string()).unwrap_or_default();
                    let next: String = serde_urlencoded::to_string([("next", here)]).unwrap_or_default();
                    leptos_axum::redirect(&format!("/desk/signin?{next}"));
                    return Err(e);
                }
            }
            crate::server::answer::set_status_for(&e);
            Err(e)
        }
    }
}

#[cfg(feature = "ssr")]
pub(crate) fn fail(context: &str, e: impl std::fmt::Display) -> ApiError {
    crate::server::state::internal(context, e)
}

#[server(prefix = "/desk/api", endpoint = "/front", input = GetUrl)]
pub async fn desk_front() -> Result<Desk<FrontPage>, ApiError> {
    use crate::domain::desk::Role;
    let (state, staff) = match staff_for(Role::Moderator).await {
        // a writer's way into the desk is their stories
        Err(ApiError::Forbidden(_)) => {
            leptos_axum::redirect("/desk/stories");
            return Err(ApiError::Forbidden("Your desk is your stories.".into()));
        }
        other => other?,
    };
    let data = crate::server::store::desk::stats::front_page(&state.pool, state.clock.now())
        .await
        .map_err(|e| fail("the desk's figures", e))?;
    Ok(Desk { me: crate::server::staff::me(&staff), data })
}

#[server(prefix = "/desk/api", endpoint = "/queue", input = GetUrl)]
pub async fn desk_queue(queue: String, before: Option<i64>) -> Result<Desk<QueuePage>, ApiError> {
    use crate::domain::desk::{Queue, Role};
    let (state, staff) = staff_for(Role::Moderator).await?;
    let queue = Queue::parse(&queue).unwrap_or_default();
    let store = |e| fail("the desk's queue", e);
    let counts = crate::server::store::desk::queue::counts(&state.pool).await.map_err(store)?;
    let (entries, next) =
        crate::server::store::desk::queue::entries(&state.pool, queue, before).await.map_err(store)?;
    Ok(Desk { me: crate::server::staff::me(&staff), data: QueuePage { queue, counts, entries, next } })
}

#[server(prefix = "/desk/api", endpoint = "/comment", input = GetUrl)]
pub async fn desk_comment(id: i64) -> Result<Desk<QueueEntry>, ApiError> {
    use crate::domain::desk::Role;
    let (state, staff) = staff_for(Role::Moderator).await?;
    let entry = crate::server::store::desk::queue::entry(&state.pool, id)
        .await
        .map_err(|e| fail("a comment for the desk", e))?
        .ok_or_else(|| ApiError::NotFound("That comment does not exist.".into()));
    let entry = crate::server::answer::refused(entry)?;
    Ok(Desk { me: crate::server::staff::me(&staff), data: entry })
}

#[server(prefix = "/desk/api", endpoint = "/bans", input = GetUrl)]
pub async fn desk_bans(comment: Option<i64>) -> Result<Desk<(Vec<BanView>, Option<QueueEntry>)>, ApiError> {
    use crate::domain::desk::Role;
    let (state, staff) = staff_for(Role::Moderator).await?;
    let bans = crate::server::store::desk::bans::active(&state.pool, state.clock.now())
        .await
        .map_err(|e| fail("the desk's bans", e))?;
    let about = match comment {
        Some(id) => crate::server::store::desk::queue::entry(&state.pool, id)
            .await
            .map_err(|e| fail("a comment for a ban", e))?,
        None => None,
    };
    Ok(Desk { me: crate::server::staff::me(&staff), data: (bans, about) })
}

#[server(prefix = "/desk/api", endpoint = "/settings", input = GetUrl)]
pub async fn desk_settings() -> Result<Desk<crate::domain::desk::ModerationSettings>, ApiError> {
    use crate::domain::desk::Role;
    let (state, staff) = staff_for(Role::Admin).await?;
    let settings = crate::server::store::desk::settings::load(&state.pool)
        .await
        .map_err(|e| fail("the moderation settings", e))?;
    Ok(Desk { me: crate::server::staff::me(&staff), data: settings })
}

#[server(prefix = "/desk/api", endpoint = "/site", input = GetUrl)]
pub async fn desk_site() -> Result<Desk<crate::domain::site::SiteIdentity>, ApiError> {
    use crate::domain::desk::Role;
    let (state, staff) = staff_for(Role::Admin).await?;
    // as saved (the one pages show may be a moment behind on another server)
    let site = crate::server::store::desk::settings::load_site(&state.pool)
        .await
        .map_err(|e| fail("the site's identity", e))?;
    Ok(Desk { me: crate::server::staff::me(&staff), data: site })
}

#[server(prefix = "/desk/api", endpoint = "/articles", input = GetUrl)]
pub async fn desk_articles() -> Result<Desk<Vec<ArticleMode>>, ApiError> {
    use crate::domain::desk::Role;
    let (state, staff) = staff_for(Role::Editor).await?;
    let articles = crate::server::store::articles::comment_modes(&state.pool)
        .await
        .map_err(|e| fail("the articles' comment modes", e))?;
    Ok(Desk { me: crate::server::staff::me(&staff), data: articles })
}

#[server(prefix = "/desk/api", endpoint = "/inbox", input = GetUrl)]
pub async fn desk_inbox(state_name: String) -> Result<Desk<InboxPage>, ApiError> {
    use crate::domain::desk::Role;
    let (state, staff) = staff_for(Role::Editor).await?;
    let which = match state_name.as_str() {
        "read" | "archived" => state_name,
        _ => "unread".to_string(),
    };
    let store = |e| fail("the desk's inbox", e);
    let messages = crate::server::store::contact::in_state(&state.pool, &which, 200).await.map_err(store)?;
    let counts = crate::server::store::contact::state_counts(&state.pool).await.map_err(store)?;
    let undelivered = crate::server::store::notify::undelivered(&state.pool, 100).await.map_err(store)?;
    Ok(Desk {
        me: crate::server::staff::me(&staff),
        data: InboxPage { state: which, counts, messages, undelivered },
    })
}

#[server(prefix = "/desk/api", endpoint = "/audit", input = GetUrl)]
pub async fn desk_audit() -> Result<Desk<Vec<AuditRow>>, ApiError> {
    use crate::domain::desk::Role;
    // it names staff accounts and their addresses, which moderators do not see otherwise
    let (state, staff) = staff_for(Role::Editor).await?;
    let rows = crate::server::store::desk::audit::latest(&state.pool, 300)
        .await
        .map_err(|e| fail("the audit log", e))?;
    Ok(Desk { me: crate::server::staff::me(&staff), data: rows })
}

#[server(prefix = "/desk/api", endpoint = "/staff", input = GetUrl)]
pub async fn desk_staff() -> Result<Desk<Vec<StaffRow>>, ApiError> {
    use crate::domain::desk::{Need, Role};
    // everyone manages their own account here; an admin every one
    let (state, staff) = staff_for(Need::AnyStaff).await?;
    let all =
        crate::server::store::desk::staff::all(&state.pool).await.map_err(|e| fail("staff accounts", e))?;
    // an admin sees every account; others their own
    let rows = all
        .into_iter()
        .filter(|s| staff.role == Role::Admin || s.id == staff.id)
        .map(|s| StaffRow {
            id: s.id,
            name: s.name,
            email: s.email,
            role: s.role,
            alerts: s.alerts,
            disabled: s.disabled,
            public_name: s.public_name,
            bio: s.bio,
            author_slug: s.author_slug.unwrap_or_default(),
        })
        .collect();
    Ok(Desk { me: crate::server::staff::me(&staff), data: rows })
}

/// Whether this request is signed in to the desk (the sign-in page offers the desk instead).
#[server(prefix = "/desk/api", endpoint = "/whoami", input = GetUrl)]
pub async fn desk_whoami() -> Result<Option<StaffMe>, ApiError> {
    let state = crate::server::state::app_state()?;
    let headers = use_context::<http::request::Parts>().map(|p| p.headers).unwrap_or_default();
    Ok(crate::server::staff::of_headers(&state, &headers).await?.map(|s| crate::server::staff::me(&s)))
}

/// A desk page with no data of its own (the readers' data form): who is signed in, editors up.
#[server(prefix = "/desk/api", endpoint = "/me", input = GetUrl)]
pub async fn desk_whoami_as_desk() -> Result<Desk<()>, ApiError> {
    let (_, staff) = staff_for(crate::domain::desk::Role::Editor).await?;
    Ok(Desk { me: crate::server::staff::me(&staff), data: () })
}
