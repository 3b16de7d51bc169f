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
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn a_debug_print_shows_no_secret() {
        let mut c = Config::for_tests(
            "postgres://byline:db-password@db.example/byline".into(),
            "127.0.0.1:3000".parse().unwrap(),
            PathBuf::from("content"),
        );
        c.secret = Some("the-site-key".into());
        c.mail.smtp_url = Some("smtp://mailer:smtp-password@mail.example:587".into());
        let printed = format!("{c:?}");
        for secret in ["db-password", "the-site-key", "smtp-password"] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
        assert!(printed.contains("db.example") && printed.contains("mail.example"), "{printed}");
    }

    /// The variables the README's settings table names (each row's first column; `A` / `B`
    /// rows name several).
    fn documented() -> BTreeSet<String> {
        let readme = include_str!("../../README.md");
        let table =
            readme.split("| variable | default | meaning |").nth(1).expect("the README's settings table");
        table
            .lines()
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .flat_map(|l| {
                l.split('|').nth(1).unwrap_or_default().split('/').map(str::to_string).collect::<Vec<_>>()
            })
            .filter_map(|c| c.trim().strip_prefix('`').and_then(|c| c.strip_suffix('`')).map(String::from))
            .collect()
    }

    /// Each variable, set to a value that is not its default, changes what its setting says;
    /// the README documents exactly the variables read. A name misspelt on either side (the
    /// code, the README) fails here.
    #[test]
    fn every_setting_is_read_from_its_documented_variable() {
        type Get = fn(&Config) -> String;
        let cases: &[(&str, &str, Get)] = &[
            ("DATABASE_URL", "sqlite:/tmp/elsewhere.db", |c| c.database_url.clone()),
            ("BYLINE_DB_WAIT_SECONDS", "7", |c| c.database_wait.as_secs().to_string()),
            ("LEPTOS_SITE_ADDR", "127.0.0.1:4321", |c| c.addr.to_string()),
            ("SITE_URL", "https://news.example", |c| c.base_url.clone()),
            ("CONTENT_DIR", "a:b", |c| format!("{:?}", c.content_dirs)),
            ("LEPTOS_SITE_ROOT", "/srv/site", |c| c.site_root.clone()),
            ("BYLINE_SECRET", "a site secret", |c| format!("{:?}", c.secret)),
            ("TRUST_PROXY", "2", |c| c.trust_proxy.to_string()),
            ("CONTACT_TO", "desk@news.example", |c| format!("{:?}", c.contact_to)),
            ("BYLINE_EDIT_WINDOW_SECONDS", "123", |c| c.limits.edit_window_seconds.to_string()),
            ("BYLINE_COMMENTS_PER_IP_PER_MINUTE", "7", |c| c.limits.comments_per_ip.to_string()),
            ("BYLINE_COMMENTS_PER_EMAIL_PER_HOUR", "31", |c| c.limits.comments_per_email.to_string()),
            ("BYLINE_VOTES_PER_IP_PER_MINUTE", "61", |c| c.limits.votes_per_ip.to_string()),
            ("BYLINE_MIN_FORM_SECONDS", "4", |c| c.limits.min_form_seconds.to_string()),
            ("BYLINE_DUPLICATE_WINDOW_SECONDS", "601", |c| c.limits.duplicate_window_seconds.to_string()),
            ("SMTP_URL", "smtp://mail.example:25", |c| format!("{:?}", c.mail.smtp_url)),
            ("MAIL_DIR", "/tmp/elsewhere-mail", |c| c.mail.dir.display().to_string()),
            ("MAIL_FROM", "Desk <desk@news.example>", |c| c.mail.from.clone()),
            ("BYLINE_MAIL_WORKER", "0", |c| c.mail.worker.to_string()),
            ("BYLINE_MAIL_POLL_MS", "1234", |c| c.mail.poll.as_millis().to_string()),
            ("BYLINE_MAIL_LEASE_MS", "2345", |c| c.mail.lease.as_millis().to_string()),
            ("BYLINE_MAIL_RETRY_MS", "3456", |c| c.mail.retry_base.as_millis().to_string()),
            ("BYLINE_SMTP_TIMEOUT_MS", "4567", |c| c.mail.smtp_timeout.as_millis().to_string()),
            ("BYLINE_SUBSCRIBE_PER_IP_PER_HOUR", "21", |c| c.limits.subscribe_per_ip.to_string()),
            ("BYLINE_SUBSCRIBE_PER_EMAIL_PER_HOUR", "7", |c| c.limits.subscribe_per_email.to_string()),
            ("BYLINE_MAIL_PER_ADDRESS_PER_DAY", "51", |c| c.limits.mail_per_address_per_day.to_string()),
            ("BYLINE_FORM_KEY_SECONDS", "86401", |c| c.limits.form_key_seconds.to_string()),
            ("BYLINE_ONE_VOTE_PER_ADDRESS", "0", |c| c.limits.one_vote_per_address.to_string()),
            ("BYLINE_CONTACT_PER_IP_PER_HOUR", "6", |c| c.limits.contact_per_ip.to_string()),
            ("BYLINE_LOGIN_FAILURES_PER_IP_PER_HOUR", "11", |c| c.limits.login_failures_per_ip.to_string()),
            ("BYLINE_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR", "6", |c| {
                c.limits.login_failures_per_account.to_string()
            }),
            ("BYLINE_REPORTS_PER_IP_PER_HOUR", "21", |c| c.limits.reports_per_ip.to_string()),
            ("BYLINE_SSE_PER_IP", "9", |c| c.sse_per_ip.to_string()),
            ("BYLINE_SSE_TOTAL", "2001", |c| c.sse_total.to_string()),
            ("BYLINE_PAGE_CACHE_MB", "65", |c| c.page_cache_bytes.to_string()),
            ("BYLINE_PAGE_CACHE_SECONDS", "61", |c| c.page_cache_seconds.to_string()),
            ("BYLINE_CHANGES_POLL_MS", "250", |c| format!("{:?}", c.changes_poll)),
            ("BYLINE_HEADER_TIMEOUT_SECONDS", "11", |c| c.connections.header_timeout.as_secs().to_string()),
            ("BYLINE_REQUEST_TIMEOUT_SECONDS", "31", |c| c.connections.request_timeout.as_secs().to_string()),
            ("BYLINE_CONNECTIONS_PER_ADDRESS", "100", |c| format!("{:?}", c.connections.per_address)),
            ("BYLINE_CONNECTIONS_TOTAL", "500", |c| format!("{:?}", c.connections.total)),
            ("BYLINE_CLOCK_FILE", "/tmp/elsewhere-clock", |c| format!("{:?}", c.clock)),
        ];
        let clear = || {
            for v in VARIABLES {
                std::env::remove_var(v);
            }
        };
        clear();
        let defaults = Config::from_env().expect("the defaults");
        for (name, value, get) in cases {
            clear();
            std::env::set_var(name, value);
            let c = Config::from_env().unwrap_or_else(|e| panic!("{name}={value}: {e}"));
            assert_ne!(
                get(&c),
                get(&defaults),
                "{name}={value} changed nothing: is it read under that name?"
            );
        }
        clear();
        // and the README lists exactly these, plus what the binary and the scripts read
        let read: BTreeSet<String> = cases
            .iter()
            .map(|(n, ..)| n.to_string())
            .chain(["RUST_LOG", "NO_COLOR"].map(String::from))
            .collect();
        let listed: BTreeSet<String> = VARIABLES.iter().map(|v| v.to_string()).collect();
        assert_eq!(read, listed, "VARIABLES and the cases here");
        let mut documented = documented();
        documented.remove("CARGO_TARGET_DIR");
        assert_eq!(documented, listed, "the README's table and the variables read");
        // a setting misspelt in the environment is named, not silently ignored
        let unknown = unknown_settings(
            ["BYLINE_PAGE_CACHE_SECOND", "BYLINE_PAGE_CACHE_SECONDS", "BYLINE_SERVER_BIN", "PATH"]
                .into_iter()
                .map(String::from),
        );
        assert_eq!(unknown, ["BYLINE_PAGE_CACHE_SECOND"]);
    }
}
