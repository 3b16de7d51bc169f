//! The moderation settings, the articles' comment modes, the Contact Us inbox, and signing in.
use super::{desk_page, echoed};
use crate::api::desk::{
    desk_articles, desk_inbox, desk_settings, desk_site, desk_whoami, desk_whoami_as_desk,
};
use crate::domain::article::CommentsMode;
use crate::domain::desk::{HoldMode, ModerationSettings};
use crate::domain::desk_views::{ArticleMode, InboxPage, InboxRow};
use crate::domain::site::SiteIdentity;
use crate::domain::text::escape_html;
use crate::domain::time::{exact, iso8601};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn DeskSettingsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| desk_settings());
    desk_page("Settings", "settings", data, |s: ModerationSettings, _| view! { <SettingsForm s/> }.into_any())
}

#[component]
fn SettingsForm(s: ModerationSettings) -> impl IntoView {
    let hold = echoed("hold", s.hold.as_str().into());
    let num = |name: &str, v: u32| echoed(name, v.to_string());
    let words = echoed("block_words", s.block_words.join("\n"));
    let privacy = echoed("privacy_text", s.privacy_text.clone());
    let modes = [
        (HoldMode::None, "Hold none (only the rules below hold a comment)"),
        (
            HoldMode::FirstTime,
            "Hold first-time commenters (an email with no approved comment yet, or no email)",
        ),
        (HoldMode::All, "Hold every comment"),
    ];
    let textarea = |id: &str, name: &str, rows: u32, text: &str| {
        format!("<textarea id=\"{id}\" name=\"{name}\" rows=\"{rows}\">{}</textarea>", escape_html(text))
    };
    view! {
        <form method="post" action="/desk/settings" class="desk-form desk-settings">
            <fieldset>
                <legend>"Which new comments wait for an editor"</legend>
                {modes.into_iter().map(|(m, label)| view! {
                    <label><input type="radio" name="hold" value=m.as_str() checked=hold == m.as_str()/> " " {label}</label>
                }).collect_view()}
            </fieldset>
            <label for="max-links">"Hold a comment with more links than"</label>
            <input id="max-links" name="max_links" type="number" min="0" max="1000" value=num("max_links", s.max_links)/>
            <label for="block-words">"Hold a comment containing any of these words or phrases (one per line; whole words, any case)"</label>
            <div inner_html=textarea("block-words", "block_words", 6, &words)></div>
            <label for="reports-to-hold">"Hold a comment for review once this many readers reported it (0: never)"</label>
            <input id="reports-to-hold" name="reports_to_hold" type="number" min="0" max="1000" value=num("reports_to_hold", s.reports_to_hold)/>
            <label for="close-after">"Close comments on articles older than this many days (0: never)"</label>
            <input id="close-after" name="close_after_days" type="number" min="0" max="36500" value=num("close_after_days", s.close_after_days)/>
            <label for="address-days">"Erase client-address hashes after this many days (0: keep)"</label>
            <input id="address-days" name="address_days" type="number" min="0" max="36500" value=num("address_days", s.address_days)/>
            <label for="privacy-text">"Privacy page (Markdown; linked from every comment form)"</label>
            <div inner_html=textarea("privacy-text", "privacy_text", 8, &privacy)></div>
            <button type="submit" class="button primary">"Save settings"</button>
        </form>
    }
}

/// Desk → Site: the site's name, tagline, Contact Information, navigation and footer.
#[component]
pub fn DeskSitePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| desk_site());
    desk_page("Site", "site", data, |s: SiteIdentity, _| view! { <SiteForm s/> }.into_any())
}

#[component]
fn SiteForm(s: SiteIdentity) -> impl IntoView {
    use crate::domain::site::{MAX_ADDRESS_PART, MAX_FOOTER, MAX_LABEL, MAX_NAME, MAX_NAV, MAX_TAGLINE};
    let nav = echoed("nav", s.nav_text());
    let text = |id: &'static str,
                name: &'static str,
                label: &'static str,
                value: &str,
                max: usize,
                required: bool| {
        let value = echoed(name, value.to_string());
        view! {
            <label for=id>{label}</label>
            <input id=id name=name type="text" maxlength=max.to_string() required=required value=value/>
        }
    };
    let nav_box = format!(
        "<textarea id=\"site-nav\" name=\"nav\" rows=\"8\" aria-describedby=\"site-nav-hint\">{}</textarea>",
        escape_html(&nav)
    );
    view! {
        <form method="post" action="/desk/site" class="desk-form desk-site">
            <fieldset>
                <legend>"The site"</legend>
                {text("site-name", "name", "Site name", &s.name, MAX_NAME, true)}
                {text("site-tagline", "tagline", "Tagline (under the name; may be empty)", &s.tagline, MAX_TAGLINE, false)}
            </fieldset>
            <fieldset>
                <legend>"Contact Information"</legend>
                {text("site-street", "street", "Street", &s.street, MAX_ADDRESS_PART, true)}
                {text("site-city", "city", "City", &s.city, MAX_ADDRESS_PART, true)}
                {text("site-region", "region", "State or region", &s.region, MAX_ADDRESS_PART, false)}
                {text("site-postal", "postal_code", "Postal code", &s.postal_code, MAX_ADDRESS_PART, false)}
                {text("site-country", "country", "Country (two letters: US, GB, DE…)", &s.country, 2, false)}
            </fieldset>
            <label for="site-nav">"Navigation"</label>
            <p class="hint" id="site-nav-hint">
                {format!("One link per line, in order: “Label | /address” — a section (/section/world), a tag (/tags/…), a page (/contact, /archive) or a web address (https://…). At most {MAX_NAV} links of {MAX_LABEL} characters; “Search” always follows them.")}
            </p>
            <div inner_html=nav_box></div>
            {text("site-footer", "footer", "Footer line", &s.footer, MAX_FOOTER, false)}
            <button type="submit" class="button primary">"Save the site"</button>
        </form>
    }
}

#[component]
pub fn DeskArticlesPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| desk_articles());
    desk_page("Comments per story", "articles", data, |rows: Vec<ArticleMode>, _| {
        view! {
            <p class="hint">"Open: readers comment. Closed: the thread stays, no new comments. Hidden: no thread, no form."</p>
            <table class="desk-table">
                <thead><tr><th scope="col">"Article"</th><th scope="col">"Published"</th><th scope="col">"Comments"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|a| {
                        let id = format!("mode-{}", a.slug);
                        view! {
                            <tr>
                                <td><a href=crate::domain::article::article_path(&a.slug)>{a.title.clone()}</a></td>
                                <td><time datetime=iso8601(a.published_at)>{exact(a.published_at)}</time></td>
                                <td>
                                    <form method="post" action="/desk/articles" class="desk-inline">
                                        <input type="hidden" name="slug" value=a.slug.clone()/>
                                        <label for=id.clone() class="visually-hidden">{format!("Comments on {}", a.title)}</label>
                                        <select id=id name="mode">
                                            {CommentsMode::ALL.into_iter().map(|m| view! {
                                                <option value=m.as_str() selected=a.mode == m>{m.label()}</option>
                                            }).collect_view()}
                                        </select>
                                        <button type="submit" class="button">"Set"</button>
                                    </form>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    })
}

#[component]
pub fn DeskInboxPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.with(|q| q.get("state").unwrap_or_default()), desk_inbox);
    desk_page("Inbox", "inbox", data, |page: InboxPage, _| view! { <Inbox page/> }.into_any())
}

#[component]
fn Inbox(page: InboxPage) -> impl IntoView {
    let here = page.state.clone();
    let back = format!("/desk/inbox?state={here}");
    view! {
        <nav class="desk-tabs" aria-label="Messages">
            <ul>
                {page.counts.iter().map(|(s, n)| {
                    let label = match s.as_str() { "unread" => "Unread", "read" => "Read", _ => "Archived" };
                    view! {
                        <li><a href=format!("/desk/inbox?state={s}") aria-current=(*s == here).then_some("page")>
                            {label} " " <span class="count">{*n}</span>
                        </a></li>
                    }
                }).collect_view()}
            </ul>
        </nav>
        {if page.messages.is_empty() {
            view! { <p class="empty">"No messages here."</p> }.into_any()
        } else {
            view! {
                <ol class="desk-entries">
                    {page.messages.into_iter().map(|m| view! { <Message m back=back.clone()/> }).collect_view()}
                </ol>
            }.into_any()
        }}
        <h2>"Mail not delivered"</h2>
        {if page.undelivered.is_empty() {
            view! { <p class="empty">"Every mail was delivered."</p> }.into_any()
        } else {
            view! {
                <table class="desk-table">
                    <thead><tr><th scope="col">"Queued"</th><th scope="col">"To"</th><th scope="col">"What"</th><th scope="col">"Why it was given up"</th></tr></thead>
                    <tbody>
                        {page.undelivered.into_iter().map(|m| view! {
                            <tr id=format!("mail-{}", m.id)>
                                <td><time datetime=iso8601(m.created_at)>{exact(m.created_at)}</time></td>
                                <td>{m.email}</td>
                                <td>{mail_kind(&m.kind)}</td>
                                <td>{format!("{} (after {} attempt{})", m.error, m.attempts, if m.attempts == 1 { "" } else { "s" })}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

/// What a kind of mail is, in the editors' words.
fn mail_kind(kind: &str) -> &'static str {
    match kind {
        "confirm" => "Subscription confirmation",
        "notify" => "New comment notification",
        "manage" => "Manage-subscriptions link",
        "contact" => "Contact Us message to the editors",
        "staff" => "Moderation alert",
        "digest" => "Moderation digest",
        _ => "Mail",
    }
}

#[component]
fn Message(m: InboxRow, back: String) -> impl IntoView {
    let moves: Vec<(&str, &str)> = match m.state.as_str() {
        "unread" => vec![("read", "Mark read"), ("archived", "Archive")],
        "read" => vec![("unread", "Mark unread"), ("archived", "Archive")],
        _ => vec![("read", "Move back to the inbox")],
    };
    view! {
        <li class="desk-entry" id=format!("message-{}", m.id)>
            <div class="desk-entry-head">
                <strong>{m.subject.clone()}</strong>
                <span>" from " {m.name.clone()} " " <a href=format!("mailto:{}", m.email)>{m.email.clone()}</a></span>
                <time datetime=iso8601(m.created_at)>{exact(m.created_at)}</time>
            </div>
            <p class="admin-message">{m.message.clone()}</p>
            <form method="post" action="/desk/inbox" class="desk-inline">
                <input type="hidden" name="id" value=m.id/>
                <input type="hidden" name="back" value=back/>
                {moves.into_iter().map(|(s, l)| view! {
                    <button type="submit" name="state" value=s class="button">{l}</button>
                }).collect_view()}
            </form>
        </li>
    }
}

/// `/desk/signin`: staff sign in with their email and password.
#[component]
pub fn SignInPage() -> impl IntoView {
    let who = Resource::new(|| (), |_| desk_whoami());
    let query = use_query_map();
    let (next, signed_out, changed) = query.with_untracked(|q| {
        (
            q.get("next").unwrap_or_else(|| "/desk".into()),
            q.get("signed_out").is_some(),
            q.get("password").is_some(),
        )
    });
    let echo = use_context::<crate::domain::FormEcho>();
    let refusal = match &echo {
        Some(crate::domain::FormEcho::Desk { message, .. }) => Some(message.clone()),
        _ => None,
    };
    let email = echoed("email", String::new());
    let next = echoed("next", next);
    view! {
        <Title text="Sign in — Desk"/>
        <Meta name="robots" content="noindex, nofollow"/>
        <section class="simple-page desk-signin">
            <h1>"Sign in to the desk"</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    who.await.ok().flatten().map(|me| view! {
                        <p class="form-status" role="status">"You are signed in as " {me.name} ". " <a href="/desk">"Go to the desk"</a></p>
                    })
                })}
            </Suspense>
            {signed_out.then(|| view! { <p class="form-status" role="status">"You are signed out."</p> })}
            {changed.then(|| view! { <p class="form-status" role="status">"Your password was changed. Please sign in with it."</p> })}
            {refusal.map(|m| view! { <p class="form-alert visible" role="alert" id="signin-error">{m}</p> })}
            <form method="post" action="/desk/signin" class="desk-form">
                <input type="hidden" name="next" value=next/>
                <label for="signin-email">"Email"</label>
                <input id="signin-email" name="email" type="email" autocomplete="username" required value=email data-autofocus=""/>
                <label for="signin-password">"Password"</label>
                <input id="signin-password" name="password" type="password" autocomplete="current-password" required/>
                <button type="submit" class="button primary">"Sign in"</button>
            </form>
            <p class="hint">"Accounts are made by an admin. The first admin is made on the server: "<code>"server admin create --help"</code>"."</p>
        </section>
    }
}

/// Readers' data: export or erase what is kept about an email address, for a reader who asked
/// the newsroom directly.
#[component]
pub fn DeskReadersPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| desk_whoami_as_desk());
    desk_page("Readers' data", "readers", data, |_: (), _| {
        view! {
            <p class="hint">
                "Readers can do this themselves from the " <a href="/privacy#your-data">"privacy page"</a>
                " (confirmed by mail). Here you do it for a reader who wrote to the newsroom; both are in the audit log."
            </p>
            <form method="post" action="/desk/readers" class="desk-form" data-plain="">
                <label for="reader-email">"The reader's email"</label>
                <input id="reader-email" name="email" type="email" required value=echoed("email", String::new())/>
                <button type="submit" name="action" value="export" class="button">"Download their data (JSON)"</button>
                <fieldset>
                    <legend>"Erase"</legend>
                    <label><input type="checkbox" name="confirm" value="yes"/> " I mean it: erase this address's comments, subscriptions, votes and messages"</label>
                    <button type="submit" name="action" value="erase" class="button">"Erase their data"</button>
                </fieldset>
            </form>
        }
        .into_any()
    })
}
