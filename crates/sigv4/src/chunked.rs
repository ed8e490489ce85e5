//! aws-chunked streaming uploads: chunk signatures chained from the seed signature, the final
//! empty chunk, and signed or unsigned trailers.
//!
//! Each chunk is framed as `hex(size);chunk-signature=SIG\r\n DATA \r\n`; the last chunk has size
//! zero. With a trailer, the final chunk's header is followed by `name:value\r\n` lines, then
//! (when signed) `x-amz-trailer-signature:SIG\r\n`, then `\r\n`. The signer holds only the
//! previous signature, so a body of any length is signed as it streams.

use crate::hash::{hex32, sha256};
use crate::signer::{Signature, SigningKey};
use crate::time::AmzDate;
use std::sync::Arc;

const CHUNK_SIGNATURE: &str = ";chunk-signature=";
const TRAILER_SIGNATURE: &str = "x-amz-trailer-signature:";

/// Signs the chunks of one aws-chunked body, each signature chained from the previous one.
#[derive(Debug)]
pub struct ChunkSigner {
    key: Arc<SigningKey>,
    amz_date: AmzDate,
    previous: Signature,
    scratch: String,
}

impl ChunkSigner {
    pub(crate) fn new(key: Arc<SigningKey>, amz_date: AmzDate, seed: Signature) -> Self {
        Self { key, amz_date, previous: seed, scratch: String::with_capacity(256) }
    }

    /// The signature the next chunk will chain from (the seed before the first chunk).
    pub fn previous_signature(&self) -> Signature {
        self.previous
    }

    fn string_to_sign(&mut self, algorithm: &str, middle: &str, hash: &[u8; 32]) {
        let previous = self.previous.hex_bytes();
        let hash = hex32(hash);
        self.scratch.clear();
        self.scratch.push_str(algorithm);
        self.scratch.push('\n');
        self.scratch.push_str(self.amz_date.as_str());
        self.scratch.push('\n');
        self.scratch.push_str(self.key.scope());
        self.scratch.push('\n');
        self.scratch.push_str(std::str::from_utf8(&previous).unwrap_or_default());
        self.scratch.push('\n');
        self.scratch.push_str(middle);
        self.scratch.push_str(std::str::from_utf8(&hash).unwrap_or_default());
    }

    /// The string to sign for the chunk `data`, without advancing the chain (for debugging).
    pub fn chunk_string_to_sign(&mut self, data: &[u8]) -> String {
        self.string_to_sign("AWS4-HMAC-SHA256-PAYLOAD", EMPTY_LINE, &sha256(data));
        self.scratch.clone()
    }

    /// Signs the next chunk (`data` may be empty for the final chunk) and advances the chain.
    pub fn sign_chunk(&mut self, data: &[u8]) -> Signature {
        self.sign_chunk_hash(&sha256(data))
    }

    /// Like [`ChunkSigner::sign_chunk`] for a chunk whose SHA-256 is already known.
    pub fn sign_chunk_hash(&mut self, data_sha256: &[u8; 32]) -> Signature {
        self.string_to_sign("AWS4-HMAC-SHA256-PAYLOAD", EMPTY_LINE, data_sha256);
        self.previous = self.key.sign(self.scratch.as_bytes());
        self.previous
    }

    /// Signs the trailer (after the final chunk) and returns its signature.
    pub fn sign_trailer(&mut self, trailers: &[(&str, &str)]) -> Signature {
        let canonical = canonical_trailers(trailers);
        self.string_to_sign("AWS4-HMAC-SHA256-TRAILER", "", &sha256(canonical.as_bytes()));
        self.previous = self.key.sign(self.scratch.as_bytes());
        self.previous
    }

    /// The frame header of the next chunk, `hex(size);chunk-signature=SIG\r\n`. Send it, then
    /// the data, then `\r\n`.
    pub fn chunk_header(&mut self, data: &[u8]) -> String {
        let signature = self.sign_chunk(data);
        format!("{:x}{CHUNK_SIGNATURE}{signature}\r\n", data.len())
    }

    /// Appends one whole chunk frame (header, data, CRLF) to `out`.
    pub fn encode_chunk(&mut self, data: &[u8], out: &mut Vec<u8>) {
        let header = self.chunk_header(data);
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out.extend_from_slice(b"\r\n");
    }

    /// Appends the final empty chunk and, when `trailers` is not empty, the signed trailer.
    /// The body is complete after this.
    pub fn encode_final(&mut self, trailers: &[(&str, &str)], out: &mut Vec<u8>) {
        let header = self.chunk_header(b"");
        out.extend_from_slice(header.as_bytes());
        if !trailers.is_empty() {
            let signature = self.sign_trailer(trailers);
            write_trailer_lines(trailers, out);
            out.extend_from_slice(TRAILER_SIGNATURE.as_bytes());
            out.extend_from_slice(signature.to_hex().as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
    }
}

/// The chunk string-to-sign's fifth line: the hash of the empty string, as the spec requires.
const EMPTY_LINE: &str = concat!("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "\n");

/// The canonical trailer: `name:value\n` per trailer, names lower-cased, values trimmed.
pub fn canonical_trailers(trailers: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (name, value) in trailers {
        out.push_str(&name.to_ascii_lowercase());
        out.push(':');
        out.push_str(value.trim());
        out.push('\n');
    }
    out
}

fn write_trailer_lines(trailers: &[(&str, &str)], out: &mut Vec<u8>) {
    for (name, value) in trailers {
        out.extend_from_slice(name.to_ascii_lowercase().as_bytes());
        out.push(b':');
        out.extend_from_slice(value.trim().as_bytes());
        out.extend_from_slice(b"\r\n");
    }
}

/// Appends one chunk of a `STREAMING-UNSIGNED-PAYLOAD-TRAILER` body: `hex(size)\r\n DATA \r\n`.
pub fn encode_unsigned_chunk(data: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(format!("{:x}\r\n", data.len()).as_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
}

/// Appends the end of a `STREAMING-UNSIGNED-PAYLOAD-TRAILER` body: `0\r\n`, the trailer lines,
/// `\r\n`.
pub fn encode_unsigned_final(trailers: &[(&str, &str)], out: &mut Vec<u8>) {
    out.extend_from_slice(b"0\r\n");
    write_trailer_lines(trailers, out);
    out.extend_from_slice(b"\r\n");
}

/// What kind of aws-chunked framing a body uses, for [`encoded_length`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChunkFraming {
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`: every chunk header carries a signature.
    Signed,
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: bare chunk sizes.
    Unsigned,
}

fn hex_digits(mut value: u64) -> u64 {
    let mut digits = 1;
    while value >= 16 {
        value /= 16;
        digits += 1;
    }
    digits
}

/// The `Content-Length` of an aws-chunked body: `decoded_length` bytes cut into chunks of
/// `chunk_size` (the last one shorter), the final empty chunk, and the trailer lines
/// (`trailers`, written as `name:value\r\n`; with signed framing plus the trailer signature).
pub fn encoded_length(
    decoded_length: u64,
    chunk_size: u64,
    framing: ChunkFraming,
    trailers: &[(&str, &str)],
) -> u64 {
    let signature_part = match framing {
        ChunkFraming::Signed => (CHUNK_SIGNATURE.len() + 64) as u64,
        ChunkFraming::Unsigned => 0,
    };
    let frame = |size: u64| hex_digits(size) + signature_part + 2 + size + 2;
    let chunk_size = chunk_size.max(1);
    let full_chunks = decoded_length / chunk_size;
    let rest = decoded_length % chunk_size;
    let mut total = full_chunks * frame(chunk_size);
    if rest > 0 {
        total += frame(rest);
    }
    // The final chunk: its header, then either CRLF or the trailer block and CRLF.
    total += 1 + signature_part + 2;
    let trailer_bytes: u64 =
        trailers.iter().map(|(name, value)| (name.len() + 1 + value.trim().len() + 2) as u64).sum();
    total += trailer_bytes;
    if !trailers.is_empty() && framing == ChunkFraming::Signed {
        total += (TRAILER_SIGNATURE.len() + 64 + 2) as u64;
    }
    total + 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_sha256_constant_is_right() {
        assert_eq!(format!("{}\n", crate::hash::sha256_hex(b"")), EMPTY_LINE);
    }

    #[test]
    fn unsigned_framing_length_matches_encoding() {
        let data = vec![7u8; 10_000];
        let trailers = [("x-amz-checksum-crc32", "AAAAAA==")];
        let mut out = Vec::new();
        for chunk in data.chunks(4096) {
            encode_unsigned_chunk(chunk, &mut out);
        }
        encode_unsigned_final(&trailers, &mut out);
        assert_eq!(out.len() as u64, encoded_length(10_000, 4096, ChunkFraming::Unsigned, &trailers));
    }
}
