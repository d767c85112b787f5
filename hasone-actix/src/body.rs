//! Reading a request body within a size limit, a time limit and a shared
//! memory budget.
//!
//! actix-web times out a slow request head (`client_request_timeout`), but
//! not a slow body: a body trickled at one byte a second held its
//! connection and buffer forever. Here a body must arrive within the body
//! timeout, a declared length over the limit is refused before a byte is
//! read, the chunks are kept as they arrive (no buffer sized ahead by
//! `content-length`, no copy until the body is complete), and all bodies
//! being received at once share one budget of bytes: past it, `503`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::HttpRequest;
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut, Payload};
use futures_util::StreamExt;
use tokio::time::{Instant, timeout_at};

/// Why a body could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    /// Longer than the limit (declared or sent): `413`.
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// Not complete within the body timeout: `408`.
    TimedOut {
        /// The body timeout.
        after: Duration,
    },
    /// The bodies being received hold the whole budget: `503`.
    Busy,
    /// The connection broke or the encoding was invalid: `400`.
    Broken,
}

impl BodyError {
    /// What the client is told.
    pub fn message(&self) -> String {
        match self {
            BodyError::TooLarge { limit } => {
                format!("the request body is larger than {limit} bytes")
            }
            BodyError::TimedOut { after } => format!(
                "the request body did not arrive within {} ms",
                after.as_millis()
            ),
            BodyError::Busy => {
                "the server is receiving too many request bodies at once; try again shortly"
                    .to_owned()
            }
            BodyError::Broken => "the request body could not be read".to_owned(),
        }
    }
}

/// Bytes of request bodies being received, across all connections.
#[derive(Clone, Debug)]
pub struct Budget {
    held: Arc<AtomicUsize>,
    capacity: usize,
}

impl Budget {
    /// A budget of `capacity` bytes.
    pub fn new(capacity: usize) -> Self {
        Budget {
            held: Arc::default(),
            capacity,
        }
    }

    /// Bytes held right now.
    pub fn held(&self) -> usize {
        self.held.load(Ordering::Relaxed)
    }
}

/// The bytes one body holds of the budget; given back when dropped.
struct Share<'a> {
    budget: &'a Budget,
    bytes: usize,
}

impl Share<'_> {
    fn take(&mut self, bytes: usize) -> Result<(), BodyError> {
        let before = self.budget.held.fetch_add(bytes, Ordering::Relaxed);
        self.bytes += bytes;
        if before + bytes > self.budget.capacity {
            return Err(BodyError::Busy);
        }
        Ok(())
    }
}

impl Drop for Share<'_> {
    fn drop(&mut self) {
        self.budget.held.fetch_sub(self.bytes, Ordering::Relaxed);
    }
}

/// How a body is read.
#[derive(Clone, Debug)]
pub struct BodyLimits {
    /// The longest body.
    pub max_bytes: usize,
    /// How long a whole body may take to arrive.
    pub timeout: Duration,
    /// The bytes all bodies being received may hold together.
    pub budget: Budget,
}

/// Reads the whole body: at most `limits.max_bytes`, within
/// `limits.timeout`, within the shared budget.
pub async fn read(
    http: &HttpRequest,
    mut payload: Payload,
    limits: &BodyLimits,
) -> Result<Bytes, BodyError> {
    let limit = limits.max_bytes;
    let declared = http
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge { limit });
    }
    let deadline = Instant::now() + limits.timeout;
    let mut share = Share {
        budget: &limits.budget,
        bytes: 0,
    };
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut len = 0;
    loop {
        let chunk = match timeout_at(deadline, payload.next()).await {
            Err(_) => {
                return Err(BodyError::TimedOut {
                    after: limits.timeout,
                });
            }
            Ok(None) => break,
            Ok(Some(Err(PayloadError::Overflow))) => return Err(BodyError::TooLarge { limit }),
            Ok(Some(Err(_))) => return Err(BodyError::Broken),
            Ok(Some(Ok(chunk))) => chunk,
        };
        len += chunk.len();
        if len > limit {
            return Err(BodyError::TooLarge { limit });
        }
        share.take(chunk.len())?;
        chunks.push(chunk);
    }
    Ok(match chunks.len() {
        0 => Bytes::new(),
        1 => chunks.swap_remove(0),
        _ => {
            let mut body = BytesMut::with_capacity(len);
            for chunk in &chunks {
                body.extend_from_slice(chunk);
            }
            body.freeze()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_give_their_bytes_back() {
        let budget = Budget::new(100);
        {
            let mut a = Share {
                budget: &budget,
                bytes: 0,
            };
            assert!(a.take(60).is_ok());
            let mut b = Share {
                budget: &budget,
                bytes: 0,
            };
            assert_eq!(b.take(50), Err(BodyError::Busy));
            assert_eq!(budget.held(), 110);
        }
        assert_eq!(budget.held(), 0);
    }
}
