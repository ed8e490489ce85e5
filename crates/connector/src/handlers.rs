//! Object routes (read, write, delete, metadata, the base64 upload) and the health routes.

use crate::app::{App, Caller};
use crate::error::ApiError;
use crate::target;
use axum::Json;
use axum::body::Body;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use bytes::Bytes;
use futures_util::TryStreamExt;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::borrow::Cow;
use std::sync::Arc;

/// Power Automate's limit per message is 100 MB: base64 of that, and the JSON around it.
const MAX_JSON_UPLOAD: usize = 140 << 20;

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, ApiError> {
    match headers.get(name) {
        None => Ok(None),
        Some(value) => value.to_str().map(Some).map_err(|_| {
            ApiError::bad_request("InvalidArgument", format!("header {name} is not printable ASCII"))
        }),
    }
}

/// Checks a Range header: one range of the forms `bytes=a-b`, `bytes=a-`, `bytes=-n`.
fn validate_range(range: &str) -> Result<(), ApiError> {
    let invalid = || {
        ApiError::bad_request(
            "InvalidRange",
            format!("Range {range:?} is not one range such as bytes=0-1023, bytes=1024- or bytes=-500"),
        )
    };
    let spec = range.trim().strip_prefix("bytes=").ok_or_else(invalid)?;
    let (start, end) = spec.split_once('-').ok_or_else(invalid)?;
    let number = |text: &str| -> Result<Option<u64>, ApiError> {
        if text.is_empty() {
            return Ok(None);
        }
        if text.len() > 20 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        text.parse().map(Some).map_err(|_| invalid())
    };
    match (number(start)?, number(end)?) {
        (None, None) => Err(invalid()),
        (Some(start), Some(end)) if start > end => Err(invalid()),
        (None, Some(0)) => Err(invalid()),
        _ => Ok(()),
    }
}

/// An HTTP date header, checked here: the store would refuse a malformed one anyway.
fn date_header(headers: &HeaderMap, name: &str) -> Result<Option<String>, ApiError> {
    let Some(value) = header_text(headers, name)? else { return Ok(None) };
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    if time::PrimitiveDateTime::parse(value, format).is_err() {
        return Err(ApiError::bad_request(
            "InvalidArgument",
            format!("{name} {value:?} is not an HTTP date such as Wed, 21 Oct 2015 07:28:00 GMT"),
        ));
    }
    Ok(Some(value.to_owned()))
}

fn conditions(headers: &HeaderMap) -> Result<s3::Conditions, ApiError> {
    Ok(s3::Conditions {
        if_match: header_text(headers, "if-match")?.map(str::to_owned),
        if_none_match: header_text(headers, "if-none-match")?.map(str::to_owned),
        if_modified_since: date_header(headers, "if-modified-since")?,
        if_unmodified_since: date_header(headers, "if-unmodified-since")?,
    })
}

fn insert(headers: &mut HeaderMap, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

fn object_headers(head: &s3::ObjectHead) -> HeaderMap {
    let mut headers = HeaderMap::new();
    insert(
        &mut headers,
        header::CONTENT_TYPE,
        head.content_type.as_deref().unwrap_or("application/octet-stream"),
    );
    insert(&mut headers, header::CONTENT_LENGTH, &head.content_length.to_string());
    insert(&mut headers, header::ETAG, &head.etag);
    insert(&mut headers, header::LAST_MODIFIED, &head.last_modified);
    insert(&mut headers, header::ACCEPT_RANGES, "bytes");
    if let Some(value) = &head.content_range {
        insert(&mut headers, header::CONTENT_RANGE, value);
    }
    if let Some(value) = &head.cache_control {
        insert(&mut headers, header::CACHE_CONTROL, value);
    }
    if let Some(value) = &head.content_disposition {
        insert(&mut headers, header::CONTENT_DISPOSITION, value);
    }
    if let Some(value) = &head.version_id {
        insert(&mut headers, HeaderName::from_static("x-amz-version-id"), value);
    }
    for (name, value) in &head.metadata {
        if let Ok(name) = HeaderName::try_from(format!("x-amz-meta-{name}")) {
            insert(&mut headers, name, value);
        }
    }
    headers
}

fn not_modified(error: s3::Error) -> Response {
    match error {
        s3::Error::NotModified => StatusCode::NOT_MODIFIED.into_response(),
        other => ApiError::from(other).into_response(),
    }
}

/// The request's Range, checked; an empty Range header asks for nothing in particular: the
/// whole object.
fn requested_range(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let range = header_text(headers, "range")?.filter(|range| !range.trim().is_empty());
    if let Some(range) = range {
        validate_range(range)?;
    }
    Ok(range.map(str::to_owned))
}

/// `GET /v1/buckets/{bucket}/objects/{key}`: the bytes, streamed.
pub(crate) async fn get_object(
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Caller(client): Caller,
) -> Result<Response, ApiError> {
    let (bucket, key) = target::bucket_and_key(uri.path(), "objects")?;
    let options = s3::GetOptions { range: requested_range(&headers)?, conditions: conditions(&headers)? };
    let output = match client.get_object(&bucket, &key, &options).await {
        Ok(output) => output,
        Err(error) => return Ok(not_modified(error)),
    };
    let status = StatusCode::from_u16(output.status).unwrap_or(StatusCode::OK);
    let headers = object_headers(&output.head);
    let stream = futures_util::stream::try_unfold(output.body, |mut body| async move {
        match body.next().await {
            Some(Ok(piece)) => Ok(Some((piece, body))),
            Some(Err(error)) => {
                tracing::warn!(%error, "the upstream body broke; cutting the response short");
                Err(std::io::Error::other(error.to_string()))
            }
            None => Ok(None),
        }
    });
    Ok((status, headers, Body::from_stream(stream)).into_response())
}

/// `HEAD /v1/buckets/{bucket}/objects/{key}`: the headers alone.
pub(crate) async fn head_object(
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Caller(client): Caller,
) -> Result<Response, ApiError> {
    let (bucket, key) = target::bucket_and_key(uri.path(), "objects")?;
    let conditions = conditions(&headers)?;
    if let Some(range) = requested_range(&headers)? {
        // As S3's HeadObject: the headers a ranged GET would give, 206 and Content-Range. The
        // ranged GET's body is dropped unread.
        let options = s3::GetOptions { range: Some(range), conditions };
        return Ok(match client.get_object(&bucket, &key, &options).await {
            Ok(output) => {
                let status = StatusCode::from_u16(output.status).unwrap_or(StatusCode::OK);
                (status, object_headers(&output.head)).into_response()
            }
            Err(error) => not_modified(error),
        });
    }
    Ok(match client.head_object(&bucket, &key, &conditions).await {
        Ok(head) => (StatusCode::OK, object_headers(&head)).into_response(),
        Err(error) => not_modified(error),
    })
}

/// S3's limit on user metadata: names and values together.
const MAX_METADATA_BYTES: usize = 2048;

/// Checks user metadata before it reaches the store, which would refuse it anyway.
fn check_metadata(metadata: &[(String, String)]) -> Result<(), ApiError> {
    s3::validate_metadata(metadata)
        .map_err(|error| ApiError::bad_request("InvalidArgument", error.to_string()))?;
    let total: usize = metadata.iter().map(|(name, value)| name.len() + value.len()).sum();
    if total > MAX_METADATA_BYTES {
        return Err(ApiError::bad_request(
            "MetadataTooLarge",
            format!("user metadata is {total} bytes; S3 allows {MAX_METADATA_BYTES}"),
        ));
    }
    Ok(())
}

/// `Content-MD5`: the base64 of the body's 16-byte MD5, checked before anything is stored.
fn content_md5(headers: &HeaderMap) -> Result<Option<[u8; 16]>, ApiError> {
    let Some(text) = header_text(headers, "content-md5")? else {
        return Ok(None);
    };
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()
        .and_then(|bytes| <[u8; 16]>::try_from(bytes).ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::bad_request("InvalidDigest", "Content-MD5 must be the base64 of the body's 16-byte MD5")
        })
}

/// User metadata from `x-amz-meta-*` request headers.
fn metadata_from(headers: &HeaderMap) -> Result<Vec<(String, String)>, ApiError> {
    let mut metadata = Vec::new();
    for (name, value) in headers {
        if let Some(short) = name.as_str().strip_prefix("x-amz-meta-") {
            let value = value.to_str().map_err(|_| {
                ApiError::bad_request(
                    "InvalidArgument",
                    format!("metadata {short:?} must be printable ASCII"),
                )
            })?;
            metadata.push((short.to_owned(), value.to_owned()));
        }
    }
    check_metadata(&metadata)?;
    Ok(metadata)
}

/// Any method on `.../objects/` or `.../metadata/` with nothing after: the key is missing.
pub(crate) async fn empty_key(OriginalUri(uri): OriginalUri) -> ApiError {
    match target::bucket(uri.path()) {
        Err(error) => error,
        Ok(_) => ApiError::bad_request("InvalidKey", "the key is empty: put it after /objects/ in the path"),
    }
}

fn guess_type(key: &str) -> String {
    mime_guess::from_path(key).first_or_octet_stream().essence_str().to_owned()
}

fn put_answer(bucket: &str, key: &str, output: &s3::PutOutput) -> Json<Value> {
    Json(
        json!({"bucket": bucket, "key": key, "etag": output.etag, "size": output.size, "versionId": output.version_id}),
    )
}

/// `PUT /v1/buckets/{bucket}/objects/{key}`: any size, streamed, multipart beyond a threshold.
pub(crate) async fn put_object(
    State(app): State<Arc<App>>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Caller(client): Caller,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    let (bucket, key) = target::bucket_and_key(uri.path(), "objects")?;
    let create_only = match header_text(&headers, "if-none-match")? {
        None => false,
        Some("*") => true,
        Some(_) => {
            return Err(ApiError::bad_request(
                "InvalidArgument",
                "on a PUT, If-None-Match takes only *, to create without overwriting",
            ));
        }
    };
    let length = match header_text(&headers, "content-length")? {
        None => None,
        Some(text) => Some(
            text.parse::<u64>()
                .map_err(|_| ApiError::bad_request("InvalidArgument", "Content-Length is not a number"))?,
        ),
    };
    if length.is_some_and(|length| length > 5 << 40) {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "EntityTooLarge",
            "S3 objects are at most 5 TiB",
        ));
    }
    let content_type = match header_text(&headers, "content-type")? {
        Some(value) if !value.trim().is_empty() => value.to_owned(),
        _ => guess_type(&key),
    };
    let _memory = app.reserve_upload_memory(upload_buffer_mib(&app.upstream, length)).await?;
    let options = s3::PutOptions {
        content_type: Some(content_type),
        cache_control: header_text(&headers, "cache-control")?.map(str::to_owned),
        content_disposition: header_text(&headers, "content-disposition")?.map(str::to_owned),
        metadata: metadata_from(&headers)?,
        create_only,
        content_md5: content_md5(&headers)?,
    };
    // A caller that stops sending mid-body fails the upload after the upstream timeout, rather
    // than holding a connection and a multipart upload open for ever.
    let timeout = app.settings.upstream_timeout;
    let pieces = futures_util::stream::unfold(body.into_data_stream(), move |mut stream| async move {
        match tokio::time::timeout(timeout, stream.try_next()).await {
            Ok(Ok(Some(piece))) => Some((Ok(piece), stream)),
            Ok(Ok(None)) => None,
            Ok(Err(error)) => Some((Err(std::io::Error::other(error)), stream)),
            Err(_) => Some((
                Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "the request body stalled")),
                stream,
            )),
        }
    });
    let mut reader = tokio_util::io::StreamReader::new(Box::pin(pieces));
    let output = match client.upload(&bucket, &key, &mut reader, &options, length).await {
        Ok(output) => output,
        Err(error) => {
            // A refusal can come before the body is read (create-only over an existing key):
            // read on, within limits, so the caller sees the answer rather than a broken pipe.
            drain(&mut reader, MAX_DRAIN).await;
            return Err(error.into());
        }
    };
    if let Some(length) = length.filter(|length| *length != output.size) {
        // hyper stops a body at its Content-Length and fails a shorter one, so this is a bug guard.
        tracing::error!(length, stored = output.size, "stored size differs from Content-Length");
    }
    Ok(put_answer(&bucket, &key, &output))
}

const MIB: u64 = 1 << 20;

/// The most MiB an upload of `length` bytes holds in buffers: the body itself up to the
/// multipart threshold; beyond it, the first read, plus a part buffer for each part in flight
/// and one filling.
fn upload_buffer_mib(client: &s3::Client, length: Option<u64>) -> u64 {
    let transfer = client.config().transfer;
    let threshold = transfer.multipart_threshold as u64;
    match length {
        Some(length) if length <= threshold => length.div_ceil(MIB).max(1),
        _ => {
            let part = s3::part_size_for(1, transfer.part_size, length);
            (crate::settings::multipart_buffer_bytes(&transfer, part) as u64).div_ceil(MIB)
        }
    }
}

/// The most of a refused upload's body read and discarded before answering.
const MAX_DRAIN: u64 = 64 << 20;

/// Reads and discards up to `limit` bytes, stopping at the end, an error or a stall.
async fn drain<R: tokio::io::AsyncRead + Unpin>(reader: &mut R, limit: u64) {
    let _ = tokio::io::copy(&mut tokio::io::AsyncReadExt::take(reader, limit), &mut tokio::io::sink()).await;
}

/// `DELETE /v1/buckets/{bucket}/objects/{key}`: 204, also for a key that did not exist.
pub(crate) async fn delete_object(
    OriginalUri(uri): OriginalUri,
    Caller(client): Caller,
) -> Result<StatusCode, ApiError> {
    let (bucket, key) = target::bucket_and_key(uri.path(), "objects")?;
    client.delete_object(&bucket, &key).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An HTTP date (`Thu, 03 Dec 2026 17:15:41 GMT`) as RFC 3339; other text as it is.
pub(crate) fn rfc3339(date: &str) -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::PrimitiveDateTime::parse(date, format)
        .ok()
        .and_then(|parsed| parsed.assume_utc().format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(|| date.to_owned())
}

/// `GET /v1/buckets/{bucket}/metadata/{key}`.
pub(crate) async fn get_metadata(
    OriginalUri(uri): OriginalUri,
    Caller(client): Caller,
) -> Result<Json<Value>, ApiError> {
    let (bucket, key) = target::bucket_and_key(uri.path(), "metadata")?;
    let head = client.head_object(&bucket, &key, &s3::Conditions::default()).await?;
    let metadata: Map<String, Value> =
        head.metadata.iter().map(|(name, value)| (name.clone(), Value::String(value.clone()))).collect();
    Ok(Json(json!({
        "key": key,
        "size": head.content_length,
        "contentType": head.content_type,
        "etag": head.etag,
        "lastModified": rfc3339(&head.last_modified),
        "metadata": metadata,
        "versionId": head.version_id,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct UploadRequest<'a> {
    key: String,
    /// Borrowed from the body where it can be: the base64 text is most of a large body.
    #[serde(borrow)]
    content: Content<'a>,
    content_type: Option<String>,
    #[serde(default)]
    metadata: Map<String, Value>,
}

/// `content`: base64 text, alone or in Power Automate's file envelope.
#[derive(Deserialize)]
#[serde(untagged, expecting = "content: a base64 string, or {\"$content-type\": ..., \"$content\": base64}")]
enum Content<'a> {
    Text(#[serde(borrow)] Cow<'a, str>),
    Envelope {
        #[serde(rename = "$content", borrow)]
        content: Cow<'a, str>,
        #[serde(rename = "$content-type")]
        content_type: Option<String>,
    },
}

/// `POST /v1/buckets/{bucket}/files`: JSON with base64 content, as Power Automate sends files.
pub(crate) async fn upload_file(
    State(app): State<Arc<App>>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Caller(client): Caller,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    let bucket = target::bucket(uri.path())?;
    // The JSON, then the file decoded from it (3/4 of its size), then the upload's buffers.
    let json_bytes = header_text(&headers, "content-length")?
        .and_then(|text| text.parse::<u64>().ok())
        .map_or(MAX_JSON_UPLOAD as u64, |length| length.min(MAX_JSON_UPLOAD as u64));
    let file_bytes = json_bytes / 4 * 3;
    let mib =
        json_bytes.div_ceil(MIB) + file_bytes.div_ceil(MIB) + upload_buffer_mib(&client, Some(file_bytes));
    let _memory = app.reserve_upload_memory(mib).await?;
    let bytes = axum::body::to_bytes(body, MAX_JSON_UPLOAD).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "EntityTooLarge",
            "the JSON body is over 140 MiB: send large files with PUT .../objects/{key}",
        )
    })?;
    let request: UploadRequest<'_> = serde_json::from_slice(&bytes).map_err(|error| {
        ApiError::bad_request("InvalidJson", format!("the body is not the expected JSON: {error}"))
    })?;
    s3::validate_key(&request.key).map_err(|error| ApiError::bad_request("InvalidKey", error.to_string()))?;
    let (encoded, envelope_type) = match &request.content {
        Content::Text(text) => (text.as_ref(), None),
        Content::Envelope { content, content_type } => (content.as_ref(), content_type.as_deref()),
    };
    let (uri_type, encoded) = split_data_uri(encoded)?;
    let envelope_type = envelope_type.or(uri_type);
    let decoded = decode_base64(encoded)?;
    let mut metadata = Vec::new();
    for (name, value) in &request.metadata {
        let Value::String(value) = value else {
            return Err(ApiError::bad_request(
                "InvalidArgument",
                format!("metadata {name:?} must be a string"),
            ));
        };
        metadata.push((name.clone(), value.clone()));
    }
    check_metadata(&metadata)?;
    // Power Automate labels most file content application/octet-stream: that says nothing, so
    // the key's extension is the better guess then.
    if request
        .content_type
        .as_deref()
        .is_some_and(|kind| !kind.bytes().all(|b| b == b' ' || b.is_ascii_graphic()))
    {
        return Err(ApiError::bad_request(
            "InvalidArgument",
            "contentType must be printable ASCII, e.g. application/pdf",
        ));
    }
    let content_type = request
        .content_type
        .clone()
        .filter(|kind| !kind.trim().is_empty())
        .or_else(|| envelope_type.filter(|kind| *kind != "application/octet-stream").map(str::to_owned))
        .unwrap_or_else(|| guess_type(&request.key));
    let options = s3::PutOptions { content_type: Some(content_type), metadata, ..s3::PutOptions::default() };
    let key = request.key.clone();
    // The JSON (with the base64 text borrowed from it) is done with: free it before uploading,
    // so a large file is held once, decoded, rather than three times.
    drop(request);
    drop(bytes);
    let size = decoded.len() as u64;
    let output = client.upload(&bucket, &key, decoded.as_ref(), &options, Some(size)).await?;
    Ok(put_answer(&bucket, &key, &output))
}

/// Splits a data URI (`data:image/png;base64,iVBOR...`, as Power Apps gives an image through
/// `JSON(image, JSONFormat.IncludeBinaryData)`) into its media type, if it names one, and its
/// base64 text; any other text is base64 as it is.
fn split_data_uri(text: &str) -> Result<(Option<&str>, &str), ApiError> {
    let Some(rest) = text.strip_prefix("data:") else {
        return Ok((None, text));
    };
    let Some((header, data)) = rest.split_once(',') else {
        return Err(ApiError::bad_request(
            "InvalidBase64",
            "content is a data URI without a ',' before its data",
        ));
    };
    let mut parameters = header.split(';');
    let media_type = parameters.next().map(str::trim).filter(|kind| !kind.is_empty());
    if !parameters.any(|parameter| parameter.trim().eq_ignore_ascii_case("base64")) {
        return Err(ApiError::bad_request(
            "InvalidBase64",
            "content is a data URI that is not base64: send data:<type>;base64,<data>",
        ));
    }
    Ok((media_type, data))
}

/// Decodes standard base64 (padding optional, white space ignored, the URL-safe alphabet too).
fn decode_base64(text: &str) -> Result<Bytes, ApiError> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    let config = GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    // Power Automate sends no white space; copy only when there is some to take out.
    let compact: Cow<'_, str> = if text.bytes().any(|b| b.is_ascii_whitespace()) {
        Cow::Owned(text.chars().filter(|c| !c.is_ascii_whitespace()).collect())
    } else {
        Cow::Borrowed(text)
    };
    let standard = GeneralPurpose::new(&base64::alphabet::STANDARD, config);
    let url_safe = GeneralPurpose::new(&base64::alphabet::URL_SAFE, config);
    standard
        .decode(compact.as_bytes())
        .or_else(|_| url_safe.decode(compact.as_bytes()))
        .map(Bytes::from)
        .map_err(|error| {
            ApiError::bad_request("InvalidBase64", format!("content is not valid base64: {error}"))
        })
}

/// `GET /healthz`: the process is up.
pub(crate) async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// `GET /readyz`: the upstream answers (any S3 answer, even a refusal, means it is reachable).
pub(crate) async fn readyz(State(app): State<Arc<App>>) -> Response {
    match app.upstream.list_buckets().await {
        Ok(_) => Json(json!({"status": "ready"})).into_response(),
        Err(error) if error.service_error().is_some() => Json(json!({"status": "ready"})).into_response(),
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "UpstreamUnavailable",
            "the store cannot be reached",
        )
        .into_response(),
    }
}

/// `GET /metrics`: Prometheus text.
pub(crate) async fn metrics(State(app): State<Arc<App>>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], app.metrics.render()).into_response()
}

/// The host the connector definition names: the configured public URL's, else the request's.
fn public_host(app: &App, headers: &HeaderMap) -> String {
    if let Some(url) = &app.settings.public_url {
        let rest = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
        return rest.split('/').next().unwrap_or(rest).to_owned();
    }
    headers.get(header::HOST).and_then(|value| value.to_str().ok()).unwrap_or("localhost").to_owned()
}

/// `GET /connector/apiDefinition.swagger.json`.
pub(crate) async fn api_definition(State(app): State<Arc<App>>, headers: HeaderMap) -> Json<Value> {
    Json(crate::definition::api_definition(&public_host(&app, &headers), "/"))
}

/// `GET /connector/apiProperties.json`.
pub(crate) async fn api_properties() -> Json<Value> {
    Json(crate::definition::api_properties())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        for good in ["bytes=0-0", "bytes=10-", "bytes=-5", "bytes=0-18446744073709551615"] {
            assert!(validate_range(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "bytes=",
            "bytes=-",
            "bytes=5-1",
            "bytes=a-b",
            "items=0-1",
            "bytes=0-1,3-4",
            "bytes=-0",
            "bytes=99999999999999999999-",
        ] {
            assert!(validate_range(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn data_uris_give_their_type_and_data() {
        let (kind, data) = split_data_uri("data:image/png;base64,iVBORw0KGgo=").unwrap();
        assert_eq!((kind, data), (Some("image/png"), "iVBORw0KGgo="));
        let (kind, data) = split_data_uri("data:;base64,aGk=").unwrap();
        assert_eq!((kind, data), (None, "aGk="));
        assert_eq!(split_data_uri("aGk=").unwrap(), (None, "aGk="));
        assert!(split_data_uri("data:text/plain,hello").is_err());
        assert!(split_data_uri("data:image/png;base64").is_err());
    }

    #[test]
    fn base64_variants() {
        assert_eq!(decode_base64("aGVsbG8=").unwrap(), Bytes::from_static(b"hello"));
        assert_eq!(decode_base64("aGVsbG8").unwrap(), Bytes::from_static(b"hello"));
        assert_eq!(decode_base64("aGVs\nbG8=").unwrap(), Bytes::from_static(b"hello"));
        assert_eq!(decode_base64("-_8=").unwrap(), Bytes::from_static(&[0xfb, 0xff]));
        assert!(decode_base64("not base64!").is_err());
    }

    #[test]
    fn the_base64_text_is_borrowed_from_the_body() {
        let plain = br#"{"key":"k","content":"aGVsbG8="}"#;
        let request: UploadRequest<'_> = serde_json::from_slice(plain).unwrap();
        assert!(matches!(request.content, Content::Text(Cow::Borrowed("aGVsbG8="))));
        let envelope = br#"{"key":"k","content":{"$content-type":"image/png","$content":"aGVsbG8="}}"#;
        let request: UploadRequest<'_> = serde_json::from_slice(envelope).unwrap();
        assert!(matches!(
            request.content,
            Content::Envelope { content: Cow::Borrowed("aGVsbG8="), content_type: Some(_) }
        ));
        let error = serde_json::from_slice::<UploadRequest<'_>>(br#"{"key":"k","content":5}"#).err();
        assert!(error.is_some_and(|error| error.to_string().contains("a base64 string")));
    }

    #[test]
    fn http_dates_become_rfc3339() {
        assert_eq!(rfc3339("Thu, 03 Dec 2026 17:15:41 GMT"), "2026-12-03T17:15:41Z");
        assert_eq!(rfc3339("2026-12-03T17:15:41.000Z"), "2026-12-03T17:15:41.000Z");
    }
}
