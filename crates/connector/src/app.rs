//! The application: shared state, the router, the middleware every request passes through, and
//! the caller's credentials.

use crate::error::{ApiError, ErrorMarker};
use crate::metered::{Direction, InFlight, Metered};
use crate::metrics::Metrics;
use crate::settings::{Settings, Upstream};
use crate::{definition, handlers, listing};
use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, any, delete, get, head, post, put};
use base64::Engine;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tracing::Instrument;

/// Everything handlers share. Immutable once built.
#[derive(Debug)]
pub struct App {
    /// Settings.
    pub settings: Settings,
    /// A client for the upstream; each request uses a copy with the caller's credentials.
    pub upstream: s3::Client,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// The concurrency limit: a permit a request, held until its response body is done.
    limit: Arc<Semaphore>,
    /// The upload memory budget, one permit a MiB.
    upload_memory: Arc<Semaphore>,
}

impl App {
    /// Builds the state for `settings`, with the upstream at `endpoint` (the embedded store's,
    /// when there is one).
    pub fn new(settings: Settings, embedded_endpoint: Option<&str>) -> Result<Arc<Self>, s3::Error> {
        let placeholder = sigv4::Credentials::new("none", "none");
        let mut config = match (&settings.upstream, embedded_endpoint) {
            (_, Some(endpoint)) => {
                s3::Config::new(s3::Endpoint::parse(endpoint)?, settings.region.clone(), placeholder)
            }
            (Upstream::Endpoint { url, virtual_hosted }, None) => {
                let mut config =
                    s3::Config::new(s3::Endpoint::parse(url)?, settings.region.clone(), placeholder);
                config.addressing =
                    if *virtual_hosted { s3::Addressing::VirtualHosted } else { s3::Addressing::Path };
                config
            }
            (Upstream::Aws { region }, None) => {
                s3::Config::new(s3::Endpoint::aws(region), region.clone(), placeholder)
            }
            (Upstream::Embedded { .. }, None) => {
                return Err(s3::Error::InvalidInput("the embedded store is not running".to_owned()));
            }
        };
        config.read_timeout = settings.upstream_timeout;
        // The embedded s3s-fs keeps objects as files: a key such as "../x" would land outside
        // its bucket (next to the store's credentials file).
        config.store_keeps_files = embedded_endpoint.is_some();
        config.checksum = settings.checksum;
        config.transfer = crate::settings::UPLOAD_TRANSFER;
        let metrics = Arc::new(Metrics::default());
        let observed = Arc::clone(&metrics);
        config.observer = Some(s3::AttemptObserver::new(move |attempt| observed.upstream(attempt)));
        let upstream = s3::Client::new(config)?;
        let limit = Arc::new(Semaphore::new(settings.max_concurrency));
        let upload_memory = Arc::new(Semaphore::new(settings.upload_memory_mib as usize));
        Ok(Arc::new(Self { settings, upstream, metrics, limit, upload_memory }))
    }
}

impl App {
    /// Reserves `mib` MiB of the upload memory budget (at most all of it) until the permit is
    /// dropped. With too little free, waits up to the upstream timeout, then answers 503 with
    /// Retry-After: the service is busy, not broken.
    pub(crate) async fn reserve_upload_memory(&self, mib: u64) -> Result<OwnedSemaphorePermit, ApiError> {
        let wanted = u32::try_from(mib).unwrap_or(u32::MAX).clamp(1, self.settings.upload_memory_mib);
        let reserve = Arc::clone(&self.upload_memory).acquire_many_owned(wanted);
        match tokio::time::timeout(self.settings.upstream_timeout, reserve).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => {
                let mut error = ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "SlowDown",
                    "the service is at its memory limit for uploads in progress: retry shortly",
                );
                error.retry_after = Some(2);
                Err(error)
            }
        }
    }
}

/// The handler of a described operation.
fn handler(operation_id: &str) -> Option<MethodRouter<Arc<App>>> {
    Some(match operation_id {
        "ListBuckets" => get(listing::list_buckets),
        "ListObjects" => get(listing::list_objects),
        "GetObjectContent" => get(handlers::get_object),
        "GetObjectHeaders" => head(handlers::head_object),
        "PutObject" => put(handlers::put_object),
        "DeleteObject" => delete(handlers::delete_object),
        "GetObjectMetadata" => get(handlers::get_metadata),
        "UploadFile" => post(handlers::upload_file),
        _ => return None,
    })
}

/// Routes that serve operators and tools, not the API: health, metrics, the definition itself.
pub const OPERATIONAL_ROUTES: &[&str] = &[
    "/healthz",
    "/readyz",
    "/metrics",
    "/connector/apiDefinition.swagger.json",
    "/connector/apiProperties.json",
];

/// The router: the public API from [`definition::OPERATIONS`] (the table the connector
/// definition is written from), then the operational routes.
pub fn router(app: Arc<App>) -> Router {
    let mut router = Router::new();
    for operation in definition::OPERATIONS {
        match handler(operation.id) {
            Some(method_router) => router = router.route(operation.route, method_router),
            None => tracing::error!(operation = operation.id, "described operation has no handler"),
        }
    }
    router
        // A key left empty is a 400 that names the problem, not a 404.
        .route("/v1/buckets/{bucket}/objects/", any(handlers::empty_key))
        .route("/v1/buckets/{bucket}/metadata/", any(handlers::empty_key))
        .route("/healthz", get(handlers::healthz))
        .route("/readyz", get(handlers::readyz))
        .route("/metrics", get(handlers::metrics))
        .route("/connector/apiDefinition.swagger.json", get(handlers::api_definition))
        .route("/connector/apiProperties.json", get(handlers::api_properties))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(Arc::clone(&app), observe))
        .with_state(app)
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "NoSuchRoute",
        "no such route: see /connector/apiDefinition.swagger.json for the API",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed", "this route does not take that method")
}

fn request_id(request: &Request) -> String {
    request
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .filter(|value| {
            !value.is_empty() && value.len() <= 128 && value.bytes().all(|b| b.is_ascii_graphic())
        })
        .map_or_else(|| format!("{:016x}", fastrand::u64(..)), str::to_owned)
}

impl App {
    /// A permit of the concurrency limit, for requests to the API (operational routes take
    /// none: health checks answer even when the service is at its limit). When none is free
    /// within the upstream timeout, 503 with Retry-After.
    async fn concurrency_permit(&self, route: &str) -> Result<Option<OwnedSemaphorePermit>, ApiError> {
        if OPERATIONAL_ROUTES.contains(&route) {
            return Ok(None);
        }
        let acquire = Arc::clone(&self.limit).acquire_owned();
        match tokio::time::timeout(self.settings.upstream_timeout, acquire).await {
            Ok(Ok(permit)) => Ok(Some(permit)),
            _ => {
                let mut error = ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "SlowDown",
                    "the service is handling as many requests as it is allowed to: retry shortly",
                );
                error.retry_after = Some(2);
                Err(error)
            }
        }
    }
}

/// The most request headers the service takes, and their most bytes (names and values): far
/// above what S3 itself takes (8 KB), so only abuse meets them. hyper parses up to
/// [`crate::server::MAX_PARSED_HEADERS`] so that these limits answer in JSON; past that, and
/// past its buffer, hyper answers 431 itself.
const MAX_HEADERS: usize = 100;
const MAX_HEADER_BYTES: usize = 32 << 10;

fn check_headers(headers: &axum::http::HeaderMap) -> Result<(), ApiError> {
    let bytes: usize = headers.iter().map(|(name, value)| name.as_str().len() + value.len()).sum();
    if headers.len() > MAX_HEADERS || bytes > MAX_HEADER_BYTES {
        return Err(ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "RequestHeaderFieldsTooLarge",
            format!(
                "the request has {} headers of {bytes} bytes in all: send at most {MAX_HEADERS} headers and {MAX_HEADER_BYTES} bytes",
                headers.len()
            ),
        ));
    }
    Ok(())
}

/// Request id, concurrency limit, metrics and the access log, for every request.
async fn observe(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(&request);
    let method = request.method().clone();
    let route =
        request.extensions().get::<MatchedPath>().map_or("unmatched", |path| path.as_str()).to_owned();
    let admitted = match check_headers(request.headers()) {
        Ok(()) => app.concurrency_permit(&route).await,
        Err(error) => Err(error),
    };
    let mut response = match admitted {
        Ok(permit) => {
            let in_flight = InFlight::new(Arc::clone(&app.metrics), permit);
            let request = request.map(|body| {
                Body::new(Metered::new(body, Arc::clone(&app.metrics), Direction::Received, None))
            });
            // Upstream events (with the store's x-amz-request-id) log inside this span, so
            // they carry the service's request id too.
            let span = tracing::info_span!("request", request_id = %id);
            let mut response = next.run(request).instrument(span).await;
            if response.extensions().get::<ErrorMarker>().is_some() {
                response = with_request_id(response, &id).await;
            }
            // The request stays in flight, holding its permit, until its body is sent.
            response.map(|body| {
                Body::new(Metered::new(body, Arc::clone(&app.metrics), Direction::Sent, Some(in_flight)))
            })
        }
        Err(error) => with_request_id(error.into_response(), &id).await,
    };
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    let status = response.status().as_u16();
    app.metrics.request(method.as_str(), &route, status, started.elapsed());
    tracing::info!(request_id = %id, %method, %route, status, elapsed_ms = started.elapsed().as_millis() as u64, "request");
    response
}

/// Puts the request id into an error body (errors are made before the id is known to them).
async fn with_request_id(response: Response, id: &str) -> Response {
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let mut value: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    if let Some(error) = value.get_mut("error").and_then(|error| error.as_object_mut()) {
        error.insert("requestId".to_owned(), serde_json::Value::String(id.to_owned()));
    }
    let body = serde_json::to_vec(&value).unwrap_or_else(|_| bytes.to_vec());
    let mut response = Response::from_parts(parts, Body::from(body));
    response.headers_mut().remove(header::CONTENT_LENGTH);
    response
}

/// The caller's S3 client: the upstream client acting with the caller's credentials (HTTP
/// Basic: user name = access key id, password = secret access key; an optional
/// `X-Amz-Security-Token` header). Nothing of them is kept beyond the request.
pub(crate) struct Caller(pub(crate) s3::Client);

fn parse_basic(value: &str) -> Result<(String, String), ApiError> {
    let malformed = || {
        ApiError::unauthorized(
            "malformed Basic credentials: send Authorization: Basic base64(access key id:secret access key)",
        )
    };
    let (scheme, encoded) = value.trim().split_once(' ').ok_or_else(malformed)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(ApiError::unauthorized(
            "use HTTP Basic: the user name is the access key id, the password the secret access key",
        ));
    }
    let decoded =
        base64::engine::general_purpose::STANDARD.decode(encoded.trim()).map_err(|_| malformed())?;
    let text = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (user, password) = text.split_once(':').ok_or_else(malformed)?;
    let valid =
        |part: &str| !part.is_empty() && part.len() <= 256 && part.bytes().all(|b| b.is_ascii_graphic());
    if !valid(user) || !valid(password) {
        return Err(malformed());
    }
    Ok((user.to_owned(), password.to_owned()))
}

impl FromRequestParts<Arc<App>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(header::AUTHORIZATION).ok_or_else(|| {
            ApiError::unauthorized("credentials are missing: use HTTP Basic with the access key id as user name and the secret access key as password")
        })?;
        if app.settings.refuses_plain_credentials() {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "InsecureTransport",
                "this service refuses credentials over plain HTTP: call it over HTTPS, or have its operator start it with --tls-cert/--tls-key (or --allow-insecure-http behind a TLS proxy)",
            ));
        }
        let header = header.to_str().map_err(|_| ApiError::unauthorized("malformed Authorization header"))?;
        let (access_key_id, secret) = parse_basic(header)?;
        let mut credentials = sigv4::Credentials::new(access_key_id, secret);
        if let Some(token) = parts.headers.get("x-amz-security-token") {
            let token = token
                .to_str()
                .ok()
                .filter(|token| !token.is_empty() && token.bytes().all(|b| b.is_ascii_graphic()))
                .ok_or_else(|| {
                    ApiError::bad_request("InvalidArgument", "X-Amz-Security-Token is not a valid token")
                })?;
            credentials = credentials.with_session_token(token);
        }
        Ok(Caller(app.upstream.with_credentials(credentials)))
    }
}

impl IntoResponse for Caller {
    fn into_response(self) -> Response {
        StatusCode::NO_CONTENT.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials() {
        let encoded = base64::engine::general_purpose::STANDARD.encode("AKID:se:cret");
        assert_eq!(parse_basic(&format!("Basic {encoded}")).unwrap(), ("AKID".into(), "se:cret".into()));
        assert_eq!(parse_basic(&format!("basic  {encoded} ")).unwrap().0, "AKID");
        for bad in [
            "Basic",
            "Bearer x",
            "Basic !!!",
            "Basic Og==",
            &format!("Basic {}", base64::engine::general_purpose::STANDARD.encode("nocolon")),
        ] {
            assert!(parse_basic(bad).is_err(), "{bad}");
        }
    }
}
