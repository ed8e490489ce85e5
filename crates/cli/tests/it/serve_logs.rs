//! `serve` at the most verbose log level: no credential reaches the logs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::Duration;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Sends one request with `Connection: close` and returns the whole answer.
fn call(port: u16, head: &str, body: &[u8]) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let request =
        format!("{head}\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

fn basic(user: &str, password: &str) -> String {
    base64::Engine::encode(&base64::engine::general_purpose::STANDARD, format!("{user}:{password}"))
}

#[test]
fn no_credential_reaches_the_logs_at_trace_level() {
    let work = tempfile::tempdir().unwrap();
    let log_path = work.path().join("service.log");
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_s3-connector"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(work.path().join("data"))
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut access_key, mut secret_key) = (String::new(), String::new());
    while secret_key.is_empty() {
        let line = lines.next().expect("the service printed its credentials").unwrap();
        if let Some(value) = line.trim().strip_prefix("access key id:") {
            access_key = value.trim().to_owned();
        }
        if let Some(value) = line.trim().strip_prefix("secret access key:") {
            secret_key = value.trim().to_owned();
        }
    }
    let token = "session-token-that-must-stay-secret";
    let wrong_secret = "a-wrong-secret-that-must-stay-secret";
    let good = format!("Authorization: Basic {}", basic(&access_key, &secret_key));
    let put = call(port, &format!("PUT /v1/buckets/logs/objects/a.txt HTTP/1.1\r\n{good}"), b"hello");
    assert!(put.starts_with("HTTP/1.1 200"), "{put}");
    let get = call(port, &format!("GET /v1/buckets/logs/objects/a.txt HTTP/1.1\r\n{good}"), b"");
    assert!(get.starts_with("HTTP/1.1 200"), "{get}");
    call(port, &format!("GET /v1/buckets HTTP/1.1\r\n{good}\r\nX-Amz-Security-Token: {token}"), b"");
    let wrong = format!("Authorization: Basic {}", basic(&access_key, wrong_secret));
    let refused = call(port, &format!("GET /v1/buckets HTTP/1.1\r\n{wrong}"), b"");
    assert!(refused.starts_with("HTTP/1.1 403"), "{refused}");
    let _ = child.kill();
    let _ = child.wait();
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains("TRACE") || log.contains("DEBUG"), "the log level took: {log}");
    for secret in [secret_key.as_str(), token, wrong_secret, &basic(&access_key, &secret_key)] {
        assert!(!log.contains(secret), "{secret:?} is in the log");
    }
}
