//! The client's one error type: what happened, in terms a caller can act on.

use http::StatusCode;

/// An S3 error answer, as the server sent it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceError {
    /// HTTP status.
    pub status: u16,
    /// S3 error code, e.g. `NoSuchKey` (empty when the server sent no body, as for HEAD).
    pub code: String,
    /// The server's message.
    pub message: String,
    /// `x-amz-request-id` or the body's RequestId.
    pub request_id: String,
    /// For `SignatureDoesNotMatch`: the server's canonical request, when it sends it.
    pub canonical_request: Option<String>,
    /// For `SignatureDoesNotMatch`: the server's string to sign, when it sends it.
    pub string_to_sign: Option<String>,
}

/// Why an S3 call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bucket does not exist.
    #[error("bucket {bucket:?} does not exist (NoSuchBucket, request id {})", .error.request_id)]
    NoSuchBucket {
        /// The bucket.
        bucket: String,
        /// The server's answer.
        error: Box<ServiceError>,
    },
    /// The key does not exist.
    #[error("key {key:?} does not exist in bucket {bucket:?} (NoSuchKey)")]
    NoSuchKey {
        /// The bucket.
        bucket: String,
        /// The key.
        key: String,
        /// The server's answer.
        error: Box<ServiceError>,
    },
    /// The credentials may not do this.
    #[error("access denied: {}", .0.message)]
    AccessDenied(Box<ServiceError>),
    /// The access key id is unknown to the server.
    #[error("the access key id is not known to the server (InvalidAccessKeyId)")]
    InvalidAccessKeyId(Box<ServiceError>),
    /// The server computed another signature: usually a wrong secret key, or a clock far off.
    #[error("signature does not match: check the secret key and the clock (SignatureDoesNotMatch)")]
    SignatureDoesNotMatch {
        /// The server's answer, with its canonical request and string to sign where it sent them.
        error: Box<ServiceError>,
        /// Our canonical request, to compare.
        our_canonical_request: String,
        /// Our string to sign.
        our_string_to_sign: String,
    },
    /// A condition (If-Match, If-None-Match on a write, If-Unmodified-Since) failed.
    #[error("precondition failed (412)")]
    PreconditionFailed(Box<ServiceError>),
    /// If-None-Match or If-Modified-Since matched: the copy the caller has is current.
    #[error("not modified (304)")]
    NotModified,
    /// The Range cannot be satisfied.
    #[error("range not satisfiable (InvalidRange)")]
    InvalidRange(Box<ServiceError>),
    /// Any other error answer.
    #[error("{} ({} {}): {}", if .0.code.is_empty() { "error" } else { .0.code.as_str() }, .0.status, status_reason(.0.status), .0.message)]
    Service(Box<ServiceError>),
    /// Bad input caught before any request was sent.
    #[error("{0}")]
    InvalidInput(String),
    /// A key the store cannot hold (empty, too long, or refused by a file-backed store),
    /// caught before any request was sent.
    #[error("{0}")]
    InvalidKey(String),
    /// The connection failed, timed out or broke.
    #[error("transport error: {message}")]
    Transport {
        /// What happened.
        message: String,
        /// Whether the request may have reached the server.
        maybe_sent: bool,
        /// The cause.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// A response we could not understand.
    #[error("unexpected response: {0}")]
    InvalidResponse(String),
    /// A local file or stream failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

fn status_reason(status: u16) -> &'static str {
    StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("")
}

impl Error {
    /// The HTTP status of a server error answer, if this is one.
    pub fn status(&self) -> Option<u16> {
        self.service_error().map(|error| error.status).or(match self {
            Self::NotModified => Some(304),
            _ => None,
        })
    }

    /// The server's answer, if this error is one.
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self {
            Self::NoSuchBucket { error, .. }
            | Self::NoSuchKey { error, .. }
            | Self::SignatureDoesNotMatch { error, .. }
            | Self::AccessDenied(error)
            | Self::InvalidAccessKeyId(error)
            | Self::PreconditionFailed(error)
            | Self::InvalidRange(error)
            | Self::Service(error) => Some(error),
            _ => None,
        }
    }

    /// The S3 error code (`NoSuchKey`, `SlowDown`, ...), if any.
    pub fn code(&self) -> Option<&str> {
        self.service_error().map(|error| error.code.as_str()).filter(|code| !code.is_empty())
    }

    pub(crate) fn transport(
        message: impl Into<String>,
        maybe_sent: bool,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self::Transport { message: message.into(), maybe_sent, source: Some(source.into()) }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
