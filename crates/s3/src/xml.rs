//! The XML S3 speaks: response models (parsed with quick-xml's serde support) and the two
//! request bodies we write (Delete, CompleteMultipartUpload).

use crate::error::{Error, ServiceError};
use serde::Deserialize;

fn parse<'de, T: Deserialize<'de>>(body: &'de [u8], what: &str) -> Result<T, Error> {
    let text = std::str::from_utf8(body).map_err(|_| Error::InvalidResponse(format!("{what}: not UTF-8")))?;
    quick_xml::de::from_str(text).map_err(|error| Error::InvalidResponse(format!("{what}: {error}")))
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
struct ErrorXml {
    code: String,
    message: String,
    request_id: String,
    canonical_request: Option<String>,
    string_to_sign: Option<String>,
}

/// Parses an `<Error>` body.
pub(crate) fn parse_error(body: &[u8]) -> Option<ServiceError> {
    if body.is_empty() {
        return None;
    }
    let parsed: ErrorXml = parse(body, "error").ok()?;
    Some(ServiceError {
        status: 0,
        code: parsed.code,
        message: parsed.message,
        request_id: parsed.request_id,
        canonical_request: parsed.canonical_request,
        string_to_sign: parsed.string_to_sign,
    })
}

/// Some operations answer 200 and then an `<Error>` body (CompleteMultipartUpload, CopyObject).
pub(crate) fn is_error_document(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&body[..body.len().min(256)]);
    let text = text.trim_start();
    let text = text.strip_prefix("<?xml").map_or(text, |rest| rest.split_once("?>").map_or(rest, |(_, r)| r));
    text.trim_start().starts_with("<Error>")
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
pub(crate) struct ListAllMyBucketsResult {
    pub(crate) buckets: BucketsXml,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct BucketsXml {
    #[serde(rename = "Bucket")]
    pub(crate) bucket: Vec<BucketXml>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
pub(crate) struct BucketXml {
    pub(crate) name: String,
    pub(crate) creation_date: String,
}

pub(crate) fn list_buckets(body: &[u8]) -> Result<ListAllMyBucketsResult, Error> {
    parse(body, "ListBuckets")
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
pub(crate) struct ListBucketResult {
    pub(crate) is_truncated: bool,
    pub(crate) contents: Vec<ObjectXml>,
    pub(crate) common_prefixes: Vec<PrefixXml>,
    pub(crate) next_continuation_token: Option<String>,
    pub(crate) encoding_type: Option<String>,
    pub(crate) key_count: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
pub(crate) struct ObjectXml {
    pub(crate) key: String,
    pub(crate) last_modified: String,
    #[serde(rename = "ETag")]
    pub(crate) etag: String,
    pub(crate) size: u64,
    pub(crate) storage_class: String,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
pub(crate) struct PrefixXml {
    pub(crate) prefix: String,
}

pub(crate) fn list_objects(body: &[u8]) -> Result<ListBucketResult, Error> {
    parse(body, "ListObjectsV2")
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
pub(crate) struct InitiateMultipartUploadResult {
    pub(crate) upload_id: String,
}

pub(crate) fn initiate_multipart(body: &[u8]) -> Result<InitiateMultipartUploadResult, Error> {
    parse(body, "CreateMultipartUpload")
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
pub(crate) struct EtagResult {
    #[serde(rename = "ETag")]
    pub(crate) etag: String,
    pub(crate) last_modified: String,
}

pub(crate) fn etag_result(body: &[u8], what: &str) -> Result<EtagResult, Error> {
    parse(body, what)
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
pub(crate) struct DeleteResult {
    pub(crate) deleted: Vec<DeletedXml>,
    pub(crate) error: Vec<DeleteErrorXml>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
pub(crate) struct DeletedXml {
    pub(crate) key: String,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
pub(crate) struct DeleteErrorXml {
    pub(crate) key: String,
    pub(crate) code: String,
    pub(crate) message: String,
}

pub(crate) fn delete_result(body: &[u8]) -> Result<DeleteResult, Error> {
    parse(body, "DeleteObjects")
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
pub(crate) struct ListMultipartUploadsResult {
    pub(crate) upload: Vec<UploadXml>,
    pub(crate) is_truncated: bool,
    pub(crate) next_key_marker: Option<String>,
    pub(crate) next_upload_id_marker: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
pub(crate) struct UploadXml {
    pub(crate) key: String,
    pub(crate) upload_id: String,
    pub(crate) initiated: String,
}

pub(crate) fn list_multipart_uploads(body: &[u8]) -> Result<ListMultipartUploadsResult, Error> {
    parse(body, "ListMultipartUploads")
}

/// Escapes text for an XML element.
pub(crate) fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

/// The `<Delete>` body of DeleteObjects.
pub(crate) fn delete_body(keys: &[String], quiet: bool) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">",
    );
    if quiet {
        out.push_str("<Quiet>true</Quiet>");
    }
    for key in keys {
        out.push_str("<Object><Key>");
        out.push_str(&escape(key));
        out.push_str("</Key></Object>");
    }
    out.push_str("</Delete>");
    out
}

/// The `<CompleteMultipartUpload>` body.
pub(crate) fn complete_body(parts: &[crate::CompletedPart]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">",
    );
    for part in parts {
        out.push_str(&format!(
            "<Part><PartNumber>{}</PartNumber><ETag>{}</ETag>",
            part.number,
            escape(&part.etag)
        ));
        if let Some(checksum) = &part.checksum_crc32c {
            out.push_str(&format!("<ChecksumCRC32C>{}</ChecksumCRC32C>", escape(checksum)));
        }
        out.push_str("</Part>");
    }
    out.push_str("</CompleteMultipartUpload>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_listing_and_errors() {
        let body = br#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix></Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated><Contents><Key>a&amp;b</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified><ETag>&quot;x&quot;</ETag><Size>3</Size><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>c</Key><Size>0</Size></Contents><CommonPrefixes><Prefix>d/</Prefix></CommonPrefixes><NextContinuationToken>tok</NextContinuationToken></ListBucketResult>"#;
        let parsed = list_objects(body).unwrap();
        assert!(parsed.is_truncated);
        assert_eq!(parsed.contents.len(), 2);
        assert_eq!(parsed.contents[0].key, "a&b");
        assert_eq!(parsed.contents[0].etag, "\"x\"");
        assert_eq!(parsed.common_prefixes[0].prefix, "d/");
        assert_eq!(parsed.next_continuation_token.as_deref(), Some("tok"));

        let error = parse_error(
            b"<Error><Code>NoSuchKey</Code><Message>gone</Message><RequestId>r1</RequestId></Error>",
        )
        .unwrap();
        assert_eq!(
            (error.code.as_str(), error.message.as_str(), error.request_id.as_str()),
            ("NoSuchKey", "gone", "r1")
        );
        assert!(is_error_document(b"<?xml version=\"1.0\"?>\n<Error><Code>X</Code></Error>"));
        let mismatch = parse_error(b"<Error><Code>SignatureDoesNotMatch</Code><Message>m</Message><StringToSign>AWS4-HMAC-SHA256\n...</StringToSign><CanonicalRequest>GET\n/b\n</CanonicalRequest><RequestId>r</RequestId></Error>").unwrap();
        assert_eq!(mismatch.canonical_request.as_deref(), Some("GET\n/b\n"));
        assert_eq!(mismatch.string_to_sign.as_deref(), Some("AWS4-HMAC-SHA256\n..."));
        assert!(!is_error_document(b"<CompleteMultipartUploadResult/>"));
    }

    #[test]
    fn writes_request_bodies() {
        assert!(
            delete_body(&["a<b".to_owned()], true)
                .contains("<Quiet>true</Quiet><Object><Key>a&lt;b</Key></Object>")
        );
        let part = |number, checksum: Option<&str>| crate::CompletedPart {
            number,
            etag: "\"e\"".to_owned(),
            checksum_crc32c: checksum.map(str::to_owned),
        };
        let body = complete_body(&[part(1, None), part(2, Some("yZRlqg=="))]);
        assert!(body.contains("<Part><PartNumber>1</PartNumber><ETag>&quot;e&quot;</ETag></Part>"));
        assert!(body.contains(
            "<Part><PartNumber>2</PartNumber><ETag>&quot;e&quot;</ETag><ChecksumCRC32C>yZRlqg==</ChecksumCRC32C></Part>"
        ));
    }
}
