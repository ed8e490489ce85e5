//! The client's conformance suite, run against every real S3 server available: s3s-fs
//! in-process, and SeaweedFS and `rclone serve s3` when `scripts/test.sh` started them.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs, unreachable_pub)]

mod conformance;
mod faults;
mod support;
