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
    // listen for the stop signals before anything else, so a SIGTERM that arrives while the
    // server starts is a graceful stop too, never the default (immediate) death
    let stop = stop_signals()?;
    let config = Config::from_env()?;
    let state = server::prepare(&config).await?;
    let pool = state.pool.clone();
    let streams = state.streams.clone();
    let app = server::router(state, &config);
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    tracing::info!("Byline is serving http://{}", listener.local_addr()?);
    let (stopping_tx, mut stopping) = tokio::sync::watch::channel(false);
    let signal = async move {
        stop.await;
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

/// Resolves on SIGTERM or Ctrl-C (SIGINT). The handlers are installed when this is called.
#[cfg(unix)]
fn stop_signals() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
    })
}

#[cfg(not(unix))]
fn stop_signals() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
