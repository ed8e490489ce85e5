//! The service over its embedded store (s3s-fs in this process), as `s3-connector serve` runs
//! with no upstream configured.

use crate::{basic, start_with};
use bytes::Bytes;
use connector::RawSettings;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_store_refuses_keys_that_would_land_outside_their_bucket() {
    let data_dir = std::env::temp_dir().join(test_support::unique_bucket("s3c-embedded"));
    let store = connector::embedded::start(&data_dir).await.unwrap();
    let settings =
        RawSettings { data_dir: Some(data_dir.clone()), ..RawSettings::default() }.resolve().unwrap();
    assert_eq!(settings.checksum, s3::ChecksumCalculation::WhenRequired, "s3s-fs verifies signed payloads");
    let service = start_with(settings, Some(&store.endpoint)).await;
    let authorization = basic(&store.credentials.access_key_id, &store.credentials.secret_access_key);
    let credentials_file = data_dir.join(connector::embedded::CREDENTIALS_FILE);
    let before = std::fs::read(&credentials_file).unwrap();
    let put = |key: &str| {
        let path = format!("/v1/buckets/my-bucket/objects/{key}");
        let headers = [("authorization", authorization.as_str())];
        let service = &service;
        async move { service.call("PUT", &path, &headers, Bytes::from_static(b"payload")).await }
    };
    assert_eq!(put("folder/ok.txt").await.status, 200);
    // Each of these names another file (or one outside the bucket) in a store of files.
    for key in [
        "..%2F.s3-connector-credentials.json",
        "..%2Fescape.txt",
        "x%2F..%2F..%2Fy",
        "a%2F%2Fb",
        "%2Fleading",
        "a%2F.%2Fb",
        "nul%00byte",
    ] {
        let answer = put(key).await;
        assert_eq!(answer.status, 400, "{key}: {:?}", answer.body);
        assert_eq!(answer.json()["error"]["code"], "InvalidKey", "{key}");
    }
    assert_eq!(std::fs::read(&credentials_file).unwrap(), before, "the credentials file is untouched");
    // s3s-fs names files after the key: the longest key that fits, multipart too, and one more.
    let longest = "k".repeat(126);
    let path = format!("/v1/buckets/my-bucket/objects/{longest}");
    let headers = [("authorization", authorization.as_str())];
    let large = Bytes::from(vec![9u8; 9 << 20]);
    assert_eq!(service.call("PUT", &path, &headers, large).await.status, 200);
    let too_long = put(&"k".repeat(127)).await;
    assert_eq!((too_long.status, too_long.json()["error"]["code"].as_str()), (400, Some("InvalidKey")));
    assert!(!data_dir.join("escape.txt").exists() && !data_dir.join("y").exists());
    let _ = std::fs::remove_dir_all(&data_dir);
}
