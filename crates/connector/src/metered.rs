//! Bodies that count their bytes into the metrics as they pass, and the guard that keeps a
//! request counted in flight, holding its concurrency permit, until its response body is sent
//! or abandoned: a download streaming for minutes is work in progress all that time.

use crate::metrics::Metrics;
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use tokio::sync::OwnedSemaphorePermit;

/// One request in flight: counted until dropped, with its concurrency permit if it took one.
#[derive(Debug)]
pub(crate) struct InFlight {
    metrics: Arc<Metrics>,
    _permit: Option<OwnedSemaphorePermit>,
}

impl InFlight {
    pub(crate) fn new(metrics: Arc<Metrics>, permit: Option<OwnedSemaphorePermit>) -> Self {
        metrics.in_flight(1);
        Self { metrics, _permit: permit }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.metrics.in_flight(-1);
    }
}

/// Which way a [`Metered`] body goes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Direction {
    /// A request body: bytes received.
    Received,
    /// A response body: bytes sent.
    Sent,
}

/// A body whose data bytes are added to the metrics as each frame passes, holding `guard`
/// until its end.
#[derive(Debug)]
pub(crate) struct Metered<B> {
    inner: B,
    metrics: Arc<Metrics>,
    direction: Direction,
    guard: Option<InFlight>,
}

impl<B> Metered<B> {
    pub(crate) fn new(
        inner: B,
        metrics: Arc<Metrics>,
        direction: Direction,
        guard: Option<InFlight>,
    ) -> Self {
        Self { inner, metrics, direction, guard }
    }
}

impl<B: Body<Data = Bytes> + Unpin> Body for Metered<B> {
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let this = &mut *self;
        let frame = ready!(Pin::new(&mut this.inner).poll_frame(cx));
        match &frame {
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref() {
                    let count = data.len() as u64;
                    match this.direction {
                        Direction::Received => this.metrics.bytes_received(count),
                        Direction::Sent => this.metrics.bytes_sent(count),
                    }
                }
            }
            // The end, or a failure that ends it: the request is no longer in flight.
            Some(Err(_)) | None => this.guard = None,
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
