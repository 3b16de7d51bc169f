//! Where a mail goes: an SMTP server, or `.eml` files in a folder.
use crate::server::store::notify as store;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone)]
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

/// `url` with its password (between `user:` and `@`) replaced: for debug prints and logs.
pub fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
            format!("{scheme}://{user}:***@{host}{tail}")
        }
        None => url.to_string(),
    }
}

/// No password in a debug print (see `without_password`); the destructuring names every field.
impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let MailConfig { smtp_url, dir, from, worker, poll, lease, smtp_timeout, retry_base } = self;
        f.debug_struct("MailConfig")
            .field("smtp_url", &smtp_url.as_deref().map(without_password))
            .field("dir", dir)
            .field("from", from)
            .field("worker", worker)
            .field("poll", poll)
            .field("lease", lease)
            .field("smtp_timeout", smtp_timeout)
            .field("retry_base", retry_base)
            .finish()
    }
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

    pub(super) async fn send(&self, id: i64, message: Message) -> Result<(), SendError> {
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

pub(super) struct SendError {
    /// A 5xx answer: retrying the same will not help (a few times, in case the server
    /// or its configuration is being fixed).
    pub(super) permanent: bool,
    /// The mailbox does not exist or may not receive (550, 551, 553): given up at once.
    pub(super) recipient_refused: bool,
    pub(super) detail: String,
}

/// Writes `{ms}-{id}.eml` atomically (a temporary name, then a rename).
pub(super) async fn write_eml(dir: &std::path::Path, id: i64, bytes: &[u8]) -> std::io::Result<()> {
    tokio::fs::create_dir_all(dir).await?;
    let name = format!("{}-{id}.eml", store::now_ms());
    let tmp = dir.join(format!(".{name}.tmp"));
    tokio::fs::write(&tmp, bytes).await?;
    tokio::fs::rename(&tmp, dir.join(name)).await
}
