//! A real SMTP server for the tests: it speaks enough ESMTP for lettre (EHLO, MAIL, RCPT,
//! DATA, RSET, NOOP, QUIT) over TCP and keeps every message it accepts. It can be stopped
//! (connections refused) and started again on the same port, and made to misbehave
//! (`behave`): slow, refusing for now (4xx), refusing for good (5xx), or hanging.
#![allow(dead_code)]
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub raw: String,
}

/// How the sink answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    Accept,
    /// Keeps the mail at the end of DATA, then waits this long before saying 250.
    SlowAccept(Duration),
    /// 451 at the end of DATA: try again later (nothing kept).
    TryLater,
    /// 550 to RCPT TO: no such mailbox.
    Refuse,
    /// Stops answering: no greeting, and no answer on a connection already open.
    Hang,
    /// Keeps the mail at the end of DATA and never answers: the sender cannot know it arrived.
    KeepAndHang,
}

pub struct Sink {
    pub addr: SocketAddr,
    mails: Arc<Mutex<Vec<Mail>>>,
    behaviour: Arc<Mutex<Behaviour>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Sink {
    pub async fn start() -> Sink {
        Sink::start_on(0, Arc::default(), Arc::new(Mutex::new(Behaviour::Accept))).await
    }

    /// From the next command on, answers like `b`.
    pub fn behave(&self, b: Behaviour) {
        *self.behaviour.lock().unwrap() = b;
    }

    async fn start_on(port: u16, mails: Arc<Mutex<Vec<Mail>>>, behaviour: Arc<Mutex<Behaviour>>) -> Sink {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.expect("bind the SMTP sink");
        let addr = listener.local_addr().unwrap();
        let store = mails.clone();
        let how = behaviour.clone();
        let task = tokio::spawn(async move {
            let mut conns = tokio::task::JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let store = store.clone();
                let how = how.clone();
                conns.spawn(async move {
                    let _ = session(stream, store, how).await;
                });
            }
        });
        Sink { addr, mails, behaviour, task: Some(task) }
    }

    /// `smtp://127.0.0.1:PORT` for `SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Stops accepting and drops open connections: the server is down.
    pub fn stop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }

    /// Starts again on the same port, keeping what was received.
    pub async fn restart(&mut self) {
        self.stop();
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut again = Sink::start_on(self.addr.port(), self.mails.clone(), self.behaviour.clone()).await;
        self.task = again.task.take();
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }

    /// The mails to `to` whose subject starts with `subject`.
    pub fn to(&self, to: &str, subject: &str) -> Vec<Mail> {
        self.mails()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(to)))
            .filter(|m| m.header("Subject").is_some_and(|s| s.starts_with(subject)))
            .collect()
    }

    /// Waits (up to 20 s) until `to` has at least `n` mails with that subject.
    pub async fn wait_for(&self, to: &str, subject: &str, n: usize) -> Vec<Mail> {
        for _ in 0..400 {
            let got = self.to(to, subject);
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{to} did not get {n} mail(s) \"{subject}…\"; the sink has {:#?}", self.mails());
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn session(
    stream: tokio::net::TcpStream,
    store: Arc<Mutex<Vec<Mail>>>,
    how: Arc<Mutex<Behaviour>>,
) -> std::io::Result<()> {
    let behaviour = || *how.lock().unwrap();
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    if behaviour() == Behaviour::Hang {
        return std::future::pending().await;
    }
    write.write_all(b"220 sink.test ESMTP test sink\r\n").await?;
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        if behaviour() == Behaviour::Hang {
            return std::future::pending().await;
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            write.write_all(b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n").await?;
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("MAIL FROM:") || upper.starts_with("RSET") {
            to.clear();
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO:") && behaviour() == Behaviour::Refuse {
            write.write_all(b"550 5.1.1 No such mailbox here\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            let addr = cmd[8..].trim().trim_start_matches('<').split('>').next().unwrap_or("").to_string();
            to.push(addr);
            write.write_all(b"250 OK\r\n").await?;
        } else if upper == "DATA" {
            write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
            let mut raw = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                let l = line.strip_prefix('.').filter(|_| line.starts_with("..")).unwrap_or(&line);
                raw.push_str(l);
            }
            match behaviour() {
                Behaviour::TryLater => {
                    write.write_all(b"451 4.3.0 Busy, try again later\r\n").await?;
                    continue;
                }
                Behaviour::KeepAndHang => {
                    store.lock().unwrap().push(Mail { to: std::mem::take(&mut to), raw });
                    return std::future::pending().await;
                }
                Behaviour::SlowAccept(d) => {
                    store.lock().unwrap().push(Mail { to: std::mem::take(&mut to), raw });
                    tokio::time::sleep(d).await;
                }
                _ => store.lock().unwrap().push(Mail { to: std::mem::take(&mut to), raw }),
            }
            write.write_all(b"250 OK queued\r\n").await?;
        } else if upper.starts_with("QUIT") {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            write.write_all(b"502 Command not implemented\r\n").await?;
        }
    }
}

impl Mail {
    /// A top-level header's value (unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        header_in(self.head(), name)
    }

    fn head(&self) -> &str {
        self.raw.split("\r\n\r\n").next().unwrap_or("")
    }

    /// The decoded text/plain part.
    pub fn text(&self) -> String {
        self.part("text/plain")
    }

    /// The decoded text/html part.
    pub fn html(&self) -> String {
        self.part("text/html")
    }

    fn part(&self, content_type: &str) -> String {
        let ct = self.header("Content-Type").unwrap_or_default();
        let boundary = ct.split("boundary=").nth(1).unwrap_or("").trim_matches('"').to_string();
        assert!(!boundary.is_empty(), "not multipart: {ct}");
        for chunk in self.raw.split(&format!("--{boundary}")) {
            let chunk = chunk.trim_start_matches("\r\n");
            let Some((head, body)) = chunk.split_once("\r\n\r\n") else { continue };
            let body = body.strip_suffix("\r\n").unwrap_or(body);
            let ct = header_in(head, "Content-Type").unwrap_or_default();
            if !ct.starts_with(content_type) {
                continue;
            }
            let cte = header_in(head, "Content-Transfer-Encoding").unwrap_or_default();
            return if cte.eq_ignore_ascii_case("quoted-printable") {
                qp_decode(body)
            } else {
                body.to_string()
            };
        }
        panic!("no {content_type} part in\n{}", self.raw);
    }

    /// The first URL in the text part that contains `needle`.
    pub fn link(&self, needle: &str) -> String {
        let text = self.text();
        text.split_whitespace()
            .find(|w| w.starts_with("http") && w.contains(needle))
            .unwrap_or_else(|| panic!("no link with {needle} in\n{text}"))
            .to_string()
    }
}

fn header_in(head: &str, name: &str) -> Option<String> {
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
    })
}

pub fn qp_decode(s: &str) -> String {
    let s = s.replace("=\r\n", "");
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).replace("\r\n", "\n")
}
