//! An S3 client for AWS and S3-compatible stores: virtual-hosted or path-style addressing,
//! the operations the connector needs, streaming bodies, multipart uploads with bounded memory,
//! retries with backoff that sign every attempt anew, presigned URLs, and errors that say what
//! happened.

mod body;
mod client;
mod conditions;
pub mod config;
pub mod env;
mod error;
mod multipart;
mod names;
mod ops;
mod pool;
mod profile;
mod transfer;
mod types;
mod xml;

pub use body::ByteStream;
pub use client::Client;
pub use config::{
    Addressing, Attempt, AttemptObserver, ChecksumCalculation, Config, Endpoint, Overrides, RetryPolicy,
    TransferSettings,
};
pub use error::{Error, Result, ServiceError};
pub use multipart::{MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE};
pub use names::{MAX_KEY_BYTES, validate_bucket, validate_file_key, validate_key, validate_metadata};
pub use ops::{DELETE_BATCH, GetObjectOutput, ObjectPages};
pub use sigv4::Credentials;
pub use transfer::part_size_for;
pub use types::*;
