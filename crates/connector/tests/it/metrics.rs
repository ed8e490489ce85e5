//! Metrics count what really passes (chunked uploads, streamed downloads), time each upstream
//! attempt by S3 operation, and a request stays in flight, holding its concurrency permit,
//! until its response body is sent.

use crate::{Service, auth, make_bucket, start};
use bytes::Bytes;
use http_body_util::BodyExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Uploads `body` with chunked transfer encoding (no Content-Length), over a raw connection.
async fn put_chunked(service: &Service, path: &str, body: &[u8]) -> String {
    let mut stream = tokio::net::TcpStream::connect(service.address).await.unwrap();
    let head = format!(
        "PUT {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        auth()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    for chunk in body.chunks(100_000) {
        stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await.unwrap();
        stream.write_all(chunk).await.unwrap();
        stream.write_all(b"\r\n").await.unwrap();
    }
    stream.write_all(b"0\r\n\r\n").await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

/// The value of an unlabelled metric, or of the line starting with `name{labels}`.
fn metric(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no {series} in\n{text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bytes_are_counted_as_they_pass_and_upstream_attempts_are_timed() {
    for server in test_support::all_servers().await.into_iter().filter(|s| s.name != "rclone") {
        let service = start(&server.endpoint, |_| {}).await;
        let bucket = make_bucket(&server.endpoint, "metrics").await;
        let body = test_support::pseudo_random_bytes(3 << 20, 7);
        let path = format!("/v1/buckets/{bucket}/objects/chunked.bin");
        let answer = put_chunked(&service, &path, &body).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{}: {answer}", server.name);
        let got = service.call("GET", &path, &[], Bytes::new()).await;
        assert_eq!(got.status, 200);
        assert!(got.body == body, "{}: the chunked upload came back different", server.name);

        let text = String::from_utf8_lossy(&service.call("GET", "/metrics", &[], Bytes::new()).await.body)
            .into_owned();
        assert!(metric(&text, "s3c_bytes_received_total") >= body.len() as f64, "{text}");
        assert!(metric(&text, "s3c_bytes_sent_total") >= body.len() as f64, "{text}");
        let upstream = "s3c_upstream_request_duration_seconds_count";
        assert!(metric(&text, &format!("{upstream}{{operation=\"PutObject\",status=\"200\"}}")) >= 1.0);
        assert!(metric(&text, &format!("{upstream}{{operation=\"GetObject\",status=\"200\"}}")) >= 1.0);
        assert!(text.contains(
            "s3c_upstream_request_duration_seconds_bucket{operation=\"GetObject\",status=\"200\",le=\"+Inf\"}"
        ));
        // Only the /metrics request itself is in flight.
        assert_eq!(metric(&text, "s3c_requests_in_flight"), 1.0, "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_holds_its_concurrency_permit_until_its_body_is_sent() {
    let server = test_support::s3s_fs().await.unwrap();
    let service = start(&server.endpoint, |raw| {
        raw.max_concurrency = Some(1);
        raw.upstream_timeout_seconds = Some(1);
    })
    .await;
    let bucket = make_bucket(&server.endpoint, "permits").await;
    let path = format!("/v1/buckets/{bucket}/objects/large.bin");
    let put = service.call("PUT", &path, &[], vec![0x42_u8; 64 << 20]).await;
    assert_eq!(put.status, 200);

    // A download whose reader stops after the headers: its body cannot all be sent.
    let request = http::Request::builder()
        .uri(format!("{}{path}", service.base))
        .header("authorization", auth())
        .body(http_body_util::Full::new(Bytes::new()))
        .unwrap();
    let mut slow = service.http.request(request).await.unwrap();
    assert_eq!(slow.status(), 200);
    let first = slow.body_mut().frame().await.unwrap().unwrap();
    assert!(first.is_data());

    // The one permit is taken: another request waits the upstream timeout, then gets 503.
    let busy = service.call("GET", "/v1/buckets", &[], Bytes::new()).await;
    assert_eq!(busy.status, 503, "{:?}", busy.body);
    assert_eq!(busy.json()["error"]["code"], "SlowDown");
    assert!(busy.header("retry-after").is_some());
    // Health checks take no permit.
    assert_eq!(service.call("GET", "/healthz", &[], Bytes::new()).await.status, 200);
    let text =
        String::from_utf8_lossy(&service.call("GET", "/metrics", &[], Bytes::new()).await.body).into_owned();
    assert_eq!(metric(&text, "s3c_requests_in_flight"), 2.0, "the download and /metrics: {text}");

    // Once the download is read to its end, the permit is free again.
    let rest = slow.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(rest.len() + first.into_data().unwrap().len(), 64 << 20);
    assert_eq!(service.call("GET", "/v1/buckets", &[], Bytes::new()).await.status, 200);
}
