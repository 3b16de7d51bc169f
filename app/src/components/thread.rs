use crate::components::comment_form::{CommentForm, CommentFormContext};
use crate::domain::article::article_path;
use crate::domain::time::{exact, iso8601, relative};
use crate::domain::ThreadNode;
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

/// One comment with its replies (recursive).
#[component]
pub fn CommentItem(
    node: ThreadNode,
    now: i64,
    form: CommentFormContext,
    reply_to: Signal<Option<i64>>,
) -> impl IntoView {
    let ThreadNode { comment: c, replies } = node;
    let id = c.id;
    let anchor = c.anchor();
    let hue = avatar_hue(&c.author_name);
    let author = c.author_name.clone();
    let reply_form = {
        let form = form.clone();
        let author = author.clone();
        move || {
            (reply_to.get() == Some(id)).then(|| {
                view! {
                    <div id="respond" class="reply-box">
                        <CommentForm ctx=form.clone() parent=Some(id) replying_to=author.clone()/>
                    </div>
                }
            })
        }
    };
    let children = replies
        .into_iter()
        .map(|n| view! { <CommentItem node=n now form=form.clone() reply_to/> })
        .collect_view();
    view! {
        <article
            class="comment"
            class:top-level=c.depth == 1
            id=anchor.clone()
            itemprop="comment"
            itemscope
            itemtype="https://schema.org/Comment"
        >
            <header class="comment-meta">
                <span class="avatar" style=format!("--hue: {hue}") aria-hidden="true">{initial(&c.author_name)}</span>
                <span class="comment-author" itemprop="author" itemscope itemtype="https://schema.org/Person">
                    <span itemprop="name">{c.author_name.clone()}</span>
                </span>
                <a class="permalink" href=format!("#{anchor}") title="Link to this comment">
                    <time datetime=iso8601(c.created_at) title=exact(c.created_at) itemprop="dateCreated">
                        {relative(c.created_at, now)}
                    </time>
                </a>
            </header>
            <div class="comment-body" itemprop="text" inner_html=c.body_html></div>
            <footer class="comment-actions">
                <a class="reply-link" href=format!("{}?replytocom={id}#respond", article_path(&form.slug)) rel="nofollow"
                   aria-label=format!("Reply to {author}")>
                    "Reply"
                </a>
            </footer>
            {reply_form}
            <div class="replies">{children}</div>
        </article>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avatar_colour_is_stable_and_case_insensitive() {
        assert_eq!(avatar_hue("Ada"), avatar_hue(" ada "));
        assert!(avatar_hue("Grace") < 360);
        assert_eq!(initial(" émile"), "É");
    }
}
