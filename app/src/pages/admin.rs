use crate::api::admin::{get_contact_messages, InboxMessage, UndeliveredMail};
use crate::domain::time::{exact, iso8601};
use crate::domain::ApiError;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// Editors read what readers sent through Contact Us.
#[component]
pub fn AdminMessagesPage() -> impl IntoView {
    let inbox = Resource::new(|| (), |_| get_contact_messages());
    view! {
        <Title text="Messages — Admin"/>
        <Meta name="robots" content="noindex, nofollow"/>
        <section class="admin-page">
            <p class="kicker">"Newsroom admin"</p>
            <h1>"Contact Us messages"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading messages…"</p> }>
                {move || Suspend::new(async move {
                    match inbox.await {
                        Ok(inbox) => view! {
                            {if inbox.messages.is_empty() {
                                view! { <p class="empty">"No messages yet."</p> }.into_any()
                            } else {
                                view! { <MessageTable list=inbox.messages/> }.into_any()
                            }}
                            <h2>"Mail not delivered"</h2>
                            {if inbox.undelivered.is_empty() {
                                view! { <p class="empty">"Every mail was delivered."</p> }.into_any()
                            } else {
                                view! { <UndeliveredTable list=inbox.undelivered/> }.into_any()
                            }}
                        }.into_any(),
                        Err(ApiError::Unauthorized(msg)) => view! {
                            <p class="form-alert visible" role="alert">{msg}</p>
                        }.into_any(),
                        Err(e) => view! { <p class="form-alert visible" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn UndeliveredTable(list: Vec<UndeliveredMail>) -> impl IntoView {
    view! {
        <table class="admin-table undelivered">
            <thead>
                <tr><th scope="col">"Queued"</th><th scope="col">"To"</th><th scope="col">"Kind"</th><th scope="col">"Why it was given up"</th></tr>
            </thead>
            <tbody>
                {list.into_iter().map(|m| view! {
                    <tr id=format!("mail-{}", m.id)>
                        <td><time datetime=iso8601(m.created_at)>{exact(m.created_at)}</time></td>
                        <td>{m.email}</td>
                        <td>{m.kind}</td>
                        <td class="admin-message">{format!("{} (after {} attempt{})", m.error, m.attempts, if m.attempts == 1 { "" } else { "s" })}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn MessageTable(list: Vec<InboxMessage>) -> impl IntoView {
    let count = list.len();
    view! {
        <p class="admin-count">{format!("{count} message{}", if count == 1 { "" } else { "s" })}", newest first."</p>
        <table class="admin-table">
            <thead>
                <tr><th scope="col">"Received"</th><th scope="col">"From"</th><th scope="col">"Subject"</th><th scope="col">"Message"</th></tr>
            </thead>
            <tbody>
                {list.into_iter().map(|m| view! {
                    <tr id=format!("message-{}", m.id)>
                        <td><time datetime=iso8601(m.created_at)>{exact(m.created_at)}</time></td>
                        <td>{m.name}<br/><a href=format!("mailto:{}", m.email)>{m.email.clone()}</a></td>
                        <td>{m.subject}</td>
                        <td class="admin-message">{m.message}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
