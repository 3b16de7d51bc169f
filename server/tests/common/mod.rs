//! Spawns the real server on port 0 against a fresh SQLite file, and talks HTTP to it.
#![allow(dead_code)]
use std::path::PathBuf;

pub const SLUG: &str = "china-ratifies-extradition-treaty-with-turkey";
pub const ARTICLE: &str = "/articles/china-ratifies-extradition-treaty-with-turkey";

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub pool: app::store::Pool,
    _dir: tempfile::TempDir,
}

pub async fn spawn() -> TestApp {
    spawn_with(None).await
}

/// The server with the admin opened by `admin_password`.
pub async fn spawn_with(admin_password: Option<&str>) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("byline.db");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let config = server::config::Config {
        database_url: format!("sqlite:{}", db.display()),
        addr,
        site_root: dir.path().display().to_string(),
        content_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../content"),
        base_url: format!("http://{addr}"),
        admin_password: admin_password.map(String::from),
    };
    let state = server::prepare(&config).await.expect("prepare");
    let pool = state.pool.clone();
    let router = server::router(state);
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
            .await
            .expect("serve");
    });
    let http =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    TestApp { base: format!("http://{addr}"), http, pool, _dir: dir }
}

/// A submission key as a rendered form would carry.
pub fn key() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!("testkey{:016x}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

pub struct Reply {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
    pub headers: reqwest::header::HeaderMap,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> Reply {
        let res = self.http.get(self.url(path)).header("accept", "text/html").send().await.expect("GET");
        into_reply(res).await
    }

    /// A form post as the hydrated app's `<ActionForm>` sends it (answers JSON).
    pub async fn post_js(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        let res = self
            .http
            .post(self.url(path))
            .header("accept", "application/json")
            .header("origin", &self.base)
            .form(form)
            .send()
            .await
            .expect("POST");
        into_reply(res).await
    }

    /// A form post as a browser with JavaScript off sends it (wants HTML).
    pub async fn post_plain(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        let res = self
            .http
            .post(self.url(path))
            .header("accept", "text/html,application/xhtml+xml")
            .header("origin", &self.base)
            .header("referer", self.url(ARTICLE))
            .form(form)
            .send()
            .await
            .expect("POST");
        into_reply(res).await
    }

    pub async fn comment_count(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM comments").fetch_one(&self.pool).await.expect("count")
    }
}

async fn into_reply(res: reqwest::Response) -> Reply {
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let location = headers.get("location").and_then(|v| v.to_str().ok()).map(String::from);
    let body = res.text().await.expect("body");
    Reply { status, location, body, headers }
}

/// The fields of a comment form.
pub fn comment<'a>(name: &'a str, email: &'a str, body: &'a str, key: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("article", SLUG), ("name", name), ("email", email), ("body", body), ("key", key)]
}
