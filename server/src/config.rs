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
    /// `CONTENT_DIR`: the articles to import; default `content`.
    pub content_dir: PathBuf,
    /// `SITE_URL`: the public base URL for canonical links; default `http://{addr}`.
    pub base_url: String,
    /// `BYLINE_ADMIN_PASSWORD`: opens /admin to user `editor`; unset keeps it closed.
    pub admin_password: Option<String>,
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
            content_dir: PathBuf::from(var("CONTENT_DIR", "content")),
            base_url,
            admin_password: std::env::var("BYLINE_ADMIN_PASSWORD").ok().filter(|p| !p.is_empty()),
        })
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
