//! The one error type of the API, and its explicit mapping from client errors: a stable code,
//! the right status, and a message that tells a person what to do. Secrets never go in it.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answer: `{"error": {"code", "message", "requestId"}}`.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code, e.g. `NoSuchKey`.
    pub code: &'static str,
    /// For a person.
    pub message: String,
    /// Filled in by the request-id middleware.
    pub request_id: String,
    /// Seconds for `Retry-After` (throttling).
    pub retry_after: Option<u32>,
}

impl ApiError {
    /// An error with `status`, `code` and `message`.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), request_id: String::new(), retry_after: None }
    }

    /// 400 with `code`.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 401 asking for Basic credentials.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "MissingCredentials", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body =
            json!({"error": {"code": self.code, "message": self.message, "requestId": self.request_id}});
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"s3-connector\", charset=\"UTF-8\""),
            );
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        // Let the request-id middleware fill the id in the body it cannot see.
        response.extensions_mut().insert(ErrorMarker);
        response
    }
}

/// Marks responses that carry an error body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ErrorMarker;

fn known_code(code: &str) -> &'static str {
    // Codes pass through only from a fixed list, so the answer's `code` stays a stable vocabulary.
    const CODES: &[&str] = &[
        "BucketAlreadyExists",
        "BucketAlreadyOwnedByYou",
        "BucketNotEmpty",
        "EntityTooLarge",
        "EntityTooSmall",
        "InvalidArgument",
        "InvalidBucketName",
        "InvalidDigest",
        "InvalidObjectState",
        "InvalidPart",
        "InvalidRequest",
        "KeyTooLongError",
        "MalformedXML",
        "MetadataTooLarge",
        "MethodNotAllowed",
        "MissingContentLength",
        "NoSuchUpload",
        "NotImplemented",
        "OperationAborted",
        "RequestTimeTooSkewed",
        "BadDigest",
        "ExpiredToken",
        "InvalidToken",
        "TokenRefreshRequired",
        "AuthorizationHeaderMalformed",
        "PermanentRedirect",
        "TemporaryRedirect",
    ];
    CODES.iter().copied().find(|known| *known == code).unwrap_or("UpstreamError")
}

impl From<s3::Error> for ApiError {
    fn from(error: s3::Error) -> Self {
        use s3::Error as E;
        match &error {
            E::NoSuchBucket { bucket, .. } => ApiError::new(
                StatusCode::NOT_FOUND,
                "NoSuchBucket",
                format!("bucket {bucket:?} does not exist: check its name and region"),
            ),
            E::NoSuchKey { key, .. } => {
                ApiError::new(StatusCode::NOT_FOUND, "NoSuchKey", format!("no object has the key {key:?}"))
            }
            E::AccessDenied(_) => ApiError::new(
                StatusCode::FORBIDDEN,
                "AccessDenied",
                "the store refused access: check the key's permissions (IAM policy or bucket policy)",
            ),
            E::InvalidAccessKeyId(_) => ApiError::new(
                StatusCode::FORBIDDEN,
                "InvalidAccessKeyId",
                "the store does not know this access key id: check the user name of the connection",
            ),
            E::SignatureDoesNotMatch { .. } => ApiError::new(
                StatusCode::FORBIDDEN,
                "SignatureDoesNotMatch",
                "the store rejected the signature: the secret access key (password) is wrong for this access key id, or the clock is off",
            ),
            E::PreconditionFailed(_) => ApiError::new(
                StatusCode::PRECONDITION_FAILED,
                "PreconditionFailed",
                "a condition (If-Match, If-None-Match, If-Unmodified-Since) did not hold",
            ),
            E::NotModified => ApiError::new(StatusCode::NOT_MODIFIED, "NotModified", "not modified"),
            E::InvalidRange(_) => ApiError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "InvalidRange",
                "the Range lies outside the object: ask for bytes within its size",
            ),
            E::InvalidInput(message) => ApiError::bad_request("InvalidArgument", message.clone()),
            E::InvalidKey(message) => ApiError::bad_request("InvalidKey", message.clone()),
            E::Service(service) => {
                let code = service.code.as_str();
                if service.status == 503 || code == "SlowDown" {
                    let mut api = ApiError::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "SlowDown",
                        "the store is throttling requests: retry after a pause",
                    );
                    api.retry_after = Some(2);
                    return api;
                }
                match StatusCode::from_u16(service.status) {
                    Ok(status) if status.is_client_error() => ApiError::new(
                        status,
                        known_code(code),
                        format!("the store answered {code}: {}", service.message),
                    ),
                    _ => ApiError::new(
                        StatusCode::BAD_GATEWAY,
                        "UpstreamError",
                        format!("the store failed ({} {code}): retry later", service.status),
                    ),
                }
            }
            E::Transport { message, .. }
                if message.starts_with("no response") || message.starts_with("no data") =>
            {
                ApiError::new(
                    StatusCode::GATEWAY_TIMEOUT,
                    "UpstreamTimeout",
                    "the store did not answer in time: retry later",
                )
            }
            E::Transport { .. } | E::InvalidResponse(_) => ApiError::new(
                StatusCode::BAD_GATEWAY,
                "UpstreamUnavailable",
                "the store could not be reached or broke the connection: retry later",
            ),
            E::Io(_) => {
                ApiError::bad_request("IncompleteBody", "the request body could not be read to its end")
            }
            _ => ApiError::new(StatusCode::BAD_GATEWAY, "UpstreamError", "the store failed: retry later"),
        }
    }
}
