//! How many live-update streams are open, per client address and in all (a leaf: the state
//! holds it, `live_events` admits each stream through it).
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// The open streams: at most `per_ip` from one client address and `total` in all (each holds a
/// connection and a task), and a switch that ends them all when the server shuts down.
#[derive(Debug)]
pub struct Streams {
    open: Mutex<HashMap<IpAddr, usize>>,
    per_ip: usize,
    total: usize,
    closing: tokio::sync::watch::Sender<bool>,
}

impl Streams {
    pub fn new(per_ip: usize, total: usize) -> Streams {
        Streams {
            open: Mutex::new(HashMap::new()),
            per_ip,
            total,
            closing: tokio::sync::watch::channel(false).0,
        }
    }

    /// A place for one more stream from `ip`, or `None` when over a cap.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<Admitted> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let all: usize = open.values().sum();
        let mine = open.get(&ip).copied().unwrap_or(0);
        if *self.closing.borrow() || all >= self.total || mine >= self.per_ip {
            return None;
        }
        open.insert(ip, mine + 1);
        Some(Admitted { streams: self.clone(), ip })
    }

    /// Told when the server shuts down: every open stream ends.
    pub fn closing(&self) -> tokio::sync::watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Ends every open stream (the server is shutting down) and admits no new one.
    pub fn close_all(&self) {
        self.closing.send_replace(true);
    }

    /// How many streams are open.
    pub fn count(&self) -> usize {
        self.open.lock().unwrap_or_else(|p| p.into_inner()).values().sum()
    }
}

/// One admitted stream; gives its place back when the stream ends.
#[derive(Debug)]
pub struct Admitted {
    streams: Arc<Streams>,
    ip: IpAddr,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut open = self.streams.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}
