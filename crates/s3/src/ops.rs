//! Bucket and object operations.

use crate::client::{Call, Client, Reply};
use crate::types::*;
use crate::{Error, ServiceError, xml};
use base64::Engine;
use bytes::Bytes;
use http::Method;
use md5::{Digest, Md5};

/// S3's limit of keys per DeleteObjects request.
pub const DELETE_BATCH: usize = 1000;

fn add_conditions<'a>(mut call: Call<'a>, conditions: &Conditions) -> Call<'a> {
    if let Some(value) = &conditions.if_match {
        call = call.header("if-match", value.clone());
    }
    if let Some(value) = &conditions.if_none_match {
        call = call.header("if-none-match", value.clone());
    }
    if let Some(value) = &conditions.if_modified_since {
        call = call.header("if-modified-since", value.clone());
    }
    if let Some(value) = &conditions.if_unmodified_since {
        call = call.header("if-unmodified-since", value.clone());
    }
    call
}

pub(crate) fn add_put_options<'a>(mut call: Call<'a>, options: &PutOptions) -> Result<Call<'a>, Error> {
    if let Some(value) = &options.content_type {
        call = call.header("content-type", value.clone());
    }
    if let Some(value) = &options.cache_control {
        call = call.header("cache-control", value.clone());
    }
    if let Some(value) = &options.content_disposition {
        call = call.header("content-disposition", value.clone());
    }
    crate::names::validate_metadata(&options.metadata)?;
    for (name, value) in &options.metadata {
        call.headers.push((format!("x-amz-meta-{}", name.to_ascii_lowercase()).into(), value.clone()));
    }
    Ok(call)
}

/// The 400 BadDigest S3 answers when a body's MD5 is not its `Content-MD5`.
pub(crate) fn check_md5(expected: &[u8; 16], actual: &[u8; 16]) -> Result<(), Error> {
    if expected == actual {
        return Ok(());
    }
    Err(Error::Service(Box::new(ServiceError {
        status: 400,
        code: "BadDigest".to_owned(),
        message: "the body's MD5 is not the Content-MD5 sent with it: the body was damaged on the way, \
                  or the Content-MD5 is of other bytes; nothing was stored"
            .to_owned(),
        ..ServiceError::default()
    })))
}

/// The 304 or 412 a store that ignored the conditions should have sent (see
/// [`crate::conditions`]).
fn check_conditions(conditions: &Conditions, head: &ObjectHead, reply: &Reply) -> Result<(), Error> {
    match crate::conditions::evaluate(conditions, &head.etag, &head.last_modified) {
        crate::conditions::Verdict::Proceed => Ok(()),
        crate::conditions::Verdict::NotModified => Err(Error::NotModified),
        crate::conditions::Verdict::PreconditionFailed => {
            Err(Error::PreconditionFailed(Box::new(ServiceError {
                status: 412,
                code: "PreconditionFailed".to_owned(),
                message: "At least one of the pre-conditions you specified did not hold".to_owned(),
                request_id: reply.header("x-amz-request-id").unwrap_or_default().to_owned(),
                canonical_request: None,
                string_to_sign: None,
            })))
        }
    }
}

fn head_from(reply: &Reply) -> ObjectHead {
    let header = |name: &str| reply.header(name).map(str::to_owned);
    let mut metadata: Vec<(String, String)> = reply
        .headers
        .iter()
        .filter_map(|(name, value)| {
            let name = name.as_str().strip_prefix("x-amz-meta-")?;
            Some((name.to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect();
    metadata.sort();
    ObjectHead {
        content_length: header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0),
        etag: header("etag").unwrap_or_default(),
        last_modified: header("last-modified").unwrap_or_default(),
        content_type: header("content-type"),
        cache_control: header("cache-control"),
        content_disposition: header("content-disposition"),
        content_range: header("content-range"),
        metadata,
        version_id: header("x-amz-version-id"),
    }
}

/// Decodes a key or prefix of a listing sent with `encoding-type=url` (`+` is a space there).
fn url_decode(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => out.push(b' '),
            b'%' if index + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).ok();
                match hex.and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
                    Some(byte) => {
                        out.push(byte);
                        index += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// True when `text` could be the output of S3's URL encoding: only unreserved characters, `/`,
/// `+` and well-formed `%XX` escapes.
fn looks_url_encoded(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().all(|(index, &byte)| match byte {
        b'%' => bytes.get(index + 1..index + 3).is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)),
        b'/' | b'+' | b'-' | b'_' | b'.' | b'~' | b'*' => true,
        byte => byte.is_ascii_alphanumeric(),
    })
}

/// A GetObject answer: the object's headers and its streaming body.
#[derive(Debug)]
pub struct GetObjectOutput {
    /// Headers.
    pub head: ObjectHead,
    /// 200, or 206 for a range.
    pub status: u16,
    /// The body.
    pub body: crate::ByteStream,
}

impl Client {
    /// ListBuckets.
    pub async fn list_buckets(&self) -> Result<Vec<BucketInfo>, Error> {
        let reply = self.send(&Call::new(Method::GET, None, None)).await?;
        let parsed = xml::list_buckets(&reply.xml().await?)?;
        Ok(parsed
            .buckets
            .bucket
            .into_iter()
            .map(|bucket| BucketInfo { name: bucket.name, creation_date: bucket.creation_date })
            .collect())
    }

    /// HeadBucket: succeeds if the bucket exists and is reachable; returns its region when the
    /// server says (`x-amz-bucket-region`).
    pub async fn head_bucket(&self, bucket: &str) -> Result<Option<String>, Error> {
        let reply = self.send(&Call::new(Method::HEAD, Some(bucket), None)).await?;
        Ok(reply.header("x-amz-bucket-region").map(str::to_owned))
    }

    /// CreateBucket (in the client's region).
    pub async fn create_bucket(&self, bucket: &str) -> Result<(), Error> {
        let mut call = Call::new(Method::PUT, Some(bucket), None);
        let region = &self.config().region;
        if self.config().endpoint.is_aws() && region != "us-east-1" {
            call = call.body(Bytes::from(format!(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>{}</LocationConstraint></CreateBucketConfiguration>",
                xml::escape(region)
            )));
        }
        self.send(&call).await.map(drop)
    }

    /// DeleteBucket (it must be empty).
    pub async fn delete_bucket(&self, bucket: &str) -> Result<(), Error> {
        self.send(&Call::new(Method::DELETE, Some(bucket), None)).await.map(drop)
    }

    /// One page of ListObjectsV2. Keys are requested URL-encoded and decoded here, so any key
    /// survives the XML.
    pub async fn list_objects(&self, bucket: &str, options: &ListOptions) -> Result<ListPage, Error> {
        let mut call =
            Call::new(Method::GET, Some(bucket), None).query("list-type", "2").query("encoding-type", "url");
        if let Some(value) = &options.prefix {
            call = call.query("prefix", value.clone());
        }
        if let Some(value) = &options.delimiter {
            call = call.query("delimiter", value.clone());
        }
        if let Some(value) = options.max_keys {
            if !(1..=1000).contains(&value) {
                return Err(Error::InvalidInput(format!("max-keys {value} is out of range: use 1 to 1000")));
            }
            call = call.query("max-keys", value.to_string());
        }
        if let Some(value) = &options.continuation_token {
            call = call.query("continuation-token", value.clone());
        }
        if let Some(value) = &options.start_after {
            call = call.query("start-after", value.clone());
        }
        let reply = self.send(&call).await?;
        let parsed = xml::list_objects(&reply.xml().await?)?;
        // We ask for `encoding-type=url`, but servers differ: AWS encodes and says so; rclone
        // encodes without saying; s3s-fs 0.14 says so without encoding. Decode when the server
        // does not deny it and every name in the page looks encoded; decoding a raw name would
        // turn its `+` into a space.
        let encoded = parsed.encoding_type.as_deref().is_none_or(|encoding| encoding == "url")
            && parsed
                .contents
                .iter()
                .map(|object| object.key.as_str())
                .chain(parsed.common_prefixes.iter().map(|prefix| prefix.prefix.as_str()))
                .all(looks_url_encoded);
        let decode = |text: String| if encoded { url_decode(&text) } else { text };
        Ok(ListPage {
            objects: parsed
                .contents
                .into_iter()
                .map(|object| ObjectInfo {
                    key: decode(object.key),
                    size: object.size,
                    last_modified: object.last_modified,
                    etag: object.etag,
                    storage_class: object.storage_class,
                })
                .collect(),
            prefixes: parsed.common_prefixes.into_iter().map(|prefix| decode(prefix.prefix)).collect(),
            is_truncated: parsed.is_truncated,
            next_continuation_token: parsed.next_continuation_token.filter(|token| !token.is_empty()),
        })
    }

    /// Every page of a listing, following continuation tokens.
    pub fn list_pages(&self, bucket: &str, options: ListOptions) -> ObjectPages {
        ObjectPages { client: self.clone(), bucket: bucket.to_owned(), options, done: false }
    }

    /// HeadObject.
    pub async fn head_object(
        &self,
        bucket: &str,
        key: &str,
        conditions: &Conditions,
    ) -> Result<ObjectHead, Error> {
        let call = add_conditions(Call::new(Method::HEAD, Some(bucket), Some(key)), conditions);
        let reply = self.send(&call).await?;
        let head = head_from(&reply);
        check_conditions(conditions, &head, &reply)?;
        Ok(head)
    }

    /// GetObject, streaming.
    pub async fn get_object(
        &self,
        bucket: &str,
        key: &str,
        options: &GetOptions,
    ) -> Result<GetObjectOutput, Error> {
        let mut call = add_conditions(Call::new(Method::GET, Some(bucket), Some(key)), &options.conditions);
        if let Some(range) = &options.range {
            call = call.header("range", range.clone());
        }
        let reply = self.send(&call).await?;
        let head = head_from(&reply);
        check_conditions(&options.conditions, &head, &reply)?;
        // A partial body is a 206 even from servers that say 200 with a Content-Range (rclone).
        let partial = options.range.is_some() && head.content_range.is_some();
        let status = if partial { 206 } else { reply.status.as_u16() };
        Ok(GetObjectOutput { head, status, body: reply.body })
    }

    /// PutObject of a body in memory, covered by its CRC32C or its signed SHA-256 (see
    /// [`crate::ChecksumCalculation`]), so the server checks every byte.
    pub async fn put_object(
        &self,
        bucket: &str,
        key: &str,
        body: Bytes,
        options: &PutOptions,
    ) -> Result<PutOutput, Error> {
        let size = body.len() as u64;
        if let Some(expected) = &options.content_md5 {
            check_md5(expected, &Md5::digest(&body).into())?;
        }
        let build = || {
            let mut call =
                add_put_options(Call::new(Method::PUT, Some(bucket), Some(key)), options)?.body(body.clone());
            if options.create_only {
                call = call.header("if-none-match", "*");
            }
            Ok(call)
        };
        let (reply, _) = self.send_upload(build).await?;
        Ok(PutOutput {
            etag: reply.header("etag").unwrap_or_default().to_owned(),
            version_id: reply.header("x-amz-version-id").map(str::to_owned),
            size,
        })
    }

    /// DeleteObject (succeeds also when the key does not exist, as S3 does).
    pub async fn delete_object(&self, bucket: &str, key: &str) -> Result<(), Error> {
        self.send(&Call::new(Method::DELETE, Some(bucket), Some(key))).await.map(drop)
    }

    /// DeleteObjects in batches of 1000 (each with its Content-MD5, which S3 requires). Keys
    /// the server could not delete come back as failures; the call fails only if a batch does.
    pub async fn delete_objects(&self, bucket: &str, keys: &[String]) -> Result<Vec<DeleteFailure>, Error> {
        let mut failures = Vec::new();
        for batch in keys.chunks(DELETE_BATCH) {
            for key in batch {
                self.check_key(bucket, key)?;
            }
            let body = Bytes::from(xml::delete_body(batch, true));
            let md5 = base64::engine::general_purpose::STANDARD.encode(Md5::digest(&body));
            let mut call = Call::new(Method::POST, Some(bucket), None)
                .query("delete", "")
                .header("content-md5", md5)
                .header("content-type", "application/xml")
                .body(body);
            // Deleting the same keys twice is harmless.
            call.idempotent = true;
            let reply = self.send(&call).await?;
            let result = xml::delete_result(&reply.xml().await?)?;
            failures.extend(result.error.into_iter().map(|e| DeleteFailure {
                key: e.key,
                code: e.code,
                message: e.message,
            }));
        }
        Ok(failures)
    }

    /// CopyObject within or across buckets (up to 5 GiB, S3's limit for one copy).
    pub async fn copy_object(
        &self,
        source_bucket: &str,
        source_key: &str,
        bucket: &str,
        key: &str,
        directive: &MetadataDirective,
    ) -> Result<PutOutput, Error> {
        crate::names::validate_bucket(source_bucket)?;
        self.check_key(source_bucket, source_key)?;
        let source = format!("/{source_bucket}/{}", sigv4::encode_path(source_key));
        let mut call = Call::new(Method::PUT, Some(bucket), Some(key)).header("x-amz-copy-source", source);
        call = match directive {
            MetadataDirective::Copy => call.header("x-amz-metadata-directive", "COPY"),
            MetadataDirective::Replace(options) => {
                add_put_options(call.header("x-amz-metadata-directive", "REPLACE"), options)?
            }
        };
        self.send(&call).await?.etag_document("CopyObject").await
    }

    /// A presigned GET URL.
    pub fn presign_get(&self, bucket: &str, key: &str, expires_in_seconds: u32) -> Result<String, Error> {
        self.presign_call(&Call::new(Method::GET, Some(bucket), Some(key)), expires_in_seconds)
    }

    /// A presigned PUT URL. The uploader sends the body; it is covered by TLS, not the
    /// signature (`UNSIGNED-PAYLOAD`), as with every presigned upload.
    pub fn presign_put(&self, bucket: &str, key: &str, expires_in_seconds: u32) -> Result<String, Error> {
        self.presign_call(&Call::new(Method::PUT, Some(bucket), Some(key)), expires_in_seconds)
    }
}

/// The pages of a listing, fetched one at a time as they are asked for.
#[derive(Debug)]
pub struct ObjectPages {
    client: Client,
    bucket: String,
    options: ListOptions,
    done: bool,
}

impl ObjectPages {
    /// The next page, or `None` after the last.
    pub async fn next_page(&mut self) -> Option<Result<ListPage, Error>> {
        if self.done {
            return None;
        }
        let page = match self.client.list_objects(&self.bucket, &self.options).await {
            Ok(page) => page,
            Err(error) => {
                self.done = true;
                return Some(Err(error));
            }
        };
        match (&page.next_continuation_token, page.is_truncated) {
            (Some(token), true) => self.options.continuation_token = Some(token.clone()),
            _ => self.done = true,
        }
        Some(Ok(page))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_listing_keys() {
        assert_eq!(url_decode("a+b%2Bc%25%E1%88%B4"), "a b+c%ሴ");
        assert_eq!(url_decode("100%"), "100%");
        assert!(looks_url_encoded("a+b%2Bc/d"));
        assert!(!looks_url_encoded("a b"));
        assert!(!looks_url_encoded("100%"));
        assert!(!looks_url_encoded("日本"));
    }
}
