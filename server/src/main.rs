use server::config::Config;
use std::future::IntoFuture;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn")),
        )
        .init();
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("byline: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_env()?;
    let state = server::prepare(&config).await?;
    let pool = state.pool.clone();
    let streams = state.streams.clone();
    let app = server::router(state, &config);
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    tracing::info!("Byline is serving http://{}", listener.local_addr()?);
    let (stopping_tx, mut stopping) = tokio::sync::watch::channel(false);
    let signal = async move {
        shutdown_signal().await;
        tracing::info!("stopping: open live streams are ended, requests under way finish");
        // live streams never end on their own: end them, or the graceful shutdown waits forever
        streams.close_all();
        let _ = stopping_tx.send(true);
    };
    let serve = axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(signal)
        .into_future();
    tokio::pin!(serve);
    // once asked to stop, whatever is still open after 5 seconds is cut off
    let deadline = async {
        let _ = stopping.wait_for(|s| *s).await;
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    };
    tokio::select! {
        result = &mut serve => result?,
        _ = deadline => tracing::warn!("stopping: connections still open after 5 s were cut off"),
    }
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
