//! A load generator for `scripts/bench-service.sh`: the same HTTP client talks either to the
//! store directly (presigned URLs) or to the service (Basic credentials), so the two figures
//! compare like with like.
//!
//! load (direct ENDPOINT | service BASE_URL) (get | put) BUCKET SIZE COUNT CONCURRENCY [KEYS]
//! KEYS (default COUNT): request `i` names key `i % KEYS`, so a GET run can read a few objects
//! many times. Credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. Prints one line of results.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::sync::Arc;
use std::time::Instant;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (target, base, mode, bucket, size, count, concurrency, keys) = match args.as_slice() {
        [target, base, mode, bucket, size, count, concurrency, rest @ ..] if rest.len() <= 1 => {
            (target, base, mode, bucket, size, count, concurrency, rest.first().unwrap_or(count))
        }
        _ => {
            eprintln!(
                "usage: load (direct ENDPOINT | service BASE_URL) (get | put) BUCKET SIZE COUNT CONCURRENCY [KEYS]"
            );
            std::process::exit(2);
        }
    };
    let (size, count, concurrency, keys): (usize, usize, usize, usize) =
        (size.parse().unwrap(), count.parse().unwrap(), concurrency.parse().unwrap(), keys.parse().unwrap());
    let access_key = std::env::var("AWS_ACCESS_KEY_ID").unwrap();
    let secret_key = std::env::var("AWS_SECRET_ACCESS_KEY").unwrap();
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{access_key}:{secret_key}"))
    );
    let presigner = (target == "direct").then(|| {
        let config = s3::Config::new(
            s3::Endpoint::parse(base).unwrap(),
            "us-east-1",
            s3::Credentials::new(access_key, secret_key),
        );
        s3::Client::new(config).unwrap()
    });
    let body = Bytes::from(vec![0x5a_u8; size]);
    let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
    http.set_nodelay(true);
    let client: Client<_, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).pool_max_idle_per_host(256).build(http);
    let shared = Arc::new((client, presigner, body, basic, base.clone(), bucket.clone(), mode.clone(), keys));
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (shared, next) = (Arc::clone(&shared), Arc::clone(&next));
        workers.spawn(async move {
            let (client, presigner, body, basic, base, bucket, mode, keys) = &*shared;
            let mut bytes = 0u64;
            loop {
                let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if index >= count {
                    return bytes;
                }
                let key = format!("load/{}-{}", body.len(), index % keys);
                let method = if mode == "put" { "PUT" } else { "GET" };
                let (url, auth) = match presigner {
                    Some(presigner) => {
                        let url = if mode == "put" {
                            presigner.presign_put(bucket, &key, 3600)
                        } else {
                            presigner.presign_get(bucket, &key, 3600)
                        };
                        (url.unwrap(), None)
                    }
                    None => (format!("{base}/v1/buckets/{bucket}/objects/{key}"), Some(basic.clone())),
                };
                let mut request = http::Request::builder().method(method).uri(url);
                if let Some(auth) = auth {
                    request = request.header("authorization", auth);
                }
                let payload = if mode == "put" { body.clone() } else { Bytes::new() };
                let response = client.request(request.body(Full::new(payload)).unwrap()).await.unwrap();
                let status = response.status();
                let mut received = 0u64;
                let mut incoming = response.into_body();
                while let Some(frame) = incoming.frame().await {
                    if let Ok(data) = frame.unwrap().into_data() {
                        received += data.len() as u64;
                    }
                }
                assert!(status.is_success(), "{method} {key}: {status}");
                bytes += if mode == "put" { body.len() as u64 } else { received };
            }
        });
    }
    let mut total = 0u64;
    while let Some(done) = workers.join_next().await {
        total += done.unwrap();
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{target} {mode} size={size} count={count} concurrency={concurrency} seconds={seconds:.3} MiB/s={:.1} requests/s={:.1}",
        total as f64 / seconds / 1048576.0,
        count as f64 / seconds
    );
}
