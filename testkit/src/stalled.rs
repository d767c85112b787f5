//! A WebSocket client that stops reading, spoken by hand over a raw TCP
//! socket with a 4 KiB receive buffer (a WebSocket library would read for
//! it), and how much the server's side of its connection holds unsent.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// How long the handshake and the writes may take: only a held server
/// reaches it.
pub const BOUND: Duration = Duration::from_secs(60);

/// A masked client text frame.
pub fn text_frame(text: &str) -> Vec<u8> {
    let payload = text.as_bytes();
    let mut frame = vec![0x81];
    match payload.len() {
        n @ 0..=125 => frame.push(0x80 | n as u8),
        n @ 126..=0xFFFF => {
            frame.push(0x80 | 126);
            frame.extend((n as u16).to_be_bytes());
        }
        n => {
            frame.push(0x80 | 127);
            frame.extend((n as u64).to_be_bytes());
        }
    }
    let mask = [0x5A, 0xC3, 0x19, 0x7E];
    frame.extend(mask);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    frame
}

/// Reads until `needle` has come, within [`BOUND`].
///
/// # Panics
/// When it does not come.
pub async fn read_until(stream: &mut TcpStream, needle: &[u8]) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + BOUND;
    while !got.windows(needle.len()).any(|w| w == needle) {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => got.extend_from_slice(&buf[..n]),
            other => panic!(
                "waiting for {:?}: {other:?} after {:?}",
                String::from_utf8_lossy(needle),
                String::from_utf8_lossy(&got)
            ),
        }
    }
    got
}

/// Opens a graphql-transport-ws connection to `base_url`'s `/graphql` with
/// a 4 KiB receive buffer, initialises it, sends `messages` (protocol
/// messages: `subscribe`s, mutations), and from then on reads nothing.
/// The writing stops after [`BOUND`]: a stuck server stops reading too.
///
/// # Panics
/// When the connection or the handshake fails.
pub async fn stalled_client(base_url: &str, messages: &[serde_json::Value]) -> TcpStream {
    let addr = base_url.trim_start_matches("http://");
    let socket = TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4096).expect("receive buffer");
    let mut stream = socket
        .connect(addr.parse().expect("address"))
        .await
        .expect("connect");
    let upgrade = format!(
        "GET /graphql HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n"
    );
    stream.write_all(upgrade.as_bytes()).await.expect("upgrade");
    let head = read_until(&mut stream, b"\r\n\r\n").await;
    assert!(head.starts_with(b"HTTP/1.1 101"), "{head:?}");
    stream
        .write_all(&text_frame(r#"{"type":"connection_init"}"#))
        .await
        .expect("init");
    read_until(&mut stream, b"connection_ack").await;
    let frames: Vec<u8> = messages
        .iter()
        .flat_map(|m| text_frame(&m.to_string()))
        .collect();
    let _ = tokio::time::timeout(BOUND, stream.write_all(&frames)).await;
    stream
}

/// The bytes the server's side of `client`'s connection has not sent
/// (`/proc/net/tcp`); `None` where that table cannot be read.
pub fn unsent(client: &TcpStream) -> Option<u64> {
    let (local, peer) = (client.local_addr().ok()?, client.peer_addr().ok()?);
    unsent_between(local, peer)
}

/// [`unsent`] of the connection from `local` to `peer`.
pub fn unsent_between(local: SocketAddr, peer: SocketAddr) -> Option<u64> {
    // "sl local rem st tx_queue:rx_queue …", ports in hex.
    let (server_end, client_end) = (
        format!(":{:04X}", peer.port()),
        format!(":{:04X}", local.port()),
    );
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    Some(
        table
            .lines()
            .filter_map(|line| {
                let fields: Vec<&str> = line.split_whitespace().collect();
                let (ours, theirs, queues) = (fields.get(1)?, fields.get(2)?, fields.get(4)?);
                (ours.ends_with(&server_end) && theirs.ends_with(&client_end))
                    .then(|| u64::from_str_radix(queues.split(':').next()?, 16).ok())?
            })
            .next()
            .unwrap_or(0),
    )
}
