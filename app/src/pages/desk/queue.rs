//! The queue: comments by state, each in its context, with actions one by one and in bulk;
//! and the page where an editor changes a comment's text.
use super::{desk_page, echoed, plural};
use crate::api::desk::{desk_comment, desk_queue};
use crate::domain::desk::{report_reason_label, HoldReason, Moderation, Queue};
use crate::domain::desk_views::{QueueEntry, QueuePage};
use crate::domain::text::escape_html;
use crate::domain::time::{exact, iso8601};
use crate::domain::CommentStatus;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn DeskQueuePage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            query.with(|q| (q.get("queue").unwrap_or_default(), q.get("before").and_then(|b| b.parse().ok())))
        },
        |(queue, before)| desk_queue(queue, before),
    );
    desk_page("Comments", "queue", data, |page: QueuePage, _| view! { <QueueView page/> }.into_any())
}

/// The actions that fit a comment in this queue, first the one the shortcut keys name.
fn actions_for(q: Queue, e: &QueueEntry) -> Vec<Moderation> {
    use Moderation::*;
    match q {
        Queue::Pending => vec![Approve, Spam, Trash],
        Queue::Reported if e.status == CommentStatus::Pending => vec![Approve, Spam, Trash],
        Queue::Reported => vec![Approve, Spam, Trash],
        Queue::Approved => {
            let mut v = vec![Spam, Trash];
            v.push(if e.pinned { Unpin } else { Pin });
            v.push(if e.featured { Unfeature } else { Feature });
            v
        }
        Queue::Spam => vec![Approve, Restore, Trash],
        Queue::Trash => vec![Restore, Approve, Spam],
    }
}

#[component]
fn QueueView(page: QueuePage) -> impl IntoView {
    let q = page.queue;
    let back = format!("/desk/queue?queue={}", q.as_str());
    let bulk: Vec<Moderation> = match q {
        Queue::Pending | Queue::Reported => vec![Moderation::Approve, Moderation::Spam, Moderation::Trash],
        Queue::Approved => vec![Moderation::Spam, Moderation::Trash],
        Queue::Spam | Queue::Trash => vec![Moderation::Restore, Moderation::Approve, Moderation::Trash],
    };
    let empty = page.entries.is_empty();
    let next = page.next.map(|n| format!("/desk/queue?queue={}&before={n}", q.as_str()));
    view! {
        <nav class="desk-tabs" aria-label="Queues">
            <ul>
                {page.counts.iter().map(|(queue, n)| {
                    let here = *queue == q;
                    view! {
                        <li>
                            <a href=format!("/desk/queue?queue={}", queue.as_str()) aria-current=here.then_some("page")>
                                {queue.label()} " " <span class="count">{*n}</span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </nav>
        {if empty {
            view! { <p class="empty">{format!("Nothing in {} — all caught up.", q.label().to_lowercase())}</p> }.into_any()
        } else {
            view! {
                <p class="desk-help" id="shortcuts">
                    "Keyboard: " <kbd>"j"</kbd> " / " <kbd>"k"</kbd> " next / previous comment, "
                    <kbd>"a"</kbd> " approve, " <kbd>"s"</kbd> " spam, " <kbd>"t"</kbd> " trash (with JavaScript on)."
                </p>
                <form method="post" action="/desk/queue" class="desk-queue" data-shortcuts="">
                    <input type="hidden" name="back" value=back.clone()/>
                    <fieldset class="desk-bulk">
                        <legend>"With the ticked comments"</legend>
                        {bulk.into_iter().map(|a| view! {
                            <button type="submit" name="bulk" value=a.as_str() class="button">{a.label()}</button>
                        }).collect_view()}
                    </fieldset>
                    <ol class="desk-entries">
                        {page.entries.into_iter().map(|e| view! { <Entry q e/> }).collect_view()}
                    </ol>
                </form>
            }.into_any()
        }}
        {next.map(|href| view! { <p><a class="button" href=href>"Older comments"</a></p> })}
    }
}

#[component]
fn Entry(q: Queue, e: QueueEntry) -> impl IntoView {
    let id = e.id;
    let actions = actions_for(q, &e);
    let article = crate::domain::article::article_path(&e.article_slug);
    let link = format!("{article}#comment-{id}");
    let held = e.held_for.as_deref().map(HoldReason::label_of);
    let record = format!("{} approved, {} rejected before", e.approved_before, e.rejected_before);
    let status = match e.status {
        CommentStatus::Pending => "Held",
        CommentStatus::Approved => "Approved",
        CommentStatus::Spam => "Spam",
        CommentStatus::Deleted => "Trash",
    };
    let checkbox = format!("pick-{id}");
    view! {
        <li class="desk-entry" id=format!("entry-{id}") tabindex="-1" data-entry=id>
            <div class="desk-entry-head">
                <input type="checkbox" name="ids" value=id id=checkbox.clone()/>
                <label for=checkbox>
                    <strong>{e.author_name.clone()}</strong>
                    " on " <span class="desk-article">{e.article_title.clone()}</span>
                </label>
                <span class=format!("desk-status status-{}", e.status.as_str())>{status}</span>
                {e.pinned.then(|| view! { <span class="desk-flag">"Pinned"</span> })}
                {e.featured.then(|| view! { <span class="desk-flag">"Featured"</span> })}
            </div>
            <dl class="desk-meta">
                <dt>"Email"</dt><dd>{e.author_email.clone().unwrap_or_else(|| "none given".into())}</dd>
                <dt>"Address"</dt><dd><code>{e.ip_hash.clone().map(|h| h.chars().take(12).collect::<String>()).unwrap_or_else(|| "erased".into())}</code></dd>
                <dt>"Record"</dt><dd>{record}</dd>
                <dt>"Posted"</dt><dd><time datetime=iso8601(e.created_at)>{exact(e.created_at)}</time></dd>
                {held.map(|h| view! { <dt>"Held"</dt><dd>{h}</dd> })}
            </dl>
            {e.parent.clone().map(|(who, text)| view! {
                <blockquote class="desk-parent"><p>"In reply to " <strong>{who}</strong> ": " {text}</p></blockquote>
            })}
            <div class="desk-body-text comment-body" inner_html=e.body_html.clone()></div>
            {(!e.reports.is_empty()).then(|| view! {
                <div class="desk-reports">
                    <p><strong>{plural(e.reports.len() as i64, "report", "reports")}</strong></p>
                    <ul>
                        {e.reports.iter().map(|(reason, note)| view! {
                            <li>{report_reason_label(reason)}{(!note.is_empty()).then(|| format!(": “{note}”"))}</li>
                        }).collect_view()}
                    </ul>
                </div>
            })}
            <div class="desk-actions">
                {actions.into_iter().map(|a| view! {
                    <button type="submit" name="one" value=format!("{}:{id}", a.as_str())
                        class=if a == Moderation::Approve { "button primary" } else { "button" }
                        data-action=a.as_str()>
                        {a.label()}
                    </button>
                }).collect_view()}
                <a class="button" href=format!("/desk/comments/{id}")>"Edit"</a>
                <a class="button" href=format!("/desk/bans?comment={id}")>"Ban author"</a>
                {(e.status == CommentStatus::Approved).then(|| view! { <a href=link>"View on the page"</a> })}
            </div>
        </li>
    }
}

#[component]
pub fn DeskCommentPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0)),
        desk_comment,
    );
    desk_page("Edit a comment", "queue", data, |e: QueueEntry, _| {
        let body = echoed("body", e.body.clone());
        // tachys writes a textarea's text unescaped: escape it here
        let textarea = format!(
            "<textarea id=\"edit-body\" name=\"body\" rows=\"10\" required maxlength=\"10000\">{}</textarea>",
            escape_html(&body)
        );
        view! {
            <p>
                "By " <strong>{e.author_name.clone()}</strong> " on " {e.article_title.clone()} ", "
                <time datetime=iso8601(e.created_at)>{exact(e.created_at)}</time> "."
            </p>
            <form method="post" action=format!("/desk/comments/{}", e.id) class="desk-form">
                <label for="edit-body">"Text (Markdown)"</label>
                <div inner_html=textarea></div>
                <p class="hint">"Readers will see the comment marked “edited by the editors”."</p>
                <button type="submit" class="button primary">"Save the text"</button>
                " " <a href="/desk/queue">"Back to the queue"</a>
            </form>
        }
        .into_any()
    })
}
