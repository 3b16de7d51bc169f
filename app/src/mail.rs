//! Mail: composing the messages, the transports (SMTP, or .eml files), and the delivery
//! worker that empties the outbox.
//!
//! No mail is sent inside a request: requests write outbox rows; the worker claims due rows
//! with a lease, sends them, and marks a row sent only once the transport accepted it.
//! Failures are retried with exponential backoff; a worker that dies leaves its lease to run
//! out, and the row is sent by whichever worker comes next.
use crate::domain::notify::Kind;
use crate::store::notify::{self as store, OutboxRow, Purpose};
use crate::store::Pool;
use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `SMTP_URL` (`smtp://user:pass@host:587?tls=required`, `smtps://…`); unset: write files.
    pub smtp_url: Option<String>,
    /// `MAIL_DIR`: where .eml files go without SMTP; default `data/mail`.
    pub dir: PathBuf,
    /// `MAIL_FROM`: the sender, e.g. `Byline <notifications@news.example>`.
    pub from: String,
    /// Run the delivery worker in this process (`BYLINE_MAIL_WORKER=0` turns it off).
    pub worker: bool,
    /// How often an idle worker looks for due mail (it is also woken by new rows).
    pub poll: Duration,
    /// How long a claimed row is reserved for its worker. A worker renews the lease while its
    /// SMTP server is still answering, so a slow server never has a mail sent twice.
    pub lease: Duration,
    /// How long one SMTP exchange may take before it counts as failed (and is retried).
    pub smtp_timeout: Duration,
    /// The first retry delay; each further failure doubles it, up to an hour.
    pub retry_base: Duration,
}

impl MailConfig {
    pub fn with_defaults(base_url: &str) -> MailConfig {
        let host = base_url.split("://").nth(1).unwrap_or("localhost").split(['/', ':']).next().unwrap_or("");
        let domain = if host.contains('.') && !host.chars().all(|c| c.is_ascii_digit() || c == '.') {
            host.to_string()
        } else {
            "byline.localhost".to_string()
        };
        MailConfig {
            smtp_url: None,
            dir: PathBuf::from("data/mail"),
            from: format!("Byline <notifications@{domain}>"),
            worker: true,
            poll: Duration::from_secs(5),
            lease: Duration::from_secs(60),
            smtp_timeout: Duration::from_secs(20),
            retry_base: Duration::from_secs(5),
        }
    }
}

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    /// The SMTP transport, and how long one whole exchange may take.
    Smtp(AsyncSmtpTransport<Tokio1Executor>, Duration),
    Dir(PathBuf),
}

impl Transport {
    pub fn from_config(config: &MailConfig) -> Result<Transport, String> {
        match &config.smtp_url {
            Some(url) => {
                let t = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("SMTP_URL: {e}"))?
                    .timeout(Some(config.smtp_timeout))
                    .build();
                Ok(Transport::Smtp(t, config.smtp_timeout))
            }
            None => Ok(Transport::Dir(config.dir.clone())),
        }
    }

    async fn send(&self, id: i64, message: Message) -> Result<(), SendError> {
        match self {
            // lettre's own timeout covers connecting, not a server that stops answering. Each
            // mail has its own connection (no pool), so a late answer is never read as the
            // next mail's. A server that accepted just after the timeout gets the mail again,
            // with the same Message-ID.
            Transport::Smtp(t, limit) => match tokio::time::timeout(*limit, t.send(message)).await {
                Ok(sent) => sent.map(|_| ()).map_err(|e| SendError {
                    permanent: e.is_permanent(),
                    recipient_refused: e.status().is_some_and(|c| matches!(u16::from(c), 550 | 551 | 553)),
                    detail: e.to_string(),
                }),
                Err(_) => Err(SendError {
                    permanent: false,
                    recipient_refused: false,
                    detail: format!(
                        "the SMTP server did not answer; timed out after {} ms",
                        limit.as_millis()
                    ),
                }),
            },
            Transport::Dir(dir) => write_eml(dir, id, &message.formatted()).await.map_err(|e| SendError {
                permanent: false,
                recipient_refused: false,
                detail: format!("writing to {}: {e}", dir.display()),
            }),
        }
    }
}

struct SendError {
    /// A 5xx answer: retrying the same will not help (a few times, in case the server
    /// or its configuration is being fixed).
    permanent: bool,
    /// The mailbox does not exist or may not receive (550, 551, 553): given up at once.
    recipient_refused: bool,
    detail: String,
}

/// Writes `{ms}-{id}.eml` atomically (a temporary name, then a rename).
async fn write_eml(dir: &std::path::Path, id: i64, bytes: &[u8]) -> std::io::Result<()> {
    tokio::fs::create_dir_all(dir).await?;
    let name = format!("{}-{id}.eml", store::now_ms());
    let tmp = dir.join(format!(".{name}.tmp"));
    tokio::fs::write(&tmp, bytes).await?;
    tokio::fs::rename(&tmp, dir.join(name)).await
}

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
pub fn contact_message(base: &str, to: &str, m: &crate::store::contact::ContactMessage) -> Outgoing {
    let inbox = format!("{base}/admin/messages#message-{}", m.id);
    let subject = format!("Contact Us: {}", m.subject);
    let text = format!(
        "{name} <{email}> wrote through Contact Us:\n\nSubject: {subject}\n\n{message}\n\n--\n\
         Reply to this mail to answer them. In the admin: {inbox}\n",
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
             <p style=\"font-size:13px;color:#666\">Reply to this mail to answer them. <a href=\"{inbox}\">Open the admin inbox</a></p>",
            name = esc(&m.name),
            email = esc(&m.email),
            subject = esc(&m.subject),
            message = esc(&m.message),
            inbox = esc(&inbox),
        ),
    );
    Outgoing { to: to.to_string(), subject, text, html, unsubscribe: None, reply_to: Some(m.email.clone()) }
}

// ---------------------------------------------------------------------------------------------
// The worker

/// Everything the worker needs; cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    pub pool: Pool,
    pub config: Arc<MailConfig>,
    pub base_url: String,
    /// Mail to one address per day, all kinds together (`BYLINE_MAIL_PER_ADDRESS_PER_DAY`).
    pub per_address_per_day: u32,
    /// Wakes the worker when a request queued mail.
    pub wake: Arc<tokio::sync::Notify>,
    /// The wall clock, or a test's: leases, retries and the daily cap read it.
    pub clock: crate::clock::Clock,
}

impl Mailer {
    /// Runs the delivery loop until the process ends.
    pub async fn run(self, transport: Transport) {
        let owner = crate::state::random_token();
        tracing::info!(worker = %owner, smtp = self.config.smtp_url.is_some(), "mail worker started");
        loop {
            match self.round(&transport, &owner).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "mail worker: reading the outbox"),
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.config.poll) => {}
            }
        }
    }

    /// Claims and delivers one batch; answers how many rows it handled.
    pub async fn round(&self, transport: &Transport, owner: &str) -> Result<usize, crate::store::StoreError> {
        let lease = self.config.lease.as_millis() as i64;
        let rows = store::claim(&self.pool, owner, self.clock.now_ms(), lease, 20).await?;
        for row in &rows {
            // the rows of a batch wait their turn under this worker's renewed lease; one whose
            // lease ran out anyway (this worker stalled) may be another worker's now
            let until = self.clock.now_ms() + lease;
            if store::renew_lease(&self.pool, row.id, owner, until).await? {
                self.deliver(transport, owner, row).await?;
            }
        }
        Ok(rows.len())
    }

    /// Sends one mail, renewing the row's lease every third of it while the transport works:
    /// another worker takes the row over only if this one stopped (died), never because the
    /// SMTP server is slow.
    async fn send_holding_lease(
        &self,
        transport: &Transport,
        owner: &str,
        id: i64,
        message: Message,
    ) -> Result<(), SendError> {
        let lease = self.config.lease;
        let send = transport.send(id, message);
        tokio::pin!(send);
        let mut renew = tokio::time::interval_at(
            tokio::time::Instant::now() + lease / 3,
            (lease / 3).max(Duration::from_millis(1)),
        );
        loop {
            tokio::select! {
                sent = &mut send => return sent,
                _ = renew.tick() => {
                    let until = self.clock.now_ms() + lease.as_millis() as i64;
                    if let Err(e) = store::renew_leases(&self.pool, owner, until).await {
                        tracing::warn!(outbox = id, error = %e, "mail worker: renewing a lease");
                    }
                }
            }
        }
    }

    async fn deliver(
        &self,
        transport: &Transport,
        owner: &str,
        row: &OutboxRow,
    ) -> Result<(), crate::store::StoreError> {
        let now = self.clock.now();
        let base = &self.base_url;
        // the editors' own inbox (Contact Us) is not capped: readers' mail is
        let sent_today = match row.kind.as_str() {
            "contact" => 0,
            _ => store::sent_to_since(&self.pool, &row.email, now - 24 * 3600).await?,
        };
        if sent_today >= i64::from(self.per_address_per_day) {
            tracing::warn!(outbox = row.id, kind = %row.kind, "daily mail cap for an address reached; dropped");
            return store::mark_dropped(&self.pool, row.id, owner, "daily cap for this address reached")
                .await;
        }
        let outgoing = match (row.kind.as_str(), row.subscription_id, row.comment_id) {
            ("notify", Some(sub), Some(comment)) => match store::notify_details(&self.pool, sub, comment)
                .await?
            {
                Some(d) => {
                    let token =
                        store::new_token(&self.pool, Purpose::Unsubscribe, &row.email, Some(sub), None, now)
                            .await?;
                    notification(base, &row.email, &d, &token)
                }
                None => {
                    return store::mark_dropped(&self.pool, row.id, owner, "no longer subscribed or approved")
                        .await
                }
            },
            ("confirm", Some(sub), _) => match store::confirm_details(&self.pool, sub).await? {
                Some((kind, title, _slug)) => {
                    let token = store::new_token(
                        &self.pool,
                        Purpose::Confirm,
                        &row.email,
                        Some(sub),
                        row.reader_id.as_deref(),
                        now,
                    )
                    .await?;
                    confirmation(base, &row.email, kind, &title, &token)
                }
                None => {
                    return store::mark_dropped(&self.pool, row.id, owner, "confirmed or removed meanwhile")
                        .await
                }
            },
            ("manage", _, _) => {
                let token =
                    store::new_token(&self.pool, Purpose::Manage, &row.email, None, None, now).await?;
                manage_link(base, &row.email, &token)
            }
            ("contact", _, _) => match row.contact_message_id {
                Some(id) => match crate::store::contact::by_id(&self.pool, id).await? {
                    Some(m) => contact_message(base, &row.email, &m),
                    None => return store::mark_dropped(&self.pool, row.id, owner, "message removed").await,
                },
                None => return store::mark_dropped(&self.pool, row.id, owner, "no message").await,
            },
            _ => return store::mark_dropped(&self.pool, row.id, owner, "nothing to send").await,
        };
        let message = match build(&self.config.from, row.id, &outgoing) {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(error = %e, outbox = row.id, "mail worker: a mail could not be built");
                return store::mark_dropped(&self.pool, row.id, owner, &e).await;
            }
        };
        match self.send_holding_lease(transport, owner, row.id, message).await {
            Ok(()) => {
                tracing::info!(outbox = row.id, kind = %row.kind, "mail sent");
                store::mark_sent(&self.pool, row.id, owner, now).await
            }
            Err(e) if e.recipient_refused || (e.permanent && row.attempts >= 4) => {
                tracing::warn!(outbox = row.id, error = %e.detail, "mail refused for good (5xx); dropped");
                store::mark_refused(&self.pool, row.id, owner, &e.detail).await
            }
            Err(e) => {
                let delay = backoff(self.config.retry_base, row.attempts);
                tracing::warn!(outbox = row.id, error = %e.detail, retry_in_ms = delay.as_millis() as u64, "mail not sent; will retry");
                let next = self.clock.now_ms() + delay.as_millis() as i64;
                store::mark_failed(&self.pool, row.id, owner, &e.detail, next).await
            }
        }
    }
}

/// `base · 2^attempts`, at most an hour.
pub fn backoff(base: Duration, attempts: i64) -> Duration {
    let factor = 1u32 << attempts.clamp(0, 20);
    base.saturating_mul(factor).min(Duration::from_secs(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_stops_at_an_hour() {
        let b = Duration::from_secs(5);
        assert_eq!(backoff(b, 0), Duration::from_secs(5));
        assert_eq!(backoff(b, 3), Duration::from_secs(40));
        assert_eq!(backoff(b, 40), Duration::from_secs(3600));
    }

    #[test]
    fn a_notification_has_both_parts_and_the_one_click_headers() {
        let d = store::NotifyDetails {
            kind: Kind::FollowUps,
            article_title: "A <title>".into(),
            article_slug: "a-title".into(),
            comment_id: 7,
            author_name: "Ada".into(),
            body: "Hello <script>".into(),
            is_reply: false,
        };
        let mail = notification("https://news.example", "r@example.com", &d, "tok");
        let raw =
            String::from_utf8(build("Byline <n@news.example>", 42, &mail).unwrap().formatted()).unwrap();
        assert!(raw.contains("Message-ID: <outbox-42@news.example>"), "{raw}");
        assert!(raw.contains("Auto-Submitted: auto-generated"), "{raw}");
        assert!(raw.contains("List-Unsubscribe: <https://news.example/subscriptions/unsubscribe?token=tok>"));
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/plain") && raw.contains("text/html"));
        assert!(mail.html.contains("Hello &lt;script&gt;"), "the comment is escaped in HTML");
        assert!(mail.text.contains("https://news.example/articles/a-title#comment-7"));
    }
}
