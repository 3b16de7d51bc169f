use crate::components::field::{FormAlert, TextArea, TextField};
use crate::components::thread_ctx::ThreadCtx;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// The comment form: a top-level comment when `parent` is `None`, else a reply.
/// A plain POST, answered with the page (in place with JavaScript, through `enhance.js`).
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
    let preview = initial_preview;
    let key = format!("{}-0", ctx.forms.nonce);

    let prefix = match parent {
        Some(p) => format!("reply-{p}"),
        None => "comment".to_string(),
    };
    let slug = ctx.slug.clone();
    let cancel_href = format!("{}#comment-{}", ctx.back(), parent.unwrap_or_default());
    let hp_id = format!("{prefix}-website");
    // the key names its form: a cached page carries it at the end of the body (`page_cache`)
    let form_id = format!("{prefix}-post");
    let key_form = form_id.clone();
    view! {
        <ActionForm
            action=action
            attr:id=form_id
            attr:class="comment-form"
            attr:novalidate=true
            // with JavaScript, said in the status line once the thread shows the comment
            attr:data-done=parent.is_none().then_some("Your comment was posted.")
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
            <input type="hidden" name="key" form=key_form value=key/>
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
            {preview.map(|html| view! {
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
            <p class="hint consent">
                "By posting you agree that we keep your name, comment and email as our "
                <a href="/privacy">"privacy page"</a>
                " explains; comments may be held for review."
            </p>
            <div class="form-actions">
                <button type="submit" class="button primary">
                    {if parent.is_some() { "Post Reply" } else { "Post Comment" }}
                </button>
                // the page comes back with the preview (in place with JavaScript)
                <button type="submit" name="intent" value="preview" class="button">"Preview"</button>
                <p class="form-status" role="status"></p>
            </div>
        </ActionForm>
    }
}
