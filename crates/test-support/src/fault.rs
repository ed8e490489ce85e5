//! A fault-injecting HTTP proxy for faults real servers do not produce on demand: error
//! answers, connections reset in the middle of a body, stalls past a read timeout, and request
//! bodies damaged in transit.
//!
//! Each request is matched against the rules in order; a rule applies to the requests whose
//! head contains its text, as many times as it says. The proxy adds `Connection: close` to
//! every request it forwards, so every request arrives on a new connection and is inspected.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What to do with a matching request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer `503 SlowDown` without forwarding.
    SlowDown,
    /// Answer `500 InternalError` without forwarding.
    InternalError,
    /// Answer `501 NotImplemented` without forwarding, as a store without a feature does.
    NotImplemented,
    /// Forward, then reset the connection after this many bytes of the answer.
    ResetAfter(usize),
    /// Forward, then stop sending after this many bytes of the answer, for this long.
    StallAfter(usize, Duration),
    /// Forward the request with one bit of its body flipped, as a faulty link might.
    CorruptBody,
}

/// A fault for requests whose head contains `text`, applied `times` times.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Text to find in the request line or headers (empty matches every request).
    pub text: String,
    /// How many matching requests get the fault.
    pub times: usize,
    /// The fault.
    pub fault: Fault,
}

impl Rule {
    /// A rule for every request.
    pub fn every(times: usize, fault: Fault) -> Self {
        Self { text: String::new(), times, fault }
    }

    /// A rule for requests containing `text`.
    pub fn matching(text: &str, times: usize, fault: Fault) -> Self {
        Self { text: text.to_owned(), times, fault }
    }
}

/// A running proxy; stops when dropped.
#[derive(Debug)]
pub struct FaultProxy {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    requests: Arc<AtomicUsize>,
    faults: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultProxy {
    /// Starts a proxy in front of `upstream` (`http://host:port`).
    pub async fn start(upstream: &str, rules: Vec<Rule>) -> std::io::Result<Self> {
        let upstream: SocketAddr = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .map_err(|_| std::io::Error::other(format!("bad upstream {upstream}")))?;
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let endpoint = format!("http://{}", listener.local_addr()?);
        let rules = Arc::new(Mutex::new(rules));
        let requests = Arc::new(AtomicUsize::new(0));
        let faults = Arc::new(AtomicUsize::new(0));
        let (counted, faulted) = (Arc::clone(&requests), Arc::clone(&faults));
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else { continue };
                let (rules, counted, faulted) =
                    (Arc::clone(&rules), Arc::clone(&counted), Arc::clone(&faulted));
                tokio::spawn(async move {
                    let _ = serve(client, upstream, rules, counted, faulted).await;
                });
            }
        });
        Ok(Self { endpoint, requests, faults, task })
    }

    /// Requests seen so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Faults injected so far.
    pub fn faults(&self) -> usize {
        self.faults.load(Ordering::SeqCst)
    }
}

async fn read_head(client: &mut TcpStream) -> std::io::Result<(Vec<u8>, Vec<u8>)> {
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buffer.split_off(end + 4);
            return Ok((buffer, rest));
        }
        let read = client.read(&mut chunk).await?;
        if read == 0 || buffer.len() > 64 << 10 {
            return Err(std::io::Error::other("no request head"));
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
}

fn content_length(head: &str) -> usize {
    head.lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0)
}

async fn serve(
    mut client: TcpStream,
    upstream: SocketAddr,
    rules: Arc<Mutex<Vec<Rule>>>,
    requests: Arc<AtomicUsize>,
    faults: Arc<AtomicUsize>,
) -> std::io::Result<()> {
    let (head, mut early_body) = read_head(&mut client).await?;
    requests.fetch_add(1, Ordering::SeqCst);
    let head_text = String::from_utf8_lossy(&head).into_owned();
    let fault = {
        let mut rules = rules.lock().unwrap_or_else(|poison| poison.into_inner());
        rules.iter_mut().find(|rule| rule.times > 0 && head_text.contains(&rule.text)).map(|rule| {
            rule.times -= 1;
            rule.fault
        })
    };
    if fault.is_some() {
        faults.fetch_add(1, Ordering::SeqCst);
    }
    let answer = |status: &str, code: &str| {
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>injected by the test proxy</Message><RequestId>proxy</RequestId></Error>"
        );
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    let canned = match fault {
        Some(Fault::SlowDown) => Some(answer("503 Slow Down", "SlowDown")),
        Some(Fault::InternalError) => Some(answer("500 Internal Server Error", "InternalError")),
        Some(Fault::NotImplemented) => Some(answer("501 Not Implemented", "NotImplemented")),
        _ => None,
    };
    if let Some(response) = canned {
        // Read the request body first, so the client sees the answer, not a broken pipe.
        let mut remaining = content_length(&head_text).saturating_sub(early_body.len());
        let mut sink = vec![0u8; 64 << 10];
        while remaining > 0 {
            let read = client.read(&mut sink[..remaining.min(64 << 10)]).await?;
            if read == 0 {
                break;
            }
            remaining -= read;
        }
        client.write_all(response.as_bytes()).await?;
        client.shutdown().await?;
        return Ok(());
    }

    let mut server = TcpStream::connect(upstream).await?;
    let head_end = head.len() - 2;
    server.write_all(&head[..head_end]).await?;
    server.write_all(b"Connection: close\r\n\r\n").await?;
    if fault == Some(Fault::CorruptBody) && content_length(&head_text) > 0 {
        if early_body.is_empty() {
            let mut chunk = vec![0u8; 64 << 10];
            let read = client.read(&mut chunk).await?;
            early_body.extend_from_slice(&chunk[..read]);
        }
        if let Some(first) = early_body.first_mut() {
            *first ^= 0x01;
        }
    }
    server.write_all(&early_body).await?;
    early_body.clear();
    let limit = match fault {
        Some(Fault::ResetAfter(bytes) | Fault::StallAfter(bytes, _)) => Some(bytes),
        _ => None,
    };
    let cut_short = {
        let (mut client_read, mut client_write) = client.split();
        let (mut server_read, mut server_write) = server.split();
        let upload = async {
            let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
            let _ = server_write.shutdown().await;
            std::future::pending::<()>().await;
        };
        let download = async {
            let mut sent = 0usize;
            let mut chunk = vec![0u8; 64 << 10];
            loop {
                let read = server_read.read(&mut chunk).await?;
                if read == 0 {
                    return Ok::<bool, std::io::Error>(false);
                }
                let allowed = limit.map_or(read, |limit| read.min(limit.saturating_sub(sent)));
                client_write.write_all(&chunk[..allowed]).await?;
                sent += allowed;
                if limit.is_some_and(|limit| sent >= limit) {
                    return Ok(true);
                }
            }
        };
        tokio::select! {
            outcome = download => outcome?,
            () = upload => false,
        }
    };
    if cut_short {
        match fault {
            Some(Fault::StallAfter(_, duration)) => tokio::time::sleep(duration).await,
            _ => {
                // Reset rather than close: the client must see a broken connection.
                client.set_zero_linger()?;
            }
        }
    }
    drop(client);
    Ok(())
}
