//! HTTPS with rustls, from a certificate and key in PEM files.

use crate::{auth, start};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_https_and_accepts_credentials_over_it() {
    let server = test_support::s3s_fs().await.unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_path, certified.cert.pem()).unwrap();
    std::fs::write(&key_path, certified.signing_key.serialize_pem()).unwrap();
    let service = start(&server.endpoint, |raw| {
        // Off loopback in the settings: with TLS, Basic credentials are fine.
        raw.listen = Some("0.0.0.0:8443".parse().unwrap());
        raw.tls_cert = Some(cert_path.clone());
        raw.tls_key = Some(key_path.clone());
    })
    .await;

    let mut roots = rustls::RootCertStore::empty();
    roots.add(certified.cert.der().clone()).unwrap();
    let config =
        rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_only()
        .enable_http1()
        .build();
    let client: Client<_, Full<bytes::Bytes>> = Client::builder(TokioExecutor::new()).build(https);
    let request = http::Request::get(format!("https://localhost:{}/v1/buckets", service.address.port()))
        .header("authorization", auth())
        .body(Full::new(bytes::Bytes::new()))
        .unwrap();
    let response = client.request(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("\"buckets\""));

    // Plain HTTP to the TLS port gets no answer.
    let plain = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        service.http.get(format!("http://{}/healthz", service.address).parse().unwrap()),
    )
    .await;
    assert!(!matches!(plain, Ok(Ok(ref response)) if response.status() == 200));
}
