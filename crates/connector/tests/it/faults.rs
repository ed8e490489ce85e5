//! Upstream trouble and callers that give up: the right status, and nothing left behind.

use crate::{auth, make_bucket, start};
use bytes::Bytes;
use std::io::Write;
use test_support::fault::{Fault, FaultProxy, Rule};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_failures_map_to_502_503_504() {
    let server = test_support::s3s_fs().await.unwrap();
    let throttled =
        FaultProxy::start(&server.endpoint, vec![Rule::every(100, Fault::SlowDown)]).await.unwrap();
    let service = start(&throttled.endpoint, |_| {}).await;
    let answer = service.call("GET", "/v1/buckets", &[], Bytes::new()).await;
    assert_eq!(answer.status, 503);
    assert_eq!(answer.json()["error"]["code"], "SlowDown");
    assert!(answer.header("retry-after").is_some());

    let stalled = FaultProxy::start(
        &server.endpoint,
        vec![Rule::every(100, Fault::StallAfter(0, std::time::Duration::from_secs(5)))],
    )
    .await
    .unwrap();
    let service = start(&stalled.endpoint, |raw| raw.upstream_timeout_seconds = Some(1)).await;
    let answer = service.call("GET", "/v1/buckets", &[], Bytes::new()).await;
    assert_eq!(answer.status, 504, "{:?}", answer.body);
    assert_eq!(answer.json()["error"]["code"], "UpstreamTimeout");

    let service = start("http://127.0.0.1:9", |_| {}).await;
    let answer = service.call("GET", "/v1/buckets", &[], Bytes::new()).await;
    assert_eq!(answer.status, 502);
    assert_eq!(answer.json()["error"]["code"], "UpstreamUnavailable");
    assert_eq!(service.call("GET", "/readyz", &[], Bytes::new()).await.status, 503);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_that_disconnects_mid_upload_leaves_nothing_behind() {
    // ListMultipartUploads shows what is left: SeaweedFS has it.
    let Some(server) = test_support::external("seaweedfs") else { return };
    let bucket = make_bucket(&server.endpoint, "gone").await;
    let service = start(&server.endpoint, |_| {}).await;
    let address = service.address;
    let path = format!("/v1/buckets/{bucket}/objects/abandoned.bin");
    let authorization = auth();
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        let head = format!(
            "PUT {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {authorization}\r\nContent-Length: {}\r\n\r\n",
            64 << 20
        );
        stream.write_all(head.as_bytes()).unwrap();
        // 20 MiB: past the multipart threshold, so parts are already stored when we vanish.
        let chunk = vec![7u8; 1 << 20];
        for _ in 0..20 {
            stream.write_all(&chunk).unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
        drop(stream);
    })
    .await
    .unwrap();
    let direct = crate::direct_client(&server.endpoint);
    // The abort runs when the upload notices the broken body; give it a moment.
    let mut open = Vec::new();
    for _ in 0..50 {
        open = direct.list_multipart_uploads(&bucket, None).await.unwrap();
        if open.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(open.is_empty(), "orphaned multipart uploads: {open:?}");
    let missing = direct.head_object(&bucket, "abandoned.bin", &Default::default()).await.unwrap_err();
    assert!(matches!(missing, s3::Error::NoSuchKey { .. }), "{missing:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_that_stalls_mid_upload_is_cut_off_and_leaves_nothing() {
    let Some(server) = test_support::external("seaweedfs") else { return };
    let bucket = make_bucket(&server.endpoint, "stall").await;
    let service = start(&server.endpoint, |raw| raw.upstream_timeout_seconds = Some(1)).await;
    let address = service.address;
    let path = format!("/v1/buckets/{bucket}/objects/stalled.bin");
    let authorization = auth();
    let answer = tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
        let head = format!(
            "PUT {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {authorization}\r\nContent-Length: {}\r\n\r\n",
            32 << 20
        );
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(&vec![1u8; 12 << 20]).unwrap();
        // Then nothing more, with the connection open: the service must give up on its own.
        let mut answer = vec![0u8; 4096];
        let read = stream.read(&mut answer).unwrap_or(0);
        String::from_utf8_lossy(&answer[..read]).into_owned()
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("IncompleteBody"), "{answer}");
    let direct = crate::direct_client(&server.endpoint);
    let open = direct.list_multipart_uploads(&bucket, None).await.unwrap();
    assert!(open.is_empty(), "orphaned multipart uploads: {open:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_are_closed() {
    let server = test_support::s3s_fs().await.unwrap();
    let service = start(&server.endpoint, |raw| raw.idle_timeout_seconds = Some(1)).await;
    let address = service.address;
    let closed = tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut answer = [0u8; 1024];
        let read = stream.read(&mut answer).unwrap();
        assert!(answer[..read].starts_with(b"HTTP/1.1 200"));
        // Then silence: the service closes the connection (no timing asserted, only that it does).
        stream.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
        stream.read(&mut answer).map(|read| read == 0).unwrap_or(false)
    })
    .await
    .unwrap();
    assert!(closed, "an idle connection must be closed by the service");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_part_damaged_on_its_way_to_the_store_is_refused_and_sent_again() {
    // Every part carries its CRC32C, which SeaweedFS verifies: a damaged part is refused
    // (BadDigest) and sent again from memory, and the object arrives whole.
    let Some(server) = test_support::external("seaweedfs") else { return };
    let bucket = make_bucket(&server.endpoint, "damaged").await;
    let rules = vec![
        Rule::matching("partNumber=2&", 1, Fault::CorruptBody),
        Rule::matching("/small.bin", 1, Fault::CorruptBody),
    ];
    let proxy = FaultProxy::start(&server.endpoint, rules).await.unwrap();
    let service = start(&proxy.endpoint, |_| {}).await;
    for (key, size) in [("large.bin", 20 << 20), ("small.bin", 1000)] {
        let body = Bytes::from(test_support::pseudo_random_bytes(size, 9));
        let path = format!("/v1/buckets/{bucket}/objects/{key}");
        let answer = service.call("PUT", &path, &[], body.clone()).await;
        assert_eq!(answer.status, 200, "{key}: {:?}", answer.body);
        let back = service.call("GET", &path, &[], Bytes::new()).await;
        assert!(back.body == body, "{key}: the stored bytes differ");
    }
    assert_eq!(proxy.faults(), 2, "one damaged part, one damaged object");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_past_the_memory_budget_wait_then_get_503() {
    let server = test_support::s3s_fs().await.unwrap();
    let bucket = make_bucket(&server.endpoint, "budget").await;
    let service = start(&server.endpoint, |raw| {
        raw.upload_memory_mib = Some(32);
        raw.upstream_timeout_seconds = Some(1);
    })
    .await;
    // A streaming upload of unknown length reserves a whole multipart upload's buffers: here,
    // all of the budget. It trickles in for a few seconds, each piece within the timeout.
    let (address, authorization) = (service.address, auth());
    let path = format!("/v1/buckets/{bucket}/objects/trickle.bin");
    let (started_sender, started) = tokio::sync::oneshot::channel();
    let trickle = tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        let head = format!(
            "PUT {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {authorization}\r\nTransfer-Encoding: chunked\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).unwrap();
        let piece = vec![5u8; 64 << 10];
        let mut started_sender = Some(started_sender);
        for _ in 0..12 {
            stream.write_all(format!("{:x}\r\n", piece.len()).as_bytes()).unwrap();
            stream.write_all(&piece).unwrap();
            stream.write_all(b"\r\n").unwrap();
            if let Some(sender) = started_sender.take() {
                let _ = sender.send(());
            }
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
        stream.write_all(b"0\r\n\r\n").unwrap();
        let mut answer = vec![0u8; 4096];
        let read = stream.read(&mut answer).unwrap_or(0);
        String::from_utf8_lossy(&answer[..read]).into_owned()
    });
    started.await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let waiting = service.call("PUT", &format!("/v1/buckets/{bucket}/objects/small.txt"), &[], "x").await;
    assert_eq!(waiting.status, 503, "{:?}", waiting.body);
    assert_eq!(waiting.json()["error"]["code"], "SlowDown");
    assert!(waiting.header("retry-after").is_some());
    let answer = trickle.await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // The budget is free again.
    let later = service.call("PUT", &format!("/v1/buckets/{bucket}/objects/small.txt"), &[], "x").await;
    assert_eq!(later.status, 200, "{:?}", later.body);
}
