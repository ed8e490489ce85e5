//! Reading the bucket and key out of the request path, exactly once decoded.
//!
//! The key is the rest of the path after `/objects/` or `/metadata/`, percent-decoded once:
//! `%2F` and `/` both mean `/`, `%25` means `%`, and `+` stays `+` (paths are not forms).

use crate::error::ApiError;

fn hex(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes once; a `%` without two hex digits is an error, as is invalid UTF-8.
pub(crate) fn decode_once(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let high = bytes.get(index + 1).copied().and_then(hex)?;
            let low = bytes.get(index + 2).copied().and_then(hex)?;
            out.push(high << 4 | low);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The bucket named in `/v1/buckets/{bucket}/...`, validated.
pub(crate) fn bucket(path: &str) -> Result<String, ApiError> {
    let rest = path.strip_prefix("/v1/buckets/").unwrap_or_default();
    let raw = rest.split('/').next().unwrap_or_default();
    let bucket = decode_once(raw).ok_or_else(|| {
        ApiError::bad_request("InvalidBucketName", "the bucket name is not valid percent-encoded UTF-8")
    })?;
    s3::validate_bucket(&bucket)
        .map_err(|error| ApiError::bad_request("InvalidBucketName", error.to_string()))?;
    Ok(bucket)
}

/// The bucket and key of `/v1/buckets/{bucket}/{segment}/{key...}`.
pub(crate) fn bucket_and_key(path: &str, segment: &str) -> Result<(String, String), ApiError> {
    let bucket = bucket(path)?;
    let marker = format!("/{segment}/");
    let raw_key = path.split_once(&marker).map(|(_, key)| key).unwrap_or_default();
    let key = decode_once(raw_key).ok_or_else(|| {
        ApiError::bad_request("InvalidKey", "the key is not valid percent-encoded UTF-8: encode '%' as %25")
    })?;
    if key.is_empty() {
        return Err(ApiError::bad_request(
            "InvalidKey",
            "the key is empty: put it after /objects/ in the path",
        ));
    }
    if key.len() > s3::MAX_KEY_BYTES {
        return Err(ApiError::bad_request(
            "InvalidKey",
            format!("the key is {} bytes long; S3 allows at most {}", key.len(), s3::MAX_KEY_BYTES),
        ));
    }
    Ok((bucket, key))
}

/// Decodes an `application/x-www-form-urlencoded` query into pairs (`+` is a space there).
pub(crate) fn query_pairs(query: &str) -> Result<Vec<(String, String)>, ApiError> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |text: &str| {
                decode_once(&text.replace('+', " ")).ok_or_else(|| {
                    ApiError::bad_request(
                        "InvalidArgument",
                        format!("query parameter {name:?} is not valid percent-encoded UTF-8"),
                    )
                })
            };
            Ok((decode(name)?, decode(value)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_decoded_once() {
        let (bucket, key) =
            bucket_and_key("/v1/buckets/my-bucket/objects/a%2Fb/c%25d+e%20f//g", "objects").unwrap();
        assert_eq!(bucket, "my-bucket");
        assert_eq!(key, "a/b/c%d+e f//g");
        assert!(bucket_and_key("/v1/buckets/my-bucket/objects/", "objects").is_err());
        assert!(bucket_and_key("/v1/buckets/my-bucket/objects/%zz", "objects").is_err());
        assert!(bucket_and_key("/v1/buckets/my-bucket/objects/%ff", "objects").is_err());
        assert!(bucket_and_key("/v1/buckets/evil.com%2Fx/objects/k", "objects").is_err());
        assert!(bucket_and_key(&format!("/v1/buckets/bkt/objects/{}", "k".repeat(1025)), "objects").is_err());
    }

    #[test]
    fn queries_are_form_decoded() {
        let pairs = query_pairs("prefix=a+b%2B&all=true&&x").unwrap();
        assert_eq!(
            pairs,
            vec![
                ("prefix".into(), "a b+".into()),
                ("all".into(), "true".into()),
                ("x".into(), String::new())
            ]
        );
    }
}
