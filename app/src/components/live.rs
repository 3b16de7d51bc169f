//! Live updates: while an article is open, new comments arrive over Server-Sent Events and a
//! bubble says how many; a click brings them into the thread in their places.
use leptos::prelude::*;

#[component]
pub fn LiveBubble(
    article: String,
    /// The comment ids the thread on screen shows; `None` until it has rendered once.
    /// (A signal, not the thread resource: reading the resource here would suspend the whole
    /// comment section, forms included, on every refresh.)
    shown: RwSignal<Option<Vec<i64>>>,
    /// Bumped to reload the thread with the new comments.
    refresh: RwSignal<u32>,
) -> impl IntoView {
    // ids announced but not yet in the thread on screen
    let pending = RwSignal::new(Vec::<i64>::new());
    let connected = StoredValue::new(false);
    #[cfg(not(feature = "hydrate"))]
    let _ = &article;
    // the stream belongs to this component, not to the effect that opens it: an effect's
    // cleanup runs each time it re-runs, which would close the stream after the first update
    #[cfg(feature = "hydrate")]
    let source = StoredValue::new_local(None::<gloo_net::eventsource::futures::EventSource>);
    #[cfg(feature = "hydrate")]
    on_cleanup(move || {
        if let Some(Some(s)) = source.try_update_value(Option::take) {
            s.close();
        }
    });
    Effect::new(move |_| {
        let Some(ids) = shown.get() else { return };
        // once the thread shows a comment, it is no longer new
        pending.update(|p| p.retain(|id| !ids.contains(id)));
        if !connected.get_value() {
            connected.set_value(true);
            #[cfg(feature = "hydrate")]
            source.set_value(connect(&article, ids.iter().copied().max().unwrap_or(0), shown, pending));
        }
    });
    let count = move || pending.with(Vec::len);
    view! {
        <div class="live-region" aria-live="polite">
            {move || (count() > 0).then(|| {
                let n = count();
                view! {
                    <button type="button" class="live-bubble" on:click=move |_| refresh.update(|r| *r += 1)>
                        {if n == 1 { "1 new comment".to_string() } else { format!("{n} new comments") }}
                        <span aria-hidden="true">" ↑"</span>
                    </button>
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
    shown: RwSignal<Option<Vec<i64>>>,
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
            let on_screen = shown.with_untracked(|s| s.as_ref().is_some_and(|ids| ids.contains(&id)));
            if !on_screen {
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
