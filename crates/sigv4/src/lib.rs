//! AWS Signature Version 4, pure: no I/O, no async, no HTTP-library types.
//!
//! The signer takes a borrowed [`Request`] (method, path and query as sent, headers, payload
//! declaration) and returns a [`SignedRequest`] holding every step (canonical request, string to
//! sign, signature) and what to add to the request: the `Authorization` header and friends, or
//! the query parameters of a presigned URL. Streaming uploads continue with a [`ChunkSigner`].
//!
//! ```
//! use sigv4::{Credentials, Payload, Request, Signer, SigningSettings, SigningTime};
//!
//! let signer = Signer::new(Credentials::new("AKIDEXAMPLE", "secret"), "us-east-1", "s3");
//! let headers = [("host", "bucket.s3.us-east-1.amazonaws.com"), ("range", "bytes=0-9")];
//! let request = Request::new("GET", "/photos/my%20cat.jpg", &headers).with_payload(Payload::Unsigned);
//! let time = SigningTime::parse_amz_date("20150830T123600Z")?;
//! let signed = signer.sign(&request, &SigningSettings::s3(), time)?;
//! assert!(signed.canonical_request().to_string().starts_with("GET\n/photos/my%20cat.jpg\n"));
//! assert!(signed.authorization().unwrap().starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request"));
//! # Ok::<(), sigv4::SigningError>(())
//! ```

mod canonical;
mod chunked;
mod credentials;
mod encode;
mod error;
mod hash;
pub mod raw;
mod request;
mod signer;
mod time;

pub use canonical::{CanonicalRequest, StringToSign};
pub use chunked::{
    ChunkFraming, ChunkSigner, canonical_trailers, encode_unsigned_chunk, encode_unsigned_final,
    encoded_length,
};
pub use credentials::{Credentials, SecretString};
pub use encode::{encode_path, encode_query_component};
pub use error::SigningError;
pub use hash::{HmacKey, sha256, sha256_hex};
pub use request::{
    ContentSha256Header, Payload, Request, SessionTokenMode, SignatureLocation, SigningSettings, UriMode,
};
pub use signer::{ALGORITHM, MAX_PRESIGNED_EXPIRY_SECONDS, Signature, SignedRequest, Signer, SigningKey};
pub use time::{AmzDate, SigningTime};
