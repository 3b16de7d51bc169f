use crate::api::admin::{get_contact_messages, InboxMessage};
use crate::domain::time::{exact, iso8601};
use crate::domain::ApiError;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// Editors read what readers sent through Contact Us.
#[component]
pub fn AdminMessagesPage() -> impl IntoView {
    let messages = Resource::new(|| (), |_| get_contact_messages());
    view! {
        <Title text="Messages — Admin"/>
        <Meta name="robots" content="noindex, nofollow"/>
        <section class="admin-page">
            <p class="kicker">"Newsroom admin"</p>
            <h1>"Contact Us messages"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading messages…"</p> }>
                {move || Suspend::new(async move {
                    match messages.await {
                        Ok(list) if list.is_empty() => view! { <p class="empty">"No messages yet."</p> }.into_any(),
                        Ok(list) => view! { <MessageTable list/> }.into_any(),
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
