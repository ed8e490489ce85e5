//! The API contract, end to end.

use crate::{Service, basic, make_bucket, path_key, start};
use bytes::Bytes;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

use test_support::pseudo_random_bytes as data;

async fn servers() -> Vec<(test_support::Server, Service)> {
    let mut out = Vec::new();
    for server in test_support::all_servers().await.into_iter().filter(|s| s.name != "rclone") {
        let service = start(&server.endpoint, |_| {}).await;
        out.push((server, service));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bytes_round_trip_exactly_at_every_size() {
    for (server, service) in servers().await {
        let bucket = make_bucket(&server.endpoint, "sizes").await;
        for (index, size) in
            [0usize, 1, 1000, (8 << 20) - 1, 8 << 20, (8 << 20) + 1, 200 << 20].into_iter().enumerate()
        {
            if size == 200 << 20 && server.name != "s3s-fs" {
                continue;
            }
            let body = data(size, index as u64);
            let path = format!("/v1/buckets/{bucket}/objects/size-{size}.bin");
            let put = service.call("PUT", &path, &[], body.clone()).await;
            assert_eq!(put.status, 200, "{}: {:?}", server.name, put.body);
            assert_eq!(put.json()["size"], size as u64);
            let got = service.call("GET", &path, &[], Bytes::new()).await;
            assert_eq!(got.status, 200);
            assert_eq!(got.body.len(), size, "{}", server.name);
            assert_eq!(Sha256::digest(&got.body), Sha256::digest(&body), "{}: size {size}", server.name);
            assert_eq!(got.header("content-length"), Some(size.to_string().as_str()));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn special_keys_work_and_decode_once() {
    for (server, service) in servers().await {
        let bucket = make_bucket(&server.endpoint, "keys").await;
        for key in [
            "with space.txt",
            "plus+sign.txt",
            "equals=colon:at@.txt",
            "amp&dollar$.txt",
            "question?hash#.txt",
            "tilde~.txt",
            "日本語/ファイル.pdf",
            "folder/sub folder/file.docx",
            "percent%.txt",
        ] {
            let path = format!("/v1/buckets/{bucket}/objects/{}", path_key(key));
            assert_eq!(
                service.call("PUT", &path, &[], format!("body of {key}")).await.status,
                200,
                "{}: {key}",
                server.name
            );
            let got = service.call("GET", &path, &[], Bytes::new()).await;
            assert_eq!(got.body, format!("body of {key}").as_bytes(), "{}: {key}", server.name);
            let meta = service
                .call("GET", &format!("/v1/buckets/{bucket}/metadata/{}", path_key(key)), &[], Bytes::new())
                .await;
            assert_eq!(meta.json()["key"], key, "{}", server.name);
        }
        // `%2F` and `/` both mean `/`; `+` stays `+`.
        let slash = service
            .call(
                "GET",
                &format!("/v1/buckets/{bucket}/objects/folder%2Fsub%20folder%2Ffile.docx"),
                &[],
                Bytes::new(),
            )
            .await;
        assert_eq!(slash.status, 200, "{}", server.name);
        let plus = service
            .call("GET", &format!("/v1/buckets/{bucket}/objects/plus+sign.txt"), &[], Bytes::new())
            .await;
        assert_eq!(plus.body, b"body of plus+sign.txt".as_slice());
        assert_eq!(
            service
                .call("DELETE", &format!("/v1/buckets/{bucket}/objects/plus%2Bsign.txt"), &[], Bytes::new())
                .await
                .status,
            204
        );
        assert_eq!(
            service
                .call("DELETE", &format!("/v1/buckets/{bucket}/objects/never-was"), &[], Bytes::new())
                .await
                .status,
            204
        );
        let gone = service
            .call("GET", &format!("/v1/buckets/{bucket}/objects/plus+sign.txt"), &[], Bytes::new())
            .await;
        assert_eq!(gone.status, 404);
        assert_eq!(gone.json()["error"]["code"], "NoSuchKey");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn power_automate_files_are_stored_byte_exact() {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    for (server, service) in servers().await {
        let bucket = make_bucket(&server.endpoint, "files").await;
        let every_byte: Vec<u8> = (0..=255u8).collect();
        let mut files = vec![("every-byte.bin".to_owned(), every_byte)];
        for name in ["report.docx", "numbers.xlsx", "picture.png"] {
            files.push((name.to_owned(), std::fs::read(fixtures.join(name)).unwrap()));
        }
        for (index, (name, bytes)) in files.iter().enumerate() {
            let encoded = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes);
            let content = if index % 2 == 0 {
                serde_json::json!(encoded)
            } else {
                serde_json::json!({"$content-type": "application/octet-stream", "$content": encoded})
            };
            let body = serde_json::json!({"key": format!("uploads/{name}"), "content": content, "metadata": {"source": "flow"}});
            let answer = service
                .call(
                    "POST",
                    &format!("/v1/buckets/{bucket}/files"),
                    &[("content-type", "application/json")],
                    body.to_string(),
                )
                .await;
            assert_eq!(answer.status, 200, "{}: {name}: {:?}", server.name, answer.body);
            assert_eq!(answer.json()["size"], bytes.len() as u64);
            let back = service
                .call("GET", &format!("/v1/buckets/{bucket}/objects/uploads/{name}"), &[], Bytes::new())
                .await;
            assert_eq!(&back.body[..], &bytes[..], "{}: {name}", server.name);
        }
        let docx = service
            .call("GET", &format!("/v1/buckets/{bucket}/metadata/uploads/report.docx"), &[], Bytes::new())
            .await
            .json();
        assert_eq!(
            docx["contentType"],
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
        assert_eq!(docx["metadata"]["source"], "flow");
        // A Power Apps image as a data URI: the bytes, and the type it names.
        let png = &files[3].1;
        let uri = format!(
            "data:image/png;base64,{}",
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, png)
        );
        let body = serde_json::json!({"key": "photos/from-app", "content": uri});
        let answer =
            service.call("POST", &format!("/v1/buckets/{bucket}/files"), &[], body.to_string()).await;
        assert_eq!(answer.status, 200, "{}: {:?}", server.name, answer.body);
        let back = service
            .call("GET", &format!("/v1/buckets/{bucket}/objects/photos/from-app"), &[], Bytes::new())
            .await;
        assert_eq!(&back.body[..], &png[..], "{}", server.name);
        assert_eq!(back.header("content-type"), Some("image/png"));
        let bad = service
            .call(
                "POST",
                &format!("/v1/buckets/{bucket}/files"),
                &[],
                r#"{"key":"x","content":"not base64!"}"#,
            )
            .await;
        assert_eq!(bad.status, 400);
        assert_eq!(bad.json()["error"]["code"], "InvalidBase64");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ranges_conditions_and_headers() {
    for (server, service) in servers().await {
        let bucket = make_bucket(&server.endpoint, "range").await;
        let path = format!("/v1/buckets/{bucket}/objects/doc.txt");
        let put = service
            .call(
                "PUT",
                &path,
                &[
                    ("content-type", "text/plain"),
                    ("x-amz-meta-author", "Jane"),
                    ("cache-control", "max-age=5"),
                ],
                "0123456789",
            )
            .await;
        let etag = put.json()["etag"].as_str().unwrap().to_owned();
        let ranged = service.call("GET", &path, &[("range", "bytes=2-4")], Bytes::new()).await;
        assert_eq!(ranged.status, 206, "{}", server.name);
        assert_eq!(&ranged.body[..], b"234");
        assert_eq!(ranged.header("content-range"), Some("bytes 2-4/10"));
        let whole = service.call("GET", &path, &[], Bytes::new()).await;
        assert_eq!(whole.header("content-type"), Some("text/plain"));
        assert_eq!(whole.header("x-amz-meta-author"), Some("Jane"));
        assert_eq!(whole.header("etag"), Some(etag.as_str()));
        assert!(whole.header("last-modified").is_some());
        let head = service.call("HEAD", &path, &[], Bytes::new()).await;
        assert_eq!((head.status, head.body.len()), (200, 0));
        assert_eq!(head.header("content-length"), Some("10"));
        let ranged_head = service.call("HEAD", &path, &[("range", "bytes=2-4")], Bytes::new()).await;
        assert_eq!((ranged_head.status, ranged_head.body.len()), (206, 0), "{}", server.name);
        assert_eq!(ranged_head.header("content-range"), Some("bytes 2-4/10"));
        assert_eq!(ranged_head.header("content-length"), Some("3"));
        let unsatisfiable = service.call("GET", &path, &[("range", "bytes=100-200")], Bytes::new()).await;
        assert_eq!(unsatisfiable.status, 416, "{}", server.name);
        assert_eq!(unsatisfiable.json()["error"]["code"], "InvalidRange");
        // Conditions hold on every store: those that ignore them (s3s-fs) are checked by the
        // service on the answer.
        let not_modified = service.call("GET", &path, &[("if-none-match", &etag)], Bytes::new()).await;
        assert_eq!((not_modified.status, not_modified.body.len()), (304, 0), "{}", server.name);
        let since = [("if-modified-since", "Fri, 01 Jan 2100 00:00:00 GMT")];
        assert_eq!(service.call("HEAD", &path, &since, Bytes::new()).await.status, 304, "{}", server.name);
        let failed = service.call("GET", &path, &[("if-match", "\"other\"")], Bytes::new()).await;
        assert_eq!(failed.status, 412, "{}", server.name);
        assert_eq!(failed.json()["error"]["code"], "PreconditionFailed");
        let matching = service.call("GET", &path, &[("if-match", &etag)], Bytes::new()).await;
        assert_eq!(matching.status, 200, "{}", server.name);
        for body in [Bytes::from_static(b"again"), Bytes::from(vec![3u8; 9 << 20])] {
            // Create-only, small or multipart: refused, and the object is untouched.
            let create_only = service.call("PUT", &path, &[("if-none-match", "*")], body).await;
            assert_eq!(create_only.status, 412, "{}", server.name);
        }
        assert_eq!(&service.call("GET", &path, &[], Bytes::new()).await.body[..], b"0123456789");
        let fresh = format!("{path}-fresh");
        let created = service.call("PUT", &fresh, &[("if-none-match", "*")], vec![4u8; 9 << 20]).await;
        assert_eq!(created.status, 200, "{}: {:?}", server.name, created.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listings_page_link_and_gather() {
    for (server, service) in servers().await {
        let bucket = make_bucket(&server.endpoint, "list").await;
        let direct = crate::direct_client(&server.endpoint);
        let mut tasks = tokio::task::JoinSet::new();
        for chunk in (0..2500).collect::<Vec<_>>().chunks(125) {
            let (direct, bucket, chunk) = (direct.clone(), bucket.clone(), chunk.to_vec());
            tasks.spawn(async move {
                for i in chunk {
                    let key = format!("photos/{}/img {i:04}.jpg", 2020 + i % 5);
                    direct
                        .put_object(&bucket, &key, Bytes::from_static(b"x"), &Default::default())
                        .await
                        .unwrap();
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
        // maxKeys pages, followed through nextLink.
        let mut url = format!("/v1/buckets/{bucket}/objects?maxKeys=1000&prefix=photos%2F");
        let mut seen = 0;
        let mut pages = 0;
        loop {
            let page = service.call("GET", &url, &[], Bytes::new()).await.json();
            seen += page["objects"].as_array().unwrap().len();
            pages += 1;
            match page["nextLink"].as_str() {
                Some(link) => {
                    assert!(link.starts_with(&service.base), "{link}");
                    assert_eq!(page["isTruncated"], true);
                    url = link[service.base.len()..].to_owned();
                }
                None => break,
            }
        }
        assert_eq!((seen, pages), (2500, 3), "{}", server.name);
        let all = service
            .call("GET", &format!("/v1/buckets/{bucket}/objects?all=true&maxKeys=300"), &[], Bytes::new())
            .await
            .json();
        assert_eq!(all["objects"].as_array().unwrap().len(), 2500, "{}", server.name);
        assert_eq!(all["isTruncated"], false);
        let folders = service
            .call(
                "GET",
                &format!("/v1/buckets/{bucket}/objects?prefix=photos/&delimiter=/"),
                &[],
                Bytes::new(),
            )
            .await
            .json();
        assert_eq!(
            folders["folders"],
            serde_json::json!([
                "photos/2020/",
                "photos/2021/",
                "photos/2022/",
                "photos/2023/",
                "photos/2024/"
            ])
        );
        let capped = start(&server.endpoint, |raw| raw.list_all_cap = Some(700)).await;
        let page = capped
            .call("GET", &format!("/v1/buckets/{bucket}/objects?all=true"), &[], Bytes::new())
            .await
            .json();
        assert_eq!(page["objects"].as_array().unwrap().len(), 700);
        assert_eq!(page["isTruncated"], true);
        assert!(page["nextLink"].as_str().unwrap().contains("continuationToken="));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_errors_and_health() {
    for (server, service) in servers().await {
        let wrong = service
            .call(
                "GET",
                "/v1/buckets",
                &[("authorization", &basic(test_support::ACCESS_KEY, "wrong"))],
                Bytes::new(),
            )
            .await;
        assert_eq!(wrong.status, 403, "{}", server.name);
        let error = wrong.json();
        assert_eq!(error["error"]["code"], "SignatureDoesNotMatch");
        assert!(!error["error"]["requestId"].as_str().unwrap().is_empty());
        assert!(!String::from_utf8_lossy(&wrong.body).contains("wrong\""));
        let unknown = service
            .call(
                "GET",
                "/v1/buckets",
                &[("authorization", &basic("AKIAUNKNOWNKEY000000", test_support::SECRET_KEY))],
                Bytes::new(),
            )
            .await;
        assert_eq!(unknown.status, 403, "{}", server.name);
        assert_eq!(unknown.json()["error"]["code"], "InvalidAccessKeyId", "{}", server.name);
        let missing = service.call("GET", "/v1/buckets", &[("authorization", "")], Bytes::new()).await;
        assert_eq!(missing.status, 401);
        assert!(missing.header("www-authenticate").unwrap().starts_with("Basic"));
        let listed = service.call("GET", "/v1/buckets", &[], Bytes::new()).await;
        assert_eq!(listed.status, 200);
        assert!(listed.json()["buckets"].is_array());
        assert!(listed.header("x-request-id").is_some());
        assert_eq!(service.call("GET", "/healthz", &[], Bytes::new()).await.status, 200);
        assert_eq!(service.call("GET", "/readyz", &[], Bytes::new()).await.status, 200);
        let metrics = service.call("GET", "/metrics", &[], Bytes::new()).await;
        let text = String::from_utf8_lossy(&metrics.body);
        assert!(
            text.contains("s3c_requests_total{method=\"GET\",route=\"/v1/buckets\",status=\"200\"}"),
            "{text}"
        );
        assert!(text.contains("s3c_request_duration_seconds_bucket"));
        assert!(!text.contains(test_support::SECRET_KEY));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_credentials_are_refused_off_loopback() {
    let server = test_support::s3s_fs().await.unwrap();
    // Settings say 0.0.0.0 (the test still binds loopback): credentials must be refused...
    let strict = start(&server.endpoint, |raw| raw.listen = Some("0.0.0.0:8080".parse().unwrap())).await;
    let refused = strict.call("GET", "/v1/buckets", &[], Bytes::new()).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.json()["error"]["code"], "InsecureTransport");
    // ...unless the operator opts out.
    let relaxed = start(&server.endpoint, |raw| {
        raw.listen = Some("0.0.0.0:8080".parse().unwrap());
        raw.allow_insecure_http = Some(true);
    })
    .await;
    assert_eq!(relaxed.call("GET", "/v1/buckets", &[], Bytes::new()).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_md5_is_checked_before_anything_is_stored() {
    use md5::{Digest, Md5};
    let md5_of =
        |body: &[u8]| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, Md5::digest(body));
    for (server, service) in servers().await {
        let bucket = make_bucket(&server.endpoint, "md5").await;
        // Small (one PutObject) and past the multipart threshold.
        for (name, size) in [("small", 1000usize), ("large", (8 << 20) + 100)] {
            let body = data(size, size as u64);
            let path = format!("/v1/buckets/{bucket}/objects/{name}");
            let wrong = md5_of(b"other bytes");
            let refused = service.call("PUT", &path, &[("content-md5", &wrong)], body.clone()).await;
            assert_eq!(refused.status, 400, "{}: {name}: {:?}", server.name, refused.body);
            assert_eq!(refused.json()["error"]["code"], "BadDigest");
            let absent = service.call("HEAD", &path, &[], Bytes::new()).await;
            assert_eq!(absent.status, 404, "{}: {name}: nothing is stored", server.name);
            let right = md5_of(&body);
            let stored = service.call("PUT", &path, &[("content-md5", &right)], body.clone()).await;
            assert_eq!(stored.status, 200, "{}: {name}: {:?}", server.name, stored.body);
            let back = service.call("GET", &path, &[], Bytes::new()).await;
            assert!(back.body == body, "{}: {name}", server.name);
        }
        if let Ok(open) = crate::direct_client(&server.endpoint).list_multipart_uploads(&bucket, None).await {
            assert!(open.is_empty(), "{}: the refused multipart upload was aborted: {open:?}", server.name);
        }
        let malformed = service
            .call("PUT", &format!("/v1/buckets/{bucket}/objects/m"), &[("content-md5", "abc")], "x")
            .await;
        assert_eq!(malformed.status, 400);
        assert_eq!(malformed.json()["error"]["code"], "InvalidDigest");
    }
}
