//! The environment variables the CLI reads, in one place.

/// Access key id, as in the AWS CLI and SDKs.
pub(crate) const AWS_ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
/// Secret access key.
pub(crate) const AWS_SECRET_ACCESS_KEY: &str = "AWS_SECRET_ACCESS_KEY";
/// Session token of temporary credentials.
pub(crate) const AWS_SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";
/// Region, preferred over [`AWS_DEFAULT_REGION`].
pub(crate) const AWS_REGION: &str = "AWS_REGION";
/// Region, the older name.
pub(crate) const AWS_DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";

/// The variable's value, unless unset, empty or not UTF-8.
pub(crate) fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}
