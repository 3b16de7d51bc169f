//! Configuration from the environment, with defaults that serve the seeded site locally.
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Clone)]
pub struct Config {
    /// `DATABASE_URL`, default `sqlite:data/byline.db`.
    pub database_url: String,
    /// `BYLINE_DB_WAIT_SECONDS`, default 60: how long a start waits for a PostgreSQL that does
    /// not answer yet, retrying (a wrong URL or password ends at once).
    pub database_wait: std::time::Duration,
    /// `LEPTOS_SITE_ADDR`, default `127.0.0.1:3000`.
    pub addr: SocketAddr,
    /// `LEPTOS_SITE_ROOT`: where `pkg/` (the hydration bundle and CSS) is; default `target/site`.
    pub site_root: String,
    /// `CONTENT_DIR`: the folders of articles to import, `:`-separated; default `content`.
    pub content_dirs: Vec<PathBuf>,
    /// `SITE_URL`: the public base URL for canonical links; default `http://{addr}`.
    pub base_url: String,
    /// `BYLINE_SECRET`: signs reader cookies and form keys; default: a random key kept in
    /// the database (set it when several servers share one site).
    pub secret: Option<String>,
    /// `TRUST_PROXY=N`: N reverse proxies stand in front; the client address is the N-th
    /// `X-Forwarded-For` entry from the right (`1` or `true`: the right-most). 0: not behind one.
    pub trust_proxy: usize,
    /// `SITE_URL` was not set: `localhost` and `127.0.0.1` name the same local site.
    pub loopback_aliases: bool,
    /// `CONTACT_TO`: where Contact Us messages are mailed (besides the admin inbox).
    pub contact_to: Option<String>,
    /// Live update streams (`BYLINE_SSE_PER_IP`, `BYLINE_SSE_TOTAL`).
    pub sse_per_ip: usize,
    pub sse_total: usize,
    /// Article views kept rendered for readers without a cookie: at most this many bytes
    /// (`BYLINE_PAGE_CACHE_MB`, 64), each for this many seconds before it is rendered again
    /// (`BYLINE_PAGE_CACHE_SECONDS`, 60; 0 turns the cache off).
    pub page_cache_bytes: usize,
    pub page_cache_seconds: u64,
    /// Searches this server runs at once (`BYLINE_SEARCHES`, 2 per core): more wait a moment,
    /// then are answered 429, so a flood of searches leaves the database to the other pages.
    pub searches: usize,
    /// How often this server reads the changes other servers on the database made
    /// (`BYLINE_CHANGES_POLL_MS`, 100): the longest a comment posted elsewhere takes to reach
    /// this server's kept pages and live streams.
    pub changes_poll: std::time::Duration,
    /// Abuse limits and the edit window (`BYLINE_*` variables, see the README).
    pub limits: app::server::rate_limits::Limits,
    /// Mail: `SMTP_URL`, `MAIL_DIR`, `MAIL_FROM`, and the worker's timing (see the README).
    pub mail: app::server::mail::MailConfig,
    /// The wall clock; `BYLINE_CLOCK_FILE` (end-to-end tests only) adds the seconds written in
    /// that file, so a test can close an edit window without waiting for it.
    pub clock: app::server::clock::Clock,
    /// Connection limits: `BYLINE_HEADER_TIMEOUT_SECONDS` (10) for a request's headers (and an
    /// idle keep-alive connection), `BYLINE_CONNECTIONS_PER_ADDRESS` (256, 0 for none; none by
    /// default behind `TRUST_PROXY`, where every connection is the proxy's),
    /// `BYLINE_CONNECTIONS_TOTAL` (10,000, 0 for none).
    pub connections: crate::serve::Connections,
}

/// No secret in a debug print or a log line: the site key is not shown, a URL's password is
/// replaced (`app::server::mail::without_password`). The destructuring names every field, so a
/// new one cannot be left out unnoticed.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Config {
            database_url,
            database_wait,
            addr,
            site_root,
            content_dirs,
            base_url,
            secret,
            trust_proxy,
            loopback_aliases,
            contact_to,
            sse_per_ip,
            sse_total,
            page_cache_bytes,
            page_cache_seconds,
            searches,
            changes_poll,
            limits,
            mail,
            clock,
            connections,
        } = self;
        f.debug_struct("Config")
            .field("database_url", &app::server::mail::without_password(database_url))
            .field("database_wait", database_wait)
            .field("addr", addr)
            .field("site_root", site_root)
            .field("content_dirs", content_dirs)
            .field("base_url", base_url)
            .field("secret", &secret.as_ref().map(|_| "(set, not shown)"))
            .field("trust_proxy", trust_proxy)
            .field("loopback_aliases", loopback_aliases)
            .field("contact_to", contact_to)
            .field("sse_per_ip", sse_per_ip)
            .field("sse_total", sse_total)
            .field("page_cache_bytes", page_cache_bytes)
            .field("page_cache_seconds", page_cache_seconds)
            .field("searches", searches)
            .field("changes_poll", changes_poll)
            .field("limits", limits)
            .field("mail", mail)
            .field("clock", clock)
            .field("connections", connections)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{name}: {problem}")]
pub struct ConfigError {
    name: &'static str,
    problem: String,
}

/// Every environment variable the server reads (the README's table lists each): one read by
/// `Config`, or by the binary itself (`RUST_LOG`, `NO_COLOR`).
pub const VARIABLES: &[&str] = &[
    "DATABASE_URL",
    "BYLINE_DB_WAIT_SECONDS",
    "LEPTOS_SITE_ADDR",
    "SITE_URL",
    "CONTENT_DIR",
    "LEPTOS_SITE_ROOT",
    "BYLINE_SECRET",
    "TRUST_PROXY",
    "CONTACT_TO",
    "BYLINE_EDIT_WINDOW_SECONDS",
    "BYLINE_COMMENTS_PER_IP_PER_MINUTE",
    "BYLINE_COMMENTS_PER_EMAIL_PER_HOUR",
    "BYLINE_VOTES_PER_IP_PER_MINUTE",
    "BYLINE_MIN_FORM_SECONDS",
    "BYLINE_CHANGES_POLL_MS",
    "BYLINE_DUPLICATE_WINDOW_SECONDS",
    "SMTP_URL",
    "MAIL_DIR",
    "MAIL_FROM",
    "BYLINE_MAIL_WORKER",
    "BYLINE_MAIL_POLL_MS",
    "BYLINE_MAIL_LEASE_MS",
    "BYLINE_MAIL_RETRY_MS",
    "BYLINE_SMTP_TIMEOUT_MS",
    "BYLINE_SUBSCRIBE_PER_IP_PER_HOUR",
    "BYLINE_SUBSCRIBE_PER_EMAIL_PER_HOUR",
    "BYLINE_MAIL_PER_ADDRESS_PER_DAY",
    "BYLINE_FORM_KEY_SECONDS",
    "BYLINE_ONE_VOTE_PER_ADDRESS",
    "BYLINE_CONTACT_PER_IP_PER_HOUR",
    "BYLINE_LOGIN_FAILURES_PER_IP_PER_HOUR",
    "BYLINE_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR",
    "BYLINE_REPORTS_PER_IP_PER_HOUR",
    "BYLINE_SSE_PER_IP",
    "BYLINE_SSE_TOTAL",
    "BYLINE_SEARCHES",
    "BYLINE_PAGE_CACHE_MB",
    "BYLINE_PAGE_CACHE_SECONDS",
    "BYLINE_HEADER_TIMEOUT_SECONDS",
    "BYLINE_REQUEST_TIMEOUT_SECONDS",
    "BYLINE_CONNECTIONS_PER_ADDRESS",
    "BYLINE_CONNECTIONS_TOTAL",
    "BYLINE_CLOCK_FILE",
    "RUST_LOG",
    "NO_COLOR",
];

/// `BYLINE_…` variables that are not settings of the server (the scripts' own).
const NOT_SETTINGS: &[&str] = &["BYLINE_SERVER_BIN"];

/// `BYLINE_…` variables set in `vars` that the server does not read: a misspelt setting would
/// otherwise be ignored without a word.
pub fn unknown_settings(vars: impl Iterator<Item = String>) -> Vec<String> {
    vars.filter(|k| {
        k.starts_with("BYLINE_") && !VARIABLES.contains(&k.as_str()) && !NOT_SETTINGS.contains(&k.as_str())
    })
    .collect()
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        for name in unknown_settings(std::env::vars().map(|(k, _)| k)) {
            tracing::warn!(variable = %name, "not a setting Byline reads (misspelt?): see the README's table");
        }
        let var = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_string());
        let addr: SocketAddr = var("LEPTOS_SITE_ADDR", "127.0.0.1:3000")
            .parse()
            .map_err(|e| ConfigError { name: "LEPTOS_SITE_ADDR", problem: format!("{e}") })?;
        let site_url = std::env::var("SITE_URL").ok().filter(|v| !v.is_empty());
        let loopback_aliases = site_url.is_none();
        let base_url = site_url.unwrap_or_else(|| format!("http://{addr}")).trim_end_matches('/').to_string();
        let contact_to = std::env::var("CONTACT_TO").ok().filter(|v| !v.trim().is_empty());
        if let Some(to) = &contact_to {
            if to.parse::<lettre::message::Mailbox>().is_err() {
                return Err(ConfigError { name: "CONTACT_TO", problem: format!("not a mail address: {to}") });
            }
        }
        let trust_proxy = match std::env::var("TRUST_PROXY").as_deref() {
            Err(_) | Ok("" | "0" | "false") => 0,
            Ok("true") => 1,
            Ok(n) => n.parse().map_err(|_| ConfigError {
                name: "TRUST_PROXY",
                problem: format!("the number of proxies in front (1 = one proxy), not {n}"),
            })?,
        };
        let default_per_address = if trust_proxy > 0 { 0 } else { 256 };
        let connections = crate::serve::Connections {
            header_timeout: std::time::Duration::from_secs(
                num("BYLINE_HEADER_TIMEOUT_SECONDS", 10u64)?.max(1),
            ),
            request_timeout: std::time::Duration::from_secs(
                num("BYLINE_REQUEST_TIMEOUT_SECONDS", 30u64)?.max(1),
            ),
            per_address: Some(num("BYLINE_CONNECTIONS_PER_ADDRESS", default_per_address)?).filter(|n| *n > 0),
            total: Some(num("BYLINE_CONNECTIONS_TOTAL", 10_000usize)?).filter(|n| *n > 0),
        };
        Ok(Config {
            connections,
            database_url: var("DATABASE_URL", "sqlite:data/byline.db"),
            database_wait: std::time::Duration::from_secs(num("BYLINE_DB_WAIT_SECONDS", 60u64)?),
            addr,
            site_root: var("LEPTOS_SITE_ROOT", "target/site"),
            content_dirs: std::env::split_paths(&var("CONTENT_DIR", "content")).collect(),
            secret: std::env::var("BYLINE_SECRET").ok().filter(|s| !s.is_empty()),
            trust_proxy,
            loopback_aliases,
            contact_to,
            sse_per_ip: num("BYLINE_SSE_PER_IP", 8)?,
            sse_total: num("BYLINE_SSE_TOTAL", 2000)?,
            page_cache_bytes: num::<usize>("BYLINE_PAGE_CACHE_MB", 64)?.saturating_mul(1024 * 1024),
            page_cache_seconds: num("BYLINE_PAGE_CACHE_SECONDS", 60)?,
            searches: num(
                "BYLINE_SEARCHES",
                2 * std::thread::available_parallelism().map_or(2, |n| n.get()),
            )?
            // (tokio's semaphore holds at most usize::MAX >> 3 permits)
            .min(100_000),
            changes_poll: std::time::Duration::from_millis(
                num::<u64>("BYLINE_CHANGES_POLL_MS", 100)?.max(10),
            ),
            clock: match std::env::var_os("BYLINE_CLOCK_FILE") {
                Some(path) => {
                    tracing::warn!(file = ?path, "BYLINE_CLOCK_FILE is set: the clock moves by the seconds in that file (for tests only)");
                    app::server::clock::Clock::offset_by_file(path.into())
                }
                None => app::server::clock::Clock::system(),
            },
            limits: limits_from_env()?,
            mail: mail_from_env(&base_url)?,
            base_url,
        })
    }

    /// Defaults for tests: the seed content, no admin, a fixed key, the default limits.
    pub fn for_tests(database_url: String, addr: SocketAddr, content_dir: PathBuf) -> Config {
        Config {
            database_url,
            database_wait: std::time::Duration::from_secs(10),
            addr,
            site_root: "target/site".into(),
            content_dirs: vec![content_dir],
            base_url: format!("http://{addr}"),
            secret: Some("test-secret".into()),
            trust_proxy: 0,
            loopback_aliases: false,
            contact_to: None,
            sse_per_ip: 8,
            sse_total: 2000,
            page_cache_bytes: 64 * 1024 * 1024,
            page_cache_seconds: 60,
            searches: 4,
            changes_poll: std::time::Duration::from_millis(50),
            clock: app::server::clock::Clock::system(),
            limits: app::server::rate_limits::Limits::default(),
            mail: app::server::mail::MailConfig::with_defaults(&format!("http://{addr}")),
            connections: crate::serve::Connections::default(),
        }
    }

    /// The folder of a file-backed SQLite URL, so it can be created on first start.
    pub fn sqlite_parent_dir(&self) -> Option<PathBuf> {
        let path = self.database_url.strip_prefix("sqlite:")?;
        let path = path.trim_start_matches("//").split('?').next()?;
        if path.is_empty() || path.starts_with(':') {
            return None;
        }
        PathBuf::from(path).parent().map(PathBuf::from).filter(|p| !p.as_os_str().is_empty())
    }
}

fn limits_from_env() -> Result<app::server::rate_limits::Limits, ConfigError> {
    let d = app::server::rate_limits::Limits::default();
    Ok(app::server::rate_limits::Limits {
        comments_per_ip: num("BYLINE_COMMENTS_PER_IP_PER_MINUTE", d.comments_per_ip)?,
        comments_per_email: num("BYLINE_COMMENTS_PER_EMAIL_PER_HOUR", d.comments_per_email)?,
        votes_per_ip: num("BYLINE_VOTES_PER_IP_PER_MINUTE", d.votes_per_ip)?,
        min_form_seconds: num("BYLINE_MIN_FORM_SECONDS", d.min_form_seconds)?,
        edit_window_seconds: num("BYLINE_EDIT_WINDOW_SECONDS", d.edit_window_seconds)?,
        duplicate_window_seconds: num("BYLINE_DUPLICATE_WINDOW_SECONDS", d.duplicate_window_seconds)?,
        subscribe_per_ip: num("BYLINE_SUBSCRIBE_PER_IP_PER_HOUR", d.subscribe_per_ip)?,
        subscribe_per_email: num("BYLINE_SUBSCRIBE_PER_EMAIL_PER_HOUR", d.subscribe_per_email)?,
        mail_per_address_per_day: num("BYLINE_MAIL_PER_ADDRESS_PER_DAY", d.mail_per_address_per_day)?,
        form_key_seconds: num("BYLINE_FORM_KEY_SECONDS", d.form_key_seconds)?,
        one_vote_per_address: !matches!(
            std::env::var("BYLINE_ONE_VOTE_PER_ADDRESS").as_deref(),
            Ok("0" | "false" | "off")
        ),
        contact_per_ip: num("BYLINE_CONTACT_PER_IP_PER_HOUR", d.contact_per_ip)?,
        login_failures_per_ip: num("BYLINE_LOGIN_FAILURES_PER_IP_PER_HOUR", d.login_failures_per_ip)?,
        login_failures_per_account: num(
            "BYLINE_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR",
            d.login_failures_per_account,
        )?,
        reports_per_ip: num("BYLINE_REPORTS_PER_IP_PER_HOUR", d.reports_per_ip)?,
    })
}

fn num<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError> {
    match std::env::var(name) {
        Ok(v) => v.parse().map_err(|_| ConfigError { name, problem: format!("not a number: {v}") }),
        Err(_) => Ok(default),
    }
}

fn mail_from_env(base_url: &str) -> Result<app::server::mail::MailConfig, ConfigError> {
    use std::time::Duration;
    let d = app::server::mail::MailConfig::with_defaults(base_url);
    let ms = |name: &'static str, default: Duration| -> Result<Duration, ConfigError> {
        Ok(Duration::from_millis(num(name, default.as_millis() as u64)?))
    };
    let from = std::env::var("MAIL_FROM").ok().filter(|v| !v.is_empty()).unwrap_or(d.from);
    if from.parse::<lettre::message::Mailbox>().is_err() {
        return Err(ConfigError { name: "MAIL_FROM", problem: format!("not a mail address: {from}") });
    }
    Ok(app::server::mail::MailConfig {
        smtp_url: std::env::var("SMTP_URL").ok().filter(|v| !v.is_empty()),
        dir: std::env::var("MAIL_DIR").ok().filter(|v| !v.is_empty()).map(PathBuf::from).unwrap_or(d.dir),
        from,
        worker: !matches!(std::env::var("BYLINE_MAIL_WORKER").as_deref(), Ok("0" | "false" | "off")),
        poll: ms("BYLINE_MAIL_POLL_MS", d.poll)?,
        lease: ms("BYLINE_MAIL_LEASE_MS", d.lease)?,
        smtp_timeout: ms("BYLINE_SMTP_TIMEOUT_MS", d.smtp_timeout)?,
        retry_base: ms("BYLINE_MAIL_RETRY_MS", d.retry_base)?,
    })
}

#[cfg(test)]
mod tests;
