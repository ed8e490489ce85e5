//! End-to-end tests of the service in front of real S3 servers (s3s-fs in this process, and
//! SeaweedFS when the test script started it).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs, unreachable_pub)]

mod api;
mod bad_input;
mod definition;
mod embedded;
mod faults;
mod metrics;
mod tls;

use base64::Engine;
use bytes::Bytes;
use connector::RawSettings;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::sync::Arc;
use test_support::{ACCESS_KEY, SECRET_KEY};

/// A running service in front of `upstream`.
pub struct Service {
    pub base: String,
    pub address: std::net::SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    pub http: Client<HttpConnector, Full<Bytes>>,
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

pub async fn start(upstream: &str, tweak: impl FnOnce(&mut RawSettings)) -> Service {
    let mut raw = RawSettings { endpoint: Some(upstream.to_owned()), ..RawSettings::default() };
    tweak(&mut raw);
    start_with(raw.resolve().unwrap(), None).await
}

/// A running service with these settings, in front of the embedded store at `embedded` if given.
pub async fn start_with(settings: connector::Settings, embedded: Option<&str>) -> Service {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = connector::App::new(settings, embedded).unwrap();
    let (sender, receiver) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(connector::serve(Arc::clone(&app), listener, async move {
        let _ = receiver.await;
    }));
    let http = Client::builder(TokioExecutor::new()).build_http();
    Service { base: format!("http://{address}"), address, shutdown: Some(sender), http }
}

pub fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
}

pub fn auth() -> String {
    basic(ACCESS_KEY, SECRET_KEY)
}

pub struct Answer {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| {
            panic!("not JSON ({}): {:?}", self.status, String::from_utf8_lossy(&self.body))
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl Service {
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> Answer {
        let mut builder = http::Request::builder().method(method).uri(format!("{}{path}", self.base));
        let mut has_auth = false;
        for (name, value) in headers {
            has_auth |= name.eq_ignore_ascii_case("authorization");
            builder = builder.header(*name, *value);
        }
        if !has_auth {
            builder = builder.header("authorization", auth());
        }
        let response = self.http.request(builder.body(Full::new(body.into())).unwrap()).await.unwrap();
        let (parts, body) = response.into_parts();
        let body = body.collect().await.unwrap().to_bytes();
        Answer { status: parts.status.as_u16(), headers: parts.headers, body }
    }
}

/// A client talking to the store itself, around the service.
pub fn direct_client(upstream: &str) -> s3::Client {
    let endpoint = s3::Endpoint::parse(upstream).unwrap();
    s3::Client::new(s3::Config::new(endpoint, "us-east-1", s3::Credentials::new(ACCESS_KEY, SECRET_KEY)))
        .unwrap()
}

/// Creates a bucket directly on the store (the API has no route for it).
pub async fn make_bucket(upstream: &str, prefix: &str) -> String {
    let client = direct_client(upstream);
    let name = test_support::unique_bucket(prefix);
    client.create_bucket(&name).await.unwrap();
    name
}

/// Percent-encodes a key for a URL path, keeping `/`.
pub fn path_key(key: &str) -> String {
    sigv4::encode_path(key).into_owned()
}
