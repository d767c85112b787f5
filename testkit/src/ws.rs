//! [`Subscriber`]: a graphql-transport-ws client of a server under test.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// The protocol every subscription test speaks.
pub const PROTOCOL: &str = "graphql-transport-ws";

/// How long [`Subscriber::next`] waits: only a lost event or a hung server
/// reaches it.
pub const BOUND: Duration = Duration::from_secs(20);

/// One WebSocket connection to `/graphql`.
pub struct Subscriber {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// What the server answered instead of a message.
#[derive(Debug, PartialEq, Eq)]
pub enum Closed {
    /// A close frame: its code and reason.
    Frame(u16, String),
    /// The connection ended without one.
    Dropped,
}

impl Subscriber {
    /// Connects to `http://…` (the server's base URL), with `headers`, and
    /// does not initialise the connection.
    pub async fn open(base_url: &str, headers: &[(&str, &str)]) -> Result<Self, Error> {
        let url = format!("{}/graphql", base_url.replacen("http", "ws", 1));
        let mut request = url.into_client_request()?;
        request
            .headers_mut()
            .insert("sec-websocket-protocol", HeaderValue::from_static(PROTOCOL));
        for (name, value) in headers {
            let name =
                HeaderName::from_bytes(name.as_bytes()).map_err(|e| Error::HttpFormat(e.into()))?;
            let value = HeaderValue::from_str(value).map_err(|e| Error::HttpFormat(e.into()))?;
            request.headers_mut().insert(name, value);
        }
        let (ws, _) = tokio_tungstenite::connect_async(request).await?;
        Ok(Subscriber { ws })
    }

    /// Connects and initialises (`connection_init`, then `connection_ack`).
    pub async fn connect(base_url: &str) -> Self {
        let mut subscriber = Subscriber::open(base_url, &[])
            .await
            .unwrap_or_else(|e| panic!("cannot open a WebSocket to {base_url}: {e}"));
        subscriber.send(json!({ "type": "connection_init" })).await;
        let ack = subscriber.next().await;
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        subscriber
    }

    /// Sends one message.
    pub async fn send(&mut self, message: Value) {
        self.send_text(&message.to_string()).await;
    }

    /// Sends a text frame as it is.
    pub async fn send_text(&mut self, text: &str) {
        self.ws
            .send(Message::text(text))
            .await
            .unwrap_or_else(|e| panic!("cannot send on the WebSocket: {e}"));
    }

    /// Sends a binary frame.
    pub async fn send_binary(&mut self, bytes: &[u8]) {
        self.ws
            .send(Message::binary(bytes.to_vec()))
            .await
            .unwrap_or_else(|e| panic!("cannot send on the WebSocket: {e}"));
    }

    /// Starts operation `id`.
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({
            "id": id,
            "type": "subscribe",
            "payload": { "query": query, "variables": variables },
        }))
        .await;
    }

    /// The next message that is not a ping (answered) or a pong, within
    /// `BOUND` (20 s); panics on a close or a timeout.
    pub async fn next(&mut self) -> Value {
        match self.next_within(BOUND).await {
            Ok(Some(message)) => message,
            Ok(None) => panic!("no message within {BOUND:?}"),
            Err(closed) => panic!("the server closed the WebSocket: {closed:?}"),
        }
    }

    /// The `payload` of the next `next` message of operation `id`.
    pub async fn event(&mut self, id: &str) -> Value {
        let message = self.next().await;
        assert_eq!(message["type"], "next", "{message}");
        assert_eq!(message["id"], id, "{message}");
        message["payload"].clone()
    }

    /// The next message within `wait`: `Ok(None)` when none came, `Err`
    /// when the connection closed.
    pub async fn next_within(&mut self, wait: Duration) -> Result<Option<Value>, Closed> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let frame = match tokio::time::timeout_at(deadline, self.ws.next()).await {
                Err(_) => return Ok(None),
                Ok(frame) => frame,
            };
            match frame {
                Some(Ok(Message::Text(text))) => {
                    let message: Value = serde_json::from_str(text.as_str())
                        .unwrap_or_else(|e| panic!("not JSON: {text}: {e}"));
                    if message["type"] == "ping" {
                        self.send(json!({ "type": "pong" })).await;
                        continue;
                    }
                    if message["type"] == "pong" {
                        continue;
                    }
                    return Ok(Some(message));
                }
                Some(Ok(Message::Close(frame))) => {
                    return Err(frame.map_or(Closed::Frame(1005, String::new()), |f| {
                        Closed::Frame(u16::from(f.code), f.reason.to_string())
                    }));
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Err(Closed::Dropped),
            }
        }
    }

    /// Closes the connection.
    pub async fn close(mut self) {
        let _ = self
            .ws
            .close(Some(tokio_tungstenite::tungstenite::protocol::CloseFrame {
                code: CloseCode::Normal,
                reason: "done".into(),
            }))
            .await;
    }
}
