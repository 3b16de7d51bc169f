//! Pages for the links in mails (confirm, cancel, unsubscribe, manage) and the "Manage my
//! subscriptions" request form. Buttons are plain POST forms: they work the same with
//! JavaScript on or off, and a mail scanner that opens a link changes nothing.
use crate::api::notify::{get_mail_link, RequestManageLink};
use crate::components::field::{FormAlert, TextField};
use crate::domain::notify::{LinkState, ManagedSubscription};
use crate::domain::FormEcho;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

/// `/subscriptions`: ask for a link to manage the subscriptions of an address.
#[component]
pub fn SubscriptionsPage() -> impl IntoView {
    let form_state = Resource::new(|| (), |_| crate::api::get_form_state("subscriptions".into()));
    view! {
        <Title text="Manage my subscriptions"/>
        <Meta name="robots" content="noindex"/>
        <section class="simple-page subscriptions-page">
            <h1>"Manage my subscriptions"</h1>
            <p class="standfirst">
                "Enter the email address your notifications go to. We will send it a link to a page "
                "listing every subscription, where you can turn each one off."
            </p>
            <Suspense fallback=|| view! { <p class="loading">"Loading the form…"</p> }>
                {move || Suspend::new(async move {
                    let state = form_state.await.unwrap_or_default();
                    let (email, error) = match state.echo {
                        Some(FormEcho::Manage { email, error }) => (email, Some(error)),
                        _ => (String::new(), None),
                    };
                    view! { <ManageRequestForm email error/> }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ManageRequestForm(email: String, error: Option<crate::domain::ApiError>) -> impl IntoView {
    let action = ServerAction::<RequestManageLink>::new();
    let email = RwSignal::new(email);
    let errors = RwSignal::new(error);
    let query = use_query_map();
    let sent = RwSignal::new(None::<String>);
    Effect::new(move |_| match action.value().get() {
        Some(Ok(message)) => {
            errors.set(None);
            sent.set(Some(message));
        }
        Some(Err(e)) => {
            sent.set(None);
            errors.set(Some(e));
        }
        None => {}
    });
    let message = move || {
        sent.get().or_else(|| {
            query.read().get("sent").map(|_| {
                "If this address has subscriptions, a link to manage them is on its way.".to_string()
            })
        })
    };
    view! {
        <p class="form-success" role="status" class:visible=move || message().is_some()>{message}</p>
        <ActionForm action=action attr:class="manage-form" attr:novalidate=true>
            <FormAlert errors/>
            <TextField id="manage-email".to_string() name="email" label="Email" kind="email" value=email errors required=true autocomplete="email" maxlength=254/>
            <div class="form-actions">
                <button type="submit" class="button primary">"Email me the link"</button>
            </div>
        </ActionForm>
    }
}

/// The page behind a link from a mail.
#[component]
pub fn MailLinkPage(purpose: &'static str) -> impl IntoView {
    let query = use_query_map();
    let token = Memo::new(move |_| query.read().get("token").unwrap_or_default());
    let link = Resource::new(move || token.get(), move |t| get_mail_link(purpose.to_string(), t));
    view! {
        <Meta name="robots" content="noindex"/>
        <section class="simple-page mail-link-page">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let state = link.await;
                    let token = token.get_untracked();
                    let q = query.get_untracked();
                    let flag = |k: &str| q.get(k).is_some();
                    match state {
                        Ok(s) => view! { <LinkAnswer purpose token state=s done=flag("done") removed=flag("removed")/> }.into_any(),
                        Err(e) => view! { <h1>"This link does not work"</h1><p>{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn about_list(items: Vec<ManagedSubscription>) -> impl IntoView {
    view! {
        <ul class="subscription-list">
            {items.into_iter().map(|s| {
                let title = s.article_title.clone();
                view! {
                    <li>
                        <span>
                            <strong>{s.kind.label()}</strong>" on "
                            {if s.article_path.is_empty() {
                                view! { <em>{title}</em> }.into_any()
                            } else {
                                view! { <a href=s.article_path.clone()>{title}</a> }.into_any()
                            }}
                        </span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn LinkAnswer(
    purpose: &'static str,
    token: String,
    state: LinkState,
    done: bool,
    removed: bool,
) -> impl IntoView {
    let action = format!("/subscriptions/{purpose}?token={token}");
    let broken = |title: &'static str, text: &'static str| {
        view! {
            <Title text=title/>
            <h1>{title}</h1>
            <p>{text}</p>
            <p><a class="button" href="/subscriptions">"Manage my subscriptions"</a></p>
        }
        .into_any()
    };
    match (purpose, state) {
        (_, LinkState::Unknown) => broken(
            "This link does not work",
            "It may be mistyped, cut off, or from an older mail. Links in our mails are checked exactly as sent.",
        ),
        (_, LinkState::Expired) => broken(
            "This link has expired",
            "Links in our mails work for 7 days. Subscribe again from the article, and follow the new link.",
        ),
        ("confirm", LinkState::Open { email, about, .. }) => view! {
            <Title text="Confirm your subscription"/>
            <h1>"Confirm your subscription"</h1>
            <p>"Confirm that " <strong>{email}</strong> " should get emails about:"</p>
            {about_list(about)}
            <form method="post" action=action class="link-form">
                <button type="submit" class="button primary">"Confirm subscription"</button>
            </form>
        }
        .into_any(),
        ("confirm", LinkState::Done { email, about, .. }) => view! {
            <Title text="You're subscribed"/>
            <h1>"You're subscribed"</h1>
            <p><strong>{email}</strong> " will get an email about:"</p>
            {about_list(about)}
            <p class="hint">"Every email has a link to unsubscribe. "<a href="/subscriptions">"Manage my subscriptions"</a></p>
        }
        .into_any(),
        ("cancel", LinkState::Open { email, about, .. }) => view! {
            <Title text="Cancel the subscription"/>
            <h1>"Cancel the subscription?"</h1>
            <p>"Nothing will be sent to " <strong>{email}</strong> " about:"</p>
            {about_list(about)}
            <form method="post" action=action class="link-form">
                <button type="submit" class="button primary">"Cancel subscription"</button>
            </form>
        }
        .into_any(),
        ("cancel", LinkState::Done { email, .. }) => view! {
            <Title text="Subscription cancelled"/>
            <h1>{if done { "Subscription cancelled" } else { "This link was used already" }}</h1>
            <p>{if done { "Nothing will be sent to " } else { "Its subscription was confirmed or cancelled before. Every mail to " }}
               <strong>{email}</strong>
               {if done { "." } else { " has a link to unsubscribe." }}</p>
        }
        .into_any(),
        ("unsubscribe", LinkState::Open { email, about, .. }) => view! {
            <Title text="Unsubscribe"/>
            <h1>"Unsubscribe"</h1>
            <p>"Stop the emails to " <strong>{email}</strong> " about:"</p>
            {about_list(about)}
            <form method="post" action=action class="link-form">
                <input type="hidden" name="List-Unsubscribe" value="One-Click"/>
                <button type="submit" class="button primary">"Unsubscribe"</button>
            </form>
        }
        .into_any(),
        ("unsubscribe", LinkState::Done { email, about, .. }) => view! {
            <Title text="You're unsubscribed"/>
            <h1>"You're unsubscribed"</h1>
            <p><strong>{email}</strong> " will no longer get emails about:"</p>
            {about_list(about)}
            <p><a href="/subscriptions">"Manage my subscriptions"</a></p>
        }
        .into_any(),
        ("manage", LinkState::Open { email, about, .. } | LinkState::Done { email, about, .. }) => {
            let empty = about.is_empty();
            view! {
                <Title text="Your subscriptions"/>
                <h1>"Your subscriptions"</h1>
                <p class="form-success visible" role="status" class:hidden=!removed>{removed.then_some("Turned off.")}</p>
                <p>"Notifications sent to " <strong>{email}</strong> ":"</p>
                {empty.then(|| view! { <p class="empty">"No subscriptions: nothing is sent to this address."</p> })}
                <ul class="subscription-list manage">
                    {about.into_iter().map(|s| {
                        let action = action.clone();
                        view! {
                            <li>
                                <div>
                                    <strong>{s.kind.label()}</strong>" on "
                                    <a href=s.article_path.clone()>{s.article_title.clone()}</a>
                                    {(!s.confirmed).then(|| view! { <span class="badge">" waiting for confirmation"</span> })}
                                </div>
                                <form method="post" action=action class="link-form">
                                    <input type="hidden" name="subscription" value=s.id/>
                                    <button type="submit" class="button">"Turn off"</button>
                                </form>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }
        _ => broken("This link does not work", "It is not one of ours."),
    }
}
