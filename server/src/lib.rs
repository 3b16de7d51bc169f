//! Byline's HTTP server: configuration, database, content import and the axum router.
//! The pages and server functions live in `app`; this crate only wires them.
pub mod config;
mod guard;
mod seo;

use app::state::{AppState, SiteConfig};
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
    compression::CompressionLayer, limit::RequestBodyLimitLayer, services::ServeDir,
    set_header::SetResponseHeaderLayer, trace::TraceLayer,
};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] app::store::StoreError),
    #[error("content: {0}")]
    Content(#[from] app::content::ContentError),
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
    let pool = app::store::connect(&config.database_url).await?;
    app::store::migrate(&pool).await?;
    let mut articles = Vec::new();
    for dir in &config.content_dirs {
        articles.extend(app::content::read_dir(dir, app::store::now())?);
    }
    for a in &articles {
        match app::store::articles::import(&pool, a, app::store::now()).await? {
            app::store::articles::Imported::New => tracing::info!(slug = %a.slug, "imported article"),
            app::store::articles::Imported::Updated => {
                tracing::info!(slug = %a.slug, "updated article; passages anchored again")
            }
            app::store::articles::Imported::Unchanged => {}
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
        None => app::store::signing_key(&pool).await?,
    };
    let (live, _) = tokio::sync::broadcast::channel(1024);
    let mailer = app::mail::Mailer {
        pool: pool.clone(),
        config: Arc::new(config.mail.clone()),
        base_url: config.base_url.clone(),
        wake: Arc::new(tokio::sync::Notify::new()),
    };
    if config.mail.worker {
        let transport = app::mail::Transport::from_config(&config.mail).map_err(StartError::Mail)?;
        tokio::spawn(mailer.clone().run(transport));
    }
    Ok(AppState {
        leptos_options,
        pool,
        site: Arc::new(SiteConfig {
            base_url: config.base_url.clone(),
            admin_password: config.admin_password.clone(),
            trust_proxy: config.trust_proxy,
        }),
        secret: app::reader::Secret::new(secret.into_bytes()),
        limits: Arc::new(config.limits.clone()),
        rate: Arc::new(app::limits::RateLimiter::default()),
        live,
        mailer,
    })
}

/// The whole application as an axum router.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let pkg_dir = format!("{}/pkg", state.leptos_options.site_root);
    let static_files = Router::new()
        .nest_service("/pkg", ServeDir::new(pkg_dir).precompressed_gzip().precompressed_br())
        .layer(SetResponseHeaderLayer::overriding(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("public, max-age=300"),
        ));
    Router::new()
        .route("/sitemap.xml", get(seo::sitemap))
        .route("/robots.txt", get(seo::robots))
        .route("/healthz", get(|| async { "ok" }))
        .route("/articles/{slug}/events", get(app::live::article_events))
        .route("/subscriptions/confirm", post(app::maillinks::confirm))
        .route("/subscriptions/cancel", post(app::maillinks::cancel))
        .route("/subscriptions/unsubscribe", post(app::maillinks::unsubscribe))
        .route("/subscriptions/manage", post(app::maillinks::manage))
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || provide_context(state.clone())
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
        .layer(middleware::from_fn_with_state(state.clone(), app::nojs::plain_form_posts))
        .layer(middleware::from_fn(guard::same_origin_writes))
        .layer(RequestBodyLimitLayer::new(app::nojs::FORM_LIMIT))
        .layer(SetResponseHeaderLayer::if_not_present(
            http::header::X_CONTENT_TYPE_OPTIONS,
            http::HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            http::header::REFERRER_POLICY,
            http::HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
