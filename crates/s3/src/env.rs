//! Environment variables the client reads, as the AWS CLI and SDKs name them.

/// Access key id.
pub const AWS_ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
/// Secret access key.
pub const AWS_SECRET_ACCESS_KEY: &str = "AWS_SECRET_ACCESS_KEY";
/// Session token of temporary credentials.
pub const AWS_SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";
/// Profile in the shared files (default `default`).
pub const AWS_PROFILE: &str = "AWS_PROFILE";
/// Region, preferred over [`AWS_DEFAULT_REGION`].
pub const AWS_REGION: &str = "AWS_REGION";
/// Region, the older name.
pub const AWS_DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";
/// Endpoint for every service.
pub const AWS_ENDPOINT_URL: &str = "AWS_ENDPOINT_URL";
/// Endpoint for S3 only, preferred over [`AWS_ENDPOINT_URL`].
pub const AWS_ENDPOINT_URL_S3: &str = "AWS_ENDPOINT_URL_S3";
/// The shared credentials file (default `~/.aws/credentials`).
pub const AWS_SHARED_CREDENTIALS_FILE: &str = "AWS_SHARED_CREDENTIALS_FILE";
/// The shared config file (default `~/.aws/config`).
pub const AWS_CONFIG_FILE: &str = "AWS_CONFIG_FILE";
/// `when_supported` (default: uploads carry a CRC32C checksum) or `when_required`.
pub const AWS_REQUEST_CHECKSUM_CALCULATION: &str = "AWS_REQUEST_CHECKSUM_CALCULATION";
/// Home directory, where `.aws/` lives.
pub const HOME: &str = "HOME";

/// The variable's value, unless unset, empty or not UTF-8.
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}
