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
    /// Sign a raw HTTP request with SigV4 and show every step (canonical request, string to
    /// sign, signature, signed request), to debug SignatureDoesNotMatch errors.
    Sign(SignArgs),
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
