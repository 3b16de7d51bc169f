//! "Inline Feedbacks" in the article body: passages with their icon and count, the panel with
//! the question, the last feedbacks and the mini-form, and — with JavaScript — feedback on any
//! passage a reader selects.
//!
//! Without JavaScript the icon is a link (`?feedback=ID#feedback-ID`) that renders the
//! passage's panel, and the mini-form is a plain POST.
use crate::api::comments::PostFeedback;
use crate::components::field::{FormAlert, TextArea, TextField};
use crate::domain::passage::{highlight, words, Mark, PassageView, Selector};
use crate::domain::{ApiError, Article, FormState};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A passage a reader selected and is commenting on (not stored until the feedback is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub selector: Selector,
    /// The article block the selection ends in: the panel opens after it.
    pub block: usize,
}

/// Shared by the body, the panels and the thread.
#[derive(Clone, Copy)]
pub struct FeedbackCtx {
    /// The passage whose panel is open.
    pub open: RwSignal<Option<i64>>,
    pub draft: RwSignal<Option<Draft>>,
    pub action: ServerAction<PostFeedback>,
    /// The last feedback posted here (passage, comment), for the panel's thank-you.
    pub posted: RwSignal<Option<(i64, i64)>>,
}

impl FeedbackCtx {
    pub fn new() -> FeedbackCtx {
        let query = use_query_map();
        let q = query.read_untracked();
        let open = q.get("feedback").and_then(|v| v.parse().ok());
        let posted = open.zip(q.get("posted").and_then(|v| v.parse().ok()));
        FeedbackCtx {
            open: RwSignal::new(open),
            draft: RwSignal::new(None),
            action: ServerAction::<PostFeedback>::new(),
            posted: RwSignal::new(posted),
        }
    }
}

impl Default for FeedbackCtx {
    fn default() -> Self {
        Self::new()
    }
}

const ICON_SVG: &str = "<svg viewBox=\"0 0 24 24\" width=\"15\" height=\"15\" aria-hidden=\"true\" focusable=\"false\">\
    <path fill=\"currentColor\" d=\"M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z\"/></svg>";

fn icon_html(path: &str, p: &PassageView) -> String {
    let label = match p.count {
        0 => "Comment on this passage".to_string(),
        1 => "1 feedback on this passage".to_string(),
        n => format!("{n} feedbacks on this passage"),
    };
    // the count is drawn by CSS (attr(data-count)): it is not part of the article's text
    format!(
        "<a class=\"passage-icon\" href=\"{path}?feedback={id}#feedback-{id}\" data-passage=\"{id}\" \
         data-count=\"{n}\" aria-controls=\"feedback-{id}\" aria-label=\"{label}\" title=\"{label}\" \
         rel=\"nofollow\">{ICON_SVG}</a>",
        id = p.id,
        n = p.count,
    )
}

/// The article's body with its passages marked, and their panels.
#[component]
pub fn ArticleBody(article: Article, passages: Vec<PassageView>, forms: FormState) -> impl IntoView {
    let ctx = expect_context::<FeedbackCtx>();
    let path = article.path();
    let marks: Vec<Mark> = passages
        .iter()
        .map(|p| Mark { id: p.id, start: p.start, end: p.end, after_html: icon_html(&path, p) })
        .collect();
    let blocks = highlight(&article.body_html, &marks);
    let selection = RwSignal::new(None::<(f64, f64, Draft)>);
    let wrap = NodeRef::<leptos::html::Div>::new();

    // the icons are inside the article's HTML: one listener for all of them
    let on_click = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            let icon = ev
                .target()
                .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
                .and_then(|el| el.closest(".passage-icon").ok().flatten());
            if let Some(icon) = icon {
                ev.prevent_default();
                let id = icon.get_attribute("data-passage").and_then(|v| v.parse::<i64>().ok());
                ctx.draft.set(None);
                ctx.open.update(|open| *open = if *open == id { None } else { id });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let on_select = move || {
        #[cfg(feature = "hydrate")]
        selection.set(wrap.get_untracked().and_then(|w| select::current(&w)));
    };

    let panels = StoredValue::new(passages);
    let forms = StoredValue::new(forms);
    let slug = StoredValue::new(article.slug.clone());
    view! {
        <div class="story-wrap" node_ref=wrap>
            <div class="story-body" itemprop="articleBody" on:click=on_click on:mouseup=move |_| on_select() on:keyup=move |_| on_select()>
                {blocks
                    .into_iter()
                    .enumerate()
                    .map(|(i, b)| {
                        let ends = b.passages.clone();
                        view! {
                            <div class="story-block" data-block=i inner_html=b.html></div>
                            {ends
                                .into_iter()
                                .filter_map(|id| panels.with_value(|ps| ps.iter().find(|p| p.id == id).cloned()))
                                .map(|p| view! { <PassagePanel passage=p forms=forms.get_value() path=path.clone() slug=slug.get_value()/> })
                                .collect_view()}
                            {move || ctx.draft.get().filter(|d| d.block == i).map(|d| view! {
                                <DraftPanel draft=d slug=slug.get_value() nonce=forms.with_value(|f| f.nonce.clone())/>
                            })}
                        }
                    })
                    .collect_view()}
            </div>
            {move || selection.get().map(|(top, left, draft)| view! {
                <button
                    type="button"
                    class="select-comment"
                    style=format!("top:{top:.0}px;left:{left:.0}px")
                    on:mousedown=|ev| ev.prevent_default()
                    on:click=move |_| {
                        ctx.open.set(None);
                        ctx.draft.set(Some(draft.clone()));
                        selection.set(None);
                    }
                >
                    "Comment on this passage"
                </button>
            })}
        </div>
    }
}

/// The panel beside a passage: its question, the last three feedbacks, the mini-form.
#[component]
fn PassagePanel(passage: PassageView, forms: FormState, path: String, slug: String) -> impl IntoView {
    let ctx = expect_context::<FeedbackCtx>();
    let id = passage.id;
    let echo = forms.feedback_echo(id);
    let nonce = forms.nonce.clone();
    let view_all = format!("{path}?filter=feedback#comments");
    let close_href = format!("{path}#passage-{id}");
    let question = passage.question.clone().unwrap_or_else(|| "What do you think of this passage?".into());
    let quote = words(&passage.quote, 20);
    let recent = passage.recent.clone();
    let count = passage.count;
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ctx.open.set(None);
            focus(&format!(".passage-icon[data-passage=\"{id}\"]"));
        }
    };
    view! {
        <Show when=move || ctx.open.get() == Some(id)>
            <aside
                id=format!("feedback-{id}")
                class="feedback-panel"
                aria-label="Feedback on this passage"
                on:keydown=on_key
            >
                <a
                    class="panel-close"
                    href=close_href.clone()
                    aria-label="Close"
                    on:click=move |ev| {
                        ev.prevent_default();
                        ctx.open.set(None);
                        focus(&format!(".passage-icon[data-passage=\"{id}\"]"));
                    }
                >
                    "×"
                </a>
                <p class="panel-question">{question.clone()}</p>
                <blockquote class="panel-quote">"“"{quote.clone()}"”"</blockquote>
                {(!recent.is_empty()).then(|| {
                    let path = path.clone();
                    view! {
                        <div class="panel-recent">
                            <p class="panel-count">
                                {if count == 1 { "1 feedback".to_string() } else { format!("{count} feedbacks") }}
                                ", the latest:"
                            </p>
                            <ul>
                                {recent.iter().map(|r| view! {
                                    <li>
                                        <a href=format!("{path}?comment={0}#comment-{0}", r.comment_id)>
                                            <strong>{r.author.clone()}</strong>
                                        </a>
                                        ": " {r.excerpt.clone()}
                                    </li>
                                }).collect_view()}
                            </ul>
                            <a class="view-all" href=view_all.clone()>"View all comments"</a>
                        </div>
                    }
                })}
                <FeedbackForm
                    tag=format!("p{id}")
                    slug=slug.clone()
                    passage=Some(id)
                    draft=None
                    nonce=nonce.clone()
                    echo=echo.clone()
                />
            </aside>
        </Show>
    }
}

/// The panel for a passage a reader just selected.
#[component]
fn DraftPanel(draft: Draft, slug: String, nonce: String) -> impl IntoView {
    let ctx = expect_context::<FeedbackCtx>();
    let quote = words(&draft.selector.exact, 20);
    view! {
        <aside id="feedback-new" class="feedback-panel" aria-label="Feedback on the selected passage"
            on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { ctx.draft.set(None) }>
            <a class="panel-close" href="#" aria-label="Close" on:click=move |ev| {
                ev.prevent_default();
                ctx.draft.set(None);
            }>"×"</a>
            <p class="panel-question">"Comment on this passage"</p>
            <blockquote class="panel-quote">"“"{quote}"”"</blockquote>
            <FeedbackForm tag="new".to_string() slug passage=None draft=Some(draft.selector) nonce echo=None/>
        </aside>
    }
}

#[component]
fn FeedbackForm(
    tag: String,
    slug: String,
    passage: Option<i64>,
    draft: Option<Selector>,
    nonce: String,
    echo: Option<(crate::domain::CommentForm, ApiError)>,
) -> impl IntoView {
    let ctx = expect_context::<FeedbackCtx>();
    let action = ctx.action;
    let (initial, initial_error) = match echo {
        Some((f, e)) => (f, Some(e)),
        None => (Default::default(), None),
    };
    let name = RwSignal::new(initial.name);
    let email = RwSignal::new(initial.email);
    let body = RwSignal::new(initial.body);
    let errors = RwSignal::new(initial_error);
    let submitted_here = RwSignal::new(false);
    let key = move || format!("{nonce}-f{}", action.version().get());
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
                // the location names the passage (new for a selected one): keep its panel open
                let pid = done
                    .location
                    .split("feedback=")
                    .nth(1)
                    .and_then(|v| v.split(['&', '#']).next())
                    .and_then(|v| v.parse::<i64>().ok());
                if let Some(pid) = pid {
                    ctx.posted.set(Some((pid, done.id)));
                    ctx.draft.set(None);
                    ctx.open.set(Some(pid));
                }
            }
            Err(e) => errors.set(Some(e)),
        }
    });
    // focus the text when the panel opens (the icon was activated)
    let body_id = format!("feedback-{tag}-body");
    #[cfg(feature = "hydrate")]
    {
        let id = body_id.clone();
        request_animation_frame(move || focus(&format!("#{id}")));
    }
    let posted = move || ctx.posted.get().filter(|(p, _)| Some(*p) == passage).map(|(_, c)| c);
    let pending = action.pending();
    let sel = draft.clone();
    view! {
        <ActionForm
            action=action
            attr:class="feedback-form"
            attr:novalidate=true
            on:submit=move |_| {
                submitted_here.set(true);
                ctx.posted.set(None);
            }
        >
            <p class="form-success" role="status" class:visible=move || posted().is_some()>
                {move || posted().map(|c| view! {
                    "Thank you — your feedback was posted. "
                    <a href=format!("#comment-{c}")>"See it in the thread"</a>
                })}
            </p>
            <FormAlert errors/>
            <input type="hidden" name="article" value=slug/>
            {passage.map(|p| view! { <input type="hidden" name="passage" value=p/> })}
            {sel.map(|s| view! {
                <input type="hidden" name="quote" value=s.exact/>
                <input type="hidden" name="prefix" value=s.prefix/>
                <input type="hidden" name="suffix" value=s.suffix/>
                <input type="hidden" name="position" value=s.position/>
            })}
            <input type="hidden" name="key" prop:value=key.clone() value=key/>
            <TextArea id=body_id name="body" label="Your feedback" value=body errors required=true rows=3 placeholder="What do you think?"/>
            <div class="field-row">
                <TextField id=format!("feedback-{tag}-name") name="name" label="Name" value=name errors required=true autocomplete="name" maxlength=80/>
                <TextField id=format!("feedback-{tag}-email") name="email" label="Email" kind="email" value=email errors autocomplete="email" maxlength=254 hint="Optional. Never shown publicly."/>
            </div>
            <label class="checkbox">
                <input type="checkbox" name="notify" value="true"/>
                " Notify me of new replies"
            </label>
            <div class="hp" aria-hidden="true">
                <label for=format!("feedback-{tag}-website")>"Leave this field empty"</label>
                <input id=format!("feedback-{tag}-website") type="text" name="website" tabindex="-1" autocomplete="off"/>
            </div>
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Sending…" } else { "Send feedback" }}
                </button>
            </div>
        </ActionForm>
    }
}

/// Moves the keyboard focus to the first element matching `selector` (browser only).
fn focus(selector: &str) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        if let Some(el) = document()
            .query_selector(selector)
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = selector;
}

#[cfg(feature = "hydrate")]
mod select {
    //! Reading the reader's selection as a TextQuoteSelector.
    use super::Draft;
    use crate::domain::passage::{normalize, Selector, CONTEXT, QUOTE_MAX, QUOTE_MIN};
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{Element, HtmlDivElement, Node};

    fn collapse(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut space = false;
        for c in s.chars() {
            if c.is_whitespace() {
                if !space {
                    out.push(' ');
                }
                space = true;
            } else {
                out.push(c);
                space = false;
            }
        }
        out
    }

    /// The selection inside the article body: where to show the button, and the draft.
    pub fn current(wrap: &HtmlDivElement) -> Option<(f64, f64, Draft)> {
        let body = wrap.query_selector(".story-body").ok()??;
        let sel = window().get_selection().ok()??;
        if sel.is_collapsed() || sel.range_count() == 0 {
            return None;
        }
        let range = sel.get_range_at(0).ok()?;
        let common = range.common_ancestor_container().ok()?;
        if !body.contains(Some(&common)) {
            return None;
        }
        // not inside a panel
        let common_el = element_of(&common)?;
        if common_el.closest(".feedback-panel").ok().flatten().is_some() {
            return None;
        }
        let exact = normalize(&String::from(range.to_string()));
        let n = exact.chars().count();
        if !(QUOTE_MIN..=QUOTE_MAX).contains(&n) {
            return None;
        }
        let doc = document();
        let before = doc.create_range().ok()?;
        before.set_start(&body, 0).ok()?;
        before.set_end(&range.start_container().ok()?, range.start_offset().ok()?).ok()?;
        let after = doc.create_range().ok()?;
        after.set_start(&range.end_container().ok()?, range.end_offset().ok()?).ok()?;
        after.set_end(&body, body.child_nodes().length()).ok()?;
        let before = collapse(&String::from(before.to_string())).trim_start().to_string();
        let after = collapse(&String::from(after.to_string())).trim_end().to_string();
        let chars: Vec<char> = before.chars().collect();
        let prefix: String = chars[chars.len().saturating_sub(CONTEXT)..].iter().collect();
        let suffix: String = after.chars().take(CONTEXT).collect();
        let block = element_of(&range.end_container().ok()?)?
            .closest(".story-block")
            .ok()??
            .get_attribute("data-block")?
            .parse()
            .ok()?;
        let rect = range.get_bounding_client_rect();
        let origin = wrap.get_bounding_client_rect();
        let top = rect.bottom() - origin.top() + 6.0;
        let left = (rect.left() - origin.left()).max(0.0);
        let selector = Selector { exact, prefix, suffix, position: chars.len() };
        Some((top, left, Draft { selector, block }))
    }

    fn element_of(node: &Node) -> Option<Element> {
        match node.clone().dyn_into::<Element>() {
            Ok(el) => Some(el),
            Err(node) => node.parent_element(),
        }
    }
}
