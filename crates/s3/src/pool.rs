//! Part buffers kept between uploads. A fresh 8 MiB buffer for every part costs page faults,
//! and the allocator keeps freed ones in its per-thread arenas anyway, so resident memory would
//! grow to several uploads' worth; a few buffers used again keep both down.

use bytes::{Bytes, BytesMut};
use std::sync::{Mutex, PoisonError};

/// Buffers smaller than this are allocated to size and never kept.
const MIN_POOLED: usize = 1 << 20;

/// Free part buffers, shared by the clients of one connection pool.
#[derive(Debug, Default)]
pub(crate) struct BufferPool {
    free: Mutex<Vec<BytesMut>>,
}

impl BufferPool {
    /// An empty buffer of at least `capacity` bytes: a kept one if one is large enough.
    pub(crate) fn take(&self, capacity: usize) -> BytesMut {
        if capacity >= MIN_POOLED {
            let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(index) = free.iter().position(|buffer| buffer.capacity() >= capacity) {
                let mut buffer = free.swap_remove(index);
                buffer.clear();
                return buffer;
            }
        }
        BytesMut::with_capacity(capacity)
    }

    /// Keeps the buffer behind `body` for later, if nothing else holds it.
    pub(crate) fn give(&self, body: Bytes, keep: usize) {
        if let Ok(buffer) = body.try_into_mut() {
            self.give_mut(buffer, keep);
        }
    }

    /// Keeps `buffer` for later if it is large and fewer than `keep` buffers are kept.
    pub(crate) fn give_mut(&self, mut buffer: BytesMut, keep: usize) {
        if buffer.capacity() < MIN_POOLED {
            return;
        }
        buffer.clear();
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        if free.len() < keep {
            free.push(buffer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_buffers_come_back() {
        let pool = BufferPool::default();
        let mut buffer = pool.take(2 << 20);
        let address = buffer.as_ptr();
        buffer.extend_from_slice(b"part");
        let body = buffer.freeze();
        let held = body.clone();
        pool.give(body, 4);
        assert_ne!(pool.take(2 << 20).as_ptr(), address, "a buffer still in use is not kept");
        pool.give(held, 4);
        let again = pool.take(1 << 20);
        assert_eq!((again.as_ptr(), again.len()), (address, 0), "the same memory, empty");
        pool.give_mut(BytesMut::with_capacity(100), 4);
        assert!(pool.free.lock().unwrap().is_empty(), "small buffers are not kept");
        for _ in 0..3 {
            pool.give_mut(BytesMut::with_capacity(1 << 20), 2);
        }
        assert_eq!(pool.free.lock().unwrap().len(), 2, "at most `keep`");
    }
}
