//! Accepting connections, with the limits a server facing the internet needs (plain
//! `axum::serve` has none): a client must send its request's headers within a few seconds (a
//! connection that starts a request and never finishes it — "slowloris" — is cut; so is a
//! keep-alive connection idle that long), and one client address holds at most so many
//! connections at once (more are closed as they arrive). A response under way is never cut: a
//! live stream lasts as long as its reader stays.
//!
//! HTTP/1.1 (what browsers speak over plain http, and what a reverse proxy in front speaks to
//! us); graceful shutdown lets the requests under way finish.
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt as _;

/// How connections are limited (`BYLINE_HEADER_TIMEOUT_SECONDS`,
/// `BYLINE_CONNECTIONS_PER_ADDRESS`).
#[derive(Debug, Clone)]
pub struct Connections {
    /// A request's headers must arrive within this long after the connection is ready for
    /// one (just opened, or idle after the previous answer).
    pub header_timeout: Duration,
    /// At most this many connections at once from one client address (IPv6: one /64);
    /// `None`: no limit (behind a proxy, every connection comes from the proxy).
    pub per_address: Option<usize>,
}

impl Default for Connections {
    fn default() -> Self {
        Connections { header_timeout: Duration::from_secs(10), per_address: Some(256) }
    }
}

/// Open connections per client address.
#[derive(Default)]
struct Open(Mutex<HashMap<IpAddr, usize>>);

/// One admitted connection: counted until it is dropped.
struct Admitted {
    open: Arc<Open>,
    ip: IpAddr,
}

impl Open {
    fn admit(self: &Arc<Self>, ip: IpAddr, max: Option<usize>) -> Option<Admitted> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let n = map.entry(ip).or_insert(0);
        if max.is_some_and(|max| *n >= max) {
            return None;
        }
        *n += 1;
        Some(Admitted { open: self.clone(), ip })
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut map = self.open.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves; then stops accepting, asks each open
/// connection to close after its current answer, and returns once all are closed.
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    limits: Connections,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let open = Arc::new(Open::default());
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    // every connection task holds a receiver: the last one gone means all are closed
    let (closed_tx, closed_rx) = tokio::sync::watch::channel(());
    let mut stopping = stop_rx.clone();
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // out of file descriptors and the like: wait instead of spinning
                    tracing::error!(error = %e, "accepting a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = stopped(&mut stopping) => break,
        };
        let Some(admitted) = open.admit(app::server::requester::per_network(peer.ip()), limits.per_address)
        else {
            tracing::warn!(ip = %peer.ip(), "connection refused: too many open from this address");
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = app.clone().map_request(move |req: http::Request<hyper::body::Incoming>| {
            let mut req = req.map(axum::body::Body::new);
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        });
        let service = hyper_util::service::TowerToHyperService::new(service);
        let mut stop = stop_rx.clone();
        let closed = closed_rx.clone();
        let header_timeout = limits.header_timeout;
        tokio::spawn(async move {
            let _admitted = admitted;
            let _closed = closed;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(header_timeout);
            let conn = builder.serve_connection(TokioIo::new(stream), service).with_upgrades();
            tokio::pin!(conn);
            let mut asked = false;
            loop {
                tokio::select! {
                    result = conn.as_mut() => {
                        if let Err(e) = result {
                            tracing::debug!(error = %e, "connection ended");
                        }
                        break;
                    }
                    () = stopped(&mut stop), if !asked => {
                        asked = true;
                        conn.as_mut().graceful_shutdown();
                    }
                }
            }
        });
    }
    drop(listener);
    drop(closed_rx);
    closed_tx.closed().await;
}

/// Resolves once the server is asked to stop.
async fn stopped(rx: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}
