//! Stories: the list, and the editor where a story is written, saved (every save a revision),
//! previewed, submitted, scheduled, published and unpublished. One plain form, JavaScript on or
//! off; the buttons name what to do (`action`), and every one saves the text first.
use super::{desk_page, echoed};
use crate::api::stories::{desk_stories, desk_story};
use crate::domain::article::CommentsMode;
use crate::domain::desk::Role;
use crate::domain::desk_views::StaffMe;
use crate::domain::story::{allowed, StoryAction, StoryEdit, StoryList, StoryStatus};
use crate::domain::text::escape_html;
use crate::domain::time::{exact, iso8601, minute_input};
use crate::domain::FormEcho;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn DeskStoriesPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.with(|q| q.get("status")), desk_stories);
    desk_page("Stories", "stories", data, |list: StoryList, me| view! { <Stories list me/> }.into_any())
}

#[component]
fn Stories(list: StoryList, me: StaffMe) -> impl IntoView {
    let StoryList { rows, status, counts } = list;
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    let tab = |href: String, label: &'static str, n: i64, here: bool| {
        view! {
            <li>
                <a href=href aria-current=here.then_some("page")>{label} " " <span class="count">{n}</span></a>
            </li>
        }
    };
    let tabs = view! {
        <nav class="desk-tabs" aria-label="Stories by status">
            <ul>
                {tab("/desk/stories".into(), "All", total, status.is_none())}
                {counts.iter().map(|&(st, n)| {
                    tab(format!("/desk/stories?status={}", st.as_str()), st.label(), n, status == Some(st))
                }).collect_view()}
            </ul>
        </nav>
    };
    let hint = if !me.role.includes(Role::Editor) {
        "Your stories. Submit a draft for review when it is ready: an editor publishes it."
    } else {
        "Every story, the latest change first. “In review”: a writer asks for an editor."
    };
    let empty = rows.is_empty();
    view! {
        <p class="hint">{hint}</p>
        <p><a class="button primary" href="/desk/stories/new">"Write a story"</a></p>
        {tabs}
        {empty.then(|| view! {
            <p class="empty">{if status.is_some() { "No stories in this status." } else { "No stories yet." }}</p>
        })}
        {(!empty).then(|| view! {
            <table class="desk-table stories">
                <thead>
                    <tr>
                        <th scope="col">"Story"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Section"</th>
                        <th scope="col">"Writer"</th>
                        <th scope="col">"When"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|s| {
                        let when = match s.status {
                            StoryStatus::Scheduled => s.publish_at.map(|t| format!("goes out {}", exact(t))),
                            StoryStatus::Published => Some(format!("published {}", exact(s.published_at))),
                            _ => s.desk_edited_at.map(|t| format!("saved {}", exact(t))),
                        };
                        view! {
                            <tr>
                                <td><a href=format!("/desk/stories/{}", s.id)>{s.title.clone()}</a></td>
                                <td><span class=format!("status status-{}", s.status.as_str())>{s.status.label()}</span></td>
                                <td>{s.section.clone()}</td>
                                <td>{s.writer.clone().unwrap_or_else(|| "file or import".into())}</td>
                                <td>{when}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        })}
    }
}

#[component]
pub fn DeskStoryPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let id = params.with(|p| {
                p.get("id").and_then(|id| if id == "new" { Some(0) } else { id.parse::<i64>().ok() })
            });
            let n = |k: &str| query.with(|q| q.get(k).and_then(|v| v.parse::<i64>().ok()));
            (id, n("compare"), n("restore"))
        },
        |(id, compare, restore)| async move {
            match id {
                Some(id) if id >= 0 => desk_story(id, compare, restore).await,
                _ => Err(crate::domain::ApiError::NotFound("There is no such story.".into())),
            }
        },
    );
    desk_page("Edit story", "stories", data, |story: StoryEdit, me| view! { <Editor story me/> }.into_any())
}

/// A textarea with its text escaped (tachys writes a textarea's children as they are).
fn textarea(id: &str, name: &str, rows: u32, text: &str, extra: &str) -> String {
    format!("<textarea id=\"{id}\" name=\"{name}\" rows=\"{rows}\"{extra}>{}</textarea>", escape_html(text))
}

#[component]
fn Editor(story: StoryEdit, me: StaffMe) -> impl IntoView {
    let s = &story;
    let status = s.status;
    let may = |a: StoryAction| allowed(me.role, a, Some(status), s.own);
    let title = echoed("title", s.text.title.clone());
    let standfirst = echoed("standfirst", s.text.standfirst.clone());
    let body = echoed("body", s.text.body_markdown.clone());
    let section = echoed("section", s.text.section.clone());
    let tags = echoed("tags", s.text.tags.clone());
    let slug = echoed("slug", s.text.slug.clone());
    let revision = echoed("revision", s.revision.to_string());
    let mode = echoed("comments_mode", s.comments_mode.as_str().into());
    let note_kind = echoed("note_kind", s.text.note_kind.clone());
    let note = echoed("note", s.text.note.clone());
    let listed = match use_context::<FormEcho>() {
        Some(e @ FormEcho::Desk { .. }) => e.desk_field("listed").is_some(),
        _ => s.listed,
    };
    // the story's authors first, in byline order, then everyone else who can be one
    let authors: Vec<i64> = match use_context::<FormEcho>() {
        Some(e @ FormEcho::Desk { .. }) => {
            e.desk_values("author").iter().filter_map(|v| v.parse().ok()).collect()
        }
        _ => s.text.authors.clone(),
    };
    let mut choices: Vec<(i64, String, bool)> = authors
        .iter()
        .filter_map(|id| s.author_choices.iter().find(|(c, _)| c == id).map(|(c, n)| (*c, n.clone(), true)))
        .collect();
    choices.extend(
        s.author_choices.iter().filter(|(c, _)| !authors.contains(c)).map(|(c, n)| (*c, n.clone(), false)),
    );
    let publish_at = echoed("publish_at", s.publish_at.map(minute_input).unwrap_or_default());
    let theirs = use_context::<FormEcho>().and_then(|e| {
        Some((e.desk_field("theirs_by")?, e.desk_field("theirs_title")?, e.desk_field("theirs_body")?))
    });
    let preview = use_context::<FormEcho>().filter(|e| e.desk_field("action").as_deref() == Some("preview")).map(|_| {
        view! { <Preview title=title.clone() standfirst=standfirst.clone() section=section.clone() body=body.clone()/> }
    });
    let new = s.id == 0;
    let readonly = !new && !may(StoryAction::Save);
    let locked_hint = if s.slug_locked {
        "Published once: a new address keeps the old one working (it redirects here)."
    } else {
        "Empty: made from the headline. Free to change until the story is first published."
    };
    let editing_elsewhere = !s.desk_edited && !new;
    view! {
        <p class="story-state">
            <span class=format!("status status-{}", status.as_str())>{if new { "New draft" } else { status.label() }}</span>
            {(status == StoryStatus::Scheduled).then(|| s.publish_at.map(|t| view! {
                " · goes out " <time datetime=iso8601(t)>{exact(t)}</time>
            }))}
            {(status == StoryStatus::Published).then(|| view! {
                " · " <a href=crate::domain::article::article_path(&s.text.slug)>"Read it on the site"</a>
            })}
        </p>
        {editing_elsewhere.then(|| view! {
            <p class="hint">"This story came from a content file or an import. Once saved here, the desk keeps its text: the file no longer replaces it."</p>
        })}
        {theirs.map(|(by, their_title, their_body)| view! {
            <section class="conflict" aria-labelledby="conflict-title">
                <h2 id="conflict-title">{format!("{by} saved this story while you were editing")}</h2>
                <p>"Your text is in the form below, unsaved. Their version is here: copy what you need, then save again to replace it with yours."</p>
                <p><strong>"Their headline: "</strong>{their_title}</p>
                <div inner_html=textarea("theirs", "theirs_body_view", 12, &their_body, " readonly aria-label=\"Their text\"")></div>
            </section>
        })}
        {preview}
        {s.preview.clone().map(|link| view! { <ShareLink link/> })}
        {s.revision_view.clone().map(|v| view! { <RevisionPanel view=v id=s.id/> })}
        <form method="post" action="/desk/stories" class="desk-form story-editor">
            <input type="hidden" name="id" value=s.id.to_string()/>
            <input type="hidden" name="revision" value=revision/>
            <input type="hidden" name="status" value=status.as_str()/>
            <label for="story-title">"Headline"</label>
            <input id="story-title" name="title" value=title required maxlength="200" readonly=readonly/>
            <label for="story-standfirst">"Standfirst"</label>
            <div inner_html=textarea("story-standfirst", "standfirst", 2, &standfirst, if readonly { " readonly" } else { "" })></div>
            <label for="story-body">"Text"</label>
            <p class="hint" id="story-body-hint">"Markdown: ## for a heading, - for a list, > for a quote, [words](https://…) for a link, *emphasis*, **strong**."</p>
            <div inner_html=textarea("story-body", "body", 24, &body, if readonly { " readonly aria-describedby=\"story-body-hint\"" } else { " aria-describedby=\"story-body-hint\"" })></div>
            <div class="story-fields">
                <div>
                    <label for="story-section">"Section"</label>
                    <input id="story-section" name="section" value=section required maxlength="40" readonly=readonly/>
                </div>
                <div>
                    <label for="story-tags">"Tags (separated by commas)"</label>
                    <input id="story-tags" name="tags" value=tags readonly=readonly/>
                </div>
                <div>
                    <label for="story-slug">"Address: /articles/…"</label>
                    <input id="story-slug" name="slug" value=slug maxlength="100" pattern="[a-z0-9]+(-[a-z0-9]+)*" aria-describedby="story-slug-hint" readonly=readonly/>
                    <p class="hint" id="story-slug-hint">{locked_hint}</p>
                </div>
                <div>
                    <label for="story-comments">"Comments"</label>
                    <select id="story-comments" name="comments_mode" disabled=readonly>
                        {CommentsMode::ALL.into_iter().map(|m| view! {
                            <option value=m.as_str() selected=mode == m.as_str()>{m.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <fieldset class="story-authors">
                <legend>"By"</legend>
                <p class="hint" id="story-authors-hint">"The byline, in this order; each name links to the author's page. None ticked: “By the Byline newsroom”."</p>
                <ul>
                    {choices.into_iter().map(|(id, name, ticked)| {
                        let field = format!("story-author-{id}");
                        view! {
                            <li class="check">
                                <input type="checkbox" id=field.clone() name="author" value=id.to_string() checked=ticked disabled=readonly aria-describedby="story-authors-hint"/>
                                <label for=field>{name}</label>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </fieldset>
            <fieldset class="story-note-field">
                <legend>"Correction or update"</legend>
                <label for="story-note-kind">"Kind"</label>
                <select id="story-note-kind" name="note_kind" disabled=readonly>
                    <option value="correction" selected=note_kind != "update">"Correction"</option>
                    <option value="update" selected=note_kind == "update">"Update"</option>
                </select>
                <label for="story-note">"Note shown on the story, dated when it changes (empty: none)"</label>
                <div inner_html=textarea("story-note", "note", 2, &note, if readonly { " readonly" } else { "" })></div>
            </fieldset>
            <p class="check">
                <input type="checkbox" id="story-listed" name="listed" value="1" checked=listed disabled=readonly/>
                <label for="story-listed">"Listed on the front page, section pages, feeds and the sitemap"</label>
            </p>
            <div class="story-actions">
                {(new || may(StoryAction::Save)).then(|| view! {
                    <button type="submit" name="action" value="save" class="button primary">{if new { "Save draft" } else { "Save" }}</button>
                    <button type="submit" name="action" value="preview" class="button">"Preview"</button>
                })}
                // (an editor publishes or schedules instead of asking another editor)
                {(!new && may(StoryAction::Submit) && !me.role.includes(Role::Editor)).then(|| view! {
                    <button type="submit" name="action" value="submit" class="button">"Submit for review"</button>
                })}
                {(!new && may(StoryAction::Publish) && crate::domain::story::next(status, StoryAction::Publish).is_some()).then(|| view! {
                    <button type="submit" name="action" value="publish" class="button primary">"Publish now"</button>
                })}
                {(!new && may(StoryAction::Unpublish) && status == StoryStatus::Published).then(|| view! {
                    <button type="submit" name="action" value="unpublish" class="button danger">"Unpublish"</button>
                })}
                {(!new && may(StoryAction::Unschedule) && status == StoryStatus::Scheduled).then(|| view! {
                    <button type="submit" name="action" value="unschedule" class="button">"Unschedule"</button>
                })}
            </div>
            {(!new && may(StoryAction::Schedule) && crate::domain::story::next(status, StoryAction::Schedule).is_some()).then(|| view! {
                <fieldset class="story-schedule">
                    <legend>"Schedule"</legend>
                    <label for="story-publish-at">"Publish at (UTC, to the minute)"</label>
                    <input type="datetime-local" id="story-publish-at" name="publish_at" value=publish_at/>
                    <button type="submit" name="action" value="schedule" class="button">"Schedule"</button>
                </fieldset>
            })}
        </form>
        {(!s.revisions.is_empty()).then(|| view! {
            <section class="story-history" aria-labelledby="history-title">
                <h2 id="history-title">"Revisions"</h2>
                <ol reversed>
                    {s.revisions.iter().map(|r| view! {
                        <li>
                            {format!("Revision {} by {}, ", r.revision, r.saved_by)}<time datetime=iso8601(r.saved_at)>{exact(r.saved_at)}</time>
                            " · " <a href=format!("/desk/stories/{}?compare={}", s.id, r.revision)>"Compare with now"</a>
                            {(!readonly).then(|| view! {
                                " · " <a href=format!("/desk/stories/{}?restore={}", s.id, r.revision)>"Restore"</a>
                            })}
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        })}
    }
}

/// Revision N against the text now (lines removed and added), or the note that its text is in
/// the form, waiting to be saved.
#[component]
fn RevisionPanel(view: crate::domain::story::RevisionView, id: i64) -> impl IntoView {
    use crate::domain::story::{DiffLine, RevisionView};
    match view {
        RevisionView::Restore { revision } => view! {
            <p class="form-status" role="status">
                {format!("Revision {revision}'s text is in the form below. Save to make it the story's text again (a new revision); ")}
                <a href=format!("/desk/stories/{id}")>"or leave it as it is"</a>"."
            </p>
        }
        .into_any(),
        RevisionView::Compare { revision, title, lines } => {
            let same = lines.iter().all(|l| matches!(l, DiffLine::Same(_))) && title.0 == title.1;
            view! {
                <section class="story-diff" aria-labelledby="diff-title">
                    <h2 id="diff-title">{format!("Revision {revision} → the text now")}</h2>
                    {(title.0 != title.1).then(|| view! {
                        <p><del>{title.0.clone()}</del>" → "<ins>{title.1.clone()}</ins></p>
                    })}
                    {same.then(|| view! { <p>"No change in the text."</p> })}
                    <ol class="diff-lines">
                        {lines.into_iter().map(|l| match l {
                            DiffLine::Same(t) => view! { <li class="same"><span class="visually-hidden">"unchanged: "</span>{t}</li> }.into_any(),
                            DiffLine::Removed(t) => view! { <li class="removed"><del><span class="visually-hidden">"removed: "</span>{t}</del></li> }.into_any(),
                            DiffLine::Added(t) => view! { <li class="added"><ins><span class="visually-hidden">"added: "</span>{t}</ins></li> }.into_any(),
                        }).collect_view()}
                    </ol>
                    <p><a href=format!("/desk/stories/{id}?restore={revision}")>{format!("Restore revision {revision}")}</a>" · "<a href=format!("/desk/stories/{id}")>"Close"</a></p>
                </section>
            }
            .into_any()
        }
    }
}

/// A preview link to send someone outside the desk (a source, a lawyer): the latest saved text,
/// for three days.
#[component]
fn ShareLink(link: crate::domain::story::PreviewLink) -> impl IntoView {
    view! {
        <details class="share-preview">
            <summary>"Share a preview"</summary>
            <label for="preview-link">"Anyone with this link can read the latest saved version — no comments, not indexed:"</label>
            <input id="preview-link" type="text" readonly value=link.url.clone()/>
            <p class="hint">
                "It works until " <time datetime=iso8601(link.expires)>{exact(link.expires)}</time>
                " and stops at once if the story is taken down. "
                <a href=link.url rel="noreferrer" target="_blank">"Open it"</a>
            </p>
        </details>
    }
}

/// The story as readers will see it, rendered on the server by the public page's own code.
#[component]
fn Preview(title: String, standfirst: String, section: String, body: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let html = crate::server::text_to_html::article_html(&body);
    #[cfg(not(feature = "ssr"))]
    let html = {
        let _ = body;
        String::new()
    };
    view! {
        <section class="story-preview" aria-labelledby="preview-title">
            <h2 id="preview-title" class="preview-label">"Preview — not saved, not published"</h2>
            <article class="story">
                <header class="story-header">
                    <p class="kicker">{section}</p>
                    <h1>{title}</h1>
                    <p class="standfirst">{standfirst}</p>
                </header>
                <div class="story-body" inner_html=html></div>
            </article>
        </section>
    }
}
