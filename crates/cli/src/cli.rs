//! Command-line arguments (clap derive). Nothing here does work; `commands` does.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Sign, send and serve Amazon S3 requests.
#[derive(Debug, Parser)]
#[command(name = "s3-connector", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// The Power Platform custom-connector definition.
    #[command(subcommand)]
    Connector(ConnectorCommand),
    /// Run the connector service: a JSON and binary HTTP API that signs and streams every
    /// request to S3. With no --endpoint or --region, it serves an embedded local store.
    Serve(ServeArgs),
    /// Sign a raw HTTP request with SigV4 and show every step (canonical request, string to
    /// sign, signature, signed request), to debug SignatureDoesNotMatch errors.
    Sign(SignArgs),
    /// List buckets, or the objects and folders under s3://bucket[/prefix].
    Ls(LsArgs),
    /// Download s3://bucket/key to a file or `-` (standard output); with --recursive, every
    /// object under a prefix into a folder.
    Get(GetArgs),
    /// Upload a file or `-` (standard input) to s3://bucket/key; with --recursive, a folder.
    Put(PutArgs),
    /// Delete objects; with --recursive, everything under a prefix.
    Rm(RmArgs),
    /// Print a presigned URL for s3://bucket/key.
    Presign(PresignArgs),
    /// Make a bucket.
    Mb(BucketArgs),
    /// Remove an empty bucket.
    Rb(BucketArgs),
}

/// Where and as whom: the same settings as the AWS CLI, with the same variables and files.
#[derive(Debug, Clone, Args)]
pub(crate) struct ConnectionArgs {
    /// S3-compatible endpoint, e.g. http://127.0.0.1:9000 [env: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL].
    #[arg(long)]
    pub(crate) endpoint: Option<String>,
    /// Region [env: AWS_REGION, AWS_DEFAULT_REGION; default us-east-1].
    #[arg(long)]
    pub(crate) region: Option<String>,
    /// Profile in ~/.aws/credentials and ~/.aws/config [env: AWS_PROFILE].
    #[arg(long)]
    pub(crate) profile: Option<String>,
    /// Path-style addressing (host/bucket/key), the default for custom endpoints.
    #[arg(long, conflicts_with = "virtual_hosted")]
    pub(crate) path_style: bool,
    /// Virtual-hosted addressing (bucket.host/key), the default for AWS.
    #[arg(long)]
    pub(crate) virtual_hosted: bool,
    /// Transfers at once for --recursive, and parts at once for large files.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub(crate) concurrency: u16,
    /// Never show progress bars (they appear only when standard error is a terminal).
    #[arg(long)]
    pub(crate) no_progress: bool,
}

#[derive(Debug, Args)]
pub(crate) struct LsArgs {
    /// s3://bucket[/prefix]; none lists the buckets.
    pub(crate) target: Option<String>,
    /// Every key under the prefix, not rolled up into folders.
    #[arg(long, short)]
    pub(crate) recursive: bool,
    #[command(flatten)]
    pub(crate) connection: ConnectionArgs,
}

#[derive(Debug, Args)]
pub(crate) struct GetArgs {
    /// s3://bucket/key, or s3://bucket/prefix with --recursive.
    pub(crate) source: String,
    /// A file, a folder, or `-` for standard output; default: the key's last name, here.
    pub(crate) destination: Option<PathBuf>,
    /// Download every object under the prefix into the destination folder.
    #[arg(long, short)]
    pub(crate) recursive: bool,
    #[command(flatten)]
    pub(crate) connection: ConnectionArgs,
}

#[derive(Debug, Args)]
pub(crate) struct PutArgs {
    /// A file, a folder with --recursive, or `-` for standard input.
    pub(crate) source: PathBuf,
    /// s3://bucket/key; a key ending in `/` (or none) takes the file's name.
    pub(crate) destination: String,
    /// Upload every file under the folder.
    #[arg(long, short)]
    pub(crate) recursive: bool,
    /// Content-Type; default: guessed from the file name, else application/octet-stream.
    #[arg(long)]
    pub(crate) content_type: Option<String>,
    #[command(flatten)]
    pub(crate) connection: ConnectionArgs,
}

#[derive(Debug, Args)]
pub(crate) struct RmArgs {
    /// s3://bucket/key ..., or one s3://bucket/prefix with --recursive.
    #[arg(required = true)]
    pub(crate) targets: Vec<String>,
    /// Delete every object under the prefix.
    #[arg(long, short)]
    pub(crate) recursive: bool,
    #[command(flatten)]
    pub(crate) connection: ConnectionArgs,
}

#[derive(Debug, Args)]
pub(crate) struct PresignArgs {
    /// s3://bucket/key.
    pub(crate) target: String,
    /// Lifetime in seconds, 1 to 604800 (7 days).
    #[arg(long, default_value_t = 3600, value_name = "SECONDS")]
    pub(crate) expires: u32,
    /// A URL for uploading (PUT) instead of downloading (GET).
    #[arg(long)]
    pub(crate) put: bool,
    #[command(flatten)]
    pub(crate) connection: ConnectionArgs,
}

#[derive(Debug, Args)]
pub(crate) struct BucketArgs {
    /// s3://bucket.
    pub(crate) bucket: String,
    #[command(flatten)]
    pub(crate) connection: ConnectionArgs,
}

#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// The request: a file holding a request line, headers, a blank line and a body, or `-` for
    /// standard input.
    pub(crate) request: PathBuf,
    /// Access key id [env: AWS_ACCESS_KEY_ID].
    #[arg(long)]
    pub(crate) access_key: Option<String>,
    /// Secret access key [env: AWS_SECRET_ACCESS_KEY]. Prefer the variable: arguments are
    /// visible to other users of the machine.
    #[arg(long)]
    pub(crate) secret_key: Option<String>,
    /// Session token of temporary credentials [env: AWS_SESSION_TOKEN].
    #[arg(long)]
    pub(crate) session_token: Option<String>,
    /// Region of the credential scope [env: AWS_REGION, AWS_DEFAULT_REGION; default us-east-1].
    #[arg(long)]
    pub(crate) region: Option<String>,
    /// Service of the credential scope.
    #[arg(long, default_value = "s3")]
    pub(crate) service: String,
    /// Signing time: `20150830T123600Z` or RFC 3339 (`2015-08-30T12:36:00Z`). Default: now.
    #[arg(long)]
    pub(crate) time: Option<String>,
    /// Produce a presigned URL (signature in the query string) instead of an Authorization header.
    #[arg(long)]
    pub(crate) presign: bool,
    /// Lifetime of a presigned URL in seconds, 1 to 604800 (7 days).
    #[arg(long, default_value_t = 3600, value_name = "SECONDS")]
    pub(crate) expires: u32,
    /// Sign the payload as UNSIGNED-PAYLOAD instead of hashing the body.
    #[arg(long)]
    pub(crate) unsigned_payload: bool,
    /// Normalise the path and encode it twice, as every AWS service but S3 expects (and the
    /// generic AWS test suite). S3 mode, the default, signs the path exactly as sent.
    #[arg(long)]
    pub(crate) normalize: bool,
    /// Add a signed x-amz-content-sha256 header even for a service other than S3 (S3 always gets it).
    #[arg(long)]
    pub(crate) content_sha256: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `serve` settings: flag, then `S3_CONNECTOR_*` variable, then the --config file, then default.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address and port to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "S3_CONNECTOR_LISTEN")]
    pub(crate) listen: Option<std::net::SocketAddr>,
    /// S3-compatible store, e.g. http://127.0.0.1:9000 (MinIO, Ceph, SeaweedFS, R2, Wasabi).
    #[arg(long, env = "S3_CONNECTOR_ENDPOINT")]
    pub(crate) endpoint: Option<String>,
    /// AWS region: with no --endpoint, AWS S3 in this region; with one, its signing region.
    #[arg(long, env = "S3_CONNECTOR_REGION")]
    pub(crate) region: Option<String>,
    /// Virtual-hosted addressing (bucket.host) for --endpoint instead of path style.
    #[arg(long, env = "S3_CONNECTOR_VIRTUAL_HOSTED")]
    pub(crate) virtual_hosted: bool,
    /// Data folder of the embedded store [default: ./data].
    #[arg(long, env = "S3_CONNECTOR_DATA_DIR")]
    pub(crate) data_dir: Option<PathBuf>,
    /// Public base URL for the links the service returns, e.g. https://s3c.example.com.
    #[arg(long, env = "S3_CONNECTOR_PUBLIC_URL")]
    pub(crate) public_url: Option<String>,
    /// Accept Basic credentials over plain HTTP on a non-loopback address (behind a TLS proxy).
    #[arg(long, env = "S3_CONNECTOR_ALLOW_INSECURE_HTTP")]
    pub(crate) allow_insecure_http: bool,
    /// Serve HTTPS with this certificate chain (PEM).
    #[arg(long, env = "S3_CONNECTOR_TLS_CERT", requires = "tls_key")]
    pub(crate) tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, env = "S3_CONNECTOR_TLS_KEY", requires = "tls_cert")]
    pub(crate) tls_key: Option<PathBuf>,
    /// Most objects a listing with all=true returns [default: 100000].
    #[arg(long, env = "S3_CONNECTOR_LIST_ALL_CAP")]
    pub(crate) list_all_cap: Option<usize>,
    /// Most requests handled at once [default: 512].
    #[arg(long, env = "S3_CONNECTOR_MAX_CONCURRENCY")]
    pub(crate) max_concurrency: Option<usize>,
    /// Seconds to wait for the store's answer or the next piece of a body [default: 60].
    #[arg(long, env = "S3_CONNECTOR_UPSTREAM_TIMEOUT")]
    pub(crate) upstream_timeout: Option<u64>,
    /// Seconds a client connection may sit idle (or take to send headers) [default: 30].
    #[arg(long, env = "S3_CONNECTOR_IDLE_TIMEOUT")]
    pub(crate) idle_timeout: Option<u64>,
    /// Logs as JSON lines (level from RUST_LOG, default info).
    #[arg(long, env = "S3_CONNECTOR_LOG_JSON")]
    pub(crate) log_json: bool,
    /// when_supported: uploads carry a CRC32C the store verifies (over HTTPS or loopback it
    /// covers the body instead of a signed SHA-256); when_required: signed SHA-256 only, for
    /// stores that refuse checksums [default: when_supported; when_required for the embedded
    /// store].
    #[arg(long, env = "S3_CONNECTOR_REQUEST_CHECKSUM_CALCULATION", value_name = "WHEN")]
    pub(crate) request_checksum_calculation: Option<String>,
    /// MiB that uploads in progress may hold for buffers, all together (a streaming upload
    /// holds up to 40); past it, uploads wait, then get 503 [default: 512, at least 40].
    #[arg(long, env = "S3_CONNECTOR_UPLOAD_MEMORY", value_name = "MIB")]
    pub(crate) upload_memory: Option<u32>,
    /// Threads that serve requests [default: one per CPU core]. One thread streams with about
    /// a fifth less CPU per byte: run one instance per core behind a load balancer to use it.
    #[arg(long, env = "S3_CONNECTOR_WORKER_THREADS", value_name = "N")]
    pub(crate) worker_threads: Option<usize>,
    /// A TOML file with the same settings (kebab-case names, e.g. list-all-cap = 5000).
    #[arg(long, env = "S3_CONNECTOR_CONFIG")]
    pub(crate) config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ConnectorCommand {
    /// Write apiDefinition.swagger.json, apiProperties.json and a README for
    /// `pac connector create`.
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// The service's public host name, with a port if not the default, e.g. s3c.example.com.
    #[arg(long)]
    pub(crate) host: String,
    /// The path the service is served under.
    #[arg(long, default_value = "/")]
    pub(crate) base_path: String,
    /// The folder to write to (created if missing).
    #[arg(long, default_value = ".")]
    pub(crate) out: PathBuf,
}
