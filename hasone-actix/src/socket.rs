//! Each client connection's socket, as it is accepted: how long the kernel
//! keeps data that the client does not take.
//!
//! actix-web bounds how long a request takes to arrive, but not how long
//! a response takes to leave: a client that stops reading (a full receive
//! window) holds its connection, and its place under
//! `HASONE_MAX_CONNECTIONS`, for as long as it stays. On Linux the socket's
//! `TCP_USER_TIMEOUT` ends such a connection once sent data has waited
//! `HASONE_SEND_TIMEOUT_MS` (zero-window probes included), whatever the
//! response: an HTTP answer, pipelined answers, WebSocket events. On other
//! systems only the WebSocket's own send bound applies ([`crate::ws`]).

use std::any::Any;
use std::time::Duration;

use actix_web::dev::Extensions;
use actix_web::rt::net::TcpStream;

/// What actix-web calls for each accepted connection.
pub(crate) fn on_connect(
    send_timeout: Duration,
) -> impl Fn(&dyn Any, &mut Extensions) + Send + Sync + 'static {
    move |connection, _| {
        if let Some(stream) = connection.downcast_ref::<TcpStream>() {
            bound_sends(stream, send_timeout);
        }
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn bound_sends(stream: &TcpStream, timeout: Duration) {
    if let Err(err) = socket2::SockRef::from(stream).set_tcp_user_timeout(Some(timeout)) {
        tracing::debug!(%err, "TCP_USER_TIMEOUT not set");
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn bound_sends(_: &TcpStream, _: Duration) {}
