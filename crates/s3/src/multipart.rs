//! Multipart uploads: the five low-level calls.

use crate::client::{Call, Client};
use crate::ops::add_put_options;
use crate::types::{CompletedPart, PutOptions, PutOutput, UploadInfo};
use crate::{Error, xml};
use bytes::Bytes;
use http::Method;

/// S3's limit on parts per upload.
pub const MAX_PARTS: u32 = 10_000;
/// S3's smallest part (all but the last).
pub const MIN_PART_SIZE: usize = 5 << 20;
/// S3's largest part.
pub const MAX_PART_SIZE: usize = 5 << 30;

impl Client {
    /// CreateMultipartUpload; returns the upload id. When uploads carry checksums, the upload
    /// is created for CRC32C and every part must carry one ([`Client::upload_part`] does).
    pub async fn create_multipart_upload(
        &self,
        bucket: &str,
        key: &str,
        options: &PutOptions,
    ) -> Result<String, Error> {
        let build = |checksum: bool| -> Result<Call<'_>, Error> {
            let call = Call::new(Method::POST, Some(bucket), Some(key)).query("uploads", "");
            let call = add_put_options(call, options)?;
            Ok(if checksum { call.header("x-amz-checksum-algorithm", "CRC32C") } else { call })
        };
        let checksum = self.sends_checksums();
        let reply = match self.send(&build(checksum)?).await {
            Err(error) if checksum && self.checksums_refused(&error) => self.send(&build(false)?).await?,
            other => other?,
        };
        let result = xml::initiate_multipart(&reply.xml().await?)?;
        if result.upload_id.is_empty() {
            return Err(Error::InvalidResponse("CreateMultipartUpload returned no UploadId".to_owned()));
        }
        Ok(result.upload_id)
    }

    /// UploadPart; returns what CompleteMultipartUpload needs of the part. The body is covered
    /// by its CRC32C or its signed SHA-256 (see [`crate::ChecksumCalculation`]).
    pub async fn upload_part(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        part_number: u32,
        body: Bytes,
    ) -> Result<CompletedPart, Error> {
        if !(1..=MAX_PARTS).contains(&part_number) {
            return Err(Error::InvalidInput(format!(
                "part number {part_number} is out of range 1 to {MAX_PARTS}"
            )));
        }
        let build = || {
            Ok(Call::new(Method::PUT, Some(bucket), Some(key))
                .query("partNumber", part_number.to_string())
                .query("uploadId", upload_id)
                .body(body.clone()))
        };
        let (reply, checksum_crc32c) = self.send_upload(build).await?;
        let etag = reply
            .header("etag")
            .map(str::to_owned)
            .ok_or_else(|| Error::InvalidResponse(format!("UploadPart {part_number} returned no ETag")))?;
        Ok(CompletedPart { number: part_number, etag, checksum_crc32c })
    }

    /// CompleteMultipartUpload with the parts in order. `create_only` sends `If-None-Match: *`:
    /// the store refuses (412) to complete over an existing key.
    pub async fn complete_multipart_upload(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        parts: &[CompletedPart],
        create_only: bool,
    ) -> Result<PutOutput, Error> {
        let mut call = Call::new(Method::POST, Some(bucket), Some(key))
            .query("uploadId", upload_id)
            .header("content-type", "application/xml")
            .body(Bytes::from(xml::complete_body(parts)));
        if create_only {
            call = call.header("if-none-match", "*");
        }
        // Completing twice is harmless: the second answers NoSuchUpload or the same result.
        call.idempotent = true;
        self.send(&call).await?.etag_document("CompleteMultipartUpload").await
    }

    /// AbortMultipartUpload: frees the stored parts.
    pub async fn abort_multipart_upload(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
    ) -> Result<(), Error> {
        let call = Call::new(Method::DELETE, Some(bucket), Some(key)).query("uploadId", upload_id);
        self.send(&call).await.map(drop)
    }

    /// ListMultipartUploads under `prefix`, all pages.
    pub async fn list_multipart_uploads(
        &self,
        bucket: &str,
        prefix: Option<&str>,
    ) -> Result<Vec<UploadInfo>, Error> {
        let mut uploads = Vec::new();
        let mut markers: Option<(String, String)> = None;
        loop {
            let mut call = Call::new(Method::GET, Some(bucket), None).query("uploads", "");
            if let Some(prefix) = prefix {
                call = call.query("prefix", prefix);
            }
            if let Some((key_marker, upload_marker)) = &markers {
                call = call
                    .query("key-marker", key_marker.clone())
                    .query("upload-id-marker", upload_marker.clone());
            }
            let reply = self.send(&call).await?;
            let result = xml::list_multipart_uploads(&reply.xml().await?)?;
            uploads.extend(result.upload.into_iter().map(|upload| UploadInfo {
                key: upload.key,
                upload_id: upload.upload_id,
                initiated: upload.initiated,
            }));
            match (result.is_truncated, result.next_key_marker, result.next_upload_id_marker) {
                (true, Some(key_marker), Some(upload_marker)) if !key_marker.is_empty() => {
                    markers = Some((key_marker, upload_marker));
                }
                _ => return Ok(uploads),
            }
        }
    }
}
