use crate::api::{PostComment, PostedComment};
use crate::components::field::{FormAlert, TextArea, TextField};
use crate::domain::FormState;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// What every comment form on an article page shares.
#[derive(Clone)]
pub struct CommentFormContext {
    pub slug: String,
    pub action: ServerAction<PostComment>,
    pub state: FormState,
}

/// The comment form: a top-level comment when `parent` is `None`, else a reply.
/// Works as a plain POST without JavaScript; with it, posts in place.
#[component]
pub fn CommentForm(
    ctx: CommentFormContext,
    parent: Option<i64>,
    /// Shown above a reply form: "Replying to …".
    #[prop(optional)]
    replying_to: Option<String>,
) -> impl IntoView {
    let CommentFormContext { slug, action, state } = ctx;
    let echo = state.comment_echo().filter(|(f, _)| f.parent == parent);
    let (initial, initial_error) = match echo {
        Some((f, e)) => (f, Some(e)),
        None => (Default::default(), None),
    };
    let name = RwSignal::new(initial.name);
    let email = RwSignal::new(initial.email);
    let body = RwSignal::new(initial.body);
    let errors = RwSignal::new(initial_error);
    let posted = RwSignal::new(None::<PostedComment>);
    // the shared action also serves the other forms on the page: only react to our own submit
    let submitted_here = RwSignal::new(false);
    let nonce = state.nonce.clone();
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
                if parent.is_some() {
                    // close the reply form and land on the new reply, without a reload
                    navigate(&done.location, Default::default());
                }
                posted.set(Some(done));
            }
            Err(e) => errors.set(Some(e)),
        }
    });

    let prefix = match parent {
        Some(p) => format!("reply-{p}"),
        None => "comment".to_string(),
    };
    let pending = action.pending();
    let cancel_href =
        crate::domain::article::article_path(&slug) + "#comment-" + &parent.unwrap_or_default().to_string();
    view! {
        <ActionForm
            action=action
            attr:class="comment-form"
            attr:novalidate=true
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
            <input type="hidden" name="article" value=slug.clone()/>
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
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Posting…" } else if parent.is_some() { "Post Reply" } else { "Post Comment" }}
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
