//! Real S3 servers on loopback for tests: s3s-fs in-process (started per test, 50 ms), and
//! SeaweedFS and `rclone serve s3`, which `scripts/test.sh` starts once and announces through
//! environment variables.

pub mod fault;

use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// Credentials every test server accepts.
pub const ACCESS_KEY: &str = "s3c-test-access-key";
/// The matching secret.
pub const SECRET_KEY: &str = "s3c-test-secret-key-0123456789";

/// Environment variable holding the SeaweedFS endpoint started by the test script.
pub const SEAWEEDFS_ENV: &str = "S3C_TEST_SEAWEEDFS";
/// Environment variable holding the `rclone serve s3` endpoint started by the test script.
pub const RCLONE_ENV: &str = "S3C_TEST_RCLONE";
/// Set (to anything) by the test script: external servers must then be present.
pub const REQUIRE_ENV: &str = "S3C_TEST_REQUIRE_SERVERS";

/// A running S3 server.
#[derive(Debug)]
pub struct Server {
    /// `s3s-fs`, `seaweedfs` or `rclone`.
    pub name: &'static str,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// Its data directory, for in-process servers (removed on drop).
    _data: Option<tempfile::TempDir>,
    _task: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(task) = &self._task {
            task.abort();
        }
    }
}

/// Starts s3s-fs (crate `s3s-fs` 0.14.1) in this process on a free loopback port.
pub async fn s3s_fs() -> std::io::Result<Server> {
    let data = tempfile::tempdir()?;
    let fs =
        s3s_fs::FileSystem::new(data.path()).map_err(|error| std::io::Error::other(format!("{error:?}")))?;
    let mut builder = S3ServiceBuilder::new(fs);
    builder.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
    let service = builder.build();
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let address = listener.local_addr()?;
    let task = tokio::spawn(async move {
        let http = hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
        loop {
            let Ok((socket, _)) = listener.accept().await else { continue };
            let service = service.clone();
            let http = http.clone();
            tokio::spawn(async move {
                let _ = http.serve_connection(hyper_util::rt::TokioIo::new(socket), service).await;
            });
        }
    });
    Ok(Server { name: "s3s-fs", endpoint: format!("http://{address}"), _data: Some(data), _task: Some(task) })
}

/// A server the test script started, if its variable is set. When the script asked for the
/// servers ([`REQUIRE_ENV`]) and one is missing, this panics: CI must not pass without it.
pub fn external(name: &'static str) -> Option<Server> {
    let variable = match name {
        "seaweedfs" => SEAWEEDFS_ENV,
        "rclone" => RCLONE_ENV,
        _ => return None,
    };
    match std::env::var(variable) {
        Ok(endpoint) if !endpoint.is_empty() => Some(Server { name, endpoint, _data: None, _task: None }),
        _ => {
            assert!(
                std::env::var_os(REQUIRE_ENV).is_none(),
                "{name} is required but {variable} is not set: run scripts/test.sh"
            );
            eprintln!("SKIPPED on {name}: {variable} is not set (scripts/test.sh starts it)");
            None
        }
    }
}

/// Every server available: s3s-fs always, SeaweedFS and rclone when started.
pub async fn all_servers() -> Vec<Server> {
    let mut servers = Vec::new();
    match s3s_fs().await {
        Ok(server) => servers.push(server),
        Err(error) => panic!("cannot start s3s-fs: {error}"),
    }
    servers.extend(external("seaweedfs"));
    servers.extend(external("rclone"));
    servers
}

/// A bucket name unique to this test run.
pub fn unique_bucket(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("{prefix}-{}-{nanos}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// Deterministic pseudo-random bytes (xorshift), the same for the same seed.
pub fn pseudo_random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}
