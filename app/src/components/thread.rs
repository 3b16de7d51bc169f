//! The comment thread: toolbar, comments with votes, replies, edit and delete, and paging.
//! Every control is a link or a plain form, rendered on the server; with JavaScript the page
//! swapper (`shell/enhance.js`) follows them in place.
use crate::components::comment_form::CommentForm;
use crate::components::field::{FormAlert, TextArea};
pub use crate::components::thread_ctx::ThreadCtx;
use crate::domain::thread::{Filter, Sort, ThreadQuery};
use crate::domain::time::{exact, iso8601, relative};
use crate::domain::ThreadNode;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// A stable colour for a reader's initial: generated here, no third-party avatar service.
pub fn avatar_hue(name: &str) -> u32 {
    // FNV-1a: tiny and deterministic on both sides of hydration
    let mut h: u32 = 0x811c_9dc5;
    for b in name.trim().to_lowercase().bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h % 360
}

fn initial(name: &str) -> String {
    name.trim().chars().next().map(|c| c.to_uppercase().to_string()).unwrap_or_else(|| "?".into())
}

/// Sort links and filters; with a filter or a permalink's thread on, the bar that leads back.
/// `q`: the view the page shows (a permalink to a comment of the first page is that page).
#[component]
pub fn ThreadToolbar(q: ThreadQuery) -> impl IntoView {
    let ctx = expect_context::<ThreadCtx>();
    let path = ctx.path.clone();
    let sorts = Sort::ALL
        .into_iter()
        .map(|s| {
            let href = format!("{}#comments", ThreadQuery { sort: s, ..Default::default() }.href(&path));
            let current = q.filter.is_none() && q.focus.is_none() && q.sort == s;
            view! {
                <a href=href class="toolbar-link" class:active=current aria-current=current.then_some("true") rel="nofollow">
                    {s.label()}
                </a>
            }
        })
        .collect_view();
    let filters = Filter::ALL
        .into_iter()
        .map(|f| {
            let href = format!("{}#comments", ThreadQuery { filter: Some(f), sort: q.sort, ..Default::default() }.href(&path));
            let current = q.filter == Some(f);
            view! {
                <a href=href class="toolbar-link filter" class:active=current aria-current=current.then_some("true") rel="nofollow">
                    {f.label()}
                </a>
            }
        })
        .collect_view();
    let info = match (q.filter, q.focus) {
        (Some(f), _) => Some(f.label().to_string()),
        (None, Some(_)) => Some("A linked comment".to_string()),
        _ => None,
    };
    let all = format!("{}#comments", q.all_comments().href(&path));
    view! {
        <nav class="thread-toolbar" aria-label="Sort and filter comments">
            <span class="toolbar-group" role="group" aria-label="Sort">
                <span class="toolbar-label">"Sort by"</span>
                {sorts}
            </span>
            <span class="toolbar-group" role="group" aria-label="Filters">{filters}</span>
        </nav>
        {info.map(|label| view! {
            <p class="filter-info" role="status">
                <strong>{label}</strong>
                " | "
                <a href=all.clone() class="view-all">"View all comments"</a>
            </p>
        })}
    }
}

/// One comment with its replies (recursive).
#[component]
pub fn CommentItem(node: ThreadNode, now: i64, highlight: Option<i64>) -> impl IntoView {
    let ctx = expect_context::<ThreadCtx>();
    let ThreadNode { comment: c, replies } = node;
    let id = c.id;
    let anchor = c.anchor();
    let children = replies.into_iter().map(|n| view! { <CommentItem node=n now highlight/> }).collect_view();
    let permalink = format!("{}?comment={id}#{anchor}", ctx.path);
    let notice = ctx.forms.notice_for(id);
    // an edit refused once the window closed: the message, and the text so it is not lost
    let refused_edit = ctx.forms.edit_echo(id).filter(|_| c.editable_until.is_none());

    if c.deleted {
        return view! {
            <article class="comment deleted" class:top-level=c.depth == 1 id=anchor>
                <p class="deleted-note">"This comment was deleted."</p>
                <div class="replies">{children}</div>
            </article>
        }
        .into_any();
    }

    let hue = avatar_hue(&c.author_name);
    let author = c.author_name.clone();
    let reply_form = {
        let author = author.clone();
        move || {
            (ctx.open && ctx.reply_to.get() == Some(id)).then(|| {
                view! {
                    <div id="respond" class="reply-box">
                        <CommentForm parent=Some(id) replying_to=author.clone()/>
                    </div>
                }
            })
        }
    };
    let body_html = c.body_html.clone();
    let source = c.source.clone();
    let editable = c.editable_until.is_some();
    let body = move || {
        if editable && ctx.editing.get() == Some(id) {
            view! { <EditForm id source=source.clone().unwrap_or_default()/> }.into_any()
        } else {
            view! { <div class="comment-body" itemprop="text" inner_html=body_html.clone()></div> }.into_any()
        }
    };
    // the reply form opens in the view the reader is in (a later page, a permalink's thread),
    // where the comment is: with JavaScript off too
    let reply_href = {
        let base = ctx.back();
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}replytocom={id}#respond")
    };
    let edit_href = {
        let q = ctx.query.get_untracked();
        let base = q.href(&ctx.path);
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}edit={id}#{anchor}")
    };
    let held = c.held;
    let report_href = format!("{}?report={id}#{anchor}", ctx.path);
    let report_form = (ctx.reporting == Some(id) && !c.mine && !held).then(|| view! { <ReportForm id/> });
    view! {
        <article
            class="comment"
            class:top-level=c.depth == 1
            class:highlight=highlight == Some(id)
            class:mine=c.mine
            class:held=held
            class:featured=c.featured
            id=anchor.clone()
            // a reply is a property of the comment it answers; a top-level comment stands as
            // an item of its own (the story's item ends with the story)
            itemprop=(c.depth > 1).then_some("comment")
            itemscope
            itemtype="https://schema.org/Comment"
        >
            <header class="comment-meta">
                <span class="avatar" style=format!("--hue: {hue}") aria-hidden="true">{initial(&c.author_name)}</span>
                <span class="comment-author" itemprop="author" itemscope itemtype="https://schema.org/Person">
                    <span itemprop="name">{c.author_name.clone()}</span>
                </span>
                {c.mine.then(|| view! { <span class="badge">"You"</span> })}
                <a class="permalink" href=permalink title="Link to this comment">
                    <time datetime=iso8601(c.created_at) title=exact(c.created_at) itemprop="dateCreated">
                        {relative(c.created_at, now)}
                    </time>
                </a>
                {c.pinned.then(|| view! { <span class="badge pinned">"Pinned"</span> })}
                {c.featured.then(|| view! { <span class="badge featured">"Editors’ pick"</span> })}
                {(c.edited && !c.edited_by_staff).then(|| view! { <span class="edited">"(edited)"</span> })}
                {c.edited_by_staff.then(|| view! { <span class="edited">"(edited by the editors)"</span> })}
            </header>
            {held.then(|| view! {
                <p class="held-note" role="note">
                    <strong>"Awaiting moderation."</strong>
                    " Only you can see this comment until an editor approves it."
                </p>
            })}
            {c.passage.clone().map(|p| feedback_quote(p, &ctx.path))}
            {body}
            {notice.map(|e| view! { <p class="form-alert visible comment-notice" role="alert">{e.to_string()}</p> })}
            {refused_edit.map(|(text, e)| view! {
                <div class="comment-notice">
                    <p class="form-alert visible" role="alert">{e.to_string()}</p>
                    <p class="hint">"Your text, to copy:"</p>
                    <pre class="lost-edit">{text}</pre>
                </div>
            })}
            {(!held).then(|| view! {
                <footer class="comment-actions">
                    <Votes id score=c.score my_vote=c.my_vote mine=c.mine author=author.clone()/>
                    {ctx.open.then(|| view! {
                        <a class="reply-link" href=reply_href.clone() rel="nofollow" aria-label=format!("Reply to {author}")>
                            "Reply"
                        </a>
                    })}
                    {editable.then(|| view! {
                        <a class="edit-link" href=edit_href.clone() rel="nofollow">"Edit"</a>
                        <DeleteButton id/>
                    })}
                    {(!c.mine).then(|| view! {
                        <a class="report-link" href=report_href.clone() rel="nofollow" aria-label=format!("Report the comment by {author}")>
                            "Report"
                        </a>
                    })}
                </footer>
            })}
            {(ctx.reported == Some(id)).then(|| view! {
                <p class="form-status" role="status">"Thank you: the editors will look at this comment."</p>
            })}
            {report_form}
            {reply_form}
            <div class="replies">{children}</div>
        </article>
    }
    .into_any()
}

/// "Report": why this comment should be looked at, sent to the editors. A plain form.
#[component]
fn ReportForm(id: i64) -> impl IntoView {
    let ctx = expect_context::<ThreadCtx>();
    let refusal = ctx.forms.report_echo(id);
    let cancel = format!("{}#comment-{id}", ctx.back());
    let field = format!("report-{id}");
    view! {
        <form method="post" action="/api/report_comment" class="report-form" data-done="Thanks: the editors will look at it.">
            <input type="hidden" name="comment" value=id/>
            <input type="hidden" name="back" value=ctx.back()/>
            {refusal.map(|e| view! { <p class="form-alert visible" role="alert">{e.to_string()}</p> })}
            <fieldset>
                <legend>"Why should the editors look at this comment?"</legend>
                {crate::domain::desk::REPORT_REASONS.iter().enumerate().map(|(i, (value, label))| view! {
                    <label><input type="radio" name="reason" value=*value required=true checked=i == 0 data-autofocus=(i == 0).then_some("")/> " " {*label}</label>
                }).collect_view()}
            </fieldset>
            <label for=format!("{field}-note")>"Anything to add? (optional)"</label>
            <input id=format!("{field}-note") name="note" maxlength="500"/>
            <div class="form-actions">
                <button type="submit" class="button primary">"Send the report"</button>
                <a href=cancel rel="nofollow">"Cancel"</a>
            </div>
        </form>
    }
}

/// Up and down votes: two tiny forms, so they work without JavaScript.
#[component]
fn Votes(id: i64, score: i64, my_vote: i8, mine: bool, author: String) -> impl IntoView {
    let ctx = expect_context::<ThreadCtx>();
    let back = ctx.back();
    let button = |dir: &'static str, back: String, author: &str| {
        let (symbol, label, on) = match dir {
            "up" => ("▲", format!("Vote up the comment by {author}"), my_vote == 1),
            _ => ("▼", format!("Vote down the comment by {author}"), my_vote == -1),
        };
        view! {
            <ActionForm action=ctx.vote attr:class="vote-form">
                <input type="hidden" name="comment" value=id/>
                <input type="hidden" name="direction" value=dir/>
                <input type="hidden" name="back" value=back/>
                <button
                    type="submit"
                    class=format!("vote {dir}")
                    class:on=on
                    aria-label=label
                    aria-pressed=if on { "true" } else { "false" }
                    disabled=mine
                    title=if mine { "You cannot vote on your own comment" } else { "" }
                >
                    {symbol}
                </button>
            </ActionForm>
        }
    };
    view! {
        // a div: each button is a form, and a form may not sit in a span
        <div class="votes">
            {button("up", back.clone(), &author)}
            <span class="visually-hidden">"Score"</span>
            <span class="score" class:positive={score > 0} class:negative={score < 0}>{score}</span>
            {button("down", back, &author)}
        </div>
    }
}

#[component]
fn DeleteButton(id: i64) -> impl IntoView {
    let ctx = expect_context::<ThreadCtx>();
    view! {
        <ActionForm action=ctx.delete attr:class="delete-form">
            <input type="hidden" name="comment" value=id/>
            <input type="hidden" name="back" value=ctx.back()/>
            <button type="submit" class="link-button delete">"Delete"</button>
        </ActionForm>
    }
}

/// The author's edit form, in place of the comment's text.
#[component]
fn EditForm(id: i64, source: String) -> impl IntoView {
    let ctx = expect_context::<ThreadCtx>();
    let (initial, initial_error) = match ctx.forms.edit_echo(id) {
        Some((body, e)) => (body, Some(e)),
        None => (source, None),
    };
    let body = RwSignal::new(initial);
    let errors = RwSignal::new(initial_error);
    let action = ctx.edit;
    let cancel = format!("{}#comment-{id}", ctx.back());
    view! {
        <ActionForm action=action attr:class="edit-form" attr:novalidate=true>
            <FormAlert errors/>
            <input type="hidden" name="comment" value=id/>
            <input type="hidden" name="back" value=ctx.back()/>
            <TextArea id=format!("edit-{id}-body") name="body" label="Edit your comment" value=body errors required=true rows=4/>
            <div class="form-actions">
                <button type="submit" class="button primary">"Save changes"</button>
                <a href=cancel rel="nofollow">"Cancel"</a>
            </div>
        </ActionForm>
    }
}

/// Above a feedback: the passage it is about, linking back to it in the article.
fn feedback_quote(p: crate::domain::PassageRef, path: &str) -> impl IntoView {
    let id = p.id;
    if p.changed {
        return view! {
            <p class="feedback-quote changed">
                <span class="feedback-label">"Inline feedback — the passage has changed: "</span>
                <q>{p.quote}</q>
            </p>
        }
        .into_any();
    }
    // with JavaScript the passage lights up wherever it is split across the text
    let flash = move |_| {
        #[cfg(feature = "hydrate")]
        if let Ok(marks) = document().query_selector_all(&format!("mark[data-passage=\"{id}\"]")) {
            use leptos::wasm_bindgen::JsCast;
            for i in 0..marks.length() {
                if let Some(el) = marks.item(i).and_then(|n| n.dyn_into::<leptos::web_sys::Element>().ok()) {
                    let _ = el.class_list().remove_1("flash");
                    let _ = el.class_list().add_1("flash");
                }
            }
        }
    };
    view! {
        <p class="feedback-quote">
            <span class="feedback-label">"Inline feedback on "</span>
            <a class="passage-link" href=format!("{path}#passage-{id}") on:click=flash><q>{p.quote}</q></a>
        </p>
    }
    .into_any()
}
