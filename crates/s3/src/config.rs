//! Client settings: endpoint, addressing style, region, credentials, timeouts, retries and
//! transfer sizes, resolved the way AWS users expect (explicit value, then environment, then the
//! shared files, then a default).

use crate::Error;
use crate::env;
use crate::profile;
use sigv4::Credentials;
use std::path::PathBuf;
use std::time::Duration;

/// How the bucket appears in a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addressing {
    /// `https://host/bucket/key`: the default for custom endpoints.
    Path,
    /// `https://bucket.host/key`: the default for AWS.
    VirtualHosted,
}

/// Where requests go: scheme, host and port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    https: bool,
    host: String,
    port: Option<u16>,
    aws: bool,
}

impl Endpoint {
    /// AWS S3 in `region`: `https://s3.{region}.amazonaws.com`.
    pub fn aws(region: &str) -> Self {
        Self { https: true, host: format!("s3.{region}.amazonaws.com"), port: None, aws: true }
    }

    /// Parses `http[s]://host[:port]` (a trailing `/` is allowed; a path is not).
    pub fn parse(url: &str) -> Result<Self, Error> {
        let invalid = |why: &str| Error::InvalidInput(format!("invalid endpoint URL {url:?}: {why}"));
        let (https, rest) = if let Some(rest) = url.strip_prefix("https://") {
            (true, rest)
        } else if let Some(rest) = url.strip_prefix("http://") {
            (false, rest)
        } else {
            return Err(invalid("it must start with http:// or https://"));
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.is_empty() || authority.contains(['/', '?', '#', '@', ' ']) {
            return Err(invalid("expected scheme://host[:port] with no path, query or user"));
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !port.contains(']') => {
                let port =
                    port.parse::<u16>().map_err(|_| invalid("the port is not a number from 1 to 65535"))?;
                (host, Some(port))
            }
            _ => (authority, None),
        };
        if host.is_empty() {
            return Err(invalid("the host is empty"));
        }
        let aws = host.ends_with(".amazonaws.com");
        Ok(Self { https, host: host.to_ascii_lowercase(), port, aws })
    }

    /// Whether the scheme is HTTPS.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// The host name.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Whether this is an AWS endpoint.
    pub fn is_aws(&self) -> bool {
        self.aws
    }

    /// `host[:port]`, without the scheme's default port (as HTTP clients send `Host`).
    pub fn authority(&self, bucket_prefix: Option<&str>) -> String {
        let default_port = if self.https { 443 } else { 80 };
        let mut out = String::new();
        if let Some(bucket) = bucket_prefix {
            out.push_str(bucket);
            out.push('.');
        }
        out.push_str(&self.host);
        if let Some(port) = self.port.filter(|&port| port != default_port) {
            out.push(':');
            out.push_str(&port.to_string());
        }
        out
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> &'static str {
        if self.https { "https" } else { "http" }
    }

    /// Whether the host is this machine (`localhost`, `127.0.0.0/8`, `::1`), where nobody can
    /// tamper with traffic in transit.
    pub fn is_loopback(&self) -> bool {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|address| address.is_loopback())
    }
}

/// When uploads carry a CRC32C checksum, as the AWS SDKs' `request_checksum_calculation`
/// setting (`AWS_REQUEST_CHECKSUM_CALCULATION`) says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChecksumCalculation {
    /// Every PutObject and UploadPart carries `x-amz-checksum-crc32c`, which the store
    /// verifies and keeps. Over HTTPS or loopback that checksum alone covers the body (the
    /// payload is sent `UNSIGNED-PAYLOAD`, as the AWS SDKs do over TLS); over plain HTTP to
    /// another host the body's SHA-256 is signed as well.
    #[default]
    WhenSupported,
    /// No checksum headers: every body's SHA-256 is signed, for stores that refuse checksums
    /// (a client also switches to this when the store refuses one).
    WhenRequired,
}

impl ChecksumCalculation {
    /// Parses `when_supported` or `when_required` (any case).
    pub fn parse(text: &str) -> Result<Self, Error> {
        match text.to_ascii_lowercase().as_str() {
            "when_supported" => Ok(Self::WhenSupported),
            "when_required" => Ok(Self::WhenRequired),
            _ => Err(Error::InvalidInput(format!(
                "request_checksum_calculation is {text:?}: expected when_supported or when_required"
            ))),
        }
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}", self.scheme(), self.authority(None))
    }
}

/// When and how often to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The first backoff; it doubles each time, with full jitter.
    pub base_delay: Duration,
    /// The longest single backoff.
    pub max_delay: Duration,
    /// No new attempt starts after this much time since the first.
    pub max_total: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
            max_total: Duration::from_secs(60),
        }
    }
}

/// Sizes for uploads and downloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferSettings {
    /// Bodies up to this size go in one PutObject; larger ones as a multipart upload.
    pub multipart_threshold: usize,
    /// Size of each part (at least 5 MiB, S3's minimum for all but the last part).
    pub part_size: usize,
    /// Parts uploaded at the same time; memory in use is about `part_size * (concurrency + 1)`.
    pub concurrency: usize,
}

impl Default for TransferSettings {
    fn default() -> Self {
        Self { multipart_threshold: 8 << 20, part_size: 8 << 20, concurrency: 4 }
    }
}

/// Everything a [`crate::Client`] needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where requests go.
    pub endpoint: Endpoint,
    /// Signing region.
    pub region: String,
    /// Path or virtual-hosted style.
    pub addressing: Addressing,
    /// Credentials.
    pub credentials: Credentials,
    /// Time to establish a connection.
    pub connect_timeout: Duration,
    /// Longest wait for a response head or for the next piece of a body.
    pub read_timeout: Duration,
    /// Retries.
    pub retry: RetryPolicy,
    /// Multipart sizes.
    pub transfer: TransferSettings,
    /// Whether uploads carry a CRC32C checksum.
    pub checksum: ChecksumCalculation,
    /// The store keeps each object as a file named after its key (s3s-fs, `rclone serve s3`):
    /// keys it cannot hold faithfully are refused before any request (see
    /// [`crate::validate_file_key`]).
    pub store_keeps_files: bool,
    /// Connect to this address whatever the host name says, as `curl --resolve` does: for
    /// virtual-hosted style against a local store whose bucket host names do not resolve.
    pub connect_to: Option<std::net::IpAddr>,
    /// Told of every attempt the client makes, retries included (metrics).
    pub observer: Option<AttemptObserver>,
}

/// What an [`AttemptObserver`] is told of one attempt.
#[derive(Debug, Clone, Copy)]
pub struct Attempt {
    /// The S3 operation, as the S3 API Reference names it (`GetObject`, `UploadPart`...).
    pub operation: &'static str,
    /// The answer's HTTP status; `None` when no answer came (connection failure, timeout).
    pub status: Option<u16>,
    /// From sending the request to the answer's headers.
    pub elapsed: Duration,
}

/// A callback told of every attempt a [`crate::Client`] makes: for upstream latency metrics.
#[derive(Clone)]
pub struct AttemptObserver(std::sync::Arc<dyn Fn(&Attempt) + Send + Sync>);

impl AttemptObserver {
    /// An observer calling `observe` after each attempt; it should be quick (it runs inline).
    pub fn new(observe: impl Fn(&Attempt) + Send + Sync + 'static) -> Self {
        Self(std::sync::Arc::new(observe))
    }

    pub(crate) fn observe(&self, attempt: &Attempt) {
        (self.0)(attempt);
    }
}

impl std::fmt::Debug for AttemptObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AttemptObserver")
    }
}

impl Config {
    /// Settings for `endpoint` with defaults elsewhere: path style for custom endpoints,
    /// virtual-hosted for AWS.
    pub fn new(endpoint: Endpoint, region: impl Into<String>, credentials: Credentials) -> Self {
        let addressing = if endpoint.is_aws() { Addressing::VirtualHosted } else { Addressing::Path };
        Self {
            endpoint,
            region: region.into(),
            addressing,
            credentials,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            transfer: TransferSettings::default(),
            checksum: ChecksumCalculation::default(),
            store_keeps_files: false,
            connect_to: None,
            observer: None,
        }
    }

    /// Resolves settings from `overrides`, then the environment, then the shared files.
    pub fn resolve(overrides: &Overrides) -> Result<Self, Error> {
        let home = env::var(env::HOME).map(PathBuf::from).unwrap_or_default();
        let credentials_path = env::var(env::AWS_SHARED_CREDENTIALS_FILE)
            .map_or_else(|| home.join(".aws/credentials"), PathBuf::from);
        let config_path =
            env::var(env::AWS_CONFIG_FILE).map_or_else(|| home.join(".aws/config"), PathBuf::from);
        let profile_name = overrides
            .profile
            .clone()
            .or_else(|| env::var(env::AWS_PROFILE))
            .unwrap_or_else(|| "default".to_owned());
        let credentials_file = profile::load(&credentials_path, false)?;
        let config_file = profile::load(&config_path, true)?;
        let from_files = |key: &str| -> Option<String> {
            credentials_file
                .get(&profile_name)
                .and_then(|p| p.get(key))
                .or_else(|| config_file.get(&profile_name).and_then(|p| p.get(key)))
                .filter(|value| !value.is_empty())
                .cloned()
        };
        let named_profile = overrides.profile.is_some() || env::var(env::AWS_PROFILE).is_some();
        if named_profile
            && !credentials_file.contains_key(&profile_name)
            && !config_file.contains_key(&profile_name)
        {
            return Err(Error::InvalidInput(format!(
                "profile {profile_name:?} is in neither {} nor {}",
                credentials_path.display(),
                config_path.display()
            )));
        }

        let credentials = match &overrides.credentials {
            Some(credentials) => credentials.clone(),
            None => credentials_from(overrides.profile.is_some(), &from_files)?,
        };
        let region = overrides
            .region
            .clone()
            .or_else(|| env::var(env::AWS_REGION))
            .or_else(|| env::var(env::AWS_DEFAULT_REGION))
            .or_else(|| from_files("region"))
            .unwrap_or_else(|| "us-east-1".to_owned());
        let endpoint_url = overrides
            .endpoint
            .clone()
            .or_else(|| env::var(env::AWS_ENDPOINT_URL_S3))
            .or_else(|| env::var(env::AWS_ENDPOINT_URL))
            .or_else(|| from_files("endpoint_url"));
        let endpoint = match endpoint_url {
            Some(url) => Endpoint::parse(&url)?,
            None => Endpoint::aws(&region),
        };
        let mut config = Self::new(endpoint, region, credentials);
        let style = from_files("s3.addressing_style");
        config.addressing = match (overrides.path_style, style.as_deref()) {
            (Some(true), _) | (None, Some("path")) => Addressing::Path,
            (Some(false), _) | (None, Some("virtual")) => Addressing::VirtualHosted,
            _ => config.addressing,
        };
        if let Some(text) = env::var(env::AWS_REQUEST_CHECKSUM_CALCULATION)
            .or_else(|| from_files("request_checksum_calculation"))
        {
            config.checksum = ChecksumCalculation::parse(&text)?;
        }
        Ok(config)
    }
}

fn credentials_from(
    profile_flag: bool,
    from_files: &dyn Fn(&str) -> Option<String>,
) -> Result<Credentials, Error> {
    // As in the AWS CLI: a profile named on the command line wins over credentials in the
    // environment, which win over the profile in AWS_PROFILE or `default`.
    let from_env = (!profile_flag)
        .then(|| Some((env::var(env::AWS_ACCESS_KEY_ID)?, env::var(env::AWS_SECRET_ACCESS_KEY)?)))
        .flatten();
    let (access_key, secret_key, token) = match from_env {
        Some((access_key, secret_key)) => (access_key, secret_key, env::var(env::AWS_SESSION_TOKEN)),
        None => {
            let access_key = from_files("aws_access_key_id");
            let secret_key = from_files("aws_secret_access_key");
            match (access_key, secret_key) {
                (Some(access_key), Some(secret_key)) => {
                    (access_key, secret_key, from_files("aws_session_token"))
                }
                _ => {
                    return Err(Error::InvalidInput(format!(
                        "no credentials: set {} and {}, or configure a profile in ~/.aws/credentials",
                        env::AWS_ACCESS_KEY_ID,
                        env::AWS_SECRET_ACCESS_KEY
                    )));
                }
            }
        }
    };
    let mut credentials = Credentials::new(access_key, secret_key);
    if let Some(token) = token {
        credentials = credentials.with_session_token(token);
    }
    Ok(credentials)
}

/// Values given explicitly (command-line flags), which win over everything else.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--endpoint`.
    pub endpoint: Option<String>,
    /// `--region`.
    pub region: Option<String>,
    /// `--profile`.
    pub profile: Option<String>,
    /// `--path-style` (true) or a forced virtual-hosted style (false).
    pub path_style: Option<bool>,
    /// Credentials given directly.
    pub credentials: Option<Credentials>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        let endpoint = Endpoint::parse("http://127.0.0.1:9000/").unwrap();
        assert_eq!(endpoint.authority(None), "127.0.0.1:9000");
        assert_eq!(endpoint.to_string(), "http://127.0.0.1:9000");
        assert_eq!(
            Endpoint::parse("https://s3.eu-west-1.amazonaws.com:443").unwrap().authority(Some("b")),
            "b.s3.eu-west-1.amazonaws.com"
        );
        assert!(Endpoint::parse("https://s3.eu-west-1.amazonaws.com").unwrap().is_aws());
        for (url, loopback) in [
            ("http://127.0.0.1:9000", true),
            ("http://localhost:9000", true),
            ("http://[::1]:9000", true),
            ("http://127.1.2.3", true),
            ("http://10.0.0.1:9000", false),
            ("https://s3.us-east-1.amazonaws.com", false),
            ("http://localhost.evil.com", false),
        ] {
            assert_eq!(Endpoint::parse(url).unwrap().is_loopback(), loopback, "{url}");
        }
        assert_eq!(ChecksumCalculation::parse("WHEN_REQUIRED").unwrap(), ChecksumCalculation::WhenRequired);
        assert!(ChecksumCalculation::parse("always").is_err());
        for bad in
            ["ftp://x", "http://", "http://host/path", "http://host:99999", "http://u@host", "host:9000"]
        {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
    }
}
