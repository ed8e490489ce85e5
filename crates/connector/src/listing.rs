//! Bucket and object listings, with `nextLink` for clients that follow links and `all=true`
//! for those whose paging is unreliable (streamed, bounded by a cap).

use crate::app::{App, Caller};
use crate::error::ApiError;
use crate::target;
use axum::Json;
use axum::body::Body;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::Arc;

/// `GET /v1/buckets`.
pub(crate) async fn list_buckets(Caller(client): Caller) -> Result<Json<Value>, ApiError> {
    let buckets = client.list_buckets().await?;
    let buckets: Vec<Value> = buckets
        .into_iter()
        .map(|bucket| json!({"name": bucket.name, "creationDate": bucket.creation_date}))
        .collect();
    Ok(Json(json!({"buckets": buckets})))
}

struct ListQuery {
    options: s3::ListOptions,
    all: bool,
}

fn parse_query(query: &str) -> Result<ListQuery, ApiError> {
    let mut options = s3::ListOptions::default();
    let mut all = false;
    for (name, value) in target::query_pairs(query)? {
        let value = Some(value).filter(|value| !value.is_empty());
        match name.as_str() {
            "prefix" => options.prefix = value,
            "delimiter" => options.delimiter = value,
            "continuationToken" => options.continuation_token = value,
            "startAfter" => options.start_after = value,
            "maxKeys" => {
                let text = value.unwrap_or_default();
                let number: u32 = text.parse().ok().filter(|n| (1..=1000).contains(n)).ok_or_else(|| {
                    ApiError::bad_request(
                        "InvalidArgument",
                        format!("maxKeys {text:?} must be a whole number from 1 to 1000"),
                    )
                })?;
                options.max_keys = Some(number);
            }
            "all" => {
                all = match value.as_deref() {
                    Some("true") => true,
                    Some("false") | None => false,
                    Some(other) => {
                        return Err(ApiError::bad_request(
                            "InvalidArgument",
                            format!("all must be true or false, not {other:?}"),
                        ));
                    }
                };
            }
            other => {
                return Err(ApiError::bad_request(
                    "InvalidArgument",
                    format!("unknown query parameter {other:?}"),
                ));
            }
        }
    }
    Ok(ListQuery { options, all })
}

fn object_json(object: &s3::ObjectInfo) -> Value {
    json!({
        "key": object.key,
        "size": object.size,
        "lastModified": object.last_modified,
        "etag": object.etag,
        "storageClass": if object.storage_class.is_empty() { "STANDARD" } else { object.storage_class.as_str() },
    })
}

/// The absolute URL of the next page: the same query with the new continuation token.
fn next_link(app: &App, headers: &HeaderMap, path: &str, query: &str, token: &str) -> String {
    let base = app.settings.public_url.clone().unwrap_or_else(|| {
        let host = headers.get(header::HOST).and_then(|value| value.to_str().ok()).unwrap_or("localhost");
        let scheme = headers
            .get("x-forwarded-proto")
            .and_then(|value| value.to_str().ok())
            .filter(|proto| *proto == "https" || *proto == "http")
            .unwrap_or(if app.settings.tls.is_some() { "https" } else { "http" });
        format!("{scheme}://{host}")
    });
    let mut kept: Vec<&str> =
        query.split('&').filter(|pair| !pair.is_empty() && !pair.starts_with("continuationToken=")).collect();
    let encoded = format!("continuationToken={}", sigv4::encode_query_component(token));
    kept.push(&encoded);
    format!("{base}{path}?{}", kept.join("&"))
}

/// `GET /v1/buckets/{bucket}/objects`.
pub(crate) async fn list_objects(
    State(app): State<Arc<App>>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Caller(client): Caller,
) -> Result<Response, ApiError> {
    let bucket = target::bucket(uri.path())?;
    let query = uri.query().unwrap_or_default();
    let ListQuery { mut options, all } = parse_query(query)?;
    let cap = app.settings.list_all_cap;
    let page_size = options.max_keys.unwrap_or(1000);
    if all {
        // Pages never run past the cap, so it falls on a page boundary and the continuation
        // token of the last page is exactly where to go on.
        options.max_keys = Some(page_size.min(u32::try_from(cap).unwrap_or(u32::MAX)));
    }
    let first = client.list_objects(&bucket, &options).await?;
    let link = |token: &str| next_link(&app, &headers, uri.path(), query, token);
    if !all {
        let token = first.next_continuation_token.clone().filter(|_| first.is_truncated);
        return Ok(Json(json!({
            "objects": first.objects.iter().map(object_json).collect::<Vec<_>>(),
            "folders": first.prefixes,
            "isTruncated": token.is_some(),
            "continuationToken": token,
            "nextLink": token.as_deref().map(link),
        }))
        .into_response());
    }
    // all=true: stream the objects as pages arrive, so memory holds one page, not the listing.
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<String, std::io::Error>>(4);
    // The link with an empty token ends in `continuationToken=`: the token goes after it.
    let base_link = link("");
    tokio::spawn(async move {
        let mut page = first;
        let mut options = options;
        let mut count = 0usize;
        let mut folders: Vec<String> = Vec::new();
        let mut first_item = true;
        if sender.send(Ok("{\"objects\":[".to_owned())).await.is_err() {
            return;
        }
        let token = loop {
            let mut chunk = String::new();
            for object in &page.objects {
                if !first_item {
                    chunk.push(',');
                }
                first_item = false;
                chunk.push_str(&object_json(object).to_string());
                count += 1;
            }
            folders.extend(page.prefixes.iter().cloned());
            if sender.send(Ok(chunk)).await.is_err() {
                return;
            }
            let next = page.next_continuation_token.clone().filter(|_| page.is_truncated);
            let Some(next) = next else { break None };
            if count >= cap {
                break Some(next);
            }
            let remaining = u32::try_from(cap - count).unwrap_or(u32::MAX);
            options.max_keys = Some(page_size.min(remaining));
            options.continuation_token = Some(next);
            page = match client.list_objects(&bucket, &options).await {
                Ok(page) => page,
                Err(error) => {
                    tracing::warn!(%error, "listing failed part-way; the response is cut short");
                    let _ = sender.send(Err(std::io::Error::other(error.to_string()))).await;
                    return;
                }
            };
        };
        let truncated = token.is_some();
        let tail = json!({
            "folders": folders,
            "isTruncated": truncated,
            "continuationToken": token,
            "nextLink": token.as_deref().map(|token| format!("{base_link}{}", sigv4::encode_query_component(token))),
        });
        let tail = tail.to_string();
        let _ = sender.send(Ok(format!("],{}", &tail[1..]))).await;
    });
    let stream = tokio_stream_from(receiver);
    Ok(([(header::CONTENT_TYPE, "application/json")], Body::from_stream(stream)).into_response())
}

fn tokio_stream_from(
    receiver: tokio::sync::mpsc::Receiver<Result<String, std::io::Error>>,
) -> impl futures_util::Stream<Item = Result<String, std::io::Error>> {
    futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    })
}
