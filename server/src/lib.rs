//! Byline's HTTP server: configuration, the database, the axum router, and the HTTP edge that
//! only the binary uses. The pages, components, server functions and the domain live in `app`.
//!
//! | module | what it is |
//! | --- | --- |
//! | `config` | every environment variable, read and checked once |
//! | `serve`, `guard` | connections (header timeout, per-address cap); Origin and body checks |
//! | `form_posts`, `desk_posts` | every reader's and the desk's form POST answered as a page |
//! | `cached_views` | the page cache's middleware (the cache itself is `app::server::page_cache`) |
//! | `live_events` | the Server-Sent Events of an open article |
//! | `mail_links` | the links in mails: confirm, cancel, unsubscribe, manage, reader data |
//! | `legacy_links` | old WordPress and Disqus addresses answered with a 301 |
//! | `feeds`, `seo` | RSS and Atom; robots.txt and the sitemap |
//! | `article_files` | `content/*.md` read into articles at start |
//! | `content`, `transfer` | WordPress and Disqus import and export, and their command line |
pub mod article_files;
pub mod cached_views;
pub mod config;
pub mod content;
pub mod desk_posts;
pub mod feeds;
pub mod form_posts;
pub mod guard;
pub mod legacy_links;
pub mod live_events;
pub mod mail_links;
pub mod scheduled;
mod seo;
pub mod serve;
pub mod transfer;
pub use app::server::tidy;

use app::server::state::{AppState, SiteConfig};
use app::{shell, App};
use axum::{
    middleware,
    routing::{get, post},
    Router,
};
use config::Config;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use tower_http::{
    catch_panic::CatchPanicLayer, compression::CompressionLayer, services::ServeDir, timeout::TimeoutLayer,
    trace::TraceLayer,
};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] app::server::store::StoreError),
    #[error("mail: {0}")]
    Mail(String),
}

/// Opens the database, applies migrations and imports content files not yet in it.
pub async fn prepare(config: &Config) -> Result<AppState, StartError> {
    if let Some(dir) = config.sqlite_parent_dir() {
        if let Err(e) = std::fs::create_dir_all(&dir) {
            tracing::warn!(error = %e, dir = %dir.display(), "could not create the database folder");
        }
    }
    let pool = app::server::store::connect(&config.database_url, config.database_wait).await?;
    app::server::store::migrate(&pool).await?;
    if import_content(&pool, &config.content_dirs, &config.clock).await {
        // the other servers on the database show the new or changed articles at once
        let told =
            app::server::changes::record_from_command(&pool, "start", app::server::changes::Change::Site)
                .await;
        if let Err(e) = told {
            tracing::warn!(error = %e, "could not tell the other servers of changed articles");
        }
    }
    let leptos_options = LeptosOptions::builder()
        .output_name("frontend")
        .site_root(config.site_root.clone())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .env(leptos::config::Env::PROD)
        .build();
    let secret = match &config.secret {
        Some(s) => s.clone(),
        None => app::server::store::signing_key(&pool).await?,
    };
    let (live, _) = tokio::sync::broadcast::channel(1024);
    let mailer = app::server::mail::Mailer {
        pool: pool.clone(),
        config: Arc::new(config.mail.clone()),
        base_url: config.base_url.clone(),
        per_address_per_day: config.limits.mail_per_address_per_day,
        wake: Arc::new(tokio::sync::Notify::new()),
        clock: config.clock.clone(),
    };
    if config.mail.worker {
        let transport = app::server::mail::Transport::from_config(&config.mail).map_err(StartError::Mail)?;
        tokio::spawn(mailer.clone().run(transport));
    }
    let rate = Arc::new(app::server::rate_limits::RateLimiter::new(
        pool.clone(),
        app::server::reader_cookie::Secret::new(secret.clone().into_bytes()),
        config.clock.clone(),
    ));
    let origin = app::server::changes::origin();
    let (feed, changes) = tokio::sync::mpsc::channel(app::server::changes::FEED_CAPACITY);
    tokio::spawn(app::server::changes::write_down(
        pool.clone(),
        origin.clone(),
        config.clock.clone(),
        changes,
    ));
    let state = AppState::new(app::server::state::Shared {
        pool,
        site: Arc::new(SiteConfig {
            base_url: config.base_url.clone(),
            trust_proxy: config.trust_proxy,
            contact_to: config.contact_to.clone(),
        }),
        secret: app::server::reader_cookie::Secret::new(secret.into_bytes()),
        limits: Arc::new(config.limits.clone()),
        rate,
        live,
        mailer,
        streams: Arc::new(app::server::live_streams::Streams::new(config.sse_per_ip, config.sse_total)),
        pages: Arc::new(app::server::page_cache::PageCache::new(
            config.page_cache_bytes,
            std::time::Duration::from_secs(config.page_cache_seconds),
        )),
        clock: config.clock.clone(),
        origin,
        feed,
        scripts: Arc::new(app::server::csp::Scripts::new(app::inline_scripts(&leptos_options).into())),
        identity: Default::default(),
        searches: tokio::sync::Semaphore::new(config.searches),
        leptos_options,
    });
    state.identity.reload(&state.pool).await;
    // a site-wide change this server did not hear of shows within a kept page's lifetime
    tokio::spawn({
        let state = state.clone();
        let every = std::time::Duration::from_secs(config.page_cache_seconds.max(1));
        async move {
            loop {
                tokio::time::sleep(every).await;
                // a change this server missed: pages kept with the old one drop too
                if state.identity.reload(&state.pool).await {
                    state.pages.invalidate_all();
                }
            }
        }
    });
    // what the other servers on the database (and `server import`) change reaches this one
    tokio::spawn(app::server::changes::follow(state.clone(), config.changes_poll));
    // scheduled stories go out at their time, from whichever server gets there first
    tokio::spawn(crate::scheduled::run(state.clone()));
    Ok(state)
}

/// Imports the articles of every content folder. A file that cannot be read, parsed or stored
/// is skipped with an error in the log; the rest of the site starts. Answers whether an article
/// was added or changed.
async fn import_content(
    pool: &app::server::store::Pool,
    dirs: &[std::path::PathBuf],
    clock: &app::server::clock::Clock,
) -> bool {
    use app::server::store::articles::{import, Imported};
    let mut changed = false;
    for dir in dirs {
        let files = match crate::article_files::read_dir(dir, clock.now()) {
            Ok(files) => files,
            Err(e) => {
                tracing::error!(error = %e, "content folder skipped");
                continue;
            }
        };
        for file in files {
            let a = match file {
                Ok(a) => a,
                Err(e) => {
                    tracing::error!(error = %e, "article skipped: it could not be imported");
                    continue;
                }
            };
            match import(pool, &a, clock.now()).await {
                Ok(Imported::New) => {
                    changed = true;
                    tracing::info!(slug = %a.slug, "imported article")
                }
                Ok(Imported::Updated) => {
                    changed = true;
                    tracing::info!(slug = %a.slug, "updated article; passages anchored again")
                }
                Ok(Imported::Unchanged) => {}
                Ok(Imported::DeskEdited) => tracing::info!(
                    slug = %a.slug,
                    file = %dir.display(),
                    "article file not applied: the story was edited in the desk, which keeps its text"
                ),
                Err(e) => {
                    tracing::error!(slug = %a.slug, error = %e, "article skipped: it could not be stored")
                }
            }
        }
    }
    changed
}

/// The app's routes, walked once per process. Leptos' walk suppresses resource loading in the
/// whole process (a global flag) while it runs: a page of another server in this process whose
/// data began loading meanwhile waited forever. Walking once, before any router exists, means no
/// page is ever rendered during a walk.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES
        .get_or_init(|| {
            generate_route_list(
                || view! { <App options=LeptosOptions::builder().output_name("frontend").build()/> },
            )
        })
        .clone()
}

/// A content-hashed file never changes: a year, immutable. Other bundle files (their plain
/// names, for builds without the hashing step) for five minutes.
async fn bundle_cache(req: axum::extract::Request, next: middleware::Next) -> axum::response::Response {
    let hashed = app::server::assets::is_hashed(req.uri().path().rsplit('/').next().unwrap_or_default());
    let mut res = next.run(req).await;
    if res.status().is_success() {
        let value = if hashed { "public, max-age=31536000, immutable" } else { "public, max-age=300" };
        res.headers_mut().insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static(value));
        // the same URL is sent as brotli, gzip or plain: a shared cache must keep them apart
        res.headers_mut().insert(http::header::VARY, http::HeaderValue::from_static("accept-encoding"));
    }
    res
}

/// The whole application as an axum router, for the site `config` describes.
pub fn router(state: AppState, config: &Config) -> Router {
    use crate::desk_posts as desk;
    use crate::feeds;
    let routes = route_list();
    let pkg_dir = format!("{}/pkg", state.leptos_options.site_root);
    let static_files = Router::new()
        .nest_service("/pkg", ServeDir::new(pkg_dir).precompressed_gzip().precompressed_br())
        .layer(middleware::from_fn(bundle_cache));
    let app = Router::new()
        .route("/sitemap.xml", get(seo::sitemap))
        .route("/robots.txt", get(seo::robots))
        .route("/healthz", get(|| async { "ok" }))
        .route("/feed", get(feeds::site_rss))
        .route("/feed/", get(feeds::site_rss))
        .route("/feed/atom", get(feeds::site_atom))
        .route("/feed/atom/", get(feeds::site_atom))
        .route("/section/{name}/feed", get(feeds::section_rss))
        .route("/section/{name}/feed/atom", get(feeds::section_atom))
        .route("/tags/{tag}/feed", get(feeds::tag_rss))
        .route("/tags/{tag}/feed/atom", get(feeds::tag_atom))
        .route("/authors/{author}/feed", get(feeds::author_rss))
        .route("/authors/{author}/feed/atom", get(feeds::author_atom))
        .route("/articles/{slug}/feed", get(feeds::comments_rss))
        .route("/articles/{slug}/feed/atom", get(feeds::comments_atom))
        .route("/articles/{slug}/events", get(crate::live_events::article_events))
        .route("/subscriptions/confirm", post(crate::mail_links::confirm))
        .route("/subscriptions/cancel", post(crate::mail_links::cancel))
        .route("/subscriptions/unsubscribe", post(crate::mail_links::unsubscribe))
        .route("/subscriptions/manage", post(crate::mail_links::manage))
        .route("/privacy/data", post(crate::mail_links::reader_data))
        .route("/desk/readers", post(desk::readers))
        .route("/desk/signin", post(desk::sign_in))
        .route("/desk/signout", post(desk::sign_out))
        .route("/desk/queue", post(desk::moderate))
        .route("/desk/comments/{id}", post(desk::edit))
        .route("/desk/bans", post(desk::ban))
        .route("/desk/bans/{id}/lift", post(desk::lift_ban))
        .route("/desk/settings", post(desk::settings))
        .route("/desk/site", post(desk::site_identity))
        .route("/desk/articles", post(desk::article_mode))
        .route("/desk/stories", post(desk::story))
        .route("/desk/inbox", post(desk::inbox))
        .route("/desk/staff", post(desk::add_staff))
        .route("/desk/staff/{id}", post(desk::update_staff))
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || {
                    provide_context(state.clone());
                    provide_context(app::server::article_memo::ArticleMemo::default());
                }
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .merge(static_files)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            shell,
        ))
        .layer(middleware::from_fn(guard::refusal_status))
        // WordPress permalinks, `/?p=ID` and `?replytocom=` of imported posts: 301 to the article
        .layer(middleware::from_fn_with_state(state.clone(), crate::legacy_links::redirect_old_links))
        .layer(middleware::from_fn_with_state(state.clone(), crate::form_posts::plain_form_posts))
        // article views for readers without a cookie, inside the defences below
        .layer(middleware::from_fn_with_state(state.clone(), crate::cached_views::serve))
        .with_state(state.clone());
    harden(app, config, state.scripts.clone())
}

/// The defences around every route: a panic becomes a logged 500 for its request, only this
/// site's host and origin are answered and written to, bodies are bounded, redirects stay on
/// the site, and every answer carries the security headers. Article views for readers
/// without a cookie are answered from the page cache inside these.
pub fn harden(routes: Router, config: &Config, scripts: Arc<app::server::csp::Scripts>) -> Router {
    let site = Arc::new(guard::Site::new(&config.base_url, config.loopback_aliases));
    routes
        .layer(CatchPanicLayer::custom(guard::panic_answer))
        .layer(middleware::from_fn_with_state(site.clone(), guard::local_redirects))
        .layer(middleware::from_fn_with_state(site.clone(), guard::own_site_only))
        .layer(middleware::from_fn(guard::body_limit))
        // a request (its body read, its answer begun) within BYLINE_REQUEST_TIMEOUT_SECONDS: a
        // body trickled a byte at a time does not hold a connection for ever
        .layer(TimeoutLayer::with_status_code(
            http::StatusCode::REQUEST_TIMEOUT,
            config.connections.request_timeout,
        ))
        .layer(middleware::from_fn(guard::too_large_page))
        .layer(middleware::from_fn_with_state(site, guard::security_headers))
        .layer(middleware::from_fn_with_state(scripts, tidy::tidy_pages))
        // answers made per request (a reader's own page, the desk, JSON): gzip at its fastest
        // level, a few per cent larger; brotli per request costs more CPU and its window
        // megabytes per answer. The pages everyone gets are compressed well, once, in both
        // (`page_cache`); the bundle is precompressed.
        .layer(CompressionLayer::new().no_br().quality(tower_http::CompressionLevel::Fastest))
        .layer(TraceLayer::new_for_http())
}
