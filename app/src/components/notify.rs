//! The "Notify of" bar above the comment form.
use crate::api::notify::{outcome_message, SetSubscription};
use crate::domain::notify::{Kind, NotifyState};
use crate::domain::ApiError;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Shows the reader's subscriptions on the article ("You're subscribed to … | Unsubscribe")
/// and the form to add one. Hydrated it toggles in place; without JavaScript the same forms
/// POST and the page comes back with the new state.
#[component]
pub fn NotifyBar(
    slug: String,
    initial: NotifyState,
    echo: Option<(crate::domain::notify::NotifyForm, ApiError)>,
) -> impl IntoView {
    let action = ServerAction::<SetSubscription>::new();
    let state = RwSignal::new(initial);
    let (echo_form, echo_error) = match echo {
        Some((f, e)) => (f, Some(e)),
        None => (Default::default(), None),
    };
    let email = RwSignal::new(echo_form.email);
    let errors = RwSignal::new(echo_error);
    let query = use_query_map();
    let message = RwSignal::new(
        query.read_untracked().get("notify").and_then(|c| outcome_message(&c)).map(String::from),
    );
    Effect::new(move |_| match action.value().get() {
        Some(Ok(t)) => {
            state.set(t.state);
            message.set(Some(t.message));
            errors.set(None);
        }
        Some(Err(e)) => {
            message.set(None);
            errors.set(Some(e));
        }
        None => {}
    });
    let email_error = move || errors.with(|e| e.as_ref().and_then(|e| e.message_for("email")));
    let other_error = move || {
        errors.with(|e| match e {
            Some(ApiError::Invalid(_)) => e.as_ref().and_then(|e| e.message_for("kind")),
            Some(e) => Some(e.to_string()),
            None => None,
        })
    };
    let pending = action.pending();
    let slug_for_state = slug.clone();
    let lines = move || {
        let slug = slug_for_state.clone();
        state.get().subscriptions.into_iter().map(move |s| {
            let slug = slug.clone();
            view! {
                <div class="notify-state" data-kind=s.kind.as_str()>
                    <BellIcon/>
                    <span>
                        "You're subscribed to " <strong>{s.kind.label()}</strong>
                        {(!s.confirmed).then(|| view! {
                            <span class="waiting">" — waiting for your confirmation: please follow the link we emailed you"</span>
                        })}
                    </span>
                    <span class="sep" aria-hidden="true">" | "</span>
                    <ActionForm action=action attr:class="inline-form">
                        <input type="hidden" name="article" value=slug/>
                        <input type="hidden" name="kind" value=s.kind.as_str()/>
                        <input type="hidden" name="action" value="unsubscribe"/>
                        <button type="submit" class="link-button">"Unsubscribe"</button>
                    </ActionForm>
                </div>
            }
        }).collect_view()
    };
    let open_kinds =
        move || Kind::BAR.iter().copied().filter(|k| !state.with(|s| s.has(*k))).collect::<Vec<_>>();
    let initial_kind = Kind::parse(&echo_form.kind);
    let slug_for_form = StoredValue::new(slug.clone());
    view! {
        <section id="notify" class="notify-bar" aria-label="Email notifications">
            {lines}
            <Show when=move || !open_kinds().is_empty()>
                <ActionForm action=action attr:class="notify-form" attr:novalidate=true>
                    <input type="hidden" name="article" value=slug_for_form.get_value()/>
                    <input type="hidden" name="action" value="subscribe"/>
                    <label for="notify-kind" class="notify-label">"Notify of"</label>
                    <select id="notify-kind" name="kind">
                        {move || open_kinds().into_iter().map(|k| view! {
                            <option value=k.as_str() selected=initial_kind == Some(k)>{k.label()}</option>
                        }).collect_view()}
                    </select>
                    <label for="notify-email" class="visually-hidden">"Email for notifications"</label>
                    <input
                        id="notify-email"
                        type="email"
                        name="email"
                        placeholder="Your email"
                        autocomplete="email"
                        maxlength="254"
                        prop:value=email
                        value=email.get_untracked()
                        on:input=move |ev| email.set(event_target_value(&ev))
                        aria-invalid=move || email_error().is_some().then_some("true")
                        aria-describedby="notify-message"
                    />
                    <button type="submit" class="button bell" disabled=move || pending.get()>
                        <BellIcon/>"Subscribe"
                    </button>
                </ActionForm>
            </Show>
            <p id="notify-message" class="notify-message" role="status"
               class:error=move || errors.with(|e| e.is_some())>
                {move || email_error().or_else(other_error).or_else(|| message.get())}
            </p>
            <p class="notify-manage"><a href="/subscriptions">"Manage my subscriptions"</a></p>
        </section>
    }
}

/// A bell drawn in SVG (emoji fonts are not everywhere).
#[component]
fn BellIcon() -> impl IntoView {
    view! {
        <svg class="bell-icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
            <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z"/>
        </svg>
    }
}
