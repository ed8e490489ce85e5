//! What the signer reads: a borrowed, library-neutral request and the settings that say how to
//! sign it.

use crate::hash::{hex32, sha256};

/// A request to sign. It borrows everything; build it from whatever HTTP types you use.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// The method, e.g. `GET`.
    pub method: &'a str,
    /// The path as sent on the request line (percent-encoded once, as S3 clients send it).
    pub path: &'a str,
    /// The query string as sent, without the `?`; empty for none.
    pub query: &'a str,
    /// The headers as sent, in order, including `host`. Names are matched case-insensitively.
    pub headers: &'a [(&'a str, &'a str)],
    /// How the body is declared in the signature.
    pub payload: Payload<'a>,
}

impl<'a> Request<'a> {
    /// A request from its method, its target (`/path?query`) and its headers, with an empty
    /// body; set [`Request::payload`] for another.
    pub fn new(method: &'a str, target: &'a str, headers: &'a [(&'a str, &'a str)]) -> Self {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        Self { method, path, query, headers, payload: Payload::Bytes(b"") }
    }

    /// The same request with another payload.
    #[must_use]
    pub fn with_payload(mut self, payload: Payload<'a>) -> Self {
        self.payload = payload;
        self
    }
}

/// How the body enters the signature: the last line of the canonical request and the value of
/// `x-amz-content-sha256`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payload<'a> {
    /// The whole body, hashed here.
    Bytes(&'a [u8]),
    /// The SHA-256 of the body, computed by the caller (e.g. while reading a file).
    Sha256([u8; 32]),
    /// `UNSIGNED-PAYLOAD`: the body is not covered (presigned URLs; TLS or a checksum protects it).
    Unsigned,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: aws-chunked, each chunk signed.
    StreamingSigned,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: signed chunks and a signed trailer.
    StreamingSignedTrailer,
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: unsigned chunks and a trailer (usually a checksum).
    StreamingUnsignedTrailer,
}

/// The text that stands for the payload in the canonical request.
pub(crate) enum PayloadText {
    Hash([u8; 64]),
    Literal(&'static str),
}

impl PayloadText {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            // hex32 writes only ASCII hex digits.
            Self::Hash(hex) => std::str::from_utf8(hex).unwrap_or_default(),
            Self::Literal(text) => text,
        }
    }
}

impl Payload<'_> {
    pub(crate) fn text(&self) -> PayloadText {
        match self {
            Self::Bytes(body) => PayloadText::Hash(hex32(&sha256(body))),
            Self::Sha256(digest) => PayloadText::Hash(hex32(digest)),
            Self::Unsigned => PayloadText::Literal("UNSIGNED-PAYLOAD"),
            Self::StreamingSigned => PayloadText::Literal("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
            Self::StreamingSignedTrailer => {
                PayloadText::Literal("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER")
            }
            Self::StreamingUnsignedTrailer => PayloadText::Literal("STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
        }
    }
}

/// Where the signature goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureLocation {
    /// The `Authorization` header (with `X-Amz-Date` and friends as headers).
    Headers,
    /// The query string: a presigned URL valid for `expires_in_seconds` (1 to 604,800, 7 days).
    Query {
        /// `X-Amz-Expires`.
        expires_in_seconds: u32,
    },
}

/// How the path becomes the canonical URI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UriMode {
    /// S3: the path is encoded exactly once and never normalised, so `a//b/../c` is signed as
    /// it is sent. S3 object keys may legitimately contain such sequences.
    S3,
    /// Every other AWS service and the generic test suite: dot segments and empty segments are
    /// removed, and the path is encoded again on top of its wire encoding.
    Normalized,
}

/// Whether the session token is part of what is signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionTokenMode {
    /// `x-amz-security-token` is signed (S3 and most services).
    Signed,
    /// It is added after signing (a few services ask for this).
    AddedAfterSigning,
}

/// Whether an `x-amz-content-sha256` header carrying the payload hash is added (header
/// signatures only). S3 requires it; most other services do not use it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentSha256Header {
    /// Add and sign the header.
    Add,
    /// Leave it out.
    Omit,
}

/// How to sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningSettings {
    /// Header or query (presigned) signature.
    pub location: SignatureLocation,
    /// S3 or normalised URI canonicalisation.
    pub uri_mode: UriMode,
    /// Whether the session token is signed.
    pub session_token_mode: SessionTokenMode,
    /// Whether `x-amz-content-sha256` is added.
    pub content_sha256_header: ContentSha256Header,
}

impl SigningSettings {
    /// Header signing for S3.
    pub const fn s3() -> Self {
        Self {
            location: SignatureLocation::Headers,
            uri_mode: UriMode::S3,
            session_token_mode: SessionTokenMode::Signed,
            content_sha256_header: ContentSha256Header::Add,
        }
    }

    /// A presigned S3 URL valid for `expires_in_seconds`.
    pub const fn s3_presigned(expires_in_seconds: u32) -> Self {
        Self { location: SignatureLocation::Query { expires_in_seconds }, ..Self::s3() }
    }

    /// Header signing for services other than S3 (normalised, doubly encoded paths).
    pub const fn generic() -> Self {
        Self {
            location: SignatureLocation::Headers,
            uri_mode: UriMode::Normalized,
            session_token_mode: SessionTokenMode::Signed,
            content_sha256_header: ContentSha256Header::Omit,
        }
    }
}

impl Default for SigningSettings {
    fn default() -> Self {
        Self::s3()
    }
}
