//! Every operation, on every server.

use crate::support::{PART, bucket, client, client_with, data, lacks, read_all};
use bytes::Bytes;
use s3::{Conditions, Error, GetOptions, ListOptions, MetadataDirective, PutOptions};
use sha2::{Digest, Sha256};
use test_support::all_servers;

/// The keys that broke the community connector, and more.
pub const SPECIAL_KEYS: &[&str] = &[
    "plain.txt",
    "with space.txt",
    "plus+sign.txt",
    "percent%25 and % alone",
    "equals=colon:at@amp&dollar$",
    "question?hash#tilde~",
    "bang!quote'paren()star*",
    "unicode/日本語/ファイル.pdf",
    "emoji 🎉.png",
    "double//slash",
    "./dot-slash",
    "../dot-dot-slash",
    "/leading-slash",
    "trailing space ",
    "folder/sub folder/file name.docx",
    "comma,semicolon;brackets[]",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buckets_are_created_listed_headed_and_deleted() {
    for server in all_servers().await {
        let client = client(&server);
        let name = bucket(&client, "buckets").await;
        let listed = client.list_buckets().await.unwrap();
        assert!(listed.iter().any(|b| b.name == name), "{}: {listed:?}", server.name);
        assert!(listed.iter().all(|b| !b.creation_date.is_empty()), "{}", server.name);
        client.head_bucket(&name).await.unwrap();
        client.delete_bucket(&name).await.unwrap();
        let gone = client.head_bucket(&name).await.unwrap_err();
        assert!(matches!(gone, Error::NoSuchBucket { .. }), "{}: {gone:?}", server.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_of_every_size_round_trip_byte_exact() {
    for server in all_servers().await {
        let client = client(&server);
        let name = bucket(&client, "sizes").await;
        for (index, size) in [0, 1, PART - 1, PART, PART + 1, 64 << 20].into_iter().enumerate() {
            let body = data(size, index as u64);
            let key = format!("size-{size}");
            let output =
                client.upload(&name, &key, body.as_slice(), &PutOptions::default(), None).await.unwrap();
            assert_eq!(output.size, size as u64, "{}: {key}", server.name);
            let back = read_all(&client, &name, &key).await;
            assert_eq!(back.len(), size, "{}: {key}", server.name);
            assert_eq!(Sha256::digest(&back), Sha256::digest(&body), "{}: {key}", server.name);
            let head = client.head_object(&name, &key, &Conditions::default()).await.unwrap();
            assert_eq!(head.content_length, size as u64, "{}: {key}", server.name);
        }
        if !lacks(&server, "ListMultipartUploads") {
            let open = client.list_multipart_uploads(&name, None).await.unwrap();
            assert!(open.is_empty(), "{}: {open:?}", server.name);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn special_keys_round_trip_and_list_exactly() {
    for server in all_servers().await {
        let client = client(&server);
        let name = bucket(&client, "keys").await;
        // 1024 bytes, in path segments short enough for file-system-backed servers.
        let mut long_key = format!("{}/", "k".repeat(200)).repeat(5);
        long_key.push_str(&"e".repeat(1024 - long_key.len()));
        assert_eq!(long_key.len(), 1024);
        let mut keys: Vec<String> = SPECIAL_KEYS.iter().map(|k| (*k).to_owned()).collect();
        if !lacks(&server, "1024-byte keys") {
            keys.push(long_key);
        }
        keys.retain(|key| !lacks(&server, &format!("key {key:?}")));
        let mut failures = Vec::new();
        for key in &keys {
            let body = Bytes::from(format!("body of {key}"));
            if let Err(error) = client.put_object(&name, key, body.clone(), &PutOptions::default()).await {
                failures.push(format!("put {key:?}: {error}"));
                continue;
            }
            match client.get_object(&name, key, &GetOptions::default()).await {
                Ok(output) => {
                    if output.body.collect().await.unwrap() != body {
                        failures.push(format!("get {key:?}: different bytes"));
                    }
                }
                Err(error) => failures.push(format!("get {key:?}: {error}")),
            }
        }
        assert!(failures.is_empty(), "{}: {failures:#?}", server.name);
        let mut listed = Vec::new();
        let mut pages = client.list_pages(&name, ListOptions::default());
        while let Some(page) = pages.next_page().await {
            listed.extend(page.unwrap().objects.into_iter().map(|o| o.key));
        }
        let mut expected = keys.clone();
        if lacks(&server, "listing keys with empty path segments as stored") {
            // The server lists `/a` as `a` and `a//b` as `a/b`: expect those forms instead.
            for key in &mut expected {
                while key.contains("//") {
                    *key = key.replace("//", "/");
                }
                *key = key.trim_start_matches('/').to_owned();
            }
        }
        expected.sort();
        listed.sort();
        assert_eq!(listed, expected, "{}", server.name);
        assert!(matches!(s3::validate_key(&"k".repeat(1025)), Err(Error::InvalidKey(_))));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_paginates_and_rolls_up_folders() {
    for server in all_servers().await {
        let client = client(&server);
        let name = bucket(&client, "list").await;
        let keys: Vec<String> = (0..2500).map(|i| format!("dir{}/file-{i:05}", i % 3)).collect();
        let mut tasks = tokio::task::JoinSet::new();
        for chunk in keys.chunks(100) {
            let (client, name, chunk) = (client.clone(), name.clone(), chunk.to_vec());
            tasks.spawn(async move {
                for key in chunk {
                    client
                        .put_object(&name, &key, Bytes::from_static(b"x"), &PutOptions::default())
                        .await
                        .unwrap();
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
        let mut seen = Vec::new();
        let mut pages = 0;
        let mut lister =
            client.list_pages(&name, ListOptions { max_keys: Some(1000), ..ListOptions::default() });
        while let Some(page) = lister.next_page().await {
            let page = page.unwrap();
            assert!(page.objects.len() <= 1000);
            pages += 1;
            seen.extend(page.objects.into_iter().map(|o| o.key));
        }
        let mut expected = keys.clone();
        expected.sort();
        assert_eq!(seen, expected, "{}", server.name);
        assert_eq!(pages, 3, "{}", server.name);

        let folders = client
            .list_objects(&name, &ListOptions { delimiter: Some("/".into()), ..ListOptions::default() })
            .await
            .unwrap();
        assert_eq!(folders.prefixes, vec!["dir0/", "dir1/", "dir2/"], "{}", server.name);
        assert!(folders.objects.is_empty(), "{}", server.name);
        let inside = client
            .list_objects(
                &name,
                &ListOptions {
                    prefix: Some("dir1/".into()),
                    max_keys: Some(5),
                    start_after: Some("dir1/file-00100".into()),
                    ..ListOptions::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(inside.objects[0].key, "dir1/file-00103", "{}", server.name);
        assert!(inside.is_truncated, "{}", server.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_delete_removes_1500_keys() {
    for server in all_servers().await {
        let client = client(&server);
        let name = bucket(&client, "delete").await;
        let keys: Vec<String> = (0..1500).map(|i| format!("k {i}+&")).collect();
        let mut tasks = tokio::task::JoinSet::new();
        for chunk in keys.chunks(100) {
            let (client, name, chunk) = (client.clone(), name.clone(), chunk.to_vec());
            tasks.spawn(async move {
                for key in chunk {
                    client.put_object(&name, &key, Bytes::new(), &PutOptions::default()).await.unwrap();
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
        let failures = client.delete_objects(&name, &keys).await.unwrap();
        assert!(failures.is_empty(), "{}: {failures:?}", server.name);
        let left = client.list_objects(&name, &ListOptions::default()).await.unwrap();
        assert!(left.objects.is_empty(), "{}: {} left", server.name, left.objects.len());
        client.delete_object(&name, "never-existed").await.unwrap();
        client.delete_bucket(&name).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metadata_and_copy() {
    for server in all_servers().await {
        let client = client(&server);
        let name = bucket(&client, "copy").await;
        let options = PutOptions {
            content_type: Some(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document".into(),
            ),
            cache_control: Some("max-age=60".into()),
            content_disposition: Some("attachment; filename=\"report.docx\"".into()),
            metadata: vec![("author".into(), "Jane Doe".into()), ("dept".into(), "finance".into())],
            create_only: false,
            content_md5: None,
        };
        client
            .put_object(&name, "src/report.docx", Bytes::from_static(b"docx bytes"), &options)
            .await
            .unwrap();
        let head = client.head_object(&name, "src/report.docx", &Conditions::default()).await.unwrap();
        assert_eq!(head.content_type, options.content_type, "{}", server.name);
        assert_eq!(head.cache_control, options.cache_control, "{}", server.name);
        assert_eq!(head.content_disposition, options.content_disposition, "{}", server.name);
        let lower: Vec<(String, String)> =
            head.metadata.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.clone())).collect();
        assert_eq!(lower, options.metadata, "{}", server.name);

        client
            .copy_object(&name, "src/report.docx", &name, "copy/report copy.docx", &MetadataDirective::Copy)
            .await
            .unwrap();
        let copied =
            client.head_object(&name, "copy/report copy.docx", &Conditions::default()).await.unwrap();
        assert_eq!(copied.content_type, options.content_type, "{}", server.name);
        assert_eq!(read_all(&client, &name, "copy/report copy.docx").await, b"docx bytes", "{}", server.name);

        // A body that is not what its Content-MD5 says is refused before it is sent.
        let damaged = PutOptions { content_md5: Some([0; 16]), ..PutOptions::default() };
        let refused = client.put_object(&name, "damaged", Bytes::from_static(b"bytes"), &damaged).await;
        assert!(matches!(&refused, Err(Error::Service(error)) if error.code == "BadDigest"), "{refused:?}");
        let sound =
            PutOptions { content_md5: Some(md5::Md5::digest(b"bytes").into()), ..PutOptions::default() };
        client.put_object(&name, "sound", Bytes::from_static(b"bytes"), &sound).await.unwrap();
        assert_eq!(read_all(&client, &name, "sound").await, b"bytes", "{}", server.name);

        let replaced = PutOptions { content_type: Some("text/plain".into()), ..PutOptions::default() };
        client
            .copy_object(
                &name,
                "src/report.docx",
                &name,
                "copy/replaced.txt",
                &MetadataDirective::Replace(replaced),
            )
            .await
            .unwrap();
        let head = client.head_object(&name, "copy/replaced.txt", &Conditions::default()).await.unwrap();
        assert_eq!(head.content_type.as_deref(), Some("text/plain"), "{}", server.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ranges_and_conditions() {
    for server in all_servers().await {
        let client = client(&server);
        let name = bucket(&client, "cond").await;
        let body = data(1000, 7);
        let put =
            client.put_object(&name, "obj", Bytes::from(body.clone()), &PutOptions::default()).await.unwrap();
        let etag = put.etag.clone();
        assert!(!etag.is_empty(), "{}", server.name);

        let ranged = client
            .get_object(
                &name,
                "obj",
                &GetOptions { range: Some("bytes=10-19".into()), ..GetOptions::default() },
            )
            .await
            .unwrap();
        assert_eq!(ranged.status, 206, "{}", server.name);
        assert_eq!(ranged.head.content_range.as_deref(), Some("bytes 10-19/1000"), "{}", server.name);
        assert_eq!(ranged.body.collect().await.unwrap().to_vec(), body[10..20].to_vec(), "{}", server.name);

        let unsatisfiable = client
            .get_object(
                &name,
                "obj",
                &GetOptions { range: Some("bytes=5000-6000".into()), ..GetOptions::default() },
            )
            .await
            .unwrap_err();
        assert!(matches!(unsatisfiable, Error::InvalidRange(_)), "{}: {unsatisfiable:?}", server.name);

        // Every server: those that ignore the conditions (s3s-fs, rclone) get them checked by
        // the client on the answer.
        {
            let if_match = GetOptions {
                conditions: Conditions { if_match: Some("\"nope\"".into()), ..Conditions::default() },
                ..GetOptions::default()
            };
            let failed = client.get_object(&name, "obj", &if_match).await.unwrap_err();
            assert!(matches!(failed, Error::PreconditionFailed(_)), "{}: {failed:?}", server.name);

            let if_none_match = GetOptions {
                conditions: Conditions { if_none_match: Some(etag.clone()), ..Conditions::default() },
                ..GetOptions::default()
            };
            let not_modified = client.get_object(&name, "obj", &if_none_match).await.unwrap_err();
            assert!(matches!(not_modified, Error::NotModified), "{}: {not_modified:?}", server.name);

            let since = |date: &str| GetOptions {
                conditions: Conditions { if_modified_since: Some(date.to_owned()), ..Conditions::default() },
                ..GetOptions::default()
            };
            let unchanged =
                client.get_object(&name, "obj", &since("Fri, 01 Jan 2100 00:00:00 GMT")).await.unwrap_err();
            assert!(matches!(unchanged, Error::NotModified), "{}: {unchanged:?}", server.name);
            assert_eq!(
                client
                    .get_object(&name, "obj", &since("Sat, 01 Jan 2000 00:00:00 GMT"))
                    .await
                    .unwrap()
                    .status,
                200
            );
        }

        let matching = GetOptions {
            conditions: Conditions { if_match: Some(etag.clone()), ..Conditions::default() },
            ..GetOptions::default()
        };
        assert_eq!(client.get_object(&name, "obj", &matching).await.unwrap().status, 200);

        if !lacks(&server, "If-None-Match on PUT") {
            let create_only = PutOptions { create_only: true, ..PutOptions::default() };
            let again =
                client.put_object(&name, "obj", Bytes::from_static(b"x"), &create_only).await.unwrap_err();
            assert!(matches!(again, Error::PreconditionFailed(_)), "{}: {again:?}", server.name);
            client.put_object(&name, "fresh", Bytes::from_static(b"x"), &create_only).await.unwrap();
        }
        // upload() checks first, so create-only holds on every server, multipart too, and a
        // refused upload sends no byte.
        let create_only = PutOptions { create_only: true, ..PutOptions::default() };
        let large = data(PART + 1, 8);
        for (key, body) in [("obj", &b"x"[..]), ("obj", large.as_slice())] {
            let refused = client.upload(&name, key, body, &create_only, None).await.unwrap_err();
            assert!(matches!(refused, Error::PreconditionFailed(_)), "{}: {refused:?}", server.name);
        }
        client.upload(&name, "fresh-large", large.as_slice(), &create_only, None).await.unwrap();
        assert!(read_all(&client, &name, "fresh-large").await == large, "{}", server.name);
        assert!(read_all(&client, &name, "obj").await == body, "{}: overwritten", server.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_typed() {
    for server in all_servers().await {
        let client = client(&server);
        let name = bucket(&client, "errors").await;
        let missing = client.get_object(&name, "no such key", &GetOptions::default()).await.unwrap_err();
        assert!(
            matches!(&missing, Error::NoSuchKey { key, .. } if key == "no such key"),
            "{}: {missing:?}",
            server.name
        );
        let missing = client.head_object(&name, "no such key", &Conditions::default()).await.unwrap_err();
        assert!(matches!(missing, Error::NoSuchKey { .. }), "{}: {missing:?}", server.name);
        let no_bucket = client.list_objects("no-such-bucket-s3c", &ListOptions::default()).await.unwrap_err();
        assert!(matches!(no_bucket, Error::NoSuchBucket { .. }), "{}: {no_bucket:?}", server.name);

        let wrong = client_with(&server, "wrong-secret");
        let error = wrong.list_objects(&name, &ListOptions::default()).await.unwrap_err();
        match &error {
            Error::SignatureDoesNotMatch { our_canonical_request, .. } => {
                assert!(our_canonical_request.starts_with("GET\n"), "{}", server.name);
            }
            other => panic!("{}: expected SignatureDoesNotMatch, got {other:?}", server.name),
        }
        assert!(!format!("{error} {error:?}").contains("wrong-secret"), "{}: secret in error", server.name);

        let invalid =
            client.put_object("Bad_Bucket", "k", Bytes::new(), &PutOptions::default()).await.unwrap_err();
        assert!(matches!(invalid, Error::InvalidInput(_)));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multipart_calls_and_abort_leave_nothing() {
    for server in all_servers().await {
        let client = client(&server);
        let name = bucket(&client, "mpu").await;
        let upload_id = client.create_multipart_upload(&name, "big", &PutOptions::default()).await.unwrap();
        let part1 = data(PART, 1);
        let part2 = data(1234, 2);
        let first =
            client.upload_part(&name, "big", &upload_id, 1, Bytes::from(part1.clone())).await.unwrap();
        let second =
            client.upload_part(&name, "big", &upload_id, 2, Bytes::from(part2.clone())).await.unwrap();
        assert_eq!((first.number, second.number), (1, 2));
        if !lacks(&server, "ListMultipartUploads") {
            let open = client.list_multipart_uploads(&name, None).await.unwrap();
            assert!(open.iter().any(|u| u.upload_id == upload_id), "{}: {open:?}", server.name);
        }
        client.complete_multipart_upload(&name, "big", &upload_id, &[first, second], false).await.unwrap();
        let back = read_all(&client, &name, "big").await;
        assert_eq!(back, [part1, part2].concat(), "{}", server.name);

        let aborted = client.create_multipart_upload(&name, "aborted", &PutOptions::default()).await.unwrap();
        client.upload_part(&name, "aborted", &aborted, 1, Bytes::from(data(100, 3))).await.unwrap();
        client.abort_multipart_upload(&name, "aborted", &aborted).await.unwrap();
        if !lacks(&server, "ListMultipartUploads") {
            let open = client.list_multipart_uploads(&name, None).await.unwrap();
            assert!(open.is_empty(), "{}: {open:?}", server.name);
        }
        let gone = client.head_object(&name, "aborted", &Conditions::default()).await.unwrap_err();
        assert!(matches!(gone, Error::NoSuchKey { .. }), "{}: {gone:?}", server.name);
    }
}

fn curl(args: &[&str]) -> (String, Vec<u8>) {
    let output = std::process::Command::new("curl")
        .args(["-s", "-w", "%{http_code}", "-o", "-"])
        .args(args)
        .output()
        .unwrap();
    let mut body = output.stdout;
    let code = String::from_utf8(body.split_off(body.len() - 3)).unwrap();
    (code, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presigned_urls_work_with_a_plain_http_client() {
    for server in all_servers().await {
        let client = client(&server);
        let name = bucket(&client, "presign").await;
        let key = "shared/a file+name.txt";
        let put_url = client.presign_put(&name, key, 600).unwrap();
        let (code, _) = curl(&["-X", "PUT", "--data-binary", "uploaded with curl", &put_url]);
        assert_eq!(code, "200", "{}: PUT {put_url}", server.name);
        let get_url = client.presign_get(&name, key, 600).unwrap();
        let (code, body) = curl(&[&get_url]);
        assert_eq!(code, "200", "{}", server.name);
        assert_eq!(body, b"uploaded with curl", "{}", server.name);
        let tampered = get_url.replace("X-Amz-Expires=600", "X-Amz-Expires=601");
        let (code, _) = curl(&[&tampered]);
        assert_eq!(code, "403", "{}: a tampered URL must be refused", server.name);
        assert!(client.presign_get(&name, key, 604_801).is_err());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn virtual_hosted_addressing_works() {
    // SeaweedFS is started with `-s3.domainName=localhost`: bucket.localhost names the bucket.
    let Some(server) = test_support::external("seaweedfs") else { return };
    let port = server.endpoint.rsplit(':').next().unwrap();
    let endpoint = s3::Endpoint::parse(&format!("http://localhost:{port}")).unwrap();
    let credentials = s3::Credentials::new(test_support::ACCESS_KEY, test_support::SECRET_KEY);
    let mut config = s3::Config::new(endpoint, "us-east-1", credentials);
    config.addressing = s3::Addressing::VirtualHosted;
    config.connect_to = Some(std::net::Ipv4Addr::LOCALHOST.into());
    let client = s3::Client::new(config).unwrap();
    let name = test_support::unique_bucket("vhost");
    client.create_bucket(&name).await.unwrap();
    let key = "virtual hosted/key+with=odd&chars.txt";
    client.put_object(&name, key, Bytes::from_static(b"vhost"), &PutOptions::default()).await.unwrap();
    assert_eq!(read_all(&client, &name, key).await, b"vhost");
    let listed = client.list_objects(&name, &ListOptions::default()).await.unwrap();
    assert_eq!(listed.objects[0].key, key);
    let url = client.presign_get(&name, key, 60).unwrap();
    assert!(url.starts_with(&format!("http://{name}.localhost:{port}/")), "{url}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_downloads_with_concurrent_ranges() {
    for server in all_servers().await {
        let client = client(&server);
        let name = bucket(&client, "ranged").await;
        let body = data(3 * PART + 12_345, 9);
        client.upload(&name, "big.bin", body.as_slice(), &PutOptions::default(), None).await.unwrap();
        let dir = std::env::temp_dir().join(test_support::unique_bucket("ranged"));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big.bin");
        let written = client.download_ranged(&name, "big.bin", &path, 1 << 20, 4).await.unwrap();
        assert_eq!(written, body.len() as u64, "{}", server.name);
        assert_eq!(Sha256::digest(std::fs::read(&path).unwrap()), Sha256::digest(&body), "{}", server.name);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
