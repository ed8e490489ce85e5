//! SHA-256 and HMAC-SHA256 with precomputed key states.
//!
//! `sha2` picks the CPU's SHA extensions (SHA-NI on x86-64, the ARMv8 crypto extensions) at run
//! time. HMAC is built here on `sha2`'s block function so that a signing key is kept as its two
//! padded-key states: signing then costs only the blocks of the message, and the states are
//! zeroized when the key is dropped.

use sha2::digest::generic_array::GenericArray;
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

const BLOCK: usize = 64;
const INITIAL_STATE: [u32; 8] =
    [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19];

/// SHA-256 of `data`.
#[inline]
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Lower-case hex of a 32-byte digest, on the stack.
#[inline]
pub(crate) fn hex32(digest: &[u8; 32]) -> [u8; 64] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (index, byte) in digest.iter().enumerate() {
        out[index * 2] = HEX[usize::from(byte >> 4)];
        out[index * 2 + 1] = HEX[usize::from(byte & 0x0f)];
    }
    out
}

/// Appends the lower-case hex of `digest` to `out`.
#[inline]
pub(crate) fn push_hex(out: &mut String, digest: &[u8; 32]) {
    out.push_str(std::str::from_utf8(&hex32(digest)).unwrap_or_default());
}

/// Lower-case hex SHA-256 of `data`, as SigV4 writes payload hashes.
pub fn sha256_hex(data: &[u8]) -> String {
    hex_string(&sha256(data))
}

pub(crate) fn hex_string(digest: &[u8; 32]) -> String {
    // hex32 only writes ASCII hex digits.
    String::from_utf8(hex32(digest).to_vec()).unwrap_or_default()
}

#[inline]
fn compress(state: &mut [u32; 8], block: &[u8]) {
    sha2::compress256(state, std::slice::from_ref(GenericArray::from_slice(block)));
}

/// Finishes a SHA-256 whose first `prefix_len` bytes (a whole number of blocks) are already in
/// `state`.
fn finish(mut state: [u32; 8], prefix_len: u64, message: &[u8]) -> [u8; 32] {
    let mut blocks = message.chunks_exact(BLOCK);
    for block in &mut blocks {
        compress(&mut state, block);
    }
    let rest = blocks.remainder();
    let mut tail = [0u8; 2 * BLOCK];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let tail_len = if rest.len() < BLOCK - 8 { BLOCK } else { 2 * BLOCK };
    let bits = (prefix_len + message.len() as u64).wrapping_mul(8);
    tail[tail_len - 8..tail_len].copy_from_slice(&bits.to_be_bytes());
    for block in tail[..tail_len].chunks_exact(BLOCK) {
        compress(&mut state, block);
    }
    let mut digest = [0u8; 32];
    for (word, out) in state.iter().zip(digest.chunks_exact_mut(4)) {
        out.copy_from_slice(&word.to_be_bytes());
    }
    state.zeroize();
    digest
}

/// An HMAC-SHA256 key, kept as the hash states after its inner and outer padded blocks.
#[derive(Clone)]
pub struct HmacKey {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl HmacKey {
    /// Prepares `key` (any length; keys over 64 bytes are hashed first, as RFC 2104 says).
    pub fn new(key: &[u8]) -> Self {
        let mut padded = [0u8; BLOCK];
        if key.len() > BLOCK {
            padded[..32].copy_from_slice(&sha256(key));
        } else {
            padded[..key.len()].copy_from_slice(key);
        }
        let mut inner_block = padded.map(|byte| byte ^ 0x36);
        let mut outer_block = padded.map(|byte| byte ^ 0x5c);
        let mut inner = INITIAL_STATE;
        let mut outer = INITIAL_STATE;
        compress(&mut inner, &inner_block);
        compress(&mut outer, &outer_block);
        padded.zeroize();
        inner_block.zeroize();
        outer_block.zeroize();
        Self { inner, outer }
    }

    /// HMAC-SHA256 of `message` under this key.
    #[inline]
    pub fn sign(&self, message: &[u8]) -> [u8; 32] {
        let inner_digest = finish(self.inner, BLOCK as u64, message);
        finish(self.outer, BLOCK as u64, &inner_digest)
    }

    /// The inner hash state after the first 64 bytes of a message, for messages that share them.
    pub(crate) fn absorb_first_block(&self, block: &[u8]) -> MessagePrefix {
        let mut state = self.inner;
        compress(&mut state, block);
        MessagePrefix { state }
    }

    /// HMAC-SHA256 of a message whose first block was absorbed into `prefix`; `rest` is the
    /// message after that block.
    #[inline]
    pub(crate) fn sign_after_prefix(&self, prefix: &MessagePrefix, rest: &[u8]) -> [u8; 32] {
        let inner_digest = finish(prefix.state, 2 * BLOCK as u64, rest);
        finish(self.outer, BLOCK as u64, &inner_digest)
    }
}

/// An HMAC inner state with the first block of a message absorbed; secret like the key.
#[derive(Clone)]
pub(crate) struct MessagePrefix {
    state: [u32; 8],
}

impl Drop for MessagePrefix {
    fn drop(&mut self) {
        self.state.zeroize();
    }
}

impl Drop for HmacKey {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

impl std::fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HmacKey(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8; 32]) -> String {
        hex_string(bytes)
    }

    #[test]
    fn rfc4231_vectors() {
        // Test case 2 and 6 of RFC 4231 (short key, key longer than a block).
        let mac = HmacKey::new(b"Jefe").sign(b"what do ya want for nothing?");
        assert_eq!(hex(&mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        let mac = HmacKey::new(&[0xaa; 131]).sign(b"Test Using Larger Than Block-Size Key - Hash Key First");
        assert_eq!(hex(&mac), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    #[test]
    fn prefix_signing_matches_whole_signing() {
        let key = HmacKey::new(b"key");
        for len in 64..300 {
            let message: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let prefix = key.absorb_first_block(&message[..64]);
            assert_eq!(key.sign_after_prefix(&prefix, &message[64..]), key.sign(&message), "{len}");
        }
    }

    #[test]
    fn padding_boundaries_match_sha2() {
        for len in 0..200 {
            let message = vec![b'x'; len];
            assert_eq!(finish(INITIAL_STATE, 0, &message), sha256(&message), "{len}");
        }
    }
}
