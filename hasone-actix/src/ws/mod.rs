//! GraphQL over WebSocket on `/graphql`: the `graphql-transport-ws`
//! protocol (and the legacy `graphql-ws` of subscriptions-transport-ws),
//! as async-graphql speaks it, with actix-ws moving the frames.
//!
//! The same bounds as over HTTP, and a few of a connection's own:
//! - every operation passes [`Api::execute_stream`], so [`Api::prepare`]'s
//!   nesting, expansion and alias bounds come before anything recursive;
//!   queries and mutations run as over POST (timeout, codes, logs);
//! - a message is at most `HASONE_MAX_BODY_BYTES`; at most
//!   `HASONE_MAX_SUBSCRIPTIONS` operations run at once per connection;
//! - cross-site WebSocket hijacking: a browser's upgrade carries its page's
//!   `Origin`, which must be this server's own or one of
//!   `HASONE_CORS_ORIGINS` (`403` otherwise; clients that send no `Origin`
//!   are not browsers and pass, as a JSON POST would);
//! - the `Host` is one the server answers to, checked before the upgrade
//!   like every request's ([`crate::hosts`]);
//! - `connection_init` must come within [`INIT_TIMEOUT`] (else close
//!   `4408`), before any `subscribe` (else close `4401`); a message that is
//!   not a message of the protocol closes with `4400` (not JSON, no
//!   `type`, a `subscribe` without a `payload` holding a `query`, an `id`
//!   that is empty or longer than [`MAX_ID_BYTES`]); a binary frame with
//!   `1003` (the protocol is text); a `subscribe` whose `id` is running
//!   with `4409`;
//! - the server pings every [`PING_EVERY`] and closes a connection it has
//!   heard nothing from for [`SILENT_FOR`] (half-open sockets);
//! - a client that takes nothing the server sends for
//!   `HASONE_SEND_TIMEOUT_MS` (it stopped reading: its events pile up) is
//!   dropped: the connection's task ends, and on Linux the kernel resets
//!   the socket itself (`TCP_USER_TIMEOUT`), so that the connection's place
//!   is free again;
//! - on SIGINT/SIGTERM every connection closes with `1001` ([`Stopping`]),
//!   so that open subscriptions do not hold the shutdown for its timeout.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use actix_web::error::PayloadError;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{AggregatedMessage, CloseCode, CloseReason, Session};
use async_graphql::http::{WebSocket, WebSocketProtocols as Protocols, WsMessage};
use async_graphql::{Data, Executor, Request, Response};
use futures_util::stream::{self, BoxStream, Stream, StreamExt};
use hasone_graphql::Api;
use hasone_graphql::limits::{LIMIT_EXCEEDED, request_error};

mod frames;
use frames::FrameGuard;

/// How long a client has to send `connection_init`.
pub const INIT_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the server pings.
pub const PING_EVERY: Duration = Duration::from_secs(30);
/// How long a silent connection stays open.
pub const SILENT_FOR: Duration = Duration::from_secs(75);
/// The longest operation `id` (graphql-ws clients send UUIDs, 36 bytes).
pub const MAX_ID_BYTES: usize = 128;

/// What a WebSocket connection is allowed.
#[derive(Clone, Debug)]
pub struct WsLimits {
    /// The largest message, in bytes.
    pub max_message_bytes: usize,
    /// Operations running at once on one connection.
    pub max_operations: usize,
    /// How long a message may wait for the client to take it.
    pub send_timeout: Duration,
    /// Origins besides the server's own a browser may connect from.
    pub origins: Arc<[String]>,
    /// Set when the server stops: every connection closes.
    pub stopping: Stopping,
}

/// Whether the server is stopping, for its WebSocket connections.
#[derive(Clone, Debug)]
pub struct Stopping(Arc<tokio::sync::watch::Sender<bool>>);

impl Default for Stopping {
    fn default() -> Self {
        Stopping(Arc::new(tokio::sync::watch::Sender::new(false)))
    }
}

impl Stopping {
    /// Closes every connection, now and from now on.
    pub fn stop(&self) {
        self.0.send_replace(true);
    }

    /// Waits for SIGINT or SIGTERM (the signals actix-web stops on), then
    /// [`Stopping::stop`].
    pub async fn on_signal(&self) {
        let interrupt = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            match signal(SignalKind::terminate()) {
                Ok(mut terminate) => {
                    tokio::select! {
                        _ = interrupt => {}
                        _ = terminate.recv() => {}
                    }
                }
                Err(_) => {
                    let _ = interrupt.await;
                }
            }
        }
        #[cfg(not(unix))]
        {
            let _ = interrupt.await;
        }
        self.stop();
    }

    async fn stopped(mut receiver: tokio::sync::watch::Receiver<bool>) {
        let _ = receiver.wait_for(|stopping| *stopping).await;
    }
}

/// Whether `http` asks for a WebSocket (the route guard).
pub fn is_upgrade(ctx: &actix_web::guard::GuardContext<'_>) -> bool {
    ctx.head()
        .headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// The upgrade: checks the origin and the subprotocol, then serves the
/// connection on a task of its own.
pub async fn upgrade(
    api: web::Data<Api>,
    limits: web::Data<WsLimits>,
    http: HttpRequest,
    body: web::Payload,
) -> HttpResponse {
    let id = crate::reply::request_id(&http);
    if !origin_allowed(&http, &limits.origins) {
        return crate::reply::refuse(
            &http,
            &id,
            StatusCode::FORBIDDEN,
            "a WebSocket from another site's page: its origin is not this server's, nor one of HASONE_CORS_ORIGINS",
        );
    }
    let Some(protocol) = protocol(&http) else {
        return crate::reply::refuse(
            &http,
            &id,
            StatusCode::BAD_REQUEST,
            "ask for the `graphql-transport-ws` subprotocol (Sec-WebSocket-Protocol)",
        );
    };
    // Frames are bounded as they arrive, not once they are whole.
    let guarded = FrameGuard::new(body.into_inner(), limits.max_message_bytes);
    let too_large = guarded.too_large.clone();
    let boxed: std::pin::Pin<Box<dyn Stream<Item = Result<web::Bytes, PayloadError>>>> =
        Box::pin(guarded);
    let mut payload = actix_web::dev::Payload::from(boxed);
    let body =
        match <web::Payload as actix_web::FromRequest>::from_request(&http, &mut payload).await {
            Ok(body) => body,
            Err(err) => {
                return crate::reply::refuse(&http, &id, StatusCode::BAD_REQUEST, &err.to_string());
            }
        };
    let (response, session, messages) =
        match actix_ws::handle_with_protocols(&http, body, &[protocol.sec_websocket_protocol()]) {
            Ok(handshake) => handshake,
            Err(err) => {
                return crate::reply::refuse(&http, &id, StatusCode::BAD_REQUEST, &err.to_string());
            }
        };
    let messages = messages
        .max_frame_size(limits.max_message_bytes)
        .aggregate_continuations()
        .max_continuation_size(limits.max_message_bytes);
    let executor = Operations {
        api: api.into_inner(),
        connection: id.clone(),
        running: Arc::new(AtomicUsize::new(0)),
        max: limits.max_operations,
    };
    tracing::debug!(request_id = %id, "websocket opened");
    let stopping = limits.stopping.0.subscribe();
    let send_timeout = limits.send_timeout;
    actix_web::rt::spawn(serve(
        executor,
        protocol,
        session,
        messages,
        stopping,
        too_large,
        send_timeout,
    ));
    response
}

/// Same origin (the `Host` the browser connected to) or a configured one;
/// no `Origin` (not a browser) passes, one that is not text does not.
fn origin_allowed(http: &HttpRequest, origins: &[String]) -> bool {
    let Some(origin) = http.headers().get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let host = http
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let own = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(|rest| !host.is_empty() && rest.eq_ignore_ascii_case(host));
    own || origins.iter().any(|o| o.eq_ignore_ascii_case(origin))
}

/// The first subprotocol the client offers that async-graphql speaks.
fn protocol(http: &HttpRequest) -> Option<Protocols> {
    http.headers()
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|p| p.trim().parse::<Protocols>().ok())
}

/// The operations of one connection, each through [`Api::execute_stream`],
/// at most `max` at once.
#[derive(Clone)]
struct Operations {
    api: Arc<Api>,
    connection: String,
    running: Arc<AtomicUsize>,
    max: usize,
}

/// Counts an operation as running until its stream is dropped.
struct Running(Arc<AtomicUsize>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Executor for Operations {
    async fn execute(&self, request: Request) -> Response {
        self.api.execute(request, &self.connection).await
    }

    fn execute_stream(
        &self,
        request: Request,
        _session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        if self.running.fetch_add(1, Ordering::Relaxed) >= self.max {
            self.running.fetch_sub(1, Ordering::Relaxed);
            let message = format!(
                "{} operations are running on this connection; at most {} are allowed",
                self.max, self.max
            );
            let mut err = request_error(message, LIMIT_EXCEEDED);
            if let Some(ext) = err.extensions.as_mut() {
                ext.set("requestId", self.connection.as_str());
            }
            return stream::once(async move { Response::from_errors(vec![err]) }).boxed();
        }
        let running = Running(self.running.clone());
        self.api
            .clone()
            .execute_stream(request, self.connection.clone())
            .map(move |response| {
                let _running = &running;
                response
            })
            .boxed()
    }
}

/// Why the server closes a connection.
fn close(code: u16, description: &str) -> CloseReason {
    CloseReason {
        code: CloseCode::Other(code),
        description: Some(description.to_owned()),
    }
}

/// What the reading side tells the connection: whether `connection_init`
/// came, when the client was last heard, and why it must close.
#[derive(Default)]
struct Heard {
    initialised: bool,
    last: Option<Instant>,
    close: Option<CloseReason>,
}

/// What the reading side heard, shared with the task that sends.
type HeardCell = Arc<std::sync::Mutex<Heard>>;

fn with<R>(heard: &HeardCell, f: impl FnOnce(&mut Heard) -> R) -> R {
    let mut guard = heard
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    f(&mut guard)
}

/// The client's messages for async-graphql, checked first ([`check`]);
/// pings are answered here. Ends when the client closes, or with a reason
/// to close in `heard`.
fn client_messages(
    protocol: Protocols,
    messages: actix_ws::AggregatedMessageStream,
    session: Session,
    heard: HeardCell,
    too_large: Arc<AtomicBool>,
) -> impl Stream<Item = Vec<u8>> + Unpin {
    Box::pin(stream::unfold(
        (messages, session, heard),
        move |(mut messages, mut session, heard)| {
            let too_large = too_large.clone();
            async move {
                loop {
                    let message = messages.next().await;
                    with(&heard, |h| h.last = Some(Instant::now()));
                    let bytes = match message {
                        Some(Ok(AggregatedMessage::Text(text))) => text.into_bytes().to_vec(),
                        Some(Ok(AggregatedMessage::Binary(_))) => {
                            let reason =
                                close(1003, "the protocol is text: binary frames are refused");
                            with(&heard, |h| h.close = Some(reason));
                            return None;
                        }
                        Some(Ok(AggregatedMessage::Ping(bytes))) => {
                            if session.pong(&bytes).await.is_err() {
                                return None;
                            }
                            continue;
                        }
                        Some(Ok(AggregatedMessage::Pong(_))) => continue,
                        Some(Ok(AggregatedMessage::Close(_))) | None => return None,
                        Some(Err(err)) => {
                            let overflow = matches!(err, actix_ws::ProtocolError::Overflow);
                            let code = if overflow || too_large.load(Ordering::Relaxed) {
                                1009
                            } else {
                                1002
                            };
                            with(&heard, |h| h.close = Some(close(code, &err.to_string())));
                            return None;
                        }
                    };
                    match with(&heard, |h| check(protocol, &bytes, &mut h.initialised)) {
                        Ok(()) => return Some((bytes, (messages, session, heard))),
                        Err(reason) => {
                            with(&heard, |h| h.close = Some(reason));
                            return None;
                        }
                    }
                }
            }
        },
    ))
}

/// Serves one connection until either side closes it.
async fn serve(
    executor: Operations,
    protocol: Protocols,
    mut session: Session,
    messages: actix_ws::AggregatedMessageStream,
    stopping: tokio::sync::watch::Receiver<bool>,
    too_large: Arc<AtomicBool>,
    send_timeout: Duration,
) {
    let heard = HeardCell::default();
    let input = client_messages(
        protocol,
        messages,
        session.clone(),
        heard.clone(),
        too_large,
    );
    let mut graphql = WebSocket::new(executor, input, protocol);
    let init_deadline = tokio::time::sleep(INIT_TIMEOUT);
    tokio::pin!(init_deadline);
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    let opened = Instant::now();
    let stopped = Stopping::stopped(stopping);
    tokio::pin!(stopped);
    let reason = loop {
        let initialised = with(&heard, |h| h.initialised);
        tokio::select! {
            out = graphql.next() => match out {
                // A client that stops reading holds this send (the
                // session's channel is bounded): it is dropped once it has
                // taken nothing for the send timeout. (What is already
                // queued for the socket is the kernel's to drop:
                // `crate::socket`.)
                Some(WsMessage::Text(text)) => {
                    match tokio::time::timeout(send_timeout, session.text(text)).await {
                        Ok(Ok(())) => {}
                        Ok(Err(_)) | Err(_) => return,
                    }
                }
                Some(WsMessage::Close(code, text)) => break Some(close(code, &text)),
                None => break with(&heard, |h| h.close.take()),
            },
            () = &mut stopped => break Some(close(1001, "the server is stopping")),
            () = &mut init_deadline, if !initialised => {
                break Some(close(4408, "Connection initialisation timeout"));
            }
            _ = ping.tick() => {
                let last = with(&heard, |h| h.last).unwrap_or(opened);
                if last.elapsed() > SILENT_FOR {
                    break Some(close(1001, "no message for too long"));
                }
                match tokio::time::timeout(send_timeout, session.ping(b"")).await {
                    Ok(Ok(())) => {}
                    Ok(Err(_)) | Err(_) => return,
                }
            }
        }
    };
    // Bounded too: a client that does not read may never take the frame.
    let _ = tokio::time::timeout(send_timeout, session.close(reason)).await;
}

/// A client message's `type` before async-graphql reads it: `4400` for
/// one that is not a message of the protocol (graphql-transport-ws: an
/// unknown `type`, a `subscribe` or `complete` without an `id` or with one
/// that is empty or over [`MAX_ID_BYTES`]), `4401` for a `subscribe` before
/// `connection_init`. (A `subscribe` whose payload is not a request, and
/// one whose `id` is running, async-graphql closes: `4400`, `4409`.)
fn check(protocol: Protocols, bytes: &[u8], initialised: &mut bool) -> Result<(), CloseReason> {
    #[derive(serde::Deserialize)]
    struct Typed<'a> {
        #[serde(rename = "type", borrow)]
        ty: std::borrow::Cow<'a, str>,
        #[serde(default, borrow)]
        id: Option<std::borrow::Cow<'a, str>>,
    }
    let Ok(Typed { ty, id }) = serde_json::from_slice::<Typed<'_>>(bytes) else {
        return Err(close(4400, "a message is a JSON object with a `type`"));
    };
    if ty == "connection_init" {
        *initialised = true;
        return Ok(());
    }
    if protocol != Protocols::GraphQLWS {
        return Ok(());
    }
    match &*ty {
        "ping" | "pong" => Ok(()),
        "subscribe" | "complete"
            if id
                .as_ref()
                .is_none_or(|id| id.is_empty() || id.len() > MAX_ID_BYTES) =>
        {
            Err(close(
                4400,
                &format!("a `{ty}` message needs an `id` of 1 to {MAX_ID_BYTES} bytes"),
            ))
        }
        "subscribe" if !*initialised => {
            Err(close(4401, "Unauthorized: send connection_init first"))
        }
        "subscribe" | "complete" => Ok(()),
        _ => Err(close(4400, "unknown message type")),
    }
}
