//! Bans, the audit log and staff accounts.
use super::{desk_page, echoed};
use crate::api::desk::{desk_audit, desk_bans, desk_staff};
use crate::domain::desk::Role;
use crate::domain::desk_views::{AuditRow, BanView, QueueEntry, StaffMe, StaffRow};
use crate::domain::time::{exact, iso8601};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DeskBansPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || query.with(|q| q.get("comment").and_then(|c| c.parse::<i64>().ok())),
        desk_bans,
    );
    desk_page("Bans", "bans", data, |(bans, about): (Vec<BanView>, Option<QueueEntry>), me: StaffMe| {
        view! {
            <BanForm about/>
            <h2>"In force"</h2>
            {if bans.is_empty() {
                view! { <p class="empty">"No bans in force."</p> }.into_any()
            } else {
                view! { <BanTable bans role=me.role/> }.into_any()
            }}
        }
        .into_any()
    })
}

#[component]
fn BanForm(about: Option<QueueEntry>) -> impl IntoView {
    let reason = echoed("reason", String::new());
    let days = echoed("days", "30".into());
    let durations =
        [("1", "1 day"), ("7", "7 days"), ("30", "30 days"), ("365", "1 year"), ("forever", "Until lifted")];
    let duration = view! {
        <label for="ban-days">"For"</label>
        <select id="ban-days" name="days">
            {durations.into_iter().map(|(v, l)| view! { <option value=v selected=days == v>{l}</option> }).collect_view()}
        </select>
    };
    match about {
        Some(e) => {
            let email = e.author_email.clone();
            view! {
                <form method="post" action="/desk/bans" class="desk-form">
                    <h2>{format!("Ban the author of comment #{}", e.id)}</h2>
                    <p>
                        <strong>{e.author_name.clone()}</strong> " on " {e.article_title.clone()} ": "
                        {crate::domain::passage::words(&e.body, 30)}
                    </p>
                    <input type="hidden" name="comment" value=e.id/>
                    <fieldset>
                        <legend>"Ban by"</legend>
                        {email.clone().map(|m| view! {
                            <label><input type="radio" name="kind" value="email" checked=true/> " their email (" {m} ")"</label>
                        })}
                        <label><input type="radio" name="kind" value="address" checked=email.is_none()/> " their network address (hashed)"</label>
                        <label><input type="radio" name="kind" value="reader" /> " this browser (reader cookie)"</label>
                    </fieldset>
                    {duration}
                    <label for="ban-reason">"Reason (for the editors; the author is not told)"</label>
                    <input id="ban-reason" name="reason" required maxlength="300" value=reason/>
                    <button type="submit" class="button primary">"Ban"</button>
                </form>
            }
            .into_any()
        }
        None => view! {
            <form method="post" action="/desk/bans" class="desk-form">
                <h2>"Ban an email address"</h2>
                <p class="hint">"To ban by network address or browser, use “Ban author” on one of their comments."</p>
                <input type="hidden" name="kind" value="email"/>
                <label for="ban-value">"Email"</label>
                <input id="ban-value" name="value" type="email" required value=echoed("value", String::new())/>
                {duration}
                <label for="ban-reason">"Reason (for the editors; the author is not told)"</label>
                <input id="ban-reason" name="reason" required maxlength="300" value=reason/>
                <button type="submit" class="button primary">"Ban"</button>
            </form>
        }
        .into_any(),
    }
}

#[component]
fn BanTable(bans: Vec<BanView>, role: Role) -> impl IntoView {
    view! {
        <table class="desk-table">
            <thead>
                <tr><th scope="col">"Who"</th><th scope="col">"Why"</th><th scope="col">"By"</th><th scope="col">"Until"</th><th scope="col"><span class="visually-hidden">"Lift"</span></th></tr>
            </thead>
            <tbody>
                {bans.into_iter().map(|b| {
                    let liftable = b.liftable_by(role);
                    let lifted_by = b.created_by_role.map(|r| r.as_str()).unwrap_or("admin");
                    let who = match b.kind.as_str() {
                        "email" => format!("Email {}", b.value),
                        "address" => format!("Address {}…", b.value.chars().take(12).collect::<String>()),
                        _ => format!("Browser {}…", b.value.chars().take(12).collect::<String>()),
                    };
                    view! {
                        <tr id=format!("ban-{}", b.id)>
                            <td>{who}</td>
                            <td>{b.reason}</td>
                            <td>{b.created_by.unwrap_or_default()}", "<time datetime=iso8601(b.created_at)>{exact(b.created_at)}</time></td>
                            <td>{b.expires_at.map(exact).unwrap_or_else(|| "lifted".into())}</td>
                            <td>
                                {if liftable {
                                    view! {
                                        <form method="post" action=format!("/desk/bans/{}/lift", b.id)>
                                            <button type="submit" class="button">"Lift"</button>
                                        </form>
                                    }.into_any()
                                } else {
                                    view! { <span class="hint">{format!("Lifted by an {lifted_by} or above")}</span> }.into_any()
                                }}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn DeskAuditPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| desk_audit());
    desk_page("Audit log", "audit", data, |rows: Vec<AuditRow>, _| {
        view! {
            <p class="hint">"Every action of every staff member, newest first."</p>
            <table class="desk-table audit">
                <thead>
                    <tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"Before"</th><th scope="col">"After"</th></tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr>
                            <td><time datetime=iso8601(r.created_at)>{exact(r.created_at)}</time></td>
                            <td>{r.staff_name}</td>
                            <td>{r.action}" — "{r.target}</td>
                            <td class="desk-diff">{r.before.unwrap_or_default()}</td>
                            <td class="desk-diff">{r.after.unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    })
}

const ALERTS: [(&str, &str); 3] =
    [("immediate", "At once, one mail each"), ("hourly", "An hourly digest"), ("none", "No mail")];

#[component]
pub fn DeskStaffPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| desk_staff());
    desk_page("Staff", "staff", data, |rows: Vec<StaffRow>, me: StaffMe| {
        let admin = me.role == Role::Admin;
        view! {
            <ul class="desk-accounts">
                {rows.into_iter().map(|r| view! { <Account r me=me.clone()/> }).collect_view()}
            </ul>
            {admin.then(|| view! { <AddAccount/> })}
        }
        .into_any()
    })
}

#[component]
fn Account(r: StaffRow, me: StaffMe) -> impl IntoView {
    let own = r.id == me.id;
    let admin = me.role == Role::Admin;
    let id = r.id;
    let f = |name: &str| format!("staff-{id}-{name}");
    view! {
        <li class="desk-account" id=format!("staff-{id}")>
            <form method="post" action=format!("/desk/staff/{id}") class="desk-form">
                <h2>{r.name.clone()} " " <small>{r.email.clone()}</small></h2>
                {if admin {
                    view! {
                        <label for=f("role")>"Role"</label>
                        <select id=f("role") name="role">
                            {Role::ALL.into_iter().map(|role| view! {
                                <option value=role.as_str() selected=r.role == role>{role.label()}</option>
                            }).collect_view()}
                        </select>
                        <label><input type="checkbox" name="disabled" value="1" checked=r.disabled/> " Disabled (cannot sign in)"</label>
                    }.into_any()
                } else {
                    view! { <p>"Role: " {r.role.label()}</p> }.into_any()
                }}
                {(own || admin).then(|| {
                        let bio = format!(
                            "<textarea id=\"{}\" name=\"bio\" rows=\"3\" maxlength=\"600\">{}</textarea>",
                            f("bio"),
                            crate::domain::text::escape_html(&r.bio)
                        );
                        view! {
                            <fieldset class="author-profile">
                                <legend>"Author page"</legend>
                                <label for=f("public-name")>"Name in bylines (empty: the account's name)"</label>
                                <input id=f("public-name") name="public_name" maxlength="80" value=r.public_name.clone() placeholder=r.name.clone()/>
                                <label for=f("bio")>"Bio, shown on the author page (at most 600 characters)"</label>
                                <div inner_html=bio></div>
                                <label for=f("author-slug")>"Address: /authors/…"</label>
                                <input id=f("author-slug") name="author_slug" maxlength="100" pattern="[a-z0-9]+(-[a-z0-9]+)*" value=r.author_slug.clone()/>
                                <p class="hint">
                                    <a href=format!("/authors/{}", r.author_slug)>"The author page"</a>
                                    " lists every published story naming them; it exists once there is one."
                                </p>
                            </fieldset>
                        }
                    })}
                {own.then(|| view! {
                    <label for=f("alerts")>"Mail me about held and reported comments"</label>
                    <select id=f("alerts") name="alerts">
                        {ALERTS.into_iter().map(|(v, l)| view! { <option value=v selected=r.alerts == v>{l}</option> }).collect_view()}
                    </select>
                    <label for=f("current")>"Current password (to set a new one)"</label>
                    <input id=f("current") name="current_password" type="password" autocomplete="current-password"/>
                    <label for=f("password")>"New password (leave empty to keep yours)"</label>
                    <input id=f("password") name="password" type="password" autocomplete="new-password" minlength="12"/>
                })}
                <button type="submit" class="button primary">"Save"</button>
            </form>
        </li>
    }
}

#[component]
fn AddAccount() -> impl IntoView {
    view! {
        <form method="post" action="/desk/staff" class="desk-form">
            <h2>"Add a staff account"</h2>
            <label for="new-name">"Name"</label>
            <input id="new-name" name="name" required maxlength="80" value=echoed("name", String::new())/>
            <label for="new-email">"Email"</label>
            <input id="new-email" name="email" type="email" required value=echoed("email", String::new())/>
            <label for="new-role">"Role"</label>
            <select id="new-role" name="role">
                <option value="moderator">"Moderator — moderation only"</option>
                <option value="writer">"Writer — moderation and their own stories, submitted for review"</option>
                <option value="editor">"Editor — moderation, the inbox, and every story: publish, schedule, unpublish"</option>
                <option value="admin">"Admin — everything"</option>
            </select>
            <label for="new-password">"First password (at least 12 characters; give it to them in person)"</label>
            <input id="new-password" name="password" type="password" autocomplete="new-password" required minlength="12"/>
            <button type="submit" class="button primary">"Add"</button>
        </form>
    }
}
