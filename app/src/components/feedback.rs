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
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

/// A passage a reader selected and is commenting on (not stored until the feedback is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub selector: Selector,
    /// The article block the selection ends in: the panel opens after it.
    pub block: usize,
}

/// What the page's address says about the panels (read once, on the server).
#[derive(Clone, Copy)]
pub struct FeedbackCtx {
    /// The passage whose panel is open.
    pub open: RwSignal<Option<i64>>,
    /// The last feedback posted here (passage, comment), for the panel's thank-you.
    pub posted: RwSignal<Option<(i64, i64)>>,
}

impl FeedbackCtx {
    pub fn new() -> FeedbackCtx {
        let query = use_query_map();
        let q = query.read_untracked();
        let open = q.get("feedback").and_then(|v| v.parse().ok());
        let posted = open.zip(q.get("posted").and_then(|v| v.parse().ok()));
        FeedbackCtx { open: RwSignal::new(open), posted: RwSignal::new(posted) }
    }
}

impl Default for FeedbackCtx {
    fn default() -> Self {
        Self::new()
    }
}

const ICON_SVG: &str = "<svg viewBox=\"0 0 24 24\" width=\"15\" height=\"15\" aria-hidden=\"true\" focusable=\"false\">\
    <path fill=\"currentColor\" d=\"M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z\"/></svg>";

fn icon_html(path: &str, p: &PassageView, open: bool) -> String {
    let label = match p.count {
        0 => "Comment on this passage".to_string(),
        1 => "1 feedback on this passage".to_string(),
        n => format!("{n} feedbacks on this passage"),
    };
    // the count is drawn by CSS (attr(data-count)): it is not part of the article's text
    format!(
        "<a class=\"passage-icon\" href=\"{path}?feedback={id}#feedback-{id}\" data-passage=\"{id}\" \
         data-count=\"{n}\" {panel}aria-label=\"{label}\" title=\"{label}\" \
         rel=\"nofollow\">{ICON_SVG}</a>",
        id = p.id,
        n = p.count,
        // the panel exists only while it is open: only then may the icon name it
        panel = if open {
            format!("aria-expanded=\"true\" aria-controls=\"feedback-{}\" ", p.id)
        } else {
            "aria-expanded=\"false\" ".into()
        },
    )
}

/// The article's body with its passages marked, and their panels. Server-rendered: an icon is
/// a link that opens its panel (`?feedback=ID`), in place with JavaScript (`enhance.js`).
#[component]
pub fn ArticleBody(article: Article, passages: Vec<PassageView>, forms: FormState) -> impl IntoView {
    let ctx = expect_context::<FeedbackCtx>();
    let path = article.path();
    let marks: Vec<Mark> = passages
        .iter()
        .map(|p| Mark {
            id: p.id,
            start: p.start,
            end: p.end,
            after_html: icon_html(&path, p, ctx.open.get_untracked() == Some(p.id)),
        })
        .collect();
    let blocks = highlight(&article.body_html, &marks);
    let nonce = forms.nonce.clone();
    view! {
        <div class="story-wrap">
            <div class="story-body" itemprop="articleBody">
                {blocks
                    .into_iter()
                    .enumerate()
                    .map(|(i, b)| {
                        let panels = b
                            .passages
                            .iter()
                            .filter(|id| ctx.open.get_untracked() == Some(**id))
                            .filter_map(|id| passages.iter().find(|p| p.id == *id).cloned())
                            .map(|p| view! { <PassagePanel passage=p forms=forms.clone() path=path.clone() slug=article.slug.clone()/> })
                            .collect_view();
                        view! { <div class="story-block" data-block=i inner_html=b.html></div> {panels} }
                    })
                    .collect_view()}
            </div>
            // the selector's form takes its key from here (a cached page moves it to the end)
            <input type="hidden" id="form-nonce" value=nonce/>
            <PassageSelector slug=article.slug.clone()/>
        </div>
    }
}

/// The panel beside a passage: its question, the last three feedbacks, the mini-form.
#[component]
fn PassagePanel(passage: PassageView, forms: FormState, path: String, slug: String) -> impl IntoView {
    let id = passage.id;
    let echo = forms.feedback_echo(id);
    let nonce = forms.nonce.clone();
    let view_all = format!("{path}?filter=feedback#comments");
    let close_href = format!("{path}#passage-{id}");
    let question = passage.question.clone().unwrap_or_else(|| "What do you think of this passage?".into());
    let quote = words(&passage.quote, 20);
    let recent = passage.recent.clone();
    let count = passage.count;
    let posted =
        expect_context::<FeedbackCtx>().posted.get_untracked().filter(|(p, _)| *p == id).map(|(_, c)| c);
    view! {
            <aside id=format!("feedback-{id}") class="feedback-panel" aria-label="Feedback on this passage">
                // Escape closes the panel too (enhance.js); the focus goes back to the icon
                <a
                    class="panel-close"
                    href=close_href.clone()
                    aria-label="Close"
                    data-focus=format!(".passage-icon[data-passage=\"{id}\"]")
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
                    posted
                />
            </aside>
    }
}

/// With JavaScript: a reader selects any passage of the article, a button offers to comment on
/// it, and the panel opens after the paragraph the selection ends in. The only code the
/// article body needs in the browser.
#[island]
pub fn PassageSelector(slug: String) -> impl IntoView {
    // the button's position and the selection it would comment on
    let selection = RwSignal::new(None::<(f64, f64, Draft)>);
    let draft = RwSignal::new(None::<Draft>);
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let read = move || {
            let wrap = document()
                .query_selector(".story-wrap")
                .ok()
                .flatten()
                .and_then(|w| w.dyn_into::<leptos::web_sys::HtmlDivElement>().ok());
            selection.set(wrap.and_then(|w| select::current(&w)));
        };
        std::mem::forget(window_event_listener(leptos::ev::mouseup, move |_| read()));
        std::mem::forget(window_event_listener(leptos::ev::keyup, move |_| read()));
        // the panel goes after the paragraph the selection ends in, and takes the focus
        Effect::new(move |_| {
            let Some(d) = draft.get() else { return };
            request_animation_frame(move || {
                let doc = document();
                let block =
                    doc.query_selector(&format!(".story-block[data-block=\"{}\"]", d.block)).ok().flatten();
                let panel = doc.get_element_by_id("feedback-new");
                if let (Some(block), Some(panel)) = (block, panel) {
                    let _ = block.after_with_node_1(&panel);
                }
                focus("#feedback-new-body");
            });
        });
    }
    view! {
        {move || selection.get().map(|(top, left, d)| view! {
            <button
                type="button"
                class="select-comment"
                style=format!("top:{top:.0}px;left:{left:.0}px")
                on:mousedown=|ev| ev.prevent_default()
                on:click=move |_| {
                    draft.set(Some(d.clone()));
                    selection.set(None);
                }
            >
                "Comment on this passage"
            </button>
        })}
        {move || draft.get().map(|d| {
            let quote = words(&d.selector.exact, 20);
            view! {
                <aside id="feedback-new" class="feedback-panel" aria-label="Feedback on the selected passage"
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { draft.set(None) }>
                    <button type="button" class="panel-close" aria-label="Close" on:click=move |_| draft.set(None)>"×"</button>
                    <p class="panel-question">"Comment on this passage"</p>
                    <blockquote class="panel-quote">"“"{quote}"”"</blockquote>
                    <FeedbackForm tag="new".to_string() slug=slug.clone() passage=None draft=Some(d.selector) nonce=page_nonce() echo=None posted=None/>
                </aside>
            }
        })}
    }
}

/// The page's form nonce (`#form-nonce`: in the article, or at the end of a cached page).
fn page_nonce() -> String {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        document()
            .get_element_by_id("form-nonce")
            .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
            .map(|i| i.value())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// The mini-form: a plain POST (in place with JavaScript, through `enhance.js`).
#[component]
fn FeedbackForm(
    tag: String,
    slug: String,
    passage: Option<i64>,
    draft: Option<Selector>,
    nonce: String,
    echo: Option<(crate::domain::CommentForm, ApiError)>,
    /// The comment this panel's form just posted (the page after the post says so).
    posted: Option<i64>,
) -> impl IntoView {
    let (initial, initial_error) = match echo {
        Some((f, e)) => (f, Some(e)),
        None => (Default::default(), None),
    };
    let name = RwSignal::new(initial.name);
    let email = RwSignal::new(initial.email);
    let body = RwSignal::new(initial.body);
    let errors = RwSignal::new(initial_error);
    let key = format!("{nonce}-f{tag}");
    let body_id = format!("feedback-{tag}-body");
    // the key names its form: a cached page carries it at the end of the body (`page_cache`)
    let form_id = format!("feedback-{tag}-post");
    let key_form = form_id.clone();
    view! {
        <form id=form_id method="post" action=PostFeedback::url() class="feedback-form" novalidate>
            <p class="form-success" role="status" class:visible=posted.is_some()>
                {posted.map(|c| view! {
                    "Thank you — your feedback was posted. "
                    <a href=format!("#comment-{c}")>"See it in the thread"</a>
                })}
            </p>
            <FormAlert errors/>
            <input type="hidden" name="article" value=slug/>
            {passage.map(|p| view! { <input type="hidden" name="passage" value=p/> })}
            {draft.map(|s| view! {
                <input type="hidden" name="quote" value=s.exact/>
                <input type="hidden" name="prefix" value=s.prefix/>
                <input type="hidden" name="suffix" value=s.suffix/>
                <input type="hidden" name="position" value=s.position/>
            })}
            <input type="hidden" name="key" form=key_form value=key/>
            <TextArea id=body_id name="body" label="Your feedback" value=body errors required=true rows=3 placeholder="What do you think?" autofocus=true/>
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
            <p class="hint consent">
                "By sending you agree that we keep your name, feedback and email as our "
                <a href="/privacy">"privacy page"</a>
                " explains."
            </p>
            <div class="form-actions">
                <button type="submit" class="button primary">"Send feedback"</button>
            </div>
        </form>
    }
}

/// Moves the keyboard focus to the first element matching `selector` (browser only).
#[cfg(feature = "hydrate")]
fn focus(selector: &str) {
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
