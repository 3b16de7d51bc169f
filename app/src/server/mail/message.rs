//! The mails: their text (plain and HTML) and the MIME message built from it.
use crate::domain::notify::Kind;
use crate::server::store::notify as store;
use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::Message;

/// A mail before it is a MIME message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The one-click unsubscribe URL for `List-Unsubscribe` (RFC 8058).
    pub unsubscribe: Option<String>,
    /// Where a reply goes (a Contact Us message: the reader who wrote it).
    pub reply_to: Option<String>,
}

/// The Message-ID of outbox row `id`: the same for every attempt at that row, so a receiver
/// that got a mail twice (sent, then the worker died before recording it) can drop the copy.
pub fn message_id(from: &str, id: i64) -> String {
    let domain = from
        .rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('>').trim())
        .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        .unwrap_or("byline.localhost");
    format!("<outbox-{id}@{domain}>")
}

/// The MIME message for outbox row `id`. Every mail is `Auto-Submitted: auto-generated`
/// (RFC 3834: no auto-replies, no vacation notices back) and has a Message-ID that stays the
/// same when the row is sent again.
pub fn build(from: &str, id: i64, mail: &Outgoing) -> Result<Message, String> {
    let message_id = message_id(from, id);
    let from: Mailbox = from.parse().map_err(|e| format!("MAIL_FROM: {e}"))?;
    let to: Mailbox = mail.to.parse().map_err(|e| format!("recipient: {e}"))?;
    let parts = MultiPart::alternative()
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .header(ContentTransferEncoding::QuotedPrintable)
                .body(mail.text.clone()),
        )
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .header(ContentTransferEncoding::QuotedPrintable)
                .body(mail.html.clone()),
        );
    let mut builder =
        Message::builder().from(from).to(to).message_id(Some(message_id)).subject(mail.subject.clone());
    if let Some(reply_to) = &mail.reply_to {
        if let Ok(mailbox) = reply_to.parse::<Mailbox>() {
            builder = builder.reply_to(mailbox);
        }
    }
    let mut message = builder.multipart(parts).map_err(|e| format!("building a mail: {e}"))?;
    message.headers_mut().insert_raw(HeaderValue::new(
        HeaderName::new_from_ascii_str("Auto-Submitted"),
        "auto-generated".to_string(),
    ));
    if let Some(url) = &mail.unsubscribe {
        let headers = message.headers_mut();
        headers.insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            format!("<{url}>"),
        ));
        headers.insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
            "List-Unsubscribe=One-Click".to_string(),
        ));
    }
    Ok(message)
}

// ---------------------------------------------------------------------------------------------
// The texts

fn esc(s: &str) -> String {
    crate::domain::text::escape_html(s)
}

fn html_page(title: &str, inner: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title></head>\
         <body style=\"font-family:Georgia,serif;color:#1a1a1a;max-width:36em;margin:0 auto;padding:1em\">\
         <p style=\"font-family:Arial,sans-serif;font-weight:bold;letter-spacing:.05em\">BYLINE</p>{inner}\
         <hr style=\"border:0;border-top:1px solid #ddd;margin-top:2em\">\
         <p style=\"font-size:12px;color:#666\">Byline · Oak Avenue, Manhattan Beach, California 90266</p>\
         </body></html>",
        t = esc(title)
    )
}

fn button(href: &str, label: &str) -> String {
    format!(
        "<a href=\"{h}\" style=\"display:inline-block;background:#b3261e;color:#fff;padding:.6em 1.2em;\
         text-decoration:none;font-family:Arial,sans-serif;font-weight:bold\">{l}</a>",
        h = esc(href),
        l = esc(label)
    )
}

pub fn confirmation(base: &str, to: &str, kind: Kind, title: &str, token: &str) -> Outgoing {
    let confirm = format!("{base}/subscriptions/confirm?token={token}");
    let cancel = format!("{base}/subscriptions/cancel?token={token}");
    let text = format!(
        "Please confirm your subscription\n\n\
         Someone, hopefully you, asked Byline to email {to} about {label} on\n\"{title}\".\n\n\
         Confirm the subscription:\n{confirm}\n\n\
         Did not ask for this? Cancel it (or ignore this mail; nothing will be sent):\n{cancel}\n\n\
         The links work for 7 days.\n",
        label = kind.label()
    );
    let html = html_page(
        "Please confirm your subscription",
        &format!(
            "<h1 style=\"font-size:22px\">Please confirm your subscription</h1>\
             <p>Someone, hopefully you, asked Byline to email <strong>{to}</strong> about {label} on \
             <em>{title}</em>.</p><p>{b}</p>\
             <p>Did not ask for this? <a href=\"{cancel}\">Cancel it</a>, or ignore this mail: nothing will be sent.</p>\
             <p style=\"color:#666\">The links work for 7 days.</p>",
            to = esc(to),
            label = esc(kind.label()),
            title = esc(title),
            b = button(&confirm, "Confirm subscription"),
            cancel = esc(&cancel)
        ),
    );
    Outgoing {
        to: to.to_string(),
        subject: format!("Confirm your subscription to \"{title}\""),
        text,
        html,
        unsubscribe: Some(cancel),
        reply_to: None,
    }
}

pub fn notification(base: &str, to: &str, d: &store::NotifyDetails, unsubscribe_token: &str) -> Outgoing {
    let link =
        format!("{base}{}#comment-{}", crate::domain::article::article_path(&d.article_slug), d.comment_id);
    let unsubscribe = format!("{base}/subscriptions/unsubscribe?token={unsubscribe_token}");
    let manage = format!("{base}/subscriptions");
    let excerpt = crate::domain::text::excerpt(&d.body, 600);
    let (subject, headline) = match (d.kind, d.is_reply) {
        (Kind::FollowUps, false) => (
            format!("New comment on \"{}\"", d.article_title),
            format!("{} commented on \"{}\"", d.author_name, d.article_title),
        ),
        _ => (
            format!("New reply on \"{}\"", d.article_title),
            format!("{} replied on \"{}\"", d.author_name, d.article_title),
        ),
    };
    let why = format!("You get this mail because you subscribed to {} on this article.", d.kind.label());
    let quoted: String = excerpt.lines().map(|l| format!("> {l}\n")).collect();
    let text = format!(
        "{headline}\n\n{quoted}\nRead it and reply:\n{link}\n\n--\n{why}\n\
         Unsubscribe: {unsubscribe}\nManage your subscriptions: {manage}\n"
    );
    let html = html_page(
        &subject,
        &format!(
            "<h1 style=\"font-size:20px\">{h}</h1>\
             <blockquote style=\"border-left:3px solid #b3261e;margin:1em 0;padding:.2em 1em;white-space:pre-wrap\">{q}</blockquote>\
             <p>{b}</p><p style=\"font-size:13px;color:#666\">{why} \
             <a href=\"{u}\">Unsubscribe</a> · <a href=\"{m}\">Manage your subscriptions</a></p>",
            h = esc(&headline),
            q = esc(&excerpt),
            b = button(&link, "Read and reply"),
            why = esc(&why),
            u = esc(&unsubscribe),
            m = esc(&manage)
        ),
    );
    Outgoing { to: to.to_string(), subject, text, html, unsubscribe: Some(unsubscribe), reply_to: None }
}

pub fn manage_link(base: &str, to: &str, token: &str) -> Outgoing {
    let link = format!("{base}/subscriptions/manage?token={token}");
    let text = format!(
        "Your Byline subscriptions\n\nSee and turn off the notifications sent to {to}:\n{link}\n\n\
         The link works for 7 days. Did not ask for it? Ignore this mail.\n"
    );
    let html = html_page(
        "Your Byline subscriptions",
        &format!(
            "<h1 style=\"font-size:22px\">Your Byline subscriptions</h1>\
             <p>See and turn off the notifications sent to <strong>{to}</strong>.</p><p>{b}</p>\
             <p style=\"color:#666\">The link works for 7 days. Did not ask for it? Ignore this mail.</p>",
            to = esc(to),
            b = button(&link, "Manage my subscriptions")
        ),
    );
    Outgoing {
        to: to.to_string(),
        subject: "Your Byline subscriptions".into(),
        text,
        html,
        unsubscribe: None,
        reply_to: None,
    }
}

/// A Contact Us message, to the editors. The reader's words are the mail's content here: it
/// goes only to the site's own address, never to one a reader typed.
pub fn contact_message(base: &str, to: &str, m: &crate::server::store::contact::ContactMessage) -> Outgoing {
    let inbox = format!("{base}/desk/inbox#message-{}", m.id);
    let subject = format!("Contact Us: {}", m.subject);
    let text = format!(
        "{name} <{email}> wrote through Contact Us:\n\nSubject: {subject}\n\n{message}\n\n--\n\
         Reply to this mail to answer them. In the desk: {inbox}\n",
        name = m.name,
        email = m.email,
        subject = m.subject,
        message = m.message,
    );
    let html = html_page(
        &subject,
        &format!(
            "<p><strong>{name}</strong> &lt;{email}&gt; wrote through Contact Us:</p>\
             <h1 style=\"font-size:20px\">{subject}</h1>\
             <blockquote style=\"border-left:3px solid #14213d;margin:1em 0;padding:.2em 1em;white-space:pre-wrap\">{message}</blockquote>\
             <p style=\"font-size:13px;color:#666\">Reply to this mail to answer them. <a href=\"{inbox}\">Open the desk's inbox</a></p>",
            name = esc(&m.name),
            email = esc(&m.email),
            subject = esc(&m.subject),
            message = esc(&m.message),
            inbox = esc(&inbox),
        ),
    );
    Outgoing { to: to.to_string(), subject, text, html, unsubscribe: None, reply_to: Some(m.email.clone()) }
}

/// Moderators are told of held and reported comments: one alert, or an hour's digest.
pub fn staff_alert(
    base: &str,
    to: &str,
    lines: &[crate::server::store::desk::alerts::AlertLine],
    digest: bool,
) -> Outgoing {
    let held = lines.iter().filter(|l| l.kind == "held").count();
    let reported = lines.len() - held;
    let subject = if digest {
        format!("Moderation digest: {held} held, {reported} reported")
    } else if held == 1 {
        format!("Held for review: a comment on “{}”", lines[0].article_title)
    } else {
        format!("Reported: a comment on “{}”", lines[0].article_title)
    };
    let queue = format!("{base}/desk/queue");
    let what = |l: &crate::server::store::desk::alerts::AlertLine| {
        if l.kind == "held" {
            "Held"
        } else {
            "Reported"
        }
    };
    let text_lines: String = lines
        .iter()
        .map(|l| {
            format!(
                "{} — {} on “{}”:\n{}\n{queue}#entry-{}\n\n",
                what(l),
                l.author_name,
                l.article_title,
                crate::domain::text::excerpt(&l.body, 300),
                l.comment_id
            )
        })
        .collect();
    let text = format!("{text_lines}--\nThe queue: {queue}\nChoose how often you hear from the desk under Staff: {base}/desk/staff\n");
    let items: String = lines
        .iter()
        .map(|l| {
            format!(
                "<li style=\"margin-bottom:1em\"><strong>{}</strong> — {} on “{}”<br>{}</li>",
                what(l),
                esc(&l.author_name),
                esc(&l.article_title),
                esc(&crate::domain::text::excerpt(&l.body, 300)),
            )
        })
        .collect();
    let html = html_page(
        &subject,
        &format!(
            "<h1 style=\"font-size:20px\">{}</h1><ul>{items}</ul>{}\
             <p style=\"font-size:13px;color:#666\">Choose how often you hear from the desk under Staff in the desk.</p>",
            esc(&subject),
            button(&queue, "Open the queue"),
        ),
    );
    Outgoing { to: to.to_string(), subject, text, html, unsubscribe: None, reply_to: None }
}

/// The link a reader asked for to export or erase what we keep about their address.
pub fn data_link(base: &str, to: &str, action: &str, token: &str) -> Outgoing {
    let link = format!("{base}/privacy/data?token={token}");
    let (subject, what, label) = if action == "erase" {
        (
            "Erase your data from Byline",
            "Someone (we hope you) asked us to erase what we keep about this address: your comments \
             (those with replies stay as “deleted” without your name or text), subscriptions and votes.",
            "Review and erase",
        )
    } else {
        (
            "Your data at Byline",
            "Someone (we hope you) asked for a copy of what we keep about this address.",
            "Download my data",
        )
    };
    let text = format!(
        "{what}\n\nOpen this link within a day to go on; it works once (nothing happens until you press the button there):\n{link}\n\n\
         If you did not ask, ignore this mail: nothing will change.\n"
    );
    let html = html_page(
        subject,
        &format!(
            "<p>{}</p>{}<p style=\"font-size:13px;color:#666\">The link works once, for a day; nothing happens until you \
             press the button on the page. If you did not ask, ignore this mail: nothing will change.</p>",
            esc(what),
            button(&link, label)
        ),
    );
    Outgoing {
        to: to.to_string(),
        subject: subject.to_string(),
        text,
        html,
        unsubscribe: None,
        reply_to: None,
    }
}
