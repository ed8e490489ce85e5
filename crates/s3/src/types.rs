//! What operations take and return.

/// A bucket in a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketInfo {
    /// Name.
    pub name: String,
    /// Creation date as the server wrote it (ISO 8601).
    pub creation_date: String,
}

/// An object in a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// Key, decoded.
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// Last-modified time as the server wrote it (ISO 8601).
    pub last_modified: String,
    /// ETag with its quotes (some servers omit it from listings: then empty).
    pub etag: String,
    /// Storage class (empty when the server does not say).
    pub storage_class: String,
}

/// ListObjectsV2 parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListOptions {
    /// Only keys that begin with this.
    pub prefix: Option<String>,
    /// Roll keys up to the next delimiter into common prefixes ("folders").
    pub delimiter: Option<String>,
    /// At most this many keys and prefixes per page (1 to 1000).
    pub max_keys: Option<u32>,
    /// Continue after a truncated page.
    pub continuation_token: Option<String>,
    /// Start after this key.
    pub start_after: Option<String>,
}

/// One page of a listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListPage {
    /// Objects, in key order.
    pub objects: Vec<ObjectInfo>,
    /// Common prefixes when a delimiter was given.
    pub prefixes: Vec<String>,
    /// Whether more follows.
    pub is_truncated: bool,
    /// The token for the next page.
    pub next_continuation_token: Option<String>,
}

/// Conditions on reads (and If-None-Match on writes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conditions {
    /// `If-Match`: only if the ETag matches (else 412).
    pub if_match: Option<String>,
    /// `If-None-Match`: only if the ETag differs (else 304).
    pub if_none_match: Option<String>,
    /// `If-Modified-Since` (HTTP date): only if changed since (else 304).
    pub if_modified_since: Option<String>,
    /// `If-Unmodified-Since` (HTTP date): only if unchanged since (else 412).
    pub if_unmodified_since: Option<String>,
}

/// GetObject parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetOptions {
    /// A `Range` header value, e.g. `bytes=0-99`.
    pub range: Option<String>,
    /// Conditions.
    pub conditions: Conditions,
}

/// What HeadObject (and GetObject) tell about an object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectHead {
    /// Content-Length of this answer (the whole object for HEAD, the range for a 206).
    pub content_length: u64,
    /// ETag, with quotes.
    pub etag: String,
    /// Last-Modified (HTTP date).
    pub last_modified: String,
    /// Content-Type.
    pub content_type: Option<String>,
    /// Cache-Control.
    pub cache_control: Option<String>,
    /// Content-Disposition.
    pub content_disposition: Option<String>,
    /// Content-Range of a ranged answer.
    pub content_range: Option<String>,
    /// User metadata (`x-amz-meta-*`), names lower-cased without the prefix.
    pub metadata: Vec<(String, String)>,
    /// Version id, when versioning is on.
    pub version_id: Option<String>,
}

/// PutObject (and CreateMultipartUpload, CopyObject with REPLACE) parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PutOptions {
    /// Content-Type.
    pub content_type: Option<String>,
    /// Cache-Control.
    pub cache_control: Option<String>,
    /// Content-Disposition.
    pub content_disposition: Option<String>,
    /// User metadata: names without the `x-amz-meta-` prefix.
    pub metadata: Vec<(String, String)>,
    /// `If-None-Match: *`: create only; fail with 412 if the key exists.
    pub create_only: bool,
    /// The MD5 the caller says the whole body has (`Content-MD5`): PutObject and
    /// [`Client::upload`](crate::Client::upload) check the bytes against it before anything is
    /// stored, and fail with 400 BadDigest if they differ.
    pub content_md5: Option<[u8; 16]>,
}

/// The answer to a write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PutOutput {
    /// ETag of the stored object.
    pub etag: String,
    /// Version id, when versioning is on.
    pub version_id: Option<String>,
    /// Bytes stored.
    pub size: u64,
}

/// An uploaded part, as CompleteMultipartUpload lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedPart {
    /// Part number, 1 to 10,000.
    pub number: u32,
    /// The ETag UploadPart returned.
    pub etag: String,
    /// The part's CRC32C (base64), when uploads carry checksums.
    pub checksum_crc32c: Option<String>,
}

/// Whether CopyObject keeps or replaces the metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetadataDirective {
    /// Keep the source's metadata.
    Copy,
    /// Use these settings instead.
    Replace(PutOptions),
}

/// A key that DeleteObjects could not delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteFailure {
    /// The key.
    pub key: String,
    /// S3 error code.
    pub code: String,
    /// Message.
    pub message: String,
}

/// An unfinished multipart upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadInfo {
    /// Key.
    pub key: String,
    /// Upload id.
    pub upload_id: String,
    /// When it started.
    pub initiated: String,
}
