//! Hole 11: a connection that starts a request and never finishes its headers is cut after a
//! few seconds (so is an idle keep-alive one), and one address cannot hold more than so many
//! connections: 200 such sockets from one address do not keep a reader elsewhere from the page.
use super::*;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn server_addr(app: &TestApp) -> std::net::SocketAddr {
    app.base.trim_start_matches("http://").parse().unwrap()
}

/// Whether the server closes `s` within `wait` (end of stream or a reset).
async fn closed_within(s: &mut tokio::net::TcpStream, wait: Duration) -> bool {
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            // an error page before closing: read on
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test]
async fn slow_headers_are_cut_and_one_address_cannot_tie_up_the_server() {
    let app = spawn_with(|c| {
        c.connections.header_timeout = Duration::from_secs(2);
        c.connections.per_address = Some(50);
    })
    .await;
    let addr = server_addr(&app);
    let mut slow = Vec::new();
    for _ in 0..200 {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.2:0".parse().unwrap()).unwrap();
        let mut s = socket.connect(addr).await.unwrap();
        // the start of a request, never finished
        let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n").await;
        slow.push(s);
    }
    // a reader elsewhere gets the page meanwhile
    let page = tokio::time::timeout(Duration::from_secs(10), app.get(ARTICLE)).await.expect("the page");
    assert_eq!(page.status, 200);
    // beyond 50 from one address: closed as they arrived
    let mut at_once = 0;
    for s in slow.iter_mut() {
        if closed_within(s, Duration::from_millis(200)).await {
            at_once += 1;
        }
    }
    assert!(at_once >= 150, "{at_once} closed at once");
    // the others: cut once their headers were late
    for (i, s) in slow.iter_mut().enumerate() {
        assert!(closed_within(s, Duration::from_secs(10)).await, "connection {i} still open");
    }
    // an idle keep-alive connection is closed too, after its request was answered
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes()).await.unwrap();
    let mut buf = [0u8; 1024];
    let n = s.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    assert!(closed_within(&mut s, Duration::from_secs(10)).await, "an idle connection is not kept for ever");
}

#[tokio::test]
async fn a_body_trickled_a_byte_at_a_time_is_cut_with_408() {
    let app = spawn_with(|c| c.connections.request_timeout = Duration::from_secs(1)).await;
    let addr = server_addr(&app);
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/contact HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nAccept: application/json\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nname=A"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    // a byte now and then, never the whole body
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    for _ in 0..40 {
        let _ = s.write_all(b"x").await;
        match tokio::time::timeout(Duration::from_millis(250), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => answer.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
    }
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
}
