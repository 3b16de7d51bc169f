//! The desk: where editors run the comment section. Server-rendered pages whose every action
//! is a plain form (the server crate's `desk_posts`), with JavaScript on or off.
mod front;
mod people;
mod queue;
mod settings;
mod stories;

pub use front::DeskFrontPage;
pub use people::{DeskAuditPage, DeskBansPage, DeskStaffPage};
pub use queue::{DeskCommentPage, DeskQueuePage};
pub use settings::{
    DeskArticlesPage, DeskInboxPage, DeskReadersPage, DeskSettingsPage, DeskSitePage, SignInPage,
};
pub use stories::{DeskStoriesPage, DeskStoryPage};

use crate::domain::desk::{Need, Role};
use crate::domain::desk_views::{Desk, StaffMe};
use crate::domain::{ApiError, FormEcho};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

/// The sections of the desk, with the role each needs.
const SECTIONS: [(&str, &str, Need); 11] = [
    ("front", "Overview", Need::Role(Role::Moderator)),
    ("stories", "Stories", Need::Role(Role::Writer)),
    ("queue", "Comments", Need::Role(Role::Moderator)),
    ("bans", "Bans", Need::Role(Role::Moderator)),
    ("articles", "Comments per story", Need::Role(Role::Editor)),
    ("inbox", "Inbox", Need::Role(Role::Editor)),
    ("readers", "Readers' data", Need::Role(Role::Editor)),
    ("settings", "Settings", Need::Role(Role::Admin)),
    ("site", "Site", Need::Role(Role::Admin)),
    ("audit", "Audit log", Need::Role(Role::Editor)),
    ("staff", "Staff", Need::AnyStaff),
];

fn section_path(key: &str) -> String {
    if key == "front" {
        "/desk".into()
    } else {
        format!("/desk/{key}")
    }
}

/// A desk page: its title, and the page's data once the staff member's right to it is checked.
pub fn desk_page<T, F>(
    title: &'static str,
    current: &'static str,
    data: Resource<Result<Desk<T>, ApiError>>,
    render: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn(T, StaffMe) -> AnyView + Clone + Send + Sync + 'static,
{
    view! {
        <Title text=format!("{title} — Desk")/>
        <Meta name="robots" content="noindex, nofollow"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(desk) => {
                            let me = desk.me.clone();
                            view! {
                                <div class="desk">
                                    <DeskNav me=me.clone() current/>
                                    <div class="desk-body">
                                        <h1>{title}</h1>
                                        <Notice/>
                                        {render(desk.data, me)}
                                    </div>
                                </div>
                            }
                            .into_any()
                        }
                        Err(e) => view! {
                            <section class="simple-page">
                                <h1>{title}</h1>
                                <p class="form-alert visible" role="alert">{e.to_string()}</p>
                                <p><a href="/desk/signin">"Sign in with another account"</a></p>
                            </section>
                        }
                        .into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn DeskNav(me: StaffMe, current: &'static str) -> impl IntoView {
    view! {
        <nav class="desk-nav" aria-label="Desk">
            <p class="desk-brand">"The desk"</p>
            <ul>
                {SECTIONS
                    .iter()
                    .filter(|(_, _, need)| need.met_by(me.role))
                    .map(|(key, label, _)| {
                        let here = *key == current;
                        view! {
                            <li>
                                <a href=section_path(key) aria-current=here.then_some("page")>{*label}</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="desk-me">
                "Signed in as " <strong>{me.name.clone()}</strong> " (" {me.role.label()} ")"
            </p>
            <form method="post" action="/desk/signout" class="desk-signout">
                <button type="submit" class="button">"Sign out"</button>
            </form>
        </nav>
    }
}

/// What the last action did (`?done=`), or why it was refused (the echo of a refused post).
#[component]
fn Notice() -> impl IntoView {
    let echo = use_context::<FormEcho>();
    if let Some(FormEcho::Desk { message, .. }) = echo {
        return view! { <p class="form-alert visible" role="alert" id="desk-notice">{message}</p> }
            .into_any();
    }
    let query = use_query_map();
    let (done, n) = query.with_untracked(|q| (q.get("done"), q.get("n").and_then(|n| n.parse::<i64>().ok())));
    let text = done.map(|d| {
        let count = |verb: &str| match n {
            Some(1) => format!("1 comment {verb}."),
            Some(n) => format!("{n} comments {verb}."),
            None => format!("Comments {verb}."),
        };
        match d.as_str() {
            "approve" => count("approved"),
            "spam" => count("marked as spam"),
            "trash" => count("moved to the trash"),
            "restore" => count("restored"),
            "pin" => count("pinned"),
            "unpin" => count("unpinned"),
            "feature" => count("featured"),
            "unfeature" => count("no longer featured"),
            "edited" => "The comment was changed; the page marks it “edited by the editors”.".into(),
            "banned" => "The ban is in force.".into(),
            "lifted" => "The ban was lifted.".into(),
            "saved" => "Saved.".into(),
            "story_create" => "Draft started: keep writing, it is saved.".into(),
            "story_save" => "Saved as a new revision.".into(),
            "story_submit" => "Submitted for review: editors see it under “In review”.".into(),
            "story_schedule" => "Scheduled: it goes out at its time, without anyone at the desk.".into(),
            "story_unschedule" => "No longer scheduled: it is a draft again.".into(),
            "story_publish" => "Published: readers see it now.".into(),
            "story_unpublish" => "Unpublished: its address answers “gone” and it is in no list.".into(),
            "added" => "The account was added.".into(),
            "erased" => format!(
                "Erased: {} comments removed or kept as “deleted”; subscriptions, votes and messages gone.",
                n.unwrap_or(0)
            ),
            _ => "Done.".into(),
        }
    });
    text.map(|t| view! { <p class="form-status" role="status" id="desk-notice">{t}</p> }).into_any()
}

/// A field's value as a refused post sent it, else `default`.
pub(crate) fn echoed(name: &str, default: String) -> String {
    use_context::<FormEcho>().and_then(|e| e.desk_field(name)).unwrap_or(default)
}

pub(crate) fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
