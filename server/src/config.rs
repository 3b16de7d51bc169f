//! Configuration from the environment, with defaults that serve the seeded site locally.
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`, default `sqlite:data/byline.db`.
    pub database_url: String,
    /// `LEPTOS_SITE_ADDR`, default `127.0.0.1:3000`.
    pub addr: SocketAddr,
    /// `LEPTOS_SITE_ROOT`: where `pkg/` (the hydration bundle and CSS) is; default `target/site`.
    pub site_root: String,
    /// `CONTENT_DIR`: the folders of articles to import, `:`-separated; default `content`.
    pub content_dirs: Vec<PathBuf>,
    /// `SITE_URL`: the public base URL for canonical links; default `http://{addr}`.
    pub base_url: String,
    /// `BYLINE_ADMIN_PASSWORD`: opens /admin to user `editor`; unset keeps it closed.
    pub admin_password: Option<String>,
    /// `BYLINE_SECRET`: signs reader cookies and form keys; default: a random key kept in
    /// the database (set it when several servers share one site).
    pub secret: Option<String>,
    /// `TRUST_PROXY=1`: take the client address from `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// Abuse limits and the edit window (`BYLINE_*` variables, see the README).
    pub limits: app::limits::Limits,
    /// Mail: `SMTP_URL`, `MAIL_DIR`, `MAIL_FROM`, and the worker's timing (see the README).
    pub mail: app::mail::MailConfig,
}

#[derive(Debug, thiserror::Error)]
#[error("{name}: {problem}")]
pub struct ConfigError {
    name: &'static str,
    problem: String,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let var = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_string());
        let addr: SocketAddr = var("LEPTOS_SITE_ADDR", "127.0.0.1:3000")
            .parse()
            .map_err(|e| ConfigError { name: "LEPTOS_SITE_ADDR", problem: format!("{e}") })?;
        let base_url = var("SITE_URL", &format!("http://{addr}")).trim_end_matches('/').to_string();
        Ok(Config {
            database_url: var("DATABASE_URL", "sqlite:data/byline.db"),
            addr,
            site_root: var("LEPTOS_SITE_ROOT", "target/site"),
            content_dirs: std::env::split_paths(&var("CONTENT_DIR", "content")).collect(),
            admin_password: std::env::var("BYLINE_ADMIN_PASSWORD").ok().filter(|p| !p.is_empty()),
            secret: std::env::var("BYLINE_SECRET").ok().filter(|s| !s.is_empty()),
            trust_proxy: matches!(std::env::var("TRUST_PROXY").as_deref(), Ok("1" | "true")),
            limits: limits_from_env()?,
            mail: mail_from_env(&base_url)?,
            base_url,
        })
    }

    /// Defaults for tests: the seed content, no admin, a fixed key, the default limits.
    pub fn for_tests(database_url: String, addr: SocketAddr, content_dir: PathBuf) -> Config {
        Config {
            database_url,
            addr,
            site_root: "target/site".into(),
            content_dirs: vec![content_dir],
            base_url: format!("http://{addr}"),
            admin_password: None,
            secret: Some("test-secret".into()),
            trust_proxy: false,
            limits: app::limits::Limits::default(),
            mail: app::mail::MailConfig::with_defaults(&format!("http://{addr}")),
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

fn limits_from_env() -> Result<app::limits::Limits, ConfigError> {
    let d = app::limits::Limits::default();
    Ok(app::limits::Limits {
        comments_per_ip: num("BYLINE_COMMENTS_PER_IP_PER_MINUTE", d.comments_per_ip)?,
        comments_per_email: num("BYLINE_COMMENTS_PER_EMAIL_PER_HOUR", d.comments_per_email)?,
        votes_per_ip: num("BYLINE_VOTES_PER_IP_PER_MINUTE", d.votes_per_ip)?,
        min_form_seconds: num("BYLINE_MIN_FORM_SECONDS", d.min_form_seconds)?,
        edit_window_seconds: num("BYLINE_EDIT_WINDOW_SECONDS", d.edit_window_seconds)?,
        duplicate_window_seconds: num("BYLINE_DUPLICATE_WINDOW_SECONDS", d.duplicate_window_seconds)?,
        subscribe_per_ip: num("BYLINE_SUBSCRIBE_PER_IP_PER_HOUR", d.subscribe_per_ip)?,
        subscribe_per_email: num("BYLINE_SUBSCRIBE_PER_EMAIL_PER_HOUR", d.subscribe_per_email)?,
    })
}

fn num<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError> {
    match std::env::var(name) {
        Ok(v) => v.parse().map_err(|_| ConfigError { name, problem: format!("not a number: {v}") }),
        Err(_) => Ok(default),
    }
}

fn mail_from_env(base_url: &str) -> Result<app::mail::MailConfig, ConfigError> {
    use std::time::Duration;
    let d = app::mail::MailConfig::with_defaults(base_url);
    let ms = |name: &'static str, default: Duration| -> Result<Duration, ConfigError> {
        Ok(Duration::from_millis(num(name, default.as_millis() as u64)?))
    };
    let from = std::env::var("MAIL_FROM").ok().filter(|v| !v.is_empty()).unwrap_or(d.from);
    if from.parse::<lettre::message::Mailbox>().is_err() {
        return Err(ConfigError { name: "MAIL_FROM", problem: format!("not a mail address: {from}") });
    }
    Ok(app::mail::MailConfig {
        smtp_url: std::env::var("SMTP_URL").ok().filter(|v| !v.is_empty()),
        dir: std::env::var("MAIL_DIR").ok().filter(|v| !v.is_empty()).map(PathBuf::from).unwrap_or(d.dir),
        from,
        worker: !matches!(std::env::var("BYLINE_MAIL_WORKER").as_deref(), Ok("0" | "false" | "off")),
        poll: ms("BYLINE_MAIL_POLL_MS", d.poll)?,
        lease: ms("BYLINE_MAIL_LEASE_MS", d.lease)?,
        retry_base: ms("BYLINE_MAIL_RETRY_MS", d.retry_base)?,
    })
}
