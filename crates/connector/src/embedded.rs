//! The embedded local store: s3s-fs in this process on a loopback port, so the service works
//! on a fresh machine with no account. Its credentials are made once per data folder.

use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::Path;
use tokio::net::TcpListener;

/// The file, in the data folder, that keeps the embedded store's credentials.
pub const CREDENTIALS_FILE: &str = ".s3-connector-credentials.json";

/// The embedded store's credentials.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmbeddedCredentials {
    /// Access key id (the Basic user name).
    pub access_key_id: String,
    /// Secret access key (the Basic password).
    pub secret_access_key: String,
}

impl std::fmt::Debug for EmbeddedCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedCredentials")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

fn random_text(length: usize, alphabet: &[u8]) -> String {
    let mut rng = fastrand::Rng::new();
    (0..length).map(|_| char::from(alphabet[rng.usize(..alphabet.len())])).collect()
}

fn load_or_create(data_dir: &Path) -> std::io::Result<EmbeddedCredentials> {
    let path = data_dir.join(CREDENTIALS_FILE);
    if let Ok(text) = std::fs::read_to_string(&path) {
        if let Ok(credentials) = serde_json::from_str(&text) {
            return Ok(credentials);
        }
    }
    let credentials = EmbeddedCredentials {
        access_key_id: format!("S3C{}", random_text(17, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")),
        secret_access_key: random_text(40, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
    };
    let text = serde_json::to_string_pretty(&credentials).map_err(std::io::Error::other)?;
    std::fs::write(&path, text)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(credentials)
}

/// A running embedded store.
#[derive(Debug)]
pub struct EmbeddedStore {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// Its credentials.
    pub credentials: EmbeddedCredentials,
}

/// Starts s3s-fs on a free loopback port, data in `data_dir` (created if missing).
pub async fn start(data_dir: &Path) -> std::io::Result<EmbeddedStore> {
    std::fs::create_dir_all(data_dir)?;
    let credentials = load_or_create(data_dir)?;
    let fs =
        s3s_fs::FileSystem::new(data_dir).map_err(|error| std::io::Error::other(format!("{error:?}")))?;
    let mut builder = S3ServiceBuilder::new(fs);
    builder.set_auth(SimpleAuth::from_single(
        credentials.access_key_id.as_str(),
        credentials.secret_access_key.as_str(),
    ));
    let service = builder.build();
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let endpoint = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let http = hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
        loop {
            let Ok((socket, _)) = listener.accept().await else { continue };
            let (service, http) = (service.clone(), http.clone());
            tokio::spawn(async move {
                let _ = http.serve_connection(hyper_util::rt::TokioIo::new(socket), service).await;
            });
        }
    });
    Ok(EmbeddedStore { endpoint, credentials })
}
