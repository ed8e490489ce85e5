//! Retries and faults, through the fault-injecting proxy in front of a real server.

use crate::support::{PART, bucket, client, data, read_all};
use bytes::Bytes;
use s3::{
    ChecksumCalculation, Client, Config, Credentials, Endpoint, Error, GetOptions, PutOptions,
    TransferSettings,
};
use std::time::Duration;
use test_support::fault::{Fault, FaultProxy, Rule};
use test_support::{ACCESS_KEY, SECRET_KEY};

fn client_via(proxy: &FaultProxy, max_attempts: u32, read_timeout: Duration) -> Client {
    let endpoint = Endpoint::parse(&proxy.endpoint).unwrap();
    let mut config = Config::new(endpoint, "us-east-1", Credentials::new(ACCESS_KEY, SECRET_KEY));
    config.retry.max_attempts = max_attempts;
    config.retry.base_delay = Duration::from_millis(5);
    config.read_timeout = read_timeout;
    config.transfer = TransferSettings { multipart_threshold: PART, part_size: PART, concurrency: 2 };
    let client = Client::new(config).unwrap();
    client.seed_jitter(7);
    client
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_is_retried_until_it_passes() {
    let server = test_support::s3s_fs().await.unwrap();
    let direct = client(&server);
    let name = bucket(&direct, "retry").await;
    let proxy = FaultProxy::start(&server.endpoint, vec![Rule::every(2, Fault::SlowDown)]).await.unwrap();
    let via = client_via(&proxy, 4, Duration::from_secs(10));
    via.put_object(&name, "k", Bytes::from_static(b"hello"), &PutOptions::default()).await.unwrap();
    assert_eq!(proxy.faults(), 2);
    assert_eq!(proxy.requests(), 3, "two refused attempts, then the one that passed");

    let proxy = FaultProxy::start(&server.endpoint, vec![Rule::every(10, Fault::SlowDown)]).await.unwrap();
    let via = client_via(&proxy, 3, Duration::from_secs(10));
    let error = via.list_buckets().await.unwrap_err();
    assert_eq!(error.code(), Some("SlowDown"), "{error:?}");
    assert_eq!(error.status(), Some(503));
    assert_eq!(proxy.requests(), 3, "bounded by max_attempts");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_only_when_safe() {
    let server = test_support::s3s_fs().await.unwrap();
    let direct = client(&server);
    let name = bucket(&direct, "safe").await;
    // CreateMultipartUpload (POST) is not idempotent: a 500 may have created an upload.
    let proxy =
        FaultProxy::start(&server.endpoint, vec![Rule::matching("?uploads", 1, Fault::InternalError)])
            .await
            .unwrap();
    let via = client_via(&proxy, 4, Duration::from_secs(10));
    let error = via.create_multipart_upload(&name, "k", &PutOptions::default()).await.unwrap_err();
    assert_eq!(error.code(), Some("InternalError"));
    assert_eq!(proxy.requests(), 1);
    // A GET is: retried past the 500.
    direct.put_object(&name, "k", Bytes::from_static(b"x"), &PutOptions::default()).await.unwrap();
    let proxy =
        FaultProxy::start(&server.endpoint, vec![Rule::every(1, Fault::InternalError)]).await.unwrap();
    let via = client_via(&proxy, 4, Duration::from_secs(10));
    via.get_object(&name, "k", &GetOptions::default()).await.unwrap().body.collect().await.unwrap();
    assert_eq!(proxy.requests(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_cut_short_is_an_error_never_a_short_success() {
    let server = test_support::s3s_fs().await.unwrap();
    let direct = client(&server);
    let name = bucket(&direct, "reset").await;
    direct.put_object(&name, "big", Bytes::from(data(1 << 20, 1)), &PutOptions::default()).await.unwrap();
    let proxy =
        FaultProxy::start(&server.endpoint, vec![Rule::matching("GET", 1, Fault::ResetAfter(100_000))])
            .await
            .unwrap();
    let via = client_via(&proxy, 4, Duration::from_secs(10));
    let output = via.get_object(&name, "big", &GetOptions::default()).await.unwrap();
    let error = output.body.collect().await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    let mut sink = Vec::new();
    // The next attempt passes the proxy untouched: the whole object arrives.
    let written = via.download(&name, "big", &GetOptions::default(), &mut sink).await.unwrap();
    assert_eq!(written, 1 << 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stall_past_the_read_timeout_is_an_error() {
    let server = test_support::s3s_fs().await.unwrap();
    let direct = client(&server);
    let name = bucket(&direct, "stall").await;
    direct.put_object(&name, "big", Bytes::from(data(1 << 20, 2)), &PutOptions::default()).await.unwrap();
    let stall = Fault::StallAfter(50_000, Duration::from_secs(3));
    let proxy = FaultProxy::start(&server.endpoint, vec![Rule::matching("GET", 1, stall)]).await.unwrap();
    let via = client_via(&proxy, 4, Duration::from_millis(300));
    let output = via.get_object(&name, "big", &GetOptions::default()).await.unwrap();
    let error = output.body.collect().await.unwrap_err();
    assert!(matches!(&error, Error::Transport { message, .. } if message.contains("no data")), "{error:?}");

    // A stall before the response head is retried (GET is idempotent).
    let proxy = FaultProxy::start(
        &server.endpoint,
        vec![Rule::matching("GET", 1, Fault::StallAfter(0, Duration::from_secs(3)))],
    )
    .await
    .unwrap();
    let via = client_via(&proxy, 4, Duration::from_millis(300));
    let body =
        via.get_object(&name, "big", &GetOptions::default()).await.unwrap().body.collect().await.unwrap();
    assert_eq!(body.len(), 1 << 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_multipart_upload_is_aborted() {
    // ListMultipartUploads is needed to see that nothing is left: SeaweedFS has it.
    let Some(server) = test_support::external("seaweedfs") else { return };
    let direct = client(&server);
    let name = bucket(&direct, "abort").await;
    let proxy =
        FaultProxy::start(&server.endpoint, vec![Rule::matching("partNumber=2&", 100, Fault::InternalError)])
            .await
            .unwrap();
    let via = client_via(&proxy, 3, Duration::from_secs(10));
    let body = data(3 * PART, 3);
    let error = via.upload(&name, "doomed", body.as_slice(), &PutOptions::default(), None).await.unwrap_err();
    assert_eq!(error.code(), Some("InternalError"), "{error:?}");
    let open = direct.list_multipart_uploads(&name, None).await.unwrap();
    assert!(open.is_empty(), "orphaned uploads: {open:?}");
    let missing = direct.head_object(&name, "doomed", &Default::default()).await.unwrap_err();
    assert!(matches!(missing, Error::NoSuchKey { .. }), "{missing:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_damaged_in_transit_is_refused_then_sent_again() {
    // A store refuses a body that does not match what was signed or checksummed, and the
    // client sends it again. Each server is used in the mode it verifies: SeaweedFS checks the
    // CRC32C (and no signed SHA-256); s3s-fs checks the signed SHA-256 as the body streams in,
    // but the CRC32C of PutObject only after storing the object, and not on UploadPart (so the
    // connector's embedded store gets signed payloads). rclone checks neither.
    let mut servers = vec![(test_support::s3s_fs().await.unwrap(), ChecksumCalculation::WhenRequired)];
    servers.extend(
        test_support::external("seaweedfs").map(|server| (server, ChecksumCalculation::WhenSupported)),
    );
    for (server, checksum) in servers {
        let direct = client(&server);
        let name = bucket(&direct, "damaged").await;
        let via = |proxy: &FaultProxy| {
            let mut config = client_via(proxy, 3, Duration::from_secs(10)).config().clone();
            config.checksum = checksum;
            Client::new(config).unwrap()
        };
        let small = data(1000, 4);
        let once = vec![Rule::matching("PUT", 1, Fault::CorruptBody)];
        let proxy = FaultProxy::start(&server.endpoint, once).await.unwrap();
        via(&proxy)
            .put_object(&name, "small", Bytes::from(small.clone()), &PutOptions::default())
            .await
            .unwrap();
        assert_eq!((proxy.faults(), proxy.requests()), (1, 2), "{}", server.name);
        assert!(read_all(&direct, &name, "small").await == small, "{}", server.name);

        let large = data(3 * PART, 5);
        let second_part_once = vec![Rule::matching("partNumber=2&", 1, Fault::CorruptBody)];
        let proxy = FaultProxy::start(&server.endpoint, second_part_once).await.unwrap();
        via(&proxy).upload(&name, "large", large.as_slice(), &PutOptions::default(), None).await.unwrap();
        assert_eq!(proxy.faults(), 1, "{}", server.name);
        assert!(read_all(&direct, &name, "large").await == large, "{}", server.name);

        // Damaged every time: the upload fails and stores nothing.
        let always = vec![Rule::matching("PUT", 100, Fault::CorruptBody)];
        let proxy = FaultProxy::start(&server.endpoint, always).await.unwrap();
        let error = via(&proxy)
            .put_object(&name, "never", Bytes::from(small.clone()), &PutOptions::default())
            .await
            .unwrap_err();
        // SeaweedFS answers BadDigest; s3s-fs a 500 when the body fails its signed SHA-256.
        let expected =
            if checksum == ChecksumCalculation::WhenSupported { "BadDigest" } else { "InternalError" };
        assert_eq!(error.code(), Some(expected), "{}: {error:?}", server.name);
        assert_eq!(proxy.requests(), 3, "{}", server.name);
        let missing = direct.head_object(&name, "never", &Default::default()).await.unwrap_err();
        assert!(matches!(missing, Error::NoSuchKey { .. }), "{}: {missing:?}", server.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_refuses_checksums_gets_signed_payloads() {
    // Stores without checksum support answer 501 NotImplemented to a checksum header (no
    // server here does, so the proxy stands in for one): the upload is sent again with its
    // SHA-256 signed instead, and so is every later one.
    let server = test_support::s3s_fs().await.unwrap();
    let direct = client(&server);
    let name = bucket(&direct, "nochecksum").await;
    for (key, size) in [("small", 1000), ("large", 3 * PART)] {
        let refuse = vec![Rule::matching("x-amz-checksum", 100, Fault::NotImplemented)];
        let proxy = FaultProxy::start(&server.endpoint, refuse).await.unwrap();
        let via = client_via(&proxy, 3, Duration::from_secs(10));
        let body = data(size, 6);
        via.upload(&name, key, body.as_slice(), &PutOptions::default(), None).await.unwrap();
        assert_eq!(proxy.faults(), 1, "{key}: refused once, then no checksum header is sent");
        assert!(read_all(&direct, &name, key).await == body, "{key}");
        via.put_object(&name, "later", Bytes::from_static(b"x"), &PutOptions::default()).await.unwrap();
        assert_eq!(proxy.faults(), 1, "{key}: later uploads send none either");
    }
}
