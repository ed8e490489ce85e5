//! Service settings, resolved before the runtime starts: flag, then `S3_CONNECTOR_*`
//! environment variable (both through clap in the binary), then the TOML file, then default.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Settings as given: every field optional. The binary fills one from flags and environment,
/// the TOML file another; [`RawSettings::or`] merges them.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSettings {
    /// Address to listen on.
    pub listen: Option<SocketAddr>,
    /// S3-compatible endpoint; none means AWS when `region` is set, else the embedded store.
    pub endpoint: Option<String>,
    /// AWS region (or the signing region of a custom endpoint).
    pub region: Option<String>,
    /// Virtual-hosted addressing for a custom endpoint.
    pub virtual_hosted: Option<bool>,
    /// Data folder of the embedded store.
    pub data_dir: Option<PathBuf>,
    /// Public base URL (for `nextLink`), e.g. `https://s3c.example.com`.
    pub public_url: Option<String>,
    /// Accept Basic credentials over plain HTTP on a non-loopback address.
    pub allow_insecure_http: Option<bool>,
    /// TLS certificate chain (PEM).
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    pub tls_key: Option<PathBuf>,
    /// Most objects `all=true` returns.
    pub list_all_cap: Option<usize>,
    /// Most requests handled at once.
    pub max_concurrency: Option<usize>,
    /// Seconds to wait for the upstream's answer or the next piece of a body.
    pub upstream_timeout_seconds: Option<u64>,
    /// Seconds a connection may sit idle, or take to send request headers, before it is closed.
    pub idle_timeout_seconds: Option<u64>,
    /// JSON logs.
    pub log_json: Option<bool>,
    /// `when_supported` or `when_required`: whether uploads to the store carry a CRC32C.
    pub request_checksum_calculation: Option<String>,
    /// MiB of memory that uploads in progress may hold for their buffers, all together.
    pub upload_memory_mib: Option<u32>,
    /// Threads that serve requests; none means one per CPU core.
    pub worker_threads: Option<usize>,
}

impl RawSettings {
    /// Each field from `self`, else from `fallback`.
    #[must_use]
    pub fn or(self, fallback: RawSettings) -> RawSettings {
        RawSettings {
            listen: self.listen.or(fallback.listen),
            endpoint: self.endpoint.or(fallback.endpoint),
            region: self.region.or(fallback.region),
            virtual_hosted: self.virtual_hosted.or(fallback.virtual_hosted),
            data_dir: self.data_dir.or(fallback.data_dir),
            public_url: self.public_url.or(fallback.public_url),
            allow_insecure_http: self.allow_insecure_http.or(fallback.allow_insecure_http),
            tls_cert: self.tls_cert.or(fallback.tls_cert),
            tls_key: self.tls_key.or(fallback.tls_key),
            list_all_cap: self.list_all_cap.or(fallback.list_all_cap),
            max_concurrency: self.max_concurrency.or(fallback.max_concurrency),
            upstream_timeout_seconds: self.upstream_timeout_seconds.or(fallback.upstream_timeout_seconds),
            idle_timeout_seconds: self.idle_timeout_seconds.or(fallback.idle_timeout_seconds),
            log_json: self.log_json.or(fallback.log_json),
            request_checksum_calculation: self
                .request_checksum_calculation
                .or(fallback.request_checksum_calculation),
            upload_memory_mib: self.upload_memory_mib.or(fallback.upload_memory_mib),
            worker_threads: self.worker_threads.or(fallback.worker_threads),
        }
    }

    /// Parses a TOML settings file.
    pub fn from_toml(text: &str) -> Result<RawSettings, String> {
        toml::from_str(text).map_err(|error| error.to_string())
    }

    /// Fills in the defaults and checks the result.
    pub fn resolve(self) -> Result<Settings, String> {
        let upstream = match (self.endpoint, &self.region) {
            (Some(endpoint), _) => {
                s3::Endpoint::parse(&endpoint).map_err(|error| error.to_string())?;
                Upstream::Endpoint { url: endpoint, virtual_hosted: self.virtual_hosted.unwrap_or(false) }
            }
            (None, Some(region)) => Upstream::Aws { region: region.clone() },
            (None, None) => {
                Upstream::Embedded { data_dir: self.data_dir.unwrap_or_else(|| PathBuf::from("data")) }
            }
        };
        let tls = match (self.tls_cert, self.tls_key) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (None, None) => None,
            _ => return Err("--tls-cert and --tls-key go together".to_owned()),
        };
        if let Some(url) = &self.public_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(format!("public URL {url:?} must start with http:// or https://"));
            }
        }
        let checksum = match &self.request_checksum_calculation {
            Some(text) => s3::ChecksumCalculation::parse(text).map_err(|error| error.to_string())?,
            // s3s-fs verifies the signed SHA-256 of every upload but checks a CRC32C on
            // PutObject only, not on UploadPart: the embedded store gets signed payloads.
            None if matches!(upstream, Upstream::Embedded { .. }) => s3::ChecksumCalculation::WhenRequired,
            None => s3::ChecksumCalculation::WhenSupported,
        };
        Ok(Settings {
            listen: self.listen.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            upstream,
            region: self.region.unwrap_or_else(|| "us-east-1".to_owned()),
            public_url: self.public_url.map(|url| url.trim_end_matches('/').to_owned()),
            allow_insecure_http: self.allow_insecure_http.unwrap_or(false),
            tls,
            list_all_cap: self.list_all_cap.unwrap_or(100_000).max(1),
            max_concurrency: self.max_concurrency.unwrap_or(512).max(1),
            upstream_timeout: std::time::Duration::from_secs(
                self.upstream_timeout_seconds.unwrap_or(60).max(1),
            ),
            idle_timeout: std::time::Duration::from_secs(self.idle_timeout_seconds.unwrap_or(30).max(1)),
            log_json: self.log_json.unwrap_or(false),
            checksum,
            upload_memory_mib: self.upload_memory_mib.unwrap_or(512).max(MIN_UPLOAD_MEMORY_MIB),
            worker_threads: match self.worker_threads {
                Some(0) => return Err("--worker-threads must be at least 1".to_owned()),
                threads => threads,
            },
        })
    }
}

/// Where the service sends requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upstream {
    /// The embedded local store (s3s-fs) with data in this folder.
    Embedded {
        /// Data folder.
        data_dir: PathBuf,
    },
    /// Any S3-compatible store.
    Endpoint {
        /// `http[s]://host[:port]`.
        url: String,
        /// Virtual-hosted style instead of path style.
        virtual_hosted: bool,
    },
    /// AWS S3 in a region (virtual-hosted).
    Aws {
        /// The region.
        region: String,
    },
}

/// Resolved settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Where requests go.
    pub upstream: Upstream,
    /// Signing region.
    pub region: String,
    /// Public base URL, without a trailing `/`.
    pub public_url: Option<String>,
    /// Accept Basic credentials over plain HTTP on a non-loopback address.
    pub allow_insecure_http: bool,
    /// TLS certificate and key.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Most objects `all=true` returns.
    pub list_all_cap: usize,
    /// Most requests at once.
    pub max_concurrency: usize,
    /// Upstream timeout.
    pub upstream_timeout: std::time::Duration,
    /// Idle and header timeout of client connections.
    pub idle_timeout: std::time::Duration,
    /// JSON logs.
    pub log_json: bool,
    /// Whether uploads to the store carry a CRC32C (which then covers the body over HTTPS or
    /// loopback, in place of a signed SHA-256).
    pub checksum: s3::ChecksumCalculation,
    /// MiB that uploads in progress may hold for their buffers, all together; an upload that
    /// finds too little waits for it, up to the upstream timeout, then gets a 503.
    pub upload_memory_mib: u32,
    /// Threads that serve requests; `None`: one per CPU core. One thread streams a byte with
    /// about a fifth less CPU than two (the store's and the client's connections stay on one
    /// core), for operators who run one instance per core behind a load balancer.
    pub worker_threads: Option<usize>,
}

/// How the service uploads. Memory per upload is about part size x (parts in flight + 1):
/// 8 MiB x 4 keeps a streaming upload of any size under 64 MiB of resident memory. Three parts
/// in flight rather than two ride out a slow part: with two, one part the store held up
/// stalled the whole upload now and then (1 run in 5 at 0.7 of the usual rate, on SeaweedFS).
pub(crate) const UPLOAD_TRANSFER: s3::TransferSettings =
    s3::TransferSettings { multipart_threshold: 8 << 20, part_size: 8 << 20, concurrency: 3 };

/// The bytes a multipart upload with parts of `part_size` holds in buffers: its first read (up
/// to the threshold), and a part buffer for each part in flight and one filling.
pub(crate) const fn multipart_buffer_bytes(transfer: &s3::TransferSettings, part_size: usize) -> usize {
    transfer.multipart_threshold + (transfer.concurrency + 1) * part_size
}

/// The smallest upload memory budget: one streaming upload's buffers (40 MiB).
pub const MIN_UPLOAD_MEMORY_MIB: u32 =
    (multipart_buffer_bytes(&UPLOAD_TRANSFER, UPLOAD_TRANSFER.part_size) >> 20) as u32;

impl Settings {
    /// Whether Basic credentials must be refused: plain HTTP on a non-loopback address,
    /// without the operator's opt-out.
    pub fn refuses_plain_credentials(&self) -> bool {
        self.tls.is_none() && !self.listen.ip().is_loopback() && !self.allow_insecure_http
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_defaults_fill_the_rest() {
        let file =
            RawSettings::from_toml("listen = \"127.0.0.1:9999\"\nregion = \"eu-west-1\"\nlist-all-cap = 5\n")
                .unwrap();
        let flags = RawSettings { region: Some("us-west-2".into()), ..RawSettings::default() };
        let settings = flags.or(file).resolve().unwrap();
        assert_eq!(settings.listen.port(), 9999);
        assert_eq!(settings.upstream, Upstream::Aws { region: "us-west-2".into() });
        assert_eq!(settings.list_all_cap, 5);
        let embedded = RawSettings::default().resolve().unwrap();
        assert_eq!(embedded.upstream, Upstream::Embedded { data_dir: PathBuf::from("data") });
        assert!(!embedded.refuses_plain_credentials());
        assert!(RawSettings::from_toml("bogus = 1").is_err());
        let open = RawSettings { listen: Some("0.0.0.0:80".parse().unwrap()), ..RawSettings::default() };
        assert!(open.resolve().unwrap().refuses_plain_credentials());
        assert_eq!(embedded.checksum, s3::ChecksumCalculation::WhenRequired);
        assert_eq!(embedded.upload_memory_mib, 512);
        let tiny = RawSettings { upload_memory_mib: Some(1), ..RawSettings::default() };
        assert_eq!(tiny.resolve().unwrap().upload_memory_mib, MIN_UPLOAD_MEMORY_MIB);
        assert_eq!(MIN_UPLOAD_MEMORY_MIB, 40);
        assert_eq!(settings.checksum, s3::ChecksumCalculation::WhenSupported);
        let refusing = RawSettings::from_toml("request-checksum-calculation = \"WHEN_REQUIRED\"").unwrap();
        assert_eq!(
            refusing.or(flags_with_endpoint()).resolve().unwrap().checksum,
            s3::ChecksumCalculation::WhenRequired
        );
        let bogus =
            RawSettings { request_checksum_calculation: Some("always".into()), ..RawSettings::default() };
        assert!(bogus.resolve().is_err());
        assert_eq!(embedded.worker_threads, None);
        let one = RawSettings::from_toml("worker-threads = 1").unwrap();
        assert_eq!(one.resolve().unwrap().worker_threads, Some(1));
        assert!(RawSettings { worker_threads: Some(0), ..RawSettings::default() }.resolve().is_err());
    }

    fn flags_with_endpoint() -> RawSettings {
        RawSettings { endpoint: Some("http://127.0.0.1:9000".into()), ..RawSettings::default() }
    }
}
