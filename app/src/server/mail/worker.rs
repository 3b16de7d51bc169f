//! The delivery worker: claims due outbox rows with a lease, sends them, retries with backoff.
use super::*;
use crate::server::store::notify::{self as store, OutboxRow, Purpose};
use crate::server::store::Pool;
use lettre::Message;
use std::sync::Arc;
use std::time::Duration;

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
    pub clock: crate::server::clock::Clock,
}

impl Mailer {
    /// Runs the delivery loop until the process ends.
    pub async fn run(self, transport: Transport) {
        let owner = crate::server::tokens::random_token();
        tracing::info!(worker = %owner, smtp = self.config.smtp_url.is_some(), "mail worker started");
        let mut purged: Option<std::time::Instant> = None;
        loop {
            self.housekeeping(&mut purged).await;
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

    /// Queues the moderators' hourly digests that are due, and once an hour erases the
    /// client-address hashes older than the settings keep them, and old mail records.
    pub async fn housekeeping(&self, purged: &mut Option<std::time::Instant>) {
        let now = self.clock.now();
        match crate::server::store::desk::alerts::queue_digests(&self.pool, now).await {
            Ok(n) if n > 0 => tracing::info!(digests = n, "moderation digests queued"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "queueing moderation digests"),
        }
        if purged.is_some_and(|at| at.elapsed() < Duration::from_secs(3600)) {
            return;
        }
        *purged = Some(std::time::Instant::now());
        let days = match crate::server::store::desk::settings::load(&self.pool).await {
            Ok(s) => i64::from(s.address_days),
            Err(e) => return tracing::error!(error = %e, "loading settings to purge addresses"),
        };
        if days > 0 {
            match crate::server::store::desk::settings::purge_addresses(&self.pool, now - days * 86_400).await
            {
                Ok(n) if n > 0 => tracing::info!(rows = n, days, "client-address hashes erased"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "erasing old client-address hashes"),
            }
        }
        // the addresses mail went to, and the links readers asked for, are not kept for ever
        match crate::server::store::desk::settings::purge_mail_records(&self.pool, now).await {
            Ok(n) if n > 0 => tracing::info!(rows = n, "old mail records erased"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "erasing old mail records"),
        }
    }

    /// Claims and delivers one batch; answers how many rows it handled.
    pub async fn round(
        &self,
        transport: &Transport,
        owner: &str,
    ) -> Result<usize, crate::server::store::StoreError> {
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
    ) -> Result<(), crate::server::store::StoreError> {
        let now = self.clock.now();
        let base = &self.base_url;
        // the editors' own mail (Contact Us, moderation alerts) is not capped: readers' mail is
        let sent_today = match row.kind.as_str() {
            "contact" | "staff" | "digest" => 0,
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
                Some(id) => match crate::server::store::contact::by_id(&self.pool, id).await? {
                    Some(m) => contact_message(base, &row.email, &m),
                    None => return store::mark_dropped(&self.pool, row.id, owner, "message removed").await,
                },
                None => return store::mark_dropped(&self.pool, row.id, owner, "no message").await,
            },
            ("data", _, _) => {
                if !crate::server::store::desk::readers::holds_data(&self.pool, &row.email).await? {
                    return store::mark_dropped(
                        &self.pool,
                        row.id,
                        owner,
                        "nothing stored about this address",
                    )
                    .await;
                }
                let action = row.purpose.as_deref().unwrap_or("export");
                let token =
                    crate::server::store::desk::readers::new_link(&self.pool, &row.email, action, now)
                        .await?;
                data_link(base, &row.email, action, &token)
            }
            ("staff" | "digest", _, _) => {
                let digest = row.kind == "digest";
                let (since, to) = (row.since.unwrap_or(0), row.alert_id.unwrap_or(0));
                let lines = crate::server::store::desk::alerts::lines(&self.pool, digest, since, to).await?;
                if lines.is_empty() {
                    return store::mark_dropped(&self.pool, row.id, owner, "the comments are gone").await;
                }
                staff_alert(base, &row.email, &lines, digest)
            }
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
                self.record_sent(owner, row.id, now).await
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

    /// Records a mail the SMTP server took. The database may refuse for a moment (PostgreSQL
    /// restarting): a row left claimed would be sent again by whichever worker claims it after
    /// the lease, so the mark is tried again, with backoff, for as long as the lease holds.
    async fn record_sent(
        &self,
        owner: &str,
        id: i64,
        now: i64,
    ) -> Result<(), crate::server::store::StoreError> {
        let until = tokio::time::Instant::now() + self.config.lease;
        let mut wait = Duration::from_millis(50);
        loop {
            match store::mark_sent(&self.pool, id, owner, now).await {
                Ok(()) => return Ok(()),
                Err(e) if tokio::time::Instant::now() + wait < until => {
                    tracing::warn!(outbox = id, error = %e, "mail worker: a sent mail could not be recorded yet; trying again");
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(2));
                }
                Err(e) => return Err(e),
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
    use crate::domain::notify::Kind;

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
