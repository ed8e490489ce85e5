//! The signer's one error type.

/// Why a request could not be signed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SigningError {
    /// SigV4 signs the `host` header; the request has none.
    #[error("the request has no Host header, which SigV4 requires")]
    MissingHost,
    /// The method is empty or holds spaces or control characters.
    #[error("invalid HTTP method {0:?}")]
    InvalidMethod(String),
    /// `X-Amz-Expires` must be between 1 second and 7 days.
    #[error("presigned URL expiry {0} s is out of range: use 1 to 604800 seconds (7 days)")]
    InvalidExpiry(u32),
    /// A time that is not `YYYYMMDD'T'HHMMSS'Z'`.
    #[error("invalid signing time {0:?}: expected the form 20150830T123600Z")]
    InvalidTime(String),
}
