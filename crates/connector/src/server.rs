//! Listening: plain HTTP or HTTPS (rustls), graceful shutdown on SIGTERM and ctrl-c, and the
//! start-up banner for the embedded store.

use crate::app::{App, router};
use crate::embedded;
use crate::settings::{Settings, Upstream};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// How many request headers hyper parses: more than the service takes, so that a request with
/// too many gets the service's JSON 431 rather than hyper's empty one.
pub(crate) const MAX_PARSED_HEADERS: usize = 1000;

/// How long in-flight requests get to finish after a shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Errors that stop the service from starting.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Binding, the data folder, or the embedded store failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The upstream settings are not usable.
    #[error("{0}")]
    Upstream(#[from] s3::Error),
    /// The TLS certificate or key could not be used.
    #[error("TLS: {0}")]
    Tls(String),
}

fn tls_acceptor(
    cert: &std::path::Path,
    key: &std::path::Path,
) -> Result<tokio_rustls::TlsAcceptor, StartError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|error| StartError::Tls(format!("cannot read {}: {error}", cert.display())))?
        .collect::<Result<_, _>>()
        .map_err(|error| StartError::Tls(format!("bad certificate in {}: {error}", cert.display())))?;
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|error| StartError::Tls(format!("bad key in {}: {error}", key.display())))?;
    let config =
        rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|error| StartError::Tls(error.to_string()))?
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .map_err(|error| StartError::Tls(error.to_string()))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets requests finish.
pub async fn serve(
    app: Arc<App>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), StartError> {
    let tls = match &app.settings.tls {
        Some((cert, key)) => Some(tls_acceptor(cert, key)?),
        None => None,
    };
    let service = TowerToHyperService::new(router(Arc::clone(&app)));
    let mut http = Builder::new(TokioExecutor::new());
    // A connection must send its next request's headers within the idle timeout: this closes
    // idle keep-alive connections and drops slow-loris clients. The read buffer, which also
    // bounds the size of the headers, is large enough for fast uploads.
    http.http1()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(app.settings.idle_timeout)
        .max_headers(MAX_PARSED_HEADERS)
        .max_buf_size(512 << 10);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (socket, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = socket.set_nodelay(true);
        let (service, http) = (service.clone(), http.clone());
        match &tls {
            None => {
                let connection =
                    http.serve_connection_with_upgrades(TokioIo::new(socket), service).into_owned();
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    let _ = connection.await;
                });
            }
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                let watcher = graceful.watcher();
                tokio::spawn(async move {
                    let Ok(Ok(stream)) =
                        tokio::time::timeout(Duration::from_secs(10), acceptor.accept(socket)).await
                    else {
                        return;
                    };
                    let connection =
                        http.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
                    let _ = watcher.watch(connection).await;
                });
            }
        }
    }
    tracing::info!("shutting down: waiting for requests in flight");
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still in flight after {SHUTDOWN_GRACE:?}: stopping anyway");
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => {
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// Starts the embedded store if no upstream is configured, binds, prints how to call the
/// service, and serves until SIGTERM or ctrl-c.
pub async fn run(settings: Settings) -> Result<(), StartError> {
    let embedded = match &settings.upstream {
        Upstream::Embedded { data_dir } => Some(embedded::start(data_dir).await?),
        _ => None,
    };
    let listener = TcpListener::bind(settings.listen).await?;
    let address = listener.local_addr()?;
    let scheme = if settings.tls.is_some() { "https" } else { "http" };
    let upstream_text = match (&settings.upstream, &embedded) {
        (Upstream::Embedded { data_dir }, Some(store)) => {
            format!("the embedded store at {} (data in {})", store.endpoint, data_dir.display())
        }
        (Upstream::Endpoint { url, .. }, _) => url.clone(),
        (Upstream::Aws { region }, _) => format!("AWS S3 in {region}"),
        _ => String::new(),
    };
    let app = App::new(settings, embedded.as_ref().map(|store| store.endpoint.as_str()))?;
    println!("s3-connector listening on {scheme}://{address}, forwarding to {upstream_text}");
    if let Some(store) = &embedded {
        // The embedded store is local and private to this machine: its keys are shown here (on
        // standard output, never in the logs) so that a first call needs no set-up.
        let (key, secret) = (&store.credentials.access_key_id, &store.credentials.secret_access_key);
        println!(
            "Embedded store credentials (HTTP Basic user name and password), kept in {}:",
            embedded::CREDENTIALS_FILE
        );
        println!("  access key id:     {key}");
        println!("  secret access key: {secret}");
        println!("Try:");
        println!(
            "  curl -u '{key}:{secret}' -X PUT --data-binary 'hello' {scheme}://{address}/v1/buckets/my-bucket/objects/hello.txt"
        );
        println!("  curl -u '{key}:{secret}' {scheme}://{address}/v1/buckets");
    }
    if app.settings.refuses_plain_credentials() {
        println!(
            "Plain HTTP on a non-loopback address: Basic credentials will be refused (use --tls-cert/--tls-key, or --allow-insecure-http behind a TLS proxy)."
        );
    }
    serve(app, listener, shutdown_signal()).await
}
