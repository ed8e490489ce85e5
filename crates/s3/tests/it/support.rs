//! Clients for the test servers, and what each server is known not to support.

use s3::{Client, Config, Credentials, Endpoint, TransferSettings};
use test_support::{ACCESS_KEY, SECRET_KEY, Server};

/// The part size used in tests: S3's minimum, so multipart paths run on small bodies.
pub const PART: usize = 5 << 20;

pub fn client_with(server: &Server, secret: &str) -> Client {
    let endpoint = Endpoint::parse(&server.endpoint).unwrap();
    let mut config = Config::new(endpoint, "us-east-1", Credentials::new(ACCESS_KEY, secret));
    config.transfer = TransferSettings { multipart_threshold: PART, part_size: PART, concurrency: 4 };
    config.retry.base_delay = std::time::Duration::from_millis(10);
    Client::new(config).unwrap()
}

pub fn client(server: &Server) -> Client {
    client_with(server, SECRET_KEY)
}

/// The whole body of an object.
pub async fn read_all(client: &Client, bucket: &str, key: &str) -> Vec<u8> {
    let output = client.get_object(bucket, key, &s3::GetOptions::default()).await.unwrap();
    output.body.collect().await.unwrap().to_vec()
}

/// Features a server does not have, by name. A test that needs one says so and checks the
/// rest, instead of passing silently.
pub fn lacks(server: &Server, feature: &str) -> bool {
    let missing: &[&str] = match server.name {
        // s3s-fs keeps objects as files: a key with a leading '/' escapes its bucket folder, and
        // it names a metadata file after the base64 of the key, which overflows 255 bytes.
        "s3s-fs" => &[
            "ListMultipartUploads",
            "key \"/leading-slash\"",
            "key \"./dot-slash\"",
            "key \"../dot-dot-slash\"",
            "key \"double//slash\"",
            "1024-byte keys",
        ],
        // rclone serves a local folder and refuses keys that are not clean relative paths.
        "rclone" => &[
            "If-None-Match on PUT",
            "key \"/leading-slash\"",
            "key \"./dot-slash\"",
            "key \"../dot-dot-slash\"",
            "key \"double//slash\"",
        ],
        // SeaweedFS maps keys onto its filer's paths: it refuses `.` and `..` segments.
        "seaweedfs" => &[
            "key \"./dot-slash\"",
            "key \"../dot-dot-slash\"",
            "listing keys with empty path segments as stored",
        ],
        _ => &[],
    };
    let lacking = missing.contains(&feature);
    if lacking {
        eprintln!("UNSUPPORTED by {}: {feature}", server.name);
    }
    lacking
}

/// Creates a fresh bucket on `server`.
pub async fn bucket(client: &Client, prefix: &str) -> String {
    let name = test_support::unique_bucket(prefix);
    client.create_bucket(&name).await.unwrap();
    name
}

/// Deterministic pseudo-random bytes.
pub fn data(len: usize, seed: u64) -> Vec<u8> {
    test_support::pseudo_random_bytes(len, seed)
}
