//! Live updates: while an article is open, new comments arrive over Server-Sent Events and a
//! bubble says how many; a click brings the thread up to date in place (`enhance.js`).
//! An island: the only part of the thread that needs code in the browser.
use leptos::prelude::*;

#[island]
pub fn LiveBubble(
    article: String,
    /// The newest comment the page was rendered with: the stream starts after it.
    newest: i64,
) -> impl IntoView {
    // ids announced but not on the page
    let pending = RwSignal::new(Vec::<i64>::new());
    #[cfg(feature = "hydrate")]
    {
        let source = StoredValue::new_local(connect(&article, newest, pending));
        // the page swapper replaces the thread (and this island with it): close the stream,
        // or each swap would leave one open and the browser's connections would run out
        let leave = window_event_listener_untyped("byline:leave", move |_| {
            if let Some(Some(s)) = source.try_update_value(Option::take) {
                s.close();
            }
        });
        std::mem::forget(leave);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (&article, newest);
    let count = move || pending.with(Vec::len);
    view! {
        <div class="live-region" aria-live="polite">
            {move || (count() > 0).then(|| {
                let n = count();
                view! {
                    <a class="live-bubble" href="#comments" data-refresh="">
                        {if n == 1 { "1 new comment".to_string() } else { format!("{n} new comments") }}
                        <span aria-hidden="true">" ↑"</span>
                    </a>
                }
            })}
        </div>
    }
}

/// Opens the event stream; the browser reconnects by itself and sends `Last-Event-ID`, so the
/// server resumes without losing or repeating a comment.
#[cfg(feature = "hydrate")]
fn connect(
    article: &str,
    newest: i64,
    pending: RwSignal<Vec<i64>>,
) -> Option<gloo_net::eventsource::futures::EventSource> {
    use futures::StreamExt;
    use gloo_net::eventsource::futures::EventSource;
    let url = format!("/articles/{article}/events?after={newest}");
    let mut source = EventSource::new(&url).ok()?;
    let mut stream = source.subscribe("comment").ok()?;
    leptos::task::spawn_local(async move {
        while let Some(Ok((_, event))) = stream.next().await {
            let Some(id) = event.data().as_string().and_then(|d| d.trim().parse::<i64>().ok()) else {
                continue;
            };
            let on_page = document().get_element_by_id(&format!("comment-{id}")).is_some();
            if !on_page {
                pending.update(|p| {
                    if !p.contains(&id) {
                        p.push(id);
                    }
                });
            }
        }
    });
    Some(source)
}
