//! The s3-connector service: a JSON and binary HTTP API, called with HTTP Basic credentials,
//! that signs every request with SigV4 and streams it to S3, an S3-compatible store, or the
//! embedded local store.

mod app;
pub mod definition;
pub mod embedded;
mod error;
mod handlers;
mod listing;
mod metered;
pub mod metrics;
mod server;
pub mod settings;
mod target;

pub use app::{App, OPERATIONAL_ROUTES, router};
pub use error::ApiError;
pub use server::{run, serve};
pub use settings::{RawSettings, Settings, Upstream};
