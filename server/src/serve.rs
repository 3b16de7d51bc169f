//! Accepting connections, with the limits a server facing the internet needs (plain
//! `axum::serve` has none): a client must send its request's headers within a few seconds (a
//! connection that starts a request and never finishes it — "slowloris" — is cut; so is a
//! keep-alive connection idle that long), one client address holds at most so many
//! connections at once, and so does the whole server (more are closed as they arrive). A
//! request's body must arrive within the request timeout (`harden`). A response under way is
//! never cut: a live stream lasts as long as its reader stays.
//!
//! HTTP/1.1 (what browsers speak over plain http, and what a reverse proxy in front speaks to
//! us); graceful shutdown lets the requests under way finish.
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tower::ServiceExt as _;

/// How connections are limited (`BYLINE_HEADER_TIMEOUT_SECONDS`,
/// `BYLINE_REQUEST_TIMEOUT_SECONDS`, `BYLINE_CONNECTIONS_PER_ADDRESS`,
/// `BYLINE_CONNECTIONS_TOTAL`).
#[derive(Debug, Clone)]
pub struct Connections {
    /// A request's headers must arrive within this long after the connection is ready for
    /// one (just opened, or idle after the previous answer).
    pub header_timeout: Duration,
    /// A request's body must be read and its answer begun within this long (`harden`): a body
    /// trickled a byte at a time does not hold a connection for ever. A live stream's answer
    /// begins at once.
    pub request_timeout: Duration,
    /// At most this many connections at once from one client address (IPv6: one /56, what one
    /// home or office is given); `None`: no limit (behind a proxy, every connection comes from
    /// the proxy).
    pub per_address: Option<usize>,
    /// At most this many connections at once in all, so that file descriptors remain for the
    /// database and mail; `None`: no limit.
    pub total: Option<usize>,
}

impl Default for Connections {
    fn default() -> Self {
        Connections {
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            per_address: Some(256),
            total: Some(10_000),
        }
    }
}

/// The address a connection is counted under: an IPv4 address, or an IPv6 /56.
fn address_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::from([s[0], s[1], s[2], s[3] & 0xff00, 0, 0, 0, 0])
            }
        },
        v4 => v4,
    }
}

/// Open connections per client address and in all, and the refusals not yet logged.
#[derive(Default)]
struct Open {
    per_address: Mutex<HashMap<IpAddr, usize>>,
    total: AtomicUsize,
    refused: AtomicU64,
    logged: Mutex<Option<Instant>>,
}

/// One admitted connection: counted until it is dropped.
struct Admitted {
    open: Arc<Open>,
    ip: IpAddr,
}

impl Open {
    fn admit(self: &Arc<Self>, ip: IpAddr, limits: &Connections) -> Option<Admitted> {
        let mut map = self.per_address.lock().unwrap_or_else(|e| e.into_inner());
        let here = map.get(&ip).copied().unwrap_or(0);
        let full = limits.total.is_some_and(|max| self.total.load(Ordering::Relaxed) >= max);
        if full || limits.per_address.is_some_and(|max| here >= max) {
            drop(map);
            self.refused(ip, full);
            return None;
        }
        map.insert(ip, here + 1);
        self.total.fetch_add(1, Ordering::Relaxed);
        Some(Admitted { open: self.clone(), ip })
    }

    /// Counts a refusal; says so in the log at most every ten seconds (a flood of them is one
    /// line, not one per connection).
    fn refused(&self, ip: IpAddr, full: bool) {
        let n = self.refused.fetch_add(1, Ordering::Relaxed) + 1;
        let now = Instant::now();
        let mut logged = self.logged.lock().unwrap_or_else(|e| e.into_inner());
        if logged.is_none_or(|at| now.duration_since(at) >= Duration::from_secs(10)) {
            *logged = Some(now);
            self.refused.store(0, Ordering::Relaxed);
            let why = if full { "too many open in all" } else { "too many open from one address" };
            tracing::warn!(refused = n, last = %ip, "connections refused: {why}");
        }
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        self.open.total.fetch_sub(1, Ordering::Relaxed);
        let mut map = self.open.per_address.lock().unwrap_or_else(|e| e.into_inner());
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
        let Some(admitted) = open.admit(address_of(peer.ip()), &limits) else {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_are_counted_per_address_and_in_all_and_given_back() {
        let open = Arc::new(Open::default());
        let limits = Connections { per_address: Some(2), total: Some(3), ..Default::default() };
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let first = open.admit(a, &limits).expect("one");
        let _second = open.admit(a, &limits).expect("two");
        assert!(open.admit(a, &limits).is_none(), "past the per-address figure");
        let _third = open.admit(b, &limits).expect("another address");
        assert!(open.admit("192.0.2.3".parse().unwrap(), &limits).is_none(), "past the total");
        drop(first);
        assert!(open.admit(a, &limits).is_some(), "a closed connection gives its place back");
        // one IPv6 /56 is one address; its neighbour is another
        let v6 = |s: &str| address_of(s.parse().unwrap());
        assert_eq!(v6("2001:db8:1:20ff::1"), v6("2001:db8:1:2000::9"));
        assert_ne!(v6("2001:db8:1:20ff::1"), v6("2001:db8:1:2100::1"));
        assert_eq!(v6("::ffff:192.0.2.7"), "192.0.2.7".parse::<IpAddr>().unwrap());
    }
}
