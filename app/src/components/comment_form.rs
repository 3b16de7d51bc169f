use crate::api::comments::{preview_comment, PostedComment};
use crate::components::field::{FormAlert, TextArea, TextField};
use crate::components::thread::ThreadCtx;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// The comment form: a top-level comment when `parent` is `None`, else a reply.
/// Works as a plain POST without JavaScript; with it, posts and previews in place.
#[component]
pub fn CommentForm(
    parent: Option<i64>,
    /// Shown above a reply form: "Replying to …".
    #[prop(optional)]
    replying_to: Option<String>,
) -> impl IntoView {
    let ctx = expect_context::<ThreadCtx>();
    let action = ctx.post;
    let (initial, initial_error, initial_preview) = match ctx.forms.comment_echo(parent) {
        Some((f, e, p)) => (f, e, p),
        None => (Default::default(), None, None),
    };
    let name = RwSignal::new(initial.name);
    let email = RwSignal::new(initial.email);
    let body = RwSignal::new(initial.body);
    let errors = RwSignal::new(initial_error);
    let preview = RwSignal::new(initial_preview);
    let posted = RwSignal::new(None::<PostedComment>);
    // the shared action also serves the other forms on the page: only react to our own submit
    let submitted_here = RwSignal::new(false);
    let nonce = ctx.forms.nonce.clone();
    let key = move || format!("{nonce}-{}", action.version().get());

    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        let Some(result) = action.value().get() else { return };
        if !submitted_here.get_untracked() {
            return;
        }
        submitted_here.set(false);
        match result {
            Ok(done) => {
                body.set(String::new());
                errors.set(None);
                preview.set(None);
                if parent.is_some() {
                    // close the reply form and land on the new reply, without a reload
                    navigate(&done.location, Default::default());
                }
                posted.set(Some(done));
            }
            Err(e) => errors.set(Some(e)),
        }
    });

    // With JavaScript the Preview button asks the server function and stays on the page;
    // without it, it submits the form with intent=preview and the page comes back rendered.
    let on_preview = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        let text = body.get_untracked();
        leptos::task::spawn_local(async move {
            match preview_comment(text).await {
                Ok(html) => {
                    errors.set(None);
                    preview.set(Some(html));
                }
                Err(e) => {
                    preview.set(None);
                    errors.set(Some(e));
                }
            }
        });
    };

    let prefix = match parent {
        Some(p) => format!("reply-{p}"),
        None => "comment".to_string(),
    };
    let pending = action.pending();
    let slug = ctx.slug.clone();
    let cancel_href = format!("{}#comment-{}", ctx.path, parent.unwrap_or_default());
    let hp_id = format!("{prefix}-website");
    view! {
        <ActionForm
            action=action
            attr:class="comment-form"
            attr:novalidate=true
            attr:data-done=parent.is_none().then_some("Your comment was posted.")
            on:submit=move |_| {
                submitted_here.set(true);
                posted.set(None);
            }
        >
            {replying_to.map(|who| view! {
                <p class="replying-to">
                    "Replying to " <strong>{who}</strong> " · "
                    <a href=cancel_href.clone() rel="nofollow">"Cancel reply"</a>
                </p>
            })}
            <FormAlert errors/>
            <input type="hidden" name="article" value=slug/>
            {parent.map(|p| view! { <input type="hidden" name="parent" value=p/> })}
            <input type="hidden" name="key" prop:value=key.clone() value=key/>
            <TextArea
                id=format!("{prefix}-body")
                name="body"
                label=if parent.is_some() { "Your reply" } else { "Comment" }
                value=body
                errors
                required=true
                rows=if parent.is_some() { 4 } else { 6 }
                placeholder="Join the discussion"
            />
            <p class="hint markdown-hint">
                "You can use Markdown: *italic*, **bold**, [links](https://…), `code`, > quotes and lists."
            </p>
            {move || preview.get().map(|html| view! {
                <section class="comment-preview" aria-label="Preview">
                    <p class="preview-label">"Preview"</p>
                    <div class="comment-body" inner_html=html></div>
                </section>
            })}
            <div class="field-row">
                <TextField
                    id=format!("{prefix}-name")
                    name="name"
                    label="Name"
                    value=name
                    errors
                    required=true
                    autocomplete="name"
                    maxlength=80
                />
                <TextField
                    id=format!("{prefix}-email")
                    name="email"
                    label="Email"
                    kind="email"
                    value=email
                    errors
                    autocomplete="email"
                    maxlength=254
                    hint="Optional. Never shown publicly."
                />
            </div>
            <label class="checkbox">
                <input type="checkbox" name="notify" value="true" checked=!initial.notify.is_empty()/>
                " Notify of new replies to this comment"
            </label>
            // people never see this field; bots that fill every field give themselves away
            <div class="hp" aria-hidden="true">
                <label for=hp_id.clone()>"Leave this field empty"</label>
                <input id=hp_id type="text" name="website" tabindex="-1" autocomplete="off"/>
            </div>
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Posting…" } else if parent.is_some() { "Post Reply" } else { "Post Comment" }}
                </button>
                <button type="submit" name="intent" value="preview" class="button" on:click=on_preview>
                    "Preview"
                </button>
                <p class="form-status" role="status">
                    {move || posted.get().map(|p| view! {
                        "Your comment was posted. " <a href=p.location>"See it in the thread"</a>
                    })}
                </p>
            </div>
        </ActionForm>
    }
}
