//! Integration tests of the signer: the AWS conformance suites, the S3 streaming examples, and a
//! differential property test against the `aws-sigv4` crate.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs, unreachable_pub)]

mod aws_c_auth;
mod botocore;
mod differential;
mod streaming;

use std::path::PathBuf;

/// The vendored test data (see tests/data/UPSTREAM.md for where it comes from).
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// Fails with a message that names the step where expected and actual first differ.
#[track_caller]
pub fn assert_step(case: &str, step: &str, expected: &[u8], actual: &[u8]) {
    if expected != actual {
        panic!(
            "{case}: {step} differs\n--- expected ---\n{}\n--- actual ---\n{}\n",
            String::from_utf8_lossy(expected),
            String::from_utf8_lossy(actual)
        );
    }
}
