//! Spawns the real server on port 0 against a fresh database, and talks HTTP to it. The
//! database is a SQLite file, or, with `BYLINE_TEST_BACKEND=postgres` (scripts/test runs the
//! suite both ways), a fresh PostgreSQL database of its own.
#![allow(dead_code)]
pub mod forms;
pub mod postgres;
pub mod smtp;
pub use forms::{link_in, texts_in, Form};
use std::path::PathBuf;

pub const SLUG: &str = "china-ratifies-extradition-treaty-with-turkey";
pub const ARTICLE: &str = "/articles/china-ratifies-extradition-treaty-with-turkey";
const SECRET: &str = "test-secret";

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub pool: app::server::store::Pool,
    /// The reader cookie of the default session, like a browser that opened the page.
    pub cookie: String,
    /// The database's URL, for a second process or worker on the same database.
    pub db_url: String,
    pub dir: tempfile::TempDir,
    /// The server's clock: `advance` it to close a window or expire a lease without waiting.
    pub clock: app::server::clock::Clock,
}

/// The server with test defaults: no minimum time on forms, rate limits out of the way
/// (the abuse tests set their own).
pub async fn spawn() -> TestApp {
    spawn_with(|_| {}).await
}

/// The server with a configuration adjusted by `adjust`.
pub async fn spawn_with(adjust: impl FnOnce(&mut server::config::Config)) -> TestApp {
    spawn_on(None, adjust).await
}

/// Another server on `app`'s database, configured like `spawn_with`: a second app server of
/// the same site, or `app`'s server after a restart.
pub async fn spawn_beside(app: &TestApp, adjust: impl FnOnce(&mut server::config::Config)) -> TestApp {
    spawn_on(Some(app.db_url.clone()), adjust).await
}

/// A server on the database `url` names (a site copied there, say).
pub async fn spawn_on_database(url: String) -> TestApp {
    spawn_on(Some(url), |_| {}).await
}

async fn spawn_on(database: Option<String>, adjust: impl FnOnce(&mut server::config::Config)) -> TestApp {
    if let Ok(filter) = std::env::var("TEST_LOG") {
        let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let mut config = test_config(dir.path(), addr);
    match database {
        Some(url) => config.database_url = url,
        None if on_postgres() => config.database_url = postgres::fresh_database().await,
        None => {}
    }
    adjust(&mut config);
    let state = server::prepare(&config).await.expect("prepare");
    let pool = state.pool.clone();
    let clock = config.clock.clone();
    let router = server::router(state, &config);
    // served as the binary serves (header timeout, per-address cap)
    tokio::spawn(server::serve::serve(listener, router, config.connections.clone(), std::future::pending()));
    let http =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    TestApp {
        base: format!("http://{addr}"),
        http,
        pool,
        cookie: new_reader(),
        db_url: config.database_url,
        dir,
        clock,
    }
}

/// From now on the database refuses the writes `when` names (`BEFORE INSERT ON outbox`,
/// `BEFORE UPDATE OF score ON comments`), as a full disk or a bug would: a trigger named `name`.
pub async fn refuse_writes(app: &TestApp, name: &str, when: &str) {
    refuse_writes_if(app, name, when, None).await
}

/// `refuse_writes`, for the rows `condition` holds for (`NEW.status = 'sent'`).
pub async fn refuse_writes_if(app: &TestApp, name: &str, when: &str, condition: Option<&str>) {
    let condition = condition.map(|c| format!("WHEN ({c})")).unwrap_or_default();
    if on_postgres() {
        db::query(db::AssertSqlSafe(format!(
            "CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql
             AS $$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$"
        )))
        .execute(&app.pool)
        .await
        .unwrap();
        db::query(db::AssertSqlSafe(format!(
            "CREATE TRIGGER {name} {when} FOR EACH ROW {condition} EXECUTE FUNCTION {name}()"
        )))
        .execute(&app.pool)
        .await
        .unwrap();
    } else {
        db::query(db::AssertSqlSafe(format!(
            "CREATE TRIGGER {name} {when} FOR EACH ROW {condition} BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"
        )))
        .execute(&app.pool)
        .await
        .unwrap();
    }
}

/// The database takes the writes `refuse_writes` refused on `table` again.
pub async fn allow_writes(app: &TestApp, name: &str, table: &str) {
    let sql = if on_postgres() {
        format!("DROP TRIGGER {name} ON {table}")
    } else {
        format!("DROP TRIGGER {name}")
    };
    db::query(db::AssertSqlSafe(sql)).execute(&app.pool).await.unwrap();
}

/// Whether this run of the suite is on PostgreSQL (`BYLINE_TEST_BACKEND=postgres`).
pub fn on_postgres() -> bool {
    match std::env::var("BYLINE_TEST_BACKEND").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Err(_) => false,
        Ok(other) => panic!("BYLINE_TEST_BACKEND={other}: sqlite or postgres"),
    }
}

/// The configuration `spawn` starts from: a SQLite file, mail files and the site root in `dir`.
pub fn test_config(dir: &std::path::Path, addr: std::net::SocketAddr) -> server::config::Config {
    let mut config = server::config::Config::for_tests(
        format!("sqlite:{}", dir.join("byline.db").display()),
        addr,
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../content"),
    );
    config.site_root = dir.display().to_string();
    config.limits.min_form_seconds = 0;
    config.limits.comments_per_ip = 10_000;
    config.limits.comments_per_email = 10_000;
    config.limits.votes_per_ip = 10_000;
    // every test request comes from 127.0.0.1: the vote-per-address tests turn it on
    config.limits.one_vote_per_address = false;
    config.mail.dir = dir.join("mail");
    config.mail.poll = std::time::Duration::from_millis(200);
    config.mail.retry_base = std::time::Duration::from_millis(200);
    config.mail.lease = std::time::Duration::from_secs(5);
    config
}

/// A handle on a server running elsewhere (another process) at `base`.
pub async fn attach(base: String, db_url: String, dir: tempfile::TempDir) -> TestApp {
    let pool =
        app::server::store::connect(&db_url, std::time::Duration::from_secs(10)).await.expect("connect");
    let http =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    TestApp {
        base,
        http,
        pool,
        cookie: new_reader(),
        db_url,
        dir,
        clock: app::server::clock::Clock::system(),
    }
}

fn secret() -> app::server::reader_cookie::Secret {
    app::server::reader_cookie::Secret::new(SECRET.as_bytes().to_vec())
}

/// A reader cookie (`name=value`) as the server would issue it.
pub fn new_reader() -> String {
    let (_, header) = app::server::reader_cookie::issue(&secret(), false);
    header.to_str().unwrap().split(';').next().unwrap().to_string()
}

/// The cookie of one and the same browser each time it is asked for by `name`.
pub fn reader_named(name: &str) -> String {
    let id = app::server::store::notify::token_hash(name)[..32].to_string();
    let header = app::server::reader_cookie::cookie_for(&secret(), &id, false);
    header.to_str().unwrap().split(';').next().unwrap().to_string()
}

/// A submission key as a form about `scope` (an article's slug, `contact`) rendered `age`
/// seconds ago would carry.
pub fn key_for(scope: &str, age: i64) -> String {
    key_made_at(scope, app::server::store::now() - age)
}

/// A submission key as a form about `scope` rendered at `at` (unix seconds) would carry.
pub fn key_made_at(scope: &str, at: i64) -> String {
    format!("{}-0", app::api::forms::form_nonce(&secret(), at, scope))
}

/// A submission key as the seed article's forms, rendered `age` seconds ago, would carry.
pub fn key_aged(age: i64) -> String {
    key_for(SLUG, age)
}

/// A submission key as the seed article's rendered forms carry.
pub fn key() -> String {
    key_aged(60)
}

/// The first form key (`<input name="key" … value="…">`) in a page, where its tag may be.
pub fn form_key_in(page: &str) -> String {
    let at = page.find("name=\"key\"").expect("a form key in the page");
    let start = page[..at].rfind('<').unwrap();
    let tag = &page[start..start + page[start..].find('>').unwrap()];
    tag.split("value=\"").nth(1).unwrap().split('"').next().unwrap().to_string()
}

/// Polls `condition` every 20 ms until it holds; panics naming `what` after 20 s.
pub async fn wait_until<F, Fut>(what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..1000 {
        if condition().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("waited 20 s for {what}");
}

pub struct Reply {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Another reader (another browser) of the same site.
    pub fn other_reader(&self) -> Session<'_> {
        Session { app: self, cookie: new_reader() }
    }

    /// The browser named `name` (the same one each time).
    pub fn reader(&self, name: &str) -> Session<'_> {
        Session { app: self, cookie: reader_named(name) }
    }

    pub fn me(&self) -> Session<'_> {
        Session { app: self, cookie: self.cookie.clone() }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.me().get(path).await
    }

    pub async fn post_js(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        self.me().post_js(path, form).await
    }

    pub async fn post_plain(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        self.me().post_plain(path, form).await
    }

    pub async fn post_swapped(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        self.me().post_swapped(path, form).await
    }

    /// Waits until the outbox has nothing left to send (every row sent or given up): what an
    /// SMTP sink holds is then final. Panics if that takes over 20 s.
    pub async fn outbox_settled(&self) {
        wait_until("the outbox to settle", || async {
            let pending: i64 = db::query_scalar("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
                .fetch_one(&self.pool)
                .await
                .unwrap();
            pending == 0
        })
        .await;
    }

    pub async fn comment_count(&self) -> i64 {
        db::query_scalar("SELECT COUNT(*) FROM comments").fetch_one(&self.pool).await.expect("count")
    }

    /// Posts a comment (or reply) as this session, through the form the article page renders
    /// for it, and returns its id.
    pub async fn comment_as(&self, s: &Session<'_>, name: &str, body: &str, parent: Option<i64>) -> i64 {
        let form = s.comment_form(parent).await.set("name", name).set("body", body);
        let res = form.post_js(s).await;
        assert_eq!(res.status, 200, "{}", res.body);
        res.json()["id"].as_i64().unwrap()
    }
}

pub struct Session<'a> {
    pub app: &'a TestApp,
    pub cookie: String,
}

impl Session<'_> {
    /// The form `css` selects in the page at `path`, as this browser gets the page.
    pub async fn form(&self, path: &str, css: &str) -> Form {
        let page = self.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        Form::in_page(&page.body, css)
    }

    /// The seed article's comment form, or the reply form of `parent` as a reader opens it: the
    /// comment's permalink, then its own "Reply" link.
    pub async fn comment_form(&self, parent: Option<i64>) -> Form {
        let Some(p) = parent else { return self.form(ARTICLE, "form#comment-post").await };
        let page = self.get(&format!("{ARTICLE}?comment={p}")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let reply = forms::link_in(&page.body, &format!("#comment-{p} a[href*='replytocom={p}']"))
            .unwrap_or_else(|| panic!("comment {p} offers no Reply link"));
        self.form(reply.split('#').next().unwrap(), &format!("form#reply-{p}-post")).await
    }

    /// The form `css` on the page at `path` whose hidden `comment` field is `id` (a vote, a
    /// delete), and whose other fields match `with`.
    pub async fn comment_form_for(&self, path: &str, css: &str, id: i64, with: &[(&str, &str)]) -> Form {
        let page = self.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        Form::all_in_page(&page.body, css)
            .into_iter()
            .find(|f| f.value("comment") == id.to_string() && with.iter().all(|(k, v)| f.value(k) == *v))
            .unwrap_or_else(|| panic!("no {css} for comment {id} with {with:?} on {path}"))
    }

    /// The vote button `direction` ("up", "down") of comment `id` on the page at `path`.
    pub async fn vote_form(&self, path: &str, id: i64, direction: &str) -> Form {
        self.comment_form_for(path, "form.vote-form", id, &[("direction", direction)]).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        let res = self
            .app
            .http
            .get(self.app.url(path))
            .header("accept", "text/html")
            .header("cookie", &self.cookie)
            .send()
            .await
            .expect("GET");
        into_reply(res).await
    }

    /// A form post as a client that wants the server function's JSON answer sends it.
    pub async fn post_js(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        self.post(path, form, &[("accept", "application/json")]).await
    }

    /// A form post as the page swapper (`app/src/shell/enhance.js`) sends it: HTML wanted,
    /// marked as fetched in the background.
    pub async fn post_swapped(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        self.post(path, form, &[("accept", "text/html"), ("byline-fetch", "1")]).await
    }

    /// A form post as a browser with JavaScript off sends it (wants HTML).
    pub async fn post_plain(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        let referer = self.app.url(ARTICLE);
        self.post(path, form, &[("accept", "text/html,application/xhtml+xml"), ("referer", &referer)]).await
    }

    /// A same-site form post with this reader's cookie and `headers`.
    async fn post(&self, path: &str, form: &[(&str, &str)], headers: &[(&str, &str)]) -> Reply {
        let mut req = self
            .app
            .http
            .post(self.app.url(path))
            .header("origin", &self.app.base)
            .header("cookie", &self.cookie)
            .form(form);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        into_reply(req.send().await.expect("POST")).await
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
