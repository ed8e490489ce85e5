//! Malformed requests: each gets a 4xx JSON answer, none that cannot be valid reaches the
//! store, and the service keeps serving.

use crate::{auth, basic, make_bucket, start};
use std::io::{Read, Write};
use test_support::fault::FaultProxy;

struct Raw {
    status: u16,
    head: String,
    body: Vec<u8>,
}

/// Sends raw bytes and reads the answer to the end (every request says Connection: close).
fn send_raw(address: std::net::SocketAddr, request: &[u8], half_close: bool) -> Raw {
    let started = std::time::Instant::now();
    let raw = send_raw_inner(address, request, half_close);
    // No assertion on time (never in tests), but a slow answer is worth seeing in the output.
    if started.elapsed() > std::time::Duration::from_secs(2) {
        eprintln!("slow answer ({:?}): {:.60}", started.elapsed(), String::from_utf8_lossy(request));
    }
    raw
}

fn send_raw_inner(address: std::net::SocketAddr, request: &[u8], half_close: bool) -> Raw {
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
    let _ = stream.write_all(request);
    if half_close {
        let _ = stream.shutdown(std::net::Shutdown::Write);
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, _) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let head_len = head.len() + 4;
    let status = head.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    let mut body = answer.get(head_len..).unwrap_or_default().to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    Raw { status, head: head.to_owned(), body }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap_or("0").trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[line_end + 2..line_end + 2 + size]);
        data = &data[line_end + 2 + size + 2..];
    }
    out
}

fn request(method: &str, target: &str, headers: &[(&str, String)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("content-length")) && !body.is_empty() {
        out.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_4xx_json_and_never_reach_the_store() {
    let server = test_support::s3s_fs().await.unwrap();
    let bucket = make_bucket(&server.endpoint, "bad").await;
    let proxy = FaultProxy::start(&server.endpoint, vec![]).await.unwrap();
    let service = start(&proxy.endpoint, |_| {}).await;
    let address = service.address;
    let authorization = auth();
    let with_auth = |extra: &[(&'static str, String)]| -> Vec<(&'static str, String)> {
        let mut headers = vec![("Authorization", authorization.clone())];
        headers.extend(extra.iter().cloned());
        headers
    };
    let long_key = "k".repeat(1025);
    let b64 = |text: &str| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, text);

    let mut cases: Vec<(String, Vec<u8>)> = Vec::new();
    let mut add = |label: &str, bytes: Vec<u8>| cases.push((label.to_owned(), bytes));
    for bad_bucket in [
        "evil.com%2Fx",
        "evil.com%3A80",
        "a..b",
        "-a",
        "a-",
        "Upper",
        "192.168.1.1",
        "ab",
        &"a".repeat(64),
        "a_b",
        "bucket%00",
        "%ff",
        "xn--abc",
        "a.-b",
        "b%20c",
        "b:80",
        "b@x",
        "b%3Fx",
        "b%23x",
        "sthree-x",
    ] {
        add(
            &format!("bucket {bad_bucket}"),
            request("GET", &format!("/v1/buckets/{bad_bucket}/objects"), &with_auth(&[]), b""),
        );
    }
    for method in ["GET", "PUT", "DELETE", "HEAD"] {
        for bad_key in ["%ff", "%zz", "%", "%C3%28", long_key.as_str(), ""] {
            add(
                &format!("{method} key {:.20}", bad_key),
                request(method, &format!("/v1/buckets/{bucket}/objects/{bad_key}"), &with_auth(&[]), b""),
            );
        }
    }
    add(
        "metadata empty key",
        request("GET", &format!("/v1/buckets/{bucket}/metadata/"), &with_auth(&[]), b""),
    );
    for credentials in [
        "Bearer abc".to_owned(),
        "Basic".to_owned(),
        "Basic !!!".to_owned(),
        format!("Basic {}", b64("nocolon")),
        format!("Basic {}", b64(":password")),
        format!("Basic {}", b64("user:")),
        "Digest username=\"x\"".to_owned(),
        format!("Basic {}", b64("us er:pass")),
    ] {
        add(
            &format!("auth {credentials}"),
            request("GET", "/v1/buckets", &[("Authorization", credentials.clone())], b""),
        );
    }
    add("no auth", request("GET", "/v1/buckets", &[], b""));
    add("no auth on object", request("GET", &format!("/v1/buckets/{bucket}/objects/k"), &[], b""));
    for range in [
        "bytes=5-1",
        "bytes=",
        "bytes=abc",
        "items=0-1",
        "bytes=0-1,5-6",
        "bytes=-0",
        "bytes=99999999999999999999-",
        "bytes=--5",
    ] {
        add(
            &format!("range {range}"),
            request(
                "GET",
                &format!("/v1/buckets/{bucket}/objects/k"),
                &with_auth(&[("Range", range.to_owned())]),
                b"",
            ),
        );
    }
    let files = format!("/v1/buckets/{bucket}/files");
    for json in [
        "not json".to_owned(),
        "{}".to_owned(),
        r#"{"key":"k"}"#.to_owned(),
        r#"{"key":"","content":""}"#.to_owned(),
        r#"{"key":"k","content":5}"#.to_owned(),
        r#"{"key":"k","content":{"$content":5}}"#.to_owned(),
        r#"{"key":"k","content":"@@@"}"#.to_owned(),
        r#"{"key":"k","content":"aGVsbG8","metadata":{"a":1}}"#.to_owned(),
        r#"{"key":"k","content":"","extra":1}"#.to_owned(),
        format!(r#"{{"key":"{long_key}","content":""}}"#),
        r#"{"key":"k","content":"aGVsbG8","metadata":{"bad name":"x"}}"#.to_owned(),
        "[1,2]".to_owned(),
    ] {
        add(
            &format!("json {json:.30}"),
            request(
                "POST",
                &files,
                &with_auth(&[("Content-Type", "application/json".to_owned())]),
                json.as_bytes(),
            ),
        );
    }
    for query in
        ["maxKeys=0", "maxKeys=1001", "maxKeys=abc", "all=maybe", "unknown=1", "prefix=%ff", "maxKeys=-1"]
    {
        add(
            &format!("query {query}"),
            request("GET", &format!("/v1/buckets/{bucket}/objects?{query}"), &with_auth(&[]), b""),
        );
    }
    add(
        "if-none-match etag on put",
        request(
            "PUT",
            &format!("/v1/buckets/{bucket}/objects/k"),
            &with_auth(&[("If-None-Match", "\"abc\"".to_owned())]),
            b"x",
        ),
    );
    add(
        "metadata too large",
        request(
            "PUT",
            &format!("/v1/buckets/{bucket}/objects/k"),
            &with_auth(&[("x-amz-meta-big", "v".repeat(3000))]),
            b"x",
        ),
    );
    add(
        "empty token",
        request("GET", "/v1/buckets", &with_auth(&[("X-Amz-Security-Token", String::new())]), b""),
    );
    add("no route", request("GET", "/v1/nope", &with_auth(&[]), b""));
    add("wrong method", request("POST", "/v1/buckets", &with_auth(&[]), b""));
    add(
        "wrong method on listing",
        request("DELETE", &format!("/v1/buckets/{bucket}/objects"), &with_auth(&[]), b""),
    );
    add(
        "huge content length",
        request(
            "PUT",
            &format!("/v1/buckets/{bucket}/objects/k"),
            &with_auth(&[("Content-Length", "6000000000000".to_owned())]),
            b"",
        ),
    );
    add(
        "a header of 100 KB",
        request("GET", "/v1/buckets", &with_auth(&[("X-Large", "h".repeat(100_000))]), b""),
    );
    let many: Vec<(&'static str, String)> = (0..300).map(|index| ("X-Many", index.to_string())).collect();
    add("300 headers", request("GET", "/v1/buckets", &with_auth(&many), b""));
    add(
        "basic with spaces",
        request("GET", "/v1/buckets", &[("Authorization", format!("Basic {}", b64("user:pass word")))], b""),
    );

    let count = cases.len();
    assert!(count >= 60, "only {count} cases");
    for (label, bytes) in cases {
        let before = proxy.requests();
        let answer = tokio::task::spawn_blocking(move || send_raw(address, &bytes, false)).await.unwrap();
        assert_eq!(proxy.requests(), before, "{label}: an invalid request reached the store");
        assert!((400..500).contains(&answer.status), "{label}: status {} {}", answer.status, answer.head);
        if !answer.head.starts_with("HTTP/1.1 ") || answer.body.is_empty() {
            assert!(label.starts_with("HEAD "), "{label}: no body: {}", answer.head);
            continue;
        }
        let value: serde_json::Value = serde_json::from_slice(&answer.body)
            .unwrap_or_else(|_| panic!("{label}: not JSON: {:?}", String::from_utf8_lossy(&answer.body)));
        assert!(value["error"]["code"].is_string(), "{label}: {value}");
        assert!(!value["error"]["requestId"].as_str().unwrap_or_default().is_empty(), "{label}: {value}");
        assert!(!String::from_utf8_lossy(&answer.body).contains(test_support::SECRET_KEY), "{label}");
    }

    // Broken HTTP: hyper answers 4xx itself; the service keeps serving.
    let garbage: Vec<Vec<u8>> = vec![
        b"GARBAGE\r\n\r\n".to_vec(),
        format!("GET /v1/buckets HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Huge: {}\r\n\r\n", "h".repeat(200_000))
            .into_bytes(),
        b"PUT /v1/buckets/x/objects/k HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: abc\r\n\r\n".to_vec(),
    ];
    for bytes in garbage {
        let answer = tokio::task::spawn_blocking(move || send_raw(address, &bytes, false)).await.unwrap();
        assert!((400..500).contains(&answer.status) || answer.status == 0, "{}", answer.head);
    }

    // A body shorter than its Content-Length: nothing is stored.
    let short = request(
        "PUT",
        &format!("/v1/buckets/{bucket}/objects/short"),
        &with_auth(&[("Content-Length", "1000".to_owned())]),
        b"only ten b",
    );
    tokio::task::spawn_blocking(move || send_raw(address, &short, true)).await.unwrap();
    // A body longer than its Content-Length: only Content-Length bytes are the body.
    let long = request(
        "PUT",
        &format!("/v1/buckets/{bucket}/objects/long"),
        &with_auth(&[("Content-Length", "4".to_owned())]),
        b"abcdEXTRA",
    );
    let stored = tokio::task::spawn_blocking(move || send_raw(address, &long, false)).await.unwrap();
    assert_eq!(stored.status, 200, "{}", stored.head);

    let check = start(&server.endpoint, |_| {}).await;
    let health = check.call("GET", "/healthz", &[], bytes::Bytes::new()).await;
    assert_eq!(health.status, 200);
    let still = service.call("GET", "/v1/buckets", &[], bytes::Bytes::new()).await;
    assert_eq!(still.status, 200, "the service must keep serving");
    let short =
        service.call("GET", &format!("/v1/buckets/{bucket}/objects/short"), &[], bytes::Bytes::new()).await;
    assert_eq!(short.status, 404, "a cut-short upload must leave no object");
    let long =
        service.call("GET", &format!("/v1/buckets/{bucket}/objects/long"), &[], bytes::Bytes::new()).await;
    assert_eq!(&long.body[..], b"abcd");
    let _ = basic;
}
