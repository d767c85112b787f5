//! A WebSocket's frames bounded at their header: a frame whose header
//! announces more than the message limit ends the connection (`1009`)
//! before its payload is buffered.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::error::PayloadError;
use actix_web::web;
use futures_util::stream::Stream;

/// The request body of a WebSocket, bounded per frame as it arrives: a
/// frame whose header announces more than `max` bytes ends the stream with
/// an error before its payload is buffered (actix-http checks the size
/// only once the whole frame is in, and buffers it until then).
pub(super) struct FrameGuard<S> {
    inner: S,
    max: u64,
    /// The header being read (at most 14 bytes) and how much of it came.
    header: [u8; 14],
    have: usize,
    /// Payload bytes of the current frame still to come.
    left: u64,
    /// Set when a frame was too large (the connection closes with `1009`).
    pub(super) too_large: Arc<AtomicBool>,
}

impl<S> FrameGuard<S> {
    pub(super) fn new(inner: S, max: usize) -> Self {
        FrameGuard {
            inner,
            max: max as u64,
            header: [0; 14],
            have: 0,
            left: 0,
            too_large: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The header's length once its first two bytes are known.
    fn header_len(&self) -> usize {
        if self.have < 2 {
            return 2;
        }
        let extended = match self.header[1] & 0x7F {
            126 => 2,
            127 => 8,
            _ => 0,
        };
        let mask = if self.header[1] & 0x80 != 0 { 4 } else { 0 };
        2 + extended + mask
    }

    /// Follows the frames of `data`; `false` when one is too large.
    fn feed(&mut self, mut data: &[u8]) -> bool {
        while !data.is_empty() {
            if self.left > 0 {
                let n = usize::try_from(self.left)
                    .unwrap_or(usize::MAX)
                    .min(data.len());
                self.left -= n as u64;
                data = &data[n..];
                continue;
            }
            let need = self.header_len();
            if self.have < need {
                let n = (need - self.have).min(data.len());
                self.header[self.have..self.have + n].copy_from_slice(&data[..n]);
                self.have += n;
                data = &data[n..];
                if self.have < self.header_len() {
                    continue;
                }
            }
            let length = match self.header[1] & 0x7F {
                126 => u64::from(u16::from_be_bytes([self.header[2], self.header[3]])),
                127 => {
                    let mut bytes = [0; 8];
                    bytes.copy_from_slice(&self.header[2..10]);
                    u64::from_be_bytes(bytes)
                }
                n => u64::from(n),
            };
            if length > self.max {
                return false;
            }
            self.left = length;
            self.have = 0;
        }
        true
    }
}

impl<S> Stream for FrameGuard<S>
where
    S: Stream<Item = Result<web::Bytes, PayloadError>> + Unpin,
{
    type Item = Result<web::Bytes, PayloadError>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        if self.too_large.load(Ordering::Relaxed) {
            return std::task::Poll::Ready(None);
        }
        let polled = std::pin::Pin::new(&mut self.inner).poll_next(cx);
        match polled {
            std::task::Poll::Ready(Some(Ok(bytes))) => {
                if self.feed(&bytes) {
                    std::task::Poll::Ready(Some(Ok(bytes)))
                } else {
                    self.too_large.store(true, Ordering::Relaxed);
                    std::task::Poll::Ready(Some(Err(PayloadError::Overflow)))
                }
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client frame header (masked) announcing `length` bytes.
    fn header(length: u64) -> Vec<u8> {
        let mut h = vec![0x81];
        match length {
            0..=125 => h.push(0x80 | length as u8),
            126..=0xFFFF => {
                h.push(0x80 | 126);
                h.extend((length as u16).to_be_bytes());
            }
            _ => {
                h.push(0x80 | 127);
                h.extend(length.to_be_bytes());
            }
        }
        h.extend([1, 2, 3, 4]);
        h
    }

    fn frames(lengths: &[u64]) -> Vec<u8> {
        let mut all = Vec::new();
        for &length in lengths {
            all.extend(header(length));
            all.extend(std::iter::repeat_n(b'x', length as usize));
        }
        all
    }

    #[test]
    fn frames_within_the_bound_pass_whatever_the_chunks() {
        let data = frames(&[5, 200, 70_000, 0, 125]);
        for chunk in [1, 2, 3, 7, 13, 1000, data.len()] {
            let mut guard = FrameGuard::new((), 70_000);
            assert!(
                data.chunks(chunk).all(|c| guard.feed(c)),
                "chunks of {chunk}"
            );
            assert_eq!((guard.left, guard.have), (0, 0));
        }
    }

    #[test]
    fn a_frame_over_the_bound_is_refused_at_its_header() {
        for length in [70_001, 1 << 40] {
            let mut data = frames(&[10]);
            data.extend(header(length));
            for chunk in [1, 5, data.len()] {
                let mut guard = FrameGuard::new((), 70_000);
                assert!(
                    !data.chunks(chunk).all(|c| guard.feed(c)),
                    "{length} in chunks of {chunk}"
                );
            }
        }
    }
}
