//! Response bodies, streamed: each piece must arrive within the read timeout, and a body that
//! ends before its Content-Length is an error, never a short success.

use crate::Error;
use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use std::time::Duration;

/// A streaming response body.
#[derive(Debug)]
pub struct ByteStream {
    inner: Incoming,
    read_timeout: Duration,
    expected: Option<u64>,
    received: u64,
}

impl ByteStream {
    pub(crate) fn new(inner: Incoming, read_timeout: Duration, expected: Option<u64>) -> Self {
        Self { inner, read_timeout, expected, received: 0 }
    }

    /// The length the server announced, if it did.
    pub fn content_length(&self) -> Option<u64> {
        self.expected
    }

    /// The next piece of the body, or `None` at its end.
    pub async fn next(&mut self) -> Option<Result<Bytes, Error>> {
        loop {
            let frame = match tokio::time::timeout(self.read_timeout, self.inner.frame()).await {
                Err(_) => {
                    return Some(Err(Error::Transport {
                        message: format!("no data for {:?} while reading a response body", self.read_timeout),
                        maybe_sent: true,
                        source: None,
                    }));
                }
                Ok(None) => return self.check_complete().err().map(Err),
                Ok(Some(Err(error))) => {
                    return Some(Err(Error::transport(
                        "the connection broke while reading a response body",
                        true,
                        error,
                    )));
                }
                Ok(Some(Ok(frame))) => frame,
            };
            if let Ok(data) = frame.into_data() {
                if data.is_empty() {
                    continue;
                }
                self.received += data.len() as u64;
                if self.expected.is_some_and(|expected| self.received > expected) {
                    return Some(Err(Error::InvalidResponse(
                        "the body is longer than its Content-Length".to_owned(),
                    )));
                }
                return Some(Ok(data));
            }
        }
    }

    fn check_complete(&self) -> Result<(), Error> {
        match self.expected {
            Some(expected) if expected != self.received => Err(Error::Transport {
                message: format!("the body ended after {} of {expected} bytes", self.received),
                maybe_sent: true,
                source: None,
            }),
            _ => Ok(()),
        }
    }

    /// Reads the whole body into memory; for small bodies only.
    pub async fn collect(mut self) -> Result<Bytes, Error> {
        let mut out =
            BytesMut::with_capacity(usize::try_from(self.expected.unwrap_or(0)).unwrap_or(0).min(64 << 20));
        while let Some(piece) = self.next().await {
            out.extend_from_slice(&piece?);
        }
        Ok(out.freeze())
    }

    /// Reads at most `limit` bytes (error answers, XML listings).
    pub(crate) async fn collect_limited(mut self, limit: usize) -> Result<Bytes, Error> {
        let mut out = BytesMut::new();
        while let Some(piece) = self.next().await {
            let piece = piece?;
            if out.len() + piece.len() > limit {
                return Err(Error::InvalidResponse(format!("the response is larger than {limit} bytes")));
            }
            out.extend_from_slice(&piece);
        }
        Ok(out.freeze())
    }
}
