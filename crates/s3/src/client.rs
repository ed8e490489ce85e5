//! The client: one pooled HTTP client, one signer, and the request loop that signs every
//! attempt anew and retries what may be retried.

use crate::body::ByteStream;
use crate::config::{Addressing, Config};
use crate::error::{Error, ServiceError};
use crate::{names, xml};
use base64::Engine;
use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::{GaiResolver, Name};
use hyper_util::rt::TokioExecutor;
use sigv4::{Payload, Request, SignedRequest, Signer, SigningSettings, SigningTime};
use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The largest error or listing body we read into memory.
const MAX_XML_BODY: usize = 16 << 20;

/// An S3 client. Cheap to clone; clones share the connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    signer: Signer,
    /// Shared by every client made with [`Client::with_credentials`]: one connection pool.
    http: Arc<HttpClient<HttpsConnector<HttpConnector<Resolver>>, Full<Bytes>>>,
    jitter: Mutex<fastrand::Rng>,
    /// Set once the store has refused a checksum header; shared like the pool (same store).
    checksums_refused: Arc<AtomicBool>,
    /// Part buffers kept between uploads, shared like the pool.
    pub(crate) buffers: Arc<crate::pool::BufferPool>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

/// Name resolution: the system's, unless [`Config::connect_to`] pins an address.
#[derive(Clone)]
struct Resolver {
    connect_to: Option<std::net::IpAddr>,
    system: GaiResolver,
}

type Addresses = std::vec::IntoIter<std::net::SocketAddr>;

impl tower_service::Service<Name> for Resolver {
    type Response = Addresses;
    type Error = std::io::Error;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = std::io::Result<Addresses>> + Send>>;

    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        if let Some(address) = self.connect_to {
            // Port 0: the connector takes the port from the URL.
            return Box::pin(std::future::ready(Ok(vec![std::net::SocketAddr::new(address, 0)].into_iter())));
        }
        let mut system = self.system.clone();
        Box::pin(async move {
            let addresses = system.call(name).await?;
            Ok(addresses.collect::<Vec<_>>().into_iter())
        })
    }
}

/// One S3 call, before addressing and signing.
#[derive(Debug)]
pub(crate) struct Call<'a> {
    pub(crate) method: Method,
    pub(crate) bucket: Option<&'a str>,
    pub(crate) key: Option<&'a str>,
    /// Raw (not yet encoded) query parameters; an empty value is sent as a bare name.
    pub(crate) query: Vec<(&'a str, String)>,
    /// Lower-case header names.
    pub(crate) headers: Vec<(Cow<'static, str>, String)>,
    pub(crate) body: Bytes,
    /// Whether sending it twice is harmless, which makes it safe to retry after a failure in
    /// which the request may have reached the server.
    pub(crate) idempotent: bool,
    /// Sent `UNSIGNED-PAYLOAD`: a checksum header the store verifies covers the body instead.
    pub(crate) unsigned_payload: bool,
}

impl<'a> Call<'a> {
    pub(crate) fn new(method: Method, bucket: Option<&'a str>, key: Option<&'a str>) -> Self {
        let idempotent = method != Method::POST;
        Self {
            method,
            bucket,
            key,
            query: Vec::new(),
            headers: Vec::new(),
            body: Bytes::new(),
            idempotent,
            unsigned_payload: false,
        }
    }

    pub(crate) fn query(mut self, name: &'a str, value: impl Into<String>) -> Self {
        self.query.push((name, value.into()));
        self
    }

    pub(crate) fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((Cow::Borrowed(name), value.into()));
        self
    }

    pub(crate) fn body(mut self, body: Bytes) -> Self {
        self.body = body;
        self
    }

    fn has_query(&self, name: &str) -> bool {
        self.query.iter().any(|(query_name, _)| *query_name == name)
    }

    /// The S3 operation this call is, as the API Reference names it (for metrics).
    pub(crate) fn operation(&self) -> &'static str {
        let copy = self.headers.iter().any(|(name, _)| name == "x-amz-copy-source");
        match (&self.method, self.bucket.is_some(), self.key.is_some()) {
            (&Method::GET, false, _) => "ListBuckets",
            (&Method::HEAD, true, false) => "HeadBucket",
            (&Method::PUT, true, false) => "CreateBucket",
            (&Method::DELETE, true, false) => "DeleteBucket",
            (&Method::GET, true, false) if self.has_query("uploads") => "ListMultipartUploads",
            (&Method::GET, true, false) => "ListObjectsV2",
            (&Method::POST, true, false) => "DeleteObjects",
            (&Method::HEAD, _, true) => "HeadObject",
            (&Method::GET, _, true) => "GetObject",
            (&Method::PUT, _, true) if copy => "CopyObject",
            (&Method::PUT, _, true) if self.has_query("partNumber") => "UploadPart",
            (&Method::PUT, _, true) => "PutObject",
            (&Method::DELETE, _, true) if self.has_query("uploadId") => "AbortMultipartUpload",
            (&Method::DELETE, _, true) => "DeleteObject",
            (&Method::POST, _, true) if self.has_query("uploads") => "CreateMultipartUpload",
            (&Method::POST, _, true) => "CompleteMultipartUpload",
            _ => "Other",
        }
    }
}

/// A successful answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: ByteStream,
}

impl Reply {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    pub(crate) async fn xml(self) -> Result<Bytes, Error> {
        self.body.collect_limited(MAX_XML_BODY).await
    }

    /// The `<...Result><ETag>` answer of CopyObject and CompleteMultipartUpload, which may be a
    /// 200 whose body is an `<Error>`.
    pub(crate) async fn etag_document(self, operation: &str) -> Result<crate::PutOutput, Error> {
        let version_id = self.header("x-amz-version-id").map(str::to_owned);
        let body = self.xml().await?;
        if xml::is_error_document(&body) {
            let error = xml::parse_error(&body).unwrap_or_default();
            return Err(Error::Service(Box::new(error)));
        }
        let result = xml::etag_result(&body, operation)?;
        Ok(crate::PutOutput { etag: result.etag, version_id, size: 0 })
    }
}

impl Client {
    /// A client for `config`.
    pub fn new(config: Config) -> Result<Self, Error> {
        let mut http = HttpConnector::new_with_resolver(Resolver {
            connect_to: config.connect_to,
            system: GaiResolver::new(),
        });
        http.set_connect_timeout(Some(config.connect_timeout));
        http.set_nodelay(true);
        http.enforce_http(false);
        let tls = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
            .map_err(|error| Error::InvalidInput(format!("TLS setup failed: {error}")))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let http = HttpClient::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(64)
            // Large bodies arrive in fewer, larger reads: less CPU per byte streamed.
            .http1_max_buf_size(1 << 20)
            .build(tls);
        let signer = Signer::new(config.credentials.clone(), config.region.clone(), "s3");
        let http = Arc::new(http);
        let checksums_refused = Arc::new(AtomicBool::new(false));
        let jitter = Mutex::new(fastrand::Rng::new());
        let buffers = Arc::default();
        Ok(Self { inner: Arc::new(Inner { config, signer, http, jitter, checksums_refused, buffers }) })
    }

    /// The same client acting with other credentials, sharing the connection pool (the
    /// connector signs each caller's requests with that caller's keys).
    pub fn with_credentials(&self, credentials: sigv4::Credentials) -> Self {
        let mut config = self.inner.config.clone();
        config.credentials = credentials;
        let signer = Signer::new(config.credentials.clone(), config.region.clone(), "s3");
        let http = Arc::clone(&self.inner.http);
        let checksums_refused = Arc::clone(&self.inner.checksums_refused);
        let jitter = Mutex::new(fastrand::Rng::new());
        let buffers = Arc::clone(&self.inner.buffers);
        Self { inner: Arc::new(Inner { config, signer, http, jitter, checksums_refused, buffers }) }
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The part buffers kept between uploads.
    pub(crate) fn buffers(&self) -> &crate::pool::BufferPool {
        &self.inner.buffers
    }

    /// Seeds the backoff jitter, so tests are repeatable.
    pub fn seed_jitter(&self, seed: u64) {
        *self.inner.jitter.lock().unwrap_or_else(|poison| poison.into_inner()) =
            fastrand::Rng::with_seed(seed);
    }

    /// Whether uploads carry `x-amz-checksum-crc32c` (see [`crate::ChecksumCalculation`]):
    /// as configured, until the store refuses one.
    pub(crate) fn sends_checksums(&self) -> bool {
        self.inner.config.checksum == crate::ChecksumCalculation::WhenSupported
            && !self.inner.checksums_refused.load(Ordering::Relaxed)
    }

    /// Whether `error` is a store saying it does not support checksum headers (or the
    /// `UNSIGNED-PAYLOAD` that goes with them); if so, uploads sign their SHA-256 from now on,
    /// and the caller sends the request again. Stores that do this: older S3-compatible ones.
    pub(crate) fn checksums_refused(&self, error: &Error) -> bool {
        let Some(service) = error.service_error() else { return false };
        let mentions = |word: &str| service.message.to_ascii_lowercase().contains(word);
        // A body that did not match its checksum (BadDigest) is damage, not a refusal.
        let damaged = matches!(service.code.as_str(), "BadDigest" | "XAmzContentSHA256Mismatch");
        let refused = service.status == 501
            || service.code == "NotImplemented"
            || (service.status == 400 && !damaged && (mentions("checksum") || mentions("unsigned")));
        if refused && self.sends_checksums() {
            self.inner.checksums_refused.store(true, Ordering::Relaxed);
            tracing::warn!(
                code = %service.code,
                "the store refused a checksum header: uploads sign their SHA-256 instead from now on"
            );
            return true;
        }
        false
    }

    /// Adds the CRC32C of `call`'s body as `x-amz-checksum-crc32c` when uploads carry
    /// checksums, and returns it. Over HTTPS or loopback the checksum then covers the body
    /// alone (`UNSIGNED-PAYLOAD`, sparing a SHA-256 pass over every byte, as the AWS SDKs do
    /// over TLS); over plain HTTP to another host the SHA-256 is signed as well, so that nobody
    /// in between can alter the body and fix its checksum.
    pub(crate) fn add_checksum(&self, call: &mut Call<'_>) -> Option<String> {
        if !self.sends_checksums() {
            return None;
        }
        let checksum =
            base64::engine::general_purpose::STANDARD.encode(crc32c::crc32c(&call.body).to_be_bytes());
        call.headers.push((Cow::Borrowed("x-amz-checksum-crc32c"), checksum.clone()));
        let config = &self.inner.config;
        let private_path = config.endpoint.is_https()
            || config.endpoint.is_loopback()
            || config.connect_to.is_some_and(|address| address.is_loopback());
        call.unsigned_payload = private_path;
        Some(checksum)
    }

    /// Sends an upload (`build` makes the call without a checksum), with its CRC32C when uploads
    /// carry checksums; returns the answer and the checksum sent. If the store refuses the
    /// checksum, the call is sent again without it.
    pub(crate) async fn send_upload<'a>(
        &self,
        build: impl Fn() -> Result<Call<'a>, Error>,
    ) -> Result<(Reply, Option<String>), Error> {
        loop {
            let mut call = build()?;
            let checksum = self.add_checksum(&mut call);
            match self.send(&call).await {
                Ok(reply) => return Ok((reply, checksum)),
                // checksums_refused turns checksums off, so this goes round once at most.
                Err(error) if checksum.is_some() && self.checksums_refused(&error) => {}
                Err(error) => return Err(error),
            }
        }
    }

    /// Checks a key by S3's rules, and by the file-backed store's if the store is one.
    pub(crate) fn check_key(&self, bucket: &str, key: &str) -> Result<(), Error> {
        if self.inner.config.store_keeps_files {
            names::validate_file_key(bucket, key)
        } else {
            names::validate_key(key)
        }
    }

    /// The authority and the encoded path of a bucket and key.
    pub(crate) fn locate(&self, bucket: Option<&str>, key: Option<&str>) -> Result<(String, String), Error> {
        if let Some(bucket) = bucket {
            names::validate_bucket(bucket)?;
        }
        if let Some(key) = key {
            self.check_key(bucket.unwrap_or_default(), key)?;
        }
        let config = &self.inner.config;
        let encoded_key = key.map(sigv4::encode_path);
        let virtual_hosted = config.addressing == Addressing::VirtualHosted && bucket.is_some();
        let authority = config.endpoint.authority(bucket.filter(|_| virtual_hosted));
        let mut path = String::from("/");
        if let Some(bucket) = bucket.filter(|_| !virtual_hosted) {
            path.push_str(bucket);
            if encoded_key.is_some() {
                path.push('/');
            }
        }
        if let Some(key) = &encoded_key {
            path.push_str(key);
        }
        Ok((authority, path))
    }

    /// The path and query of `call`, encoded as sent.
    fn target(path: &str, query: &[(&str, String)]) -> String {
        let mut target = path.to_owned();
        for (index, (name, value)) in query.iter().enumerate() {
            target.push(if index == 0 { '?' } else { '&' });
            target.push_str(&sigv4::encode_query_component(name));
            if !value.is_empty() {
                target.push('=');
                target.push_str(&sigv4::encode_query_component(value));
            }
        }
        target
    }

    /// A presigned URL for `call` valid for `expires_in_seconds`.
    pub(crate) fn presign_call(&self, call: &Call<'_>, expires_in_seconds: u32) -> Result<String, Error> {
        let (authority, path) = self.locate(call.bucket, call.key)?;
        let target = Self::target(&path, &call.query);
        let mut headers: Vec<(&str, &str)> = vec![("host", &authority)];
        headers.extend(call.headers.iter().map(|(name, value)| (name.as_ref(), value.as_str())));
        let request = Request::new(call.method.as_str(), &target, &headers).with_payload(Payload::Unsigned);
        let signed = self
            .inner
            .signer
            .sign(&request, &SigningSettings::s3_presigned(expires_in_seconds), SigningTime::now())
            .map_err(|error| Error::InvalidInput(error.to_string()))?;
        let separator = if target.contains('?') { '&' } else { '?' };
        Ok(format!(
            "{}://{authority}{target}{separator}{}",
            self.inner.config.endpoint.scheme(),
            signed.query_string()
        ))
    }

    /// Sends `call`, signing each attempt anew and retrying per the policy. Errors come back
    /// typed, with the bucket and key named.
    pub(crate) async fn send(&self, call: &Call<'_>) -> Result<Reply, Error> {
        let (authority, path) = self.locate(call.bucket, call.key)?;
        let target = Self::target(&path, &call.query);
        let payload = if call.unsigned_payload {
            Payload::Unsigned
        } else {
            Payload::Sha256(sigv4::sha256(&call.body))
        };
        let policy = self.inner.config.retry;
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let error = match self.attempt(call, &authority, &target, payload).await {
                Ok(reply) => return Ok(reply),
                Err(error) => error,
            };
            let may_retry = retryable(&error, call.idempotent)
                && attempt < policy.max_attempts
                && started.elapsed() < policy.max_total;
            if !may_retry {
                return Err(error);
            }
            let delay = self.backoff(attempt);
            tracing::debug!(attempt, ?delay, error = %error, "retrying S3 request");
            tokio::time::sleep(delay).await;
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let policy = self.inner.config.retry;
        let exponential = policy.base_delay.saturating_mul(1 << attempt.saturating_sub(1).min(16));
        let cap = exponential.min(policy.max_delay);
        let fraction = self.inner.jitter.lock().unwrap_or_else(|poison| poison.into_inner()).f64();
        cap.mul_f64(fraction)
    }

    async fn attempt(
        &self,
        call: &Call<'_>,
        authority: &str,
        target: &str,
        payload: Payload<'_>,
    ) -> Result<Reply, Error> {
        let inner = &self.inner;
        let mut headers: Vec<(&str, &str)> = Vec::with_capacity(call.headers.len() + 1);
        headers.push(("host", authority));
        headers.extend(call.headers.iter().map(|(name, value)| (name.as_ref(), value.as_str())));
        let request = Request::new(call.method.as_str(), target, &headers).with_payload(payload);
        let signed = inner
            .signer
            .sign(&request, &SigningSettings::s3(), SigningTime::now())
            .map_err(|error| Error::InvalidInput(error.to_string()))?;

        let uri = format!("{}://{authority}{target}", inner.config.endpoint.scheme());
        let mut builder = http::Request::builder().method(call.method.clone()).uri(uri);
        for (name, value) in headers
            .iter()
            .copied()
            .chain(signed.headers().map(|(name, value)| -> (&str, &str) { (name, value) }))
        {
            builder = builder.header(name, value);
        }
        if matches!(call.method, Method::PUT | Method::POST) {
            // Some servers (SeaweedFS) refuse a PUT without Content-Length, which HTTP stacks
            // leave out for empty bodies. Unsigned, as proxies may rewrite it.
            builder = builder.header(http::header::CONTENT_LENGTH, call.body.len());
        }
        let http_request = builder
            .body(Full::new(call.body.clone()))
            .map_err(|error| Error::InvalidInput(format!("cannot build the request: {error}")))?;

        let read_timeout = inner.config.read_timeout;
        let sent_at = Instant::now();
        let answer = tokio::time::timeout(read_timeout, inner.http.request(http_request)).await;
        if let Some(observer) = &inner.config.observer {
            let status = match &answer {
                Ok(Ok(response)) => Some(response.status().as_u16()),
                _ => None,
            };
            observer.observe(&crate::Attempt {
                operation: call.operation(),
                status,
                elapsed: sent_at.elapsed(),
            });
        }
        let response = match answer {
            Err(_) => {
                return Err(Error::Transport {
                    message: format!("no response within {read_timeout:?}"),
                    maybe_sent: true,
                    source: None,
                });
            }
            Ok(Err(error)) => {
                let maybe_sent = !error.is_connect();
                return Err(Error::transport(format!("request to {authority} failed"), maybe_sent, error));
            }
            Ok(Ok(response)) => response,
        };
        let (parts, incoming) = response.into_parts();
        let length = parts
            .headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<u64>().ok())
            .filter(|_| call.method != Method::HEAD && parts.status != StatusCode::NOT_MODIFIED);
        let reply = Reply {
            status: parts.status,
            headers: parts.headers,
            body: ByteStream::new(incoming, read_timeout, length),
        };
        if reply.status.is_success() {
            return Ok(reply);
        }
        Err(self.error_from(reply, call, &signed).await)
    }

    async fn error_from(&self, reply: Reply, call: &Call<'_>, signed: &SignedRequest) -> Error {
        let status = reply.status;
        if status == StatusCode::NOT_MODIFIED {
            return Error::NotModified;
        }
        let header_request_id = reply.header("x-amz-request-id").unwrap_or_default().to_owned();
        let body =
            if call.method == Method::HEAD { Bytes::new() } else { reply.xml().await.unwrap_or_default() };
        let mut error = xml::parse_error(&body).unwrap_or_default();
        error.status = status.as_u16();
        if error.request_id.is_empty() {
            error.request_id = header_request_id;
        }
        if error.code.is_empty() {
            error.code = code_for_status(status, call.key.is_some()).to_owned();
        }
        if error.message.is_empty() {
            error.message = status.canonical_reason().unwrap_or("error").to_owned();
        }
        classify(error, call, signed)
    }
}

/// The code S3 would have sent, for answers without a body (HEAD).
fn code_for_status(status: StatusCode, has_key: bool) -> &'static str {
    match status.as_u16() {
        404 if has_key => "NoSuchKey",
        404 => "NoSuchBucket",
        403 => "AccessDenied",
        412 => "PreconditionFailed",
        416 => "InvalidRange",
        503 => "ServiceUnavailable",
        _ => "",
    }
}

pub(crate) fn classify(error: ServiceError, call: &Call<'_>, signed: &SignedRequest) -> Error {
    let bucket = call.bucket.unwrap_or_default().to_owned();
    let error = Box::new(error);
    match error.code.as_str() {
        "NoSuchBucket" => Error::NoSuchBucket { bucket, error },
        "NoSuchKey" => Error::NoSuchKey { bucket, key: call.key.unwrap_or_default().to_owned(), error },
        "AccessDenied" => Error::AccessDenied(error),
        // s3s-based stores answer an unknown access key id with NotSignedUp.
        "InvalidAccessKeyId" | "NotSignedUp" => Error::InvalidAccessKeyId(error),
        "SignatureDoesNotMatch" => Error::SignatureDoesNotMatch {
            error,
            our_canonical_request: signed.canonical_request().to_string(),
            our_string_to_sign: signed.string_to_sign().to_string(),
        },
        "PreconditionFailed" => Error::PreconditionFailed(error),
        "InvalidRange" => Error::InvalidRange(error),
        _ => Error::Service(error),
    }
}

/// Whether a failed attempt may be tried again.
fn retryable(error: &Error, idempotent: bool) -> bool {
    match error {
        Error::Transport { maybe_sent, .. } => !maybe_sent || idempotent,
        Error::Service(service) => {
            let throttled =
                matches!(service.code.as_str(), "SlowDown" | "ServiceUnavailable" | "RequestTimeout");
            let server_failed =
                matches!(service.status, 500 | 502 | 503 | 504) || service.code == "InternalError";
            // A body that arrived damaged (its checksum or signed hash did not match) was
            // refused; it is sent again from memory.
            let damaged = matches!(service.code.as_str(), "BadDigest" | "XAmzContentSHA256Mismatch");
            // A throttled or 503 request was not carried out; a 500 may have been.
            throttled || damaged || service.status == 503 || (server_failed && idempotent)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_named_as_the_api_reference_does() {
        let (bucket, key) = (Some("b"), Some("k"));
        let cases = [
            (Call::new(Method::GET, None, None), "ListBuckets"),
            (Call::new(Method::HEAD, bucket, None), "HeadBucket"),
            (Call::new(Method::PUT, bucket, None), "CreateBucket"),
            (Call::new(Method::DELETE, bucket, None), "DeleteBucket"),
            (Call::new(Method::GET, bucket, None).query("list-type", "2"), "ListObjectsV2"),
            (Call::new(Method::GET, bucket, None).query("uploads", ""), "ListMultipartUploads"),
            (Call::new(Method::POST, bucket, None).query("delete", ""), "DeleteObjects"),
            (Call::new(Method::HEAD, bucket, key), "HeadObject"),
            (Call::new(Method::GET, bucket, key), "GetObject"),
            (Call::new(Method::PUT, bucket, key), "PutObject"),
            (Call::new(Method::PUT, bucket, key).header("x-amz-copy-source", "/b/a"), "CopyObject"),
            (
                Call::new(Method::PUT, bucket, key).query("partNumber", "1").query("uploadId", "u"),
                "UploadPart",
            ),
            (Call::new(Method::DELETE, bucket, key), "DeleteObject"),
            (Call::new(Method::DELETE, bucket, key).query("uploadId", "u"), "AbortMultipartUpload"),
            (Call::new(Method::POST, bucket, key).query("uploads", ""), "CreateMultipartUpload"),
            (Call::new(Method::POST, bucket, key).query("uploadId", "u"), "CompleteMultipartUpload"),
        ];
        for (call, operation) in cases {
            assert_eq!(call.operation(), operation, "{call:?}");
        }
    }
}
